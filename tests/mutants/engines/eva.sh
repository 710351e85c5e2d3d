#!/usr/bin/env bash
# engines/eva.sh TREE - the `eva` engine of the mutant kill matrix: the
# bounded system harnesses of harness/ under Frama-C Eva (harness/run.py
# --engines eva), analysing TREE's src/ (possibly mutated).  Eva follows
# every choice as its own state, so its bounds are small:
#   - a mutant of an upper sample driver (passthru, propagate, fwdwait,
#     allocirp, asyncfsd, syncioctl): the `stack` harness, depth 2, one
#     request of each kind, the upper layer that driver (HARNESS_UPPER);
#   - any other mutant (lowest.c, the I/O manager) and the unmodified tree:
#     `stack`, `inflight` (one cancel) and `cleanup`, depth 1, one request;
#     for a mutant of src/iomgr.c, irpc_core.c or ke.c `stack` at depth 2.
# Each harness is one Eva run (EVA_SPLIT=off: at these bounds a run takes
# seconds, and the records below predate the split of the defaults into
# prefixes; the split analyses the same executions, harness/README.md, Eva).
# Prints the rule id of every rule check Eva finds reachable.  Outcomes are
# recorded by input content in harness/eva-cache/mutants/ of this repository (see
# harness/run.py), so an unchanged mutant replays.  Exit 77 when TREE has
# no harness/run.py or Frama-C is missing.
set -u
tree=$(cd "${1:?usage: eva.sh TREE}" && pwd) || exit 2
[ -f "$tree/harness/run.py" ] || { echo "eva: no harness/run.py" >&2; exit 77; }
command -v frama-c >/dev/null || { echo "eva: no frama-c" >&2; exit 77; }
here=$(cd "$(dirname "$0")/../../.." && pwd)
out="$tree/build/mutant-engines/eva"
mkdir -p "$out"

upper=
file=$(sed -n 's/^# file: *//p' "$tree/.mutant.patch" 2>/dev/null | head -1)
case "$file" in
  src/drivers/passthru.c|src/drivers/propagate.c|src/drivers/fwdwait.c|\
  src/drivers/allocirp.c|src/drivers/asyncfsd.c|src/drivers/syncioctl.c)
    name=P_$(basename "$file" .c | tr a-z A-Z)
    # its number in harness.h's pattern enum (P_LOWEST_INLINE_OK = 0, ...)
    upper=$(awk '/P_LOWEST_INLINE_OK = 0/ { on = 1; n = 0 }
                 on && /^ *P_[A-Z_]+ *(= *0)?,/ { sub(/^ */, ""); split($0, a, /[ ,=]/); print n, a[1]; n++ }
                 /P_COUNT/ { on = 0 }' "$tree/harness/common/harness.h" | awk -v p="$name" '$2 == p { print $1 }')
    [ -n "$upper" ] || { echo "eva: harness.h has no pattern $name" >&2; exit 2; } ;;
esac

cd "$tree" || exit 2
export HARNESS_OBJCACHE="$here/build/mutants/.objcache-harness"
export HARNESS_EVA_CACHE="$here/harness/eva-cache/mutants"
export EVA_SPLIT=off
# an I/O manager bug may need a layer above the lowest: stack at depth 2
stack_depth=1
case "$file" in src/iomgr.c|src/irpc_core.c|src/ke.c) stack_depth=2 ;; esac
if [ -n "$upper" ]; then
  HARNESS_UPPER=$upper stack_EVA_DEPTH=2 stack_EVA_REQUESTS=1 \
    python3 harness/run.py --engines eva --report "$out" stack > "$out/run.log" 2>&1
else
  stack_EVA_DEPTH=$stack_depth stack_EVA_REQUESTS=1 inflight_EVA_DEPTH=1 inflight_EVA_REQUESTS=1 \
  inflight_EVA_CANCELS=1 cleanup_EVA_DEPTH=1 cleanup_EVA_REQUESTS=1 \
    python3 harness/run.py --engines eva --report "$out" stack inflight cleanup > "$out/run.log" 2>&1
fi
if grep -Eq '^eva +[a-z]+ +error' "$out/run.log"; then
  echo "eva: a harness could not be analysed (see $out/run.log)" >&2
  grep -A10 -E '^eva +[a-z]+ +error' "$out/run.log" | head -30 >&2
  exit 2
fi
# the rules whose check Eva finds reachable; "alarm" when Eva stopped at
# an alarm (a runtime error; the annotations of src/ are blanked for Eva)
# before any rule check
{
  sed -n -E 's/^eva +[a-z]+ +violated .*  rules (.*)$/\1/p' "$out/run.log" | tr ' ' '\n'
  grep -Eq '^eva +[a-z]+ +unknown ' "$out/run.log" && echo alarm
} | grep -v '^$' | sort -u
exit 0
