/*
 * stack_harness.c - every stack of depth 1..DEPTH built from the sample
 * patterns, every way the lowest driver finishes (inline or pending+DPC,
 * success or error), reads and device controls, deferred work run at every
 * scheduling point in any amount.
 *
 * Bounds (bounds.mk): DEPTH layers at most, REQUESTS requests in a row.
 * Runtime: see harness/README.md.
 */
#include "harness.h"

void harness(void)
{
    /* ---- build the stack ---------------------------------------------- */
    harness_begin(0, HARNESS_ALLOC_FAILS);
    int depth = nondet(1, HARNESS_DEPTH);
    PDEVICE_OBJECT top = harness_choose_stack(depth, P_LOWEST_INLINE_OK, P_LOWEST_LAST,
                                              P_UPPER_FIRST, P_UPPER_LAST);
    PFILE_OBJECT file = IrpcOpenFile(top);

    /* ---- assumptions --------------------------------------------------- */
    assume(file != NULL);

    /* ---- run ------------------------------------------------------------ */
    for (int i = 0; i < HARNESS_REQUESTS; i++) {
        harness_submit_any(file, R_APP_FIRST, R_APP_FIRST + HARNESS_KINDS - 1);
        harness_interleave();
    }

    /* ---- assertions ----------------------------------------------------- */
    harness_check_quiescence();
}
