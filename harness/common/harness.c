/*
 * harness.c - the shared machinery of harness.h.  Analysed by Eva and run
 * by the explorer alike: no stdio, no back-end specific code.
 */
#include "harness.h"

HARNESS_CONFIG harness_config;
static DRIVER_OBJECT drivers[P_COUNT];
static int in_scheduler;

static void on_violation(const IRPC_FINDING *finding)
{
    harness_check(0, finding->rule, finding->message);
}

/* The IRPs IoCancelIrp can still reach (their slots): every application
 * request sent (its top IoCallDriver may not have returned yet) and not yet
 * delivered, and every IRP a driver created that is in a driver stack (sent
 * down, its completion not yet begun).  A created IRP is cancelled by its
 * creator (on a timeout, say: the pointer is the creator's) or, for the
 * threaded IRPs IoBuildSynchronousFsdRequest and
 * IoBuildDeviceIoControlRequest build, by the I/O manager when the thread
 * goes away; the harness lets either happen at any scheduling point. */
static int cancellable(int slots[IRPC_MAX_IRPS])
{
    int n = 0;
    for (int r = 0; r < IRPC_MAX_REQUESTS; r++)
        if (irpc.requests[r].used && irpc.requests[r].irp >= 0 &&
            irpc.life[irpc.requests[r].irp].request == r && n < IRPC_MAX_IRPS)
            slots[n++] = irpc.requests[r].irp;
    for (int i = 0; i < IRPC_MAX_IRPS; i++)
        if (irpc.life[i].state == IRPC_ST_ACTIVE && irpc.life[i].kind != IRPC_KIND_APP && n < IRPC_MAX_IRPS)
            slots[n++] = i;
    return n;
}

static void cancel(int slot)
{
    harness_config.cancels_left--;
    if (irpc.life[slot].request >= 0)
        IrpcCancelRequest(irpc.life[slot].request);
    else
        IoCancelIrp(&irpc.irps[slot]);
}

static void maybe_cancel(void)
{
    int slots[IRPC_MAX_IRPS];
    if (harness_config.cancels_left <= 0)
        return;
    int n = cancellable(slots);
    if (n == 0)
        return;
    int which = nondet(0, n);     /* 0: no cancel now */
    if (which > 0)
        cancel(slots[which - 1]);
}

/* The scheduler hook: what another processor might do at this point.  In
 * a wait (IRPC_POINT_WAIT) only the cancel is chosen: the wait runs the
 * next deferred item itself. */
static int scheduler(int point, int pending)
{
    (void)pending;
    if (in_scheduler)
        return 0;
    in_scheduler = 1;
    maybe_cancel();
    in_scheduler = 0;
    if (irpc.deferred_count == 0 || point == IRPC_POINT_WAIT)
        return 0;
    return nondet(0, irpc.deferred_count);
}

/* The allocation hook: while the budget lasts, each IRP a driver creates
 * may be refused (the driver sees NULL, as for an exhausted pool). */
static int allocation_fails(int kind, int creator)
{
    (void)kind;
    (void)creator;
    if (harness_config.alloc_fails_left <= 0 || nondet(0, 1) == 0)
        return 0;
    harness_config.alloc_fails_left--;
    return 1;
}

void harness_begin(int cancel_budget, int alloc_fail_budget)
{
    IrpcReset();
    harness_config.depth = 0;
    for (int i = 0; i < HARNESS_MAX_DEPTH; i++)
        harness_config.layers[i] = -1;
    harness_config.buggy_name = NULL;
    harness_config.attempted = 0;
    for (int i = 0; i <= HARNESS_MAX_REQUESTS; i++)
        harness_config.requests[i] = -1;
    harness_config.cancels_left = cancel_budget;
    harness_config.alloc_fails_left = alloc_fail_budget;
    in_scheduler = 0;
    irpc_violation_hook = on_violation;
    irpc_sched_hook = scheduler;
    irpc_alloc_hook = allocation_fails;
}

void harness_note_layer(int pattern, const char *name)
{
    if (harness_config.depth < HARNESS_MAX_DEPTH)
        harness_config.layers[harness_config.depth++] = pattern;
    if (pattern == P_BUGGY)
        harness_config.buggy_name = name;
}

static void set_lowest(PDEVICE_OBJECT dev, BOOLEAN inline_, NTSTATUS status)
{
    LOWEST_EXTENSION *ext = dev->DeviceExtension;
    ext->CompleteInline = inline_;
    ext->TransferStatus = status;
}

