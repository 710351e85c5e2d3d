#!/usr/bin/env bash
# proofs/eacsl/run.sh - `make runtime-check`: the runtime checker generated
# from the ACSL spec by E-ACSL (proofs/eacsl/build.sh), run over
#   1. the unit tests of tests/ that use the sample drivers (scenarios,
#      rule catalogue; proofs/eacsl/no_violations.c says which are left
#      out and why), and
#   2. tests/mutants/scenarios.c to stack depth RUNTIME_CHECK_DEPTH
#      (default 2: the lowest driver alone and under each sample driver,
#      every lowest-driver mode, request, deferred-work schedule and
#      scenario kind).
# A violated clause stops the run with the rule's predicate name, the
# annotation's file and line, the driver's call site and the values
# (proofs/eacsl/report.c); this script then fails.
#
# It also measures the cost: the same scenario program built without
# instrumentation (same compiler, -O0 for both), run on the same machine,
# and prints the ratio.  Writes build/report/engines/runtime-check.json.
#
#   bash proofs/eacsl/run.sh [--report FILE]
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=$root/build/eacsl
report=""
[ "${1:-}" = "--report" ] && report=$2
depth=${RUNTIME_CHECK_DEPTH:-2}

t0=$(date +%s)
bash "$here/build.sh" --out "$out" --programs scenarios,tests || exit 2
build_s=$(( $(date +%s) - t0 ))
status=0
echo "runtime-check: built from the spec in ${build_s} s ($(grep -c . "$out/rewrites.txt") ACSL rewrites, listed in $out/rewrites.txt)"

# 1. unit tests, in continue mode: each violated clause is printed once
# ("EACSL <clause> ...") before the runner's line for its test.  The fact
# tests include rows that break a rule on purpose (a Windows fact about a
# wrong driver); the (test, clause) pairs they must produce, and nothing
# else, are listed in proofs/eacsl/expected_violations.
cd "$root" || exit 2
IRPC_EACSL_CONTINUE=1 "$out/tests" > "$out/tests.out" 2> "$out/tests.err"
rc=$?
if ! python3 - "$out/tests.out" "$here/expected_violations" <<'PY'
import sys
pending, seen = [], set()
for line in open(sys.argv[1]):
    w = line.split()
    if w[:1] == ["EACSL"]:
        pending.append(w[1])
    elif w[:1] in (["ok"], ["FAIL"]) and len(w) > 1:
        seen.update((w[1], c) for c in pending)
        pending = []
seen.update(("(after the last test)", c) for c in pending)
expected = {tuple(l.split()[:2]) for l in open(sys.argv[2]) if l.strip() and not l.startswith("#")}
for t, c in sorted(seen - expected):
    print("runtime-check: %s violated in test %s (not an expected violation)" % (c, t))
for t, c in sorted(expected - seen):
    print("runtime-check: test %s did not violate %s (listed in expected_violations)" % (t, c))
sys.exit(0 if seen == expected else 1)
PY
then
  status=1
fi
if [ $rc -ne 0 ]; then
  echo "runtime-check: FAIL tests/ (exit $rc)"
  head -20 "$out/tests.err"
  grep -v '^ok \|^EACSL ' "$out/tests.out" | tail -20
  status=1
elif [ $status -eq 0 ]; then
  echo "runtime-check: tests/: $(tail -1 "$out/tests.out"), no contract violated but the $(grep -c '^[^#]' "$here/expected_violations") expected ones (expected_violations)"
fi

# 2. scenarios, timed against the uninstrumented build
secs() { printf '%d.%02d' $(($1 / 1000)) $(($1 % 1000 / 10)); }   # milliseconds -> seconds
start=$(date +%s%N)
"$out/scenarios" --max-depth "$depth" > "$out/scenarios.out" 2> "$out/scenarios.err"
rc=$?
inst_ms=$(( ($(date +%s%N) - start) / 1000000 ))
if grep -q '^runtime-check:' "$out/scenarios.err" || [ $rc -ne 0 ] || [ -s "$out/scenarios.out" ]; then
  echo "runtime-check: FAIL scenarios to depth $depth (exit $rc)"
  grep -A12 '^runtime-check:' "$out/scenarios.err" | head -40
  grep '^scenarios:' "$out/scenarios.err" | head -5
  [ -s "$out/scenarios.out" ] && { echo "  the reference's own checks reported:"; sed 's/^/    /' "$out/scenarios.out"; }
  status=1
else
  echo "runtime-check: scenarios to depth $depth: no contract violated, no finding"
fi

plain=$out/plain
mkdir -p "$plain"
pflags="-std=c11 -O0 -g -Wall -Wextra -Werror -DIRPC_MAX_IRPS=16 -I$root/src/include -I$root/src -I$root/src/drivers"
if gcc $pflags "$root"/src/irpc_core.c "$root"/src/iomgr.c "$root"/src/ke.c "$root"/src/drivers/*.c \
       "$root"/src/irpc_print.c "$root"/tests/mutants/scenarios.c \
       -Wl,--wrap=KeAcquireSpinLock,--wrap=IsListEmpty,--wrap=IoGetCurrentIrpStackLocation \
       -o "$plain/scenarios" 2> "$plain/cc.log"; then
  start=$(date +%s%N)
  "$plain/scenarios" --max-depth "$depth" > /dev/null 2>&1
  plain_ms=$(( ($(date +%s%N) - start) / 1000000 ))
  [ $plain_ms -gt 0 ] || plain_ms=1
  ratio=$(python3 -c "print('%.0f' % ($inst_ms / $plain_ms))")
  echo "runtime-check: cost: scenarios to depth $depth in $(secs $inst_ms) s instrumented, $(secs $plain_ms) s plain (x$ratio)"
else
  cat "$plain/cc.log"
  echo "runtime-check: FAIL the uninstrumented comparison build"
  plain_ms=0; ratio=0; status=1
fi

if [ -n "$report" ]; then
  mkdir -p "$(dirname "$report")"
  st=passed; [ $status -ne 0 ] && st=violated
  printf '{"engines":[{"engine":"runtime-check","target":"tests+scenarios-depth-%s","status":"%s","seconds":%s,"instrumented_ms":%d,"plain_ms":%d,"ratio":%s}]}\n' \
    "$depth" "$st" "$(( $(date +%s) - t0 ))" "$inst_ms" "$plain_ms" "$ratio" > "$report"
fi
exit $status
