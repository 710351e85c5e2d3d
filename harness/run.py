#!/usr/bin/env python3
"""harness/run.py - builds and runs the harnesses in both back ends.

  python3 harness/run.py [--engines explore,eva] [--report DIR] [NAME ...]

For each harness (a folder harness/<name>/ with <name>_harness.c and
bounds.mk): the bounds come from bounds.mk (`VAR ?= value`), overridden by
the environment variable <name>_<VAR>; each becomes -DHARNESS_<VAR>=value.

  explore  gcc -fsanitize=address,undefined, the native exhaustive
           explorer (common/explore.c); passes when every execution ran
           without a violation
  eva      frama-c -eva with common/eva.c; passes only when Eva's report
           (-report-csv) has no alarm and every assertion valid; a timeout
           (EVA_TIMEOUT seconds, default 20) is "unknown"

Writes DIR/harness.json and DIR/eva.json (engine fragments for
bin/irpc-report) and prints one line per run.  Exit 0 when every run
passed.
"""
import argparse, csv, glob, hashlib, json, os, re, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HDIR = os.path.join(ROOT, "harness")
BUILD = os.path.join(ROOT, "build", "harness")
CORE = ["src/irpc_core.c", "src/iomgr.c", "src/ke.c"]
DRIVERS = sorted(os.path.relpath(p, ROOT) for p in glob.glob(os.path.join(ROOT, "src/drivers/*.c")))
INCLUDES = ["-Isrc/include", "-Isrc", "-Isrc/drivers", "-Iharness/common", "-Iharness/negative"]
POOLS = ["-DIRPC_MAX_IRPS=16"]   # pool size: three requests of four IRPs each
CFLAGS = ["-std=c11", "-Wall", "-Wextra", "-Werror", "-g", "-O1",
          "-fsanitize=address,undefined", "-fno-sanitize-recover=all", "-fno-omit-frame-pointer"]
EVA_FLAGS = ["-machdep", "gcc_x86_64", "-eva", "-eva-unroll-recursive-calls", "20",
             "-eva-slevel", "1000", "-eva-split-return", "full", "-eva-no-show-progress"]

# Rules a passing system harness establishes within its bounds: every rule
# whose check lies on the paths the sample drivers take.  Not listed:
# IoBuildSynchronousFsdRequestNoFree (no sample builds such an IRP).
RULES = ["DoubleCompletion", "CompleteRequest", "IrpAccessAfterRelease", "IrpProcessingComplete",
         "CleanupCompletesQueued", "OriginatorNotifiedOnce", "MarkIrpPending", "MarkIrpPending2",
         "PendedCompletedRequest", "LowerDriverReturn", "StatusMismatch", "CompleteRequestStatusCheck",
         "CompletionRoutinePending", "CompletionEventChecking", "MarkingQueuedIrps",
         "PendingReturnedConsistency", "IoAllocateForward", "IoAllocateComplete", "AllocatedIrpMustStop",
         "IoAllocateFree", "IoBuildDeviceControlNoFree", "IoBuildDeviceControlWait",
         "IoBuildDeviceIoControlSetEvent", "AllocatedIrpLeak", "SpinLockSafe",
         "CompleteWithCancelRoutine", "NoNextStackLocation", "CompletionIrql", "CompletionPriorityBoost"]


def harnesses():
    out = []
    for d in sorted(os.listdir(HDIR)):
        if os.path.isfile(os.path.join(HDIR, d, d + "_harness.c")) and \
           os.path.isfile(os.path.join(HDIR, d, "bounds.mk")):
            out.append(d)
    return out


def bounds(name):
    b = {}
    with open(os.path.join(HDIR, name, "bounds.mk")) as f:
        for line in f:
            m = re.match(r"^\s*(\w+)\s*\??=\s*(\S+)", line)
            if m:
                b[m.group(1)] = int(os.environ.get("%s_%s" % (name, m.group(1)), m.group(2)))
    return b


def defines(b):
    return ["-DHARNESS_%s=%d" % (k, v) for k, v in sorted(b.items())]


# Objects are cached by content: the compiler flags, the source and every
# header the harnesses can include.  HARNESS_OBJCACHE names a cache shared
# by several trees (the mutant matrix sets it); by default build/harness/obj.
_HEADERS = None


