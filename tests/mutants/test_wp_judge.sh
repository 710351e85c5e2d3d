#!/usr/bin/env bash
# tests/mutants/test_wp_judge.sh - the wp engine's judgement of a mutant
# (engines/wp_judge.py) on made-up gate reports: the rule ids of failed goals
# are printed; a mutant that deletes goals, or all of a target's goals, is
# what the mutant did (no engine failure); a missing report, frama-c failing
# or a vacuous contract without failed goals is an engine failure (exit 2).
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
judge="$here/tests/mutants/engines/wp_judge.py"
rules="$here/src/include/irpc_rules.def"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
# case NAME JSON EXPECTED_RC EXPECTED_STDOUT
case_() {
  local name=$1 json=$2 want_rc=$3 want_out=$4 out rc
  if [ "$json" = "-" ]; then rm -f "$tmp/gate.json"; else printf '%s\n' "$json" > "$tmp/gate.json"; fi
  python3 "$judge" "$tmp/gate.json" "$rules" > "$tmp/out" 2>/dev/null
  rc=$?
  out=$(tr '\n' ' ' < "$tmp/out" | sed 's/ $//')
  if [ "$rc" = "$want_rc" ] && [ "$out" = "$want_out" ]; then
    pass=$((pass + 1)); echo "ok   $name"
  else
    fail=$((fail + 1)); echo "FAIL $name: exit $rc, printed '$out'; expected exit $want_rc, '$want_out'"
  fi
}
case_ failed-goals-name-their-rules \
  '[{"target":"drivers_lowest","status":"violated","failed_goals":["LowestInline:LowestInline_call_requires_DoubleCompletion","LowestEnqueue:KeInsertQueueDpc_requires_MarkingQueuedIrps","LowestQueue:wp_e_marked"],"problems":[]}]' \
  0 "DoubleCompletion MarkingQueuedIrps"
case_ proved-prints-nothing \
  '[{"target":"core","status":"proved","failed_goals":[],"problems":[]}]' 0 ""
case_ goals-deleted-by-the-mutant \
  '[{"target":"drivers_allocirp","status":"error","failed_goals":[],"problems":["goal count 120 dropped below its record 142"]}]' 0 ""
case_ all-goals-deleted-by-the-mutant \
  '[{"target":"drivers_lowest","status":"error","failed_goals":[],"problems":["0 goals: nothing was proved"]}]' 0 ""
case_ frama-c-failed \
  '[{"target":"drivers_lowest","status":"error","failed_goals":[],"problems":["frama-c exited 1 (see build/wp.log)"]}]' 2 ""
case_ no-wp-report \
  '[{"target":"walk","status":"error","failed_goals":[],"problems":["0 goals: frama-c wrote no WP report (see build/wp.log)"]}]' 2 ""
case_ vacuous-contract \
  '[{"target":"walk","status":"error","failed_goals":[],"problems":["goal count 500 dropped below its record 534","vacuous contract (smoke test): deliver"]}]' 2 ""
case_ missing-gate-report - 2 ""
case_ unreadable-gate-report '{not json' 2 ""
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
