#!/usr/bin/env bash
# engines/e-acsl.sh TREE - the `e-acsl` engine of the mutant kill matrix:
# the runtime checker generated from the ACSL spec (proofs/eacsl/, the one
# `make runtime-check` runs), built from TREE's src/ and spec/, run over
# tests/mutants/scenarios.c in continue mode.  Prints the name of every
# contract clause that was false at run time (the clause names are the rule
# ids; a clause named otherwise, such as `frame_kept`, is printed as it is
# and counts as "other").  Clauses of IrpcReport are the reference's own
# checks relayed, not the contract's: not printed.
#
# Scope: the stacks containing the mutated sample driver, to depth 3; all
# stacks to depth 2 for a mutant of the lowest driver, the I/O manager or
# the kernel services (the instrumented scenarios run about 30 times slower
# than plain ones).  Exit 77 when Frama-C is not installed.
set -u
tree=$(cd "${1:?usage: e-acsl.sh TREE}" && pwd) || exit 2
here=$(cd "$(dirname "$0")/../../.." && pwd)
command -v frama-c >/dev/null || { echo "e-acsl: frama-c not installed (make tools)" >&2; exit 77; }
out="$tree/build/mutant-engines/e-acsl"
mkdir -p "$out"

focus=all depth=2
file=$(sed -n 's/^# file: *//p' "$tree/.mutant.patch" 2>/dev/null | head -1)
case "$file" in
  src/drivers/*.c)
    d=$(basename "$file" .c)
    case "$d" in common|lowest) ;; *) focus=$d depth=3 ;; esac ;;
esac

if ! bash "$here/proofs/eacsl/build.sh" --tree "$tree" --out "$out" --programs scenarios \
       > "$out/build.log" 2>&1; then
  echo "e-acsl: the runtime checker did not build (see $out/build.log)" >&2
  tail -20 "$out/build.log" >&2
  exit 2
fi
IRPC_EACSL_CONTINUE=first timeout 900 "$out/scenarios" --focus "$focus" --max-depth "$depth" \
  > "$out/run.txt" 2> "$out/run.err"
rc=$?
if [ $rc -ne 0 ]; then
  echo "e-acsl: scenarios exited $rc (see $out/run.err)" >&2
  exit 2
fi
sed -n -E 's/^EACSL ([^ ]+) .*/\1/p' "$out/run.txt" | grep -v '^reference:' |
  sed 's/[^A-Za-z0-9_-]/_/g' | sort -u
exit 0
