#!/usr/bin/env bash
# tests/frame_last_field.sh - IrpcPushFrame sets each field of a new frame
# by name (WP cannot read a byte loop through void *), and a typedef in
# src/irpc_core.c whose array size turns negative keeps sync_event_owed
# IRPC_FRAME's last field, so a field added to IRPC_FRAME fails the build
# until IrpcPushFrame sets it.  This checks that guard: irpc_core.c compiles
# with the real irpc.h, and does not (under gcc and clang) with a copy of it
# that has one field more after sync_event_owed.  Ends with "N passed, N
# failed".
set -u
cd "$(dirname "$0")/.." || exit 2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cp -r src spec "$tmp/"
python3 - "$tmp/src/include/irpc.h" <<'PY'
import re, sys
p = sys.argv[1]; s = open(p).read()
s2, n = re.subn(r"^(\s*PKEVENT sync_event_owed;[^\n]*\n)", r"\1    int added_by_the_test;\n", s, flags=re.M)
if n != 1:
    sys.exit("frame_last_field: irpc.h has no 'PKEVENT sync_event_owed;' line to add a field after")
open(p, "w").write(s2)
PY
[ $? -eq 0 ] || { echo "1 passed, 1 failed"; exit 1; }
pass=0 fail=0
W="-std=c11 -Wall -Wextra -Werror -fsyntax-only"
for cc in gcc clang; do
  if $cc $W -Isrc/include -Isrc src/irpc_core.c >/dev/null 2>&1; then
    pass=$((pass + 1)); echo "ok   $cc: irpc_core.c compiles as it is"
  else
    fail=$((fail + 1)); echo "FAIL $cc: irpc_core.c does not compile as it is"
  fi
  if out=$($cc $W -I"$tmp/src/include" -I"$tmp/src" "$tmp/src/irpc_core.c" 2>&1); then
    fail=$((fail + 1)); echo "FAIL $cc: a field after sync_event_owed compiles (the guard is gone)"
  elif printf '%s\n' "$out" | grep -q "irpc_frame_last_field_check"; then
    pass=$((pass + 1)); echo "ok   $cc: a field after sync_event_owed fails on the guard"
  else
    fail=$((fail + 1)); echo "FAIL $cc: a field after sync_event_owed fails, not on the guard:"
    printf '%s\n' "$out" | head -3 | sed 's/^/     /'
  fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
