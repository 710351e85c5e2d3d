/*
 * test_violations.c - every rule of the catalogue, and the Deadlock
 * diagnostic, can fail: for each, a test-local driver with a realistic bug
 * (or a wrong call sequence) makes the reference report it.  Where it is
 * cheap, the same driver with the bug switched off is run as the correct
 * counterpart and must produce no finding at all ("/correct" tests).
 *
 * Each driver reads the global `bug`: the rule id whose bug it should
 * commit, or NO_BUG.  Where a rule is reported at a call site, the test
 * also checks that the finding points at that call in this file: the line
 * is recorded by the statement sharing the call's line (`x_line = __LINE__;
 * Call(...);`).
 */
#include <stdio.h>
#include <string.h>
#include "test.h"

#define NO_BUG (-1)
#define BUG(rule) (bug == IRPC_##rule)

static int bug = NO_BUG;
static DRIVER_OBJECT vdrivers[3];
static PDEVICE_OBJECT v_bottom, v_top;
static int site_line;             /* the call that breaks the rule */

/* ---- helpers ---------------------------------------------------------------- */
static PDEVICE_OBJECT add_device(int i, PDRIVER_DISPATCH dispatch, PDEVICE_OBJECT lower)
{
    IrpcInitDriver(&vdrivers[i]);
    for (int m = 0; m <= IRP_MJ_MAXIMUM_FUNCTION; m++)
        vdrivers[i].MajorFunction[m] = dispatch;
    return IrpcCreateDevice(&vdrivers[i], lower);
}

/* A one-device stack of a test-local lowest-level driver. */
static PDEVICE_OBJECT lone(PDRIVER_DISPATCH dispatch, int bug_rule)
{
    IrpcReset();
    bug = bug_rule;
    site_line = 0;
    v_bottom = v_top = add_device(0, dispatch, NULL);
    return v_top;
}

/* A test-local filter over the sample lowest-level driver, which completes
 * transfers in dispatch (inline) or pends them and completes them from its
 * DPC. */
static PDEVICE_OBJECT over_lowest(PDRIVER_DISPATCH dispatch, int bug_rule, BOOLEAN inline_lower)
{
    LAYER l[] = {L_LOWEST};
    v_bottom = stack_build(l, 1, NULL);
    lowest_ext(v_bottom)->CompleteInline = inline_lower;
    bug = bug_rule;
    site_line = 0;
    v_top = add_device(0, dispatch, v_bottom);
    return v_top;
}

static int submit(PDEVICE_OBJECT top, UCHAR major, ULONG length, NTSTATUS *ret)
{
    return IrpcSubmit(IrpcOpenFile(top), major, IOCTL_SAMPLE_TRANSFER, length, ret);
}

/* Does a finding of `rule` point at `line` of this file? */
static int found_at(int rule, int line)
{
    int kept = irpc_finding_count < IRPC_MAX_FINDINGS ? irpc_finding_count : IRPC_MAX_FINDINGS;
    for (int i = 0; i < kept; i++) {
        const IRPC_FINDING *f = &irpc_findings[i];
        if (f->rule == rule && f->file != NULL && strstr(f->file, "test_violations.c") != NULL &&
            f->line == line)
            return 1;
    }
    return 0;
}

#define CHECK_SITE(rule, line) do { if (!found_at(IRPC_##rule, (line))) { char m_[200]; \
    snprintf(m_, sizeof m_, "expected a %s finding at test_violations.c:%d", #rule, (line)); \
    IrpcPrintFindings(stdout); test_fail(__FILE__, __LINE__, m_); return; } } while (0)

/* Each scenario is `static void name(int bugged)`; PAIR makes the two tests. */
#define PAIR(name) \
    static void name##_bug(void) { name(1); } \
    static void name##_ok(void) { name(0); }

/* ============================================================================
 * Test-local lowest-level drivers
 * ========================================================================= */

/* DoubleCompletion: the error path completes the IRP and then falls through
 * to the common exit, which completes it again. */
static NTSTATUS DoubleCompleteDispatch(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PIO_STACK_LOCATION s = IoGetCurrentIrpStackLocation(Irp);
    NTSTATUS status = STATUS_SUCCESS;
    UNREFERENCED_PARAMETER(DeviceObject);
    if (s->Parameters.Read.Length == 0) {
        status = STATUS_INVALID_PARAMETER;
        Irp->IoStatus.Status = status;
        Irp->IoStatus.Information = 0;
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
        if (!BUG(DoubleCompletion))
            return status;
    } else {
        Irp->IoStatus.Status = status;
        Irp->IoStatus.Information = s->Parameters.Read.Length;
    }
    site_line = __LINE__; IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}

static void double_completion_error_path(int bugged)
{
    PDEVICE_OBJECT top = lone(DoubleCompleteDispatch, bugged ? IRPC_DoubleCompletion : NO_BUG);
    NTSTATUS ret;
    int r = submit(top, IRP_MJ_READ, 0, &ret);
    CHECK(r >= 0);
    CHECK_EQ(ret, STATUS_INVALID_PARAMETER);
    int good = submit(top, IRP_MJ_READ, 8, &ret);
    CHECK_EQ(ret, STATUS_SUCCESS);
    CHECK_EQ(irpc.requests[good].iosb.Information, 8);
    IrpcQuiesce();
    if (!bugged) {
        CHECK_CLEAN();
        return;
    }
    CHECK_RULE(DoubleCompletion);
    CHECK_SITE(DoubleCompletion, site_line);
    CHECK_EQ(IrpcFindingCount(IRPC_IrpAccessAfterRelease), 0);
}
PAIR(double_completion_error_path)

/* IrpProcessingComplete: a request the driver does not support is
 * "rejected" by returning an error - without completing it. */
