// expect: 1 UncheckedAllocation:21
// IoAllocateWorkItem's result is queued without a check: on the path where
// the allocation fails, IoQueueWorkItem dereferences NULL.  The fault is in
// the kernel routine, so the finding names the driver's call (line 21).
#include <wdm.h>
DRIVER_INITIALIZE DriverEntry;
static DRIVER_DISPATCH DispatchRead;
static IO_WORKITEM_ROUTINE Worker;
static VOID Worker(PDEVICE_OBJECT DeviceObject, PVOID Context)
{
    PIRP irp = Context;
    UNREFERENCED_PARAMETER(DeviceObject);
    irp->IoStatus.Status = STATUS_SUCCESS;
    irp->IoStatus.Information = 0;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
}
static NTSTATUS DispatchRead(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PIO_WORKITEM item = IoAllocateWorkItem(DeviceObject);
    IoMarkIrpPending(Irp);
    IoQueueWorkItem(item, Worker, DelayedWorkQueue, Irp);
    return STATUS_PENDING;
}
NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    PDEVICE_OBJECT device;
    NTSTATUS status;
    UNREFERENCED_PARAMETER(RegistryPath);
    status = IoCreateDevice(DriverObject, 0, NULL, FILE_DEVICE_UNKNOWN, 0, FALSE, &device);
    if (!NT_SUCCESS(status)) return status;
    DriverObject->MajorFunction[IRP_MJ_READ] = DispatchRead;
    return STATUS_SUCCESS;
}
