#!/usr/bin/env bash
# engines/runtime.sh TREE - the `runtime` engine of the mutant kill matrix.
#
# The reference's own runtime checks: builds TREE's src/ (the I/O manager,
# kernel services and sample drivers, possibly mutated) with
# tests/mutants/scenarios.c of this repository, runs every scenario, and
# prints the rule id of each finding (one per line).  When TREE holds a
# mutant (TREE/.mutant.patch names its file), only the stacks containing
# the mutated sample driver run (all stacks for lowest, iomgr, ke).
# Exit 0: it ran; 2: it could not build or run.
set -u
tree=$(cd "${1:?usage: runtime.sh TREE}" && pwd) || exit 2
here=$(cd "$(dirname "$0")/.." && pwd)
out="$tree/build/mutant-engines/runtime"
mkdir -p "$out"

focus=all
file=$(sed -n 's/^# file: *//p' "$tree/.mutant.patch" 2>/dev/null | head -1)
case "$file" in
  src/drivers/*.c)
    d=$(basename "$file" .c)
    case "$d" in common|lowest) ;; *) focus=$d ;; esac ;;
esac

cd "$tree" || exit 2
# Objects are cached by content (the source, every header, the flags), so a
# mutant recompiles only the file its patch changed.
cache="$here/../../build/mutants/.objcache"
mkdir -p "$cache"
flags="-std=c11 -Wall -Wextra -Werror -O1 -g -DIRPC_MAX_IRPS=16 -Isrc/include -Isrc -Isrc/drivers"
hdrs=$(cat src/include/*.h src/include/*.def src/*.h src/drivers/*.h spec/*.h 2>/dev/null | sha1sum | cut -c1-16)
objs=()
: > "$out/build.log"
for c in src/irpc_core.c src/iomgr.c src/ke.c src/drivers/*.c "$here/scenarios.c"; do
  key=$( (echo "$flags $hdrs"; cat "$c") | sha1sum | cut -c1-20)
  o="$cache/$(basename "$c" .c)-$key.o"
  if [ ! -f "$o" ]; then
    if ! gcc $flags -c "$c" -o "$o.$$" 2>> "$out/build.log"; then
      rm -f "$o.$$"
      echo "runtime: build failed (see $out/build.log)" >&2
      cat "$out/build.log" >&2
      exit 2
    fi
    mv -f "$o.$$" "$o"
  fi
  objs+=("$o")
done
if ! gcc "${objs[@]}" -Wl,--wrap=KeAcquireSpinLock,--wrap=IsListEmpty,--wrap=IoGetCurrentIrpStackLocation \
        -o "$out/scenarios" 2>> "$out/build.log"; then
  echo "runtime: link failed (see $out/build.log)" >&2
  cat "$out/build.log" >&2
  exit 2
fi
timeout 600 "$out/scenarios" -v --focus "$focus" > "$out/rules.txt" 2> "$out/witnesses.txt"
rc=$?
if [ $rc -ne 0 ]; then
  echo "runtime: scenarios exited $rc (see $out/witnesses.txt)" >&2
  exit 2
fi
cat "$out/rules.txt"
exit 0
