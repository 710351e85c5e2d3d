/*
 * inflight_harness.c - REQUESTS application requests in flight at once on
 * one file object, over every stack of depth 1..DEPTH; IoCancelIrp on any
 * submitted request at any point: between the application's steps and at
 * every scheduling point of the reference (lock release, DPC queued,
 * IoCallDriver return, IoCompleteRequest return), CANCELS times at most;
 * deferred work in any amount at every such point.
 *
 * Bounds (bounds.mk): DEPTH, REQUESTS, CANCELS.  Runtime: harness/README.md.
 */
#include "harness.h"

void harness(void)
{
    /* ---- build the stack ---------------------------------------------- */
    harness_begin(HARNESS_CANCELS);
    int depth = nondet(1, HARNESS_DEPTH);
    PDEVICE_OBJECT top = harness_choose_stack(depth, P_LOWEST_INLINE_OK, P_LOWEST_LAST,
                                              P_UPPER_FIRST, P_UPPER_LAST);
    PFILE_OBJECT file = IrpcOpenFile(top);

    /* ---- assumptions --------------------------------------------------- */
    assume(file != NULL);
    /* a lowest driver that finishes inline leaves nothing in flight to
     * cancel; the stack harness covers it */
    assume(harness_config.layers[0] == P_LOWEST_DPC_OK || harness_config.layers[0] == P_LOWEST_DPC_ERR);
    harness_config.major = nondet(0, 1) ? IRP_MJ_DEVICE_CONTROL : IRP_MJ_READ;

    /* ---- run ------------------------------------------------------------ */
    for (int i = 0; i < HARNESS_REQUESTS; i++) {
        harness_submit(file, harness_config.major);
        harness_interleave();
    }

    /* ---- assertions ----------------------------------------------------- */
    harness_check_quiescence();
}
