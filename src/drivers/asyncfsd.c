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

/*@ requires CompletionEntry(Irp);
    // the creator's routine of the read it built
    requires own_irp: Creator(Slot(Irp)) == CurDev && Kind(Slot(Irp)) == IRPC_KIND_ASYNC_FSD;
    // the context is the read request the dispatch routine pended: still
    // ACTIVE and owned by this device, at its current location, no cancel
    // routine
    requires original: PoolIrp((IRP *)Context) && Slot((IRP *)Context) != Slot(Irp) &&
      IrpApart((IRP *)Context) && State(Slot((IRP *)Context)) == IRPC_ST_ACTIVE &&
      Owner(Slot((IRP *)Context)) == CurDev && Creator(Slot((IRP *)Context)) != CurDev &&
      HasCurrent((IRP *)Context) && ((IRP *)Context)->CancelRoutine == \null &&
      CurLoc((IRP *)Context)->MajorFunction == IRP_MJ_READ;
    // its current location names this device
    requires original_dev: \valid(CurLoc((IRP *)Context)->DeviceObject) &&
      \valid((ASYNCFSD_EXTENSION *)CurLoc((IRP *)Context)->DeviceObject->DeviceExtension) &&
      IRPC_EXT_APART((ASYNCFSD_EXTENSION *)CurLoc((IRP *)Context)->DeviceObject->DeviceExtension);
    IRPC_CREATOR_ROUTINE_ROLE
    IRPC_COMPLETION_ROLE
*/
static NTSTATUS AsyncFsdReadDone(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    PIRP original = Context;
    UNREFERENCED_PARAMETER(DeviceObject);
    PDEVICE_OBJECT self = IoGetCurrentIrpStackLocation(original)->DeviceObject;
    ASYNCFSD_EXTENSION *ext = self->DeviceExtension;
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
    ext->Freed++;
    original->IoStatus.Status = status;
    original->IoStatus.Information = NT_SUCCESS(status) ? got : 0;
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
    IoCompleteRequest(original, IO_NO_INCREMENT);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

/* The read could not be built: the original fails here. */
/*@ requires wf: Wf && PoolIrp(Irp) && IrpApart(Irp);
    requires mine: State(Slot(Irp)) == IRPC_ST_ACTIVE && Owns(Slot(Irp), CurDev) &&
      Creator(Slot(Irp)) != CurDev && HasCurrent(Irp) &&
      CurLoc(Irp)->MajorFunction == IRP_MJ_READ && Irp->CancelRoutine == \null;
    requires frame: FrameFor(Slot(Irp)) && CurFrame->wait_owed == 0 &&
      LocksHeld == 0 && Irql <= DISPATCH_LEVEL;
    ensures \result == STATUS_INSUFFICIENT_RESOURCES;
    ensures kept: FrameCount == \old(FrameCount) && irpc_cpu == \old(irpc_cpu);
    ensures completed: CurFrame->completed == 1 &&
      CurFrame->completed_status == STATUS_INSUFFICIENT_RESOURCES;
    ensures frame_kept: CurFrame->marked == \old(CurFrame->marked) &&
      CurFrame->sync_event_owed == \old(CurFrame->sync_event_owed);
*/
static NTSTATUS AsyncFsdNoResources(PIRP Irp)
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
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_INSUFFICIENT_RESOURCES;
}

