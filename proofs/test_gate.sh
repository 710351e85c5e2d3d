#!/usr/bin/env bash
# The gate's own tests: proofs/gate.py must say "proved" for a target whose
# goals all hold and fail every other way a target can go wrong - a goal
# not proved, a contract no caller can meet (smoke test), dead code, no goal
# at all, a function missing, a goal count below its record, a missing or
# unreadable record, a file that is missing or does not parse, a prover not
# installed.  Each case is a one-function target over proofs/test_gate/*.c,
# run by a copy of gate.py in a temporary folder (the gate reads its targets
# and records beside itself), with --no-cache: nothing in proofs/ is read or
# written.  Ends with "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
ROOT=$(pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/proofs"
cp proofs/gate.py "$T/proofs/gate.py"
passed=0; failed=0

target() {   # target NAME FILE FUNCTIONS [RECORD]: writes $T/proofs/NAME/
    mkdir -p "$T/proofs/$1"
    printf 'FILES=%s\nFUNCTIONS=%s\nFLAGS=\nRULES=\n' "$2" "$3" > "$T/proofs/$1/target.conf"
    [ $# -ge 4 ] && printf '%s\n' "$4" > "$T/proofs/$1/expected_goals"
    return 0
}

gate() {     # gate NAME [extra args]: the gate's output in $out, exit code in $rc
    local name=$1; shift
    out=$(python3 "$T/proofs/gate.py" --root "$ROOT" --targets "$name" --no-cache \
          --logs "$T/logs" --jobs 1 "$@" 2>&1); rc=$?
}

check() {    # check DESCRIPTION EXPECTED_RC PATTERN
    if [ "$rc" = "$2" ] && printf '%s\n' "$out" | grep -qE -- "$3" &&
       ! printf '%s\n' "$out" | grep -q Traceback; then
        echo "ok   $1"; passed=$((passed + 1))
    else
        echo "FAIL $1 (exit $rc, wanted $2 and /$3/):"; printf '%s\n' "$out" | sed 's/^/     /'
        failed=$((failed + 1))
    fi
}

# control: all goals hold; --update-records sets the record, then the gate says proved
target ok proofs/test_gate/ok.c gate_inc
gate ok --update-records
check "a target whose goals hold is proved (record set)" 0 "^wp ok +proved +([1-9][0-9]*)/\1 +goals"
n=$(cat "$T/proofs/ok/expected_goals" 2>/dev/null || echo 0)
gate ok
check "... and proved again against its record ($n goals)" 0 "^wp ok +proved"

# case NAME FILE FUNCTIONS RECORD EXPECTED_RC PATTERN DESCRIPTION
# (RECORD "-": no expected_goals file)
case_() {
    target "$1" "$2" "$3" $([ "$4" = - ] || echo "$4")
    gate "$1"
    check "$7" "$5" "$6"
}
case_ above    proofs/test_gate/ok.c gate_inc $((n + 1)) 1 \
    "problem: goal count $n dropped below its record $((n + 1))" "a goal count below its record fails"
case_ norecord proofs/test_gate/ok.c gate_inc - 1 \
    "problem: no expected_goals record" "a target without a record fails"
case_ garbled  proofs/test_gate/ok.c gate_inc many 1 \
    "problem: no expected_goals record \(or it is not a number\)" "an unreadable record fails"
case_ unproved proofs/test_gate/unproved.c gate_inc 1 1 \
    "not proved: gate_inc:.*ensures" "a goal that does not hold fails, named"
case_ vacuous  proofs/test_gate/vacuous.c gate_inc 1 1 \
    "problem: vacuous contract \(smoke test\)" "a contract no caller can meet fails (smoke test)"
case_ dead     proofs/test_gate/dead.c gate_inc 1 1 \
    "problem: dead code \(smoke test\) at .*dead.c:7" "code a precondition makes dead fails (smoke test)"
case_ nogoal   proofs/test_gate/nogoal.c gate_nop 0 1 \
    "problem: 0 goals" "a function with no goal fails (0 goals is not proved)"
case_ absent   proofs/test_gate/ok.c gate_absent 1 1 \
    "^wp absent +error" "a function the files lack fails"
case_ missing  proofs/test_gate/no_such_file.c gate_inc 1 1 \
    "problem: frama-c exited [1-9][0-9]* \(see " "a missing file fails"
case_ broken   proofs/test_gate/broken.c gate_inc 1 1 \
    "problem: frama-c exited [1-9][0-9]* \(see " "C that does not parse fails"

# a prover not installed: a PATH with every program of /usr/bin and /bin but cvc4
mkdir -p "$T/bin"
find /usr/bin/ /bin/ -maxdepth 1 ! -name 'cvc4*' ! -type d -exec ln -sf -t "$T/bin" {} +
py=$(python3 -c 'import sys; print(sys.executable)')
out=$(PATH="$T/bin" "$py" "$T/proofs/gate.py" --root "$ROOT" --targets ok --no-cache \
      --logs "$T/logs" 2>&1); rc=$?
check "a prover not installed stops the gate before any run" 2 "gate: not installed: cvc4"

# a goal's timeout is not kept in the per-goal cache (forget_timeouts); a
# smoke test's (2 s, its pass) and an "unknown" are
mkdir -p "$T/goals"
printf '{ "prover": "CVC4:1.8", "verdict": "timeout", "time": 20. }\n' > "$T/goals/goal.json"
printf '{ "prover": "CVC4:1.8", "verdict": "timeout", "time": 2. }\n' > "$T/goals/smoke.json"
printf '{ "prover": "CVC4:1.8", "verdict": "unknown" }\n' > "$T/goals/unknown.json"
printf '{ "prover": "CVC4:1.8", "verdict": "valid", "time": 8.5, "steps": 30961 }\n' > "$T/goals/valid.json"
out=$(cd "$T/proofs" && python3 -c 'import gate, os, sys
n = gate.forget_timeouts(sys.argv[1])
print(n, " ".join(sorted(os.listdir(sys.argv[1]))))' "$T/goals" 2>&1); rc=$?
check "a goal's cached timeout is forgotten, a smoke test's is kept" 0 \
    "^1 smoke.json unknown.json valid.json$"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
