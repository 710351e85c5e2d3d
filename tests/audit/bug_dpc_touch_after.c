// expect: 1 IrpAccessAfterRelease:28
// Marks pending, queues the DPC, then writes Information: the DPC may already have completed it.
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
    IoMarkIrpPending(Irp);
    KeInsertQueueDpc(&Dpc, Irp, NULL);
    Irp->IoStatus.Information = 0;
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
