/*
 * lowest.c - a lowest-level device driver (seed 001).
 *
 * Invalid requests are completed in dispatch with STATUS_INVALID_PARAMETER
 * and IO_NO_INCREMENT; a query that needs no device I/O is answered from the
 * device extension; every other transfer is queued under the queue lock
 * with a cancel routine, marked pending before the lock is released, handed
 * to a DPC, and STATUS_PENDING is returned (one found cancelled before it
 * was queued is completed with STATUS_CANCELLED, that status returned).  DispatchCleanup completes the queued IRPs of its file
 * object, then the cleanup IRP.  A lowest-level driver registers no
 * completion routine.
 */
#include "drivers.h"

static DRIVER_DISPATCH LowestDispatchTransfer;
static DRIVER_DISPATCH LowestDispatchCleanup;
static DRIVER_DISPATCH LowestDispatchCreateClose;
static DRIVER_CANCEL LowestCancel;
static KDEFERRED_ROUTINE LowestDpc;

/*@ requires wf: Wf && PoolIrp(Irp) && IrpApart(Irp) && FrameCount > 0;
    requires DoubleCompletion: State(Slot(Irp)) == IRPC_ST_ACTIVE && HasCurrent(Irp);
    requires CompleteRequest: Owns(Slot(Irp), CurDev);
    requires IoAllocateComplete: Creator(Slot(Irp)) != CurDev;
    requires CompleteWithCancelRoutine: Irp->CancelRoutine == \null;
    requires SpinLockSafe: LocksHeld == 0;
    requires CompletionIrql: Irql <= DISPATCH_LEVEL;
    requires CompleteRequestStatusCheck: Status != STATUS_PENDING && Status != (NTSTATUS)0xFFFFFFFF;
    requires CompleteRequest: !(FrameFor(Slot(Irp)) && CurFrame->wait_owed != 0);
    requires CleanupCompletesQueued: CurLoc(Irp)->MajorFunction == IRP_MJ_CLEANUP ==>
      CleanupCompletesQueued(Slot(Irp), CurLoc(Irp)->FileObject, CurDev);
    ensures StatusMismatch: \result == Status;
    ensures FrameCount == \old(FrameCount) && irpc_cpu == \old(irpc_cpu);
    ensures \old(FrameFor(Slot(Irp))) ==> CurFrame->completed == 1 && CurFrame->completed_status == Status;
    ensures CurFrame->marked == \old(CurFrame->marked) && CurFrame->forwarded == \old(CurFrame->forwarded);
    ensures CurFrame->sync_event_owed == \old(CurFrame->sync_event_owed);
*/
static NTSTATUS LowestFinish(PIRP Irp, NTSTATUS Status, ULONG_PTR Information)
{
    Irp->IoStatus.Status = Status;
    Irp->IoStatus.Information = Information;
    IoCompleteRequest(Irp, NT_ERROR(Status) ? IO_NO_INCREMENT : IO_DISK_INCREMENT);
    return Status;
}

/*@ requires DispatchEntry(Irp);
    requires create_close: CurLoc(Irp)->MajorFunction != IRP_MJ_CLEANUP;
    IRPC_DISPATCH_ROLE
*/
static NTSTATUS LowestDispatchCreateClose(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    return LowestFinish(Irp, STATUS_SUCCESS, 0);
}

/*@ requires \valid_read(stack);
    assigns \nothing;
*/
static ULONG LowestTransferLength(const IO_STACK_LOCATION *stack)
{
    switch (stack->MajorFunction) {
    case IRP_MJ_READ: return stack->Parameters.Read.Length;
    case IRP_MJ_WRITE: return stack->Parameters.Write.Length;
    default: return stack->Parameters.DeviceIoControl.OutputBufferLength;
    }
}

/* What the transfer routines ask of their device: its extension valid and
 * apart, transfers configured to end with a set status, its queue's last
 * entry valid. */
#define LOWEST_EXT_OK(ext) \
    \valid(ext) && IRPC_EXT_APART(ext) && StatusSet((ext)->TransferStatus) && \valid((ext)->Queue.Blink)

