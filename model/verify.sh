#!/usr/bin/env bash
# model/verify.sh - `make model`: runs spin's checker on the default
# configurations (every property: the safety run and both LTL claims) and
# writes build/report/engines/spin.json.  Exits 1 on any violation or error.
#
# Then model/conformance.sh (the model against the monolithic reference).
# A configuration: NAME N M CANCEL CLEANUP CHECKS [spin -D flags], CHECKS
# being "all" (the safety run and both LTL claims) or "safety".  All layer
# patterns are chosen nondeterministically unless flags fix them.  The
# layers that build their IRP with IoBuild* (patterns 8, 9: synchronous IOCTL
# or read, 10: asynchronous read) have their own configuration: the top
# layer builds (TOP_SET=1792), the middle one takes any upper pattern
# including those three (UPPER_SET=1918); added to the first
# configuration's choices instead they would cost more states there
# (model/README.md).  The third is the issue's target size, N=4
# devices and M=3 reads with cancel and cleanup, every pattern: its safety
# run takes about 45 s; its two LTL runs (measured in model/README.md) are
# left to `MODEL_CONFIGS` to keep `make model` short.
set -u
cd "$(dirname "$0")/.."
configs=${MODEL_CONFIGS:-'
n3-m2-cancel-cleanup 3 2 1 1 all
n3-m2-built-cancel-cleanup 3 2 1 1 all -DTOP_SET=1792 -DUPPER_SET=1918
n4-m3-cancel-cleanup 4 3 1 1 safety
'}
mkdir -p build/report/engines build/model
results=build/model/results.txt
: > "$results"
status=0
while read -r name n m cancel cleanup checks flags; do
  [ -n "$name" ] || continue
  case $checks in
    all) runs="safety ltl" ;;
    safety) runs=safety ;;
    *) echo "model/verify.sh: configuration $name: CHECKS must be all or safety, not '$checks'"; exit 2 ;;
  esac
  echo "== spin: $name (N=$n devices, M=$m IRPs, cancel=$cancel, cleanup=$cleanup; $checks)"
  MODEL_CHECKS=$runs PAN_CFLAGS="${PAN_CFLAGS:--DCOLLAPSE}" bash model/run.sh "$name" "$n" "$m" "$cancel" "$cleanup" $flags \
    > "build/model/$name.log" 2>&1 || status=1
  grep -v '^RESULT ' "build/model/$name.log" | grep -E '^==|^   ' | head -80
  grep '^RESULT ' "build/model/$name.log" | sed 's/^RESULT //' >> "$results"
done <<< "$configs"
# the model's re-stated parts against the monolithic reference
start=$(date +%s)
if bash model/conformance.sh > build/model/conformance.log 2>&1; then cst=proved; else cst=violated; status=1; fi
tail -1 build/model/conformance.log | sed 's/^/== spin conformance: /'
printf '{"engine":"spin","target":"conformance","status":"%s","bounds":{"devices":2,"irps":1,"cancel":false,"cleanup":false},"states":0,"memory_mb":0,"seconds":%d}\n' \
  "$cst" $(( $(date +%s) - start )) >> "$results"
python3 model/spin_report.py "$results" build/report/engines/spin.json || status=1
exit $status
