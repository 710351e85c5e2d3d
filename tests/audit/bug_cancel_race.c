// expect: 1 IrpAccessAfterRelease:18
// The DPC clears the cancel routine without checking whether IoCancelIrp
// already took it: when the DPC runs while the cancel routine is releasing the
// cancel spin lock, both complete the IRP.
#include <wdm.h>

DRIVER_INITIALIZE DriverEntry;
static DRIVER_DISPATCH DispatchRead;
static DRIVER_CANCEL CancelRead;
static KDEFERRED_ROUTINE StartIoDpc;

static KSPIN_LOCK QueueLock;
static LIST_ENTRY Queue;
static KDPC Dpc;

static VOID CompleteIrp(PIRP Irp, NTSTATUS Status)
{
    Irp->IoStatus.Status = Status;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
}

static VOID CancelRead(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    KIRQL irql;
    UNREFERENCED_PARAMETER(DeviceObject);
    IoReleaseCancelSpinLock(Irp->CancelIrql);
    KeAcquireSpinLock(&QueueLock, &irql);
    RemoveEntryList(&Irp->Tail.Overlay.ListEntry);
    InitializeListHead(&Irp->Tail.Overlay.ListEntry);
    KeReleaseSpinLock(&QueueLock, irql);
    CompleteIrp(Irp, STATUS_CANCELLED);
}

static VOID StartIoDpc(PKDPC Dpc_, PVOID Context, PVOID Argument1, PVOID Argument2)
{
    UNREFERENCED_PARAMETER(Dpc_);
    UNREFERENCED_PARAMETER(Context);
    UNREFERENCED_PARAMETER(Argument1);
    UNREFERENCED_PARAMETER(Argument2);
    for (;;) {
        KIRQL irql;
        PLIST_ENTRY entry;
        PIRP irp;
        KeAcquireSpinLock(&QueueLock, &irql);
        if (IsListEmpty(&Queue)) {
            KeReleaseSpinLock(&QueueLock, irql);
            return;
        }
        entry = RemoveHeadList(&Queue);
        InitializeListHead(entry);
        irp = CONTAINING_RECORD(entry, IRP, Tail.Overlay.ListEntry);
        IoSetCancelRoutine(irp, NULL);
        KeReleaseSpinLock(&QueueLock, irql);
        CompleteIrp(irp, STATUS_SUCCESS);
    }
}

static NTSTATUS DispatchRead(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    KIRQL irql;
    UNREFERENCED_PARAMETER(DeviceObject);
    IoMarkIrpPending(Irp);
    KeAcquireSpinLock(&QueueLock, &irql);
    IoSetCancelRoutine(Irp, CancelRead);
    if (Irp->Cancel && IoSetCancelRoutine(Irp, NULL) != NULL) {
        KeReleaseSpinLock(&QueueLock, irql);
        CompleteIrp(Irp, STATUS_CANCELLED);
        return STATUS_PENDING;
    }
    InsertTailList(&Queue, &Irp->Tail.Overlay.ListEntry);
    KeReleaseSpinLock(&QueueLock, irql);
    KeInsertQueueDpc(&Dpc, NULL, NULL);
    return STATUS_PENDING;
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
    KeInitializeDpc(&Dpc, StartIoDpc, NULL);
    DriverObject->MajorFunction[IRP_MJ_READ] = DispatchRead;
    return STATUS_SUCCESS;
}
