#!/usr/bin/env bash
# Runs the scenario suite three ways (gcc, gcc with ASan+UBSan, clang).
# Prints each run's results and one closing "N passed, N failed" line.
# With --report FILE, also writes the engine fragment for results.json.
set -u
cd "$(dirname "$0")/.."
report=""
[ "${1:-}" = "--report" ] && report="$2"
passed=0; failed=0; entries=""
for bin in tests tests_asan tests_clang; do
  start=$(date +%s%N)
  out=$(ASAN_OPTIONS=detect_leaks=1 ./build/$bin 2>&1); rc=$?
  ms=$(( ($(date +%s%N) - start) / 1000000 )); secs=$(printf "%d.%03d" $((ms / 1000)) $((ms % 1000)))
  echo "$out" | grep -v '^ok ' | sed "s/^/[$bin] /"
  line=$(echo "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -1)
  p=$(echo "$line" | cut -d' ' -f1); f=$(echo "$line" | cut -d' ' -f3)
  [ -n "$p" ] || { p=0; f=1; }
  [ $rc -ne 0 ] && [ "$f" = 0 ] && f=1
  passed=$((passed + p)); failed=$((failed + f))
  st=passed; [ "$f" != 0 ] && st=violated
  entries="$entries{\"engine\":\"tests\",\"target\":\"$bin\",\"status\":\"$st\",\"goals\":$((p+f)),\"proved\":$p,\"seconds\":$secs},"
done
if [ -n "$report" ]; then
  mkdir -p "$(dirname "$report")"
  printf '{"engines":[%s]}\n' "${entries%,}" > "$report"
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
