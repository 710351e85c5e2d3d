#!/usr/bin/env python3
"""proofs/test_assumptions.py - fails when the code holds an assumption that
proofs/ASSUMPTIONS.md does not list.  Scanned in spec/ and src/ (ACSL
comments):
  - every `admit` clause and every `axiom NAME`          -> NAME / admit line
  - every contract whose function body no proof target proves (an assumed
    contract: the function is not in any proofs/*/target.conf FUNCTIONS)
  - every proof target run with -wp-model Typed+cast (pointer-cast assumption),
    named in the Typed+cast row
Each must appear in ASSUMPTIONS.md as `NAME` (backquoted).  And back: each
function the table "Assumed contracts" names must still have a contract no
target proves (the row of functions with no contract: still none).  Ends with
"N passed, N failed"."""
import glob, os, re, sys
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
listed = set(re.findall(r"`([A-Za-z_][A-Za-z0-9_+]*)`", open(os.path.join(HERE, "ASSUMPTIONS.md")).read()))
proved = set()
castmodel = []
for conf in glob.glob(os.path.join(HERE, "*", "target.conf")):
    text = open(conf).read()
    m = re.search(r"^FUNCTIONS=(.*)$", text, re.M)
    proved |= set(m.group(1).split()) if m else set()
    if "Typed+cast" in text:
        castmodel.append(os.path.basename(os.path.dirname(conf)))
def declared_name(after):
    """The function a contract is attached to: the identifier before the
    last parameter list of the declaration that follows the comment."""
    decl = re.split(r"[;{]", after, 1)[0].strip()
    if not decl.endswith(")"):
        return None
    depth, i = 0, len(decl) - 1
    while i >= 0:
        if decl[i] == ")":
            depth += 1
        elif decl[i] == "(":
            depth -= 1
            if depth == 0:
                break
        i -= 1
    head = decl[:i].rstrip().rstrip(")").rstrip()
    m = re.search(r"([A-Za-z_]\w*)$", head)
    return m.group(1) if m else None


needed = []   # (what, name, where)
files = [f for f in glob.glob(os.path.join(ROOT, "spec", "**", "*"), recursive=True) +
         glob.glob(os.path.join(ROOT, "src", "**", "*.[ch]"), recursive=True) if os.path.isfile(f)]
for path in files:
    text = open(path, errors="replace").read()
    rel = os.path.relpath(path, ROOT)
    for m in re.finditer(r"/\*@(.*?)\*/|//@([^\n]*)", text, re.S):
        body = m.group(1) or m.group(2) or ""
        line = text.count("\n", 0, m.start()) + 1
        for a in re.finditer(r"\baxiom\s+([A-Za-z_]\w*)", body):
            needed.append(("axiom", a.group(1), "%s:%d" % (rel, line)))
        if re.search(r"\badmit\b", body):
            needed.append(("admit", "admit_%s_%d" % (os.path.basename(rel).replace(".", "_"), line), "%s:%d" % (rel, line)))
        if m.group(1) is not None and re.search(r"\b(requires|ensures|assigns)\b", body) \
                and "loop " not in body:
            after = text[m.end():m.end() + 400]
            name = declared_name(after)
            if name and name not in proved:
                needed.append(("assumed contract", name, "%s:%d" % (rel, line)))
for t in castmodel:
    needed.append(("Typed+cast memory model", "Typed+cast", "proofs/%s" % t))
# and the Typed+cast row names each target that runs under it (its second
# column), so a new target's reason for the cast is written down too
cast_row = re.search(r"^\| `Typed\+cast` \|([^|\n]*)\|", open(os.path.join(HERE, "ASSUMPTIONS.md")).read(), re.M)
cast_listed = set(re.findall(r"[A-Za-z_]\w*", cast_row.group(1))) if cast_row else set()
# The other direction: a function the table of assumed contracts lists must
# still be one (a contract no target proves), or, in the row of functions
# with no contract, still have none; a row left behind when a body gets
# proved makes the list claim an assumption the code no longer makes.
doc = open(os.path.join(HERE, "ASSUMPTIONS.md")).read()
section = doc.split("## Assumed contracts", 1)[1].split("\n## ", 1)[0]
assumed_now = {name for what, name, _ in needed if what == "assumed contract"}
contracted = assumed_now | proved
stale, listed_ok = [], set()
for row in re.findall(r"^\| (.*?) \|", section, re.M):
    names = re.findall(r"`([A-Za-z_]\w*)`", row.split(":", 1)[0])
    for n in names:
        if row.startswith("functions with no contract"):
            bad = n in contracted and "`%s` is listed as having no contract, and has one" % n
        else:
            bad = n not in assumed_now and "`%s` is listed as an assumed contract, and %s" % (
                n, "a target proves it" if n in proved else "has no contract")
        if bad:
            stale.append(bad)
        else:
            listed_ok.add(n)
passed, failed = len(listed_ok), 0
for msg in stale:
    failed += 1
    print("stale in ASSUMPTIONS.md: " + msg)
seen = set()
for t in castmodel:
    if t in cast_listed:
        passed += 1
    else:
        failed += 1
        print("not in ASSUMPTIONS.md: target `%s` runs under Typed+cast and the Typed+cast row does not name it" % t)
for what, name, where in needed:
    if (what, name) in seen:
        continue
    seen.add((what, name))
    if name in listed:
        passed += 1
    else:
        failed += 1
        print("not in ASSUMPTIONS.md: %s `%s` (%s)" % (what, name, where))
print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