/* lowest.c's own driver object: its transfer dispatch routine is what
 * lowest_arrival calls (read from this one object, not from drivers[],
 * so that Eva knows which routine it is) */
static DRIVER_OBJECT lowest_own;
static PDRIVER_DISPATCH lowest_transfer;

/* An IRP arrives at the lowest driver, an application request or one a
 * driver created: it may have been cancelled on its way down (Irp->Cancel
 * set, no cancel routine yet). */
static NTSTATUS lowest_arrival(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    int slot = IrpcIrpSlot(Irp);
    if (slot >= 0 && harness_config.cancels_left > 0 && nondet(0, 1))
        cancel(slot);
    return lowest_transfer(DeviceObject, Irp);
}

PDEVICE_OBJECT harness_add_layer(int pattern, PDEVICE_OBJECT lower)
{
    PDRIVER_OBJECT d = &drivers[pattern];
    PDEVICE_OBJECT dev = NULL;
    IrpcInitDriver(d);
    switch (pattern) {
    case P_LOWEST_INLINE_OK:
    case P_LOWEST_INLINE_ERR:
    case P_LOWEST_DPC_OK:
    case P_LOWEST_DPC_ERR:
        IrpcInitDriver(&lowest_own);
        LowestDriverEntry(&lowest_own);
        lowest_transfer = lowest_own.MajorFunction[IRP_MJ_READ];
        LowestDriverEntry(d);
        d->MajorFunction[IRP_MJ_READ] = lowest_arrival;
        d->MajorFunction[IRP_MJ_WRITE] = lowest_arrival;
        d->MajorFunction[IRP_MJ_DEVICE_CONTROL] = lowest_arrival;
        dev = LowestAddDevice(d);
        if (dev != NULL)
            set_lowest(dev, pattern == P_LOWEST_INLINE_OK || pattern == P_LOWEST_INLINE_ERR,
                       (pattern == P_LOWEST_INLINE_OK || pattern == P_LOWEST_DPC_OK)
                           ? STATUS_SUCCESS : HARNESS_TRANSFER_ERROR);
        break;
    case P_PASSTHRU:
        PassthruDriverEntry(d);
        dev = PassthruAddDevice(d, lower);
        break;
    case P_PROPAGATE:
        PropagateDriverEntry(d);
        dev = PropagateAddDevice(d, lower);
        break;
    case P_FWDWAIT:
        FwdWaitDriverEntry(d);
        dev = FwdWaitAddDevice(d, lower);
        break;
    case P_ALLOCIRP:
        AllocIrpDriverEntry(d);
        dev = AllocIrpAddDevice(d, lower);
        break;
    case P_ASYNCFSD:
        AsyncFsdDriverEntry(d);
        dev = AsyncFsdAddDevice(d, lower);
        break;
    default:
        SyncIoctlDriverEntry(d);
        dev = SyncIoctlAddDevice(d, lower);
        break;
    }
    harness_check(dev != NULL, IRPC_DEADLOCK, "stack build failed");
    harness_note_layer(pattern, NULL);
    return dev;
}

/* HARNESS_UPPER, a bound (-1, the default: every pattern): every upper
 * layer takes this one pattern, when the harness allows it at all (the
 * mutant matrix focuses a harness on the mutated driver with it) */
#ifndef HARNESS_UPPER
#define HARNESS_UPPER (-1)
#endif

PDEVICE_OBJECT harness_choose_stack(int depth, int lowest_lo, int lowest_hi, int upper_lo, int upper_hi)
{
    if (HARNESS_UPPER >= upper_lo && HARNESS_UPPER <= upper_hi)
        upper_lo = upper_hi = HARNESS_UPPER;
    PDEVICE_OBJECT top = harness_add_layer(nondet(lowest_lo, lowest_hi), NULL);
    for (int i = 1; i < depth; i++)
        top = harness_add_layer(nondet(upper_lo, upper_hi), top);
    return top;
}

/* What each request kind sends: major function, IOCTL code, length (of
 * the transfer, or of both device-control buffers). */
