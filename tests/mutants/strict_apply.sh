#!/usr/bin/env bash
# tests/mutants/strict_apply.sh - the mutant runner refuses a patch that
# does not apply exactly (tests/mutants/run.py, make_tree): one whose hunk
# lands at an offset, and one whose context no longer matches.  Ends with
# "N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
exec python3 - <<'PY'
import importlib.util, os, re, shutil, sys, tempfile
sys.argv = ["run.py"]
spec = importlib.util.spec_from_file_location("mutants_run", "tests/mutants/run.py")
run = importlib.util.module_from_spec(spec)
spec.loader.exec_module(run)
tmp = tempfile.mkdtemp()
run.WORK = tmp
good = os.path.join("tests", "mutants", "001_fwdwait_error_complete_twice.patch")
text = open(good).read()
cases = [
    # the hunk's line numbers moved by 3: patch would apply it at an offset
    ("offset", re.sub(r"^@@ -(\d+)", lambda m: "@@ -%d" % (int(m.group(1)) + 3), text, count=1, flags=re.M),
     "does not apply exactly"),
    # a context line changed: patch would apply it with fuzz
    ("fuzz", re.sub(r"^ (\S.*)$", r" \1 /* changed */", text, count=1, flags=re.M), "FAILED"),
    # the patch itself applies
    ("exact", text, None),
]
passed = failed = 0
for name, body, expect in cases:
    path = os.path.join(tmp, name + ".patch")
    open(path, "w").write(body)
    tree, err = run.make_tree(name, path)
    ok = (err is None) if expect is None else (err is not None and expect in err)
    print("%-4s %-6s %s" % ("ok" if ok else "FAIL", name, err or "applied"))
    passed += ok
    failed += not ok
shutil.rmtree(tmp)
print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
PY
