#!/usr/bin/env python3
"""tests/mutants/rebase.py - re-anchors mutant patches after an edit above
their hunks moved the lines they change.  The mutant runner applies a patch
only exactly (no offset, no fuzz: run.py's make_tree), so an edit to a file
that leaves a mutant's own lines alone still breaks its patch.  For each
patch given (default: every mutant run.py runs): if it applies
exactly, it is left alone; if it applies at an offset with no fuzz, it is
rewritten from the file it then produces (same header comment, 3 lines of
context); if it needs fuzz or fails, it is reported and left alone: the
bug's own lines changed, and it must be rewritten by hand.
usage: rebase.py [--check] [PATCH...]   (--check: report only)
Exit 1 when a patch needs rewriting by hand (or, with --check, any patch
is not exact)."""
import os, subprocess, sys, tempfile
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
from run import load_mutants   # the runner's own list of mutant patches


def applies(patch_text, path, extra):
    """Apply to a copy of `path` (repo-relative): (applied, patch's output,
    the patched text)."""
    with tempfile.TemporaryDirectory() as tmp:
        dst = os.path.join(tmp, path)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        with open(os.path.join(ROOT, path), "rb") as f, open(dst, "wb") as g:
            g.write(f.read())
        r = subprocess.run(["patch", "-p1", "-F0", "--no-backup-if-mismatch"] + extra,
                           input=patch_text, cwd=tmp, capture_output=True, text=True)
        out = r.stdout + r.stderr
        return r.returncode == 0, out, (open(dst).read() if r.returncode == 0 else None)


def main():
    args = sys.argv[1:]
    check = "--check" in args
    patches = [a for a in args if a != "--check"] or [m["patch"] for m in load_mutants()]
    bad = 0
    for p in patches:
        text = open(p).read()
        head = [l for l in text.splitlines(True) if l.startswith("#")]
        files = [l.split()[1][2:] for l in text.splitlines() if l.startswith("--- a/")]
        if len(files) != 1:
            print("skip   %s: not one file" % os.path.basename(p)); bad += 1; continue
        path = files[0]
        ok, out, new = applies(text, path, [])
        if ok and "offset" not in out:
            continue
        if not ok or "fuzz" in out:
            print("BY HAND %s: %s" % (os.path.basename(p), out.strip().splitlines()[-1] if out.strip() else "fails"))
            bad += 1; continue
        if check:
            print("offset %s" % os.path.basename(p)); bad += 1; continue
        with tempfile.NamedTemporaryFile("w", suffix=".c", delete=False) as t:
            t.write(new)
        d = subprocess.run(["diff", "-u", "--label", "a/" + path, "--label", "b/" + path,
                            os.path.join(ROOT, path), t.name], capture_output=True, text=True).stdout
        os.unlink(t.name)
        with open(p, "w") as f:
            f.write("".join(head) + d)
        print("rebased %s" % os.path.basename(p))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
