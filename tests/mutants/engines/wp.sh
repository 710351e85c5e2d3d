#!/usr/bin/env bash
# engines/wp.sh TREE - the `wp` engine of the mutant kill matrix: the WP
# proof targets of proofs/ (proofs/gate.py --root TREE) whose FILES contain
# the mutated file; the unmodified tree runs every target.  Prints the rule
# ids named by the goals WP could not prove (…_requires_<Rule>,
# …_ensures_<Rule>, …).  WP proves only the functions each target lists
# (proofs/*/target.conf): a bug outside them is "missed" by design.
# Exit 77 when Frama-C is not installed (make tools installs it) or no
# target covers the mutated file.
set -u
tree=$(cd "${1:?usage: wp.sh TREE}" && pwd) || exit 2
here=$(cd "$(dirname "$0")/../../.." && pwd)
gate="$here/proofs/gate.py"
[ -f "$gate" ] || { echo "wp: no proofs/gate.py" >&2; exit 77; }
command -v frama-c >/dev/null || { echo "wp: frama-c not installed (make tools)" >&2; exit 77; }
file=$(sed -n 's/^# file: *//p' "$tree/.mutant.patch" 2>/dev/null | head -1)
targets=""
for conf in "$here"/proofs/*/target.conf; do
  t=$(basename "$(dirname "$conf")")
  files=$(sed -n 's/^FILES=//p' "$conf")
  if [ -z "$file" ] || [[ " $files " == *" $file "* ]]; then
    targets="${targets:+$targets,}$t"
  fi
done
[ -n "$targets" ] || { echo "wp: no proof target covers $file" >&2; exit 77; }
out="$tree/build/mutant-engines/wp"
rm -rf "$out"; mkdir -p "$out"
cache=""; [ -n "$file" ] && cache="--no-cache"
python3 "$gate" --root "$tree" --targets "$targets" --logs "$out" --quiet $cache > "$out/gate.log" 2>&1
python3 - "$out/gate.json" "$here/src/include/irpc_rules.def" <<'PY'
import json, re, sys
try:
    res = json.load(open(sys.argv[1]))
except (OSError, ValueError):
    print("wp: no gate.json", file=sys.stderr); sys.exit(2)
ids = set(re.findall(r"IRPC_RULE\((\w+),", open(sys.argv[2]).read()))
found, bad = set(), False
for r in res:
    if r.get("status") == "error" and not r.get("failed_goals"):
        bad = True
    for g in r.get("failed_goals", []):
        for tok in re.split(r"[^A-Za-z0-9]+|_", g):
            if tok in ids:
                found.add(tok)
if bad:
    print("wp: a proof target ended in error (see gate.log)", file=sys.stderr); sys.exit(2)
for rid in sorted(found):
    print(rid)
PY
