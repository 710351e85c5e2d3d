#!/usr/bin/env bash
# proofs/eacsl/build.sh - builds the runtime checker: the reference I/O
# manager, kernel services and sample drivers of a tree, instrumented by
# E-ACSL from the ACSL of spec/ (and the annotations in src/), linked with
# the scenario programs.
#
#   bash proofs/eacsl/build.sh [--tree DIR] [--out DIR] [--programs LIST]
#
#   --tree DIR      the tree whose src/ and spec/ are checked (default: this
#                   repository; the mutant matrix passes a mutant's copy)
#   --out DIR       build directory (default: build/eacsl)
#   --programs L    comma-separated, among: scenarios (tests/mutants/
#                   scenarios.c: every sample stack to depth 4, every
#                   request, schedule and scenario kind), tests (the unit
#                   scenario and fact tests of tests/, without the tests that
#                   break rules on purpose).  Default: scenarios,tests.
#
# Steps (each failure stops with a message and exit 2):
#   1. proofs/eacsl/gen.py: a copy of src/ and spec/ whose ACSL is
#      executable (predicates inlined; what it removes is listed there);
#   2. frama-c -e-acsl over the copy: OUT/instrumented.c.  Any "Ignoring
#      annotation" or "invalid E-ACSL construct" on the project's files fails
#      the build; the one accepted is in Frama-C's own libc model
#      (FRAMAC_SHARE/libc: an assigns clause of the GCC builtin
#      __sync_synchronize, which the project does not call);
#   3. gcc: the instrumented code, E-ACSL's runtime library, the assertion
#      hook proofs/eacsl/report.c, and each program (uninstrumented, its
#      main renamed irpc_program_main and called by proofs/eacsl/entry.c).
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
tree=$root
out=$root/build/eacsl
programs=scenarios,tests
while [ $# -gt 0 ]; do
  case "$1" in
    --tree) tree=$(cd "$2" && pwd) || exit 2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --programs) programs=$2; shift 2 ;;
    *) echo "build.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
fail() { echo "runtime-check build: $*" >&2; exit 2; }
command -v frama-c >/dev/null || fail "frama-c is not installed (make tools)"
share=$(frama-c -print-share-path 2>/dev/null)/e-acsl
lib=$(frama-c -print-lib-path 2>/dev/null)/e-acsl
[ -f "$share/e_acsl_rtl.c" ] || fail "E-ACSL's runtime library is missing ($share/e_acsl_rtl.c)"
[ -f "$lib/libeacsl-dlmalloc.a" ] || fail "E-ACSL's allocator is missing ($lib/libeacsl-dlmalloc.a)"
for h in gmp.h; do
  echo "#include <$h>" | gcc -E -x c - >/dev/null 2>&1 || fail "$h is missing (libgmp-dev)"
done

mkdir -p "$out"
out=$(cd "$out" && pwd)
# the pool size the scenario programs use (small: the spec's quantifiers run
# over the whole pool at every API call)
defs="-DIRPC_MAX_IRPS=16"

# 1. executable ACSL
python3 "$here/gen.py" "$tree" "$out/tree" --list > "$out/rewrites.txt" || fail "gen.py failed"
cp "$here/entry.c" "$out/tree/src/eacsl_entry.c"

eflags="-std=c99 -O0 -w -D_DEFAULT_SOURCE -D__NO_CTYPE -D__FC_MACHDEP_X86_64 -DE_ACSL_SEGMENT_MMODEL -DE_ACSL_EXTERNAL_ASSERT -I$share"

