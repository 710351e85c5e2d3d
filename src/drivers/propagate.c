/*
 * propagate.c - a filter that watches how the lower driver finished each
 * request (seed 004, "Checking the PendingReturned flag"): it copies its
 * stack location to the next, registers a completion routine for every
 * outcome, and returns what IoCallDriver returned.  Because its routine
 * returns STATUS_CONTINUE_COMPLETION, the routine must propagate pending:
 * if (Irp->PendingReturned) IoMarkIrpPending(Irp).
 */
#include "drivers.h"

static DRIVER_DISPATCH PropagateDispatch;
static IO_COMPLETION_ROUTINE PropagateCompletion;

/*@ requires CompletionEntry(Irp);
    requires below_top: HasCurrent(Irp);
    requires \valid(DeviceObject) && \valid((PROPAGATE_EXTENSION *)DeviceObject->DeviceExtension);
    requires IRPC_EXT_APART((PROPAGATE_EXTENSION *)DeviceObject->DeviceExtension);
    requires ((PROPAGATE_EXTENSION *)DeviceObject->DeviceExtension)->RoutineRuns < 2147483647;
    IRPC_COMPLETION_ROLE
*/
static NTSTATUS PropagateCompletion(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    PROPAGATE_EXTENSION *ext = DeviceObject->DeviceExtension;
    UNREFERENCED_PARAMETER(Context);
    ext->RoutineRuns++;
    ext->LastPendingReturned = Irp->PendingReturned;
    /* (for the provers: the frame as the routine found it, before the
     * mark, whose contract speaks of its location's invoke bits) */
    //@ assert CompletionIrql: FrameCount > 0 && CompletionIrqlRoutine(CurFrame);
    //@ assert CompletionEventChecking: CurFrame->set_event == 0;
    /*@ assert wp_frame: irpc_cpu == \at(irpc_cpu, Pre) && FrameCount == \at(FrameCount, Pre) &&
          CurFrame->kind == \at(CurFrame->kind, Pre) && CurFrame->dev == \at(CurFrame->dev, Pre) &&
          CurFrame->irp == \at(CurFrame->irp, Pre) && CurFrame->gen == \at(CurFrame->gen, Pre) &&
          CurFrame->irql_at_entry == \at(CurFrame->irql_at_entry, Pre); */
    /*@ assert wp_locations: \forall integer j; 0 <= j < Irp->StackCount ==>
          Irp->IrpcStack[j].CompletionRoutine == \at(Irp->IrpcStack[j].CompletionRoutine, Pre) &&
          Irp->IrpcStack[j].Control == \at(Irp->IrpcStack[j].Control, Pre); */
    if (Irp->PendingReturned)
        IoMarkIrpPending(Irp);
    return STATUS_CONTINUE_COMPLETION;
}

/*@ requires DispatchEntry(Irp);
    requires filter: Irp->CurrentLocation >= 2;
    requires \valid(DeviceObject) && \valid((PROPAGATE_EXTENSION *)DeviceObject->DeviceExtension);
    requires IRPC_EXT_APART((PROPAGATE_EXTENSION *)DeviceObject->DeviceExtension);
    requires \valid(((PROPAGATE_EXTENSION *)DeviceObject->DeviceExtension)->Lower);
    IRPC_DISPATCH_ROLE
*/
static NTSTATUS PropagateDispatch(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PROPAGATE_EXTENSION *ext = DeviceObject->DeviceExtension;
    IoCopyCurrentIrpStackLocationToNext(Irp);
    IoSetCompletionRoutine(Irp, PropagateCompletion, NULL, TRUE, TRUE, TRUE);
    return IoCallDriver(ext->Lower, Irp);
}

VOID PropagateDriverEntry(PDRIVER_OBJECT DriverObject)
{
    for (int i = 0; i <= IRP_MJ_MAXIMUM_FUNCTION; i++)
        DriverObject->MajorFunction[i] = PropagateDispatch;
}

PDEVICE_OBJECT PropagateAddDevice(PDRIVER_OBJECT DriverObject, PDEVICE_OBJECT Lower)
{
    PDEVICE_OBJECT below = NULL;
    PDEVICE_OBJECT dev = SampleCreateDevice(DriverObject, Lower, &below);
    if (dev != NULL)
        ((PROPAGATE_EXTENSION *)dev->DeviceExtension)->Lower = below;
    return dev;
}
