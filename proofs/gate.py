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
  - every goal (smoke goals aside) is valid: none unknown, failed, timed out
    (by cvc4; --provers cvc4,z3 gives each goal to both);
  - no smoke test succeeded (-wp-smoke-tests: no contract makes code dead);
  - the number of goals is at least expected_goals.
Anything else is "violated" (a goal not proved) or "error".

Cache (proofs/cache/<V>/, V = hash of the frama-c, why3, z3, cvc4 versions)
has two levels, both keyed on content, never on file names or dates:

  goals/<target>/<h>.json   WP's own prover cache (-wp-cache cleanup through
      FRAMAC_WP_CACHEDIR): h is WP's digest of the prover task text of one
      goal (hypotheses, goal, prover name and version).  A prover result is
      replayed only for a byte-identical task; a miss runs the prover; a
      timeout is replayed only for a time limit no larger than the one it
      was seen with.  Before each run that writes the cache, the gate
      removes the timeouts of goals (forget_timeouts: those seen at more
      than the smoke tests' 2 s), so a goal that timed out on a loaded
      machine goes to the prover again.  "cleanup" drops the entries a complete run of the
      target no longer uses, so the folder holds the current goals only.
  targets/<target>.json     the facts the gate judged after the last run of
      the target whose goals were ALL valid (per-goal status, smoke-test
      lines of the log), under the key K: hash of the tool versions, the
      prover settings, the frama-c command line (root folder replaced by a
      placeholder) and the preprocessed text of every file of the target
      (what Frama-C parses: the sources, every header, the ACSL in them).
      When K is unchanged, frama-c cannot produce different goals, and the
      gate judges the recorded facts again instead of running it (the
      judgement itself, expected_goals and expected_dead included, is always
      redone).  Any change to the inputs misses and runs frama-c.

A replayed "valid" therefore always stands for an earlier prover run of the
identical goal.  --cache replay uses the cache without writing it (seeded
bugs), --no-cache runs every prover and ignores both levels.

  outcomes/<NS>/<target>-<K>.json   with --outcomes NS (seeded bugs and
      mutants, whose trees are copies with one bug): the facts of the last
      run of the target on inputs with key K, whatever its verdict, failed
      goals included.  Same key as targets/, so a record stands only for
      identical goals; a miss runs frama-c (goals from goals/ replayed, the
      rest proved) and writes the record.  A replayed record is touched, so
      that a complete run of the seeded bugs or of the mutant matrix can
      drop the records it no longer uses (prune_outcomes).

usage: gate.py [--root DIR] [--targets a,b] [--report FILE] [--update-records]
               [--quiet] [--cache update|replay|none] [--no-cache] [--outcomes NS]
               [--provers cvc4[,z3]] [--jobs N]
               (prints one line per target; exit 1 on any failure)
"""
import argparse
import concurrent.futures
import hashlib
import glob
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
# cvc4 alone proves every goal of the targets.  With z3 beside it (each
# goal given to both) z3 proved no goal cvc4 did not, and it spends the whole
# smoke timeout on every smoke goal that passes (a smoke goal is false when
# the code is live): a third of the CPU time of a run from scratch
# (README.md, "Proof cost").  --provers cvc4,z3 runs both.
PROVERS = "cvc4"
TIMEOUT = "5"
PAR = "1"          # provers per frama-c; JOBS frama-c run side by side
JOBS = 2
RECORD_FORMAT = 2


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


def cache_key(versions):
    """The cache folder's name for these tool versions (proofs/cache/<key>/)."""
    return hashlib.sha256(json.dumps(versions, sort_keys=True).encode()).hexdigest()[:12]


def cache_root(versions):
    d = os.path.join(HERE, "cache", cache_key(versions))
    os.makedirs(d, exist_ok=True)
    vpath = os.path.join(d, "VERSIONS.json")
    text = json.dumps(versions, indent=1, sort_keys=True) + "\n"
    if not os.path.exists(vpath) or open(vpath).read() != text:
        with open(vpath, "w") as f:
            f.write(text)
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


def recorded_goals(name):
    """The target's expected_goals record, None when it has none or it does
    not read as a number.  The judgement compares the goal count with it; the
    scheduler uses it as the target's cost, to start the largest first."""
    try:
        with open(os.path.join(HERE, name, "expected_goals")) as f:
            return int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None


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


def wp_command(name, root, provers=PROVERS):
    """The frama-c command of a target, without the output and cache
    options (those name files, they do not change the goals)."""
    conf = read_conf(os.path.join(HERE, name, "target.conf"))
    files = conf["FILES"].split()
    fcts = conf["FUNCTIONS"].split()
    flags = conf.get("FLAGS", "").split()
    # absolute paths, and PWD set: Frama-C resolves relative names against
    # $PWD, not the working directory (a copy of the code in build/seeded/
    # was silently analysed as the original before this)
    inc = " ".join("-I" + os.path.join(root, d) for d in ("src/include", "src", "src/drivers"))
    files = [os.path.join(root, f) for f in files]
    cmd = (["frama-c", "-cpp-extra-args=" + inc] + files +
           ["-wp", "-wp-rte", "-wp-prover", provers, "-wp-timeout", TIMEOUT,
            "-wp-smoke-tests", "-wp-fct", ",".join(fcts), "-wp-par", PAR] + flags)
    return conf, fcts, cmd


# Lines of the WP log the judgement reads (kept in a target record).
LOG_KEEP = re.compile(r"Smoke-test|smoke-test")


def target_key(cmd, root, versions):
    """K of the module docstring: None when it cannot be computed (then the
    target is run)."""
    env = dict(os.environ, PWD=root)
    try:
        r = subprocess.run(cmd + ["-print-cpp-commands"], cwd=root, env=env,
                           capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if r.returncode != 0:
        return None
    # "[kernel] Preprocessing command:" then the command, possibly wrapped
    cmds, cur = [], None
    for line in (r.stdout + r.stderr).splitlines():
        if line.startswith("[kernel] Preprocessing command:"):
            cur = []
            cmds.append(cur)
        elif line.startswith("["):
            cur = None
        elif cur is not None:
            cur.append(line.strip())
    nfiles = sum(1 for c in cmd if c.endswith(".c"))
    if len(cmds) != nfiles:
        return None
    h = hashlib.sha256()
    h.update(json.dumps({"versions": versions, "timeout": TIMEOUT,
                         "format": RECORD_FORMAT,
                         "cmd": [c.replace(root, "<ROOT>") for c in cmd]},
                        sort_keys=True).encode())
    with tempfile.TemporaryDirectory(prefix="irpc-gate-") as tmp:
        for i, parts in enumerate(cmds):
            argv = shlex.split(" ".join(parts))
            if not argv or "-o" not in argv or "-E" not in argv:
                return None
            out = os.path.join(tmp, "pp%d.i" % i)
            argv[argv.index("-o") + 1] = out
            try:
                p = subprocess.run(argv, cwd=root, env=env, capture_output=True, timeout=120)
            except (OSError, subprocess.TimeoutExpired):
                return None
            if p.returncode != 0 or not os.path.exists(out):
                return None
            with open(out, "rb") as f:
                text = f.read()
            h.update(b"\0file\0" + text.replace(root.encode(), b"<ROOT>"))
    return h.hexdigest()


def judge(name, root, conf, fcts, rep, loglines, res):
    """The gate's verdict on one run's facts: WP's per-goal report and the
    smoke-test lines of its log.  Fills res."""
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
    for line in loglines:
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
    if goals == 0:
        res["problems"].append("0 goals: nothing was proved")
    expected = recorded_goals(name)
    res["expected_goals"] = expected
    if expected is None:
        res["problems"].append("no expected_goals record (or it is not a number)")
    elif goals < expected:
        res["problems"].append("goal count %d dropped below its record %d" % (goals, expected))
    if res["failed_goals"]:
        res["status"] = "violated"
    elif res["problems"]:
        res["status"] = "error"
    else:
        res["status"] = "proved"
    return res


def compact_report(rep):
    """What judge() reads of WP's report: per function, per goal, the main
    total and valid counts."""
    out = {}
    for fn, gs in rep.get("wp:functions", {}).items():
        out[fn] = {g: {"wp:main": {"total": st.get("wp:main", {}).get("total", 0),
                                   "valid": st.get("wp:main", {}).get("valid", 0)}}
                   for g, st in gs.items() if g != "wp:section"}
    return {"wp:functions": out}


def outcome_path(cdir, ns, name, key):
    return os.path.join(cdir, "outcomes", ns, "%s-%s.json" % (name, key[:24]))


def prune_outcomes(ns, since):
    """Drop the records of namespace ns that no run touched since `since`
    (seconds since the epoch): called after a complete run of the seeded
    bugs or of the mutant matrix.  Returns the number dropped."""
    d = os.path.join(cache_root(tool_versions()), "outcomes", ns)
    n = 0
    for f in os.listdir(d) if os.path.isdir(d) else []:
        p = os.path.join(d, f)
        if os.path.getmtime(p) < since:
            os.remove(p)
            n += 1
    return n


# WP's smoke tests have a limit of 2 s (-wp-smoke-timeout, WP's default); a
# goal's own limit is TIMEOUT or more.
SMOKE_TIMEOUT = 2.0


def goal_record(path):
    """(verdict, seconds) of one record of WP's per-goal cache.  WP writes
    them as JSON but for its numbers ("time": 2.), so a record that does not
    parse is read field by field."""
    text = open(path).read()
    try:
        d = json.loads(text)
    except ValueError:
        d = dict(re.findall(r'"(\w+)":\s*"?([^",}]+)"?', text))
    return str(d.get("verdict", "?")).strip(), float(d.get("time", 0) or 0)


def forget_timeouts(gdir):
    """Removes from a target's per-goal cache the goals that timed out at
    more than the smoke tests' limit, so that the next run gives them to the
    prover again.  WP replays a cached timeout as the goal's verdict, so one
    goal that timed out on a loaded machine failed its target at every run
    after, on an idle one too.  A smoke test's timeout (its pass: the prover
    found no contradiction in 2 s) stays cached; so do "unknown" answers,
    which do not depend on the load.  Returns the number removed."""
    n = 0
    for f in glob.glob(os.path.join(gdir, "*.json")):
        verdict, seconds = goal_record(f)
        if verdict == "timeout" and seconds > SMOKE_TIMEOUT:
            os.remove(f)
            n += 1
    return n


def run_frama_c(cmd, name, root, cdir, mode, rjson):
    """One frama-c run of a target's command, with WP's per-goal cache of
    the target unless mode is "none".  Returns (process, report or None,
    log text starting with the command line)."""
    env = dict(os.environ, PWD=root)
    if cdir and mode != "none":
        # through the environment, not -wp-cache-dir: WP refuses "cleanup"
        # with a -wp-cache-dir ("global") cache
        gdir = os.path.join(cdir, "goals", name)
        os.makedirs(gdir, exist_ok=True)
        if mode == "update":
            forget_timeouts(gdir)
        env.update(FRAMAC_WP_CACHEDIR=gdir, FRAMAC_WP_CACHE="cleanup" if mode == "update" else "replay")
        full = cmd + ["-wp-cache-env", "-wp-report-json", rjson]
    else:
        env.pop("FRAMAC_WP_CACHEDIR", None)
        env.pop("FRAMAC_WP_CACHE", None)
        full = cmd + ["-wp-cache", "none", "-wp-report-json", rjson]
    r = subprocess.run(full, cwd=root, env=env, capture_output=True, text=True)
    log = " ".join(shlex.quote(c) for c in full) + "\n" + r.stdout + r.stderr
    if r.returncode != 0 or not os.path.exists(rjson):
        return r, None, log
    with open(rjson) as f:
        return r, json.load(f), log


def run_target(name, root, cdir, logdir, mode="update", versions=None, outcomes=None,
               provers=PROVERS):
    conf, fcts, cmd = wp_command(name, root, provers)
    os.makedirs(logdir, exist_ok=True)
    rjson = os.path.join(logdir, "wp.json")
    if os.path.exists(rjson):
        os.remove(rjson)
    res = {"engine": "wp", "target": name, "status": "error", "goals": 0, "proved": 0,
           "seconds": 0, "failed_goals": [], "problems": [], "replayed": False,
           "rules": conf.get("RULES", "").split()}
    t0 = time.time()
    key = record_path = None
    if cdir and mode != "none":
        key = target_key(cmd, root, versions or {})
        record_path = (outcome_path(cdir, outcomes, name, key) if outcomes and key
                       else os.path.join(cdir, "targets", name + ".json"))
        if key and os.path.exists(record_path):
            try:
                with open(record_path) as f:
                    rec = json.load(f)
            except (OSError, ValueError):
                rec = {}
            if rec.get("key") == key:
                res["replayed"] = True
                if record_path.startswith(os.path.join(cdir, "outcomes")):
                    os.utime(record_path)
                judge(name, root, conf, fcts, rec["report"], rec["log"], res)
                res["seconds"] = round(time.time() - t0, 1)
                with open(os.path.join(logdir, "wp.log"), "w") as f:
                    f.write("# replayed from %s (key %s): frama-c not run, inputs unchanged\n"
                            % (os.path.relpath(record_path, root), key)
                            + "\n".join(rec["log"]) + "\n")
                with open(rjson, "w") as f:
                    json.dump(rec["report"], f, indent=1, sort_keys=True)
                return res
    r, rep, log = run_frama_c(cmd, name, root, cdir, mode, rjson)
    res["seconds"] = round(time.time() - t0, 1)
    with open(os.path.join(logdir, "wp.log"), "w") as f:
        f.write(log)
    if rep is None:
        if r.returncode == 0:
            # WP writes no report when the functions it was given have no goal
            res["problems"].append("0 goals: frama-c wrote no WP report (see %s)"
                                   % os.path.join(logdir, "wp.log"))
        else:
            res["problems"].append("frama-c exited %d (see %s)"
                                   % (r.returncode, os.path.join(logdir, "wp.log")))
        return res
    rep = compact_report(rep)
    loglines = [l for l in log.splitlines() if LOG_KEEP.search(l)]
    judge(name, root, conf, fcts, rep, loglines, res)
    if key and outcomes and res["goals"] > 0 and (res["failed_goals"] or res["status"] == "proved"):
        os.makedirs(os.path.dirname(record_path), exist_ok=True)
        with open(record_path, "w") as f:
            json.dump({"key": key, "target": name, "report": rep, "log": loglines},
                      f, indent=0, sort_keys=True)
            f.write("\n")
    elif key and mode == "update" and not res["failed_goals"] and res["goals"] > 0:
        os.makedirs(os.path.dirname(record_path), exist_ok=True)
        with open(record_path, "w") as f:
            json.dump({"key": key, "target": name, "report": rep, "log": loglines},
                      f, indent=0, sort_keys=True)
            f.write("\n")
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", default=ROOT)
    ap.add_argument("--targets", default="")
    ap.add_argument("--report", default="")
    ap.add_argument("--logs", default="")
    ap.add_argument("--update-records", action="store_true")
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument("--provers", default=PROVERS,
                    help="WP's -wp-prover list (default %s); part of the record key" % PROVERS)
    ap.add_argument("--jobs", type=int, default=JOBS,
                    help="targets run side by side (default %d)" % JOBS)
    ap.add_argument("--cache", choices=("update", "replay", "none"), default="update",
                    help="update: replay, run provers on a miss, record (default); "
                         "replay: replay, run provers on a miss, record nothing; "
                         "none: run every prover")
    ap.add_argument("--no-cache", action="store_true", help="same as --cache none")
    ap.add_argument("--outcomes", default="", metavar="NS",
                    help="replay and record whole-target outcomes, failed ones included, "
                         "under outcomes/NS/ (seeded bugs, mutants)")
    args = ap.parse_args()
    mode = "none" if args.no_cache else args.cache
    root = os.path.abspath(args.root)
    targets = args.targets.split(",") if args.targets else list_targets()
    versions = tool_versions()
    provers = args.provers.split(",")
    unknown = [p for p in provers if p not in versions]
    if unknown:
        # the cache is keyed on the versions tool_versions() reads
        print("gate: unsupported prover: %s (the gate knows %s)"
              % (", ".join(unknown), ", ".join(t for t in versions if t not in ("frama-c", "why3"))),
              file=sys.stderr)
        return 2
    missing = [t for t in ["frama-c", "why3"] + provers if versions[t] == "missing"]
    if missing:
        print("gate: not installed: %s (bin/irpc-install-tools installs them)" % ", ".join(missing),
              file=sys.stderr)
        return 2
    cdir = cache_root(versions) if mode != "none" else None
    logs = args.logs or os.path.join(root, "build", "proofs")
    os.makedirs(logs, exist_ok=True)
    t0 = time.time()

    def one(t):
        res = run_target(t, root, cdir, os.path.join(logs, t), mode, versions, args.outcomes or None,
                         args.provers)
        if args.update_records and res["status"] in ("proved", "error") and not res["failed_goals"] \
                and res["goals"] > 0:
            with open(os.path.join(HERE, t, "expected_goals"), "w") as f:
                f.write("%d\n" % res["goals"])
            res = run_target(t, root, cdir, os.path.join(logs, t), mode, versions, None, args.provers)
        return res
    # targets side by side (each frama-c is one process for most of its
    # run: parsing, RTE, VC generation, Qed), the largest first (by recorded
    # goal count), so that the longest run does not start last and leave
    # the other processor idle; lines printed in target order
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = {t: pool.submit(one, t) for t in sorted(targets, key=lambda t: -(recorded_goals(t) or 0))}
        results = [futures[t].result() for t in targets]
    for res in results:
        print("wp %-22s %-8s %4d/%-4d goals %6.1fs%s" % (
            res["target"], res["status"], res["proved"], res["goals"], res["seconds"],
            "  (replayed: inputs unchanged)" if res["replayed"] else ""))
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
        frag = {"engines": [{k: r[k] for k in ("engine", "target", "status", "goals", "proved", "seconds",
                                               "replayed")}
                            for r in results],
                "rules": dict(unknown_rules, **proved_rules),
                "rule_notes": notes,
                "tool_versions": versions}
        with open(args.report, "w") as f:
            json.dump(frag, f, indent=1, sort_keys=True)
    ok = all(r["status"] == "proved" for r in results)
    print("wp: %d targets (%d replayed), %d goals, %d proved, %.1fs, %s"
          % (len(results), sum(1 for r in results if r["replayed"]),
             sum(r["goals"] for r in results), sum(r["proved"] for r in results),
             total, "all proved" if ok else "NOT ALL PROVED"))
    with open(os.path.join(logs, "gate.json"), "w") as f:
        json.dump(results, f, indent=1)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
