#!/usr/bin/env python3
"""tests/mutants/engines/wp_judge.py GATE_JSON RULES_DEF - the wp engine's
judgement of one mutant (engines/wp.sh): prints the rule ids named by the
goals the gate could not prove, one per line; exits 2 when a target ended
in an error that is not the mutant's doing.  A mutant may delete goals
("goal count ... dropped below its record") or all of a target's goals
("0 goals: nothing was proved"): that is what the mutant did, not an engine
failure; a missing or unreadable report, or any other error without failed
goals, is.  Tested by tests/mutants/test_wp_judge.sh."""
import json, re, sys
try:
    res = json.load(open(sys.argv[1]))
except (OSError, ValueError):
    print("wp: no gate.json", file=sys.stderr); sys.exit(2)
ids = set(re.findall(r"IRPC_RULE\((\w+),", open(sys.argv[2]).read()))
def mutant_deleted_goals(problem):
    return "goal count" in problem or problem.startswith("0 goals: nothing was proved")
found, bad = set(), False
for r in res:
    # a mutant may delete goals ("goal count ... dropped below its record"),
    # or all of a target's goals ("0 goals: nothing was proved"): that is
    # not an engine failure; anything else that ended in error is
    if r.get("status") == "error" and not r.get("failed_goals") and \
            any(not mutant_deleted_goals(p) for p in r.get("problems", [])):
        bad = True
    for g in r.get("failed_goals", []):
        for tok in re.split(r"[^A-Za-z0-9]+|_", g):
            if tok in ids:
                found.add(tok)
if bad:
    print("wp: a proof target ended in error (see gate.log)", file=sys.stderr); sys.exit(2)
for rid in sorted(found):
    print(rid)
