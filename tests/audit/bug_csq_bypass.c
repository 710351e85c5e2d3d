// expect: 1 CompleteWithCancelRoutine:82
// ok_csq.c with one bug: the DPC takes IRPs off the queue's list itself
// instead of with IoCsqRemoveNextIrp, so it completes them with the queue's
// cancel routine still set (and races with their cancellation).
#include <wdm.h>

DRIVER_INITIALIZE DriverEntry;
static DRIVER_DISPATCH DispatchRead;
static DRIVER_DISPATCH DispatchCleanup;
static KDEFERRED_ROUTINE DrainDpc;

static IO_CSQ Csq;
static LIST_ENTRY Queue;
static KSPIN_LOCK QueueLock;
static KDPC Dpc;

static VOID CsqInsertIrp(PIO_CSQ Q, PIRP Irp)
{
    UNREFERENCED_PARAMETER(Q);
    InsertTailList(&Queue, &Irp->Tail.Overlay.ListEntry);
}

static VOID CsqRemoveIrp(PIO_CSQ Q, PIRP Irp)
{
    UNREFERENCED_PARAMETER(Q);
    RemoveEntryList(&Irp->Tail.Overlay.ListEntry);
}

/* The next IRP after Irp (from the head when Irp is NULL) of the file
 * object PeekContext, or of any file when it is NULL. */
static PIRP CsqPeekNextIrp(PIO_CSQ Q, PIRP Irp, PVOID PeekContext)
{
    PLIST_ENTRY entry = Irp == NULL ? Queue.Flink : Irp->Tail.Overlay.ListEntry.Flink;
    UNREFERENCED_PARAMETER(Q);
    while (entry != &Queue) {
        PIRP next = CONTAINING_RECORD(entry, IRP, Tail.Overlay.ListEntry);
        if (PeekContext == NULL || IoGetCurrentIrpStackLocation(next)->FileObject == PeekContext)
            return next;
        entry = entry->Flink;
    }
    return NULL;
}

static VOID CsqAcquireLock(PIO_CSQ Q, PKIRQL Irql)
{
    UNREFERENCED_PARAMETER(Q);
    KeAcquireSpinLock(&QueueLock, Irql);
}

static VOID CsqReleaseLock(PIO_CSQ Q, KIRQL Irql)
{
    UNREFERENCED_PARAMETER(Q);
    KeReleaseSpinLock(&QueueLock, Irql);
}

static VOID CsqCompleteCanceledIrp(PIO_CSQ Q, PIRP Irp)
{
    UNREFERENCED_PARAMETER(Q);
    Irp->IoStatus.Status = STATUS_CANCELLED;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
}

static VOID DrainDpc(PKDPC Dpc_, PVOID Context, PVOID Argument1, PVOID Argument2)
{
    PIRP irp;
    KIRQL irql;
    UNREFERENCED_PARAMETER(Dpc_);
    UNREFERENCED_PARAMETER(Context);
    UNREFERENCED_PARAMETER(Argument1);
    UNREFERENCED_PARAMETER(Argument2);
    for (;;) {
        KeAcquireSpinLock(&QueueLock, &irql);
        if (IsListEmpty(&Queue)) {
            KeReleaseSpinLock(&QueueLock, irql);
            break;
        }
        irp = CONTAINING_RECORD(RemoveHeadList(&Queue), IRP, Tail.Overlay.ListEntry);
        KeReleaseSpinLock(&QueueLock, irql);
        irp->IoStatus.Status = STATUS_SUCCESS;
        irp->IoStatus.Information = 0;
        IoCompleteRequest(irp, IO_NO_INCREMENT);
    }
}

static NTSTATUS DispatchRead(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    IoCsqInsertIrp(&Csq, Irp, NULL);
    KeInsertQueueDpc(&Dpc, NULL, NULL);
    return STATUS_PENDING;
}

static NTSTATUS DispatchCleanup(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PFILE_OBJECT file = IoGetCurrentIrpStackLocation(Irp)->FileObject;
    PIRP queued;
    UNREFERENCED_PARAMETER(DeviceObject);
    while ((queued = IoCsqRemoveNextIrp(&Csq, file)) != NULL) {
        queued->IoStatus.Status = STATUS_CANCELLED;
        queued->IoStatus.Information = 0;
        IoCompleteRequest(queued, IO_NO_INCREMENT);
    }
    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    PDEVICE_OBJECT device;
    NTSTATUS status;
    UNREFERENCED_PARAMETER(RegistryPath);
    status = IoCreateDevice(DriverObject, 0, NULL, FILE_DEVICE_UNKNOWN, 0, FALSE, &device);
    if (!NT_SUCCESS(status))
        return status;
    KeInitializeSpinLock(&QueueLock);
    InitializeListHead(&Queue);
    KeInitializeDpc(&Dpc, DrainDpc, NULL);
    status = IoCsqInitialize(&Csq, CsqInsertIrp, CsqRemoveIrp, CsqPeekNextIrp, CsqAcquireLock,
                             CsqReleaseLock, CsqCompleteCanceledIrp);
    if (!NT_SUCCESS(status)) {
        IoDeleteDevice(device);
        return status;
    }
    DriverObject->MajorFunction[IRP_MJ_READ] = DispatchRead;
    DriverObject->MajorFunction[IRP_MJ_CLEANUP] = DispatchCleanup;
    return STATUS_SUCCESS;
}
