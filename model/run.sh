#!/usr/bin/env bash
# model/run.sh - builds and runs spin's checker for one configuration.
#
#   model/run.sh NAME N M CANCEL CLEANUP [SPIN -D FLAGS...]
#
# N devices, M reads (plus one cleanup when CLEANUP=1), IoCancelIrp when
# CANCEL=1.  Extra arguments go to `spin -a` (-DBUG=4, -DPAT0=3, -DUPPER_SET=..).
# Environment:
#   MODEL_CHECKS  which runs: "safety ltl" (default) or "safety"
#   PAN_CFLAGS    extra gcc flags for pan (-DCOLLAPSE, -DBITSTATE, -DNCORE=4 ...)
#   PAN_RUNFLAGS  extra ./pan flags (-w28, -k3 ...)
#   MODEL_OUT     build folder (default build/model/NAME)
#
# Runs, in build/model/NAME:
#   safety  ./pan        every rule the reference checks (uerror with the rule
#                        id), invalid end states (a processor blocked forever),
#                        and OriginatorNotifiedOnce / AllocatedIrpLeak at
#                        quiescence;
#   ltl     ./pan -a -N OriginatorNotifiedOnce / -N AllocatedIrpLeak
#                        (built with -DMDL_LTL: the quiescence checks are left
#                        to the never claims); no fairness flag: see README.
# On a violation it replays the trail (./pan -r) and prints the protocol
# events per processor.  Prints one JSON object per run on lines starting
# "RESULT " and exits 1 when any run found a violation or failed.
set -u
cd "$(dirname "$0")/.."
root=$(pwd)
name=$1; n=$2; m=$3; cancel=$4; cleanup=$5; shift 5
out=${MODEL_OUT:-build/model/$name}
checks=${MODEL_CHECKS:-safety ltl}
mkdir -p "$out"
total=$((m + cleanup))
pools="-DIRPC_MAX_IRPS=$((total + m * (n - 1))) -DIRPC_MAX_DEVICES=$n -DIRPC_MAX_STACK=$n \
-DIRPC_MAX_FRAMES=$((2 * n + 2)) -DIRPC_MAX_DEFERRED=$((m + 1)) -DIRPC_MAX_REQUESTS=$total \
-DIRPC_MAX_FILES=1 -DIRPC_MAX_CPUS=3"
srcs="$root/model/layers.c $root/src/irpc_core.c $root/src/iomgr.c $root/src/ke.c $root/src/irpc_print.c"
inc="-I$root/src/include -I$root/src -I$root/model"
# pan.c is generated: it does not build warning-free, so it gets -w; the
# model's own C (layers.c) is built with -Wall -Wextra -Werror by model.mk.
cflags="-std=gnu11 -O2 -w -DVECTORSZ=16384 -DMEMLIM=8192 $pools $inc ${PAN_CFLAGS:-}"

( cd "$out" && cp "$root/model/irpc.pml" . && \
  spin -DNDEV=$n -DNREQ=$m -DCANCEL=$cancel -DCLEANUP=$cleanup "$@" -a irpc.pml >spin.log 2>&1 ) || {
  echo "spin -a failed:"; cat "$out/spin.log"; exit 1; }

bounds="{\"devices\":$n,\"irps\":$m,\"cancel\":$([ "$cancel" = 1 ] && echo true || echo false),\"cleanup\":$([ "$cleanup" = 1 ] && echo true || echo false)}"
status_all=0

# one run: KIND  BINARY  PAN-ARGS...
run() {
  local kind=$1 bin=$2; shift 2
  local start end secs log=$out/$kind.log
  rm -f "$out"/*.trail
  start=$(date +%s.%N)
  ( cd "$out" && ./"$bin" -m1000000 ${PAN_RUNFLAGS:-} "$@" ) >"$log" 2>&1
  end=$(date +%s.%N)
  secs=$(echo "$end - $start" | bc)
  local states mem st rule
  states=$(grep -E '^ +[0-9.e+]+ states, stored' "$log" | head -1 | awk '{print $1}')
  # the process's peak (pan's states and the model's intern table, which
  # pan's own "total actual memory usage" does not count); pan's figure
  # when the model did not print it (-DFULL_VECTOR)
  mem=$(grep '^model: peak memory' "$log" | awk '{print $4}')
  [ -n "$mem" ] || mem=$(grep 'total actual memory usage' "$log" | awk '{print $1}')
  [ -n "$states" ] || states=0
  [ -n "$mem" ] || mem=0
  if grep -q '^pan:[0-9]*: ' "$log" || ls "$out"/*.trail >/dev/null 2>&1; then
    st=violated
    rule=$(grep -m1 '^pan:[0-9]*: ' "$log" | sed -E 's/^pan:[0-9]+: //; s/ \(at depth.*//')
  elif grep -q 'errors: 0' "$log"; then
    st=proved; rule=""
  else
    st=error; rule=$(tail -3 "$log" | tr '\n' ' ')
  fi
  if grep -q 'Search not completed\|max search depth too small' "$log" && [ "$st" = proved ]; then
    st=error; rule="search incomplete (depth or memory bound)"
  fi
  # -DBITSTATE / -DHC: a clean run visited part of the states, it proves nothing
  if grep -q '^Bit statespace search\|^Hash-Compact [0-9]* search' "$log" && [ "$st" = proved ]; then
    st=partial
    rule="$(grep -m1 '^Bit statespace\|^Hash-Compact' "$log" | sed 's/ for:$//'): no violation among the states visited, not exhaustive$(grep -m1 'hash factor' "$log" | sed 's/^/ (/; s/ (best.*/)/')"
  fi
  echo "== $name $kind: $st  states=$states memory_mb=$mem seconds=$secs ${rule:+ ($rule)}"
  if [ "$st" = violated ]; then
    echo "   trail, replayed (protocol events per processor):"
    ( cd "$out" && ./"$bin" -r -n "$@" 2>&1 ) | grep -E '^  \||^pan:[0-9]' | sed 's/^/   /'
    status_all=1
  elif [ "$st" = error ]; then
    tail -20 "$log" | sed 's/^/   /'
    status_all=1
  fi
  printf 'RESULT {"engine":"spin","target":"%s/%s","status":"%s","bounds":%s,"states":%s,"memory_mb":%s,"seconds":%.2f,"violation":"%s"}\n' \
    "$name" "$kind" "$st" "$bounds" "$states" "$mem" "$secs" "$(echo "$rule" | sed 's/"/\\"/g')"
}

for c in $checks; do
  case $c in
  safety)
    ( cd "$out" && gcc $cflags -DNOCLAIM -o pan_safety pan.c $srcs ) >"$out/gcc_safety.log" 2>&1 || {
      echo "gcc failed:"; tail -20 "$out/gcc_safety.log"; exit 1; }
    run safety pan_safety
    ;;
  ltl)
    ( cd "$out" && gcc $cflags -DMDL_LTL -o pan_ltl pan.c $srcs ) >"$out/gcc_ltl.log" 2>&1 || {
      echo "gcc failed:"; tail -20 "$out/gcc_ltl.log"; exit 1; }
    run OriginatorNotifiedOnce pan_ltl -a -N OriginatorNotifiedOnce
    run AllocatedIrpLeak pan_ltl -a -N AllocatedIrpLeak
    ;;
  esac
done
exit $status_all
