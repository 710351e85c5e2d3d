#!/usr/bin/env bash
# The copy of src/ that Eva analyses, and the key its records are kept
# under (harness/run.py, harness/README.md, Eva):
#   - the copy has no ACSL annotation left, and every file keeps its lines;
#   - an annotation added on a line of its own, or edited, does not change
#     the key's view of a file (c_tokens_text); a change of code, of a
#     string literal's text, or of a preprocessor line's end does;
#   - a second eva_tree() over the same sources keeps the copy in place
#     (a run.py beside another is not disturbed), one that differs is
#     replaced.
# Ends with "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r src "$tmp/src"
python3 - "$tmp/src" <<'PY'
import os, re, sys
sys.path.insert(0, "harness")
import run

passed = failed = 0


def check(ok, what):
    global passed, failed
    print(("ok   " if ok else "FAIL ") + what)
    if ok:
        passed += 1
    else:
        failed += 1


copy = sys.argv[1]
run.blank_annotations(copy)
left, moved, total = [], [], 0
for base, _, names in os.walk(copy):
    for n in names:
        if not n.endswith((".c", ".h")):
            continue
        path = os.path.join(base, n)
        rel = os.path.relpath(path, copy)
        text, orig = open(path).read(), open(os.path.join("src", rel)).read()
        total += orig.count("/*@") + orig.count("//@")
        if "/*@" in text or "//@" in text:
            left.append(rel)
        if text.count("\n") != orig.count("\n"):
            moved.append(rel)
check(total > 0 and not left, "the copy keeps none of the %d annotations of src/ %s" % (total, left or ""))
check(not moved, "every file of the copy keeps its line count %s" % (moved or ""))

code = ('#define TWO \\\n  2\n'
        'int f(int x)\n{\n    int y = x; /* note */\n    return g("a // b /* c", \'"\', y + TWO);\n}\n')
key = run.c_tokens_text


def blanked(text):
    return run.ANNOT.sub(run.blank_annotation, text)


with_assert = code.replace("    int y", "    //@ assert x >= 0;\n    int y")
with_block = code.replace("int f", "/*@ requires x >= 0;\n    ensures \\result >= 0; */\nint f")
check(key(blanked(with_assert)) == key(code), "an annotation line added: same key text")
check(key(blanked(with_block)) == key(code), "a contract added before the function: same key text")
check(key(blanked(with_assert.replace("x >= 0", "x > 1"))) == key(blanked(with_assert)),
      "an annotation edited: same key text")
check(key(code.replace("y + TWO", "y - TWO")) != key(code), "code changed: another key text")
check(key(code.replace("a // b", "a //  b")) != key(code), "a string literal's spaces changed: another key text")
check(key(code.replace("\\\n  2", "\n  2")) != key(code), "a macro's continued line broken: another key text")
check(key(code.replace("int y = x;", "int y =\t x;")) == key(code),
      "blanks inside a line: same key text")

# the copy is put in place only when it differs: a second run.py over the
# same sources leaves the first one's copy as it is (the same directory)
run.BUILD = os.path.join(os.path.dirname(copy), "build")
tree = os.path.join(run.ROOT, run.eva_tree())
first = os.stat(tree).st_ino
again = os.path.join(run.ROOT, run.eva_tree())
check(again == tree and os.stat(tree).st_ino == first and
      not [d for d in os.listdir(run.BUILD) if d != "eva-tree"],
      "eva_tree() over unchanged sources keeps the copy in place, nothing left beside it")
open(os.path.join(tree, "src", "ke.c"), "a").write("/* changed */\n")
run.eva_tree()
check(os.stat(tree).st_ino != first and "changed" not in open(os.path.join(tree, "src", "ke.c")).read(),
      "eva_tree() replaces a copy that differs from src/")
print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
PY
