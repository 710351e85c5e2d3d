/*
 * lowest.c - a lowest-level device driver (seed 001).
 *
 * Invalid requests are completed in dispatch with STATUS_INVALID_PARAMETER
 * and IO_NO_INCREMENT; a query that needs no device I/O is answered from the
 * device extension; every other transfer is marked pending, queued under
 * the queue lock with a cancel routine, handed to a DPC, and STATUS_PENDING
 * is returned.  DispatchCleanup completes the queued IRPs of its file
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

static ULONG LowestTransferLength(const IO_STACK_LOCATION *stack)
{
    switch (stack->MajorFunction) {
    case IRP_MJ_READ: return stack->Parameters.Read.Length;
    case IRP_MJ_WRITE: return stack->Parameters.Write.Length;
    default: return stack->Parameters.DeviceIoControl.OutputBufferLength;
    }
}

static NTSTATUS LowestDispatchTransfer(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    LOWEST_EXTENSION *ext = DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(Irp);
    KIRQL irql;

    if (stack->MajorFunction == IRP_MJ_DEVICE_CONTROL) {
        ULONG code = stack->Parameters.DeviceIoControl.IoControlCode;
        if (code != IOCTL_SAMPLE_QUERY_MODE && code != IOCTL_SAMPLE_TRANSFER)
            return LowestFinish(Irp, STATUS_INVALID_DEVICE_REQUEST, 0);
        if (code == IOCTL_SAMPLE_QUERY_MODE) {
            if (stack->Parameters.DeviceIoControl.OutputBufferLength < sizeof(ULONG))
                return LowestFinish(Irp, STATUS_INVALID_PARAMETER, 0);
            /* no device I/O: answer from the extension */
            return LowestFinish(Irp, STATUS_SUCCESS, ext->DeviceMode);
        }
    }
    if (LowestTransferLength(stack) == 0)
        return LowestFinish(Irp, STATUS_INVALID_PARAMETER, 0);

    if (ext->CompleteInline) {
        ext->Completed++;
        return LowestFinish(Irp, ext->TransferStatus,
                            NT_SUCCESS(ext->TransferStatus) ? LowestTransferLength(stack) : 0);
    }

    IoMarkIrpPending(Irp);
    KeAcquireSpinLock(&ext->QueueLock, &irql);
    IoSetCancelRoutine(Irp, LowestCancel);
    if (Irp->Cancel && IoSetCancelRoutine(Irp, NULL) != NULL) {
        /* cancelled before it was queued, and the cancel routine will not run */
        KeReleaseSpinLock(&ext->QueueLock, irql);
        ext->Cancelled++;
        LowestFinish(Irp, STATUS_CANCELLED, 0);
        return STATUS_PENDING;
    }
    InsertTailList(&ext->Queue, &Irp->Tail.Overlay.ListEntry);
    KeReleaseSpinLock(&ext->QueueLock, irql);
    KeInsertQueueDpc(&ext->Dpc, NULL, NULL);
    return STATUS_PENDING;
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
