#!/usr/bin/env bash
# Negative harnesses: for each buggy layer of harness/negative/buggy.c, the
# system harness (negative/negative_harness.c) run by the exhaustive
# explorer must fail with the layer's rule id and print a trace.  Ends with
# "N passed, N failed".
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
          IrpProcessingComplete IrpProcessingComplete DoubleCompletion)
# bug index : what its trace must show besides IoCallDriver (the new coverage
# the bug is reachable only through)
shows=([13]="IoAllocateIrp failed (no IRP: allocation failure injected)"
       [14]="IoCancelIrp(irp 1) -> cancel routine called")
# everything but the harness file is compiled once
objs=""
for f in harness/negative/buggy.c $COMMON $SRC; do
  o=build/harness/neg_$(echo "$f" | tr '/.' '__').o
  gcc $FLAGS $INC -c "$f" -o "$o" || { echo "FAIL: $f does not compile"; echo "0 passed, 1 failed"; exit 1; }
  objs="$objs $o"
done
passed=0; failed=0
for i in "${!expected[@]}"; do
  rule=${expected[$i]}
  exe=build/harness/negative_$i
  if ! gcc $FLAGS $INC -DHARNESS_BUG=$i harness/negative/negative_harness.c $objs -o $exe 2> build/harness/negative_$i.cc.txt; then
    echo "FAIL negative/$rule: does not compile"; cat build/harness/negative_$i.cc.txt
    failed=$((failed + 1)); continue
  fi
  out=$(timeout 60 ./$exe -q 2>&1); rc=$?
  got=$(echo "$out" | sed -n 's/^RESULT violated \([A-Za-z0-9]*\) .*/\1/p')
  if [ $rc -eq 1 ] && [ "$got" = "$rule" ] && echo "$out" | grep -q "IoCallDriver(dev" &&
     echo "$out" | grep -qF "${shows[$i]:-IoCallDriver(dev}"; then
    layer=$(echo "$out" | sed -n 's/^configuration: //p')
    echo "ok   negative/$rule  ($layer)"
    passed=$((passed + 1))
  else
    echo "FAIL negative/$rule: expected a $rule violation with a trace, got '${got:-none}' (exit $rc)"
    echo "$out" | sed 's/^/    /' | head -40
    failed=$((failed + 1))
  fi
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
