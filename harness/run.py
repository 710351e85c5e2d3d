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
           (EVA_TIMEOUT seconds per run, default 300) is "unknown".  A
           harness whose bounds.mk has EVA_SPLIT_SHAPES=n and/or
           EVA_SPLIT_MAX=m is several Eva runs (one per shape; one per
           prefix of choices with at most m explorer executions, through
           common/eva_split.c), EVA_JOBS at a time (default: processors),
           checked to cover the harness; EVA_SPLIT=off runs it whole

Writes DIR/harness.json and DIR/eva.json (engine fragments for
bin/irpc-report) and prints one line per run.  Exit 0 when every run
passed.
"""
import argparse, concurrent.futures, csv, glob, hashlib, json, os, re, shutil, subprocess, sys, time

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
             "-eva-slevel", "1000", "-eva-split-return", "full", "-eva-no-show-progress",
             "-kernel-warn-key", "annot-error=active"]

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


def rule_names():
    """Rule ids by number, in irpc_rules.def's order; the number after the
    last rule is IRPC_DEADLOCK."""
    text = open(os.path.join(ROOT, "src", "include", "irpc_rules.def")).read()
    return re.findall(r"^IRPC_RULE\((\w+),", text, re.M) + ["Deadlock"]


def harnesses():
    """Every folder with a bounds.mk and a harness: its own <name>_harness.c,
    or another folder's (SOURCE = <folder> in its bounds.mk: one more
    configuration of that harness, under its own name)."""
    out = []
    for d in sorted(os.listdir(HDIR)):
        if not os.path.isfile(os.path.join(HDIR, d, "bounds.mk")):
            continue
        src = source(d)
        if not os.path.isfile(os.path.join(HDIR, src, src + "_harness.c")):
            # a configuration that runs nothing must not pass unnoticed
            sys.exit("harness/run.py: harness/%s/bounds.mk: no harness/%s/%s_harness.c to run%s" %
                     (d, src, src, " (its SOURCE)" if src != d else ""))
        out.append(d)
    return out


SOURCE_LINE = re.compile(r"^\s*SOURCE\s*:?=\s*(\w+)\s*$")


def source(name):
    """The folder whose harness source `name` runs: SOURCE in its bounds.mk,
    or its own."""
    with open(os.path.join(HDIR, name, "bounds.mk")) as f:
        for line in f:
            m = SOURCE_LINE.match(line)
            if m:
                return m.group(1)
    return name


def bounds(name):
    b = {}
    with open(os.path.join(HDIR, name, "bounds.mk")) as f:
        for line in f:
            if SOURCE_LINE.match(line):
                continue
            m = re.match(r"^\s*(\w+)\s*\??=\s*(\S+)", line)
            if m:
                b[m.group(1)] = int(os.environ.get("%s_%s" % (name, m.group(1)), m.group(2)))
    # HARNESS_UPPER=<pattern number>: every upper layer takes that pattern
    # (harness_choose_stack; the mutant matrix focuses on a mutated driver)
    if os.environ.get("HARNESS_UPPER"):
        b["UPPER"] = int(os.environ["HARNESS_UPPER"])
    return b


def harness_file(name):
    src = source(name)
    return "harness/%s/%s_harness.c" % (src, src)


def extra_sources(name):
    """The harness's own sources besides <name>_harness.c (the compose
    harness's abstract device), in its source folder."""
    own = os.path.join(ROOT, harness_file(name))
    return sorted(os.path.relpath(f, ROOT) for f in glob.glob(os.path.join(HDIR, source(name), "*.c")) if f != own)


def includes(name):
    """INCLUDES, and the harness's own folder when it has sources of its own."""
    return INCLUDES + (["-Iharness/" + source(name)] if extra_sources(name) else [])


def bounds_json(b):
    """Bounds as reported: lower-case names; a harness without a DEPTH
    bound covers every depth by induction (compose: harness/README.md)."""
    j = {k.lower(): v for k, v in b.items()}
    j.setdefault("depth", "any")
    return j


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


