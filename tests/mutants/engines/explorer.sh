#!/usr/bin/env bash
# engines/explorer.sh TREE - the `explorer` engine of the mutant kill matrix:
# the bounded system harnesses of harness/ (stack, inflight, cleanup; not
# compose, whose abstract lower device is the harness's own) under
# the native exhaustive explorer (gcc, ASan+UBSan), built from TREE's src/
# with TREE's copy of harness/ (harness/run.py), every harness at depth
# MUTANTS_EXPLORER_DEPTH (default 3, one less than the harnesses' default:
# a sample driver's bug shows in a stack of three layers, and depth 4 costs
# about six times as much) and its default other bounds.  Objects are shared
# between the trees (HARNESS_OBJCACHE: keyed on content), so a mutant
# recompiles only its mutated file.  The explorer stops a harness at its
# first violation, so it prints at most one rule id per harness.  Exit 77
# when TREE has no harness/run.py.
set -u
tree=$(cd "${1:?usage: explorer.sh TREE}" && pwd) || exit 2
[ -f "$tree/harness/run.py" ] || { echo "explorer: no harness/run.py" >&2; exit 77; }
command -v gcc >/dev/null || { echo "explorer: no gcc" >&2; exit 77; }
out="$tree/build/mutant-engines/explorer"
mkdir -p "$out"
cd "$tree" || exit 2
here=$(cd "$(dirname "$0")/../../.." && pwd)
depth=${MUTANTS_EXPLORER_DEPTH:-3}
HARNESS_OBJCACHE="$here/build/mutants/.objcache-harness" \
  stack_DEPTH=$depth inflight_DEPTH=$depth cleanup_DEPTH=$depth \
  python3 harness/run.py --engines explore --report "$out" stack inflight cleanup > "$out/run.log" 2>&1
rc=$?
# a harness that could not be built or run is an engine error
if grep -Eq '^harness +[a-z]+ +error' "$out/run.log"; then
  echo "explorer: a harness failed to build or run (see $out/run.log)" >&2
  grep -A20 -E '^harness +[a-z]+ +error' "$out/run.log" | head -40 >&2
  exit 2
fi
if [ $rc -ne 0 ] && ! grep -Eq '^RESULT violated' "$out/run.log"; then
  echo "explorer: harness/run.py exited $rc without a violation (see $out/run.log)" >&2
  exit 2
fi
sed -n -E 's/^RESULT violated ([A-Za-z0-9]+).*/\1/p' "$out/run.log" | sort -u
exit 0
