#!/usr/bin/env bash
# Eva one shape at a time (EVA_SPLIT_SHAPES; harness/README.md, Eva): the
# explorer's check that the shapes Eva ran add up to the harness passes
# compose's recorded split and fails a split one shape short or one past
# the last.  Eva's records are replayed and none is written
# (EVA_CACHE=replay); the shape past the last runs no Eva (compose splits
# each shape into prefixes of choices, and the explorer, which lists them,
# cannot run it).  It uses build/harness/ as run.py does (Eva's copy of
# src/ must be where the records' keys say); no other test script runs Eva.
# Needs Frama-C (make tools).  Ends with "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
command -v frama-c >/dev/null || { echo "FAIL: frama-c is not installed (make tools)"; echo "0 passed, 1 failed"; exit 1; }
work=build/test_eva_split
rm -rf "$work"; mkdir -p "$work"
passed=0; failed=0
# case LABEL SHAPES WANT_RC WANT_COVERED: compose's Eva with EVA_SPLIT_SHAPES=SHAPES
case_() {
  local label=$1 n=$2 want_rc=$3 want=$4 out rc got
  out=$(EVA_CACHE=replay compose_EVA_SPLIT_SHAPES=$n \
        python3 harness/run.py --engines eva --report "$work/$n" compose 2>&1); rc=$?
  got=$(python3 -c 'import json,sys; e=json.load(open(sys.argv[1]))["engines"][0]; print(e.get("shapes_cover_the_harness"), e["agrees_with_explorer"])' \
        "$work/$n/eva.json" 2>/dev/null)
  if [ $rc -eq "$want_rc" ] && [ "$got" = "$want" ]; then
    echo "ok   $label (exit $rc; covered, agrees: $got)"
    passed=$((passed + 1))
  else
    echo "FAIL $label: expected exit $want_rc and '$want', got exit $rc and '$got'"
    echo "$out" | sed 's/^/    /' | tail -15
    failed=$((failed + 1))
  fi
}
case_ "the recorded split, 11 shapes, adds up to the harness" 11 0 "True True"
case_ "10 shapes: one left out, the sum is short" 10 1 "False False"
case_ "12 shapes: one past the last, the explorer cannot run it" 12 1 "False False"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