/* The state LowestQueue hands its two endings: the queue lock held (the
 * only one), the routine's frame fresh but for the lock, the IRP its own,
 * at a transfer location, not queued. */
#define LOWEST_LOCKED \
    Wf && PoolIrp(Irp) && IrpApart(Irp) && LOWEST_EXT_OK(ext) && \
    FrameCount > 0 && FrameFor(Slot(Irp)) && CurFrame->kind == IRPC_FRAME_DISPATCH && \
    CurFrame->marked == 0 && CurFrame->completed == 0 && CurFrame->forwarded == 0 && \
    CurFrame->wait_owed == 0 && CurFrame->sync_event_owed == \null && \
    State(Slot(Irp)) == IRPC_ST_ACTIVE && Owner(Slot(Irp)) == CurDev && Creator(Slot(Irp)) != CurDev && \
    HasCurrent(Irp) && CurLoc(Irp)->MajorFunction != IRP_MJ_CLEANUP && \
    irpc.life[Slot(Irp)].queued == 0 && \
    LocksHeld == 1 && irql <= DISPATCH_LEVEL && MarkingQueuedIrps

/* Cancelled before it was queued, and the cancel routine will not run:
 * the lock released, the IRP completed here, its status returned. */
/*@ requires LOWEST_LOCKED;
    requires Irp->CancelRoutine == \null;
    IRPC_DISPATCH_ROLE
*/
static NTSTATUS LowestDropCancelled(LOWEST_EXTENSION *ext, PIRP Irp, KIRQL irql)
{
    //@ assert wp_d_held: FrameIrpHeld(Slot(Irp));
    KeReleaseSpinLock(&ext->QueueLock, irql);
    //@ assert wp_d_cpu: irpc_cpu == \at(irpc_cpu, Pre) && FrameCount == \at(FrameCount, Pre) && FrameCount > 0;
    //@ assert wp_d_held2: FrameIrpHeld(Slot(Irp)) && LocksHeld == 0;
    ext->Cancelled++;
    return LowestFinish(Irp, STATUS_CANCELLED, 0);
}

/* Marked pending before the queue lock is released (MarkingQueuedIrps),
 * queued, the lock released, the DPC queued; STATUS_PENDING. */
/*@ requires LOWEST_LOCKED;
    IRPC_DISPATCH_ROLE
*/
static NTSTATUS LowestEnqueue(LOWEST_EXTENSION *ext, PIRP Irp, KIRQL irql)
{
    IoMarkIrpPending(Irp);
    //@ assert wp_e_marked: Wf && MarkingQueuedIrps && LocksHeld == 1 && Marked(Irp);
    InsertTailList(&ext->Queue, &Irp->Tail.Overlay.ListEntry);
    //@ assert wp_e_queued: Wf && MarkingQueuedIrps && LocksHeld == 1;
    KeReleaseSpinLock(&ext->QueueLock, irql);
    //@ assert wp_e_released: Wf;
    KeInsertQueueDpc(&ext->Dpc, NULL, NULL);
    return STATUS_PENDING;
}

/*@ IRPC_DISPATCH_HELPER_FRESH
    requires DispatchEntry(Irp);
    requires ext: LOWEST_EXT_OK(ext);
    requires transfer: CurLoc(Irp)->MajorFunction != IRP_MJ_CLEANUP;
    requires unqueued: irpc.life[Slot(Irp)].queued == 0;
    requires others_marked: MarkingQueuedIrps;
    IRPC_DISPATCH_ROLE
*/
static NTSTATUS LowestQueue(LOWEST_EXTENSION *ext, PIRP Irp)
{
    KIRQL irql;
    KeAcquireSpinLock(&ext->QueueLock, &irql);
    IoSetCancelRoutine(Irp, LowestCancel);
    if (Irp->Cancel && IoSetCancelRoutine(Irp, NULL) != NULL)
        return LowestDropCancelled(ext, Irp, irql);
    return LowestEnqueue(ext, Irp, irql);
}

