/*
 * allocirp.c - a driver that serves each request by creating an IRP of its
 * own with IoAllocateIrp (seed 002: "drivers that allocate IRPs ... must
 * have an IoCompletion routine").  It marks the original pending, sends the
 * new IRP down with a routine registered for success, error and cancel,
 * and returns STATUS_PENDING.  The routine copies the result to the
 * original, frees the IRP it created with IoFreeIrp, completes the original,
 * and returns STATUS_MORE_PROCESSING_REQUIRED: the I/O manager has no
 * thread to return a driver-created IRP to.
 */
#include "drivers.h"

static DRIVER_DISPATCH AllocIrpDispatch;
static IO_COMPLETION_ROUTINE AllocIrpCompletion;

static NTSTATUS AllocIrpCompletion(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    PIRP original = Context;
    /* DeviceObject is NULL: the routine was registered by the IRP's creator */
    UNREFERENCED_PARAMETER(DeviceObject);
    ALLOCIRP_EXTENSION *ext = IoGetCurrentIrpStackLocation(original)->DeviceObject->DeviceExtension;
    original->IoStatus = Irp->IoStatus;
    IoFreeIrp(Irp);
    ext->Freed++;
    IoCompleteRequest(original, IO_NO_INCREMENT);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

static NTSTATUS AllocIrpDispatch(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    ALLOCIRP_EXTENSION *ext = DeviceObject->DeviceExtension;
    PIRP own = IoAllocateIrp(ext->Lower->StackSize, FALSE);
    if (own == NULL) {
        Irp->IoStatus.Status = STATUS_INSUFFICIENT_RESOURCES;
        Irp->IoStatus.Information = 0;
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    ext->Created++;
    PIO_STACK_LOCATION mine = IoGetCurrentIrpStackLocation(Irp);
    PIO_STACK_LOCATION next = IoGetNextIrpStackLocation(own);
    next->MajorFunction = mine->MajorFunction;
    next->Parameters = mine->Parameters;
    next->FileObject = mine->FileObject;
    IoSetCompletionRoutine(own, AllocIrpCompletion, Irp, TRUE, TRUE, TRUE);
    IoMarkIrpPending(Irp);
    IoCallDriver(ext->Lower, own);
    return STATUS_PENDING;
}

VOID AllocIrpDriverEntry(PDRIVER_OBJECT DriverObject)
{
    for (int i = 0; i <= IRP_MJ_MAXIMUM_FUNCTION; i++)
        DriverObject->MajorFunction[i] = AllocIrpDispatch;
}

PDEVICE_OBJECT AllocIrpAddDevice(PDRIVER_OBJECT DriverObject, PDEVICE_OBJECT Lower)
{
    PDEVICE_OBJECT below = NULL;
    PDEVICE_OBJECT dev = SampleCreateDevice(DriverObject, Lower, &below);
    if (dev != NULL)
        ((ALLOCIRP_EXTENSION *)dev->DeviceExtension)->Lower = below;
    return dev;
}