static NTSTATUS RejectDispatch(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    if (IoGetCurrentIrpStackLocation(Irp)->MajorFunction != IRP_MJ_READ) {
        if (BUG(IrpProcessingComplete))
            return STATUS_NOT_SUPPORTED;
        Irp->IoStatus.Status = STATUS_NOT_SUPPORTED;
        Irp->IoStatus.Information = 0;
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
        return STATUS_NOT_SUPPORTED;
    }
    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

static void irp_processing_complete(int bugged)
{
    PDEVICE_OBJECT top = lone(RejectDispatch, bugged ? IRPC_IrpProcessingComplete : NO_BUG);
    NTSTATUS ret;
    int r = submit(top, IRP_MJ_WRITE, 4, &ret);
    CHECK(r >= 0);
    CHECK_EQ(ret, STATUS_NOT_SUPPORTED);
    IrpcQuiesce();
    if (!bugged) {
        CHECK_CLEAN();
        return;
    }
    CHECK_RULE(IrpProcessingComplete);
    CHECK_RULE(OriginatorNotifiedOnce);   /* and so the request never comes back */
    CHECK_EQ(irpc.requests[r].delivered, 0);
}
PAIR(irp_processing_complete)

/* A lowest-level driver that pends reads and completes them from a DPC
 * (one IRP at a time, kept in a variable). */
static PIRP held_irp;
static KDPC held_dpc;
static int held_dpc_line;

static VOID HeldDpc(PKDPC Dpc, PVOID Context, PVOID Arg1, PVOID Arg2)
{
    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(Context);
    UNREFERENCED_PARAMETER(Arg1);
    UNREFERENCED_PARAMETER(Arg2);
    PIRP irp = held_irp;
    held_irp = NULL;
    if (irp == NULL)
        return;
    if (!BUG(CompleteRequestStatusCheck))
        irp->IoStatus.Status = STATUS_SUCCESS;
    irp->IoStatus.Information = 8;
    held_dpc_line = __LINE__; IoCompleteRequest(irp, IO_NO_INCREMENT);
}

/* MarkIrpPending2: returns STATUS_PENDING without IoMarkIrpPending.
 * MarkingQueuedIrps (DPC form): hands the IRP to the DPC before marking it.
 * CompleteRequestStatusCheck: sets IoStatus.Status to STATUS_PENDING when it
 * pends and the DPC forgets to set the final status.
 * OriginatorNotifiedOnce: pends the IRP and never starts the transfer. */
static NTSTATUS HoldDispatch(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    held_irp = Irp;
    if (BUG(CompleteRequestStatusCheck))
        Irp->IoStatus.Status = STATUS_PENDING;
    if (BUG(MarkingQueuedIrps)) {
        site_line = __LINE__; KeInsertQueueDpc(&held_dpc, Irp, NULL);
        IoMarkIrpPending(Irp);
        return STATUS_PENDING;
    }
    if (!BUG(MarkIrpPending2))
        IoMarkIrpPending(Irp);
    if (!BUG(OriginatorNotifiedOnce))
        KeInsertQueueDpc(&held_dpc, Irp, NULL);
    return STATUS_PENDING;
}

static PDEVICE_OBJECT hold_stack(int bug_rule)
{
    PDEVICE_OBJECT top = lone(HoldDispatch, bug_rule);
    held_irp = NULL;
    KeInitializeDpc(&held_dpc, HeldDpc, top);
    return top;
}

static void mark_irp_pending2(int bugged)
{
    PDEVICE_OBJECT top = hold_stack(bugged ? IRPC_MarkIrpPending2 : NO_BUG);
    NTSTATUS ret;
    int r = submit(top, IRP_MJ_READ, 8, &ret);
    CHECK_EQ(ret, STATUS_PENDING);
    IrpcQuiesce();
    CHECK_EQ(irpc.requests[r].delivered, 1);
    if (!bugged) {
        CHECK_CLEAN();
        return;
    }
    CHECK_RULE(MarkIrpPending2);
    CHECK_RULE(PendingReturnedConsistency);   /* the application sees PendingReturned FALSE */
}
PAIR(mark_irp_pending2)

/* A test-local filter over the holding driver above: unlike the sample
 * lowest-level driver, its DPC does not look into the IRP's stack, so it
 * survives a filter that completed the IRP under it. */
static PDEVICE_OBJECT over_holder(PDRIVER_DISPATCH dispatch, int bug_rule)
{
    v_bottom = hold_stack(NO_BUG);
    bug = bug_rule;
    v_top = add_device(1, dispatch, v_bottom);
    return v_top;
}

static void marking_queued_irps_dpc(void)
{
    PDEVICE_OBJECT top = hold_stack(IRPC_MarkingQueuedIrps);
    NTSTATUS ret;
    submit(top, IRP_MJ_READ, 8, &ret);
    IrpcQuiesce();
    CHECK_RULE(MarkingQueuedIrps);
    CHECK_SITE(MarkingQueuedIrps, site_line);
}

static void complete_request_status_check(int bugged)
{
    PDEVICE_OBJECT top = hold_stack(bugged ? IRPC_CompleteRequestStatusCheck : NO_BUG);
    NTSTATUS ret;
    int r = submit(top, IRP_MJ_READ, 8, &ret);
    CHECK_EQ(ret, STATUS_PENDING);
    IrpcQuiesce();
    CHECK_EQ(irpc.requests[r].delivered, 1);
    if (!bugged) {
        CHECK_CLEAN();
        return;
    }
    CHECK_RULE(CompleteRequestStatusCheck);
    CHECK_SITE(CompleteRequestStatusCheck, held_dpc_line);
}
PAIR(complete_request_status_check)

static void originator_notified_once(int bugged)
{
    PDEVICE_OBJECT top = hold_stack(bugged ? IRPC_OriginatorNotifiedOnce : NO_BUG);
    NTSTATUS ret;
    int r = submit(top, IRP_MJ_READ, 8, &ret);
    CHECK_EQ(ret, STATUS_PENDING);
    IrpcQuiesce();
    if (!bugged) {
        CHECK_EQ(irpc.requests[r].delivered, 1);
        CHECK_CLEAN();
        return;
    }
    CHECK_EQ(irpc.requests[r].delivered, 0);
    CHECK_RULE(OriginatorNotifiedOnce);
    CHECK_EQ(irpc_finding_count, 1);
}
PAIR(originator_notified_once)

/* PendedCompletedRequest, StatusMismatch, CompletionPriorityBoost,
 * CompletionIrql (call form), NoNextStackLocation, IoAllocateFree (an IRP
 * the driver did not create): a lowest-level driver that completes every
 * request in dispatch, each bug on its own path. */
static IO_COMPLETION_ROUTINE NeverCalledRoutine;
static NTSTATUS NeverCalledRoutine(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    UNREFERENCED_PARAMETER(Irp);
    UNREFERENCED_PARAMETER(Context);
    return STATUS_CONTINUE_COMPLETION;
}

static NTSTATUS InlineDispatch(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PIO_STACK_LOCATION s = IoGetCurrentIrpStackLocation(Irp);
    NTSTATUS status = STATUS_PENDING;     /* "not finished yet" */
    UNREFERENCED_PARAMETER(DeviceObject);
    if (BUG(NoNextStackLocation)) {
        /* a lowest-level driver has no next location to register a routine in */
        site_line = __LINE__; IoSetCompletionRoutine(Irp, NeverCalledRoutine, NULL, TRUE, TRUE, TRUE);
    }
    if (BUG(IoAllocateFree)) {
        /* "drop" a request it cannot serve: IoFreeIrp on an IRP it did not create */
        site_line = __LINE__; IoFreeIrp(Irp);
    }
    if (s->Parameters.Read.Length == 0) {
        Irp->IoStatus.Status = STATUS_INVALID_PARAMETER;
        Irp->IoStatus.Information = 0;
        site_line = __LINE__; IoCompleteRequest(Irp, BUG(CompletionPriorityBoost) ? IO_DISK_INCREMENT : IO_NO_INCREMENT);
        /* StatusMismatch: reports success for a request it failed */
        return BUG(StatusMismatch) ? STATUS_SUCCESS : STATUS_INVALID_PARAMETER;
    }
    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = s->Parameters.Read.Length;
    if (BUG(CompletionIrql)) {
        /* completes from "interrupt" level */
        KIRQL old;
        KeRaiseIrql(DISPATCH_LEVEL + 3, &old);
        site_line = __LINE__; IoCompleteRequest(Irp, IO_DISK_INCREMENT);
        KeLowerIrql(old);
    } else {
        IoCompleteRequest(Irp, IO_DISK_INCREMENT);
    }
    /* PendedCompletedRequest: the fast path forgets to update `status` */
    if (!BUG(PendedCompletedRequest))
        status = STATUS_SUCCESS;
    return status;
}

static void pended_completed_request(int bugged)
{
    PDEVICE_OBJECT top = lone(InlineDispatch, bugged ? IRPC_PendedCompletedRequest : NO_BUG);
    NTSTATUS ret;
    int r = submit(top, IRP_MJ_READ, 8, &ret);
    CHECK_EQ(irpc.requests[r].delivered, 1);
    IrpcQuiesce();
    if (!bugged) {
        CHECK_EQ(ret, STATUS_SUCCESS);
        CHECK_CLEAN();
        return;
    }
    CHECK_EQ(ret, STATUS_PENDING);
    CHECK_RULE(PendedCompletedRequest);
}
PAIR(pended_completed_request)

static void status_mismatch(int bugged)
{
    PDEVICE_OBJECT top = lone(InlineDispatch, bugged ? IRPC_StatusMismatch : NO_BUG);
    NTSTATUS ret;
    submit(top, IRP_MJ_READ, 0, &ret);
    CHECK_EQ(ret, bugged ? STATUS_SUCCESS : STATUS_INVALID_PARAMETER);
    IrpcQuiesce();
    if (!bugged) {
        CHECK_CLEAN();
        return;
    }
    CHECK_RULE(StatusMismatch);
    CHECK_EQ(irpc_finding_count, 1);
}
PAIR(status_mismatch)

static void completion_priority_boost(int bugged)
{
    PDEVICE_OBJECT top = lone(InlineDispatch, bugged ? IRPC_CompletionPriorityBoost : NO_BUG);
    NTSTATUS ret;
    submit(top, IRP_MJ_READ, 0, &ret);
    submit(top, IRP_MJ_READ, 8, &ret);   /* success with a boost is fine */
    IrpcQuiesce();
    if (!bugged) {
        CHECK_CLEAN();
        return;
    }
    CHECK_RULE(CompletionPriorityBoost);
    CHECK_SITE(CompletionPriorityBoost, site_line);
    CHECK_EQ(irpc_finding_count, 1);
}
PAIR(completion_priority_boost)

static void completion_irql_call(int bugged)
{
    PDEVICE_OBJECT top = lone(InlineDispatch, bugged ? IRPC_CompletionIrql : NO_BUG);
    NTSTATUS ret;
    submit(top, IRP_MJ_READ, 8, &ret);
    CHECK_EQ(ret, STATUS_SUCCESS);
    IrpcQuiesce();
    if (!bugged) {
        CHECK_CLEAN();
        return;
    }
    CHECK_RULE(CompletionIrql);
    CHECK_SITE(CompletionIrql, site_line);
}
PAIR(completion_irql_call)

static void no_next_stack_location(int bugged)
{
    PDEVICE_OBJECT top = lone(InlineDispatch, bugged ? IRPC_NoNextStackLocation : NO_BUG);
    NTSTATUS ret;
    submit(top, IRP_MJ_READ, 8, &ret);
    CHECK_EQ(ret, STATUS_SUCCESS);
    IrpcQuiesce();
    if (!bugged) {
        CHECK_CLEAN();
        return;
    }
    CHECK_RULE(NoNextStackLocation);
    CHECK_SITE(NoNextStackLocation, site_line);
}
PAIR(no_next_stack_location)

static void io_allocate_free_not_creator(void)
{
    PDEVICE_OBJECT top = lone(InlineDispatch, IRPC_IoAllocateFree);
    NTSTATUS ret;
    submit(top, IRP_MJ_READ, 8, &ret);
    IrpcQuiesce();
    CHECK_RULE(IoAllocateFree);
    CHECK_SITE(IoAllocateFree, site_line);
}

/* NoNextStackLocation, second form: a lowest-level driver that copies its
 * location "to the next" and calls a device below that does not exist for
 * this IRP (the IRP was built for the one-device stack). */
static NTSTATUS CopyDownDispatch(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    site_line = __LINE__; IoCopyCurrentIrpStackLocationToNext(Irp);
    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

static void no_next_stack_location_copy(void)
{
    PDEVICE_OBJECT top = lone(CopyDownDispatch, NO_BUG);
    NTSTATUS ret;
    submit(top, IRP_MJ_READ, 8, &ret);
    IrpcQuiesce();
    CHECK_RULE(NoNextStackLocation);
    CHECK_SITE(NoNextStackLocation, site_line);
}

/* ============================================================================
 * A queueing lowest-level driver: IRPs are marked pending, made cancelable
 * and queued under a spin lock; a DPC dequeues and completes them; cleanup
 * completes the queued IRPs of its file object.  Its bugs:
 *   MarkingQueuedIrps         marks pending after releasing the queue lock
 *   SpinLockSafe              the DPC completes while holding the queue lock
 *   CompleteWithCancelRoutine the DPC does not take back the cancel routine
 *   CleanupCompletesQueued    cleanup completes only the cleanup IRP
 *   CompletionPriorityBoost   errors completed with IO_DISK_INCREMENT
 * ========================================================================= */
static KSPIN_LOCK q_lock;
static LIST_ENTRY q_head;
static KDPC q_dpc;
static int q_finish_line, q_release_line, q_cleanup_line;

static void QFinish(PIRP Irp, NTSTATUS Status, ULONG_PTR Information)
{
    KPRIORITY_BOOST boost = NT_ERROR(Status) && !BUG(CompletionPriorityBoost) ? IO_NO_INCREMENT
                                                                              : IO_DISK_INCREMENT;
    Irp->IoStatus.Status = Status;
    Irp->IoStatus.Information = Information;
    q_finish_line = __LINE__; IoCompleteRequest(Irp, boost);
}

static VOID QCancel(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    KIRQL irql;
    UNREFERENCED_PARAMETER(DeviceObject);
    IoReleaseCancelSpinLock(Irp->CancelIrql);
    KeAcquireSpinLock(&q_lock, &irql);
    RemoveEntryList(&Irp->Tail.Overlay.ListEntry);
    InitializeListHead(&Irp->Tail.Overlay.ListEntry);
    KeReleaseSpinLock(&q_lock, irql);
    QFinish(Irp, STATUS_CANCELLED, 0);
}

static VOID QDpc(PKDPC Dpc, PVOID Context, PVOID Arg1, PVOID Arg2)
{
    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(Context);
    UNREFERENCED_PARAMETER(Arg1);
    UNREFERENCED_PARAMETER(Arg2);
    for (;;) {
        KIRQL irql;
        KeAcquireSpinLock(&q_lock, &irql);
        if (IsListEmpty(&q_head)) {
            KeReleaseSpinLock(&q_lock, irql);
            return;
        }
        PLIST_ENTRY entry = RemoveHeadList(&q_head);
        InitializeListHead(entry);
        PIRP irp = CONTAINING_RECORD(entry, IRP, Tail.Overlay.ListEntry);
        if (!BUG(CompleteWithCancelRoutine) && IoSetCancelRoutine(irp, NULL) == NULL) {
            KeReleaseSpinLock(&q_lock, irql);   /* the cancel routine completes it */
            continue;
        }
        ULONG length = IoGetCurrentIrpStackLocation(irp)->Parameters.Read.Length;
        if (BUG(SpinLockSafe)) {
            QFinish(irp, STATUS_SUCCESS, length);
            KeReleaseSpinLock(&q_lock, irql);
            continue;
        }
        KeReleaseSpinLock(&q_lock, irql);
        QFinish(irp, STATUS_SUCCESS, length);
    }
}

static NTSTATUS QCleanup(PIRP Irp)
{
    PFILE_OBJECT file = IoGetCurrentIrpStackLocation(Irp)->FileObject;
    PIRP mine[IRPC_MAX_IRPS];
    int n = 0;
    KIRQL irql;
    if (!BUG(CleanupCompletesQueued)) {
        KeAcquireSpinLock(&q_lock, &irql);
        PLIST_ENTRY entry = q_head.Flink;
        while (entry != &q_head && n < IRPC_MAX_IRPS) {
            PLIST_ENTRY next = entry->Flink;
            PIRP queued = CONTAINING_RECORD(entry, IRP, Tail.Overlay.ListEntry);
            if (IoGetCurrentIrpStackLocation(queued)->FileObject == file &&
                IoSetCancelRoutine(queued, NULL) != NULL) {
                RemoveEntryList(entry);
                InitializeListHead(entry);
                mine[n++] = queued;
            }
            entry = next;
        }
        KeReleaseSpinLock(&q_lock, irql);
        for (int i = 0; i < n; i++)
            QFinish(mine[i], STATUS_CANCELLED, 0);
    }
    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    q_cleanup_line = __LINE__; IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

static NTSTATUS QDispatch(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PIO_STACK_LOCATION s = IoGetCurrentIrpStackLocation(Irp);
    KIRQL irql;
    UNREFERENCED_PARAMETER(DeviceObject);
    if (s->MajorFunction == IRP_MJ_CLEANUP)
        return QCleanup(Irp);
    if (s->MajorFunction != IRP_MJ_READ) {
        QFinish(Irp, STATUS_INVALID_DEVICE_REQUEST, 0);
        return STATUS_INVALID_DEVICE_REQUEST;
    }
    if (s->Parameters.Read.Length == 0) {
        QFinish(Irp, STATUS_INVALID_PARAMETER, 0);
        return STATUS_INVALID_PARAMETER;
    }
    if (!BUG(MarkingQueuedIrps))
        IoMarkIrpPending(Irp);
    KeAcquireSpinLock(&q_lock, &irql);
    IoSetCancelRoutine(Irp, QCancel);
    InsertTailList(&q_head, &Irp->Tail.Overlay.ListEntry);
    q_release_line = __LINE__; KeReleaseSpinLock(&q_lock, irql);
    if (BUG(MarkingQueuedIrps))
        IoMarkIrpPending(Irp);
    KeInsertQueueDpc(&q_dpc, NULL, NULL);
    return STATUS_PENDING;
}

static PDEVICE_OBJECT queue_stack(int bug_rule)
{
    PDEVICE_OBJECT top = lone(QDispatch, bug_rule);
    KeInitializeSpinLock(&q_lock);
    InitializeListHead(&q_head);
    KeInitializeDpc(&q_dpc, QDpc, top);
    return top;
}

/* One read through the queue, completed by the DPC at quiescence. */
static int queue_one_read(int bug_rule)
{
    PDEVICE_OBJECT top = queue_stack(bug_rule);
    NTSTATUS ret;
    int r = submit(top, IRP_MJ_READ, 8, &ret);
    if (ret != STATUS_PENDING)
        return -1;
    IrpcQuiesce();
    return r;
}

static void marking_queued_irps(int bugged)
{
    int r = queue_one_read(bugged ? IRPC_MarkingQueuedIrps : NO_BUG);
    CHECK(r >= 0);
    CHECK_EQ(irpc.requests[r].delivered, 1);
    if (!bugged) {
        CHECK_CLEAN();
        return;
    }
    CHECK_RULE(MarkingQueuedIrps);
    CHECK_SITE(MarkingQueuedIrps, q_release_line);
}
PAIR(marking_queued_irps)

static void spin_lock_safe(int bugged)
{
    int r = queue_one_read(bugged ? IRPC_SpinLockSafe : NO_BUG);
    CHECK(r >= 0);
    CHECK_EQ(irpc.requests[r].delivered, 1);
    if (!bugged) {
        CHECK_CLEAN();
        return;
    }
    CHECK_RULE(SpinLockSafe);
    CHECK_SITE(SpinLockSafe, q_finish_line);
}
PAIR(spin_lock_safe)

static void complete_with_cancel_routine(int bugged)
{
    int r = queue_one_read(bugged ? IRPC_CompleteWithCancelRoutine : NO_BUG);
    CHECK(r >= 0);
    CHECK_EQ(irpc.requests[r].delivered, 1);
    if (!bugged) {
        CHECK_CLEAN();
        return;
    }
    CHECK_RULE(CompleteWithCancelRoutine);
    CHECK_SITE(CompleteWithCancelRoutine, q_finish_line);
}
PAIR(complete_with_cancel_routine)

static void completion_priority_boost_queue(int bugged)
{
    PDEVICE_OBJECT top = queue_stack(bugged ? IRPC_CompletionPriorityBoost : NO_BUG);
    NTSTATUS ret;
    int r = submit(top, IRP_MJ_READ, 8, &ret);
    CHECK_EQ(ret, STATUS_PENDING);
    CHECK_EQ(IrpcCancelRequest(r), TRUE);          /* completed STATUS_CANCELLED */
    CHECK_EQ(irpc.requests[r].iosb.Status, STATUS_CANCELLED);
    IrpcQuiesce();
    if (!bugged) {
        CHECK_CLEAN();
        return;
    }
    CHECK_RULE(CompletionPriorityBoost);
    CHECK_SITE(CompletionPriorityBoost, q_finish_line);
}
PAIR(completion_priority_boost_queue)

static void cleanup_completes_queued(int bugged)
{
    PDEVICE_OBJECT top = queue_stack(bugged ? IRPC_CleanupCompletesQueued : NO_BUG);
    PFILE_OBJECT file = IrpcOpenFile(top);
    PFILE_OBJECT other = IrpcOpenFile(top);
    NTSTATUS r1, r2, r3;
    int a = IrpcSubmit(file, IRP_MJ_READ, 0, 8, &r1);
    int b = IrpcSubmit(file, IRP_MJ_READ, 0, 8, &r2);
    int c = IrpcSubmit(other, IRP_MJ_READ, 0, 8, &r3);
    CHECK_EQ(r1, STATUS_PENDING);
    CHECK_EQ(r2, STATUS_PENDING);
    CHECK_EQ(r3, STATUS_PENDING);
    CHECK_EQ(IrpcCleanupFile(file), STATUS_SUCCESS);
    if (!bugged) {
        CHECK_EQ(irpc.requests[a].iosb.Status, STATUS_CANCELLED);
        CHECK_EQ(irpc.requests[b].iosb.Status, STATUS_CANCELLED);
        CHECK_EQ(irpc.requests[c].delivered, 0);   /* another file's IRP stays queued */
    }
    IrpcQuiesce();
    CHECK_EQ(irpc.requests[c].iosb.Status, STATUS_SUCCESS);
    if (!bugged) {
        CHECK_CLEAN();
        return;
    }
    CHECK_RULE(CleanupCompletesQueued);
    CHECK_SITE(CleanupCompletesQueued, q_cleanup_line);
    CHECK_EQ(IrpcFindingCount(IRPC_CleanupCompletesQueued), 2);   /* a and b, not c */
}
PAIR(cleanup_completes_queued)

/* ============================================================================
 * Test-local filters over the sample lowest-level driver
 * ========================================================================= */

/* CompleteRequest: passes the IRP down and, when the lower driver pends it,
 * "finishes" it itself as well. */
static NTSTATUS ForwardAndCompleteDispatch(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    IoSkipCurrentIrpStackLocation(Irp);
    NTSTATUS status = IoCallDriver(v_bottom, Irp);
    if (BUG(CompleteRequest) && status == STATUS_PENDING) {
        site_line = __LINE__; IoCompleteRequest(Irp, IO_NO_INCREMENT);
    }
    return status;
}

static void complete_request_after_forward(int bugged)
{
    PDEVICE_OBJECT top = over_holder(ForwardAndCompleteDispatch, bugged ? IRPC_CompleteRequest : NO_BUG);
    NTSTATUS ret;
    int r = submit(top, IRP_MJ_READ, 8, &ret);
    CHECK_EQ(ret, STATUS_PENDING);
    IrpcQuiesce();
    if (!bugged) {
        CHECK_EQ(irpc.requests[r].delivered, 1);
        CHECK_CLEAN();
        return;
    }
    CHECK_RULE(CompleteRequest);
    CHECK_SITE(CompleteRequest, site_line);
}
PAIR(complete_request_after_forward)

/* Forward and wait (the fwdwait sample's pattern) with a switchable bug:
 *   CompleteRequest   does not wait when IoCallDriver returned STATUS_PENDING
 *   DoubleCompletion  the routine returns STATUS_CONTINUE_COMPLETION instead of
 *                     STATUS_MORE_PROCESSING_REQUIRED, then dispatch completes again
 *   IRPC_DEADLOCK     the routine forgets to signal the event
 *   CompletionEventChecking  the routine also propagates the pending bit */
static KEVENT fw_event;
static IO_COMPLETION_ROUTINE FwRoutine;

static NTSTATUS FwRoutine(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    if (BUG(CompletionEventChecking) && Irp->PendingReturned)
        IoMarkIrpPending(Irp);
    if (bug != IRPC_DEADLOCK)
        KeSetEvent((PKEVENT)Context, IO_NO_INCREMENT, FALSE);
    return BUG(DoubleCompletion) ? STATUS_CONTINUE_COMPLETION : STATUS_MORE_PROCESSING_REQUIRED;
}

static NTSTATUS FwDispatch(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    KeInitializeEvent(&fw_event, NotificationEvent, FALSE);
    IoCopyCurrentIrpStackLocationToNext(Irp);
    IoSetCompletionRoutine(Irp, FwRoutine, &fw_event, TRUE, TRUE, TRUE);
    NTSTATUS status = IoCallDriver(v_bottom, Irp);
    if (status == STATUS_PENDING && !BUG(CompleteRequest))
        KeWaitForSingleObject(&fw_event, Executive, KernelMode, FALSE, NULL);
    status = BUG(DoubleCompletion) ? STATUS_SUCCESS : Irp->IoStatus.Status;
    if (BUG(CompleteRequest))
        status = STATUS_SUCCESS;
    site_line = __LINE__; IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}

static void forward_wait(int bug_rule, BOOLEAN inline_lower, int *request)
{
    PDEVICE_OBJECT top = over_lowest(FwDispatch, bug_rule, inline_lower);
    NTSTATUS ret;
    *request = submit(top, IRP_MJ_READ, 8, &ret);
    IrpcQuiesce();
}

static void forward_wait_correct(void)
{
    for (int inl = 0; inl <= 1; inl++) {
        int r;
        forward_wait(NO_BUG, (BOOLEAN)inl, &r);
        CHECK_EQ(irpc.requests[r].delivered, 1);
        CHECK_EQ(irpc.requests[r].iosb.Status, STATUS_SUCCESS);
        CHECK_CLEAN();
    }
}

static void complete_request_no_wait(void)
{
    NTSTATUS ret;
    submit(over_holder(FwDispatch, IRPC_CompleteRequest), IRP_MJ_READ, 8, &ret);
    IrpcQuiesce();
    CHECK_RULE(CompleteRequest);
    CHECK_SITE(CompleteRequest, site_line);
}

static void double_completion_routine_continues(void)
{
    int r;
    forward_wait(IRPC_DoubleCompletion, TRUE, &r);
    CHECK_RULE(DoubleCompletion);
    CHECK_SITE(DoubleCompletion, site_line);
}

static void deadlock_routine_never_signals(void)
{
    int r;
    forward_wait(IRPC_DEADLOCK, FALSE, &r);
    CHECK_RULE(DEADLOCK);
}

static void completion_event_checking(void)
{
    int r;
    forward_wait(IRPC_CompletionEventChecking, FALSE, &r);
    CHECK_RULE(CompletionEventChecking);
}

/* DoubleCompletion while the completion is under way: a filter's routine
 * completes the IRP itself instead of letting the walk go on. */
static IO_COMPLETION_ROUTINE CompletingRoutine;
static NTSTATUS CompletingRoutine(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    UNREFERENCED_PARAMETER(Context);
    site_line = __LINE__; IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_CONTINUE_COMPLETION;
}

static NTSTATUS CompletingRoutineDispatch(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    IoCopyCurrentIrpStackLocationToNext(Irp);
    IoSetCompletionRoutine(Irp, CompletingRoutine, NULL, TRUE, TRUE, TRUE);
    return IoCallDriver(v_bottom, Irp);
}

static void double_completion_in_routine(void)
{
    PDEVICE_OBJECT top = over_lowest(CompletingRoutineDispatch, NO_BUG, TRUE);
    NTSTATUS ret;
    submit(top, IRP_MJ_READ, 8, &ret);
    IrpcQuiesce();
    CHECK_RULE(DoubleCompletion);
    CHECK_SITE(DoubleCompletion, site_line);
}

/* IrpAccessAfterRelease: counts reads - looking at the IRP after passing it on. */
static int reads_seen;
static NTSTATUS CountingDispatch(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    if (!BUG(IrpAccessAfterRelease) && IoGetCurrentIrpStackLocation(Irp)->MajorFunction == IRP_MJ_READ)
        reads_seen++;
    IoSkipCurrentIrpStackLocation(Irp);
    NTSTATUS status = IoCallDriver(v_bottom, Irp);
    if (BUG(IrpAccessAfterRelease)) {
        site_line = __LINE__; PIO_STACK_LOCATION s = IoGetCurrentIrpStackLocation(Irp);
        if (s != NULL && s->MajorFunction == IRP_MJ_READ)   /* NULL: the reference's IRP is already completed */
            reads_seen++;
    }
    return status;
}

static void irp_access_after_release(int bugged)
{
    for (int inl = 0; inl <= 1; inl++) {
        PDEVICE_OBJECT top = over_lowest(CountingDispatch, bugged ? IRPC_IrpAccessAfterRelease : NO_BUG,
                                         (BOOLEAN)inl);
        NTSTATUS ret;
        submit(top, IRP_MJ_READ, 8, &ret);
        IrpcQuiesce();
        if (!bugged) {
            CHECK_CLEAN();
            continue;
        }
        CHECK_RULE(IrpAccessAfterRelease);
        CHECK_SITE(IrpAccessAfterRelease, site_line);
    }
}
PAIR(irp_access_after_release)

/* MarkIrpPending: marks pending, forwards, and returns what IoCallDriver
 * returned instead of STATUS_PENDING. */
static NTSTATUS MarkForwardDispatch(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    IoMarkIrpPending(Irp);
    IoCopyCurrentIrpStackLocationToNext(Irp);
    NTSTATUS status = IoCallDriver(v_bottom, Irp);
    return BUG(MarkIrpPending) ? status : STATUS_PENDING;
}

static void mark_irp_pending(int bugged)
{
    PDEVICE_OBJECT top = over_lowest(MarkForwardDispatch, bugged ? IRPC_MarkIrpPending : NO_BUG, TRUE);
    NTSTATUS ret;
    int r = submit(top, IRP_MJ_READ, 8, &ret);
    IrpcQuiesce();
    CHECK_EQ(irpc.requests[r].delivered, 1);
    if (!bugged) {
        CHECK_EQ(ret, STATUS_PENDING);
        CHECK_CLEAN();
        return;
    }
    CHECK_EQ(ret, STATUS_SUCCESS);
    CHECK_RULE(MarkIrpPending);
}
PAIR(mark_irp_pending)

/* LowerDriverReturn: passes the IRP down and returns STATUS_SUCCESS. */
static NTSTATUS SuccessFilterDispatch(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    IoSkipCurrentIrpStackLocation(Irp);
    NTSTATUS status = IoCallDriver(v_bottom, Irp);
    return BUG(LowerDriverReturn) ? STATUS_SUCCESS : status;
}

static void lower_driver_return(int bugged)
{
    PDEVICE_OBJECT top = over_lowest(SuccessFilterDispatch, bugged ? IRPC_LowerDriverReturn : NO_BUG, FALSE);
    NTSTATUS ret;
    int r = submit(top, IRP_MJ_READ, 8, &ret);
    IrpcQuiesce();
    CHECK_EQ(irpc.requests[r].delivered, 1);
    if (!bugged) {
        CHECK_EQ(ret, STATUS_PENDING);
        CHECK_CLEAN();
        return;
    }
    CHECK_EQ(ret, STATUS_SUCCESS);
    CHECK_RULE(LowerDriverReturn);
}
PAIR(lower_driver_return)

/* A filter whose routine lets completion continue:
 *   CompletionRoutinePending    forgets if (Irp->PendingReturned) IoMarkIrpPending(Irp)
 *   PendingReturnedConsistency  calls IoMarkIrpPending unconditionally
 *   CompletionIrql              raises the IRQL and does not lower it */
static IO_COMPLETION_ROUTINE PropRoutine;
static NTSTATUS PropRoutine(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    UNREFERENCED_PARAMETER(Context);
    if (BUG(CompletionIrql)) {
        KIRQL old;
        KeRaiseIrql(DISPATCH_LEVEL, &old);   /* ... and no KeLowerIrql(old) */
    }
    if (BUG(PendingReturnedConsistency) || (!BUG(CompletionRoutinePending) && Irp->PendingReturned))
        IoMarkIrpPending(Irp);
    return STATUS_CONTINUE_COMPLETION;
}

static NTSTATUS PropDispatch(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    IoCopyCurrentIrpStackLocationToNext(Irp);
    IoSetCompletionRoutine(Irp, PropRoutine, NULL, TRUE, TRUE, TRUE);
    return IoCallDriver(v_bottom, Irp);
}

static void propagate_scenario(int bug_rule, BOOLEAN inline_lower)
{
    PDEVICE_OBJECT top = over_lowest(PropDispatch, bug_rule, inline_lower);
    NTSTATUS ret;
    submit(top, IRP_MJ_READ, 8, &ret);
    IrpcQuiesce();
}

static void propagate_correct(void)
{
    propagate_scenario(NO_BUG, FALSE);
    CHECK_CLEAN();
    propagate_scenario(NO_BUG, TRUE);
    CHECK_CLEAN();
}

static void completion_routine_pending(void)
{
    propagate_scenario(IRPC_CompletionRoutinePending, FALSE);
    CHECK_RULE(CompletionRoutinePending);
    /* with the lower driver completing at once there is nothing to propagate */
    propagate_scenario(IRPC_CompletionRoutinePending, TRUE);
    CHECK_CLEAN();
}

static void pending_returned_consistency(void)
{
    propagate_scenario(IRPC_PendingReturnedConsistency, TRUE);
    CHECK_RULE(PendingReturnedConsistency);
    CHECK_EQ(irpc_finding_count, 1);
}

static void completion_irql_routine(void)
{
    propagate_scenario(IRPC_CompletionIrql, TRUE);
    CHECK_RULE(CompletionIrql);
    CHECK_EQ(KeGetCurrentIrql(), PASSIVE_LEVEL);   /* the I/O manager put it back */
}

/* CompletionRoutinePending, creator form: the creator of an IRP copies the
 * filter idiom into its own routine, which has no location to mark. */
static KEVENT cr_event;
static IO_STATUS_BLOCK cr_iosb;
static ULONG cr_buffer;
static IO_COMPLETION_ROUTINE CreatorMarksRoutine;
static NTSTATUS CreatorMarksRoutine(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    UNREFERENCED_PARAMETER(Context);
    if (BUG(CompletionRoutinePending)) {
        site_line = __LINE__; IoMarkIrpPending(Irp);
    }
    return STATUS_CONTINUE_COMPLETION;
}

static void creator_routine_marks_pending(int bugged)
{
    LAYER l[] = {L_LOWEST};
    v_bottom = stack_build(l, 1, NULL);
    lowest_ext(v_bottom)->CompleteInline = TRUE;
    bug = bugged ? IRPC_CompletionRoutinePending : NO_BUG;
    KeInitializeEvent(&cr_event, NotificationEvent, FALSE);
    PIRP irp = IoBuildDeviceIoControlRequest(IOCTL_SAMPLE_TRANSFER, v_bottom, NULL, 0, &cr_buffer,
                                             sizeof cr_buffer, FALSE, &cr_event, &cr_iosb);
    CHECK(irp != NULL);
    IoSetCompletionRoutine(irp, CreatorMarksRoutine, NULL, TRUE, TRUE, TRUE);
    CHECK_EQ(IoCallDriver(v_bottom, irp), STATUS_SUCCESS);
    CHECK_EQ(cr_iosb.Status, STATUS_SUCCESS);
    IrpcQuiesce();
    if (!bugged) {
        CHECK_CLEAN();
        return;
    }
    CHECK_RULE(CompletionRoutinePending);
    CHECK_SITE(CompletionRoutinePending, site_line);
}
PAIR(creator_routine_marks_pending)

/* ============================================================================
 * A filter that serves each request with an IRP of its own (IoAllocateIrp):
 *   IoAllocateForward     registers its routine for success only
 *   IoAllocateComplete    abandons its IRP with IoCompleteRequest (too-big request)
 *   AllocatedIrpMustStop  its routine returns STATUS_CONTINUE_COMPLETION
 *   AllocatedIrpLeak      its routine forgets IoFreeIrp
 *   IoAllocateFree        frees its IRP as soon as IoCallDriver returned STATUS_PENDING
 * ========================================================================= */
static int alloc_free_line, alloc_call_line;
static IO_COMPLETION_ROUTINE AllocRoutine;

static NTSTATUS AllocRoutine(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    PIRP original = Context;
    UNREFERENCED_PARAMETER(DeviceObject);
    original->IoStatus = Irp->IoStatus;
    if (!BUG(AllocatedIrpLeak) && !BUG(AllocatedIrpMustStop))
        IoFreeIrp(Irp);
    IoCompleteRequest(original, IO_NO_INCREMENT);
    return BUG(AllocatedIrpMustStop) ? STATUS_CONTINUE_COMPLETION : STATUS_MORE_PROCESSING_REQUIRED;
}

static NTSTATUS AllocDispatch(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PIO_STACK_LOCATION mine = IoGetCurrentIrpStackLocation(Irp);
    UNREFERENCED_PARAMETER(DeviceObject);
    PIRP own = IoAllocateIrp(v_bottom->StackSize, FALSE);
    if (own == NULL) {
        Irp->IoStatus.Status = STATUS_INSUFFICIENT_RESOURCES;
        Irp->IoStatus.Information = 0;
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    if (mine->Parameters.Read.Length > 64) {
        /* too big for one transfer: give the IRP back and fail the request */
        own->IoStatus.Status = STATUS_INVALID_PARAMETER;
        if (BUG(IoAllocateComplete)) {
            site_line = __LINE__; IoCompleteRequest(own, IO_NO_INCREMENT);
        } else {
            IoFreeIrp(own);
        }
        Irp->IoStatus.Status = STATUS_INVALID_PARAMETER;
        Irp->IoStatus.Information = 0;
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
        return STATUS_INVALID_PARAMETER;
    }
    PIO_STACK_LOCATION next = IoGetNextIrpStackLocation(own);
    next->MajorFunction = mine->MajorFunction;
    next->Parameters = mine->Parameters;
    next->FileObject = mine->FileObject;
    IoSetCompletionRoutine(own, AllocRoutine, Irp, TRUE, !BUG(IoAllocateForward), !BUG(IoAllocateForward));
    IoMarkIrpPending(Irp);
    alloc_call_line = __LINE__; NTSTATUS status = IoCallDriver(v_bottom, own);
    if (BUG(IoAllocateFree) && status == STATUS_PENDING) {
        alloc_free_line = __LINE__; IoFreeIrp(own);
    }
    return STATUS_PENDING;
}

static void alloc_scenario(int bug_rule, BOOLEAN inline_lower, ULONG length, int *request)
{
    PDEVICE_OBJECT top = over_lowest(AllocDispatch, bug_rule, inline_lower);
    NTSTATUS ret;
    *request = submit(top, IRP_MJ_READ, length, &ret);
    IrpcQuiesce();
}

static void alloc_correct(void)
{
    int r;
    alloc_scenario(NO_BUG, FALSE, 8, &r);
    CHECK_EQ(irpc.requests[r].iosb.Status, STATUS_SUCCESS);
    CHECK_CLEAN();
    alloc_scenario(NO_BUG, TRUE, 8, &r);
    CHECK_EQ(irpc.requests[r].iosb.Status, STATUS_SUCCESS);
    CHECK_CLEAN();
    alloc_scenario(NO_BUG, TRUE, 100, &r);
    CHECK_EQ(irpc.requests[r].delivered, 1);
    CHECK_CLEAN();
}

static void io_allocate_forward(void)
{
    int r;
    alloc_scenario(IRPC_IoAllocateForward, TRUE, 8, &r);
    CHECK_RULE(IoAllocateForward);
    CHECK_SITE(IoAllocateForward, alloc_call_line);
    CHECK_EQ(irpc_finding_count, 1);
}

static void io_allocate_complete(void)
{
    int r;
    alloc_scenario(IRPC_IoAllocateComplete, TRUE, 100, &r);
    CHECK_RULE(IoAllocateComplete);
    CHECK_SITE(IoAllocateComplete, site_line);
}

static void allocated_irp_must_stop(void)
{
    int r;
    alloc_scenario(IRPC_AllocatedIrpMustStop, FALSE, 8, &r);
    CHECK_RULE(AllocatedIrpMustStop);
    CHECK_EQ(irpc.requests[r].delivered, 1);
}

static void allocated_irp_leak(void)
{
    int r;
    alloc_scenario(IRPC_AllocatedIrpLeak, TRUE, 8, &r);
    CHECK_RULE(AllocatedIrpLeak);
    CHECK_EQ(irpc_finding_count, 1);
}

static void io_allocate_free_while_held(void)
{
    int r;
    alloc_scenario(IRPC_IoAllocateFree, FALSE, 8, &r);
    CHECK_RULE(IoAllocateFree);
    CHECK_SITE(IoAllocateFree, alloc_free_line);
    CHECK_EQ(irpc.requests[r].delivered, 1);
}

/* ============================================================================
 * A filter that answers a device-control request with a synchronous request
 * of its own (IoBuildDeviceIoControlRequest, or IoBuildSynchronousFsdRequest
 * for a read):
 *   IoBuildDeviceControlWait        reads the status block without waiting
 *   IoBuildDeviceIoControlSetEvent  its own completion routine signals the event
 *   IoBuildDeviceControlNoFree      frees the IRP (after use / in its routine)
 *   IoBuildSynchronousFsdRequestNoFree  the same with IoBuildSynchronousFsdRequest
 * ========================================================================= */
static KEVENT sy_event;
static IO_STATUS_BLOCK sy_iosb;
static ULONG sy_buffer;
static BOOLEAN sy_fsd, sy_routine, sy_free_after;
static IO_COMPLETION_ROUTINE SyRoutine;

static NTSTATUS SyRoutine(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    UNREFERENCED_PARAMETER(Context);
    if (BUG(IoBuildDeviceIoControlSetEvent)) {
        site_line = __LINE__; KeSetEvent(&sy_event, IO_NO_INCREMENT, FALSE);
    }
    if (!sy_free_after && (BUG(IoBuildDeviceControlNoFree) || BUG(IoBuildSynchronousFsdRequestNoFree))) {
        /* the IoAllocateIrp pattern, wrongly applied */
        site_line = __LINE__; IoFreeIrp(Irp);
        return STATUS_MORE_PROCESSING_REQUIRED;
    }
    return STATUS_CONTINUE_COMPLETION;
}

static NTSTATUS SyDispatch(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    NTSTATUS status;
    KeInitializeEvent(&sy_event, NotificationEvent, FALSE);
    sy_iosb.Status = STATUS_UNSUCCESSFUL;
    sy_iosb.Information = 0;
    PIRP request = sy_fsd ? IoBuildSynchronousFsdRequest(IRP_MJ_READ, v_bottom, &sy_buffer, sizeof sy_buffer,
                                                         NULL, &sy_event, &sy_iosb)
                          : IoBuildDeviceIoControlRequest(IOCTL_SAMPLE_TRANSFER, v_bottom, NULL, 0, &sy_buffer,
                                                          sizeof sy_buffer, FALSE, &sy_event, &sy_iosb);
    if (request == NULL) {
        status = STATUS_INSUFFICIENT_RESOURCES;
    } else {
        if (sy_routine)
            IoSetCompletionRoutine(request, SyRoutine, NULL, TRUE, TRUE, TRUE);
        status = IoCallDriver(v_bottom, request);
        if (status == STATUS_PENDING) {
            if (!BUG(IoBuildDeviceControlWait))
                KeWaitForSingleObject(&sy_event, Executive, KernelMode, FALSE, NULL);
            status = sy_iosb.Status;
        }
        if (sy_free_after) {
            site_line = __LINE__; IoFreeIrp(request);
        }
    }
    Irp->IoStatus.Status = status;
    Irp->IoStatus.Information = NT_SUCCESS(status) ? sy_iosb.Information : 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}

static void sync_scenario(int bug_rule, BOOLEAN inline_lower, BOOLEAN fsd, BOOLEAN routine,
                          BOOLEAN free_after, int *request)
{
    PDEVICE_OBJECT top = over_lowest(SyDispatch, bug_rule, inline_lower);
    sy_fsd = fsd;
    sy_routine = routine;
    sy_free_after = free_after;
    NTSTATUS ret;
    *request = submit(top, IRP_MJ_DEVICE_CONTROL, 4, &ret);
    IrpcQuiesce();
}

static void sync_correct(void)
{
    for (int inl = 0; inl <= 1; inl++)
        for (int fsd = 0; fsd <= 1; fsd++)
            for (int routine = 0; routine <= 1; routine++) {
                int r;
                sync_scenario(NO_BUG, (BOOLEAN)inl, (BOOLEAN)fsd, (BOOLEAN)routine, FALSE, &r);
                CHECK_EQ(irpc.requests[r].iosb.Status, STATUS_SUCCESS);
                CHECK_EQ(irpc.requests[r].iosb.Information, sizeof(ULONG));
                CHECK_CLEAN();
            }
}

static void io_build_device_control_wait(void)
{
    int r;
    sync_scenario(IRPC_IoBuildDeviceControlWait, FALSE, FALSE, FALSE, FALSE, &r);
    CHECK_RULE(IoBuildDeviceControlWait);
    CHECK_EQ(irpc.requests[r].delivered, 1);
    /* the same with IoBuildSynchronousFsdRequest */
    sync_scenario(IRPC_IoBuildDeviceControlWait, FALSE, TRUE, FALSE, FALSE, &r);
    CHECK_RULE(IoBuildDeviceControlWait);
}

static void io_build_device_io_control_set_event(void)
{
    int r;
    sync_scenario(IRPC_IoBuildDeviceIoControlSetEvent, FALSE, FALSE, TRUE, FALSE, &r);
    CHECK_RULE(IoBuildDeviceIoControlSetEvent);
    CHECK_SITE(IoBuildDeviceIoControlSetEvent, site_line);
}

static void io_build_device_control_no_free_routine(void)
{
    int r;
    sync_scenario(IRPC_IoBuildDeviceControlNoFree, TRUE, FALSE, TRUE, FALSE, &r);
    CHECK_RULE(IoBuildDeviceControlNoFree);
    CHECK_SITE(IoBuildDeviceControlNoFree, site_line);
    CHECK_EQ(IrpcFindingCount(IRPC_IoAllocateFree), 0);
}

static void io_build_device_control_no_free_after_use(void)
{
    int r;
    sync_scenario(IRPC_IoBuildDeviceControlNoFree, TRUE, FALSE, FALSE, TRUE, &r);
    CHECK_RULE(IoBuildDeviceControlNoFree);
    CHECK_SITE(IoBuildDeviceControlNoFree, site_line);
    CHECK_EQ(IrpcFindingCount(IRPC_IoAllocateFree), 0);
}

static void io_build_synchronous_fsd_no_free_routine(void)
{
    int r;
    sync_scenario(IRPC_IoBuildSynchronousFsdRequestNoFree, TRUE, TRUE, TRUE, FALSE, &r);
    CHECK_RULE(IoBuildSynchronousFsdRequestNoFree);
    CHECK_SITE(IoBuildSynchronousFsdRequestNoFree, site_line);
    CHECK_EQ(IrpcFindingCount(IRPC_IoAllocateFree), 0);
}

static void io_build_synchronous_fsd_no_free_after_use(void)
{
    int r;
    sync_scenario(IRPC_IoBuildSynchronousFsdRequestNoFree, TRUE, TRUE, FALSE, TRUE, &r);
    CHECK_RULE(IoBuildSynchronousFsdRequestNoFree);
    CHECK_SITE(IoBuildSynchronousFsdRequestNoFree, site_line);
    CHECK_EQ(IrpcFindingCount(IRPC_IoAllocateFree), 0);
}

/* ============================================================================ */
void register_violation_tests(void)
{
    /* P1 */
    test_add("violation/DoubleCompletion/error_path_falls_through", double_completion_error_path_bug);
    test_add("violation/DoubleCompletion/error_path_falls_through/correct", double_completion_error_path_ok);
    test_add("violation/DoubleCompletion/routine_continues_then_dispatch_completes", double_completion_routine_continues);
    test_add("violation/DoubleCompletion/routine_completes_during_walk", double_completion_in_routine);
    test_add("violation/CompleteRequest/after_forwarding", complete_request_after_forward_bug);
    test_add("violation/CompleteRequest/after_forwarding/correct", complete_request_after_forward_ok);
    test_add("violation/CompleteRequest/no_wait_after_pending", complete_request_no_wait);
    test_add("violation/forward_wait/correct", forward_wait_correct);
    test_add("violation/IrpAccessAfterRelease/read_after_forward", irp_access_after_release_bug);
    test_add("violation/IrpAccessAfterRelease/read_after_forward/correct", irp_access_after_release_ok);
    test_add("violation/IrpProcessingComplete/reject_without_completing", irp_processing_complete_bug);
    test_add("violation/IrpProcessingComplete/reject_without_completing/correct", irp_processing_complete_ok);
    test_add("violation/CleanupCompletesQueued", cleanup_completes_queued_bug);
    test_add("violation/CleanupCompletesQueued/correct", cleanup_completes_queued_ok);
    test_add("violation/OriginatorNotifiedOnce/pended_and_lost", originator_notified_once_bug);
    test_add("violation/OriginatorNotifiedOnce/pended_and_lost/correct", originator_notified_once_ok);
    /* P2 */
    test_add("violation/MarkIrpPending/returns_lower_status", mark_irp_pending_bug);
    test_add("violation/MarkIrpPending/returns_lower_status/correct", mark_irp_pending_ok);
    test_add("violation/MarkIrpPending2/pending_without_mark", mark_irp_pending2_bug);
    test_add("violation/MarkIrpPending2/pending_without_mark/correct", mark_irp_pending2_ok);
    test_add("violation/PendedCompletedRequest", pended_completed_request_bug);
    test_add("violation/PendedCompletedRequest/correct", pended_completed_request_ok);
    test_add("violation/LowerDriverReturn", lower_driver_return_bug);
    test_add("violation/LowerDriverReturn/correct", lower_driver_return_ok);
    test_add("violation/StatusMismatch", status_mismatch_bug);
    test_add("violation/StatusMismatch/correct", status_mismatch_ok);
    test_add("violation/CompleteRequestStatusCheck/status_left_pending", complete_request_status_check_bug);
    test_add("violation/CompleteRequestStatusCheck/status_left_pending/correct", complete_request_status_check_ok);
    test_add("violation/CompletionRoutinePending/no_propagation", completion_routine_pending);
    test_add("violation/CompletionRoutinePending/creator_marks", creator_routine_marks_pending_bug);
    test_add("violation/CompletionRoutinePending/creator_marks/correct", creator_routine_marks_pending_ok);
    test_add("violation/propagate/correct", propagate_correct);
    test_add("violation/CompletionEventChecking", completion_event_checking);
    test_add("violation/MarkingQueuedIrps/mark_after_lock_release", marking_queued_irps_bug);
    test_add("violation/MarkingQueuedIrps/mark_after_lock_release/correct", marking_queued_irps_ok);
    test_add("violation/MarkingQueuedIrps/dpc_before_mark", marking_queued_irps_dpc);
    test_add("violation/PendingReturnedConsistency/unconditional_mark", pending_returned_consistency);
    /* P3 */
    test_add("violation/IoAllocateForward", io_allocate_forward);
    test_add("violation/IoAllocateComplete", io_allocate_complete);
    test_add("violation/AllocatedIrpMustStop", allocated_irp_must_stop);
    test_add("violation/IoAllocateFree/while_lower_holds_it", io_allocate_free_while_held);
    test_add("violation/IoAllocateFree/not_created_by_driver", io_allocate_free_not_creator);
    test_add("violation/allocate/correct", alloc_correct);
    test_add("violation/IoBuildDeviceControlNoFree/in_routine", io_build_device_control_no_free_routine);
    test_add("violation/IoBuildDeviceControlNoFree/after_use", io_build_device_control_no_free_after_use);
    test_add("violation/IoBuildSynchronousFsdRequestNoFree/in_routine", io_build_synchronous_fsd_no_free_routine);
    test_add("violation/IoBuildSynchronousFsdRequestNoFree/after_use", io_build_synchronous_fsd_no_free_after_use);
    test_add("violation/IoBuildDeviceControlWait", io_build_device_control_wait);
    test_add("violation/IoBuildDeviceIoControlSetEvent", io_build_device_io_control_set_event);
    test_add("violation/synchronous_request/correct", sync_correct);
    test_add("violation/AllocatedIrpLeak", allocated_irp_leak);
    /* hygiene */
    test_add("violation/SpinLockSafe/complete_under_queue_lock", spin_lock_safe_bug);
    test_add("violation/SpinLockSafe/complete_under_queue_lock/correct", spin_lock_safe_ok);
    test_add("violation/CompleteWithCancelRoutine", complete_with_cancel_routine_bug);
    test_add("violation/CompleteWithCancelRoutine/correct", complete_with_cancel_routine_ok);
    test_add("violation/NoNextStackLocation/lowest_sets_completion_routine", no_next_stack_location_bug);
    test_add("violation/NoNextStackLocation/lowest_sets_completion_routine/correct", no_next_stack_location_ok);
    test_add("violation/NoNextStackLocation/lowest_copies_to_next", no_next_stack_location_copy);
    test_add("violation/CompletionIrql/complete_above_dispatch", completion_irql_call_bug);
    test_add("violation/CompletionIrql/complete_above_dispatch/correct", completion_irql_call_ok);
    test_add("violation/CompletionIrql/routine_raises_irql", completion_irql_routine);
    test_add("violation/CompletionPriorityBoost/error_with_disk_increment", completion_priority_boost_bug);
    test_add("violation/CompletionPriorityBoost/error_with_disk_increment/correct", completion_priority_boost_ok);
    test_add("violation/CompletionPriorityBoost/cancelled_with_disk_increment", completion_priority_boost_queue_bug);
    test_add("violation/CompletionPriorityBoost/cancelled_with_disk_increment/correct", completion_priority_boost_queue_ok);
    /* not a rule: a wait nothing can satisfy */
    test_add("violation/Deadlock/routine_never_signals", deadlock_routine_never_signals);
}
