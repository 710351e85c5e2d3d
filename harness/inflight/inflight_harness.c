/*
 * inflight_harness.c - REQUESTS application requests in flight at once on
 * one file object, over every stack of depth 1..DEPTH; IoCancelIrp on any
 * request not yet delivered at any point: between the application's steps,
 * at every scheduling point of the reference (lock release, DPC queued,
 * IoCallDriver return, IoCompleteRequest return), and when it reaches the
 * lowest driver (cancelled on its way down, before it is queued), CANCELS
 * times at most; deferred work in any amount at every such point.
 *
 * Each request is a transfer (read or IOCTL_SAMPLE_TRANSFER, chosen per
 * request): the zero-length read and the mode query are answered in the
 * lowest driver's dispatch routine and leave nothing in flight to cancel;
 * the stack and cleanup harnesses send them alongside pending transfers.
 *
 * Bounds (bounds.mk): DEPTH, REQUESTS, CANCELS.  Runtime: harness/README.md.
 */
#include "harness.h"

void harness(void)
{
    /* ---- build the stack ---------------------------------------------- */
    harness_begin(HARNESS_CANCELS, HARNESS_ALLOC_FAILS);
    int depth = nondet(1, HARNESS_DEPTH);
    PDEVICE_OBJECT top = harness_choose_stack(depth, P_LOWEST_INLINE_OK, P_LOWEST_LAST,
                                              P_UPPER_FIRST, P_UPPER_LAST);
    PFILE_OBJECT file = IrpcOpenFile(top);

    /* ---- assumptions --------------------------------------------------- */
    assume(file != NULL);
    /* a lowest driver that finishes inline leaves nothing in flight to
     * cancel; the stack harness covers it */
    assume(harness_config.layers[0] == P_LOWEST_DPC_OK || harness_config.layers[0] == P_LOWEST_DPC_ERR);

    /* ---- run ------------------------------------------------------------ */
    for (int i = 0; i < HARNESS_REQUESTS; i++) {
        harness_submit_any(file, R_READ, R_TRANSFER_LAST);
        harness_interleave();
    }

    /* ---- assertions ----------------------------------------------------- */
    harness_check_quiescence();
}
