#!/usr/bin/env python3
"""proofs/cost.py - where the provers' time goes, read from the per-goal
cache (proofs/cache/<V>/goals/<target>/*.json).

WP writes one file per prover task of a target's last run that ran the
provers (gate.py runs WP with FRAMAC_WP_CACHE=cleanup, which also removes
the tasks that run no longer had), with the prover's verdict and seconds:
the goals proved, and the smoke tests (-wp-smoke-tests), which pass when the
prover does NOT prove them, either by answering "unknown" or by running to
WP's smoke-test time limit (-wp-smoke-timeout, 2 s).  Goals Qed proves
without a prover have no file.  This reads nothing else and runs nothing.

Prints, per target: prover tasks, the seconds of the goals proved and of
the smoke tests that ran to their limit, the slowest goal proved against
the target's time limit (target.conf's -wp-timeout; the cache does not
name goals, so a goal of a function with its own -wp-fct-timeout is shown
against both), and
the goals proved that used more than MARGIN (default 0.5) of it: goals a
replayed run cannot show creeping toward their limit.  The seconds are
those of the run that recorded each task, on whatever load it had.

    python3 proofs/cost.py [--margin 0.5] [--cache DIR]
"""
import argparse, glob, os, sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gate  # noqa: E402  (its readers of target.conf and of a cached goal, its default time limit, its cache key)


def target_timeout(target):
    """The target's -wp-timeout (gate.py's default, gate.TIMEOUT, unless its
    target.conf FLAGS set one) and the highest -wp-fct-timeout it gives a
    function (or 0), read with gate.py's own reader of target.conf."""
    conf = os.path.join(HERE, target, "target.conf")
    t, fct = float(gate.TIMEOUT), 0.0
    if os.path.isfile(conf):
        flags = gate.read_conf(conf).get("FLAGS", "").split()
        for i, flag in enumerate(flags[:-1]):
            if flag == "-wp-timeout":
                t = float(flags[i + 1])
            elif flag == "-wp-fct-timeout":
                for item in flags[i + 1].split(","):
                    fct = max(fct, float(item.rsplit(":", 1)[1]))
    return t, fct


def read_tasks(directory):
    return [gate.goal_record(f) for f in glob.glob(os.path.join(directory, "*.json"))]


def main():
    ap = argparse.ArgumentParser(description="where the provers' time goes (per-goal cache)")
    ap.add_argument("--cache", help="the goals/ folder (default: the one of the installed tools' "
                    "versions if there is one, else the only one under proofs/cache/)")
    ap.add_argument("--margin", type=float, default=0.5)
    args = ap.parse_args()
    gdir = args.cache
    if gdir is None:
        found = sorted(glob.glob(os.path.join(HERE, "cache", "*", "goals")))
        if not found:
            print("cost: no per-goal cache under proofs/cache/ (run make proofs)", file=sys.stderr)
            return 2
        if len(found) > 1:
            # the installed tools' folder, named as gate.py names it (without
            # creating it: this script writes nothing)
            gdir = os.path.join(HERE, "cache", gate.cache_key(gate.tool_versions()), "goals")
        else:
            gdir = found[0]
    if not os.path.isdir(gdir):
        print("cost: %s: no such folder" % gdir, file=sys.stderr)
        return 2
    rows, near = [], []
    tot = {"tasks": 0, "valid": 0, "vs": 0.0, "smoke_to": 0, "ts": 0.0, "other": 0, "os": 0.0}
    for target in sorted(os.listdir(gdir)):
        tasks = read_tasks(os.path.join(gdir, target))
        limit, fct = target_timeout(target)
        valid = [s for v, s in tasks if v == "valid"]
        timeouts = [s for v, s in tasks if v == "timeout"]
        other = [s for v, s in tasks if v not in ("valid", "timeout")]
        slow = max(valid) if valid else 0.0
        near += [(s, limit, fct, target) for s in valid if s > args.margin * limit]
        rows.append((target, len(tasks), len(valid), sum(valid), len(timeouts), sum(timeouts),
                     len(other), slow, limit, fct))
        for k, v in (("tasks", len(tasks)), ("valid", len(valid)), ("vs", sum(valid)),
                     ("smoke_to", len(timeouts)), ("ts", sum(timeouts)), ("other", len(other)),
                     ("os", sum(other))):
            tot[k] += v
    print("%-18s %6s %14s %22s %8s %16s" % ("target", "tasks", "proved (s)", "smoke, at limit (s)",
                                           "unknown", "slowest / limit"))
    for t, n, nv, sv, nt, st, no, slow, limit, fct in rows:
        print("%-18s %6d %5d %8.1f %10d %11.1f %8d %7.1f / %4.0f s%s" % (
            t, n, nv, sv, nt, st, no, slow, limit, " (one function %.0f s)" % fct if fct else ""))
    all_s = tot["vs"] + tot["ts"] + tot["os"]
    print("%-18s %6d %5d %8.1f %10d %11.1f %8d" % ("total", tot["tasks"], tot["valid"], tot["vs"],
                                                   tot["smoke_to"], tot["ts"], tot["other"]))
    if all_s > 0:
        print("prover seconds: %.0f; goals proved %.0f %%, smoke tests that ran to their limit %.0f %%"
              % (all_s, 100 * tot["vs"] / all_s, 100 * tot["ts"] / all_s))
    print("goals proved in more than %.0f %% of their target's limit: %d" % (100 * args.margin, len(near)))
    for s, limit, fct, t in sorted(near, reverse=True):
        print("  %-18s %5.1f s of %.0f s%s" % (t, s, limit, " (or of %.0f s, if it is the function "
                                                         "with its own limit)" % fct if fct else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