# 2. instrumentation: instrument NAME [EXTRA.c ...] writes OUT/NAME.c from
# the copy's src/ (and the extra files, instrumented with it)
instrument() {
  local name=$1; shift
  (cd "$out/tree" && frama-c -machdep gcc_x86_64 ${INSTRUMENT_FLAGS:-} \
     -cpp-extra-args="-Isrc/include -Isrc -Isrc/drivers -I$root/tests $defs" \
     -e-acsl ${EACSL_FLAGS--e-acsl-full-mtracking} \
     src/irpc_core.c src/iomgr.c src/ke.c src/drivers/*.c src/eacsl_entry.c spec/api_contracts.c "$@" \
     -then-last -print -ocode "$out/$name.c") > "$out/$name.log" 2>&1
  local rc=$?
  # a warning block: the line naming the location, then its indented lines
  # Accepted (listed in OUT/NAME.accepted.txt): annotations of Frama-C's
  # own libc model (FRAMAC_SHARE/libc/), which are not the project's spec,
  # and "memory model not yet supported" for a libc function the
  # instrumented files never call.
  python3 - "$out/$name.log" "$out/$name.accepted.txt" "$out/tree"/src/*.c "$out/tree"/src/drivers/*.c "$@" <<'PY' || fail "E-ACSL did not translate every annotation (see $out/$name.log)"
import re, sys
text = open(sys.argv[1]).read()
code = "".join(open(f).read() for f in sys.argv[3:])
blocks = re.split(r"\n(?=\[)", text)
bad, accepted = [], []
for b in blocks:
    if "Ignoring annotation" in b or "invalid E-ACSL construct" in b or "not yet supported" in b \
            or b.startswith("[e-acsl] Failure"):
        m = re.search(r"Memory model not yet supported for standard library function '(\w+)'", b)
        if b.startswith("[e-acsl] FRAMAC_SHARE/libc/") or \
                (m and not re.search(r"\b%s\s*\(" % m.group(1), code)):
            accepted.append(" ".join(b.split()))
            continue
        bad.append(b.strip())
open(sys.argv[2], "w").write("".join(l + "\n" for l in accepted))
for b in bad:
    print(b, file=sys.stderr)
sys.exit(1 if bad else 0)
PY
  [ $rc -eq 0 ] && [ -s "$out/$name.c" ] || { tail -30 "$out/$name.log" >&2; fail "frama-c -e-acsl failed (see $out/$name.log)"; }
  # E-ACSL 25's full memory tracking registers the address of every declared
  # function, including the GCC builtin __sync_synchronize that Frama-C's libc
  # model declares (the project does not call it); gcc rejects taking a
  # builtin's address, so those registration lines are dropped.
  sed -i '/(& __sync_synchronize)/d' "$out/$name.c"
  gcc $eflags -c "$out/$name.c" -o "$out/$name.o" 2> "$out/cc.log" ||
    { cat "$out/cc.log" >&2; fail "the instrumented code ($name) does not compile"; }
}

# 3. compilation
if [ ! -f "$root/build/eacsl-rtl.o" ] || [ "$share/e_acsl_rtl.c" -nt "$root/build/eacsl-rtl.o" ]; then
  gcc $eflags -c "$share/e_acsl_rtl.c" -o "$root/build/eacsl-rtl.o.$$" 2>> "$out/cc.log" &&
    mv -f "$root/build/eacsl-rtl.o.$$" "$root/build/eacsl-rtl.o" || fail "E-ACSL's runtime library does not compile"
fi
# the project's own files: warnings are errors (E-ACSL's headers carry a
# Frama-C attribute gcc does not know: -Wno-attributes)
cflags="-std=c11 -O1 -g -Wall -Wextra -Werror $defs -I$root/src/include -I$root/src -I$root/src/drivers"
gcc -std=c11 -O1 -Wall -Wextra -Werror -Wno-attributes -I"$share" -c "$here/report.c" -o "$out/report.o" ||
  fail "proofs/eacsl/report.c does not compile"
gcc $cflags -c "$tree/src/irpc_print.c" -o "$out/irpc_print.o" || fail "irpc_print.c does not compile"
link="$root/build/eacsl-rtl.o $out/report.o $out/irpc_print.o $lib/libeacsl-dlmalloc.a -lgmp -lm -lpthread"
# tree's headers, so a mutant's header changes are seen by the programs too
pflags="-std=c11 -O1 -g -Wall -Wextra -Werror $defs -I$tree/src/include -I$tree/src -I$tree/src/drivers -Dmain=irpc_program_main"
IFS=, read -ra progs <<< "$programs"
for p in "${progs[@]}"; do
  case "$p" in
    scenarios)
      instrument instrumented
      gcc $pflags -c "$root/tests/mutants/scenarios.c" -o "$out/scenarios.o" || fail "scenarios.c does not compile"
      gcc "$out/scenarios.o" "$out/instrumented.o" $link \
          -Wl,--wrap=KeAcquireSpinLock,--wrap=IsListEmpty,--wrap=IoGetCurrentIrpStackLocation \
          -o "$out/scenarios" || fail "scenarios does not link" ;;
    tests)
      # the fact tests' drivers live in the test file: instrumented with src/
      instrument instrumented_tests "$root/tests/test_facts.c"
      objs=""
      for f in runner test_scenarios test_rules; do
        gcc $pflags -I"$root/tests" -c "$root/tests/$f.c" -o "$out/t_$f.o" || fail "tests/$f.c does not compile"
        objs="$objs $out/t_$f.o"
      done
      gcc $pflags -I"$root/tests" -c "$here/no_violations.c" -o "$out/t_no_violations.o" || fail "no_violations.c does not compile"
      gcc $objs "$out/t_no_violations.o" "$out/instrumented_tests.o" $link -o "$out/tests" || fail "tests does not link" ;;
    *) fail "unknown program $p" ;;
  esac
done
exit 0
