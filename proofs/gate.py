#!/usr/bin/env python3
"""proofs/gate.py - runs WP on each proof target and fails unless every goal
is proved.  WP's own exit status is not trusted (it is 0 with unproved goals):
the gate reads WP's per-goal JSON report and its log.

A target is a folder proofs/<target>/ holding
  target.conf      FILES=..., FUNCTIONS=..., FLAGS=..., RULES=... (shell syntax)
  expected_goals   the number of goals the target had when its record was set

A target is "proved" only when all of these hold:
  - frama-c ran to the end (exit 0) and wrote its JSON report;
  - every function of FUNCTIONS appears in the report;
  - every goal (smoke goals aside) is valid: none unknown, failed, timed out;
  - no smoke test succeeded (-wp-smoke-tests: no contract makes code dead);
  - the number of goals is at least expected_goals.
Anything else is "violated" (a goal not proved) or "error".

Prover results are cached (-wp-cache update) in proofs/cache/<key>, the key
being a hash of the tool versions; a miss runs the provers, it never counts
as proved.

usage: gate.py [--root DIR] [--targets a,b] [--report FILE] [--update-records]
               [--quiet]   (prints one line per target; exit 1 on any failure)
"""
import argparse
import hashlib
import json
import os
import re
import shlex
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PROVERS = "cvc4,z3"
TIMEOUT = "5"


def tool_versions():
    out = {}
    for name, cmd in (("frama-c", ["frama-c", "-version"]), ("why3", ["why3", "--version"]),
                      ("z3", ["z3", "--version"]), ("cvc4", ["cvc4", "--version"])):
        try:
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
            out[name] = (r.stdout + r.stderr).strip().splitlines()[0] if (r.stdout + r.stderr).strip() else "?"
        except (OSError, subprocess.TimeoutExpired):
            out[name] = "missing"
    return out


def source_digest(root):
    """Digest of everything a goal is made of: spec/, src/, the targets and
    the gate's prover settings.  Entries are only replayed for byte-identical
    inputs: any change starts a new, empty cache (the provers run), so a
    cache entry can never stand in for a goal that changed."""
    h = hashlib.sha256(("%s %s" % (PROVERS, TIMEOUT)).encode())
    for top in ("spec", "src"):
        for dirpath, dirs, files in sorted(os.walk(os.path.join(root, top))):
            dirs.sort()
            for fn in sorted(files):
                path = os.path.join(dirpath, fn)
                h.update(os.path.relpath(path, root).encode())
                with open(path, "rb") as f:
                    h.update(f.read())
    for conf in sorted(os.listdir(HERE)):
        path = os.path.join(HERE, conf, "target.conf")
        if os.path.isfile(path):
            h.update(conf.encode())
            with open(path, "rb") as f:
                h.update(f.read())
    return h.hexdigest()[:16]


def cache_dir(versions, root):
    key = hashlib.sha256(json.dumps(versions, sort_keys=True).encode()).hexdigest()[:12] + \
        "-" + source_digest(root)
    d = os.path.join(HERE, "cache", key)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "VERSIONS.json"), "w") as f:
        json.dump(versions, f, indent=1, sort_keys=True)
    return d


def read_conf(path):
    conf = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#") or "=" not in line:
                continue
            k, v = line.split("=", 1)
            conf[k.strip()] = " ".join(shlex.split(v))
    return conf


def list_targets():
    return sorted(d for d in os.listdir(HERE)
                  if os.path.isfile(os.path.join(HERE, d, "target.conf")))


def report_line(root, path, line):
    """Is source line `line` a violation report (IrpcReport, or the return
    that ends the reporting branch)?"""
    try:
        with open(path if os.path.isabs(path) else os.path.join(root, path)) as f:
            lines = f.read().splitlines()
    except OSError:
        return False
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    if "IrpcReport(" in text:
        return True
    if re.match(r"\s*(return\b[^;]*;|continue;)\s*$", text):
        above = "\n".join(lines[max(0, line - 5):line - 1])
        # the early return after a report, or after a failed check helper
        # (has_next, check_access, may_release report and return 0)
        return any(k in above for k in ("IrpcReport(", "has_next(", "check_access(", "may_release("))
    return False


