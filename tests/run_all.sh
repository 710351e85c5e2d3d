#!/usr/bin/env bash
# Runs each test script given, sums their closing "N passed, N failed"
# lines, and prints the total as the last line.  A script that exits
# non-zero or prints no closing line counts as failed.
#
# TEST_JOBS scripts run at once (default: the number of processors, at
# least 1); the scripts write to distinct places under build/, so they can.
# Each script's output is printed whole, in the order given, with the
# seconds it took.
set -u
cd "$(dirname "$0")/.."
jobs=${TEST_JOBS:-$(nproc 2>/dev/null || echo 1)}
[ "$jobs" -ge 1 ] 2>/dev/null || jobs=1
out_dir=$(mktemp -d)
trap 'rm -rf "$out_dir"' EXIT

run_one() {   # run_one INDEX SCRIPT: output, exit code and seconds to out_dir
  local start=$SECONDS
  bash "$2" > "$out_dir/$1.out" 2>&1
  echo $? > "$out_dir/$1.rc"
  echo $((SECONDS - start)) > "$out_dir/$1.secs"
}

i=0
for script in "$@"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
  run_one $i "$script" &
  i=$((i + 1))
done
wait

passed=0; failed=0; i=0
for script in "$@"; do
  echo "== $script ($(cat "$out_dir/$i.secs") s)"
  out=$(cat "$out_dir/$i.out"); rc=$(cat "$out_dir/$i.rc")
  echo "$out"
  i=$((i + 1))
  line=$(echo "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -1)
  if [ -z "$line" ]; then
    echo "!! $script printed no result line"; failed=$((failed + 1)); continue
  fi
  p=$(echo "$line" | cut -d' ' -f1); f=$(echo "$line" | cut -d' ' -f3)
  [ "$rc" -ne 0 ] && [ "$f" = 0 ] && { echo "!! $script exited $rc"; f=1; }
  passed=$((passed + p)); failed=$((failed + f))
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
