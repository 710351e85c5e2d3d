#!/usr/bin/env bash
# proofs/eacsl/test_gen.sh - gen.py's rewrite of the spec's #define bodies
# (contract fragments such as IRPC_COMPLETION_GOES_ON): on a made-up tree, a
# macro holding an `ensures unchanged_*` clause and a clause with \old under
# a binder bounded by C state loses both (listed by --list as "assigns" and
# "binder"), keeps its other clauses and its line count, and every line but
# its last still ends in a continuation backslash; the same clauses in an
# annotation are removed too.  Ends with "N passed, N failed".
set -u
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/in/src" "$tmp/in/spec"
cat > "$tmp/in/spec/frag.h" <<'H'
struct s { int n; int a[4]; };
extern struct s g;
#define FRAG(p) \
    ensures kept_n: g.n == \old(g.n); \
    ensures unchanged_all: \forall integer i; 0 <= i < 4 ==> \
      g.a[i] == \old(g.a[i]); \
    ensures below_n: \forall integer j; 0 <= j < g.n ==> \
      g.a[j] == \old(g.a[j]); \
    ensures last: p != \null;
H
cat > "$tmp/in/src/a.c" <<'C'
#include "../spec/frag.h"
struct s g;
/*@ requires \valid(q);
    FRAG(q)
    ensures inline_binder: \forall integer j; 0 <= j < g.n ==> g.a[j] == \old(g.a[j]);
*/
void f(int *q) { (void)q; }
C
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }
if ! python3 "$here/gen.py" "$tmp/in" "$tmp/out" --list > "$tmp/list" 2> "$tmp/err"; then
  echo "FAIL gen.py failed: $(head -3 "$tmp/err")"; echo "0 passed, 1 failed"; exit 1
fi
out=$(sed -n '/^#define FRAG/,/^$/p' "$tmp/out/spec/frag.h")
in=$(sed -n '/^#define FRAG/,/^$/p' "$tmp/in/spec/frag.h")
[ "$(printf '%s\n' "$out" | wc -l)" = "$(printf '%s\n' "$in" | wc -l)" ] && ok "the macro spans the same lines" || bad "line count changed"
n=$(printf '%s\n' "$out" | sed '$d' | grep -vc '\\$')
[ "$n" = 0 ] && ok "every line but the last is continued" || bad "$n lines lost their backslash: $out"
printf '%s\n' "$out" | grep -q "unchanged_all" && bad "unchanged_all kept" || ok "ensures unchanged_* removed from the macro"
printf '%s\n' "$out" | grep -q "below_n" && bad "below_n (\\old under a binder) kept" || ok "a binder clause removed from the macro"
printf '%s\n' "$out" | grep -q "kept_n:" && printf '%s\n' "$out" | grep -q "last:" && ok "the other clauses kept" || bad "a clause that should stay is gone: $out"
grep -q "inline_binder" "$tmp/out/src/a.c" && bad "inline_binder kept in the annotation" || ok "the same clause in an annotation removed"
grep -Eq '^assigns +ensures unchanged_all +spec/frag.h:3' "$tmp/list" && ok "--list names unchanged_all" || bad "--list lacks unchanged_all: $(cat "$tmp/list")"
grep -Eq '^binder +ensures below_n +spec/frag.h:3' "$tmp/list" && ok "--list names below_n" || bad "--list lacks below_n: $(cat "$tmp/list")"
if command -v gcc >/dev/null; then
  # the rewritten macro still expands, to one line holding the kept clauses
  # (cpp does not expand macros inside comments, Frama-C's -pp-annot does:
  # expanded here in code)
  printf '#include "../spec/frag.h"\nFRAG(x)\n' > "$tmp/out/src/use.c"
  if gcc -E -P "$tmp/out/src/use.c" -o "$tmp/use.i" 2>"$tmp/cpp" &&
     grep "kept_n" "$tmp/use.i" | grep -q "last: x"; then
    ok "the rewritten macro expands to its kept clauses"
  else
    bad "the rewritten macro does not expand: $(head -3 "$tmp/cpp") $(cat "$tmp/use.i" 2>/dev/null)"
  fi
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
