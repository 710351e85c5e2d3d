#!/usr/bin/env bash
# model/seeded_tests.sh - every seeded concurrency bug must be found by spin
# with its rule id and a readable trail.  One line per seed; ends with
# "N passed, N failed".
#
# Columns: name | expected rule (as pan prints it) | checks | N M CANCEL CLEANUP | spin flags
# Patterns: 1 skip, 2 copy+propagating routine, 3 forward-and-wait,
# 4 create IRP, 5/6 complete at once, 7 pend+queue+DPC, 8 synchronous IOCTL
# (IoBuildDeviceIoControlRequest), 9 synchronous read (IoBuildSynchronousFsdRequest).
# PAT0 is the top.
set -u
cd "$(dirname "$0")/.."
seeds='
mark-after-unlock     |IRPC MarkingQueuedIrps         |safety|2 1 0 0|-DBUG=1 -DPAT0=1 -DPAT1=7
dpc-keeps-cancel      |IRPC CompleteWithCancelRoutine |safety|2 1 0 0|-DBUG=2 -DPAT0=2 -DPAT1=7
touch-after-call      |IRPC IrpAccessAfterRelease     |safety|2 1 0 0|-DBUG=3 -DPAT0=1 -DPAT1=7
fwdwait-no-wait       |IRPC CompleteRequest           |safety|2 1 0 0|-DBUG=4 -DPAT0=3 -DPAT1=7
dpc-cancel-double     |IRPC DoubleCompletion          |safety|1 1 1 0|-DBUG=5 -DPAT0=7
dpc-cancel-double-fw  |IRPC CompleteRequest           |safety|2 1 1 0|-DBUG=5 -DPAT0=3 -DPAT1=7
dpc-cancel-double-built|IRPC DoubleCompletion         |safety|2 1 1 0|-DBUG=5 -DPAT0=8 -DPAT1=7
alloc-free-early      |IRPC IoAllocateFree            |safety|2 1 0 0|-DBUG=7 -DPAT0=4 -DPAT1=7
alloc-no-free         |IRPC AllocatedIrpLeak          |safety|2 1 0 0|-DBUG=6 -DPAT0=4 -DPAT1=7
alloc-no-free-ltl     |acceptance cycle               |AllocatedIrpLeak|2 1 0 0|-DBUG=6 -DPAT0=4 -DPAT1=7
cleanup-early         |IRPC CleanupCompletesQueued    |safety|1 1 0 1|-DBUG=8 -DPAT0=7
cleanup-drops         |IRPC OriginatorNotifiedOnce    |safety|1 1 0 1|-DBUG=9 -DPAT0=7
cleanup-drops-ltl     |acceptance cycle               |OriginatorNotifiedOnce|1 1 0 1|-DBUG=9 -DPAT0=7
prop-no-mark          |IRPC CompletionRoutinePending  |safety|2 1 0 0|-DBUG=10 -DPAT0=2 -DPAT1=7
sync-no-wait          |IRPC IoBuildDeviceControlWait  |safety|2 1 0 0|-DBUG=12 -DPAT0=8 -DPAT1=7
sync-fsd-no-wait      |IRPC IoBuildDeviceControlWait  |safety|3 1 0 0|-DBUG=12 -DPAT0=2 -DPAT1=9 -DPAT2=7
sync-free             |IRPC IoBuildDeviceControlNoFree|safety|2 1 0 0|-DBUG=13 -DPAT0=8 -DPAT1=7
sync-fsd-free         |IRPC IoBuildSynchronousFsdRequestNoFree|safety|2 1 0 0|-DBUG=13 -DPAT0=9 -DPAT1=7
sync-routine-event    |IRPC IoBuildDeviceIoControlSetEvent|safety|2 1 0 0|-DBUG=14 -DPAT0=8 -DPAT1=7
sync-driver-event     |IRPC IoBuildDeviceIoControlSetEvent|safety|2 1 0 0|-DBUG=15 -DPAT0=9 -DPAT1=7
'
passed=0; failed=0
while IFS='|' read -r name rule checks cfg flags; do
  name=$(echo "$name" | xargs); [ -n "$name" ] || continue
  rule=$(echo "$rule" | sed 's/ *$//'); checks=$(echo "$checks" | xargs)
  set -- $cfg
  kind=safety; [ "$checks" = safety ] || kind=ltl
  out=$(MODEL_CHECKS=$kind PAN_CFLAGS=-DCOLLAPSE PAN_RUNFLAGS=-w20 MODEL_OUT=build/model/seed-$name \
        bash model/run.sh "seed-$name" "$@" $flags 2>&1)
  line=$(echo "$out" | grep "^== seed-$name $checks:")
  trail=$(echo "$out" | grep -c '^   *  | cpu')
  if echo "$line" | grep -q "violated" && echo "$line" | grep -qF "$rule" && [ "$trail" -gt 0 ]; then
    echo "ok   $name: $rule ($trail trail events)"
    passed=$((passed + 1))
  else
    echo "FAIL $name: expected $rule in the $checks run"
    echo "$out" | sed 's/^/     /' | head -60
    failed=$((failed + 1))
  fi
  [ -n "${SEED_VERBOSE:-}" ] && echo "$out" | grep -E '^   ' | sed 's/^/     /'
done <<< "$seeds"

# The state spin compares is the interned encoding of irpc and mdl
# (layers.c, m_sign); it must lose nothing: the same configuration with the
# whole state in the vector (-DFULL_VECTOR) stores exactly as many states.
counts=
for mode in interned full; do
  flag=; [ $mode = full ] && flag=-DFULL_VECTOR
  out=$(MODEL_CHECKS=safety PAN_CFLAGS=-DCOLLAPSE MODEL_OUT=build/model/exact-$mode \
        bash model/run.sh "exact-$mode" 2 2 1 1 $flag 2>&1)
  n=$(echo "$out" | sed -n 's/^== exact-[a-z]* safety: proved  states=\([0-9]*\) .*/\1/p')
  counts="$counts ${n:-none}"
done
set -- $counts
if [ "$1" != none ] && [ "$1" = "$2" ]; then
  echo "ok   interned-vector-exact: $1 states interned, $2 with the whole state in the vector (N=2, M=2, cancel, cleanup)"
  passed=$((passed + 1))
else
  echo "FAIL interned-vector-exact: states interned / whole vector: $1 / $2"
  failed=$((failed + 1))
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
