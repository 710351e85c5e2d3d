#!/usr/bin/env python3
"""proofs/seeded.py - the seeded-bug tests of the WP proofs.  Each
proofs/seeded/<Rule>.bug names a proof target, a rule id, a file and a small
edit that puts that rule's bug into a copy of the code (build/seeded/<Rule>/).
The test passes when the gate FAILS on that copy and one of the goals it
could not prove is named after the rule (…_requires_<Rule>, …_ensures_<Rule>,
or a call of IrpcReport/an API whose <Rule> clause breaks).  A target that
claims no rule (walk) has bugs named <target>_<clause>.bug whose "rule" is
the name of the clause they break: they show that target's proof can fail,
and claim nothing (gate.py claims a rule only through <Rule>.bug).  The copy is
proved with the gate's cache in replay mode: results of goals the edit left
byte-identical are replayed, every other goal goes to the provers, and
nothing is written to the per-goal cache; the target's whole outcome is
recorded under proofs/cache/<V>/outcomes/seeded/ (keyed on the preprocessed
inputs, see gate.py), so an unchanged seeded bug replays its failure
without the provers.  Bugs run SEEDED_JOBS at a time (default: processors).  Ends with "N passed, N failed"."""
import concurrent.futures, glob, json, os, re, shutil, subprocess, sys, time
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


def names_clause(goal, rule):
    """Whether the goal's name is named after rule: the rule id as a whole
    token (…_requires_<Rule>, …_ensures_<Rule>_2: "CompleteRequest" must not
    match IofCompleteRequest); a clause name with underscores (goes_on) as
    whole consecutive tokens followed by nothing or a number, so goes_on
    does not match goes_on_locations."""
    toks = [t for t in re.split(r"[^A-Za-z0-9]+|_", goal) if t]
    want = rule.split("_")
    if len(want) == 1:
        return rule in toks
    n = len(want)
    return any(toks[i:i + n] == want and (i + n == len(toks) or toks[i + n].isdigit())
               for i in range(len(toks) - n + 1))


def run_one(bug):
    """(passed, line) for one seeded bug."""
    name = os.path.basename(bug)[:-4]
    meta, old, new = parse(bug)
    work = os.path.join(ROOT, "build", "seeded", name)
    shutil.rmtree(work, ignore_errors=True)
    for d in ("src", "spec"):
        shutil.copytree(os.path.join(ROOT, d), os.path.join(work, d))
    target = os.path.join(work, meta["file"])
    text = open(target).read()
    if text.count(old) != 1:
        return False, "FAIL %s: the text to replace is not found once in %s" % (name, meta["file"])
    open(target, "w").write(text.replace(old, new))
    logs = os.path.join(work, "logs")
    r = subprocess.run([sys.executable, os.path.join(HERE, "gate.py"), "--root", work,
                        "--targets", meta["target"], "--logs", logs, "--quiet", "--cache", "replay",
                        "--outcomes", "seeded"],
                       capture_output=True, text=True)
    try:
        res = json.load(open(os.path.join(logs, "gate.json")))[0]
    except (OSError, ValueError, IndexError):
        res = {"status": "error", "failed_goals": []}
    hits = [g for g in res.get("failed_goals", []) if names_clause(g, meta["rule"])]
    how = " (recorded outcome, identical inputs)" if res.get("replayed") else ""
    if r.returncode != 0 and res["status"] == "violated" and hits:
        return True, "ok   %-28s WP fails on %s%s" % (name, hits[0], how)
    return False, "FAIL %-28s gate %s, unproved: %s" % (name, res["status"], res.get("failed_goals"))


def main():
    only = sys.argv[1:]
    bugs = [b for b in sorted(glob.glob(os.path.join(HERE, "seeded", "*.bug")))
            if not only or os.path.basename(b)[:-4] in only]
    jobs = int(os.environ.get("SEEDED_JOBS", os.cpu_count() or 2))
    t0 = time.time()
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        results = list(pool.map(run_one, bugs))
    for _, line in results:
        print(line)
    passed = sum(1 for ok, _ in results if ok)
    failed = len(results) - passed
    if not only and not failed:
        sys.path.insert(0, HERE)
        import gate
        dropped = gate.prune_outcomes("seeded", t0)
        if dropped:
            print("(dropped %d recorded outcome(s) no seeded bug uses any more)" % dropped)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