def run_explore(exe_name, b, extra=(), name=None, args=()):
    name = name or exe_name
    exe = os.path.join(BUILD, exe_name)
    # the harness's own files see its bounds; the reference does not
    own = [harness_file(name), "harness/common/harness.c",
           "harness/common/explore.c", "harness/common/print.c"] + extra_sources(name) + list(extra)
    ref = ["src/irpc_print.c"] + CORE + DRIVERS
    objs = []
    for src, flags in [(f, CFLAGS + includes(name) + POOLS + defines(b)) for f in own] + \
                      [(f, CFLAGS + INCLUDES + POOLS) for f in ref]:
        obj, err = compile_obj(src, flags)
        if obj is None:
            return {"status": "error", "detail": err[-2000:], "seconds": 0, "executions": 0}, ""
        objs.append(obj)
    r = subprocess.run(["gcc"] + CFLAGS + objs + ["-o", exe], cwd=ROOT, capture_output=True, text=True)
    if r.returncode != 0:
        return {"status": "error", "detail": r.stderr[-2000:], "seconds": 0, "executions": 0}, ""
    t = time.time()
    r = subprocess.run([exe, "-q"] + list(args), cwd=ROOT, capture_output=True, text=True)
    secs = time.time() - t
    m = re.search(r"^RESULT (proved|violated)(?: (\w+))? executions (\d+)", r.stdout, re.M)
    if not m:
        return {"status": "error", "detail": (r.stdout + r.stderr)[-2000:], "seconds": secs, "executions": 0}, r.stdout
    res = {"status": m.group(1), "seconds": round(secs, 2), "executions": int(m.group(3))}
    if m.group(1) == "violated":
        res["rule"] = m.group(2)
    return res, r.stdout


# Eva analyses the reference's C code without its ACSL: a copy of src/
# whose annotations are blanked, beside a spec/ whose headers declare
# nothing.  The spec's predicates quantify over the whole state, which Eva
# cannot evaluate (they would stay "unknown" at every call); WP proves them
# and the runtime checker executes them, the loop invariants and proof
# hints of src/ with them.  Eva establishes what the harness states: no
# runtime error, every harness assertion valid, and no rule check of the
# reference (each IrpcReport is a harness assertion) reachable.  The C code
# is the same bytes, and because the annotations are gone from the copy,
# the records (eva_key) do not change when only an annotation does.  An
# annotation in harness/ that does not type-check is an error of the run
# (annot-error).
SPEC_STUB = ("/* written by harness/run.py: the Eva back end analyses the code without "
             "the ACSL spec (harness/README.md, Eva) */\n")
# what an ACSL annotation is: the runtime checker's generator's own pattern
sys.path.insert(0, os.path.join(ROOT, "proofs", "eacsl"))
from gen import ANNOT  # noqa: E402


def blank_annotation(m):
    """An ACSL comment as a plain comment holding only its line breaks, so
    the line numbers of the code stay those of src/."""
    text = m.group(0)
    if not text.startswith("/*"):
        return "//"
    # a line continued inside the comment (a macro's body) stays continued
    return "/*" + "".join("\\\n" if line.endswith("\\") else "\n"
                          for line in text.split("\n")[:-1]) + "*/"


def blank_annotations(src_dir):
    """Blanks every ACSL annotation of the .c and .h files under src_dir."""
    for base, _, names in os.walk(src_dir):
        for n in sorted(names):
            if not n.endswith((".c", ".h")):
                continue
            path = os.path.join(base, n)
            text = open(path).read()
            new_text = ANNOT.sub(blank_annotation, text)
            if new_text != text:
                with open(path, "w") as f:
                    f.write(new_text)


def tree_files(d):
    """{relative path: bytes} of every file under d."""
    out = {}
    for base, _, names in os.walk(d):
        for n in names:
            f = os.path.join(base, n)
            out[os.path.relpath(f, d)] = open(f, "rb").read()
    return out