static const struct {
    UCHAR major;
    ULONG ioctl;
    ULONG length;
} request_kinds[R_COUNT] = {
    [R_READ] = {IRP_MJ_READ, 0, HARNESS_LENGTH},
    [R_IOCTL_TRANSFER] = {IRP_MJ_DEVICE_CONTROL, IOCTL_SAMPLE_TRANSFER, HARNESS_LENGTH},
    [R_READ_EMPTY] = {IRP_MJ_READ, 0, 0},
    [R_IOCTL_QUERY] = {IRP_MJ_DEVICE_CONTROL, IOCTL_SAMPLE_QUERY_MODE, HARNESS_LENGTH},
    [R_WRITE] = {IRP_MJ_WRITE, 0, HARNESS_LENGTH},
    [R_IOCTL_UNKNOWN] = {IRP_MJ_DEVICE_CONTROL, HARNESS_UNKNOWN_IOCTL, HARNESS_LENGTH},
    [R_IOCTL_QUERY_SHORT] = {IRP_MJ_DEVICE_CONTROL, IOCTL_SAMPLE_QUERY_MODE, HARNESS_SHORT_LENGTH},
    [R_CLEANUP] = {IRP_MJ_CLEANUP, 0, 0},
    [R_CREATE] = {IRP_MJ_CREATE, 0, 0},
    [R_CLOSE] = {IRP_MJ_CLOSE, 0, 0},
};

int harness_submit(PFILE_OBJECT file, int kind)
{
    if (harness_config.attempted <= HARNESS_MAX_REQUESTS)
        harness_config.requests[harness_config.attempted] = kind;
    harness_config.attempted++;
    NTSTATUS returned;
    int r = IrpcSubmit(file, request_kinds[kind].major, request_kinds[kind].ioctl,
                       request_kinds[kind].length, &returned);
    harness_check(r >= 0, IRPC_DEADLOCK, "request could not be submitted (pools too small)");
    return r;
}

int harness_submit_any(PFILE_OBJECT file, int lo, int hi)
{
    harness_check(hi <= R_APP_LAST, IRPC_DEADLOCK, "no such request kind (KINDS bound too large)");
    return harness_submit(file, nondet(lo, hi));
}

void harness_interleave(void)
{
    maybe_cancel();
    if (irpc.deferred_count > 0)
        IrpcRunDeferred(nondet(0, irpc.deferred_count));
}

static int is_created(int kind)
{
    return kind == IRPC_KIND_ALLOC || kind == IRPC_KIND_ASYNC_FSD;
}

void harness_check_quiescence(void)
{
    IrpcQuiesce();
    harness_check(irpc_finding_count == 0, IRPC_OriginatorNotifiedOnce, "findings at quiescence");
    for (int r = 0; r < IRPC_MAX_REQUESTS; r++) {
        const IRPC_REQUEST *q = &irpc.requests[r];
        if (!q->used)
            continue;
        harness_check(q->returned_set, IRPC_OriginatorNotifiedOnce, "top IoCallDriver did not return");
        harness_check(q->delivered == 1, IRPC_OriginatorNotifiedOnce,
                      "request not delivered exactly once");
        if (q->returned != STATUS_PENDING) {
            harness_check(q->delivered_status == q->returned, IRPC_PendingReturnedConsistency,
                          "delivered status differs from what the top IoCallDriver returned");
            if (!NT_ERROR(q->returned))
                harness_check(q->iosb.Status == q->returned, IRPC_OriginatorNotifiedOnce,
                              "status block differs from what the top IoCallDriver returned");
        } else {
            harness_check(q->iosb.Status == q->delivered_status, IRPC_PendingReturnedConsistency,
                          "pending request: status block differs from the completion status");
            harness_check(q->event.SignalState == 1, IRPC_OriginatorNotifiedOnce,
                          "pending request: event not signalled");
        }
    }
    /* every created IRP freed exactly once, every slot free: one pass over
     * the trace counts creations and frees per slot */
    harness_check(irpc_event_count < IRPC_MAX_EVENTS, IRPC_DEADLOCK, "trace buffer full: raise IRPC_MAX_EVENTS");
    int created[IRPC_MAX_IRPS], freed[IRPC_MAX_IRPS];
    for (int i = 0; i < IRPC_MAX_IRPS; i++)
        created[i] = freed[i] = 0;
    for (int e = 0; e < irpc_event_count; e++) {
        const IRPC_EVENT *ev = &irpc_events[e];
        if (ev->irp < 0 || ev->irp >= IRPC_MAX_IRPS)
            continue;
        if (ev->kind == IRPC_EV_ALLOC && is_created(ev->aux))
            created[ev->irp]++;
        else if (ev->kind == IRPC_EV_FREE)
            freed[ev->irp]++;
    }
    for (int i = 0; i < IRPC_MAX_IRPS; i++) {
        harness_check(created[i] == freed[i], IRPC_AllocatedIrpLeak, "a created IRP was not freed exactly once");
        harness_check(irpc.life[i].state == IRPC_ST_FREE, IRPC_AllocatedIrpLeak,
                      "an IRP is still allocated at quiescence");
    }
}
