#!/usr/bin/env python3
"""proofs/seeded.py - the seeded-bug tests of the WP proofs.  Each
proofs/seeded/<Rule>.bug names a proof target, a rule id, a file and a small
edit that puts that rule's bug into a copy of the code (build/seeded/<Rule>/).
The test passes when the gate FAILS on that copy and one of the goals it
could not prove is named after the rule (…_requires_<Rule>, …_ensures_<Rule>,
or a call of IrpcReport/an API whose <Rule> clause breaks).  The copy is
proved with the gate's cache in replay mode: results of goals the edit left
byte-identical are replayed, every other goal goes to the provers, and
nothing is written to the cache.  Ends with "N passed, N failed"."""
import glob, json, os, shutil, subprocess, sys
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def parse(path):
    meta, rep, wth, mode = {}, [], [], None
    for line in open(path).read().split("\n"):
        if line == "--- replace":
            mode = "r"; continue
        if line == "+++ with":
            mode = "w"; continue
        if mode == "r":
            rep.append(line)
        elif mode == "w":
            wth.append(line)
        elif "=" in line:
            k, v = line.split("=", 1); meta[k] = v
    while wth and wth[-1] == "":
        wth.pop()
    return meta, "\n".join(rep).rstrip("\n") + "\n", ("\n".join(wth) + "\n") if wth else ""


def main():
    only = sys.argv[1:]
    passed = failed = 0
    for bug in sorted(glob.glob(os.path.join(HERE, "seeded", "*.bug"))):
        name = os.path.basename(bug)[:-4]
        if only and name not in only:
            continue
        meta, old, new = parse(bug)
        work = os.path.join(ROOT, "build", "seeded", name)
        shutil.rmtree(work, ignore_errors=True)
        for d in ("src", "spec"):
            shutil.copytree(os.path.join(ROOT, d), os.path.join(work, d))
        target = os.path.join(work, meta["file"])
        text = open(target).read()
        if text.count(old) != 1:
            print("FAIL %s: the text to replace is not found once in %s" % (name, meta["file"]))
            failed += 1
            continue
        open(target, "w").write(text.replace(old, new))
        logs = os.path.join(work, "logs")
        r = subprocess.run([sys.executable, os.path.join(HERE, "gate.py"), "--root", work,
                            "--targets", meta["target"], "--logs", logs, "--quiet", "--cache", "replay"],
                           capture_output=True, text=True)
        try:
            res = json.load(open(os.path.join(logs, "gate.json")))[0]
        except (OSError, ValueError, IndexError):
            res = {"status": "error", "failed_goals": []}
        hits = [g for g in res.get("failed_goals", []) if meta["rule"] in g]
        if r.returncode != 0 and res["status"] == "violated" and hits:
            passed += 1
            print("ok   %-28s WP fails on %s" % (name, hits[0]))
        else:
            failed += 1
            print("FAIL %-28s gate %s, unproved: %s" % (name, res["status"], res.get("failed_goals")))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