def headers_digest():
    global _HEADERS
    if _HEADERS is None:
        h = hashlib.sha1()
        for d in ("src/include", "src", "src/drivers", "spec", "harness/common", "harness/negative"):
            for f in sorted(glob.glob(os.path.join(ROOT, d, "*.h")) + glob.glob(os.path.join(ROOT, d, "*.def"))):
                h.update(os.path.relpath(f, ROOT).encode())
                h.update(open(f, "rb").read())
        _HEADERS = h.hexdigest()
    return _HEADERS


def compile_obj(src, flags):
    """The object of src (relative to ROOT) built with flags; None and the
    compiler's message when it does not compile."""
    cache = os.environ.get("HARNESS_OBJCACHE") or os.path.join(BUILD, "obj")
    os.makedirs(cache, exist_ok=True)
    h = hashlib.sha1(("\0".join(flags) + "\0" + headers_digest()).encode())
    h.update(open(os.path.join(ROOT, src), "rb").read())
    obj = os.path.join(cache, "%s-%s.o" % (os.path.basename(src)[:-2], h.hexdigest()[:20]))
    if os.path.exists(obj):
        return obj, ""
    tmp = "%s.%d" % (obj, os.getpid())
    r = subprocess.run(["gcc"] + flags + ["-c", src, "-o", tmp], cwd=ROOT, capture_output=True, text=True)
    if r.returncode != 0:
        return None, r.stderr
    os.replace(tmp, obj)
    return obj, ""


def run_explore(name, b, extra=()):
    exe = os.path.join(BUILD, name)
    # the harness's own files see its bounds; the reference does not
    own = ["harness/%s/%s_harness.c" % (name, name), "harness/common/harness.c",
           "harness/common/explore.c", "harness/common/print.c"] + list(extra)
    ref = ["src/irpc_print.c"] + CORE + DRIVERS
    objs = []
    for src, flags in [(f, CFLAGS + INCLUDES + POOLS + defines(b)) for f in own] + \
                      [(f, CFLAGS + INCLUDES + POOLS) for f in ref]:
        obj, err = compile_obj(src, flags)
        if obj is None:
            return {"status": "error", "detail": err[-2000:], "seconds": 0, "executions": 0}, ""
        objs.append(obj)
    r = subprocess.run(["gcc"] + CFLAGS + objs + ["-o", exe], cwd=ROOT, capture_output=True, text=True)
    if r.returncode != 0:
        return {"status": "error", "detail": r.stderr[-2000:], "seconds": 0, "executions": 0}, ""
    t = time.time()
    r = subprocess.run([exe, "-q"], cwd=ROOT, capture_output=True, text=True)
    secs = time.time() - t
    m = re.search(r"^RESULT (proved|violated)(?: (\w+))? executions (\d+)", r.stdout, re.M)
    if not m:
        return {"status": "error", "detail": (r.stdout + r.stderr)[-2000:], "seconds": secs, "executions": 0}, r.stdout
    res = {"status": m.group(1), "seconds": round(secs, 2), "executions": int(m.group(3))}
    if m.group(1) == "violated":
        res["rule"] = m.group(2)
    return res, r.stdout


