/*
 * buggy.c - the wrong drivers of buggy.h.  Each comment says what the
 * correct sample (src/drivers/) does and what this one does instead.
 */
#include "buggy.h"

typedef struct {
    PDEVICE_OBJECT Lower;
    KEVENT Event;
    KSPIN_LOCK QueueLock;
    LIST_ENTRY Queue;
    KDPC Dpc;
    int Mode;
    PIRP Current;           /* last-irp-routine: the last IRP sent down */
} BUGGY_EXTENSION;

/* SampleCreateDevice's extension holds it */
_Static_assert(sizeof(BUGGY_EXTENSION) <= 256, "BUGGY_EXTENSION larger than the device extension");

static DRIVER_OBJECT buggy_driver;

static PDEVICE_OBJECT buggy_device(PDRIVER_OBJECT d, PDEVICE_OBJECT lower, PDRIVER_DISPATCH dispatch)
{
    PDEVICE_OBJECT below = NULL;
    for (int i = 0; i <= IRP_MJ_MAXIMUM_FUNCTION; i++)
        d->MajorFunction[i] = dispatch;
    PDEVICE_OBJECT dev = SampleCreateDevice(d, lower, &below);
    if (dev != NULL)
        ((BUGGY_EXTENSION *)dev->DeviceExtension)->Lower = below;
    return dev;
}

/* ---- holds the IRP forever: marks it pending, returns STATUS_PENDING,
 *      and never forwards or completes it (OriginatorNotifiedOnce) ---- */
static NTSTATUS HoldDispatch(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    IoMarkIrpPending(Irp);
    return STATUS_PENDING;
}
static PDEVICE_OBJECT HoldAdd(PDRIVER_OBJECT d, PDEVICE_OBJECT lower)
{
    return buggy_device(d, lower, HoldDispatch);
}

/* ---- propagate.c, but the routine marks pending unconditionally instead
 *      of only when Irp->PendingReturned (PendingReturnedConsistency) -- */
static NTSTATUS MarkAlwaysCompletion(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    UNREFERENCED_PARAMETER(Context);
    IoMarkIrpPending(Irp);
    return STATUS_CONTINUE_COMPLETION;
}
static NTSTATUS MarkAlwaysDispatch(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    BUGGY_EXTENSION *ext = DeviceObject->DeviceExtension;
    IoCopyCurrentIrpStackLocationToNext(Irp);
    IoSetCompletionRoutine(Irp, MarkAlwaysCompletion, NULL, TRUE, TRUE, TRUE);
    return IoCallDriver(ext->Lower, Irp);
}
static PDEVICE_OBJECT MarkAlwaysAdd(PDRIVER_OBJECT d, PDEVICE_OBJECT lower)
{
    return buggy_device(d, lower, MarkAlwaysDispatch);
}

/* ---- propagate.c without `if (Irp->PendingReturned) IoMarkIrpPending`
 *      (CompletionRoutinePending) ------------------------------------- */
static NTSTATUS NoPropagateCompletion(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    UNREFERENCED_PARAMETER(Irp);
    UNREFERENCED_PARAMETER(Context);
    return STATUS_CONTINUE_COMPLETION;
}
static NTSTATUS NoPropagateDispatch(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    BUGGY_EXTENSION *ext = DeviceObject->DeviceExtension;
    IoCopyCurrentIrpStackLocationToNext(Irp);
    IoSetCompletionRoutine(Irp, NoPropagateCompletion, NULL, TRUE, TRUE, TRUE);
    return IoCallDriver(ext->Lower, Irp);
}
static PDEVICE_OBJECT NoPropagateAdd(PDRIVER_OBJECT d, PDEVICE_OBJECT lower)
{
    return buggy_device(d, lower, NoPropagateDispatch);
}

/* ---- propagate.c, but the routine propagates pending for the IRP the
 *      dispatch routine saved in the device extension, the last one sent
 *      down, instead of the IRP it was called for.  With one request in
 *      flight the two are the same; with two, the first request's routine
 *      looks at the second (CompletionRoutinePending).  Only a harness
 *      with two requests in flight can find it. ----------------------- */
