#!/usr/bin/env bash
# engines/wp.sh TREE - the `wp` engine of the mutant kill matrix: the WP
# proof targets of proofs/ (proofs/gate.py --root TREE) that prove a
# function the mutant changes (engines/mutated_functions.py; a change at
# file scope counts for every target whose FILES hold the file); the
# unmodified tree runs every target.  Prints the rule ids named by the goals
# WP could not prove (…_requires_<Rule>, …_ensures_<Rule>, …).
# A bug in a function no target proves is "not applicable" (exit 77): WP
# proves only the functions each target lists (proofs/*/target.conf).
# Goals replay from the prover cache, and each target's whole outcome on
# the mutant is recorded under proofs/cache/<V>/outcomes/mutants/ (keyed on
# the preprocessed inputs, like the proved records; see proofs/gate.py),
# so a second run on an unchanged mutant does not run the provers.
# Exit 77 also when Frama-C is not installed (make tools installs it).
set -u
tree=$(cd "${1:?usage: wp.sh TREE}" && pwd) || exit 2
here=$(cd "$(dirname "$0")/../../.." && pwd)
gate="$here/proofs/gate.py"
[ -f "$gate" ] || { echo "wp: no proofs/gate.py" >&2; exit 77; }
command -v frama-c >/dev/null || { echo "wp: frama-c not installed (make tools)" >&2; exit 77; }
file=$(sed -n 's/^# file: *//p' "$tree/.mutant.patch" 2>/dev/null | head -1)
targets=""
fns=""
if [ -n "$file" ]; then
  fns=$(python3 "$here/tests/mutants/engines/mutated_functions.py" "$tree") ||
    { echo "wp: cannot tell which functions the mutant changes" >&2; exit 2; }
  fns=" $(echo $fns) "
fi
for conf in "$here"/proofs/*/target.conf; do
  t=$(basename "$(dirname "$conf")")
  files=" $(sed -n 's/^FILES=//p' "$conf") "
  proved=" $(sed -n 's/^FUNCTIONS=//p' "$conf") "
  hit=
  if [ -z "$file" ]; then hit=1
  elif [[ "$files" == *" $file "* ]]; then
    [[ "$fns" == *" (file scope) "* ]] && hit=1
    for f in $fns; do [[ "$proved" == *" $f "* ]] && hit=1; done
  fi
  [ -n "$hit" ] && targets="${targets:+$targets,}$t"
done
[ -n "$targets" ] || { echo "wp: no proof target proves what the mutant changes ($file:$fns)" >&2; exit 77; }
out="$tree/build/mutant-engines/wp"
rm -rf "$out"; mkdir -p "$out"
cache=""; [ -n "$file" ] && cache="--cache replay --outcomes mutants"
python3 "$gate" --root "$tree" --targets "$targets" --logs "$out" --quiet $cache > "$out/gate.log" 2>&1
python3 "$here/tests/mutants/engines/wp_judge.py" "$out/gate.json" "$here/src/include/irpc_rules.def"
