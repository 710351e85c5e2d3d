#!/usr/bin/env bash
# model/bench.sh - the scaling table of model/README.md, by fixed commands.
#
#   bash model/bench.sh [ROWS-FILE]
#
# Each row: N M CANCEL CLEANUP CHECKS LIMIT PAN_CFLAGS PAN_RUNFLAGS [spin flags], run as
#   MODEL_CHECKS=CHECKS PAN_CFLAGS=... PAN_RUNFLAGS=... timeout LIMIT model/run.sh bench-... N M CANCEL CLEANUP [spin flags]
# (CHECKS: safety or ltl; "-" for no PAN_CFLAGS or PAN_RUNFLAGS; commas in
# PAN_CFLAGS stand for spaces).  A bitstate row's verdict is "partial".  Prints one markdown row
# per run: states stored, peak memory (pan's states and the model's intern
# table), seconds, verdict; a run stopped by its time limit says so.  The
# machine and its load go in the header: other jobs make the seconds
# overstate.
set -u
cd "$(dirname "$0")/.."
rows=${1:-}
default='
2 1 1 1 safety 300 -DCOLLAPSE -
2 2 1 1 safety 300 -DCOLLAPSE -
2 2 1 1 safety 300 -DCOLLAPSE - -DFULL_VECTOR
3 2 0 0 safety 300 -DCOLLAPSE -
3 2 1 1 safety 300 -DCOLLAPSE -
3 2 1 1 safety 300 - -
3 2 1 1 safety 300 -DCOLLAPSE,-DNOREDUCE -
3 2 1 1 safety 300 -DCOLLAPSE - -DFULL_VECTOR
3 2 1 1 ltl 300 -DCOLLAPSE -
3 3 1 1 safety 300 -DCOLLAPSE -
4 2 1 1 safety 300 -DCOLLAPSE -
4 3 1 0 safety 300 -DCOLLAPSE -
4 3 1 1 safety 300 -DCOLLAPSE -
4 3 1 1 safety 300 - -
4 3 1 1 ltl 900 -DCOLLAPSE -
5 3 1 1 safety 300 -DCOLLAPSE -
4 4 1 1 safety 300 -DCOLLAPSE -
5 3 1 1 safety 420 -DBITSTATE -w32
'
if [ -n "$rows" ]; then rows=$(cat "$rows"); else rows=$default; fi
row=0
echo "# $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| N | M | cancel | cleanup | run | pan flags | spin flags | states | memory MB | seconds | verdict |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
while read -r n m cancel cleanup checks limit cflags rflags sflags; do
  [ -n "$n" ] || continue
  [ "$cflags" = - ] && cflags=
  [ "$rflags" = - ] && rflags=
  cflags=${cflags//,/ }
  row=$((row + 1)); name="bench-$row-n$n-m$m-c$cancel-l$cleanup-$checks"
  start=$(date +%s.%N)
  out=$(MODEL_CHECKS=$checks PAN_CFLAGS="$cflags" PAN_RUNFLAGS="$rflags" MODEL_OUT="build/model/$name" \
        timeout "$limit" bash model/run.sh "$name" "$n" "$m" "$cancel" "$cleanup" $sflags 2>&1)
  rc=$?
  secs=$(echo "$(date +%s.%N) - $start" | bc)
  while read -r line; do
    [ -n "$line" ] || continue
    kind=$(echo "$line" | sed -E 's/^== [^ ]+ ([A-Za-z]+): .*/\1/')
    verdict=$(echo "$line" | sed -E 's/^== [^ ]+ [A-Za-z]+: ([a-z]+) .*/\1/')
    states=$(echo "$line" | sed -E 's/.*states=([0-9]+).*/\1/')
    mem=$(echo "$line" | sed -E 's/.*memory_mb=([0-9.]+).*/\1/')
    s=$(echo "$line" | sed -E 's/.*seconds=([0-9.]+).*/\1/')
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %.0f | %.1f | %s |\n' "$n" "$m" "$cancel" "$cleanup" "$kind" \
      "${cflags:-none} ${rflags}" "${sflags:--}" "$states" "$mem" "$s" "$verdict"
  done <<< "$(echo "$out" | grep -E '^== ')"
  if [ "$rc" = 124 ]; then
    printf '| %s | %s | %s | %s | %s | %s | %s | - | - | > %s | stopped at the time limit |\n' "$n" "$m" "$cancel" "$cleanup" \
      "$checks" "${cflags:-none}" "${sflags:--}" "$limit"
  fi
done <<< "$rows"