/* A transfer finished in dispatch (the configuration's CompleteInline),
 * with the configured status. */
/*@ IRPC_DISPATCH_HELPER_FRESH
    requires DispatchEntry(Irp);
    requires ext: \valid(ext) && IRPC_EXT_APART(ext) && StatusSet(ext->TransferStatus);
    requires stack: stack == CurLoc(Irp) && CurLoc(Irp)->MajorFunction != IRP_MJ_CLEANUP;
    IRPC_DISPATCH_ROLE
*/
static NTSTATUS LowestInline(LOWEST_EXTENSION *ext, PIRP Irp, const IO_STACK_LOCATION *stack)
{
    NTSTATUS status = ext->TransferStatus;
    ext->Completed++;
    return LowestFinish(Irp, status, NT_SUCCESS(status) ? LowestTransferLength(stack) : 0);
}

/* An IOCTL other than a transfer: an unknown code is refused; the mode
 * query needs no device I/O and is answered from the extension. */
/*@ IRPC_DISPATCH_HELPER_FRESH
    requires DispatchEntry(Irp);
    requires ext: \valid_read(ext);
    requires stack: stack == CurLoc(Irp) && CurLoc(Irp)->MajorFunction == IRP_MJ_DEVICE_CONTROL;
    IRPC_DISPATCH_ROLE
*/
static NTSTATUS LowestControl(const LOWEST_EXTENSION *ext, PIRP Irp, const IO_STACK_LOCATION *stack)
{
    if (stack->Parameters.DeviceIoControl.IoControlCode != IOCTL_SAMPLE_QUERY_MODE)
        return LowestFinish(Irp, STATUS_INVALID_DEVICE_REQUEST, 0);
    if (stack->Parameters.DeviceIoControl.OutputBufferLength < sizeof(ULONG))
        return LowestFinish(Irp, STATUS_INVALID_PARAMETER, 0);
    return LowestFinish(Irp, STATUS_SUCCESS, ext->DeviceMode);
}

/*@ requires DispatchEntry(Irp);
    requires \valid(DeviceObject);
    requires ext: LOWEST_EXT_OK((LOWEST_EXTENSION *)DeviceObject->DeviceExtension);
    requires transfer: CurLoc(Irp)->MajorFunction == IRP_MJ_READ ||
      CurLoc(Irp)->MajorFunction == IRP_MJ_WRITE || CurLoc(Irp)->MajorFunction == IRP_MJ_DEVICE_CONTROL;
    requires unqueued: irpc.life[Slot(Irp)].queued == 0;
    requires others_marked: MarkingQueuedIrps;
    IRPC_DISPATCH_ROLE
*/
static NTSTATUS LowestDispatchTransfer(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    LOWEST_EXTENSION *ext = DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(Irp);

    if (stack->MajorFunction == IRP_MJ_DEVICE_CONTROL &&
        stack->Parameters.DeviceIoControl.IoControlCode != IOCTL_SAMPLE_TRANSFER)
        return LowestControl(ext, Irp, stack);
    if (LowestTransferLength(stack) == 0)
        return LowestFinish(Irp, STATUS_INVALID_PARAMETER, 0);

    if (ext->CompleteInline)
        return LowestInline(ext, Irp, stack);
    return LowestQueue(ext, Irp);
}

