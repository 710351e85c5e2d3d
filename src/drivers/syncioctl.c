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

/* After STATUS_PENDING: waits on the transfer's event (the I/O manager
 * signals it when it delivers the transfer) and returns the status the
 * status block then holds.  No assigns clause (the status block is written
 * through the pool's IRPs, as for SyncIoctlSend). */
/*@ requires wf: Wf && PoolIrp(Irp) && IrpApart(Irp);
    requires held: FrameIrpHeld(Slot(Irp)) && Creator(Slot(Irp)) != CurDev && HasCurrent(Irp) &&
      CurLoc(Irp)->MajorFunction == IRP_MJ_DEVICE_CONTROL;
    requires frame: CurFrame->completed == 0 && CurFrame->sync_event_owed == event;
    requires valid: \valid(ext) && \valid(event) && \valid(iosb);
    requires apart: IRPC_EXT_APART(ext) && \separated(event, ext) && \separated(iosb, ext) &&
      IRPC_BLOCK_APART(iosb) && \separated(iosb, event);
    requires status_block: StatusSet(iosb->Status);
    requires locks: LocksHeld == 0 && Irql <= DISPATCH_LEVEL;
    // what the request is completed with afterwards, and that it can be
    ensures CompleteRequestStatusCheck: StatusSet(\result);
    ensures DoubleCompletion: DoubleCompletion(Irp);
    ensures wf: Wf && PoolIrp(Irp) && IrpApart(Irp);
    ensures kept: irpc_cpu == \old(irpc_cpu);
    ensures kept_count: FrameCount == \old(FrameCount);
    ensures kept_frame: CurFrame->dev == \old(CurFrame->dev) && CurFrame->kind == \old(CurFrame->kind);
    ensures held: FrameIrpHeld(Slot(Irp)) && Creator(Slot(Irp)) != CurDev && HasCurrent(Irp) &&
      CurLoc(Irp)->MajorFunction == IRP_MJ_DEVICE_CONTROL;
    ensures frame: CurFrame->completed == 0 && CurFrame->wait_owed == 0;
    // the wait owed on the transfer's event is done
    ensures IoBuildDeviceControlWait: IoBuildDeviceControlWait(CurFrame);
    ensures locks: LocksHeld == 0 && Irql <= DISPATCH_LEVEL;
*/
static NTSTATUS SyncIoctlWait(SYNCIOCTL_EXTENSION *ext, PIRP Irp, PKEVENT event,
                              PIO_STATUS_BLOCK iosb)
{
    UNREFERENCED_PARAMETER(Irp);   /* named by the contract */
    ext->Waits++;
    //@ assert wp_w_ff: FrameCount > 0 && FrameFor(Slot(Irp)) && CurFrame->marked == 0;
    /*@ assert wp_w_life: State(Slot(Irp)) == IRPC_ST_ACTIVE && Owner(Slot(Irp)) == CurFrame->dev &&
          Irp->CancelRoutine == \null; */
    /*@ assert wp_w_loc: Creator(Slot(Irp)) != CurDev && HasCurrent(Irp) &&
          CurLoc(Irp)->MajorFunction == IRP_MJ_DEVICE_CONTROL; */
    //@ assert wp_w_block: StatusSet(iosb->Status);
    /*@ assert wp_w_held: FrameIrpHeld(Slot(Irp)) && Creator(Slot(Irp)) != CurDev &&
          HasCurrent(Irp) && CurLoc(Irp)->MajorFunction == IRP_MJ_DEVICE_CONTROL; */
    //@ assert wp_w_frame: CurFrame->completed == 0 && CurFrame->sync_event_owed == event;
    KeWaitForSingleObject(event, Executive, KernelMode, FALSE, NULL);
    //@ assert wp_k_held0: FrameIrpHeld(Slot(Irp));
    /*@ assert wp_k_kept: Creator(Slot(Irp)) == \at(Creator(Slot(Irp)), Pre) &&
          Irp->StackCount == \at(Irp->StackCount, Pre) &&
          Irp->CurrentLocation == \at(Irp->CurrentLocation, Pre); */
    //@ assert wp_k_block: StatusSet(iosb->Status);
    return iosb->Status;
}

