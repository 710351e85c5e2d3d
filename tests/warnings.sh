#!/usr/bin/env bash
# Every C file the project owns compiles with -Wall -Wextra -Werror under
# both gcc and clang (C11).  Generated code (spin's pan.c) is not ours and
# is not listed.  Ends with "N passed, N failed".
cd "$(dirname "$0")/.." || exit 2
passed=0; failed=0
W="-std=c11 -Wall -Wextra -Werror -fsyntax-only"
BASE="-Isrc/include -Isrc -Isrc/drivers"
check() {   # check LABEL FLAGS... FILE
  local label=$1; shift
  for cc in gcc clang; do
    if out=$($cc $W "$@" 2>&1); then passed=$((passed + 1))
    else failed=$((failed + 1)); echo "FAIL $cc $label"; echo "$out" | head -5; fi
  done
}
for f in src/*.c src/drivers/*.c tests/*.c; do
  [ "$f" = src/wdk.c ] && continue
  check "$f" $BASE "$f"
done
check src/wdk.c -Isrc/include/wdk $BASE src/wdk.c
for f in audit/*.c; do check "$f" -Isrc/include/wdk $BASE "$f"; done
H="-DIRPC_MAX_IRPS=16 -DHARNESS_DEPTH=2 -DHARNESS_REQUESTS=1 -DHARNESS_CANCELS=0 -DHARNESS_ALLOC_FAILS=0 -DHARNESS_KINDS=4 -DHARNESS_LIFE_REQUESTS=1 -DHARNESS_BUG=0 -DHARNESS_CLEANUP=1 -DHARNESS_STATUSES=2 -Iharness/common -Iharness/negative -Iharness/compose"
for f in harness/common/harness.c harness/common/explore.c harness/common/print.c \
         harness/*/*_harness.c harness/negative/*.c harness/compose/any_lower.c; do
  [ -f "$f" ] && check "$f" $BASE $H "$f"
done
check tests/mutants/scenarios.c $BASE tests/mutants/scenarios.c
# the runtime checker's own files (E-ACSL's headers carry an attribute only
# Frama-C knows: -Wno-attributes / -Wno-unknown-attributes for report.c)
E=/usr/share/frama-c/e-acsl
for f in proofs/eacsl/entry.c proofs/eacsl/no_violations.c; do check "$f" $BASE -Itests "$f"; done
# the gate's test targets (broken.c is meant not to parse)
for f in proofs/test_gate/*.c; do [ "$f" = proofs/test_gate/broken.c ] || check "$f" "$f"; done
if [ -d $E ]; then
  for cc in gcc clang; do
    na=-Wno-attributes; [ $cc = clang ] && na=-Wno-unknown-attributes
    if out=$($cc $W $na -I$E proofs/eacsl/report.c 2>&1); then passed=$((passed + 1))
    else failed=$((failed + 1)); echo "FAIL $cc proofs/eacsl/report.c"; echo "$out" | head -5; fi
  done
fi
for f in model/*.c; do check "$f" -DIRPC_MAX_CPUS=3 $BASE -Imodel "$f"; done
# audit fixtures: wide strings are 16-bit on Windows (the audit builds with
# -fshort-wchar); bug_unknown_routine.c calls an undeclared routine on
# purpose (the audit must report it), so it cannot compile with -Werror
for f in tests/audit/*.c; do
  [ "$f" = tests/audit/bug_unknown_routine.c ] && continue
  check "$f" -fshort-wchar -Isrc/include/wdk $BASE "$f"
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
