#!/usr/bin/env bash
# model/conformance.sh - the model's layers and its re-statements of
# IrpcSubmit / IrpcRunDeferred against the reference run monolithically with
# the sample drivers: for every two-device stack of a sample filter
# (passthru, propagate, fwdwait, allocirp, syncioctl, asyncfsd) over lowest.c (pend+queue+DPC,
# complete at once with success, complete at once with an error), one read,
# the status IoCallDriver returned to the application, the status delivered
# and the number of deliveries must be the same - in every interleaving the
# model explores (the expected values are compiled into the model's final
# check).  Ends with "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
mkdir -p build/model
inc="-Isrc/include -Isrc -Isrc/drivers -Imodel"
gcc -std=c11 -Wall -Wextra -Werror $inc -DIRPC_MAX_CPUS=3 model/conformance.c src/irpc_core.c src/iomgr.c \
    src/ke.c src/irpc_print.c src/drivers/*.c -o build/model/conformance || { echo "0 passed, 1 failed"; exit 1; }
passed=0; failed=0
for upper in 1 2 3 4 8 10; do
  for lower in 7 5 6; do
    ref=$(./build/model/conformance $upper $lower)
    set -- $ref
    if [ "$4" != 0 ]; then echo "FAIL $upper/$lower: the reference run has findings"; failed=$((failed+1)); continue; fi
    out=$(MODEL_CHECKS=safety PAN_CFLAGS="-DMDL_EXPECT_RETURNED=$1 -DMDL_EXPECT_DELIVERED=$2 -DMDL_EXPECT_COUNT=$3" \
          MODEL_OUT=build/model/conf-$upper-$lower bash model/run.sh conf-$upper-$lower 2 1 0 0 -DPAT0=$upper -DPAT1=$lower 2>&1)
    if echo "$out" | grep -q '^== conf-[0-9-]* safety: proved'; then
      echo "ok   patterns $upper over $lower: returned $1, delivered $2 x$3 in every interleaving"
      passed=$((passed+1))
    else
      echo "FAIL patterns $upper over $lower (reference: $ref)"; echo "$out" | head -30; failed=$((failed+1))
    fi
  done
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
