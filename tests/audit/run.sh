#!/bin/bash
# tests/audit/run.sh - runs `irpcheck audit` on every fixture and checks its
# expected exit status and rule ids (the "// expect: STATUS RULE..." header:
# every listed rule must be reported; others may be reported too; RULE:LINE
# also requires every report of RULE to be at that line of the fixture; any
# "// expect-reason: TEXT" line must appear among the reasons a rule stays
# unknown; "// expect-runs-at-least: N" bounds the explored runs), the
# bad-input cases (exit 2), the SARIF output against Microsoft's validator
# when it is installed, and, when x86_64-w64-mingw32-gcc exists, that every
# fixture compiles against the mingw-w64 DDK headers.
# Ends with "N passed, N failed".
cd "$(dirname "$0")/../.." || exit 2
IRPCHECK=bin/irpcheck
passed=0 failed=0
ok()   { echo "ok   $1"; passed=$((passed + 1)); }
bad()  { echo "FAIL $1: $2"; failed=$((failed + 1)); }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

for f in tests/audit/*.c; do
    expect=$(sed -n 's|^// expect: *||p' "$f" | head -1)
    want=${expect%% *}; rules=${expect#"$want"}
    start=$(date +%s.%N)
    $IRPCHECK audit --format json -o "$tmp/r.json" "$f" 2>"$tmp/err"; got=$?
    secs=$(echo "$(date +%s.%N) - $start" | bc)
    if [ "$got" != "$want" ]; then bad "$f" "exit $got, expected $want $(head -c 400 "$tmp/err")"; continue; fi
    missing=$(python3 - "$tmp/r.json" "$f" $rules <<'PY'
import json, re, sys
rep = json.load(open(sys.argv[1]))
text = open(sys.argv[2]).read()
out = []
for want in sys.argv[3:]:
    rule, _, line = want.partition(":")
    lines = {f["line"] for f in rep["findings"] if f["rule"] == rule}
    if not lines:
        out.append("%s not reported" % rule)
    elif line and lines != {int(line)}:
        out.append("%s reported at line(s) %s, expected only %s" % (rule, ",".join(map(str, sorted(lines))), line))
for reason in re.findall(r"^// expect-reason: *(.+?) *$", text, re.M):
    if not any(reason in r for r in rep["unknown_reasons"]):
        out.append("no unknown reason mentions '%s'" % reason)
m = re.search(r"^// expect-runs-at-least: *(\d+)", text, re.M)
if m and rep["runs"] < int(m.group(1)):
    out.append("%d runs explored, expected at least %s" % (rep["runs"], m.group(1)))
print("; ".join(out))
PY
)
    if [ -n "$missing" ]; then bad "$f" "$missing"; continue; fi
    ok "$f (exit $got$rules, ${secs%??????}s)"
done

# bad inputs: exit 2 with a message
for f in tests/audit/bad/*.c tests/audit/bad/missing_file.c; do
    $IRPCHECK audit "$f" >"$tmp/out" 2>"$tmp/err"; got=$?
    if [ "$got" = 2 ] && [ -s "$tmp/err" ]; then ok "$f (exit 2: $(head -1 "$tmp/err" | cut -c1-90))"
    else bad "$f" "exit $got, expected 2 with a message"; fi
done
$IRPCHECK audit --format xml tests/audit/ok_passthru.c >/dev/null 2>&1
[ $? = 2 ] && ok "usage error (--format xml) -> 2" || bad "usage error" "not exit 2"
$IRPCHECK >/dev/null 2>&1
[ $? = 2 ] && ok "usage error (no arguments) -> 2" || bad "usage error (no arguments)" "not exit 2"

# text format: compiler-style lines
$IRPCHECK audit tests/audit/bug_double_completion.c >"$tmp/t.txt" 2>&1
grep -Eq '^tests/audit/bug_double_completion.c:[0-9]+:1: error: DoubleCompletion: .* \[in Dispatch\]$' "$tmp/t.txt" \
    && ok "text format FILE:LINE:COL: error: RULE: message" || bad "text format" "$(head -2 "$tmp/t.txt")"

# SARIF, validated by Microsoft's validator when installed
MT=$(ls build/tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool 2>/dev/null)
for f in tests/audit/bug_access_after_calldriver.c tests/audit/ok_passthru.c tests/audit/bug_alloc_unchecked.c tests/audit/ok_csq.c; do
    $IRPCHECK audit --format sarif --trace -o "$tmp/r.sarif" "$f" >/dev/null 2>&1
    if [ -n "$MT" ]; then
        chmod u+x "$MT" 2>/dev/null
        if "$MT" validate "$tmp/r.sarif" >"$tmp/v.txt" 2>&1 && ! grep -Eq '(error|warning) SARIF' "$tmp/v.txt"; then
            ok "SARIF of $f validates (Sarif.Multitool)"
        else bad "SARIF of $f" "$(tail -5 "$tmp/v.txt")"; fi
    else
        python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['version']=='2.1.0'" "$tmp/r.sarif" \
            && ok "SARIF of $f is JSON 2.1.0 (validator not installed)" || bad "SARIF of $f" "invalid"
    fi
done

# every fixture is real WDM code: it compiles against mingw-w64's DDK headers
if command -v x86_64-w64-mingw32-gcc >/dev/null; then
    for f in tests/audit/*.c; do
        if x86_64-w64-mingw32-gcc -fsyntax-only -I/usr/x86_64-w64-mingw32/include/ddk "$f" 2>"$tmp/m"; then
            ok "mingw-w64 DDK compiles $f"
        else bad "mingw-w64 DDK compiles $f" "$(head -3 "$tmp/m")"; fi
    done
    if python3 tests/audit/constants_check >"$tmp/c" 2>&1; then ok "constants agree with mingw-w64 ($(tail -1 "$tmp/c"))"
    else bad "constants_check" "$(grep -v '^ok' "$tmp/c" | head -5)"; fi
else
    echo "skip mingw-w64 checks (x86_64-w64-mingw32-gcc not installed)"
fi

# the audit's rule descriptions (audit/rules.json) name exactly the catalogue's ids, in order
if python3 - <<'PY'
import json, re, sys
ids = re.findall(r'^IRPC_RULE\((\w+)', open("src/include/irpc_rules.def").read(), re.M)
described = [r["id"] for r in json.load(open("audit/rules.json")) if r["id"] != "Deadlock"]
sys.exit(0 if described == ids else 1)
PY
then ok "audit/rules.json lists the catalogue's rule ids"
else bad "audit/rules.json" "its rule ids differ from src/include/irpc_rules.def"; fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
