/*
 * fwdwait.c - forward and wait: the driver needs the lower driver's result
 * before it finishes the request itself.  Its completion routine signals an
 * event and returns STATUS_MORE_PROCESSING_REQUIRED, so the IRP comes back
 * to it; when IoCallDriver returned STATUS_PENDING it waits on the event;
 * then it completes the IRP again and returns the status it completed with.
 * The routine never marks the IRP pending (it signals an event instead).
 */
#include "drivers.h"

static DRIVER_DISPATCH FwdWaitDispatch;
static IO_COMPLETION_ROUTINE FwdWaitCompletion;

static NTSTATUS FwdWaitCompletion(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    FWDWAIT_EXTENSION *ext = DeviceObject->DeviceExtension;
    UNREFERENCED_PARAMETER(Irp);
    ext->RoutineRuns++;
    KeSetEvent((PKEVENT)Context, IO_NO_INCREMENT, FALSE);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

static NTSTATUS FwdWaitDispatch(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    FWDWAIT_EXTENSION *ext = DeviceObject->DeviceExtension;
    KEVENT event;
    NTSTATUS status;

    KeInitializeEvent(&event, NotificationEvent, FALSE);
    IoCopyCurrentIrpStackLocationToNext(Irp);
    IoSetCompletionRoutine(Irp, FwdWaitCompletion, &event, TRUE, TRUE, TRUE);
    status = IoCallDriver(ext->Lower, Irp);
    if (status == STATUS_PENDING) {
        ext->Waits++;
        KeWaitForSingleObject(&event, Executive, KernelMode, FALSE, NULL);
    }
    /* the IRP is ours again */
    status = Irp->IoStatus.Status;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}

VOID FwdWaitDriverEntry(PDRIVER_OBJECT DriverObject)
{
    for (int i = 0; i <= IRP_MJ_MAXIMUM_FUNCTION; i++)
        DriverObject->MajorFunction[i] = FwdWaitDispatch;
}

PDEVICE_OBJECT FwdWaitAddDevice(PDRIVER_OBJECT DriverObject, PDEVICE_OBJECT Lower)
{
    PDEVICE_OBJECT below = NULL;
    PDEVICE_OBJECT dev = SampleCreateDevice(DriverObject, Lower, &below);
    if (dev != NULL)
        ((FWDWAIT_EXTENSION *)dev->DeviceExtension)->Lower = below;
    return dev;
}
