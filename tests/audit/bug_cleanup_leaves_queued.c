// expect: 1 CleanupCompletesQueued:56
// Cleanup completes the cleanup IRP while the file object's IRPs are still queued.
#include <wdm.h>

DRIVER_INITIALIZE DriverEntry;
static DRIVER_DISPATCH DispatchRead;
static DRIVER_DISPATCH DispatchCleanup;
static KDEFERRED_ROUTINE DrainDpc;

static KSPIN_LOCK QueueLock;
static LIST_ENTRY Queue;
static KDPC Dpc;

static VOID DrainDpc(PKDPC Dpc_, PVOID Context, PVOID Argument1, PVOID Argument2)
{
    KIRQL irql;
    UNREFERENCED_PARAMETER(Dpc_);
    UNREFERENCED_PARAMETER(Context);
    UNREFERENCED_PARAMETER(Argument1);
    UNREFERENCED_PARAMETER(Argument2);
    for (;;) {
        PLIST_ENTRY entry;
        PIRP irp;
        KeAcquireSpinLock(&QueueLock, &irql);
        if (IsListEmpty(&Queue)) {
            KeReleaseSpinLock(&QueueLock, irql);
            return;
        }
        entry = RemoveHeadList(&Queue);
        KeReleaseSpinLock(&QueueLock, irql);
        irp = CONTAINING_RECORD(entry, IRP, Tail.Overlay.ListEntry);
        irp->IoStatus.Status = STATUS_SUCCESS;
        irp->IoStatus.Information = 0;
        IoCompleteRequest(irp, IO_NO_INCREMENT);
    }
}

static NTSTATUS DispatchRead(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    KIRQL irql;
    UNREFERENCED_PARAMETER(DeviceObject);
    IoMarkIrpPending(Irp);
    KeAcquireSpinLock(&QueueLock, &irql);
    InsertTailList(&Queue, &Irp->Tail.Overlay.ListEntry);
    KeReleaseSpinLock(&QueueLock, irql);
    KeInsertQueueDpc(&Dpc, NULL, NULL);
    return STATUS_PENDING;
}


static NTSTATUS DispatchCleanup(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
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
    DriverObject->MajorFunction[IRP_MJ_READ] = DispatchRead;
    DriverObject->MajorFunction[IRP_MJ_CLEANUP] = DispatchCleanup;
    return STATUS_SUCCESS;
}
