#!/usr/bin/env bash
# proofs/test_assumptions_fails.sh - proofs/test_assumptions.py must fail,
# both ways, on a copy of the tree whose list is wrong: a name the code needs
# and the list lacks (the IrpcReport row removed), and a row the code no
# longer needs (a function a target proves, IoMarkIrpPending, listed as an
# assumed contract); and a target run under Typed+cast (lists) that the
# Typed+cast row does not name.  The unmodified copy passes.  Ends with "N passed, N
# failed".
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
copy() {
  rm -rf "$tmp/t"; mkdir -p "$tmp/t/proofs"
  cp -r "$here/src" "$here/spec" "$tmp/t/"
  cp "$here/proofs/test_assumptions.py" "$here/proofs/ASSUMPTIONS.md" "$tmp/t/proofs/"
  for c in "$here"/proofs/*/target.conf; do
    d="$tmp/t/proofs/$(basename "$(dirname "$c")")"; mkdir -p "$d"; cp "$c" "$d/"
  done
}
# check NAME WANT_RC WANT_TEXT (WANT_TEXT: a fixed string the output must hold)
check() {
  local name=$1 want_rc=$2 want=$3 out rc
  out=$(python3 "$tmp/t/proofs/test_assumptions.py" 2>&1); rc=$?
  if [ "$rc" = "$want_rc" ] && printf '%s\n' "$out" | grep -qF -- "$want"; then
    pass=$((pass + 1)); echo "ok   $name"
  else
    fail=$((fail + 1)); echo "FAIL $name: exit $rc (expected $want_rc), output lacks '$want':"
    printf '%s\n' "$out" | tail -5 | sed 's/^/     /'
  fi
}
copy
check unmodified-list-passes 0 " 0 failed"
copy
python3 - "$tmp/t/proofs/ASSUMPTIONS.md" <<'PY'
import re, sys
p = sys.argv[1]; s = open(p).read()
s2 = re.sub(r"^\| `IrpcReport` \|[^\n]*\n", "", s, flags=re.M)
assert s2 != s
open(p, "w").write(s2)
PY
check assumption-missing-from-the-list 1 'not in ASSUMPTIONS.md: assumed contract `IrpcReport`'
copy
python3 - "$tmp/t/proofs/ASSUMPTIONS.md" <<'PY'
import sys
p = sys.argv[1]; s = open(p).read()
anchor = "| `IrpcReport` |"
assert anchor in s
s = s.replace(anchor, "| `IoMarkIrpPending` | made up by the test. |\n" + anchor, 1)
open(p, "w").write(s)
PY
check proved-function-listed-as-assumed 1 '`IoMarkIrpPending` is listed as an assumed contract, and a target proves it'
copy
python3 - "$tmp/t/proofs/ASSUMPTIONS.md" <<'PY'
import sys
p = sys.argv[1]; s = open(p).read()
# the Typed+cast row's second column, its targets, without `lists`
lines = s.split("\n")
for i, line in enumerate(lines):
    if line.startswith("| `Typed+cast` |"):
        cols = line.split(" | ")
        cols[1] = ", ".join(t for t in cols[1].split(", ") if t != "lists")
        lines[i] = " | ".join(cols)
s2 = "\n".join(lines)
assert s2 != s
open(p, "w").write(s2)
PY
check cast-target-missing-from-its-row 1 'target `lists` runs under Typed+cast and the Typed+cast row does not name it'
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
