/*
 * compose_harness.c - every depth at once, by induction over the stack.
 *
 * A layer sees the stack below it only as any_lower.c says: what
 * IoCallDriver returns, whether the IRP was completed before that, and
 * when, with which status and PendingReturned, the completion walk comes
 * back.  The abstract device of any_lower.c shows every such behaviour a
 * rule-abiding stack can show.  So, within the bounds on requests,
 * cancels, cleanup and allocation failures:
 *
 *   base  every pattern of the lowest driver, alone, keeps the envelope
 *         (the checks after each request and at quiescence, below);
 *   step  every upper pattern above the abstract device breaks no rule
 *         and keeps the envelope itself;
 *
 * and then every stack of sample layers, of any depth, breaks no rule:
 * replace its two lowest layers by the abstract device, and again, until
 * the stack is the abstract device with the top layer above it.  The
 * abstract device alone is run too: the reference checks that it is a
 * rule-abiding driver.  What the induction assumes: harness/README.md,
 * "Compose".
 *
 * The envelope, as the application (the I/O manager) sees the stack: a
 * top IoCallDriver that returns anything but STATUS_PENDING has completed
 * the request with exactly that status before returning (checked here
 * after each request); every request comes back exactly once, with a
 * status a sample stack can end an IRP with, and PendingReturned agrees
 * with what the top IoCallDriver returned (the reference's
 * PendingReturnedConsistency check, and harness_check_quiescence).
 *
 * Bounds (bounds.mk): REQUESTS, CANCELS, KINDS, ALLOC_FAILS, CLEANUP,
 * STATUSES (how many of any_lower.c's end statuses it chooses among).
 */
#include "any_lower.h"

/* The stack shapes: each pattern of the lowest driver alone, the abstract
 * device alone, each upper pattern above the abstract device. */
enum {
    S_LOWEST_FIRST = 0,
    S_LOWEST_LAST = S_LOWEST_FIRST + P_LOWEST_LAST,
    S_ANY_ALONE,
    S_UPPER_FIRST,
    S_UPPER_LAST = S_UPPER_FIRST + (P_UPPER_LAST - P_UPPER_FIRST)
};

/* A top IoCallDriver that did not return STATUS_PENDING completed the
 * request, with the status it returned, before it returned. */
static void check_returned(int request)
{
    const IRPC_REQUEST *q = &irpc.requests[request];
    if (q->returned == STATUS_PENDING)
        return;
    harness_check(q->delivered == 1, IRPC_IrpProcessingComplete,
                  "the stack returned a status other than STATUS_PENDING before it completed the request");
    harness_check(q->delivered_status == q->returned, IRPC_StatusMismatch,
                  "the stack returned a status other than the one it completed the request with");
}

/* HARNESS_SHAPE, a bound (-1, the default: every shape): one shape only */
#ifndef HARNESS_SHAPE
#define HARNESS_SHAPE (-1)
#endif

/* The kinds a request can be, by shape.  The lowest driver alone: the
 * first KINDS kinds (it tells all seven apart).  The abstract device alone:
 * one (it treats every IRP alike).  An upper pattern above the abstract
 * device: a read, a device control and a write, at most KINDS of them; an
 * upper sample tells requests apart only by their major function (allocirp
 * copies the location whatever it holds, asyncfsd replaces every read by
 * its own, syncioctl every device control; the rest never look), and the
 * abstract device below answers every kind alike, so the other four kinds
 * would repeat these executions. */
static int request_kind(int shape)
{
    static const int majors[] = {R_READ, R_IOCTL_TRANSFER, R_WRITE};
    if (shape <= S_LOWEST_LAST)
        return nondet(R_APP_FIRST, R_APP_FIRST + HARNESS_KINDS - 1);
    if (shape == S_ANY_ALONE)
        return R_READ;
    return majors[nondet(0, (HARNESS_KINDS < 3 ? HARNESS_KINDS : 3) - 1)];
}

void harness(void)
{
    /* ---- build the stack ---------------------------------------------- */
    harness_begin(HARNESS_CANCELS, HARNESS_ALLOC_FAILS);
    int shape = HARNESS_SHAPE >= 0 ? HARNESS_SHAPE : nondet(S_LOWEST_FIRST, S_UPPER_LAST);
    PDEVICE_OBJECT top;
    if (shape <= S_LOWEST_LAST) {
        top = harness_add_layer(P_LOWEST_INLINE_OK + (shape - S_LOWEST_FIRST), NULL);
    } else {
        top = any_lower_add();
        if (shape >= S_UPPER_FIRST && top != NULL)
            top = harness_add_layer(P_UPPER_FIRST + (shape - S_UPPER_FIRST), top);
    }
    PFILE_OBJECT file = IrpcOpenFile(top);

    /* ---- assumptions --------------------------------------------------- */
    assume(top != NULL && file != NULL);

    /* ---- run ------------------------------------------------------------ */
    for (int i = 0; i < HARNESS_REQUESTS; i++) {
        check_returned(harness_submit(file, request_kind(shape)));
        harness_interleave();
    }
    if (HARNESS_CLEANUP) {
        check_returned(harness_submit(file, R_CLEANUP));
        harness_interleave();
    }

    /* ---- assertions ----------------------------------------------------- */
    harness_check_quiescence();
    for (int r = 0; r < IRPC_MAX_REQUESTS; r++)
        if (irpc.requests[r].used)
            harness_check(any_lower_status_known(irpc.requests[r].delivered_status), IRPC_OriginatorNotifiedOnce,
                          "a request ended with a status no sample stack ends an IRP with");
}