/* Completes every queued transfer whose cancel routine it can take back. */
static VOID LowestDpc(PKDPC Dpc, PVOID DeferredContext, PVOID SystemArgument1, PVOID SystemArgument2)
{
    PDEVICE_OBJECT DeviceObject = DeferredContext;
    LOWEST_EXTENSION *ext = DeviceObject->DeviceExtension;
    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(SystemArgument1);
    UNREFERENCED_PARAMETER(SystemArgument2);

    for (;;) {
        KIRQL irql;
        KeAcquireSpinLock(&ext->QueueLock, &irql);
        if (IsListEmpty(&ext->Queue)) {
            KeReleaseSpinLock(&ext->QueueLock, irql);
            return;
        }
        PLIST_ENTRY entry = RemoveHeadList(&ext->Queue);
        InitializeListHead(entry);
        PIRP irp = CONTAINING_RECORD(entry, IRP, Tail.Overlay.ListEntry);
        if (IoSetCancelRoutine(irp, NULL) == NULL) {
            /* IoCancelIrp took the routine: the cancel routine completes it */
            KeReleaseSpinLock(&ext->QueueLock, irql);
            continue;
        }
        KeReleaseSpinLock(&ext->QueueLock, irql);
        ULONG length = LowestTransferLength(IoGetCurrentIrpStackLocation(irp));
        ext->Completed++;
        LowestFinish(irp, ext->TransferStatus, NT_SUCCESS(ext->TransferStatus) ? length : 0);
    }
}

static VOID LowestCancel(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    LOWEST_EXTENSION *ext = DeviceObject->DeviceExtension;
    KIRQL irql;
    IoReleaseCancelSpinLock(Irp->CancelIrql);
    KeAcquireSpinLock(&ext->QueueLock, &irql);
    RemoveEntryList(&Irp->Tail.Overlay.ListEntry);
    InitializeListHead(&Irp->Tail.Overlay.ListEntry);
    KeReleaseSpinLock(&ext->QueueLock, irql);
    ext->Cancelled++;
    LowestFinish(Irp, STATUS_CANCELLED, 0);
}

static NTSTATUS LowestDispatchCleanup(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    LOWEST_EXTENSION *ext = DeviceObject->DeviceExtension;
    PFILE_OBJECT file = IoGetCurrentIrpStackLocation(Irp)->FileObject;
    LIST_ENTRY mine;
    KIRQL irql;

    InitializeListHead(&mine);
    KeAcquireSpinLock(&ext->QueueLock, &irql);
    PLIST_ENTRY entry = ext->Queue.Flink;
    while (entry != &ext->Queue) {
        PLIST_ENTRY next = entry->Flink;
        PIRP queued = CONTAINING_RECORD(entry, IRP, Tail.Overlay.ListEntry);
        if (IoGetCurrentIrpStackLocation(queued)->FileObject == file &&
            IoSetCancelRoutine(queued, NULL) != NULL) {
            RemoveEntryList(entry);
            InsertTailList(&mine, entry);
        }
        entry = next;
    }
    KeReleaseSpinLock(&ext->QueueLock, irql);

    while (!IsListEmpty(&mine)) {
        entry = RemoveHeadList(&mine);
        InitializeListHead(entry);
        ext->Cancelled++;
        LowestFinish(CONTAINING_RECORD(entry, IRP, Tail.Overlay.ListEntry), STATUS_CANCELLED, 0);
    }
    return LowestFinish(Irp, STATUS_SUCCESS, 0);
}

VOID LowestDriverEntry(PDRIVER_OBJECT DriverObject)
{
    DriverObject->MajorFunction[IRP_MJ_CREATE] = LowestDispatchCreateClose;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = LowestDispatchCreateClose;
    DriverObject->MajorFunction[IRP_MJ_READ] = LowestDispatchTransfer;
    DriverObject->MajorFunction[IRP_MJ_WRITE] = LowestDispatchTransfer;
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = LowestDispatchTransfer;
    DriverObject->MajorFunction[IRP_MJ_CLEANUP] = LowestDispatchCleanup;
}

PDEVICE_OBJECT LowestAddDevice(PDRIVER_OBJECT DriverObject)
{
    PDEVICE_OBJECT dev = SampleCreateDevice(DriverObject, NULL, NULL);
    if (dev == NULL)
        return NULL;
    LOWEST_EXTENSION *ext = dev->DeviceExtension;
    KeInitializeSpinLock(&ext->QueueLock);
    InitializeListHead(&ext->Queue);
    KeInitializeDpc(&ext->Dpc, LowestDpc, dev);
    ext->DeviceMode = 7;
    ext->TransferStatus = STATUS_SUCCESS;
    return dev;
}