def source_text(root, path, line):
    try:
        with open(path if os.path.isabs(path) else os.path.join(root, path)) as f:
            lines = f.read().splitlines()
        return lines[line - 1].strip() if 0 < line <= len(lines) else ""
    except OSError:
        return ""


def run_target(name, root, cdir, logdir):
    conf = read_conf(os.path.join(HERE, name, "target.conf"))
    files = conf["FILES"].split()
    fcts = conf["FUNCTIONS"].split()
    flags = conf.get("FLAGS", "").split()
    os.makedirs(logdir, exist_ok=True)
    rjson = os.path.join(logdir, "wp.json")
    if os.path.exists(rjson):
        os.remove(rjson)
    # absolute paths, and PWD set: Frama-C resolves relative names against
    # $PWD, not the working directory (a copy of the code in build/seeded/
    # was silently analysed as the original before this)
    inc = " ".join("-I" + os.path.join(root, d) for d in ("src/include", "src", "src/drivers"))
    files = [os.path.join(root, f) for f in files]
    cmd = (["frama-c", "-cpp-extra-args=" + inc] + files +
           ["-wp", "-wp-rte", "-wp-prover", PROVERS, "-wp-timeout", TIMEOUT,
            "-wp-smoke-tests", "-wp-fct", ",".join(fcts),
            ] + (["-wp-cache", "update", "-wp-cache-dir", cdir] if cdir else ["-wp-cache", "none"]) + [
            "-wp-report-json", rjson, "-wp-par", "2"] + flags)
    t0 = time.time()
    env = dict(os.environ, PWD=root)
    r = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True)
    secs = round(time.time() - t0, 1)
    log = r.stdout + r.stderr
    with open(os.path.join(logdir, "wp.log"), "w") as f:
        f.write(" ".join(shlex.quote(c) for c in cmd) + "\n" + log)
    res = {"engine": "wp", "target": name, "status": "error", "goals": 0, "proved": 0,
           "seconds": secs, "failed_goals": [], "problems": [],
           "rules": conf.get("RULES", "").split()}
    if r.returncode != 0 or not os.path.exists(rjson):
        res["problems"].append("frama-c exited %d or wrote no report (see %s)"
                               % (r.returncode, os.path.join(logdir, "wp.log")))
        return res
    with open(rjson) as f:
        rep = json.load(f)
    funcs = rep.get("wp:functions", {})
    for fn in fcts:
        if fn not in funcs:
            res["problems"].append("function %s has no goal in the report" % fn)
    goals = proved = 0
    for fn, gs in funcs.items():
        for gname, st in gs.items():
            main = st.get("wp:main", {})
            ok = main.get("total", 0) > 0 and main.get("valid", 0) == main.get("total", 0)
            if gname == "wp:section":
                continue   # WP's per-function total (smoke goals included), not a goal
            if "_wp_smoke_" in gname:
                continue   # smoke goals: judged from the log below
            goals += 1
            if ok:
                proved += 1
            else:
                res["failed_goals"].append("%s:%s" % (fn, gname))
    # Dead code found by the smoke tests is accepted in one place only: the
    # violation reports.  "IrpcReport(IRPC_X) is unreachable" is what the
    # rule-named preconditions of IrpcReport prove.  A dead precondition,
    # loop, assume, or any other dead statement fails the target.
    res["expected_dead"] = []
    # defensive code the well-formedness invariant makes unreachable, listed
    # by its exact source text in proofs/<target>/expected_dead (reviewed)
    allowed_dead = set()
    ad = os.path.join(HERE, name, "expected_dead")
    if os.path.exists(ad):
        allowed_dead = {l.strip() for l in open(ad) if l.strip() and not l.startswith("#")}
    for line in log.splitlines():
        m = re.search(r"\[Failed\] Smoke-test (\S+)", line)
        if m and not re.search(r"_wp_smoke_dead_(code|call)_", m.group(1)):
            res["problems"].append("vacuous contract (smoke test): " + m.group(1))
        m = re.search(r"(\S+):(\d+): Warning: Failed smoke-test", line)
        if m:
            if report_line(root, m.group(1), int(m.group(2))) or \
                    source_text(root, m.group(1), int(m.group(2))) in allowed_dead:
                res["expected_dead"].append("%s:%s" % (m.group(1), m.group(2)))
            else:
                res["problems"].append("dead code (smoke test) at %s:%s" % (m.group(1), m.group(2)))
    res["goals"], res["proved"] = goals, proved
    exp_path = os.path.join(HERE, name, "expected_goals")
    expected = int(open(exp_path).read().split()[0]) if os.path.exists(exp_path) else None
    res["expected_goals"] = expected
    if expected is None:
        res["problems"].append("no expected_goals record")
    elif goals < expected:
        res["problems"].append("goal count %d dropped below its record %d" % (goals, expected))
    if res["failed_goals"]:
        res["status"] = "violated"
    elif res["problems"]:
        res["status"] = "error"
    else:
        res["status"] = "proved"
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", default=ROOT)
    ap.add_argument("--targets", default="")
    ap.add_argument("--report", default="")
    ap.add_argument("--logs", default="")
    ap.add_argument("--update-records", action="store_true")
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument("--no-cache", action="store_true", help="run every prover (-wp-cache none)")
    args = ap.parse_args()
    targets = args.targets.split(",") if args.targets else list_targets()
    versions = tool_versions()
    cdir = cache_dir(versions, args.root) if not args.no_cache else None
    logs = args.logs or os.path.join(args.root, "build", "proofs")
    os.makedirs(logs, exist_ok=True)
    results = []
    t0 = time.time()
    for t in targets:
        res = run_target(t, args.root, cdir, os.path.join(logs, t))
        if args.update_records and res["status"] in ("proved", "error") and not res["failed_goals"] \
                and res["goals"] > 0:
            with open(os.path.join(HERE, t, "expected_goals"), "w") as f:
                f.write("%d\n" % res["goals"])
            res = run_target(t, args.root, cdir, os.path.join(logs, t))
        results.append(res)
        print("wp %-22s %-8s %4d/%-4d goals %6.1fs" % (t, res["status"], res["proved"], res["goals"],
                                                       res["seconds"]))
        if not args.quiet:
            for g in res["failed_goals"]:
                print("   not proved: " + g)
            for p in res["problems"]:
                print("   problem: " + p)
    total = time.time() - t0
    # A rule is established by WP when every target that states it is proved.
    rules = {}
    for r in results:
        for rid in r["rules"]:
            rules.setdefault(rid, []).append(r["status"] == "proved")
    # ... and a seeded bug (proofs/seeded/<Rule>.bug) shows the proof can fail on it
    proved_rules = {rid: "proved" for rid, oks in rules.items()
                    if all(oks) and os.path.exists(os.path.join(HERE, "seeded", rid + ".bug"))}
    unknown_rules = {rid: "unknown" for rid, oks in rules.items() if not all(oks)}
    notes = {}
    notes_path = os.path.join(HERE, "rule_notes.json")
    if os.path.exists(notes_path):
        with open(notes_path) as f:
            notes = {k: v for k, v in json.load(f).items() if k not in proved_rules}
    if args.report:
        os.makedirs(os.path.dirname(args.report), exist_ok=True)
        frag = {"engines": [{k: r[k] for k in ("engine", "target", "status", "goals", "proved", "seconds")}
                            for r in results],
                "rules": dict(unknown_rules, **proved_rules),
                "rule_notes": notes,
                "tool_versions": versions}
        with open(args.report, "w") as f:
            json.dump(frag, f, indent=1, sort_keys=True)
    ok = all(r["status"] == "proved" for r in results)
    print("wp: %d targets, %d goals, %d proved, %.1fs, %s"
          % (len(results), sum(r["goals"] for r in results), sum(r["proved"] for r in results),
             total, "all proved" if ok else "NOT ALL PROVED"))
    with open(os.path.join(logs, "gate.json"), "w") as f:
        json.dump(results, f, indent=1)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
