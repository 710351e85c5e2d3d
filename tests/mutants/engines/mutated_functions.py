#!/usr/bin/env python3
"""engines/mutated_functions.py TREE - the C functions a mutant changes.

Reads TREE/.mutant.patch (a unified diff against one file of src/, already
applied to TREE) and prints, one per line, the name of every function
definition of the patched file that contains a changed line (an added line,
or the place of a removed one).  The project's style is assumed: a
definition starts at column 0 with its name before the first "(", its body
opens with "{" alone on a line at column 0 and closes with "}" at column 0.
A changed line outside every function (a declaration, a macro, a global)
is printed as "(file scope)": it may change any function of the file.
Exit 2 when the patch or the file cannot be read."""
import os
import re
import sys


def changed_lines(patch):
    """Line numbers, in the patched file, of the changed places."""
    out, new = set(), None
    for line in patch.splitlines():
        m = re.match(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@", line)
        if m:
            new = int(m.group(1))
            continue
        if new is None or line.startswith(("---", "+++")):
            continue
        if line.startswith("+"):
            out.add(new)
            new += 1
        elif line.startswith("-"):
            out.add(new)           # the line now at the place of the removed one
        elif line.startswith(" ") or line == "":
            new += 1
    return out


def functions(text):
    """(name, first line, last line) of each definition, 1-based."""
    lines = text.splitlines()
    out = []
    i = 0
    while i < len(lines):
        if lines[i] == "{":
            j = i - 1
            while j >= 0 and not (lines[j][:1].isalpha() or lines[j][:1] == "_"):
                j -= 1
            m = re.search(r"(\w+)\s*\(", lines[j]) if j >= 0 else None
            k = i + 1
            while k < len(lines) and lines[k] != "}":
                k += 1
            if m:
                out.append((m.group(1), j + 1, k + 1))
            i = k
        i += 1
    return out


def main():
    tree = sys.argv[1] if len(sys.argv) > 1 else "."
    try:
        patch = open(os.path.join(tree, ".mutant.patch")).read()
        fm = re.search(r"^# file: *(\S+)", patch, re.M)
        text = open(os.path.join(tree, fm.group(1))).read()
    except (OSError, AttributeError) as e:
        print("mutated_functions: %s" % e, file=sys.stderr)
        return 2
    defs = functions(text)
    names = set()
    for n in sorted(changed_lines(patch)):
        hit = [name for name, a, b in defs if a <= n <= b]
        names.update(hit or ["(file scope)"])
    for name in sorted(names):
        print(name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
