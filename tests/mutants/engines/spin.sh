#!/usr/bin/env bash
# engines/spin.sh TREE - the `spin` engine of the mutant kill matrix: the
# spin model of model/ (application, DPC, cancel and quiescence processes on
# three processors, running TREE's I/O manager C through embedded C),
# safety runs on small configurations.  The model brings its own driver
# layers (model/layers.c), not src/drivers/: a mutant of a sample driver is
# not applicable (exit 77); mutants of src/iomgr.c, src/ke.c,
# src/irpc_core.c and the unmodified tree are checked.
set -u
tree=$(cd "${1:?usage: spin.sh TREE}" && pwd) || exit 2
[ -f "$tree/model/run.sh" ] || { echo "spin: no model/run.sh" >&2; exit 77; }
command -v spin >/dev/null || { echo "spin: spin not installed" >&2; exit 77; }
file=$(sed -n 's/^# file: *//p' "$tree/.mutant.patch" 2>/dev/null | head -1)
case "$file" in
  ""|src/iomgr.c|src/ke.c|src/irpc_core.c) ;;
  *) echo "spin: the model does not run $file (its layers are model/layers.c)" >&2; exit 77 ;;
esac
out="$tree/build/mutant-engines/spin"
mkdir -p "$out"
cd "$tree" || exit 2
# NAME N M CANCEL CLEANUP [spin flags]: N devices (layers nondeterministic),
# M reads; the last one puts a layer that builds its IRP on top (IoBuild*:
# synchronous requests the I/O manager signals and frees, an asynchronous
# read the layer's routine frees)
configs='c2r1cancel 2 1 1 0
c2r2cleanup 2 2 0 1
c3r1 3 1 0 0
c3r2built 3 2 1 1 -DTOP_SET=1792 -DUPPER_SET=1918'
: > "$out/run.log"
while read -r name n m cancel cleanup flags; do
  MODEL_CHECKS=safety MODEL_OUT="$out/$name" \
    timeout 600 bash model/run.sh "$name" "$n" "$m" "$cancel" "$cleanup" $flags >> "$out/run.log" 2>&1
done <<< "$configs"
if grep -q '"status":"error"' "$out/run.log" || grep -q 'failed:' "$out/run.log"; then
  echo "spin: a run failed (see $out/run.log)" >&2
  exit 2
fi
grep -o '"violation":"IRPC [A-Za-z0-9]*' "$out/run.log" | sed 's/.*IRPC //' | sort -u
exit 0
