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

/*@ requires CompletionEntry(Irp);
    requires \valid(DeviceObject) && \valid((FWDWAIT_EXTENSION *)DeviceObject->DeviceExtension);
    requires IRPC_EXT_APART((FWDWAIT_EXTENSION *)DeviceObject->DeviceExtension);
    // the context is the event the dispatch routine waits on: its own, no
    // synchronous IRP's
    requires event: \valid((KEVENT *)Context) && IRPC_EXT_APART((KEVENT *)Context) &&
      IoBuildDeviceIoControlSetEvent((KEVENT *)Context);
    IRPC_COMPLETION_ROLE
    // what FwdWaitDispatch assumes of it (StopsCompletion, SignalsContext):
    // it stops completion (else the walk goes on and delivers the IRP, and
    // the dispatch routine's IoCompleteRequest completes it a second time),
    // leaves the IRP ready to be completed again, and signals the event
    ensures DoubleCompletion: \result == STATUS_MORE_PROCESSING_REQUIRED;
    ensures reclaimable: CompleteRequestStatusCheck(Irp) && Irp->CancelRoutine == \null;
    ensures signals: ((KEVENT *)Context)->SignalState == 1;
*/
static NTSTATUS FwdWaitCompletion(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    FWDWAIT_EXTENSION *ext = DeviceObject->DeviceExtension;
    UNREFERENCED_PARAMETER(Irp);
    ext->RoutineRuns++;
    KeSetEvent((PKEVENT)Context, IO_NO_INCREMENT, FALSE);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

/* Registers the routine, with the event as its context, in a copy of the
 * IRP's location for the lower driver. */
/*@ requires wf: Wf && PoolIrp(Irp) && IrpApart(Irp);
    requires mine: Owns(Slot(Irp), CurDev) && FrameFor(Slot(Irp)) &&
      CurFrame->wait_owed == 0 && CurFrame->sync_event_owed == \null && CurFrame->marked == 0;
    requires at: 2 <= Irp->CurrentLocation <= Irp->StackCount &&
      CurLoc(Irp)->DeviceObject == &irpc.devices[CurDev] && Creator(Slot(Irp)) != CurDev;
    requires reclaims: StopsCompletion(FwdWaitCompletion) && SignalsContext(FwdWaitCompletion);
    requires \valid(event);
    requires locks: LocksHeld == 0 && Irql <= DISPATCH_LEVEL;
    requires queues: QueuesNothing(CurDev);
    assigns IRPC_SITES,
            NextLoc(Irp)->MajorFunction, NextLoc(Irp)->MinorFunction, NextLoc(Irp)->Flags,
            NextLoc(Irp)->Control, NextLoc(Irp)->Parameters, NextLoc(Irp)->DeviceObject,
            NextLoc(Irp)->FileObject, NextLoc(Irp)->CompletionRoutine, NextLoc(Irp)->Context;
    ensures wf: Wf;
    ensures kept: FrameCount == \old(FrameCount) && irpc_cpu == \old(irpc_cpu);
    ensures mine: Owns(Slot(Irp), CurDev) && FrameFor(Slot(Irp)) &&
      CurFrame->wait_owed == 0 && CurFrame->sync_event_owed == \null &&
      CurFrame->dev == \old(CurFrame->dev) && CurFrame->marked == 0;
    ensures set: ReclaimSet(Irp, CurDev) && SignalsContext(NextLoc(Irp)->CompletionRoutine) &&
      NextLoc(Irp)->Context == event;
    ensures locks: LocksHeld == 0 && Irql <= DISPATCH_LEVEL;
    ensures queues: QueuesNothing(CurDev);
*/
static VOID FwdWaitPrepare(PIRP Irp, PKEVENT event)
{
    IoCopyCurrentIrpStackLocationToNext(Irp);
    IoSetCompletionRoutine(Irp, FwdWaitCompletion, event, TRUE, TRUE, TRUE);
}

/* Sends the IRP down with the routine registered; after STATUS_PENDING,
 * waits until the routine has signalled the event: either way the IRP is
 * this driver's again when it returns. */
/*@ requires wf: Wf && PoolIrp(Irp) && IrpApart(Irp);
    requires mine: Owns(Slot(Irp), CurDev) && FrameFor(Slot(Irp)) &&
      CurFrame->wait_owed == 0 && CurFrame->sync_event_owed == \null && CurFrame->marked == 0;
    requires set: ReclaimSet(Irp, CurDev) && SignalsContext(NextLoc(Irp)->CompletionRoutine) &&
      NextLoc(Irp)->Context == event;
    requires valid: \valid(event) && \valid(ext) && \valid(lower);
    requires apart: IRPC_EXT_APART(ext) && \separated(event, ext);
    // the count a wait updates is apart from what the reclaim owed reads
    requires apart_waits: \separated(&ext->Waits, &irpc.life[Slot(Irp)].gen, &CurFrame->gen);
    requires locks: LocksHeld == 0 && Irql <= DISPATCH_LEVEL;
    requires queues: QueuesNothing(CurDev);
    ensures kept: FrameCount == \old(FrameCount) && irpc_cpu == \old(irpc_cpu);
    ensures locks: LocksHeld == 0 && Irql <= DISPATCH_LEVEL;
    ensures frame: FrameFor(Slot(Irp)) && CurFrame->dev == \old(CurFrame->dev) &&
      CurFrame->sync_event_owed == \null && CurFrame->marked == 0;
    // no wait owed when the IRP is completed again
    ensures CompleteRequest: CurFrame->wait_owed == 0;
    ensures back: Reclaimed(Irp, CurDev, CurFrame->gen);
    ensures Wf;
    ensures queues: QueuesNothing(CurDev);
*/
static VOID FwdWaitForward(FWDWAIT_EXTENSION *ext, PDEVICE_OBJECT lower, PIRP Irp, PKEVENT event)
{
    NTSTATUS status = IoCallDriver(lower, Irp);
    /*@ assert wp_c_frame: FrameFor(Slot(Irp)) && CurFrame->dev == \at(CurFrame->dev, Pre) &&
          CurFrame->marked == 0 && CurFrame->sync_event_owed == \null; */
    /*@ assert wp_c_back: status != STATUS_PENDING ==>
          (Reclaimed(Irp, CurDev, CurFrame->gen) && CurFrame->wait_owed == 0); */
    if (status == STATUS_PENDING) {
        //@ assert wp_p_owed: ReclaimOwed(Irp, CurDev, CurFrame->gen, event);
        //@ assert wp_p_owed_frame: ReclaimOwed(&irpc.irps[CurFrame->irp], CurFrame->dev, CurFrame->gen, event);
        /*@ assert wp_p_apart: \separated(&ext->Waits, &irpc.life[Slot(Irp)].gen, &CurFrame->gen); */
        ext->Waits++;
        //@ assert wp_w_owed: ReclaimOwed(&irpc.irps[CurFrame->irp], CurFrame->dev, CurFrame->gen, event);
        /*@ assert wp_w_frame: FrameFor(Slot(Irp)) && CurFrame->dev == \at(CurFrame->dev, Pre) &&
              CurFrame->marked == 0 && CurFrame->sync_event_owed == \null; */
        KeWaitForSingleObject(event, Executive, KernelMode, FALSE, NULL);
        //@ assert wp_p_back: Reclaimed(&irpc.irps[CurFrame->irp], CurFrame->dev, CurFrame->gen);
    }
}

/* The IRP is ours again: completes it, with the status the lower driver
 * completed it with, and returns that status. */
/*@ requires wf: Wf && PoolIrp(Irp) && IrpApart(Irp);
    requires back: FrameFor(Slot(Irp)) && Reclaimed(Irp, CurDev, CurFrame->gen) &&
      CurFrame->wait_owed == 0 && CurFrame->marked == 0 && CurFrame->sync_event_owed == \null;
    requires locks: LocksHeld == 0 && Irql <= DISPATCH_LEVEL;
    requires queues: QueuesNothing(CurDev);
    ensures \result != STATUS_PENDING;
    ensures kept: FrameCount == \old(FrameCount) && irpc_cpu == \old(irpc_cpu);
    ensures completed: CurFrame->completed == 1 && CurFrame->completed_status == \result;
    ensures frame_kept: CurFrame->marked == 0 && CurFrame->sync_event_owed == \null;
*/
static NTSTATUS FwdWaitComplete(PIRP Irp)
{
    NTSTATUS status = Irp->IoStatus.Status;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}

/*@ requires DispatchEntry(Irp);
    requires filter: Irp->CurrentLocation >= 2;
    // the routine runs at the location IoCallDriver gave it, for its device
    requires own_location: CurLoc(Irp)->DeviceObject == DeviceObject &&
      DeviceObject == &irpc.devices[CurDev];
    requires \valid(DeviceObject) && \valid((FWDWAIT_EXTENSION *)DeviceObject->DeviceExtension);
    requires IRPC_EXT_APART((FWDWAIT_EXTENSION *)DeviceObject->DeviceExtension);
    requires \valid(((FWDWAIT_EXTENSION *)DeviceObject->DeviceExtension)->Lower);
    // FwdWaitCompletion's proved `DoubleCompletion`, `reclaimable` and
    // `signals` (proofs/ASSUMPTIONS.md)
    requires reclaims: StopsCompletion(FwdWaitCompletion) && SignalsContext(FwdWaitCompletion);
    requires never_queues: QueuesNothing(CurDev);
    IRPC_DISPATCH_ROLE
*/
static NTSTATUS FwdWaitDispatch(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    FWDWAIT_EXTENSION *ext = DeviceObject->DeviceExtension;
    PDEVICE_OBJECT lower = ext->Lower;
    KEVENT event;

    KeInitializeEvent(&event, NotificationEvent, FALSE);
    //@ assert wp_event: \valid(&event) && \separated(&event, ext);
    FwdWaitPrepare(Irp, &event);
    FwdWaitForward(ext, lower, Irp, &event);
    return FwdWaitComplete(Irp);
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
