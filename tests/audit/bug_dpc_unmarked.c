// expect: 1 MarkingQueuedIrps:26 MarkIrpPending2:27
// Hands the IRP to a DPC before marking it pending, returns STATUS_PENDING without marking.
#include <wdm.h>

DRIVER_INITIALIZE DriverEntry;
static DRIVER_DISPATCH Dispatch;


static KDPC Dpc;
static KDEFERRED_ROUTINE CompleteDpc;

static VOID CompleteDpc(PKDPC Dpc_, PVOID Context, PVOID Argument1, PVOID Argument2)
{
    PIRP irp = Argument1;
    UNREFERENCED_PARAMETER(Dpc_);
    UNREFERENCED_PARAMETER(Context);
    UNREFERENCED_PARAMETER(Argument2);
    irp->IoStatus.Status = STATUS_SUCCESS;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
}

static NTSTATUS Dispatch(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    KeInitializeDpc(&Dpc, CompleteDpc, NULL);
    KeInsertQueueDpc(&Dpc, Irp, NULL);
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
    DriverObject->MajorFunction[IRP_MJ_READ] = Dispatch;
    return STATUS_SUCCESS;
}
