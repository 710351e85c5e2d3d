#!/usr/bin/env bash
# engines/e-acsl.sh TREE - the `e-acsl` engine of the mutant kill matrix:
# the runtime checker generated from the ACSL spec (proofs/eacsl/, the one
# `make runtime-check` runs), built from TREE's src/ and spec/, run over
# tests/mutants/scenarios.c in continue mode.  Prints the name of every
# contract clause that was false at run time (the clause names are the rule
# ids; a clause named otherwise, such as `frame_kept`, is printed as it is
# and counts as "other").  Clauses of IrpcReport are the reference's own
# checks relayed, not the contract's: not printed.
#
# Scope: the stacks containing the mutated sample driver, to depth 3; all
# stacks to depth 2 for a mutant of the lowest driver, the I/O manager or
# the kernel services (the instrumented scenarios run about 30 times slower
# than plain ones).  Exit 77 when Frama-C is not installed.
#
# Outcomes are recorded (tests/mutants/eacsl-cache/<mutant>.txt, committed)
# under a key of everything that decides them: Frama-C's and gcc's versions,
# this script, proofs/eacsl/'s build files, the scenario program and the test headers, and
# every file of TREE's src/ and spec/ (the mutant's patch included).  A
# record replays only for byte-identical inputs; any change runs the
# checker again.  MUTANTS_EACSL_CACHE=off runs always, =record (the
# default) replays and records, =replay never writes.
set -u
tree=$(cd "${1:?usage: e-acsl.sh TREE}" && pwd) || exit 2
here=$(cd "$(dirname "$0")/../../.." && pwd)
command -v frama-c >/dev/null || { echo "e-acsl: frama-c not installed (make tools)" >&2; exit 77; }
out="$tree/build/mutant-engines/e-acsl"
mkdir -p "$out"

focus=all depth=2
file=$(sed -n 's/^# file: *//p' "$tree/.mutant.patch" 2>/dev/null | head -1)
case "$file" in
  src/drivers/*.c)
    d=$(basename "$file" .c)
    case "$d" in common|lowest) ;; *) focus=$d depth=3 ;; esac ;;
esac

mode=${MUTANTS_EACSL_CACHE:-record}
record="$here/tests/mutants/eacsl-cache/$(basename "$tree").txt"
key=$(python3 - "$tree" "$here" "$focus" "$depth" <<'PY'
import glob, hashlib, os, subprocess, sys
tree, here, focus, depth = sys.argv[1:]
h = hashlib.sha256()
for cmd in (["frama-c", "-version"], ["gcc", "--version"]):
    h.update(subprocess.run(cmd, capture_output=True, text=True).stdout.encode() + b"\0")
h.update(("%s\0%s\0" % (focus, depth)).encode())
files = [os.path.join(here, "tests", "mutants", "engines", "e-acsl.sh"),
         os.path.join(here, "tests", "mutants", "scenarios.c")]
files += [os.path.join(here, "proofs", "eacsl", f) for f in ("build.sh", "gen.py", "entry.c", "report.c")]
files += glob.glob(os.path.join(here, "tests", "*.h"))
for d in ("src", "spec"):
    files += [f for f in glob.glob(os.path.join(tree, d, "**"), recursive=True) if os.path.isfile(f)]
patch = os.path.join(tree, ".mutant.patch")
if os.path.isfile(patch):
    files.append(patch)
for f in sorted(files):
    base = tree if f.startswith(tree + os.sep) else here
    h.update(os.path.relpath(f, base).encode() + b"\0" + open(f, "rb").read())
print(h.hexdigest()[:32])
PY
) || { echo "e-acsl: could not compute the record key" >&2; exit 2; }
if [ "$mode" != off ] && [ -f "$record" ] && [ "$(head -1 "$record")" = "key $key" ]; then
  tail -n +2 "$record"
  exit 0
fi

if ! bash "$here/proofs/eacsl/build.sh" --tree "$tree" --out "$out" --programs scenarios \
       > "$out/build.log" 2>&1; then
  echo "e-acsl: the runtime checker did not build (see $out/build.log)" >&2
  tail -20 "$out/build.log" >&2
  exit 2
fi
IRPC_EACSL_CONTINUE=first timeout 900 "$out/scenarios" --focus "$focus" --max-depth "$depth" \
  > "$out/run.txt" 2> "$out/run.err"
rc=$?
if [ $rc -ne 0 ]; then
  echo "e-acsl: scenarios exited $rc (see $out/run.err)" >&2
  exit 2
fi
sed -n -E 's/^EACSL ([^ ]+) .*/\1/p' "$out/run.txt" | grep -v '^reference:' |
  sed 's/[^A-Za-z0-9_-]/_/g' | sort -u > "$out/found.txt"
if [ "$mode" = record ]; then
  mkdir -p "$(dirname "$record")"
  { echo "key $key"; cat "$out/found.txt"; } > "$record.$$" && mv -f "$record.$$" "$record"
fi
cat "$out/found.txt"
exit 0