static NTSTATUS LastIrpCompletion(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    UNREFERENCED_PARAMETER(Irp);
    UNREFERENCED_PARAMETER(Context);
    PIRP saved = ((BUGGY_EXTENSION *)DeviceObject->DeviceExtension)->Current;
    if (saved->PendingReturned)
        IoMarkIrpPending(saved);
    return STATUS_CONTINUE_COMPLETION;
}
static NTSTATUS LastIrpDispatch(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    BUGGY_EXTENSION *ext = DeviceObject->DeviceExtension;
    ext->Current = Irp;
    IoCopyCurrentIrpStackLocationToNext(Irp);
    IoSetCompletionRoutine(Irp, LastIrpCompletion, NULL, TRUE, TRUE, TRUE);
    return IoCallDriver(ext->Lower, Irp);
}
static PDEVICE_OBJECT LastIrpAdd(PDRIVER_OBJECT d, PDEVICE_OBJECT lower)
{
    return buggy_device(d, lower, LastIrpDispatch);
}

/* ---- a routine that completes the IRP it was called for and returns
 *      STATUS_CONTINUE_COMPLETION (DoubleCompletion) -------------------- */
static NTSTATUS RecompleteCompletion(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    UNREFERENCED_PARAMETER(Context);
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_CONTINUE_COMPLETION;
}
static NTSTATUS RecompleteDispatch(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    BUGGY_EXTENSION *ext = DeviceObject->DeviceExtension;
    IoCopyCurrentIrpStackLocationToNext(Irp);
    IoSetCompletionRoutine(Irp, RecompleteCompletion, NULL, TRUE, TRUE, TRUE);
    return IoCallDriver(ext->Lower, Irp);
}
static PDEVICE_OBJECT RecompleteAdd(PDRIVER_OBJECT d, PDEVICE_OBJECT lower)
{
    return buggy_device(d, lower, RecompleteDispatch);
}

/* ---- fwdwait.c without the wait: completes the IRP again although
 *      IoCallDriver returned STATUS_PENDING (CompleteRequest) ---------- */
static NTSTATUS NoWaitCompletion(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    UNREFERENCED_PARAMETER(Irp);
    KeSetEvent((PKEVENT)Context, IO_NO_INCREMENT, FALSE);
    return STATUS_MORE_PROCESSING_REQUIRED;
}
static NTSTATUS NoWaitDispatch(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    BUGGY_EXTENSION *ext = DeviceObject->DeviceExtension;
    KeInitializeEvent(&ext->Event, NotificationEvent, FALSE);
    IoCopyCurrentIrpStackLocationToNext(Irp);
    IoSetCompletionRoutine(Irp, NoWaitCompletion, &ext->Event, TRUE, TRUE, TRUE);
    IoCallDriver(ext->Lower, Irp);
    Irp->IoStatus.Status = STATUS_SUCCESS;      /* no KeWaitForSingleObject */
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}
static PDEVICE_OBJECT NoWaitAdd(PDRIVER_OBJECT d, PDEVICE_OBJECT lower)
{
    return buggy_device(d, lower, NoWaitDispatch);
}

/* ---- syncioctl.c with one of two bugs:
 *        without the wait: reads the status block at once when
 *          IoCallDriver returned STATUS_PENDING (IoBuildDeviceControlWait)
 *        made cancellable while it waits (a cancel routine on the request
 *          it holds, cleared after the wait), but the cancel routine
 *          completes the request, which the dispatch routine completes
 *          again after the wait (DoubleCompletion; reached only by a cancel
 *          while the driver waits) ---------------------------------------- */
