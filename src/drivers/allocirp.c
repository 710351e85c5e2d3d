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

/*@ requires CompletionEntry(Irp);
    // the creator's routine of the IRP the dispatch routine created
    requires own_irp: Creator(Slot(Irp)) == CurDev && Kind(Slot(Irp)) == IRPC_KIND_ALLOC;
    // the context is the request the dispatch routine pended: still ACTIVE
    // and owned by this device, at a current location, no cancel routine
    requires original: PoolIrp((IRP *)Context) && Slot((IRP *)Context) != Slot(Irp) &&
      IrpApart((IRP *)Context) && State(Slot((IRP *)Context)) == IRPC_ST_ACTIVE &&
      Owner(Slot((IRP *)Context)) == CurDev && Creator(Slot((IRP *)Context)) != CurDev &&
      HasCurrent((IRP *)Context) && ((IRP *)Context)->CancelRoutine == \null;
    // its current location names this device
    requires original_dev: \valid(CurLoc((IRP *)Context)->DeviceObject) &&
      \valid((ALLOCIRP_EXTENSION *)CurLoc((IRP *)Context)->DeviceObject->DeviceExtension) &&
      IRPC_EXT_APART((ALLOCIRP_EXTENSION *)CurLoc((IRP *)Context)->DeviceObject->DeviceExtension);
    // the device owns no queued IRP (allocirp never queues)
    requires never_queues: QueuesNothing(CurDev);
    IRPC_CREATOR_ROUTINE_ROLE
    IRPC_COMPLETION_ROLE
*/
static NTSTATUS AllocIrpCompletion(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    PIRP original = Context;
    /* DeviceObject is NULL: the routine was registered by the IRP's creator */
    UNREFERENCED_PARAMETER(DeviceObject);
    ALLOCIRP_EXTENSION *ext = IoGetCurrentIrpStackLocation(original)->DeviceObject->DeviceExtension;
    /* the created IRP's status, read before it is freed */
    NTSTATUS status = Irp->IoStatus.Status;
    ULONG_PTR got = Irp->IoStatus.Information;

    IoFreeIrp(Irp);
    /*@ assert wp_f_cpu: irpc_cpu == \at(irpc_cpu, Pre) && FrameCount == \at(FrameCount, Pre) &&
          LocksHeld == 0; */
    /*@ assert wp_f_frame: CurFrame->marked == 0 && CurFrame->set_event == 0 &&
          CurFrame->wait_owed == 0 && CurFrame->irql_at_entry == Irql && Irql <= DISPATCH_LEVEL; */
    /*@ assert wp_f_id: CurFrame->kind == \at(CurFrame->kind, Pre) && CurFrame->dev == \at(CurFrame->dev, Pre) &&
          CurFrame->irp == \at(CurFrame->irp, Pre) && CurFrame->gen == \at(CurFrame->gen, Pre) &&
          CurFrame->irql_at_entry == \at(CurFrame->irql_at_entry, Pre); */
    /*@ assert wp_f_orig: State(Slot(original)) == IRPC_ST_ACTIVE &&
          Owner(Slot(original)) == CurDev && Creator(Slot(original)) != CurDev; */
    //@ assert wp_f_queues: QueuesNothing(CurDev);
    original->IoStatus.Status = status;
    original->IoStatus.Information = got;
    ext->Freed++;
    //@ assert wp_s_wf: Wf;
    /*@ assert wp_s_cpu: irpc_cpu == \at(irpc_cpu, Pre) && FrameCount == \at(FrameCount, Pre) &&
          LocksHeld == 0; */
    /*@ assert wp_s_frame: CurFrame->marked == 0 && CurFrame->set_event == 0 &&
          CurFrame->wait_owed == 0 && CurFrame->irql_at_entry == Irql && Irql <= DISPATCH_LEVEL; */
    /*@ assert wp_s_id: CurFrame->kind == \at(CurFrame->kind, Pre) && CurFrame->dev == \at(CurFrame->dev, Pre) &&
          CurFrame->irp == \at(CurFrame->irp, Pre) && CurFrame->gen == \at(CurFrame->gen, Pre) &&
          CurFrame->irql_at_entry == \at(CurFrame->irql_at_entry, Pre); */
    /*@ assert wp_s_orig: State(Slot(original)) == IRPC_ST_ACTIVE &&
          Owner(Slot(original)) == CurDev && Creator(Slot(original)) != CurDev; */
    //@ assert wp_s_queues: QueuesNothing(CurDev);
    IoCompleteRequest(original, IO_NO_INCREMENT);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

/* The IRP could not be created: the original fails here. */
/*@ requires wf: Wf && PoolIrp(Irp) && IrpApart(Irp);
    requires mine: State(Slot(Irp)) == IRPC_ST_ACTIVE && Owns(Slot(Irp), CurDev) &&
      Creator(Slot(Irp)) != CurDev && HasCurrent(Irp) && Irp->CancelRoutine == \null;
    requires frame: FrameFor(Slot(Irp)) && CurFrame->wait_owed == 0 &&
      LocksHeld == 0 && Irql <= DISPATCH_LEVEL;
    requires never_queues: QueuesNothing(CurDev);
    ensures \result == STATUS_INSUFFICIENT_RESOURCES;
    ensures kept: FrameCount == \old(FrameCount) && irpc_cpu == \old(irpc_cpu);
    ensures completed: CurFrame->completed == 1 &&
      CurFrame->completed_status == STATUS_INSUFFICIENT_RESOURCES;
    ensures frame_kept: CurFrame->marked == \old(CurFrame->marked) &&
      CurFrame->sync_event_owed == \old(CurFrame->sync_event_owed);
*/
static NTSTATUS AllocIrpNoResources(PIRP Irp)
{
    Irp->IoStatus.Status = STATUS_INSUFFICIENT_RESOURCES;
    Irp->IoStatus.Information = 0;
    //@ assert wp_n_wf: Wf;
    /*@ assert wp_n_cpu: irpc_cpu == \at(irpc_cpu, Pre) && FrameCount == \at(FrameCount, Pre) &&
          LocksHeld == 0; */
    /*@ assert wp_n_frame: FrameFor(Slot(Irp)) && CurFrame->wait_owed == 0 &&
          CurFrame->marked == \at(CurFrame->marked, Pre) &&
          CurFrame->sync_event_owed == \at(CurFrame->sync_event_owed, Pre); */
    /*@ assert wp_n_mine: State(Slot(Irp)) == IRPC_ST_ACTIVE && Owns(Slot(Irp), CurDev) &&
          Creator(Slot(Irp)) != CurDev; */
    //@ assert wp_n_queues: QueuesNothing(CurDev);
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_INSUFFICIENT_RESOURCES;
}

/* The created IRP carries the original's request down; the original is
 * pended. */
/*@ requires wf: Wf && PoolIrp(Irp) && PoolIrp(own);
    requires mine: Owns(Slot(Irp), CurDev) && HasCurrent(Irp) && FrameFor(Slot(Irp)) &&
      CurFrame->completed == 0 && CurFrame->sync_event_owed == \null;
    requires created: Slot(own) != Slot(Irp) && Owns(Slot(own), CurDev) &&
      Creator(Slot(own)) == CurDev && Kind(Slot(own)) == IRPC_KIND_ALLOC &&
      HasNext(own) && own->CurrentLocation == own->StackCount + 1;
    requires \valid(ext) && IRPC_EXT_APART(ext) && \valid(lower);
    ensures kept: FrameCount == \old(FrameCount) && irpc_cpu == \old(irpc_cpu);
    ensures frame: CurFrame->marked == 1 && CurFrame->completed == 0 &&
      CurFrame->sync_event_owed == \null;
*/
static VOID AllocIrpSend(ALLOCIRP_EXTENSION *ext, PDEVICE_OBJECT lower, PIRP Irp, PIRP own)
{
    ext->Created++;
    PIO_STACK_LOCATION mine = IoGetCurrentIrpStackLocation(Irp);
    //@ assert wp_c_cpu: irpc_cpu == \at(irpc_cpu, Pre) && FrameCount == \at(FrameCount, Pre);
    PIO_STACK_LOCATION next = IoGetNextIrpStackLocation(own);
    //@ assert wp_g_cpu: irpc_cpu == \at(irpc_cpu, Pre) && FrameCount == \at(FrameCount, Pre);
    /*@ assert wp_g_frame: FrameFor(Slot(Irp)) && CurFrame->completed == 0 &&
          CurFrame->sync_event_owed == \null; */
    //@ assert wp_g_next: next == &own->IrpcStack[own->StackCount - 1];
    /*@ assert wp_g_apart: \separated(&next->Parameters, &CurFrame->irp, &CurFrame->gen,
          &CurFrame->completed, &CurFrame->sync_event_owed, &irpc.life[Slot(Irp)].gen); */
    next->MajorFunction = mine->MajorFunction;
    next->Parameters = mine->Parameters;
    /*@ assert wp_p_frame: FrameFor(Slot(Irp)) && CurFrame->completed == 0 &&
          CurFrame->sync_event_owed == \null; */
    //@ assert wp_p_apart: \separated(&next->FileObject, &CurFrame->sync_event_owed);
    next->FileObject = mine->FileObject;
    //@ assert wp_w_wf: Wf;
    //@ assert wp_w_cpu: irpc_cpu == \at(irpc_cpu, Pre) && FrameCount == \at(FrameCount, Pre);
    /*@ assert wp_w_frame: FrameFor(Slot(Irp)) && CurFrame->completed == 0 &&
          CurFrame->sync_event_owed == \null; */
    /*@ assert wp_w_own: Owns(Slot(own), CurDev) && Owns(Slot(Irp), CurDev) && HasNext(own) &&
          HasCurrent(Irp) && Kind(Slot(own)) == IRPC_KIND_ALLOC &&
          own->CurrentLocation == own->StackCount + 1; */
    IoSetCompletionRoutine(own, AllocIrpCompletion, Irp, TRUE, TRUE, TRUE);
    //@ assert wp_r_cpu: irpc_cpu == \at(irpc_cpu, Pre) && FrameCount == \at(FrameCount, Pre);
    /*@ assert wp_r_frame: FrameFor(Slot(Irp)) && CurFrame->completed == 0 &&
          CurFrame->sync_event_owed == \null; */
    //@ assert wp_r_routine: own->IrpcStack[own->StackCount - 1].CompletionRoutine != \null;
    //@ assert wp_r_IoAllocateForward: (own->IrpcStack[own->StackCount - 1].Control & 0xE0) == 0xE0;
    /*@ assert wp_pre_mark: \separated(&CurFrame->completed, &CurLoc(Irp)->Control) &&
          \separated(&CurLoc(Irp)->Control, &own->IrpcStack[own->StackCount - 1].Control); */
    IoMarkIrpPending(Irp);
    //@ assert wp_m_cpu: irpc_cpu == \at(irpc_cpu, Pre) && FrameCount == \at(FrameCount, Pre);
    //@ assert wp_m_marked: CurFrame->marked == 1;
    //@ assert wp_m_frame: CurFrame->completed == 0 && CurFrame->sync_event_owed == \null;
    /*@ assert wp_ready_own: Owns(Slot(own), CurDev) && HasNext(own) &&
          Kind(Slot(own)) == IRPC_KIND_ALLOC; */
    //@ assert wp_fw_routine: own->IrpcStack[own->StackCount - 1].CompletionRoutine != \null;
    //@ assert wp_IoAllocateForward: (own->IrpcStack[own->StackCount - 1].Control & 0xE0) == 0xE0;
    //@ assert wp_ready_forward: IoAllocateForward(own);
    IoCallDriver(lower, own);
}

/*@ requires DispatchEntry(Irp);
    requires \valid(DeviceObject) && \valid((ALLOCIRP_EXTENSION *)DeviceObject->DeviceExtension);
    requires IRPC_EXT_APART((ALLOCIRP_EXTENSION *)DeviceObject->DeviceExtension);
    requires \valid(((ALLOCIRP_EXTENSION *)DeviceObject->DeviceExtension)->Lower);
    // the device owns no queued IRP (allocirp never queues)
    requires never_queues: QueuesNothing(CurDev);
    IRPC_DISPATCH_ROLE
*/
static NTSTATUS AllocIrpDispatch(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    ALLOCIRP_EXTENSION *ext = DeviceObject->DeviceExtension;
    PIRP own = IoAllocateIrp(ext->Lower->StackSize, FALSE);
    /*@ assert wp_mine: Wf && PoolIrp(Irp) && IrpApart(Irp) &&
          irpc_cpu == \at(irpc_cpu, Pre) && FrameCount == \at(FrameCount, Pre) &&
          State(Slot(Irp)) == IRPC_ST_ACTIVE && Owns(Slot(Irp), CurDev) &&
          Creator(Slot(Irp)) != CurDev && HasCurrent(Irp) && Irp->CancelRoutine == \null &&
          FrameFor(Slot(Irp)) && CurFrame->marked == 0 && CurFrame->completed == 0 &&
          CurFrame->sync_event_owed == \null && CurFrame->wait_owed == 0 &&
          LocksHeld == 0 && Irql <= DISPATCH_LEVEL; */
    //@ assert wp_queues: QueuesNothing(CurDev);
    if (own == NULL)
        return AllocIrpNoResources(Irp);
    /*@ assert wp_created: PoolIrp(own) && Slot(own) != Slot(Irp) && Owns(Slot(own), CurDev) &&
          Creator(Slot(own)) == CurDev && Kind(Slot(own)) == IRPC_KIND_ALLOC &&
          HasNext(own) && own->CurrentLocation == own->StackCount + 1; */
    AllocIrpSend(ext, ext->Lower, Irp, own);
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
