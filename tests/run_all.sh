#!/usr/bin/env bash
# Runs each test script given, sums their closing "N passed, N failed"
# lines, and prints the total as the last line.  A script that exits
# non-zero or prints no closing line counts as failed.
set -u
cd "$(dirname "$0")/.."
passed=0; failed=0
for script in "$@"; do
  echo "== $script"
  out=$(bash "$script" 2>&1); rc=$?
  echo "$out"
  line=$(echo "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -1)
  if [ -z "$line" ]; then
    echo "!! $script printed no result line"; failed=$((failed + 1)); continue
  fi
  p=$(echo "$line" | cut -d' ' -f1); f=$(echo "$line" | cut -d' ' -f3)
  [ $rc -ne 0 ] && [ "$f" = 0 ] && { echo "!! $script exited $rc"; f=1; }
  passed=$((passed + p)); failed=$((failed + f))
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