static VOID WaitCancelRoutine(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    IoReleaseCancelSpinLock(Irp->CancelIrql);
    Irp->IoStatus.Status = STATUS_CANCELLED;    /* should cancel the IRP it waits for instead */
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
}
static NTSTATUS SyncLike(PDEVICE_OBJECT DeviceObject, PIRP Irp, BOOLEAN wait)
{
    BUGGY_EXTENSION *ext = DeviceObject->DeviceExtension;
    IO_STATUS_BLOCK iosb;
    ULONG mode;
    iosb.Status = STATUS_UNSUCCESSFUL;
    iosb.Information = 0;
    KeInitializeEvent(&ext->Event, NotificationEvent, FALSE);
    PIRP t = IoBuildDeviceIoControlRequest(IOCTL_SAMPLE_TRANSFER, ext->Lower, NULL, 0, &mode,
                                           sizeof mode, FALSE, &ext->Event, &iosb);
    NTSTATUS status = STATUS_INSUFFICIENT_RESOURCES;
    if (t != NULL) {
        status = IoCallDriver(ext->Lower, t);
        if (status == STATUS_PENDING && wait) {
            IoSetCancelRoutine(Irp, WaitCancelRoutine);
            KeWaitForSingleObject(&ext->Event, Executive, KernelMode, FALSE, NULL);
            IoSetCancelRoutine(Irp, NULL);
        }
        if (status == STATUS_PENDING)
            status = iosb.Status;
    }
    Irp->IoStatus.Status = status;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}
static NTSTATUS SyncNoWaitDispatch(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    return SyncLike(DeviceObject, Irp, FALSE);      /* no KeWaitForSingleObject */
}
static PDEVICE_OBJECT SyncNoWaitAdd(PDRIVER_OBJECT d, PDEVICE_OBJECT lower)
{
    return buggy_device(d, lower, SyncNoWaitDispatch);
}
static NTSTATUS WaitCancelDispatch(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    return SyncLike(DeviceObject, Irp, TRUE);
}
static PDEVICE_OBJECT WaitCancelAdd(PDRIVER_OBJECT d, PDEVICE_OBJECT lower)
{
    return buggy_device(d, lower, WaitCancelDispatch);
}

/* ---- allocirp.c, but the routine never frees the IRP it created
 *      (AllocatedIrpLeak) ----------------------------------------------- */
