#!/usr/bin/env bash
# Negative harnesses: for each buggy layer of harness/negative/buggy.c, the
# system harness (negative/negative_harness.c) run by the exhaustive
# explorer must fail with the layer's rule id and print a trace; so must
# the compose harness's step (negative/negative_compose.c) for each upper
# buggy layer.  Ends with "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
mkdir -p build/harness
SRC="src/irpc_core.c src/iomgr.c src/ke.c src/irpc_print.c src/drivers/*.c"
COMMON="harness/common/harness.c harness/common/explore.c harness/common/print.c"
FLAGS="-std=c11 -Wall -Wextra -Werror -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
INC="-Isrc/include -Isrc -Isrc/drivers -Iharness/common -Iharness/negative -DIRPC_MAX_IRPS=16"
# bug index : expected rule id (the order of buggy_layers[])
expected=(OriginatorNotifiedOnce PendingReturnedConsistency AllocatedIrpLeak CleanupCompletesQueued
          DoubleCompletion CompletionRoutinePending MarkingQueuedIrps CompleteRequest
          IoBuildDeviceControlWait AllocatedIrpMustStop IoAllocateForward MarkIrpPending
          IrpProcessingComplete IrpProcessingComplete DoubleCompletion AllocatedIrpLeak
          CompletionRoutinePending)
# bug indexes of the lowest-level buggy drivers (is_lowest in buggy_layers[]):
# the compose step puts buggy upper layers above its abstract device only
lowest_bugs=" 3 6 "
# bug index : what its trace must show besides IoCallDriver (the new coverage
# the bug is reachable only through: an injected failure, a cancel, a second
# request sent while the first is in flight)
shows=([13]="IoAllocateIrp failed (no IRP: allocation failure injected)"
       [14]="IoCancelIrp(irp 1) -> cancel routine called"
       [15]="IoCancelIrp(irp 2) -> cancel routine called"
       [16]="IoCallDriver(dev 2, irp 2)")
# everything but the harness file is compiled once
objs=""
for f in harness/negative/buggy.c $COMMON $SRC; do
  o=build/harness/neg_$(echo "$f" | tr '/.' '__').o
  gcc $FLAGS $INC -c "$f" -o "$o" || { echo "FAIL: $f does not compile"; echo "0 passed, 1 failed"; exit 1; }
  objs="$objs $o"
done
passed=0; failed=0
# check SRC RULE EXE WANT LABEL BUG: builds EXE from the harness file SRC
# with HARNESS_BUG=BUG and the objects ($extra_objs too), runs it; it must
# fail with RULE and print a trace with an IoCallDriver and WANT (a basic
# regular expression).
check() {
  local src=$1 rule=$2 exe=$3 want=$4 label=$5 bug=$6
  if ! gcc $FLAGS $INC $extra_inc -DHARNESS_BUG=$bug "$src" $extra_objs $objs -o "$exe" 2> "$exe.cc.txt"; then
    echo "FAIL $label/$rule: does not compile"; cat "$exe.cc.txt"
    failed=$((failed + 1)); return
  fi
  local out rc got
  out=$(timeout 60 "./$exe" -q 2>&1); rc=$?
  got=$(echo "$out" | sed -n 's/^RESULT violated \([A-Za-z0-9]*\) .*/\1/p')
  if [ $rc -eq 1 ] && [ "$got" = "$rule" ] && echo "$out" | grep -q "IoCallDriver(dev" &&
     echo "$out" | grep -q -- "$want"; then
    echo "ok   $label/$rule  ($(echo "$out" | sed -n 's/^configuration: //p'))"
    passed=$((passed + 1))
  else
    echo "FAIL $label/$rule: expected a $rule violation with a trace, got '${got:-none}' (exit $rc)"
    echo "$out" | sed 's/^/    /' | head -40
    failed=$((failed + 1))
  fi
}
extra_inc= extra_objs=
for i in "${!expected[@]}"; do
  check harness/negative/negative_harness.c "${expected[$i]}" build/harness/negative_$i \
    "${shows[$i]:-IoCallDriver(dev}" negative $i
done

# The compose harness's induction step (harness/compose/) with each buggy
# upper layer above the abstract lower device: the same rule id, a trace.
# (The lowest-level buggy drivers, lowest_bugs, are the base case's kind,
# not a sample pattern; negative_compose.c assumes them away.)
extra_inc=-Iharness/compose extra_objs=build/harness/neg_any_lower.o
if gcc $FLAGS $INC $extra_inc -c harness/compose/any_lower.c -o $extra_objs; then
  for i in "${!expected[@]}"; do
    [[ $lowest_bugs == *" $i "* ]] && continue
    check harness/negative/negative_compose.c "${expected[$i]}" build/harness/negative_compose_$i \
      "configuration: depth 2: dev 1 any-lower <- " compose $i
  done
else
  echo "FAIL: harness/compose/any_lower.c does not compile"; failed=$((failed + 1))
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
