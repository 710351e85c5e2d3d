/*
 * cleanup_harness.c - the whole life of one file object on a stack (depth
 * 1..DEPTH, every pattern): IRP_MJ_CREATE, then REQUESTS requests of any
 * kind (harness.h), the transfers among them queued by the lowest driver,
 * then IRP_MJ_CLEANUP for that file object sent down the same stack, then
 * IRP_MJ_CLOSE.  The lowest driver's DispatchCleanup must complete every
 * queued IRP of the file before the cleanup IRP.  Deferred
 * work in any amount at every scheduling point and between steps, so the
 * cleanup meets anything from no IRP to every IRP still queued; CANCELS
 * cancels at any point besides.
 *
 * Bounds (bounds.mk): DEPTH, REQUESTS, CANCELS.  Runtime: harness/README.md.
 */
#include "harness.h"

void harness(void)
{
    /* ---- build the stack ---------------------------------------------- */
    harness_begin(HARNESS_CANCELS, HARNESS_ALLOC_FAILS);
    int depth = nondet(1, HARNESS_DEPTH);
    PDEVICE_OBJECT top = harness_choose_stack(depth, P_LOWEST_DPC_OK, P_LOWEST_DPC_ERR,
                                              P_UPPER_FIRST, P_UPPER_LAST);
    PFILE_OBJECT file = IrpcOpenFile(top);

    /* ---- assumptions --------------------------------------------------- */
    /* only a lowest driver that queues can have IRPs queued at cleanup */
    assume(file != NULL);

    /* ---- run ------------------------------------------------------------ */
    harness_submit(file, R_CREATE);
    harness_interleave();
    for (int i = 0; i < HARNESS_REQUESTS; i++) {
        harness_submit_any(file, R_APP_FIRST, R_APP_FIRST + HARNESS_KINDS - 1);
        harness_interleave();
    }
    harness_submit(file, R_CLEANUP);
    harness_interleave();
    harness_submit(file, R_CLOSE);
    harness_interleave();

    /* ---- assertions ----------------------------------------------------- */
    harness_check_quiescence();
}