/* The original is pended and the read it waits for goes down. */
/*@ requires wf: Wf && PoolIrp(Irp) && PoolIrp(read);
    requires mine: Owns(Slot(Irp), CurDev) && HasCurrent(Irp) && FrameFor(Slot(Irp)) &&
      CurFrame->completed == 0 && CurFrame->sync_event_owed == \null;
    requires built: Slot(read) != Slot(Irp) && Owns(Slot(read), CurDev) &&
      Creator(Slot(read)) == CurDev && Kind(Slot(read)) == IRPC_KIND_ASYNC_FSD &&
      HasNext(read) && read->CurrentLocation == read->StackCount + 1;
    requires \valid(lower) && \valid(ext) && IRPC_EXT_APART(ext);
    ensures kept: FrameCount == \old(FrameCount) && irpc_cpu == \old(irpc_cpu);
    ensures frame: CurFrame->marked == 1 && CurFrame->completed == 0 &&
      CurFrame->sync_event_owed == \null;
*/
static VOID AsyncFsdSendRead(ASYNCFSD_EXTENSION *ext, PDEVICE_OBJECT lower, PIRP Irp,
                             PFILE_OBJECT file, PIRP read)
{
    //@ assert wp_pre_mark: \separated(&CurFrame->completed, &CurLoc(Irp)->Control);
    IoMarkIrpPending(Irp);
    //@ assert wp_m_cpu: irpc_cpu == \at(irpc_cpu, Pre) && FrameCount == \at(FrameCount, Pre);
    //@ assert wp_m_marked: CurFrame->marked == 1;
    //@ assert wp_m_frame: CurFrame->completed == 0 && CurFrame->sync_event_owed == \null;
    IoGetNextIrpStackLocation(read)->FileObject = file;
    IoSetCompletionRoutine(read, AsyncFsdReadDone, Irp, TRUE, TRUE, TRUE);
    //@ assert wp_ready_cpu: irpc_cpu == \at(irpc_cpu, Pre) && FrameCount == \at(FrameCount, Pre);
    /*@ assert wp_ready_frame: CurFrame->marked == 1 && CurFrame->completed == 0 &&
          CurFrame->sync_event_owed == \null; */
    /*@ assert wp_ready_read: Owns(Slot(read), CurDev) && HasNext(read) &&
          Kind(Slot(read)) == IRPC_KIND_ASYNC_FSD; */
    //@ assert wp_fw_routine: read->IrpcStack[read->StackCount - 1].CompletionRoutine != \null;
    //@ assert wp_IoAllocateForward: (read->IrpcStack[read->StackCount - 1].Control & 0xE0) == 0xE0;
    //@ assert wp_ready_forward: IoAllocateForward(read);
    ext->Created++;
    IoCallDriver(lower, read);
}

/*@ requires DispatchEntry(Irp);
    requires \valid(DeviceObject) && \valid((ASYNCFSD_EXTENSION *)DeviceObject->DeviceExtension);
    requires IRPC_EXT_APART((ASYNCFSD_EXTENSION *)DeviceObject->DeviceExtension);
    requires \valid(((ASYNCFSD_EXTENSION *)DeviceObject->DeviceExtension)->Lower);
    IRPC_DISPATCH_ROLE
*/
static NTSTATUS AsyncFsdDispatch(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    ASYNCFSD_EXTENSION *ext = DeviceObject->DeviceExtension;
    PDEVICE_OBJECT lower = ext->Lower;
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(Irp);
    LARGE_INTEGER offset;

    if (stack->MajorFunction != IRP_MJ_READ) {
        IoSkipCurrentIrpStackLocation(Irp);
        NTSTATUS status = IoCallDriver(lower, Irp);
        //@ assert wp_fwd_ret: StatusMismatch(CurFrame, status) && IoBuildDeviceControlWait(CurFrame);
        return status;
    }
    offset.QuadPart = stack->Parameters.Read.ByteOffset.QuadPart;
    PIRP read = IoBuildAsynchronousFsdRequest(IRP_MJ_READ, lower, ext->Buffer,
                                              sizeof ext->Buffer, &offset, NULL);
    /*@ assert wp_mine: Wf && PoolIrp(Irp) && IrpApart(Irp) &&
          irpc_cpu == \at(irpc_cpu, Pre) && FrameCount == \at(FrameCount, Pre) &&
          State(Slot(Irp)) == IRPC_ST_ACTIVE && Owns(Slot(Irp), CurDev) &&
          Creator(Slot(Irp)) != CurDev && HasCurrent(Irp) && Irp->CancelRoutine == \null &&
          CurLoc(Irp)->MajorFunction == IRP_MJ_READ &&
          FrameFor(Slot(Irp)) && CurFrame->marked == 0 && CurFrame->completed == 0 &&
          CurFrame->sync_event_owed == \null && CurFrame->wait_owed == 0 &&
          LocksHeld == 0 && Irql <= DISPATCH_LEVEL; */
    if (read == NULL)
        return AsyncFsdNoResources(Irp);
    /*@ assert wp_built: PoolIrp(read) && Slot(read) != Slot(Irp) && Owns(Slot(read), CurDev) &&
          Creator(Slot(read)) == CurDev && Kind(Slot(read)) == IRPC_KIND_ASYNC_FSD &&
          HasNext(read) && read->CurrentLocation == read->StackCount + 1; */
    AsyncFsdSendRead(ext, lower, Irp, stack->FileObject, read);
    //@ assert wp_sent_ret: StatusMismatch(CurFrame, STATUS_PENDING) && IoBuildDeviceControlWait(CurFrame);
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
