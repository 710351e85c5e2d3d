#!/usr/bin/env python3
"""harness/test_eva_prefix.py - Eva one prefix of choices at a time
(EVA_SPLIT_MAX; harness/README.md, Eva): the runs must cover every
execution, and the check that says so must fail when they do not.

- prefix_coverage on made-up reports: a complete split passes; a value of
  a range no run took, two ranges for one choice, a report that is a set
  (the prefix did not decide the path) and a report out of order fail.
- stack's recorded split (its Eva records replayed, EVA_CACHE=replay; none
  is written): the prefixes the explorer lists cover the harness by what
  Eva reported in each run; the same runs with one prefix left out do not,
  and run_eva_split then makes the whole entry an error naming the values
  no run took.

Uses build/harness/ as run.py does (Eva's copy of src/ must be where the
records' keys say).  Needs Frama-C (make tools) for the key.  Ends with
"N passed, N failed"."""
import os, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "harness"))
os.environ["EVA_CACHE"] = "replay"
import run  # noqa: E402

passed = failed = 0


def check(label, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print("ok   " + label)
    else:
        failed += 1
        print("FAIL %s%s" % (label, (": " + str(detail)) if detail else ""))


# A harness whose first choice is in [0, 1] and, after 1, a second in [0, 2].
FULL = [([0], [[0, 0, 1, 0]]),
        ([1, 0], [[0, 0, 1, 1], [1, 0, 2, 0]]),
        ([1, 1], [[0, 0, 1, 1], [1, 0, 2, 1]]),
        ([1, 2], [[0, 0, 1, 1], [1, 0, 2, 2]])]
check("made up: a complete split is covered", run.prefix_coverage(FULL) == [], run.prefix_coverage(FULL))
short = run.prefix_coverage(FULL[:2] + FULL[3:])
check("made up: value 1 of the second choice not run", any("values [1] of [0, 2]" in p for p in short), short)
clash = run.prefix_coverage(FULL[:3] + [([1, 2], [[0, 0, 1, 1], [1, 0, 3, 2]])])
check("made up: two ranges for one choice", any("ranges" in p for p in clash), clash)
setrep = run.prefix_coverage(FULL[:3] + [([1, 2], [[0, 0, 1, 1], [-1, 0, -1, -1]])])
check("made up: a report that is not one value", setrep != [], setrep)
order = run.prefix_coverage(FULL[:3] + [([1, 2], [[1, 0, 2, 2]])])
check("made up: a report out of order", order != [], order)
check("made up: no run at all", run.prefix_coverage([]) != [])

# stack's recorded split, replayed
b = run.bounds("stack")
eb = run.eva_bounds(b)
most = eb.pop("SPLIT_MAX", 0)
check("stack's Eva bounds split it (EVA_SPLIT_MAX %d)" % most, most > 0)
tree = run.eva_tree()
pre, err, _ = run.explorer_prefixes("stack", eb, most)
check("the explorer lists stack's prefixes (%d)" % len(pre or []), err is None and pre and len(pre) > 1, err)
if pre:
    runs = [run.run_eva("stack", eb, tree, p) for p, _ in pre]
    replayed = all(r.get("replayed") for r in runs)
    check("every prefix's Eva run replays from harness/eva-cache/", replayed,
          [p for (p, _), r in zip(pre, runs) if not r.get("replayed")])
    reps = [(p, r.get("prefix_choices", [])) for (p, _), r in zip(pre, runs)]
    full = run.prefix_coverage(reps)
    check("the recorded runs cover stack by Eva's own reports", full == [], full)
    if replayed:
        gap = run.prefix_coverage(reps[:1] + reps[2:])
        check("one run left out (prefix %s): not covered, the values named" % pre[1][0],
              any("not run" in p for p in gap), gap)
        # the whole entry: run_eva_split with the explorer's list one short
        real = run.explorer_prefixes

        def one_short(name, bb, m):
            pre, err, xres = real(name, bb, m)
            return pre[:1] + pre[2:], err, xres
        run.explorer_prefixes = one_short
        try:
            res = run.run_eva_split("stack", eb, tree, 0, most)
        finally:
            run.explorer_prefixes = real
        check("run_eva_split with a prefix left out is an error: %s" % res.get("detail", "")[:90],
              res["status"] == "error" and "do not cover" in res.get("detail", ""), res.get("status"))
print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
