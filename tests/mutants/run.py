#!/usr/bin/env python3
"""tests/mutants/run.py - the seeded-bug (mutant) kill matrix.

  python3 tests/mutants/run.py [--engines a,b,...] [--jobs N] [--quick]
                               [--require-two] [--json FILE] [ID ...]

Every tests/mutants/NNN_<short>.patch is one bug, against one file of src/,
with its expected rule id in its header (`# rule: <RuleId>`).  For the
unmodified tree and for each mutant, the runner makes a copy of the tree
under build/mutants/<id>/ (src/, spec/, harness/, model/, the Makefile,
proofs/eacsl/gen.py; the patch applied exactly, `patch -p1 -F0` with no
offset, and kept as .mutant.patch), then runs each engine on it.

An engine is tests/mutants/engines/<engine>.sh TREE: it prints the rule ids
it found (one per line) and exits 0 when it ran, 77 when it is not
applicable or not available, anything else on error.

Printed: the matrix (mutant, expected rule, per engine "caught",
"other:<ids>", "missed", "n/a" or "error"), then the checks.  Written:
build/report/engines/mutants.json, {"mutants": [{"id", "rule", "caught_by",
"other"}]} (a fragment bin/irpc-report merges into results.json).

Exit status 1 when: an engine reports anything on the unmodified tree or
fails there; a mutant's patch does not apply; a mutant is caught with its
expected rule by no engine.  The two-engine check (every mutant of a P1,
P2 or P3 rule caught with its rule by at least two engines) is always
printed; it fails the run only with --require-two or MUTANTS_REQUIRE_TWO=1.

--quick: only the runtime engine; the last line is "N passed, N failed",
where a mutant passes when the runtime engine reports its expected rule, and
mutants whose header says `# blind: runtime <why>` are listed as skipped
(neither passed nor failed).  The unmodified tree counts as one test.
"""
import argparse, concurrent.futures, json, os, re, shutil, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
WORK = os.path.join(ROOT, "build", "mutants")
ENGINE_DIR = os.path.join(HERE, "engines")
ENGINE_ORDER = ["runtime", "explorer", "eva", "spin", "wp", "e-acsl"]
# (harness/run.py reads the runtime checker's clause filter from
# proofs/eacsl/gen.py)
COPY = ["src", "spec", "harness", "model", "Makefile", "proofs/eacsl/gen.py"]
BASE = "000_unmodified"
TIMEOUT = int(os.environ.get("MUTANTS_ENGINE_TIMEOUT", "900"))


def rule_groups():
    groups = {}
    with open(os.path.join(ROOT, "src", "include", "irpc_rules.def")) as f:
        for line in f:
            m = re.match(r"\s*IRPC_RULE\((\w+),\s*(\w+),", line)
            if m:
                groups[m.group(1)] = m.group(2)
    return groups


def load_mutants():
    out = []
    for name in sorted(os.listdir(HERE)):
        if not re.match(r"^\d{3}_[\w-]+\.patch$", name):
            continue
        path = os.path.join(HERE, name)
        head = {"blind": {}}
        with open(path) as f:
            for line in f:
                if not line.startswith("#"):
                    break
                m = re.match(r"#\s*(rule|file|description|blind):\s*(.*)", line)
                if not m:
                    continue
                if m.group(1) == "blind":
                    eng, _, why = m.group(2).partition(" ")
                    head["blind"][eng] = why.strip()
                else:
                    head[m.group(1)] = m.group(2).strip()
        out.append({"id": name[:-len(".patch")], "patch": path, "rule": head.get("rule", "?"),
                    "file": head.get("file", "?"), "description": head.get("description", ""),
                    "blind": head["blind"]})
    return out


def engines_available():
    names = [n[:-3] for n in os.listdir(ENGINE_DIR) if n.endswith(".sh")]
    return sorted(names, key=lambda n: (ENGINE_ORDER.index(n) if n in ENGINE_ORDER else 99, n))


def make_tree(mid, patch):
    tree = os.path.join(WORK, mid)
    shutil.rmtree(tree, ignore_errors=True)
    os.makedirs(tree)
    for item in COPY:
        src = os.path.join(ROOT, item)
        if os.path.isdir(src):
            shutil.copytree(src, os.path.join(tree, item), symlinks=True,
                            ignore=shutil.ignore_patterns("build", "*.o", "eva-cache"))
        elif os.path.exists(src):
            os.makedirs(os.path.dirname(os.path.join(tree, item)), exist_ok=True)
            shutil.copy2(src, os.path.join(tree, item))
    if patch is None:
        return tree, None
    # exactly: no fuzz (-F0) and no offset, so that a patch left behind by a
    # change to its file fails here instead of mutating some other line
    r = subprocess.run(["patch", "-p1", "-F0", "--no-backup-if-mismatch", "-i", patch],
                       cwd=tree, capture_output=True, text=True)
    if r.returncode != 0:
        return tree, (r.stdout + r.stderr).strip() or "patch failed"
    if re.search(r"offset|fuzz", r.stdout):
        return tree, "does not apply exactly (refresh it against the tree): " + \
            " ".join(r.stdout.split())
    shutil.copy2(patch, os.path.join(tree, ".mutant.patch"))
    return tree, None


