#!/usr/bin/env bash
# The harness folders run.py finds (harness/README.md, Layout): a folder
# with a bounds.mk runs its own <name>_harness.c, or, with SOURCE = <folder>,
# that folder's; a bounds.mk with nothing to run (no harness file, or a
# SOURCE that names none) stops run.py with a message naming it, rather
# than dropping the configuration from `make harness` unseen.  Every
# configuration found has its row in README.md's Harness cost table and in
# harness/README.md's table of harnesses.
# Ends with "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
passed=0; failed=0
check() {   # check LABEL OK
  if [ "$2" = 1 ]; then echo "ok   $1"; passed=$((passed + 1)); else echo "FAIL $1"; failed=$((failed + 1)); fi
}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# list HDIR: the names run.py finds under HDIR, or its message (exit 1)
list() {
  python3 - "$1" <<'PY'
import sys
sys.path.insert(0, "harness")
import run
run.HDIR = sys.argv[1]
print(" ".join(run.harnesses()))
PY
}
got=$(list harness 2>&1)
check "the repository's harnesses: $got" "$([ "$got" = "cleanup compose compose_cleanup compose_cleanup_cancel compose_k2 compose_k2_cleanup inflight stack" ] && echo 1)"
# every configuration has its row in the README's Harness cost table and in
# harness/README.md's table of harnesses, so that the documented bounds and
# costs do not fall behind the folders
for h in $got; do
  check "$h has a row in README.md's Harness cost table and in harness/README.md's harnesses" \
    "$(sed -n '/^### Harness cost/,/^### /p' README.md | grep -q "^| $h |" &&
       grep -q "^| \`$h\` |" harness/README.md && echo 1)"
done
src=$(python3 -c 'import sys; sys.path.insert(0, "harness"); import run; print(run.source("compose_k2"), run.harness_file("compose_k2"))')
check "compose_k2 runs compose's source: $src" "$([ "$src" = "compose harness/compose/compose_harness.c" ] && echo 1)"
mkdir -p "$tmp/a" "$tmp/b" "$tmp/common"
echo 'N ?= 1' > "$tmp/a/bounds.mk"; : > "$tmp/a/a_harness.c"
printf 'SOURCE = a\nN ?= 2\n' > "$tmp/b/bounds.mk"
got=$(list "$tmp" 2>&1)
check "a folder and a configuration of it: $got" "$([ "$got" = "a b" ] && echo 1)"
mkdir -p "$tmp/c"; printf 'SOURCE = nowhere\n' > "$tmp/c/bounds.mk"
got=$(list "$tmp" 2>&1); rc=$?
check "a SOURCE that names no harness stops run.py (exit $rc): $got" \
  "$([ $rc -ne 0 ] && echo "$got" | grep -q 'harness/c/bounds.mk: no harness/nowhere/nowhere_harness.c' && echo 1)"
rm -rf "$tmp/c"; mkdir -p "$tmp/d"; echo 'N ?= 1' > "$tmp/d/bounds.mk"
got=$(list "$tmp" 2>&1); rc=$?
check "a bounds.mk beside no harness stops run.py (exit $rc): $got" \
  "$([ $rc -ne 0 ] && echo "$got" | grep -q 'harness/d/bounds.mk: no harness/d/d_harness.c' && echo 1)"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
