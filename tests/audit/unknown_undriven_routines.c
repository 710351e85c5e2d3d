// expect: 3
// expect-reason: DispatchWrite (DRIVER_DISPATCH)
// expect-reason: WriteDone (IO_COMPLETION_ROUTINE)
// expect-reason: FlushLater (KDEFERRED_ROUTINE)
// Routines declared with role types but not reachable from what DriverEntry
// registers: writes are only enabled by a registry setting the audit does
// not provide, so DispatchWrite, its completion routine and the DPC it
// queues never run.  The rules they would need stay unknown (exit 3), and
// the report names them; nothing is silently skipped.
#include <wdm.h>

typedef struct _DEVICE_EXTENSION {
    PDEVICE_OBJECT Lower;
} DEVICE_EXTENSION, *PDEVICE_EXTENSION;

DRIVER_INITIALIZE DriverEntry;
static DRIVER_ADD_DEVICE AddDevice;
static DRIVER_DISPATCH DispatchRead;
static DRIVER_DISPATCH DispatchWrite;
static IO_COMPLETION_ROUTINE WriteDone;
static KDEFERRED_ROUTINE FlushLater;

static BOOLEAN WritesEnabled;
static KDPC FlushDpc;

static VOID FlushLater(PKDPC Dpc, PVOID Context, PVOID Argument1, PVOID Argument2)
{
    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(Context);
    UNREFERENCED_PARAMETER(Argument1);
    UNREFERENCED_PARAMETER(Argument2);
}

static NTSTATUS WriteDone(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    UNREFERENCED_PARAMETER(Context);
    if (Irp->PendingReturned)
        IoMarkIrpPending(Irp);
    KeInsertQueueDpc(&FlushDpc, NULL, NULL);
    return STATUS_CONTINUE_COMPLETION;
}

static NTSTATUS DispatchWrite(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PDEVICE_EXTENSION ext = DeviceObject->DeviceExtension;
    IoCopyCurrentIrpStackLocationToNext(Irp);
    IoSetCompletionRoutine(Irp, WriteDone, NULL, TRUE, TRUE, TRUE);
    return IoCallDriver(ext->Lower, Irp);
}

static NTSTATUS DispatchRead(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PDEVICE_EXTENSION ext = DeviceObject->DeviceExtension;
    IoSkipCurrentIrpStackLocation(Irp);
    return IoCallDriver(ext->Lower, Irp);
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
    KeInitializeDpc(&FlushDpc, FlushLater, NULL);
    DriverObject->MajorFunction[IRP_MJ_READ] = DispatchRead;
    if (WritesEnabled)     /* set from the registry in a real driver */
        DriverObject->MajorFunction[IRP_MJ_WRITE] = DispatchWrite;
    DriverObject->DriverExtension->AddDevice = AddDevice;
    return STATUS_SUCCESS;
}