def run_engine(engine, tree):
    start = time.time()
    try:
        r = subprocess.run(["bash", os.path.join(ENGINE_DIR, engine + ".sh"), tree],
                           capture_output=True, text=True, timeout=TIMEOUT)
        rc, out, err = r.returncode, r.stdout, r.stderr
    except subprocess.TimeoutExpired:
        rc, out, err = 124, "", "timed out after %d s" % TIMEOUT
    secs = time.time() - start
    rules = sorted({l.strip() for l in out.splitlines() if re.match(r"^\w[\w-]*$", l.strip())})
    if rc == 0:
        return {"status": "ran", "rules": rules, "seconds": secs}
    if rc == 77:
        return {"status": "n/a", "rules": [], "seconds": secs, "why": err.strip()[-300:]}
    return {"status": "error", "rules": rules, "seconds": secs, "why": (err or out).strip()[-600:]}


def cell(res, expected):
    if res["status"] == "n/a":
        return "n/a"
    if res["status"] == "error":
        return "error"
    if expected in res["rules"]:
        return "caught"
    if res["rules"]:
        return "other:" + ",".join(res["rules"])
    return "missed"


def table(rows, headers):
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows)]
    lines = ["  ".join("%-*s" % (w, h) for w, h in zip(widths, headers)).rstrip(),
             "  ".join("-" * w for w in widths)]
    for row in rows:
        lines.append("  ".join("%-*s" % (w, str(c)) for w, c in zip(widths, row)).rstrip())
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--engines", default=None, help="comma-separated; default: every engines/*.sh")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--require-two", action="store_true",
                    default=os.environ.get("MUTANTS_REQUIRE_TWO", "0") not in ("", "0"))
    ap.add_argument("--json", default=os.path.join(ROOT, "build", "report", "engines", "mutants.json"))
    ap.add_argument("ids", nargs="*")
    args = ap.parse_args()

    t0 = time.time()
    groups = rule_groups()
    mutants = load_mutants()
    if args.ids:
        mutants = [m for m in mutants if any(m["id"].startswith(i) for i in args.ids)]
    engines = ["runtime"] if args.quick else (args.engines.split(",") if args.engines else engines_available())
    for e in engines:
        if not os.path.isfile(os.path.join(ENGINE_DIR, e + ".sh")):
            print("mutants: no engine %s (tests/mutants/engines/%s.sh)" % (e, e), file=sys.stderr)
            return 2
    os.makedirs(WORK, exist_ok=True)

    # the trees
    trees, problems = {}, []
    base_tree, _ = make_tree(BASE, None)
    trees[BASE] = base_tree
    for m in mutants:
        tree, err = make_tree(m["id"], m["patch"])
        if err:
            problems.append("%s: the patch does not apply: %s" % (m["id"], err))
        else:
            trees[m["id"]] = tree
        if m["rule"] not in groups:
            problems.append("%s: unknown rule id %r in its header" % (m["id"], m["rule"]))

    # every engine on every tree
    results = {}
    jobs = [(mid, e) for mid in trees for e in engines]
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futs = {pool.submit(run_engine, e, trees[mid]): (mid, e) for mid, e in jobs}
        for fut in concurrent.futures.as_completed(futs):
            results[futs[fut]] = fut.result()

    # the unmodified tree reports nothing
    base_ok = True
    for e in engines:
        res = results[(BASE, e)]
        if res["status"] == "error" or res["rules"]:
            base_ok = False
            problems.append("unmodified tree: engine %s %s" % (
                e, "failed: " + res.get("why", "") if res["status"] == "error"
                else "reported " + ",".join(res["rules"])))

    # the matrix
    rows, entries, uncaught, lacking_two, engine_errors = [], [], [], [], []
    caught_count = {e: 0 for e in engines}
    applicable = {e: 0 for e in engines}
    for m in mutants:
        if m["id"] not in trees:
            rows.append([m["id"], m["rule"]] + ["patch-failed"] * len(engines))
            uncaught.append(m["id"])
            continue
        cells, caught_by, other = [], [], {}
        for e in engines:
            res = results[(m["id"], e)]
            c = cell(res, m["rule"])
            cells.append(c)
            if res["status"] == "ran":
                applicable[e] += 1
            if res["status"] == "error":
                engine_errors.append("%s on %s: %s" % (e, m["id"], res.get("why", "")))
            if c == "caught":
                caught_by.append(e)
                caught_count[e] += 1
            elif res["rules"]:
                other[e] = res["rules"]
        rows.append([m["id"], m["rule"]] + cells)
        entries.append({"id": m["id"], "rule": m["rule"], "caught_by": caught_by, "other": other})
        if not caught_by:
            uncaught.append(m["id"])
        if groups.get(m["rule"]) in ("P1", "P2", "P3") and len(caught_by) < 2:
            lacking_two.append((m["id"], m["rule"], caught_by))

    base_cells = []
    for e in engines:
        res = results[(BASE, e)]
        base_cells.append("n/a" if res["status"] == "n/a" else "error" if res["status"] == "error"
                          else ("clean" if not res["rules"] else "REPORTED:" + ",".join(res["rules"])))
    print(table([[BASE, "(none)"] + base_cells] + rows, ["mutant", "expected rule"] + engines))
    print()

    # per-engine summary and timing
    for e in engines:
        secs = sum(results[(mid, e)]["seconds"] for mid in trees)
        print("engine %-9s caught %d of %d mutants with the expected rule (%d run, %d n/a); %.1f s engine time"
              % (e, caught_count[e], len(mutants), applicable[e],
                 sum(1 for m in mutants if m["id"] in trees and results[(m["id"], e)]["status"] == "n/a"),
                 secs))
    rules_covered = sorted({m["rule"] for m in mutants})
    print("%d mutants covering %d of %d rule ids" % (len(mutants), len(rules_covered), len(groups)))
    missing = sorted(set(groups) - set(rules_covered))
    if missing:
        print("rule ids without a mutant: " + ", ".join(missing))

    # the JSON fragment
    if not args.quick and not args.ids:
        os.makedirs(os.path.dirname(args.json), exist_ok=True)
        with open(args.json, "w") as f:
            json.dump({"mutants": entries}, f, indent=1)
            f.write("\n")

    # checks
    status = 0
    for p in problems:
        print("FAIL " + p)
        status = 1
    for err in engine_errors:
        print("engine error: " + err)
    if uncaught:
        print("FAIL caught with the expected rule by no engine: " + ", ".join(uncaught))
        status = 1
    label = "two-engine check (P1-P3 mutants caught by >= 2 engines)"
    if args.quick:
        pass
    elif lacking_two:
        print("%s: %d mutant(s) lack a second engine%s:" % (
            label, len(lacking_two), "" if args.require_two else
            " [not enforced: set MUTANTS_REQUIRE_TWO=1 or --require-two]"))
        for mid, rule, by in lacking_two:
            print("    %s (%s): caught by %s" % (mid, rule, ",".join(by) or "none"))
        if args.require_two:
            status = 1
    else:
        print("%s: ok" % label)
    print("unmodified tree: %s" % ("no findings" if base_ok else "FINDINGS (see above)"))
    if "wp" in engines and not args.ids and \
            all(results[(mid, "wp")]["status"] != "error" for mid in trees):
        # wp ran on every mutant: drop the WP outcomes of mutants that changed
        sys.path.insert(0, os.path.join(ROOT, "proofs"))
        import gate
        dropped = gate.prune_outcomes("mutants", t0)
        if dropped:
            print("wp: dropped %d recorded outcome(s) no mutant uses any more" % dropped)
    if "eva" in engines and not args.ids and \
            all(results[(mid, "eva")]["status"] != "error" for mid in trees):
        # eva ran on every tree: drop the Eva records no tree replayed or wrote
        import importlib.util
        spec = importlib.util.spec_from_file_location("harness_run", os.path.join(ROOT, "harness", "run.py"))
        harness_run = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(harness_run)
        dropped = harness_run.prune_eva_cache(os.path.join(ROOT, "harness", "eva-cache", "mutants"), t0)
        if dropped:
            print("eva: dropped %d recorded outcome(s) no tree uses any more" % dropped)
    if "e-acsl" in engines and not args.ids:
        # the e-acsl records of mutants that no longer exist
        rec_dir = os.path.join(HERE, "eacsl-cache")
        gone = [f for f in (os.listdir(rec_dir) if os.path.isdir(rec_dir) else [])
                if f.endswith(".txt") and f[:-len(".txt")] not in trees]
        for f in gone:
            os.remove(os.path.join(rec_dir, f))
        if gone:
            print("e-acsl: dropped %d record(s) of mutants that no longer exist" % len(gone))
    print("total %.1f s" % (time.time() - t0))

    if args.quick:
        passed = failed = 0
        skipped = []
        for m in mutants:
            if "runtime" in m["blind"]:
                skipped.append("%s (%s)" % (m["id"], m["blind"]["runtime"]))
                continue
            ok = m["id"] in trees and results[(m["id"], "runtime")]["status"] == "ran" \
                and m["rule"] in results[(m["id"], "runtime")]["rules"]
            if ok:
                passed += 1
            else:
                failed += 1
                print("FAIL %s: expected %s, runtime reported %s" % (
                    m["id"], m["rule"], ",".join(results.get((m["id"], "runtime"), {}).get("rules", []))
                    or "nothing"))
        if base_ok:
            passed += 1
        else:
            failed += 1
        for s in skipped:
            print("skipped " + s)
        print("%d passed, %d failed" % (passed, failed))
        return 0 if failed == 0 else 1
    return status


if __name__ == "__main__":
    sys.exit(main())