/* Sends the transfer the dispatch routine built down and, after
 * STATUS_PENDING, waits (SyncIoctlWait): returns the transfer's status
 * (STATUS_INSUFFICIENT_RESOURCES when it could not be built).  The request
 * being served (the frame's IRP) stays this driver's throughout.  No
 * assigns clause: IofCallDriver and the wait write the status block (a
 * local of the dispatch routine) through the pool's IRPs, which a clause
 * of this function's own cannot name across the calls; the postconditions
 * state all the caller uses. */
/*@ requires wf: Wf && PoolIrp(Irp) && IrpApart(Irp);
    requires held: FrameIrpHeld(Slot(Irp)) && Creator(Slot(Irp)) != CurDev && HasCurrent(Irp) &&
      CurLoc(Irp)->MajorFunction == IRP_MJ_DEVICE_CONTROL;
    requires frame: CurFrame->completed == 0 && CurFrame->wait_owed == 0 &&
      CurFrame->sync_event_owed == \null;
    requires built: transfer == \null ||
      (PoolIrp(transfer) && Slot(transfer) != Slot(Irp) && Owns(Slot(transfer), CurDev) &&
       Creator(Slot(transfer)) == CurDev && Kind(Slot(transfer)) == IRPC_KIND_DEVICE_IOCTL &&
       transfer->CurrentLocation == transfer->StackCount + 1 &&
       transfer->UserEvent == event && transfer->UserIosb == iosb);
    requires valid: \valid(ext) && \valid_read(&ext->Lower) && \valid(ext->Lower) &&
      \valid(event) && \valid(iosb);
    requires apart: IRPC_EXT_APART(ext) && \separated(event, ext) && \separated(iosb, ext) &&
      IRPC_BLOCK_APART(iosb) && \separated(iosb, event);
    requires status_block: StatusSet(iosb->Status);
    requires locks: LocksHeld == 0 && Irql <= DISPATCH_LEVEL;
    // what the request is completed with afterwards, and that it can be
    ensures CompleteRequestStatusCheck: StatusSet(\result);
    ensures DoubleCompletion: DoubleCompletion(Irp);
    ensures wf: Wf && PoolIrp(Irp) && IrpApart(Irp);
    ensures kept: irpc_cpu == \old(irpc_cpu);
    ensures kept_count: FrameCount == \old(FrameCount);
    ensures kept_frame: CurFrame->dev == \old(CurFrame->dev) && CurFrame->kind == \old(CurFrame->kind);
    ensures held: FrameIrpHeld(Slot(Irp)) && Creator(Slot(Irp)) != CurDev && HasCurrent(Irp) &&
      CurLoc(Irp)->MajorFunction == IRP_MJ_DEVICE_CONTROL;
    ensures frame: CurFrame->completed == 0 && CurFrame->wait_owed == 0;
    // the wait owed on the transfer's event is done
    ensures IoBuildDeviceControlWait: IoBuildDeviceControlWait(CurFrame);
    ensures locks: LocksHeld == 0 && Irql <= DISPATCH_LEVEL;
*/
static NTSTATUS SyncIoctlSend(SYNCIOCTL_EXTENSION *ext, PIRP Irp, PIRP transfer, PKEVENT event,
                              PIO_STATUS_BLOCK iosb)
{
    if (transfer == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    //@ assert wp_pre_held: ValidSlot(Slot(Irp)) && FrameIrpHeld(Slot(Irp)) && Slot(Irp) != Slot(transfer);
    NTSTATUS status = IoCallDriver(ext->Lower, transfer);
    //@ assert wp_c_held0: FrameIrpHeld(Slot(Irp));
    /*@ assert wp_c_kept: Creator(Slot(Irp)) == \at(Creator(Slot(Irp)), Pre) &&
          Irp->StackCount == \at(Irp->StackCount, Pre) &&
          Irp->CurrentLocation == \at(Irp->CurrentLocation, Pre); */
    /*@ assert wp_c_held: FrameIrpHeld(Slot(Irp)) && Creator(Slot(Irp)) != CurDev &&
          HasCurrent(Irp) && CurLoc(Irp)->MajorFunction == IRP_MJ_DEVICE_CONTROL; */
    /*@ assert wp_c_frame: FrameCount == \at(FrameCount, Pre) && irpc_cpu == \at(irpc_cpu, Pre) &&
          CurFrame->dev == \at(CurFrame->dev, Pre) && CurFrame->kind == \at(CurFrame->kind, Pre) &&
          CurFrame->completed == 0 && CurFrame->wait_owed == 0; */
    /*@ assert wp_c_owed: (status == STATUS_PENDING ==> CurFrame->sync_event_owed == event) &&
          (status != STATUS_PENDING ==> CurFrame->sync_event_owed == \null); */
    //@ assert wp_c_block0: status != (NTSTATUS)0xFFFFFFFF;
    //@ assert wp_c_block: StatusSet(iosb->Status) && status != (NTSTATUS)0xFFFFFFFF;
    if (status == STATUS_PENDING) {
        status = SyncIoctlWait(ext, Irp, event, iosb);
        /*@ assert wp_k_cpu: FrameCount == \at(FrameCount, Pre) && irpc_cpu == \at(irpc_cpu, Pre) &&
              CurFrame->dev == \at(CurFrame->dev, Pre) && CurFrame->kind == \at(CurFrame->kind, Pre); */
    }
    //@ assert wp_r_cpu: irpc_cpu == \at(irpc_cpu, Pre);
    return status;
}

/* Completes the request with the status it got and returns that status
 * (no assigns clause: the postconditions state all the caller uses). */
/*@ requires wf: Wf && PoolIrp(Irp) && IrpApart(Irp);
    requires held: FrameIrpHeld(Slot(Irp)) && Creator(Slot(Irp)) != CurDev && HasCurrent(Irp) &&
      CurLoc(Irp)->MajorFunction == IRP_MJ_DEVICE_CONTROL;
    requires frame: CurFrame->wait_owed == 0 && CurFrame->sync_event_owed == \null;
    requires status: StatusSet(status);
    requires locks: LocksHeld == 0 && Irql <= DISPATCH_LEVEL;
    // named after the rules they carry to the dispatch routine's return
    ensures IrpProcessingComplete: CurFrame->completed == 1;
    ensures StatusMismatch: \result == status && CurFrame->completed_status == status;
    ensures kept: FrameCount == \old(FrameCount) && irpc_cpu == \old(irpc_cpu);
    ensures frame_kept: CurFrame->marked == 0 && CurFrame->sync_event_owed == \null;
*/
static NTSTATUS SyncIoctlComplete(PIRP Irp, NTSTATUS status, ULONG_PTR information)
{
    Irp->IoStatus.Status = status;
    Irp->IoStatus.Information = NT_SUCCESS(status) ? information : 0;
    //@ assert wp_s_wf: Wf;
    /*@ assert wp_s_cpu: irpc_cpu == \at(irpc_cpu, Pre) && FrameCount == \at(FrameCount, Pre) &&
          LocksHeld == 0 && Irql <= DISPATCH_LEVEL; */
    /*@ assert wp_s_frame: FrameIrpHeld(Slot(Irp)) && CurFrame->wait_owed == 0 &&
          CurFrame->sync_event_owed == \null; */
    /*@ assert wp_s_mine: Creator(Slot(Irp)) != CurDev && HasCurrent(Irp) &&
          CurLoc(Irp)->MajorFunction == IRP_MJ_DEVICE_CONTROL; */
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}

/*@ requires DispatchEntry(Irp);
    requires \valid(DeviceObject) && \valid((SYNCIOCTL_EXTENSION *)DeviceObject->DeviceExtension);
    requires IRPC_EXT_APART((SYNCIOCTL_EXTENSION *)DeviceObject->DeviceExtension);
    requires \valid(((SYNCIOCTL_EXTENSION *)DeviceObject->DeviceExtension)->Lower);
    IRPC_DISPATCH_ROLE
*/
static NTSTATUS SyncIoctlDispatch(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    SYNCIOCTL_EXTENSION *ext = DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(Irp);
    IO_STATUS_BLOCK iosb;
    KEVENT event;
    NTSTATUS status;

    if (stack->MajorFunction != IRP_MJ_DEVICE_CONTROL) {
        IoSkipCurrentIrpStackLocation(Irp);
        status = IoCallDriver(ext->Lower, Irp);
        //@ assert wp_fwd_ret: PendedCompletedRequest(CurFrame, status);
        return status;
    }
    /*@ assert wp_d_held: FrameIrpHeld(Slot(Irp)) && Creator(Slot(Irp)) != CurDev &&
          HasCurrent(Irp) && CurLoc(Irp)->MajorFunction == IRP_MJ_DEVICE_CONTROL; */
    iosb.Status = STATUS_UNSUCCESSFUL;
    iosb.Information = 0;
    KeInitializeEvent(&event, NotificationEvent, FALSE);
    /*@ assert wp_i_cpu: Wf && irpc_cpu == \at(irpc_cpu, Pre) && FrameCount == \at(FrameCount, Pre) &&
          LocksHeld == 0 && Irql <= DISPATCH_LEVEL; */
    /*@ assert wp_i_frame: CurFrame->completed == 0 && CurFrame->wait_owed == 0 &&
          CurFrame->sync_event_owed == \null && CurFrame->marked == 0 && FrameFor(Slot(Irp)); */
    /*@ assert wp_i_life: State(Slot(Irp)) == IRPC_ST_ACTIVE && Owner(Slot(Irp)) == CurDev &&
          Creator(Slot(Irp)) != CurDev && Irp->CancelRoutine == \null && HasCurrent(Irp) &&
          CurLoc(Irp)->MajorFunction == IRP_MJ_DEVICE_CONTROL; */
    /*@ assert wp_i_safe: FrameCount > 0 && SafeFrame == CurFrame && CurFrame->irp == Slot(Irp) &&
          CurFrame->gen == irpc.life[Slot(Irp)].gen; */
    PIRP transfer = IoBuildDeviceIoControlRequest(IOCTL_SAMPLE_TRANSFER, ext->Lower, NULL, 0,
                                               &ext->Mode, sizeof ext->Mode, FALSE, &event, &iosb);
    //@ assert wp_b_cpu: Wf && irpc_cpu == \at(irpc_cpu, Pre) && FrameCount == \at(FrameCount, Pre);
    //@ assert wp_b_marked: CurFrame->marked == 0;
    //@ assert wp_b_gen: CurFrame->irp == Slot(Irp) && irpc.life[Slot(Irp)].gen == CurFrame->gen;
    //@ assert wp_b_frame: CurFrame->marked == 0 && FrameFor(Slot(Irp));
    /*@ assert wp_b_life: State(Slot(Irp)) == IRPC_ST_ACTIVE && Owner(Slot(Irp)) == CurDev &&
          Creator(Slot(Irp)) != CurDev && Irp->CancelRoutine == \null && HasCurrent(Irp); */
    //@ assert wp_b_held: FrameIrpHeld(Slot(Irp));
    /*@ assert wp_b_rest: Creator(Slot(Irp)) != CurDev && HasCurrent(Irp) &&
          CurLoc(Irp)->MajorFunction == IRP_MJ_DEVICE_CONTROL &&
          CurFrame->completed == 0 && CurFrame->wait_owed == 0 &&
          CurFrame->sync_event_owed == \null && LocksHeld == 0 && Irql <= DISPATCH_LEVEL; */
    //@ assert wp_block: StatusSet(iosb.Status) && \valid(&iosb) && \valid(&event);
    /*@ assert wp_built: transfer == \null ||
          (PoolIrp(transfer) && Slot(transfer) != Slot(Irp) &&
           Owns(Slot(transfer), CurDev) && Creator(Slot(transfer)) == CurDev &&
           Kind(Slot(transfer)) == IRPC_KIND_DEVICE_IOCTL &&
           transfer->CurrentLocation == transfer->StackCount + 1 &&
           transfer->UserEvent == &event && transfer->UserIosb == &iosb); */
    status = SyncIoctlSend(ext, Irp, transfer, &event, &iosb);
    status = SyncIoctlComplete(Irp, status, iosb.Information);
    //@ assert wp_done_ret: PendedCompletedRequest(CurFrame, status);
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
