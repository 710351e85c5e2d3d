// expect: 0
// Device controls are handled at PASSIVE_LEVEL in a work item: the dispatch
// routine allocates a work item (completing the IRP with
// STATUS_INSUFFICIENT_RESOURCES when that fails), marks the IRP pending and
// queues the item with the IRP.  The worker forwards the IRP, waits for the
// event its completion routine signals when the lower driver pended it,
// completes the IRP and frees the work item.
#include <wdm.h>

typedef struct _DEVICE_EXTENSION {
    PDEVICE_OBJECT Lower;
} DEVICE_EXTENSION, *PDEVICE_EXTENSION;

DRIVER_INITIALIZE DriverEntry;
static DRIVER_ADD_DEVICE AddDevice;
static DRIVER_DISPATCH DispatchIoctl;
static IO_WORKITEM_ROUTINE Worker;
static IO_COMPLETION_ROUTINE ForwardDone;

static NTSTATUS ForwardDone(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    UNREFERENCED_PARAMETER(Irp);
    KeSetEvent((PKEVENT)Context, IO_NO_INCREMENT, FALSE);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

static VOID Worker(PDEVICE_OBJECT DeviceObject, PVOID Context)
{
    PIRP irp = Context;
    PDEVICE_EXTENSION ext = DeviceObject->DeviceExtension;
    PIO_WORKITEM item = irp->Tail.Overlay.DriverContext[0];
    KEVENT done;
    NTSTATUS status;
    KeInitializeEvent(&done, NotificationEvent, FALSE);
    IoCopyCurrentIrpStackLocationToNext(irp);
    IoSetCompletionRoutine(irp, ForwardDone, &done, TRUE, TRUE, TRUE);
    status = IoCallDriver(ext->Lower, irp);
    if (status == STATUS_PENDING)
        KeWaitForSingleObject(&done, Executive, KernelMode, FALSE, NULL);
    IoCompleteRequest(irp, IO_NO_INCREMENT);
    IoFreeWorkItem(item);
}

static NTSTATUS DispatchIoctl(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PIO_WORKITEM item = IoAllocateWorkItem(DeviceObject);
    if (item == NULL) {
        Irp->IoStatus.Status = STATUS_INSUFFICIENT_RESOURCES;
        Irp->IoStatus.Information = 0;
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    Irp->Tail.Overlay.DriverContext[0] = item;
    IoMarkIrpPending(Irp);
    IoQueueWorkItem(item, Worker, DelayedWorkQueue, Irp);
    return STATUS_PENDING;
}

static NTSTATUS AddDevice(PDRIVER_OBJECT DriverObject, PDEVICE_OBJECT PhysicalDeviceObject)
{
    PDEVICE_OBJECT device;
    PDEVICE_EXTENSION ext;
    NTSTATUS status = IoCreateDevice(DriverObject, sizeof(DEVICE_EXTENSION), NULL,
                                     FILE_DEVICE_UNKNOWN, 0, FALSE, &device);
    if (!NT_SUCCESS(status))
        return status;
    ext = device->DeviceExtension;
    ext->Lower = IoAttachDeviceToDeviceStack(device, PhysicalDeviceObject);
    if (ext->Lower == NULL) {
        IoDeleteDevice(device);
        return STATUS_NO_SUCH_DEVICE;
    }
    device->Flags &= ~DO_DEVICE_INITIALIZING;
    return STATUS_SUCCESS;
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = DispatchIoctl;
    DriverObject->DriverExtension->AddDevice = AddDevice;
    return STATUS_SUCCESS;
}