def eva_tree():
    """Eva's copy of src/ (annotations blanked) and the spec stub, under
    build/harness/eva-tree.  Built aside and put in place only when it
    differs from the copy there: another run.py analysing the same sources
    (make verify beside make test) is not disturbed."""
    tree = os.path.join(BUILD, "eva-tree")
    new = "%s.new-%d" % (tree, os.getpid())
    shutil.rmtree(new, ignore_errors=True)
    shutil.copytree(os.path.join(ROOT, "src"), os.path.join(new, "src"))
    blank_annotations(os.path.join(new, "src"))
    os.makedirs(os.path.join(new, "spec"))
    # every header of spec/ (wdm_contracts.h, which irpc.h includes, and
    # walk.h, which irpc_internal.h includes) becomes the stub; spec/'s C
    # file (api_contracts.c, declarations with contracts, which no source
    # file includes) is not Eva's to read
    for name in sorted(n for n in os.listdir(os.path.join(ROOT, "spec")) if n.endswith(".h")):
        with open(os.path.join(new, "spec", name), "w") as f:
            f.write(SPEC_STUB)
    if os.path.isdir(tree) and tree_files(tree) == tree_files(new):
        shutil.rmtree(new)
    else:
        old = "%s.old-%d" % (tree, os.getpid())
        if os.path.isdir(tree):
            os.rename(tree, old)
        os.rename(new, tree)
        shutil.rmtree(old, ignore_errors=True)
    return os.path.relpath(tree, ROOT)


def eva_bounds(b):
    """The Eva bounds of a harness: its EVA_<VAR> entries as <VAR>, the
    explorer's value for the others."""
    eb = {k: v for k, v in b.items() if not k.startswith("EVA_")}
    for k, v in b.items():
        if k.startswith("EVA_"):
            eb[k[4:]] = v
    return eb


def explore_bounds(b):
    return {k: v for k, v in b.items() if not k.startswith("EVA_")}


# Eva's outcomes are recorded (HARNESS_EVA_CACHE, default harness/eva-cache/,
# committed) under a key of everything that decides them: Frama-C's version,
# the command line, and the content of every file the analysis can read (the
# harness file, harness/common/harness.c and eva.c, the headers of
# harness/common and harness/negative, the copy of src/ with its spec stub;
# the bounds are in the command line).  A record replays only for byte-identical inputs; any
# change runs Eva again.  EVA_CACHE=off runs Eva always, EVA_CACHE=record
# (the default) replays and records, EVA_CACHE=replay never writes.
_FRAMAC_VERSION = None


def framac_version():
    global _FRAMAC_VERSION
    if _FRAMAC_VERSION is None:
        try:
            _FRAMAC_VERSION = subprocess.run(["frama-c", "-version"], capture_output=True,
                                             text=True).stdout.strip()
        except OSError:
            _FRAMAC_VERSION = ""
    return _FRAMAC_VERSION


def eva_key(name, cmd, tree):
    h = hashlib.sha256()
    h.update(framac_version().encode() + b"\0" + "\0".join(cmd).encode())
    files = sorted([os.path.join(ROOT, harness_file(name)),
                    os.path.join(ROOT, "harness", "common", "harness.c"),
                    os.path.join(ROOT, "harness", "common", "eva.c")] +
                   [os.path.join(ROOT, f) for f in extra_sources(name)] +
                   [os.path.join(ROOT, f) for f in cmd if f == EVA_SPLIT_SOURCE] +
                   glob.glob(os.path.join(ROOT, "harness", source(name), "*.h")) +
                   glob.glob(os.path.join(ROOT, "harness", "common", "*.h")) +
                   glob.glob(os.path.join(ROOT, "harness", "negative", "*.h")) +
                   [f for f in glob.glob(os.path.join(ROOT, tree, "**"), recursive=True) if os.path.isfile(f)])
    copy = os.path.join(ROOT, tree) + os.sep
    for f in files:
        h.update(os.path.relpath(f, ROOT).encode() + b"\0")
        if f.startswith(copy) and f.endswith((".c", ".h")):
            h.update(c_tokens_text(open(f).read()).encode())
        else:
            h.update(open(f, "rb").read())
    return h.hexdigest()[:32]


