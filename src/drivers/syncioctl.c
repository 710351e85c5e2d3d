/*
 * syncioctl.c - a driver that answers a device-control request by asking
 * the device below for a transfer with a synchronous IOCTL (seed 002): it builds the IRP
 * with IoBuildDeviceIoControlRequest, registers no completion routine,
 * sends it, waits on the event when IoCallDriver returned STATUS_PENDING,
 * and reads the status block only then.  The I/O manager frees that IRP
 * and signals the event; the driver does neither.  Runs at PASSIVE_LEVEL.
 */
#include "drivers.h"

static DRIVER_DISPATCH SyncIoctlDispatch;

static NTSTATUS SyncIoctlDispatch(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    SYNCIOCTL_EXTENSION *ext = DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(Irp);
    IO_STATUS_BLOCK iosb;
    KEVENT event;
    NTSTATUS status;

    if (stack->MajorFunction != IRP_MJ_DEVICE_CONTROL) {
        IoSkipCurrentIrpStackLocation(Irp);
        return IoCallDriver(ext->Lower, Irp);
    }
    iosb.Status = STATUS_UNSUCCESSFUL;
    iosb.Information = 0;
    KeInitializeEvent(&event, NotificationEvent, FALSE);
    PIRP transfer = IoBuildDeviceIoControlRequest(IOCTL_SAMPLE_TRANSFER, ext->Lower, NULL, 0,
                                               &ext->Mode, sizeof ext->Mode, FALSE, &event, &iosb);
    if (transfer == NULL) {
        status = STATUS_INSUFFICIENT_RESOURCES;
    } else {
        status = IoCallDriver(ext->Lower, transfer);
        if (status == STATUS_PENDING) {
            ext->Waits++;
            KeWaitForSingleObject(&event, Executive, KernelMode, FALSE, NULL);
            status = iosb.Status;
        }
    }
    Irp->IoStatus.Status = status;
    Irp->IoStatus.Information = NT_SUCCESS(status) ? iosb.Information : 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}

VOID SyncIoctlDriverEntry(PDRIVER_OBJECT DriverObject)
{
    for (int i = 0; i <= IRP_MJ_MAXIMUM_FUNCTION; i++)
        DriverObject->MajorFunction[i] = SyncIoctlDispatch;
}

PDEVICE_OBJECT SyncIoctlAddDevice(PDRIVER_OBJECT DriverObject, PDEVICE_OBJECT Lower)
{
    PDEVICE_OBJECT below = NULL;
    PDEVICE_OBJECT dev = SampleCreateDevice(DriverObject, Lower, &below);
    if (dev != NULL)
        ((SYNCIOCTL_EXTENSION *)dev->DeviceExtension)->Lower = below;
    return dev;
}