def run_eva(name, b):
    timeout = float(os.environ.get("EVA_TIMEOUT", "20"))
    csv_path = os.path.join(BUILD, name + ".eva.csv")
    log_path = os.path.join(BUILD, name + ".eva.log")
    if os.path.exists(csv_path):
        os.remove(csv_path)
    srcs = ["harness/%s/%s_harness.c" % (name, name), "harness/common/harness.c",
            "harness/common/eva.c"] + CORE + DRIVERS
    cmd = ["frama-c", "-cpp-extra-args=" + " ".join(INCLUDES + POOLS + defines(b))] + srcs + EVA_FLAGS + \
          ["-then", "-report-csv", csv_path]
    t = time.time()
    try:
        r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
        log = r.stdout + r.stderr
    except subprocess.TimeoutExpired as e:
        log = (e.stdout or b"").decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
        with open(log_path, "w") as f:
            f.write(log)
        return {"status": "unknown", "detail": "Eva did not finish in %g s" % timeout,
                "seconds": round(time.time() - t, 1), "goals": 0, "proved": 0, "alarms": None}
    secs = time.time() - t
    with open(log_path, "w") as f:
        f.write(log)
    if not os.path.exists(csv_path):
        return {"status": "error", "detail": "frama-c exited %d without a report: %s" % (r.returncode, log[-1500:]),
                "seconds": round(secs, 1), "goals": 0, "proved": 0}
    # Every property of the project's code (src/, spec/, harness/) counts:
    # Eva's own alarms, the contracts it checks at each call (it reports
    # an unproved precondition as an alarm), and the harness assertions.
    # "Considered valid" is the libc's specification, "Dead" unreachable.
    goals = proved = alarms = 0
    open_props = []
    with open(csv_path) as f:
        for row in csv.DictReader(f, delimiter="\t"):
            status = row.get("status", "").strip()
            if status == "Considered valid" or row.get("directory", "").startswith("FRAMAC_SHARE"):
                continue
            goals += 1
            if status in ("Valid", "Dead"):
                proved += 1
                continue
            prop = row.get("property", "")
            open_props.append("%s:%s %s: %s [%s]" % (row.get("file"), row.get("line"),
                                                   row.get("property kind"), prop[:80], status))
            if "harness_check" not in prop and "ok \u2262 0" not in prop:
                alarms += 1
    violated = sorted(set(re.findall(r"Frama_C_show_each_violated_rule: \{([0-9]+)\}", log)))
    status = "proved" if goals > 0 and proved == goals else "unknown"
    res = {"status": status, "seconds": round(secs, 1), "goals": goals, "proved": proved,
           "alarms": alarms, "open": open_props[:40]}
    if violated:
        res["rule_ids_reached"] = [int(v) for v in violated]
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--engines", default="explore,eva")
    ap.add_argument("--report", default=os.path.join(ROOT, "build", "report", "engines"))
    ap.add_argument("names", nargs="*")
    args = ap.parse_args()
    engines = args.engines.split(",")
    names = args.names or harnesses()
    os.makedirs(BUILD, exist_ok=True)
    h_entries, e_entries, ok = [], [], True
    all_passed = True
    for name in names:
        b = bounds(name)
        bj = {k.lower(): v for k, v in b.items()}
        if "explore" in engines:
            res, out = run_explore(name, b)
            ent = {"engine": "harness", "target": name, "status": res["status"],
                   "goals": 1, "proved": 1 if res["status"] == "proved" else 0,
                   "seconds": res["seconds"], "bounds": bj, "executions": res["executions"]}
            if "rule" in res:
                ent["violated_rule"] = res["rule"]
            h_entries.append(ent)
            print("harness  %-10s %-8s executions %-8d %6.2f s  bounds %s" %
                  (name, res["status"], res["executions"], res["seconds"], json.dumps(bj)))
            if res["status"] != "proved":
                print(out or res.get("detail", ""))
                ok = all_passed = False
        if "eva" in engines:
            res = run_eva(name, b)
            ent = {"engine": "eva", "target": name, "status": res["status"], "goals": res["goals"],
                   "proved": res["proved"], "seconds": res["seconds"], "bounds": bj, "executions": None,
                   "alarms": res.get("alarms")}
            if res.get("detail"):
                ent["detail"] = res["detail"][-500:]
            if res.get("open"):
                ent["open_properties"] = res["open"]
            e_entries.append(ent)
            print("eva      %-10s %-8s %s/%s valid, alarms %s  %6.1f s  bounds %s%s" %
                  (name, res["status"], res["proved"], res["goals"], res.get("alarms"), res["seconds"],
                   json.dumps(bj), ("  (" + res["detail"] + ")") if res.get("detail") and res["status"] != "error" else ""))
            if res["status"] != "proved":
                ok = all_passed = False
    # The explorer enumerates every choice of a bounded harness: when all its
    # runs pass, the rules hold for every configuration within the bounds.
    # Eva is the second, independent back end; it does not pass yet (see
    # harness/README.md), so it is reported in eva.json and `make harness-eva`,
    # not counted here.
    explored = [e for e in h_entries]
    if any(e["status"] == "violated" for e in explored):
        rule_status = "violated"
    elif explored and all(e["status"] == "proved" for e in explored):
        rule_status = "proved"
    else:
        rule_status = "unknown"
    os.makedirs(args.report, exist_ok=True)
    if h_entries:
        notes = {r: "system harnesses (native exhaustive explorer), within the bounds %s; "
                    "Eva does not yet agree (harness/README.md)" %
                    ", ".join("%s %s" % (e["target"], json.dumps(e["bounds"])) for e in h_entries)
                 for r in RULES}
        with open(os.path.join(args.report, "harness.json"), "w") as f:
            json.dump({"engines": h_entries, "rules": {r: rule_status for r in RULES},
                       "rule_notes": notes}, f, indent=1)
    if e_entries:
        with open(os.path.join(args.report, "eva.json"), "w") as f:
            json.dump({"engines": e_entries}, f, indent=1)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