C_LEXEME = re.compile(r'"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'|/\*.*?\*/|//[^\n]*|\s+|.', re.S)


def c_tokens_text(text):
    """The copy of a file of src/ as the key sees it: lines spliced, each
    comment one space, each run of blanks one space or one line break, the
    string and character literals as they are.  Two texts with the same
    result are the same C program but for the lines __LINE__ expands to,
    which the reference only stores and prints as a call's site (IRPC_AT,
    irpc_site_line) and never branches on; so an annotation added on a line
    of its own, blanked in the copy, does not change the key."""
    out, gap = [], ""
    for m in C_LEXEME.finditer(text.replace("\\\n", "")):
        lex = m.group(0)
        if lex.startswith("/*"):
            gap += " "
        elif lex.startswith("//"):
            pass
        elif lex.isspace():
            gap += lex
        else:
            if gap:
                out.append("\n" if "\n" in gap else " ")
                gap = ""
            out.append(lex)
    if gap:
        out.append("\n" if "\n" in gap else " ")
    return "".join(out)


def prune_eva_cache(directory, since):
    """Drop the Eva records in directory that no run replayed or wrote since
    `since` (a replay touches its record); called after a complete run.
    Returns the number dropped."""
    stale = [f for f in os.listdir(directory) if f.endswith(".json") and
             os.path.getmtime(os.path.join(directory, f)) < since] if os.path.isdir(directory) else []
    for f in stale:
        os.remove(os.path.join(directory, f))
    return len(stale)


EVA_SPLIT_SOURCE = "harness/common/eva_split.c"
# what eva_split.c reports of each choice it forces: position, range, value
PREFIX_REPORT = re.compile(r"Frama_C_show_each_prefix_choice: (.*)$", re.M)


def run_eva(name, b, tree, prefix=None, label=None):
    """Eva on harness `name` with bounds b; with a prefix (a list of
    choices), on the executions that begin with it (eva_split.c)."""
    mode = os.environ.get("EVA_CACHE", "record")
    cache = os.environ.get("HARNESS_EVA_CACHE") or os.path.join(HDIR, "eva-cache")
    incl = [i.replace("-Isrc", "-I" + tree + "/src") for i in includes(name)]
    back = "harness/common/eva.c"
    flags = defines(b)
    if prefix is not None:
        back = EVA_SPLIT_SOURCE
        # each value followed by a comma, escaped: Frama-C splits its list
        # options at a bare comma
        flags = flags + ["-DHARNESS_PREFIX_LEN=%d" % len(prefix),
                         "-DHARNESS_PREFIX=" + "".join("%d\\," % v for v in prefix)]
    srcs = [harness_file(name), "harness/common/harness.c", back] + extra_sources(name) + \
        [os.path.join(tree, f) for f in CORE + DRIVERS]
    cmd = ["frama-c", "-cpp-extra-args=" + " ".join(incl + POOLS + flags)] + srcs + EVA_FLAGS
    record = None
    if mode != "off" and framac_version():
        record = os.path.join(cache, "%s-%s.json" % (name, eva_key(name, cmd, tree)))
        if os.path.exists(record):
            try:
                res = json.load(open(record))
                res["replayed"] = True
                os.utime(record)
                return res
            except ValueError:
                pass
    res = run_eva_uncached(label or name, cmd, tree)
    if record and mode == "record" and res["status"] in ("proved", "violated", "unknown") and \
            not str(res.get("detail", "")).startswith("Eva did not finish"):
        os.makedirs(cache, exist_ok=True)
        with open(record + ".tmp", "w") as f:
            json.dump(res, f, indent=1, sort_keys=True)
        os.replace(record + ".tmp", record)
    return res


def eva_jobs():
    """How many Eva runs of a split harness run at once: EVA_JOBS, by
    default one per processor."""
    return max(1, int(os.environ.get("EVA_JOBS", "0")) or os.cpu_count() or 1)


def run_label(fields):
    """A run of a split harness as printed: "shape 3", "prefix 0 2",
    "shape 3 prefix 1"."""
    out = []
    if "shape" in fields:
        out.append("shape %d" % fields["shape"])
    if "prefix" in fields:
        out.append(" ".join(["prefix"] + [str(v) for v in fields["prefix"]]))
    return " ".join(out)


def combine_runs(runs):
    """One outcome of several Eva runs that together are the harness (its
    shapes, or the prefixes of its choices): (fields, outcome) each, the
    fields saying which part of the harness the run is (run_label)."""
    reached = sorted(set(i for _, r in runs for i in r.get("rule_ids_reached", [])))
    statuses = [r["status"] for _, r in runs]
    if reached or "violated" in statuses:
        status = "violated"
    elif "error" in statuses:
        status = "error"
    elif runs and all(st == "proved" for st in statuses):
        status = "proved"
    else:
        status = "unknown"
    res = {"status": status, "seconds": round(sum(r["seconds"] for _, r in runs), 1),
           "goals": sum(r["goals"] for _, r in runs), "proved": sum(r["proved"] for _, r in runs),
           "alarms": None if any(r.get("alarms") is None for _, r in runs) else sum(r["alarms"] for _, r in runs),
           "open": ["%s: %s" % (run_label(fd), o) for fd, r in runs for o in r.get("open", [])][:40],
           "runs": [dict(fd, status=r["status"], seconds=r["seconds"], replayed=bool(r.get("replayed")))
                    for fd, r in runs]}
    details = ["%s: %s" % (run_label(fd), r["detail"]) for fd, r in runs if r.get("detail")]
    if details:
        res["detail"] = "; ".join(details)
    if reached:
        res["rule_ids_reached"] = reached
    if runs and all(r.get("replayed") for _, r in runs):
        res["replayed"] = True
    return res


def prefix_coverage(reports):
    """Whether Eva's runs of a split harness cover all its executions, from
    what eva_split.c printed in each run: `reports` holds, per run, the
    prefix it was given and its (position, lo, hi, value) reports.  At each
    position a run reached, the runs that share the choices before it must
    take every value of the range Eva saw there, and see one range.
    Returns a list of problems (empty: covered)."""
    ranges, children, problems = {}, {}, []
    for prefix, reps in reports:
        taken = []
        for i, (pos, lo, hi, v) in enumerate(reps):
            if pos != i or v != prefix[i]:
                problems.append("prefix %s: report %d is choice %d = %d" % (prefix, i, pos, v))
                break
            node = tuple(taken)
            if ranges.setdefault(node, (lo, hi)) != (lo, hi):
                problems.append("choice %d after %s: ranges %s and %s" % (i, list(node), ranges[node], (lo, hi)))
            children.setdefault(node, set()).add(v)
            taken.append(v)
    if not reports:
        problems.append("no run")
    elif not ranges and len(reports) > 1:
        problems.append("the harness makes no choice, yet %d runs" % len(reports))
    for node, (lo, hi) in sorted(ranges.items()):
        missing = sorted(set(range(lo, hi + 1)) - children.get(node, set()))
        if missing:
            problems.append("after choices %s, values %s of [%d, %d] not run" % (list(node), missing, lo, hi))
    return problems


PREFIX_MAX = 20   # the longest prefix explorer_prefixes gives


def explorer_prefixes(name, eb, most):
    """The prefixes Eva runs the harness at bounds eb with, from the
    explorer's prefixes of PREFIX_MAX choices (-p) and their executions: a
    sequence of choices whose executions (pruned ones too) number at most
    `most` is one run, a longer one is split at its next choice (in the
    order explored).  Returns [(prefix, executions)] (None when the
    explorer failed), an error or None, and the explorer's outcome (its
    status and executions: the shapes' check in main reads them)."""
    exe = "%s-evabounds-prefixes" % name + ("-shape%d" % eb["SHAPE"] if "SHAPE" in eb else "")
    xres, out = run_explore(exe, eb, name=name, args=["-p", str(PREFIX_MAX)])
    if xres["status"] == "error":
        return None, xres.get("detail", "the explorer failed"), xres
    count, children = {}, {}
    for m in re.finditer(r"^PREFIX (\d+) (\d+)((?: -?\d+)*)$", out, re.M):
        p = tuple(int(v) for v in m.group(3).split())
        for k in range(len(p) + 1):
            count[p[:k]] = count.get(p[:k], 0) + int(m.group(1)) + int(m.group(2))
            if k < len(p) and p[:k + 1] not in children.setdefault(p[:k], []):
                children[p[:k]].append(p[:k + 1])
    if not count:
        return None, "the explorer listed no prefix", xres
    out_list = []

    def cut(node):
        if count[node] <= most or not children.get(node):
            out_list.append((list(node), count[node]))
        else:
            for c in children[node]:
                cut(c)
    cut(())
    return out_list, None, xres


def run_eva_split(name, eb, tree, shapes, most):
    """Eva on a harness split into runs: one per shape (compose's SHAPE
    bound: SHAPE=0 .. shapes-1) when shapes > 0, and, when most > 0,
    within each, one per prefix of choices with at most `most` executions
    (explorer_prefixes; eva_split.c forces the prefix and reports what it
    saw, prefix_coverage checks that the runs cover every execution).  The
    runs go EVA_JOBS at a time, each recorded on its own; summed into one
    outcome, with "seconds" the time of all runs and "wall" the elapsed.
    With shapes and a split, "explorer_shapes" holds the explorer's outcome
    of each shape, from the prefix listing (main's check of the shapes)."""
    groups = [{"shape": sh} for sh in range(shapes)] if shapes else [{}]
    jobs, problems, listed = [], [], []   # jobs: (group, fields, bounds)
    for g, gf in enumerate(groups):
        gb = dict(eb, SHAPE=gf["shape"]) if shapes else eb
        if not most:
            jobs.append((g, gf, gb))
            continue
        pre, err, xres = explorer_prefixes(name, gb, most)
        listed.append(xres)
        if err:
            problems.append("%s: %s" % (run_label(gf) or name, err))
            continue
        jobs += [(g, dict(gf, prefix=p), gb) for p, _ in pre]
    t = time.time()
    with concurrent.futures.ThreadPoolExecutor(max_workers=eva_jobs()) as pool:
        futs = [pool.submit(run_eva, name, gb, tree, fd.get("prefix"),
                            "%s-%s" % (name, re.sub(r"[^0-9a-z]+", "_", run_label(fd)).strip("_")) if fd else None)
                for _, fd, gb in jobs]
        runs = [(fd, f.result()) for (_, fd, _), f in zip(jobs, futs)]
    res = combine_runs(runs)
    res["wall"] = round(time.time() - t, 1)
    if most:
        for g, gf in enumerate(groups):
            reps = [(fd["prefix"], r.get("prefix_choices", [])) for (jg, fd, _), (_, r) in zip(jobs, runs)
                    if jg == g]
            problems += ["%s%s" % (run_label(gf) + ": " if gf else "", q) for q in prefix_coverage(reps)]
        res["prefixes"] = len(jobs)
        if shapes:
            res["explorer_shapes"] = listed
    if problems:
        res["status"] = "error"
        res["detail"] = "the runs do not cover the harness: " + "; ".join(problems[:10]) + \
            ("; " + res["detail"] if res.get("detail") else "")
    return res


def run_eva_uncached(name, cmd, tree):
    timeout = float(os.environ.get("EVA_TIMEOUT", "300"))
    csv_path = os.path.join(BUILD, name + ".eva.csv")
    log_path = os.path.join(BUILD, name + ".eva.log")
    if os.path.exists(csv_path):
        os.remove(csv_path)
    cmd = cmd + ["-then", "-report-csv", csv_path]
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
    dropped = re.findall(r"^\[kernel:annot-error\] ([^:]+):(\d+): Warning", log, re.M)
    bad = sorted(set("%s:%s" % d for d in dropped if not d[0].startswith(tree)))
    if bad:
        return {"status": "error", "detail": "annotations outside the code under test do not type-check: " +
                ", ".join(bad), "seconds": round(secs, 1), "goals": 0, "proved": 0}
    # Every property counts: Eva's alarms, the harness assertions and the
    # annotations of src/ that Eva reads; "Considered valid" is the libc's
    # specification, "Dead" unreachable.
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
    reached = sorted(set(int(v) for v in re.findall(r"Frama_C_show_each_violated_rule: \{([0-9]+)\}", log)))
    # eva_split.c's forced choices, each with one value per argument (a
    # set would mean the prefix did not decide the path: not covered)
    forced = []
    for m in PREFIX_REPORT.finditer(log):
        vals = [re.fullmatch(r"\{(-?\d+)\}", a.strip()) for a in m.group(1).split(",")]
        if len(vals) != 4 or not all(vals):
            forced.append([-1, 0, -1, -1])   # prefix_coverage reports it
        else:
            forced.append([int(v.group(1)) for v in vals])
    if reached:
        status = "violated"
    elif goals > 0 and proved == goals:
        status = "proved"
    else:
        status = "unknown"
    res = {"status": status, "seconds": round(secs, 1), "goals": goals, "proved": proved,
           "alarms": alarms, "open": open_props[:40]}
    if EVA_SPLIT_SOURCE in cmd:
        res["prefix_choices"] = forced
    if reached:
        res["rule_ids_reached"] = reached
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--engines", default="explore,eva")
    ap.add_argument("--report", default=os.path.join(ROOT, "build", "report", "engines"))
    ap.add_argument("names", nargs="*")
    args = ap.parse_args()
    engines = args.engines.split(",")
    names = args.names or harnesses()
    width = max(len(n) for n in names)   # the names' column in the lines printed
    os.makedirs(BUILD, exist_ok=True)
    t0 = time.time()
    h_entries, e_entries, ok = [], [], True
    tree = eva_tree() if "eva" in engines else None
    names_by_id = rule_names()
    for name in names:
        b = bounds(name)
        xb = explore_bounds(b)
        bj = bounds_json(xb)
        if "explore" in engines:
            res, out = run_explore(name, xb)
            ent = {"engine": "harness", "target": name, "status": res["status"],
                   "goals": 1, "proved": 1 if res["status"] == "proved" else 0,
                   "seconds": res["seconds"], "bounds": bj, "executions": res["executions"]}
            if "rule" in res:
                ent["violated_rule"] = res["rule"]
            h_entries.append(ent)
            print("harness  %-*s %-8s executions %-8d %6.2f s  bounds %s" %
                  (width, name, res["status"], res["executions"], res["seconds"], json.dumps(bj)))
            if res["status"] != "proved":
                print(out or res.get("detail", ""))
                ok = False
        if "eva" in engines:
            eb = eva_bounds(b)
            shapes = eb.pop("SPLIT_SHAPES", 0)
            most = eb.pop("SPLIT_MAX", 0)
            if os.environ.get("EVA_SPLIT") == "off":
                shapes = most = 0
            ej = bounds_json(eb)
            if shapes:
                ej["shape"] = "each of 0..%d, one Eva run per shape" % (shapes - 1)
            if most:
                ej["split"] = "one Eva run per prefix of choices with at most %d executions" % most
            if shapes or most:
                res = run_eva_split(name, eb, tree, shapes, most)
            else:
                res = run_eva(name, eb, tree)
            rules = [names_by_id[i] if 0 <= i < len(names_by_id) else str(i)
                     for i in res.get("rule_ids_reached", [])]
            ent = {"engine": "eva", "target": name, "status": res["status"], "goals": res["goals"],
                   "proved": res["proved"], "seconds": res["seconds"], "bounds": ej, "executions": None,
                   "alarms": res.get("alarms")}
            if rules:
                ent["violated_rules"] = rules
            if res.get("detail"):
                ent["detail"] = res["detail"][-500:]
            if res.get("open"):
                ent["open_properties"] = res["open"]
            # the explorer at Eva's bounds: the two back ends must agree
            xres, xout = run_explore(name + "-evabounds", eb, name=name)
            ent["explorer_at_these_bounds"] = {"status": xres["status"], "executions": xres["executions"],
                                               "rule": xres.get("rule")}
            covered = True
            if shapes:
                # the shapes Eva ran one by one must be the harness: the
                # explorer's runs of each shape add up to its run of all
                # (the prefix listing ran them already when the shapes are split)
                parts = res.pop("explorer_shapes", None) or \
                    [run_explore("%s-evabounds-shape%d" % (name, sh), dict(eb, SHAPE=sh), name=name)[0]
                     for sh in range(shapes)]
                covered = sum(p["executions"] for p in parts) == xres["executions"] and \
                    all(p["status"] == "proved" for p in parts) == (xres["status"] == "proved")
                ent["explorer_at_these_bounds"]["executions_per_shape"] = [p["executions"] for p in parts]
                ent["shapes_cover_the_harness"] = covered
                if not covered:
                    print("         %-*s the %d shapes Eva ran do not add up to the harness "
                          "(explorer: %d executions in all, %s shape by shape)" %
                          (width, name, shapes, xres["executions"], [p["executions"] for p in parts]))
            # agreement: Eva proves the harness exactly when the explorer does
            # (Eva proving what the explorer refutes would be unsound, the
            # converse a false alarm); when both refute it, Eva may stop at
            # another property first (an alarm: a runtime error)
            same = (res["status"] == "proved") == (xres["status"] == "proved") and \
                res["status"] != "error" and xres["status"] != "error" and covered
            ent["agrees_with_explorer"] = same
            e_entries.append(ent)
            if res.get("replayed"):
                ent["replayed"] = True
            if res.get("runs"):
                ent["runs"] = res["runs"]
            for k in ("wall", "prefixes"):
                if k in res:
                    ent[k] = res[k]
            print("eva      %-*s %-8s %s/%s valid, alarms %s  %6.1f s%s%s  bounds %s%s%s" %
                  (width, name, res["status"], res["proved"], res["goals"], res.get("alarms"), res["seconds"],
                   " (%d runs, %.1f s wall)" % (len(res["runs"]), res["wall"]) if "wall" in res else "",
                   " (replayed)" if res.get("replayed") else "",
                   json.dumps(ej), ("  rules " + " ".join(rules)) if rules else "",
                   ("  (" + res["detail"] + ")") if res.get("detail") else ""))
            print("         %-*s explorer at the same bounds: %s, %d executions%s" %
                  (width, name, xres["status"], xres["executions"],
                   "" if same else "  DISAGREES with Eva" if covered else "  NOT what Eva ran (shapes)"))
            if res["status"] != "proved" or not same:
                for o in res.get("open", [])[:10]:
                    print("           open: " + o)
                ok = False
    # The explorer enumerates every choice of a bounded harness: when all its
    # runs pass, the rules hold for every configuration within the bounds.
    # Eva covers the same choices soundly at its own (smaller) bounds.
    explored = [e for e in h_entries]
    if any(e["status"] == "violated" for e in explored):
        rule_status = "violated"
    elif explored and all(e["status"] == "proved" for e in explored):
        rule_status = "proved"
    else:
        rule_status = "unknown"
    # a run of every harness at the default bounds drops the Eva records it
    # did not use (the default cache only; overrides record elsewhere too)
    if "eva" in engines and not args.names and os.environ.get("EVA_CACHE", "record") == "record" and \
            not os.environ.get("HARNESS_EVA_CACHE") and not os.environ.get("HARNESS_UPPER") and \
            not any(k.split("_")[0] in names for k in os.environ if "_" in k) and \
            all(e["status"] != "error" for e in e_entries):
        prune_eva_cache(os.path.join(HDIR, "eva-cache"), t0)
    os.makedirs(args.report, exist_ok=True)
    if h_entries:
        eva_note = "; Eva at smaller bounds: " + ", ".join(
            "%s %s %s" % (e["target"], json.dumps(e["bounds"]), e["status"]) for e in e_entries) \
            if e_entries else ""
        notes = {r: "system harnesses (native exhaustive explorer), within the bounds %s%s" %
                    (", ".join("%s %s" % (e["target"], json.dumps(e["bounds"])) for e in h_entries), eva_note)
                 for r in RULES}
        with open(os.path.join(args.report, "harness.json"), "w") as f:
            json.dump({"engines": h_entries, "rules": {r: rule_status for r in RULES},
                       "rule_notes": notes}, f, indent=1)
    if e_entries:
        # Eva establishes the same rules as the explorer, at its own bounds,
        # when it proves every harness and agrees with the explorer there
        if all(e["status"] == "proved" and e["agrees_with_explorer"] for e in e_entries):
            eva_status = "proved"
        elif any(e["status"] == "violated" for e in e_entries):
            eva_status = "violated"
        else:
            eva_status = "unknown"
        eva_notes = {r: "system harnesses under Frama-C Eva (the code without its ACSL spec), within the "
                        "bounds %s" % ", ".join("%s %s" % (e["target"], json.dumps(e["bounds"]))
                                                for e in e_entries)
                     for r in RULES}
        with open(os.path.join(args.report, "eva.json"), "w") as f:
            json.dump({"engines": e_entries, "rules": {r: eva_status for r in RULES},
                       "rule_notes": eva_notes}, f, indent=1)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
