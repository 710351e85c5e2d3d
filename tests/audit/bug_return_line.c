// expect: 1 MarkIrpPending:43
// Several return statements; only the one for IOCTL_SAMPLE_QUEUE breaks a
// rule (the IRP is marked pending and handed to a DPC, but the routine
// returns STATUS_SUCCESS), so the finding must name that return statement -
// not the routine, and not the helper whose return runs inside another one.
#include <wdm.h>

#define IOCTL_SAMPLE_NOW   CTL_CODE(FILE_DEVICE_UNKNOWN, 0x801, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_SAMPLE_QUEUE CTL_CODE(FILE_DEVICE_UNKNOWN, 0x802, METHOD_BUFFERED, FILE_ANY_ACCESS)

DRIVER_INITIALIZE DriverEntry;
static DRIVER_DISPATCH DispatchIoctl;
static KDEFERRED_ROUTINE CompleteLater;

static KDPC Dpc;

static NTSTATUS CompleteNow(PIRP Irp, NTSTATUS Status)
{
    Irp->IoStatus.Status = Status;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return Status;
}

static VOID CompleteLater(PKDPC Dpc_, PVOID Context, PVOID Argument1, PVOID Argument2)
{
    UNREFERENCED_PARAMETER(Dpc_);
    UNREFERENCED_PARAMETER(Context);
    UNREFERENCED_PARAMETER(Argument2);
    (void)CompleteNow((PIRP)Argument1, STATUS_SUCCESS);
}

static NTSTATUS DispatchIoctl(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(Irp);
    UNREFERENCED_PARAMETER(DeviceObject);
    switch (stack->Parameters.DeviceIoControl.IoControlCode) {
    case IOCTL_SAMPLE_NOW:
        return CompleteNow(Irp, STATUS_SUCCESS);
    case IOCTL_SAMPLE_QUEUE:
        IoMarkIrpPending(Irp);
        KeInsertQueueDpc(&Dpc, Irp, NULL);
        return STATUS_SUCCESS;          /* the bug: must return STATUS_PENDING */
    default:
        break;
    }
    return CompleteNow(Irp, STATUS_INVALID_DEVICE_REQUEST);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    PDEVICE_OBJECT device;
    NTSTATUS status;
    UNREFERENCED_PARAMETER(RegistryPath);
    status = IoCreateDevice(DriverObject, 0, NULL, FILE_DEVICE_UNKNOWN, 0, FALSE, &device);
    if (!NT_SUCCESS(status))
        return status;
    KeInitializeDpc(&Dpc, CompleteLater, NULL);
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = DispatchIoctl;
    return STATUS_SUCCESS;
}
