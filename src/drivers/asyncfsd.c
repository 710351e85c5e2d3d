/*
 * asyncfsd.c - a driver that serves reads by building its own read with
 * IoBuildAsynchronousFsdRequest into a buffer of its extension.  Like an
 * IoAllocateIrp IRP, the built IRP belongs to its creator: the completion
 * routine (registered for success, error and cancel) frees it and stops
 * completion.  Other requests are passed down unchanged.
 */
#include "drivers.h"

static DRIVER_DISPATCH AsyncFsdDispatch;
static IO_COMPLETION_ROUTINE AsyncFsdReadDone;

static NTSTATUS AsyncFsdReadDone(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    PIRP original = Context;
    UNREFERENCED_PARAMETER(DeviceObject);
    PDEVICE_OBJECT self = IoGetCurrentIrpStackLocation(original)->DeviceObject;
    ASYNCFSD_EXTENSION *ext = self->DeviceExtension;
    NTSTATUS status = Irp->IoStatus.Status;
    ULONG_PTR got = Irp->IoStatus.Information;

    IoFreeIrp(Irp);
    ext->Freed++;
    original->IoStatus.Status = status;
    original->IoStatus.Information = NT_SUCCESS(status) ? got : 0;
    IoCompleteRequest(original, IO_NO_INCREMENT);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

static NTSTATUS AsyncFsdDispatch(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    ASYNCFSD_EXTENSION *ext = DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(Irp);
    LARGE_INTEGER offset;

    if (stack->MajorFunction != IRP_MJ_READ) {
        IoSkipCurrentIrpStackLocation(Irp);
        return IoCallDriver(ext->Lower, Irp);
    }
    offset.QuadPart = stack->Parameters.Read.ByteOffset.QuadPart;
    PIRP read = IoBuildAsynchronousFsdRequest(IRP_MJ_READ, ext->Lower, ext->Buffer,
                                              sizeof ext->Buffer, &offset, NULL);
    if (read == NULL) {
        Irp->IoStatus.Status = STATUS_INSUFFICIENT_RESOURCES;
        Irp->IoStatus.Information = 0;
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    ext->Created++;
    IoGetNextIrpStackLocation(read)->FileObject = stack->FileObject;
    IoSetCompletionRoutine(read, AsyncFsdReadDone, Irp, TRUE, TRUE, TRUE);
    IoMarkIrpPending(Irp);
    IoCallDriver(ext->Lower, read);
    return STATUS_PENDING;
}

VOID AsyncFsdDriverEntry(PDRIVER_OBJECT DriverObject)
{
    for (int i = 0; i <= IRP_MJ_MAXIMUM_FUNCTION; i++)
        DriverObject->MajorFunction[i] = AsyncFsdDispatch;
}

PDEVICE_OBJECT AsyncFsdAddDevice(PDRIVER_OBJECT DriverObject, PDEVICE_OBJECT Lower)
{
    PDEVICE_OBJECT below = NULL;
    PDEVICE_OBJECT dev = SampleCreateDevice(DriverObject, Lower, &below);
    if (dev != NULL)
        ((ASYNCFSD_EXTENSION *)dev->DeviceExtension)->Lower = below;
    return dev;
}