static NTSTATUS LeakCompletion(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    PIRP original = Context;
    UNREFERENCED_PARAMETER(DeviceObject);
    original->IoStatus = Irp->IoStatus;         /* no IoFreeIrp(Irp) */
    IoCompleteRequest(original, IO_NO_INCREMENT);
    return STATUS_MORE_PROCESSING_REQUIRED;
}
/* ... or frees it and lets its completion continue (AllocatedIrpMustStop) */
static NTSTATUS ContinueCompletion(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    PIRP original = Context;
    UNREFERENCED_PARAMETER(DeviceObject);
    original->IoStatus = Irp->IoStatus;
    IoCompleteRequest(original, IO_NO_INCREMENT);
    return STATUS_CONTINUE_COMPLETION;          /* should be MORE_PROCESSING_REQUIRED */
}
static NTSTATUS AllocLike(PDEVICE_OBJECT DeviceObject, PIRP Irp, PIO_COMPLETION_ROUTINE routine,
                          BOOLEAN on_cancel, BOOLEAN complete_on_failure)
{
    BUGGY_EXTENSION *ext = DeviceObject->DeviceExtension;
    PIRP own = IoAllocateIrp(ext->Lower->StackSize, FALSE);
    if (own == NULL) {
        Irp->IoStatus.Status = STATUS_INSUFFICIENT_RESOURCES;
        if (complete_on_failure)
            IoCompleteRequest(Irp, IO_NO_INCREMENT);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    PIO_STACK_LOCATION mine = IoGetCurrentIrpStackLocation(Irp);
    PIO_STACK_LOCATION next = IoGetNextIrpStackLocation(own);
    next->MajorFunction = mine->MajorFunction;
    next->Parameters = mine->Parameters;
    next->FileObject = mine->FileObject;
    IoSetCompletionRoutine(own, routine, Irp, TRUE, TRUE, on_cancel);
    IoMarkIrpPending(Irp);
    IoCallDriver(ext->Lower, own);
    return STATUS_PENDING;
}
static NTSTATUS LeakDispatch(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    return AllocLike(DeviceObject, Irp, LeakCompletion, TRUE, TRUE);
}
static PDEVICE_OBJECT LeakAdd(PDRIVER_OBJECT d, PDEVICE_OBJECT lower)
{
    return buggy_device(d, lower, LeakDispatch);
}
static NTSTATUS ContinueDispatch(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    return AllocLike(DeviceObject, Irp, ContinueCompletion, TRUE, TRUE);
}
static PDEVICE_OBJECT ContinueAdd(PDRIVER_OBJECT d, PDEVICE_OBJECT lower)
{
    return buggy_device(d, lower, ContinueDispatch);
}
/* ... or registers its routine for success and error only (IoAllocateForward) */
static NTSTATUS NoCancelRoutineCompletion(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    PIRP original = Context;
    UNREFERENCED_PARAMETER(DeviceObject);
    original->IoStatus = Irp->IoStatus;
    IoFreeIrp(Irp);
    IoCompleteRequest(original, IO_NO_INCREMENT);
    return STATUS_MORE_PROCESSING_REQUIRED;
}
static NTSTATUS NoCancelDispatch(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    return AllocLike(DeviceObject, Irp, NoCancelRoutineCompletion, FALSE, TRUE);
}
static PDEVICE_OBJECT NoCancelAdd(PDRIVER_OBJECT d, PDEVICE_OBJECT lower)
{
    return buggy_device(d, lower, NoCancelDispatch);
}
/* ... or, when IoAllocateIrp fails, returns STATUS_INSUFFICIENT_RESOURCES
 * without completing the original (IrpProcessingComplete; reached only when
 * an allocation fails) */
static NTSTATUS FailUncompletedDispatch(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    return AllocLike(DeviceObject, Irp, NoCancelRoutineCompletion, TRUE, FALSE);
}
static PDEVICE_OBJECT FailUncompletedAdd(PDRIVER_OBJECT d, PDEVICE_OBJECT lower)
{
    return buggy_device(d, lower, FailUncompletedDispatch);
}

/* ... or, when its own IRP comes back cancelled, completes the original
 * with STATUS_CANCELLED and stops completion without freeing its IRP, as
 * if the cancel had disposed of it (AllocatedIrpLeak; reached only when
 * the IRP the layer created is cancelled) */
static NTSTATUS CancelLeakCompletion(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    PIRP original = Context;
    UNREFERENCED_PARAMETER(DeviceObject);
    if (Irp->Cancel) {
        original->IoStatus.Status = STATUS_CANCELLED;
        original->IoStatus.Information = 0;
        IoCompleteRequest(original, IO_NO_INCREMENT);   /* no IoFreeIrp(Irp) */
        return STATUS_MORE_PROCESSING_REQUIRED;
    }
    return NoCancelRoutineCompletion(DeviceObject, Irp, Context);
}
static NTSTATUS CancelLeakDispatch(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    return AllocLike(DeviceObject, Irp, CancelLeakCompletion, TRUE, TRUE);
}
static PDEVICE_OBJECT CancelLeakAdd(PDRIVER_OBJECT d, PDEVICE_OBJECT lower)
{
    return buggy_device(d, lower, CancelLeakDispatch);
}

/* ---- marks pending although the lower driver finished synchronously,
 *      and returns its status (MarkIrpPending) --------------------------- */
static NTSTATUS MarkNoPendingDispatch(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    BUGGY_EXTENSION *ext = DeviceObject->DeviceExtension;
    IoMarkIrpPending(Irp);
    IoCopyCurrentIrpStackLocationToNext(Irp);
    return IoCallDriver(ext->Lower, Irp);
}
static PDEVICE_OBJECT MarkNoPendingAdd(PDRIVER_OBJECT d, PDEVICE_OBJECT lower)
{
    return buggy_device(d, lower, MarkNoPendingDispatch);
}

/* ---- returns STATUS_SUCCESS without completing, forwarding or pending
 *      the IRP (IrpProcessingComplete) ---------------------------------- */
static NTSTATUS ForgetDispatch(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    Irp->IoStatus.Status = STATUS_SUCCESS;
    return STATUS_SUCCESS;
}
static PDEVICE_OBJECT ForgetAdd(PDRIVER_OBJECT d, PDEVICE_OBJECT lower)
{
    return buggy_device(d, lower, ForgetDispatch);
}

/* ---- a lowest driver that queues IRPs for a DPC, like lowest.c (without
 *      cancel), with one of two bugs (Mode):
 *        1 marks the IRP pending only after releasing the queue lock
 *          (MarkingQueuedIrps)
 *        2 its DispatchCleanup completes the cleanup IRP and leaves the
 *          file's queued IRPs queued (CleanupCompletesQueued) ------------ */
static VOID QueueDpc(PKDPC Dpc, PVOID DeferredContext, PVOID A1, PVOID A2)
{
    PDEVICE_OBJECT dev = DeferredContext;
    BUGGY_EXTENSION *ext = dev->DeviceExtension;
    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(A1);
    UNREFERENCED_PARAMETER(A2);
    for (;;) {
        KIRQL irql;
        KeAcquireSpinLock(&ext->QueueLock, &irql);
        if (IsListEmpty(&ext->Queue)) {
            KeReleaseSpinLock(&ext->QueueLock, irql);
            return;
        }
        PLIST_ENTRY e = RemoveHeadList(&ext->Queue);
        KeReleaseSpinLock(&ext->QueueLock, irql);
        PIRP irp = CONTAINING_RECORD(e, IRP, Tail.Overlay.ListEntry);
        irp->IoStatus.Status = STATUS_SUCCESS;
        irp->IoStatus.Information = 0;
        IoCompleteRequest(irp, IO_NO_INCREMENT);
    }
}
static NTSTATUS QueueDispatch(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    BUGGY_EXTENSION *ext = DeviceObject->DeviceExtension;
    KIRQL irql;
    if (IoGetCurrentIrpStackLocation(Irp)->MajorFunction == IRP_MJ_CLEANUP) {
        /* mode 2 forgets to complete the queued IRPs of the file first */
        Irp->IoStatus.Status = STATUS_SUCCESS;
        Irp->IoStatus.Information = 0;
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
        return STATUS_SUCCESS;
    }
    if (ext->Mode != 1)
        IoMarkIrpPending(Irp);
    KeAcquireSpinLock(&ext->QueueLock, &irql);
    InsertTailList(&ext->Queue, &Irp->Tail.Overlay.ListEntry);
    KeReleaseSpinLock(&ext->QueueLock, irql);
    if (ext->Mode == 1)
        IoMarkIrpPending(Irp);
    KeInsertQueueDpc(&ext->Dpc, NULL, NULL);
    return STATUS_PENDING;
}
static PDEVICE_OBJECT QueueAdd(PDRIVER_OBJECT d, int mode)
{
    PDEVICE_OBJECT dev = buggy_device(d, NULL, QueueDispatch);
    if (dev != NULL) {
        BUGGY_EXTENSION *ext = dev->DeviceExtension;
        KeInitializeSpinLock(&ext->QueueLock);
        InitializeListHead(&ext->Queue);
        KeInitializeDpc(&ext->Dpc, QueueDpc, dev);
        ext->Mode = mode;
    }
    return dev;
}
static PDEVICE_OBJECT MarkLateAdd(PDRIVER_OBJECT d, PDEVICE_OBJECT lower)
{
    UNREFERENCED_PARAMETER(lower);
    return QueueAdd(d, 1);
}
static PDEVICE_OBJECT BadCleanupAdd(PDRIVER_OBJECT d, PDEVICE_OBJECT lower)
{
    UNREFERENCED_PARAMETER(lower);
    return QueueAdd(d, 2);
}

/* name, rule, add, is_lowest, lowest patterns below, request, cleanup,
 * cancels, allocation failures */
const BUGGY_LAYER buggy_layers[] = {
    {"hold-forever", IRPC_OriginatorNotifiedOnce, HoldAdd, 0, P_LOWEST_INLINE_OK, P_LOWEST_LAST, R_READ, 0, 0, 0},
    {"mark-in-routine-always", IRPC_PendingReturnedConsistency, MarkAlwaysAdd, 0, P_LOWEST_INLINE_OK, P_LOWEST_LAST, R_READ, 0, 0, 0},
    {"allocirp-no-free", IRPC_AllocatedIrpLeak, LeakAdd, 0, P_LOWEST_INLINE_OK, P_LOWEST_LAST, R_READ, 0, 0, 0},
    {"cleanup-leaves-queued", IRPC_CleanupCompletesQueued, BadCleanupAdd, 1, 0, 0, R_READ, 1, 0, 0},
    {"complete-in-routine", IRPC_DoubleCompletion, RecompleteAdd, 0, P_LOWEST_INLINE_OK, P_LOWEST_LAST, R_READ, 0, 0, 0},
    {"routine-no-propagate", IRPC_CompletionRoutinePending, NoPropagateAdd, 0, P_LOWEST_INLINE_OK, P_LOWEST_LAST, R_READ, 0, 0, 0},
    {"mark-after-unlock", IRPC_MarkingQueuedIrps, MarkLateAdd, 1, 0, 0, R_READ, 0, 0, 0},
    {"fwdwait-no-wait", IRPC_CompleteRequest, NoWaitAdd, 0, P_LOWEST_INLINE_OK, P_LOWEST_LAST, R_READ, 0, 0, 0},
    {"syncioctl-no-wait", IRPC_IoBuildDeviceControlWait, SyncNoWaitAdd, 0, P_LOWEST_INLINE_OK, P_LOWEST_LAST, R_IOCTL_TRANSFER, 0, 0, 0},
    {"allocirp-routine-continues", IRPC_AllocatedIrpMustStop, ContinueAdd, 0, P_LOWEST_INLINE_OK, P_LOWEST_LAST, R_READ, 0, 0, 0},
    {"allocirp-no-cancel-routine", IRPC_IoAllocateForward, NoCancelAdd, 0, P_LOWEST_INLINE_OK, P_LOWEST_LAST, R_READ, 0, 0, 0},
    {"mark-then-return-lower-status", IRPC_MarkIrpPending, MarkNoPendingAdd, 0, P_LOWEST_INLINE_OK, P_LOWEST_LAST, R_READ, 0, 0, 0},
    {"return-success-untouched", IRPC_IrpProcessingComplete, ForgetAdd, 0, P_LOWEST_INLINE_OK, P_LOWEST_LAST, R_READ, 0, 0, 0},
    {"allocirp-failure-uncompleted", IRPC_IrpProcessingComplete, FailUncompletedAdd, 0, P_LOWEST_INLINE_OK, P_LOWEST_LAST, R_READ, 0, 0, 1},
    {"syncioctl-cancel-completes", IRPC_DoubleCompletion, WaitCancelAdd, 0, P_LOWEST_DPC_OK, P_LOWEST_DPC_ERR, R_IOCTL_TRANSFER, 0, 1, 0},
    {"allocirp-cancelled-no-free", IRPC_AllocatedIrpLeak, CancelLeakAdd, 0, P_LOWEST_DPC_OK, P_LOWEST_DPC_ERR, R_READ, 0, 1, 0},
    {"last-irp-routine", IRPC_CompletionRoutinePending, LastIrpAdd, 0, P_LOWEST_DPC_OK, P_LOWEST_DPC_ERR, R_READ, 0, 0, 0},
};
const int buggy_layer_count = (int)(sizeof buggy_layers / sizeof buggy_layers[0]);

PDRIVER_OBJECT buggy_driver_object(void);
PDRIVER_OBJECT buggy_driver_object(void)
{
    IrpcInitDriver(&buggy_driver);
    return &buggy_driver;
}

/* How many requests a layer is sent, one after another (possibly in flight
 * together): one, but two for a bug only two requests show.  Kept here, not
 * as a field of BUGGY_LAYER: buggy.h is among the files of every Eva
 * record's key (harness/run.py), and a new field would re-run them all. */
static int buggy_requests(const BUGGY_LAYER *bug)
{
    return bug->add == LastIrpAdd ? 2 : 1;
}

/* The run and assertions of a negative harness: the layer's request (or
 * requests, buggy_requests), then IRP_MJ_CLEANUP where the bug needs it,
 * deferred work after each, the checks at quiescence.  (Declared where
 * used: negative_harness.c, negative_compose.c.) */
void buggy_run(PFILE_OBJECT file, const BUGGY_LAYER *bug);
void buggy_run(PFILE_OBJECT file, const BUGGY_LAYER *bug)
{
    for (int i = 0; i < buggy_requests(bug); i++) {
        harness_submit(file, bug->request);
        harness_interleave();
    }
    if (bug->cleanup) {
        harness_submit(file, R_CLEANUP);
        harness_interleave();
    }
    harness_check_quiescence();
}
