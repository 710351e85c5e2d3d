/*
 * stack_harness.c - every stack of depth 1..DEPTH built from the sample
 * patterns, every way the lowest driver finishes (inline or pending+DPC,
 * success or error), reads and device controls, deferred work run at every
 * scheduling point in any amount.  Besides REQUESTS requests in a row on
 * an open file, when LIFE_REQUESTS > 0 an execution may instead run a
 * file's life: IRP_MJ_CREATE, LIFE_REQUESTS requests, IRP_MJ_CLOSE (no
 * cleanup: harness cleanup has it), so create and close meet every
 * pattern of the lowest driver and the failed IRP creations of the layers
 * that pass them down in an IRP of their own.  (Create and close around
 * REQUESTS=2 requests, four in a row, is 2.5 million executions at D=4:
 * over the 60 s budget; harness/README.md.)
 *
 * Bounds (bounds.mk): DEPTH layers at most, REQUESTS requests in a row,
 * LIFE_REQUESTS, KINDS, ALLOC_FAILS.
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
    int life = HARNESS_LIFE_REQUESTS > 0 && nondet(0, 1);
    if (life) {
        harness_submit(file, R_CREATE);
        harness_interleave();
    }
    for (int i = 0; i < (life ? HARNESS_LIFE_REQUESTS : HARNESS_REQUESTS); i++) {
        harness_submit_any(file, R_APP_FIRST, R_APP_FIRST + HARNESS_KINDS - 1);
        harness_interleave();
    }
    if (life) {
        harness_submit(file, R_CLOSE);
        harness_interleave();
    }

    /* ---- assertions ----------------------------------------------------- */
    harness_check_quiescence();
}
