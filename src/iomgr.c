/*
 * iomgr.c - the reference I/O manager: IRPs, the stack operations,
 * IoCallDriver, IoCompleteRequest and its walk, delivery to the creator,
 * the IoBuild* routines, freeing and reuse, cancel.
 *
 * It reads top to bottom in the order the protocol runs.  Each check sits
 * where the rule is broken and reports through IrpcReport with the rule id.
 */
#include "irpc.h"
#include "irpc_internal.h"

#define UNINITIALISED_STATUS ((NTSTATUS)0xFFFFFFFF)

int IrpcIsSyncKind(int kind)
{
    return kind == IRPC_KIND_SYNC_FSD || kind == IRPC_KIND_DEVICE_IOCTL;
}

int IrpcIsCreatedKind(int kind)
{
    return kind == IRPC_KIND_ALLOC || kind == IRPC_KIND_ASYNC_FSD;
}

/*@ requires ValidSlot(slot);
    assigns \nothing;
    ensures \result != 0 <==> Live(slot);
*/
static int irp_live(int slot)
{
    return irpc.life[slot].state != IRPC_ST_FREE;
}

/* Does device `dev` (IRPC_NOBODY: the application / creator side) own it? */
/*@ requires ValidSlot(slot);
    assigns \nothing;
    ensures \result != 0 <==> Owns(slot, dev);
*/
static int owns(int slot, int dev)
{
    const IRPC_LIFE *l = &irpc.life[slot];
    return l->state != IRPC_ST_FREE && l->state != IRPC_ST_DONE && l->owner == dev;
}

/* Every use of an IRP by a driver routine passes through here. */
/*@ requires wf: Wf;
    requires slot < IRPC_MAX_IRPS;
    requires IrpAccessAfterRelease: slot >= 0 ==> IrpAccessAfterRelease(slot);
    assigns \nothing;
    ensures slot >= 0 ==> \result == 1;
*/
static int check_access(int slot, const char *what)
{
    if (slot < 0)
        return 0;
    if (!irp_live(slot)) {
        IrpcReport(IRPC_IrpAccessAfterRelease, slot, what);
        return 0;
    }
    if (!owns(slot, IrpcCurrentDevice())) {
        IrpcReport(IRPC_IrpAccessAfterRelease, slot, what);
        return 0;
    }
    return 1;
}

/* ---- creating IRPs ------------------------------------------------------ */
int IrpcNewIrp(int stack_size, int kind, int creator)
{
    if (stack_size < 1 || stack_size > IRPC_MAX_STACK)
        return -1;
    /* a driver's creation may fail for want of memory (the application's
     * requests are the I/O manager's own) */
    if (kind != IRPC_KIND_APP && irpc_alloc_hook != NULL && irpc_alloc_hook(kind, creator)) {
        IrpcTrace(IRPC_EV_ALLOC_FAIL, creator, -1, STATUS_INSUFFICIENT_RESOURCES, kind);
        return -1;
    }
    for (int i = 0; i < IRPC_MAX_IRPS; i++) {
        if (irpc.life[i].state != IRPC_ST_FREE)
            continue;
        PIRP irp = &irpc.irps[i];
        IrpcZero(irp, sizeof *irp);
        irp->Type = IO_TYPE_IRP;
        irp->Size = (USHORT)sizeof *irp;
        irp->StackCount = (CHAR)stack_size;
        irp->CurrentLocation = (CHAR)(stack_size + 1);
        IRPC_LIFE *l = &irpc.life[i];
        unsigned gen = l->gen + 1;
        IrpcZero(l, sizeof *l);
        l->gen = gen;
        l->state = IRPC_ST_IDLE;
        l->kind = kind;
        l->creator = creator;
        l->owner = creator;
        l->request = -1;
        l->cancel_dev = IRPC_NOBODY;
        if (kind != IRPC_KIND_ALLOC)
            irp->IoStatus.Status = UNINITIALISED_STATUS;
        IrpcTrace(IRPC_EV_ALLOC, creator, i, 0, kind);
        return i;
    }
    return -1;
}

PIRP IoAllocateIrp(CCHAR StackSize, BOOLEAN ChargeQuota)
{
    UNREFERENCED_PARAMETER(ChargeQuota);
    int slot = IrpcNewIrp(StackSize, IRPC_KIND_ALLOC, IrpcCurrentDevice());
    return slot < 0 ? NULL : &irpc.irps[slot];
}

static PIRP build_irp(int kind, UCHAR major, PDEVICE_OBJECT dev, PKEVENT event,
                      PIO_STATUS_BLOCK iosb)
{
    int slot = IrpcNewIrp(dev->StackSize, kind, IrpcCurrentDevice());
    if (slot < 0)
        return NULL;
    PIRP irp = &irpc.irps[slot];
    irp->Tail.Overlay.Thread = &irpc.app_thread;
    irp->UserEvent = event;
    irp->UserIosb = iosb;
    irp->IrpcStack[irp->StackCount - 1].MajorFunction = major;
    return irp;
}

PIRP IoBuildDeviceIoControlRequest(ULONG IoControlCode, PDEVICE_OBJECT DeviceObject,
                                   PVOID InputBuffer, ULONG InputBufferLength,
                                   PVOID OutputBuffer, ULONG OutputBufferLength,
                                   BOOLEAN InternalDeviceIoControl, PKEVENT Event,
                                   PIO_STATUS_BLOCK IoStatusBlock)
{
    UCHAR major = InternalDeviceIoControl ? IRP_MJ_INTERNAL_DEVICE_CONTROL : IRP_MJ_DEVICE_CONTROL;
    PIRP irp = build_irp(IRPC_KIND_DEVICE_IOCTL, major, DeviceObject, Event, IoStatusBlock);
    if (irp == NULL)
        return NULL;
    PIO_STACK_LOCATION next = &irp->IrpcStack[irp->StackCount - 1];
    next->Parameters.DeviceIoControl.IoControlCode = IoControlCode;
    next->Parameters.DeviceIoControl.InputBufferLength = InputBufferLength;
    next->Parameters.DeviceIoControl.OutputBufferLength = OutputBufferLength;
    next->Parameters.DeviceIoControl.Type3InputBuffer = InputBuffer;
    irp->AssociatedIrp.SystemBuffer = InputBuffer;
    irp->UserBuffer = OutputBuffer;
    return irp;
}

static void set_transfer(PIRP irp, ULONG major, PVOID buffer, ULONG length, PLARGE_INTEGER offset)
{
    PIO_STACK_LOCATION next = &irp->IrpcStack[irp->StackCount - 1];
    LONGLONG at = offset != NULL ? offset->QuadPart : 0;
    irp->UserBuffer = buffer;
    if (major == IRP_MJ_WRITE) {
        next->Parameters.Write.Length = length;
        next->Parameters.Write.ByteOffset.QuadPart = at;
    } else {
        next->Parameters.Read.Length = length;
        next->Parameters.Read.ByteOffset.QuadPart = at;
    }
}

PIRP IoBuildSynchronousFsdRequest(ULONG MajorFunction, PDEVICE_OBJECT DeviceObject,
                                  PVOID Buffer, ULONG Length, PLARGE_INTEGER StartingOffset,
                                  PKEVENT Event, PIO_STATUS_BLOCK IoStatusBlock)
{
    PIRP irp = build_irp(IRPC_KIND_SYNC_FSD, (UCHAR)MajorFunction, DeviceObject, Event, IoStatusBlock);
    if (irp != NULL)
        set_transfer(irp, MajorFunction, Buffer, Length, StartingOffset);
    return irp;
}

PIRP IoBuildAsynchronousFsdRequest(ULONG MajorFunction, PDEVICE_OBJECT DeviceObject,
                                   PVOID Buffer, ULONG Length, PLARGE_INTEGER StartingOffset,
                                   PIO_STATUS_BLOCK IoStatusBlock)
{
    PIRP irp = build_irp(IRPC_KIND_ASYNC_FSD, (UCHAR)MajorFunction, DeviceObject, NULL, IoStatusBlock);
    if (irp != NULL)
        set_transfer(irp, MajorFunction, Buffer, Length, StartingOffset);
    return irp;
}

/* ---- freeing and reuse --------------------------------------------------- */
/*@ requires wf: Wf;
    requires ValidSlot(slot);
    requires IoAllocateFree: IoAllocateFree(slot);
    requires IoBuildDeviceControlNoFree: IoBuildDeviceControlNoFree(slot);
    requires IoBuildSynchronousFsdRequestNoFree: IoBuildSynchronousFsdRequestNoFree(slot);
    assigns \nothing;
    ensures \result == 1;
*/
static int may_release(int slot, const char *who)
{
    IRPC_LIFE *l = &irpc.life[slot];
    /* the kind first: a synchronous IRP the I/O manager already freed was
     * never the driver's to free (its kind outlives the free) */
    if (l->kind == IRPC_KIND_DEVICE_IOCTL) {
        IrpcReport(IRPC_IoBuildDeviceControlNoFree, slot,
                   "IoFreeIrp on an IRP from IoBuildDeviceIoControlRequest: the I/O manager frees it");
        return 0;
    }
    if (l->kind == IRPC_KIND_SYNC_FSD) {
        IrpcReport(IRPC_IoBuildSynchronousFsdRequestNoFree, slot,
                   "IoFreeIrp on an IRP from IoBuildSynchronousFsdRequest: the I/O manager frees it");
        return 0;
    }
    if (l->state == IRPC_ST_FREE) {
        IrpcReport(IRPC_IoAllocateFree, slot, "IoFreeIrp on an IRP already freed");
        return 0;
    }
    if (l->kind == IRPC_KIND_APP) {
        IrpcReport(IRPC_IoAllocateFree, slot, "IoFreeIrp on an IRP the driver did not create");
        return 0;
    }
    if (IrpcCurrentDevice() != l->creator) {
        IrpcReport(IRPC_IoAllocateFree, slot, "IoFreeIrp by a driver that is not the IRP's creator");
        return 0;
    }
    if (l->owner != l->creator || l->state == IRPC_ST_ACTIVE) {
        IrpcReport(IRPC_IoAllocateFree, slot, who);
        return 0;
    }
    return 1;
}

VOID (IoFreeIrp)(PIRP Irp)
{
    IrpcEnter();
    int slot = IrpcIrpSlot(Irp);
    if (slot < 0)
        return;
    if (!may_release(slot, "IoFreeIrp while a driver below still holds the IRP"))
        return;
    irpc.life[slot].freed++;
    irpc.life[slot].state = IRPC_ST_FREE;
    IrpcTrace(IRPC_EV_FREE, IrpcCurrentDevice(), slot, 0, 0);
}

VOID (IoReuseIrp)(PIRP Irp, NTSTATUS Status)
{
    IrpcEnter();
    int slot = IrpcIrpSlot(Irp);
    if (slot < 0)
        return;
    if (!may_release(slot, "IoReuseIrp while a driver below still holds the IRP"))
        return;
    CHAR count = Irp->StackCount;
    for (int k = 0; k < IRPC_MAX_STACK; k++)
        IrpcZero(&Irp->IrpcStack[k], sizeof Irp->IrpcStack[k]);
    Irp->CurrentLocation = (CHAR)(count + 1);
    Irp->IoStatus.Status = Status;
    Irp->IoStatus.Information = 0;
    Irp->PendingReturned = FALSE;
    Irp->Cancel = FALSE;
    Irp->CancelRoutine = NULL;
    IRPC_LIFE *l = &irpc.life[slot];
    l->state = IRPC_ST_IDLE;
    l->owner = l->creator;
    l->delivered = 0;
    l->sent = FALSE;
    l->top_returned = FALSE;
    l->pr_known = FALSE;
    l->must_stop_reported = FALSE;
}

/* ---- the stack operations (macros in wdm.h) --------------------------- */
PIO_STACK_LOCATION (IoGetCurrentIrpStackLocation)(PIRP Irp)
{
    IrpcEnter();
    int slot = IrpcIrpSlot(Irp);
    if (slot >= 0)
        check_access(slot, "IoGetCurrentIrpStackLocation on an IRP the caller does not own");
    int k = Irp->CurrentLocation;
    if (k >= 1 && k <= Irp->StackCount)
        return &Irp->IrpcStack[k - 1];
    if (k == Irp->StackCount + 1 && k <= IRPC_MAX_STACK)
        return &Irp->IrpcStack[k - 1];     /* the creator's position: no location of its own */
    /* a completed IRP (already reported as used after release): its top
     * location, so a buggy driver reads stale data instead of crashing */
    return &Irp->IrpcStack[Irp->StackCount >= 1 ? Irp->StackCount - 1 : 0];
}

/*@ requires \valid_read(Irp) && TraceOk;
    requires NoNextStackLocation: NoNextStackLocation(Irp);
    assigns \nothing;
    ensures \result == 1;
*/
static int has_next(PIRP Irp, int slot, const char *what)
{
    if (Irp->CurrentLocation - 1 < 1 || Irp->CurrentLocation > Irp->StackCount + 1) {
        IrpcReport(IRPC_NoNextStackLocation, slot, what);
        return 0;
    }
    return 1;
}

PIO_STACK_LOCATION (IoGetNextIrpStackLocation)(PIRP Irp)
{
    IrpcEnter();
    int slot = IrpcIrpSlot(Irp);
    if (slot >= 0)
        check_access(slot, "IoGetNextIrpStackLocation on an IRP the caller does not own");
    if (!has_next(Irp, slot, "IoGetNextIrpStackLocation: the IRP has no next stack location"))
        return NULL;
    return &Irp->IrpcStack[Irp->CurrentLocation - 2];
}

VOID (IoSkipCurrentIrpStackLocation)(PIRP Irp)
{
    IrpcEnter();
    int slot = IrpcIrpSlot(Irp);
    if (slot >= 0)
        check_access(slot, "IoSkipCurrentIrpStackLocation on an IRP the caller does not own");
    if (Irp->CurrentLocation > Irp->StackCount) {
        IrpcReport(IRPC_NoNextStackLocation, slot,
                   "IoSkipCurrentIrpStackLocation without a current stack location");
        return;
    }
    Irp->CurrentLocation++;
}

VOID (IoCopyCurrentIrpStackLocationToNext)(PIRP Irp)
{
    IrpcEnter();
    int slot = IrpcIrpSlot(Irp);
    if (slot >= 0)
        check_access(slot, "IoCopyCurrentIrpStackLocationToNext on an IRP the caller does not own");
    if (Irp->CurrentLocation > Irp->StackCount) {
        IrpcReport(IRPC_NoNextStackLocation, slot,
                   "IoCopyCurrentIrpStackLocationToNext without a current stack location");
        return;
    }
    if (!has_next(Irp, slot, "IoCopyCurrentIrpStackLocationToNext: the IRP has no next stack location"))
        return;
    PIO_STACK_LOCATION cur = &Irp->IrpcStack[Irp->CurrentLocation - 1];
    PIO_STACK_LOCATION next = &Irp->IrpcStack[Irp->CurrentLocation - 2];
    /* everything before CompletionRoutine, then Control cleared */
    next->MajorFunction = cur->MajorFunction;
    next->MinorFunction = cur->MinorFunction;
    next->Flags = cur->Flags;
    /* the parameters block lies apart from the caller's frame and life
     * record (a structure copy: WP havocs the whole block) */
    /*@ assert apart: FrameCount > 0 ==>
          \separated(&next->Parameters, &irpc_mp.cpus[irpc_cpu].frame_count, CurFrame,
                     &irpc.life[Slot(Irp)].gen); */
    next->Parameters = cur->Parameters;
    /*@ assert copied: \at(FrameFor(Slot(Irp)), Pre) ==> FrameFor(Slot(Irp)); */
    next->DeviceObject = cur->DeviceObject;
    next->FileObject = cur->FileObject;
    next->Control = 0;
}

VOID (IoSetCompletionRoutine)(PIRP Irp, PIO_COMPLETION_ROUTINE CompletionRoutine, PVOID Context,
                            BOOLEAN InvokeOnSuccess, BOOLEAN InvokeOnError, BOOLEAN InvokeOnCancel)
{
    IrpcEnter();
    int slot = IrpcIrpSlot(Irp);
    if (slot >= 0)
        check_access(slot, "IoSetCompletionRoutine on an IRP the caller does not own");
    if (!has_next(Irp, slot, "IoSetCompletionRoutine: the IRP has no next stack location"))
        return;
    PIO_STACK_LOCATION next = &Irp->IrpcStack[Irp->CurrentLocation - 2];
    next->CompletionRoutine = CompletionRoutine;
    next->Context = Context;
    next->Control = (UCHAR)((InvokeOnSuccess ? SL_INVOKE_ON_SUCCESS : 0) |
                            (InvokeOnError ? SL_INVOKE_ON_ERROR : 0) |
                            (InvokeOnCancel ? SL_INVOKE_ON_CANCEL : 0));
}

VOID (IoMarkIrpPending)(PIRP Irp)
{
    IrpcEnter();
    int slot = IrpcIrpSlot(Irp);
    if (slot >= 0 && !check_access(slot, "IoMarkIrpPending on an IRP the caller does not own"))
        return;
    IrpcTrace(IRPC_EV_MARK, IrpcCurrentDevice(), slot, 0, 0);
    if (Irp->CurrentLocation > Irp->StackCount || Irp->CurrentLocation < 1) {
        IrpcReport(IRPC_CompletionRoutinePending, slot,
                   "IoMarkIrpPending by the IRP's creator: there is no stack location above it");
        return;
    }
    Irp->IrpcStack[Irp->CurrentLocation - 1].Control |= SL_PENDING_RETURNED;
    IRPC_FRAME *f = IrpcFrameFor(slot);
    if (f != NULL)
        f->marked = TRUE;
}

/* ---- IoCallDriver -------------------------------------------------------- */

/* PendingReturned at the creator must agree with what the creator's
 * IoCallDriver returned; whichever of the two is known last checks it. */
/*@ // ASSUMED: PendingReturnedConsistency is a system-level rule (it
    // relates the creator's IoCallDriver result to the walk's end), covered
    // by the harnesses and the spin model, not by a routine's contract.
    requires ValidSlot(slot);
    requires TraceOk;
    assigns irpc_findings[0 .. IRPC_MAX_FINDINGS - 1], irpc_finding_count, IRPC_TRACE;
    ensures TraceOk;
*/
static void check_pending_consistency(int slot)
{
    //@ assert PendingReturnedConsistency: PendingReturnedConsistency(slot);
    IRPC_LIFE *l = &irpc.life[slot];
    if (!l->pr_known || !l->top_returned)
        return;
    if ((l->top_status == STATUS_PENDING) != (l->pr_at_creator != 0))
        IrpcReport(IRPC_PendingReturnedConsistency, slot,
                   l->pr_at_creator ? "PendingReturned is TRUE at the creator but IoCallDriver did not return STATUS_PENDING"
                                    : "IoCallDriver returned STATUS_PENDING but PendingReturned is FALSE at the creator");
}

static void check_dispatch_return(const IRPC_FRAME *f, NTSTATUS st)
{
    int slot = f->irp;
    BOOLEAN pending = st == STATUS_PENDING;
    if (f->marked && !pending)
        IrpcReport(IRPC_MarkIrpPending, slot,
                   "dispatch routine marked the IRP pending but did not return STATUS_PENDING");
    if (f->completed && !f->marked && pending)
        IrpcReport(IRPC_PendedCompletedRequest, slot,
                   "dispatch routine completed the IRP without marking it pending and returned STATUS_PENDING");
    else if (pending && !f->marked && !(f->forwarded && f->lower_status == STATUS_PENDING))
        IrpcReport(IRPC_MarkIrpPending2, slot,
                   "dispatch routine returned STATUS_PENDING without marking the IRP pending");
    if (f->completed && !f->marked && !pending && st != f->completed_status)
        IrpcReport(IRPC_StatusMismatch, slot,
                   "dispatch routine returned a status other than the one it completed the IRP with");
    if (f->forwarded && !f->marked && !f->completed && st != f->lower_status)
        IrpcReport(IRPC_LowerDriverReturn, slot,
                   "dispatch routine did not return the status IoCallDriver returned");
    const IRPC_LIFE *l = &irpc.life[slot];
    if (l->gen == f->gen && owns(slot, f->dev) && !f->marked)
        IrpcReport(IRPC_IrpProcessingComplete, slot,
                   "dispatch routine returned while it still owned the IRP (not completed, forwarded or pended)");
    if (f->sync_event_owed != NULL)
        IrpcReport(IRPC_IoBuildDeviceControlWait, slot,
                   "dispatch routine returned without waiting on the event of its synchronous IRP after STATUS_PENDING");
}

/* First half of IoCallDriver: checks, moves to the next stack location,
 * hands the IRP to the target and opens the dispatch frame.  Returns 0 when
 * the call must not go ahead (call->refused is then what it returns). */
int IrpcCallBegin(PDEVICE_OBJECT DeviceObject, PIRP Irp, IRPC_CALL *call)
{
    IrpcTakeSite(&call->file, &call->line);
    IrpcUseSite(call->file, call->line);
    call->refused = STATUS_INVALID_PARAMETER;
    call->routine = NULL;
    call->slot = IrpcIrpSlot(Irp);
    call->caller = IrpcCurrentDevice();
    call->target = IrpcDeviceIndex(DeviceObject);
    int slot = call->slot;
    if (slot < 0 || call->target < 0)
        return 0;
    if (!check_access(slot, "IoCallDriver with an IRP the caller does not own"))
        return 0;
    IRPC_LIFE *l = &irpc.life[slot];
    /* the creator's own call (a skipping filter can also leave the IRP at
     * StackCount + 1, but it is not the creator) */
    call->top_call = Irp->CurrentLocation == Irp->StackCount + 1 && call->caller == l->creator;
    if (call->top_call && IrpcIsCreatedKind(l->kind)) {
        const IO_STACK_LOCATION *next = &Irp->IrpcStack[Irp->StackCount - 1];
        UCHAR all = SL_INVOKE_ON_SUCCESS | SL_INVOKE_ON_ERROR | SL_INVOKE_ON_CANCEL;
        if (next->CompletionRoutine == NULL || (next->Control & all) != all)
            IrpcReport(IRPC_IoAllocateForward, slot,
                       "created IRP forwarded without a completion routine for success, error and cancel");
    }
    if (Irp->CurrentLocation - 1 < 1) {
        IrpcReport(IRPC_NoNextStackLocation, slot,
                   "IoCallDriver: no stack location left (bug check 0x35)");
        return 0;
    }
    PIO_STACK_LOCATION loc = &Irp->IrpcStack[Irp->CurrentLocation - 2];
    if (loc->MajorFunction <= IRP_MJ_MAXIMUM_FUNCTION && DeviceObject->DriverObject != NULL)
        call->routine = DeviceObject->DriverObject->MajorFunction[loc->MajorFunction];
    if (call->routine == NULL) {
        IrpcReport(IRPC_DEADLOCK, slot, "IoCallDriver: the target has no dispatch routine");
        return 0;
    }
    Irp->CurrentLocation--;
    loc->DeviceObject = DeviceObject;
    IRPC_FRAME *cf = IrpcFrameFor(slot);
    if (cf != NULL)
        cf->forwarded = TRUE;
    call->gen = l->gen;
    l->owner = call->target;
    l->state = IRPC_ST_ACTIVE;
    l->sent = TRUE;
    /* only the creator of a synchronous IRP owes the wait on its event */
    call->sync_event = IrpcIsSyncKind(l->kind) && call->caller == l->creator ? Irp->UserEvent : NULL;
    if (call->top_call)
        l->top_returned = FALSE;
    IrpcTrace(IRPC_EV_CALL, call->target, slot, 0, 0);
    IRPC_FRAME *f = IrpcPushFrame(IRPC_FRAME_DISPATCH, call->target, slot);
    if (f == NULL) {
        IrpcReport(IRPC_DEADLOCK, slot, "IoCallDriver: routine frames exhausted");
        return 0;
    }
    f->routine = (IRPC_ROUTINE)call->routine;
    return 1;
}

/* Second half: the dispatch routine returned `st`.  Checks what it did
 * against what it returned, closes its frame, and tells the caller. */
NTSTATUS IrpcCallEnd(IRPC_CALL *call, NTSTATUS st)
{
    int slot = call->slot;
    IRPC_FRAME *f = IrpcCurrentFrame();
    IrpcUseSite(NULL, 0);
    if (f != NULL && f->kind == IRPC_FRAME_DISPATCH && f->irp == slot) {
        check_dispatch_return(f, st);
        IrpcPopFrame();
    }
    IrpcTrace(IRPC_EV_CALL_RET, call->target, slot, st, 0);
    IrpcUseSite(call->file, call->line);

    IRPC_FRAME *cf = IrpcCurrentFrame();
    BOOLEAN own_irp = cf != NULL && cf->irp == slot && cf->gen == call->gen;
    if (cf != NULL && st == STATUS_PENDING && call->caller != IRPC_NOBODY) {
        if (call->sync_event != NULL)
            cf->sync_event_owed = call->sync_event;
        else if (own_irp)
            cf->wait_owed = TRUE;
    }
    if (own_irp)
        cf->lower_status = st;
    IRPC_LIFE *l = &irpc.life[slot];
    if (l->gen == call->gen && call->top_call) {
        l->top_returned = TRUE;
        l->top_status = st;
        check_pending_consistency(slot);
    }
    IrpcSchedulePoint(IRPC_POINT_CALL_RETURN);
    return st;
}

NTSTATUS IofCallDriver(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    IRPC_CALL call;
    if (!IrpcCallBegin(DeviceObject, Irp, &call))
        return call.refused;
    NTSTATUS st = call.routine(DeviceObject, Irp);
    /* The dispatch role contract (spec/wdm_contracts.h), stated where every
     * dispatch routine returns; check_dispatch_return checks the same. */
    //@ assert MarkIrpPending: DispatchReturnFrame(call.slot) ==> MarkIrpPending(CurFrame, st);
    //@ assert MarkIrpPending2: DispatchReturnFrame(call.slot) ==> MarkIrpPending2(CurFrame, st);
    /*@ assert PendedCompletedRequest: DispatchReturnFrame(call.slot) ==>
          PendedCompletedRequest(CurFrame, st); */
    //@ assert LowerDriverReturn: DispatchReturnFrame(call.slot) ==> LowerDriverReturn(CurFrame, st);
    //@ assert StatusMismatch: DispatchReturnFrame(call.slot) ==> StatusMismatch(CurFrame, st);
    /*@ assert IrpProcessingComplete: DispatchReturnFrame(call.slot) ==>
          IrpProcessingComplete(CurFrame); */
    /*@ assert IoBuildDeviceControlWait: DispatchReturnFrame(call.slot) ==>
          IoBuildDeviceControlWait(CurFrame); */
    return IrpcCallEnd(&call, st);
}

/* ---- IoCompleteRequest ---------------------------------------------------- */
/*@ requires \valid(s);
    assigns s->MinorFunction, s->Flags, s->Control, s->Parameters.Others, s->FileObject;
    ensures cleared: s->Control == 0;
*/
static void clear_location(PIO_STACK_LOCATION s)
{
    s->MinorFunction = 0;
    s->Flags = 0;
    s->Control = 0;
    s->Parameters.Others.Argument1 = NULL;
    s->Parameters.Others.Argument2 = NULL;
    s->Parameters.Others.Argument3 = NULL;
    s->Parameters.Others.Argument4 = NULL;
    s->FileObject = NULL;
}

/* The application's request is answered: its delivery counted (a count
 * that stops at INT_MAX, never wraps), its status kept, no IRP for it. */
/*@ requires 0 <= r < IRPC_MAX_REQUESTS;
    assigns irpc.requests[r].delivered, irpc.requests[r].delivered_status, irpc.requests[r].irp;
*/
static void deliver_request(int r, NTSTATUS status)
{
    IRPC_REQUEST *q = &irpc.requests[r];
    if (q->delivered < 2147483647)
        q->delivered++;
    q->delivered_status = status;
    q->irp = -1;
}

/*@ requires wf: Wf;
    requires ValidSlot(slot);
    requires delivery: DeliveryOk(slot);
    requires AllocatedIrpMustStop: !CreatedKind(Kind(slot));
    requires walking: State(slot) == IRPC_ST_WALKING;
    requires IrpApart(&irpc.irps[slot]);
    assigns irpc.life[slot], irpc.requests[0 .. IRPC_MAX_REQUESTS - 1],
            *irpc.irps[slot].UserIosb, irpc.irps[slot].UserEvent->SignalState,
            irpc_findings[0 .. IRPC_MAX_FINDINGS - 1], irpc_finding_count, IRPC_TRACE;
    ensures Wf;
    ensures frame: irpc_cpu == \old(irpc_cpu) && FrameCount == \old(FrameCount) &&
      Irql == \old(Irql);
    ensures freed: State(slot) == IRPC_ST_FREE && irpc.life[slot].gen == \old(irpc.life[slot].gen);
    ensures delivered: irpc.life[slot].delivered == \old(irpc.life[slot].delivered) + 1;
    ensures pending: irpc.life[slot].pr_known == 1 &&
      irpc.life[slot].pr_at_creator == \old(irpc.irps[slot].PendingReturned);
*/
static void deliver(int slot)
{
    PIRP irp = &irpc.irps[slot];
    IRPC_LIFE *l = &irpc.life[slot];
    NTSTATUS status = irp->IoStatus.Status;
    l->state = IRPC_ST_DONE;
    l->owner = l->creator;
    if (IrpcIsCreatedKind(l->kind)) {
        /* No thread to deliver to: its creator's routine had to stop the walk. */
        if (!l->must_stop_reported)
            IrpcReport(IRPC_AllocatedIrpMustStop, slot,
                       "completion of a created IRP ran to the end: its creator's routine must return STATUS_MORE_PROCESSING_REQUIRED");
        l->must_stop_reported = TRUE;
        return;
    }
    l->delivered++;
    l->pr_known = TRUE;
    l->pr_at_creator = irp->PendingReturned;
    IrpcTrace(IRPC_EV_DELIVER, l->creator, slot, status, 0);
    if (l->request >= 0)
        deliver_request(l->request, status);
    BOOLEAN synchronous = (irp->Flags & IRP_SYNCHRONOUS_API) != 0;
    if (!NT_ERROR(status) || (irp->PendingReturned && !synchronous)) {
        if (irp->UserIosb != NULL) {
            /* field by field: WP's Typed model treats a structure copy as a
             * havoc of the whole block */
            irp->UserIosb->Status = irp->IoStatus.Status;
            irp->UserIosb->Information = irp->IoStatus.Information;
        }
        if (irp->UserEvent != NULL)
            IrpcSignal(irp->UserEvent);
    }
    check_pending_consistency(slot);
    l->state = IRPC_ST_FREE;     /* the I/O manager frees it */
}

/* What a completion routine did, checked when it returns (its frame still
 * names it).  Returns 1 when the walk goes on, 0 when it stops here. */
/*@ requires wf: Wf;
    requires ValidSlot(slot);
    requires FrameCount > 0 && f == CurFrame;
    // what the routine's role guarantees (spec/wdm_contracts.h,
    // IRPC_COMPLETION_ROLE): the checks below never fire when it holds
    requires CompletionEventChecking: CompletionEventChecking(f);
    requires CompletionIrql: CompletionIrqlRoutine(f);
    requires AllocatedIrpMustStop: AllocatedIrpMustStop(Kind(slot), by_creator, r);
    requires CompletionRoutinePending: r != STATUS_MORE_PROCESSING_REQUIRED ==>
      CompletionRoutinePending(&irpc.irps[slot], r);
    // a routine that lets completion continue leaves the IRP alive
    requires IrpAccessAfterRelease: r != STATUS_MORE_PROCESSING_REQUIRED ==>
      (irpc.life[slot].gen == gen && State(slot) == IRPC_ST_WALKING &&
       irpc.irps[slot].CurrentLocation >= 1);
    assigns irpc.life[slot].state, irpc.life[slot].owner,
            irpc_findings[0 .. IRPC_MAX_FINDINGS - 1], irpc_finding_count, IRPC_TRACE;
    ensures Wf;
    ensures \result == (r != STATUS_MORE_PROCESSING_REQUIRED ? 1 : 0);
    // the walk goes on with the IRP
    ensures goes_on: r != STATUS_MORE_PROCESSING_REQUIRED ==>
      (State(slot) == IRPC_ST_WALKING && Owner(slot) == IRPC_IN_WALK);
    // STATUS_MORE_PROCESSING_REQUIRED: the IRP, unless the routine freed
    // it, is STOPPED and belongs to the routine's device (resumable)
    ensures stopped: r == STATUS_MORE_PROCESSING_REQUIRED &&
      \old(irpc.life[slot].gen == gen && State(slot) == IRPC_ST_WALKING) ==>
      (State(slot) == IRPC_ST_STOPPED && Owner(slot) == f->dev);
    ensures left: r == STATUS_MORE_PROCESSING_REQUIRED &&
      !\old(irpc.life[slot].gen == gen && State(slot) == IRPC_ST_WALKING) ==>
      State(slot) == \old(State(slot));
*/
static int after_routine(IRPC_FRAME *f, int slot, unsigned gen, BOOLEAN by_creator, NTSTATUS r)
{
    PIRP irp = &irpc.irps[slot];
    IRPC_LIFE *l = &irpc.life[slot];
    if (f->marked && f->set_event)
        IrpcReport(IRPC_CompletionEventChecking, slot,
                   "completion routine both marked the IRP pending and signalled an event");
    if (IRPC_THIS_CPU->irql != f->irql_at_entry) {
        IrpcReport(IRPC_CompletionIrql, slot, "completion routine returned at another IRQL");
        IRPC_THIS_CPU->irql = f->irql_at_entry;
    }
    if (r == STATUS_MORE_PROCESSING_REQUIRED) {
        if (l->gen == gen && l->state == IRPC_ST_WALKING) {
            l->state = IRPC_ST_STOPPED;
            l->owner = f->dev;
        }
        return 0;   /* touch the IRP no more: its owner may have freed it */
    }
    if (l->gen != gen || l->state == IRPC_ST_FREE) {
        IrpcReport(IrpcIsCreatedKind(l->kind) ? IRPC_AllocatedIrpMustStop : IRPC_IrpAccessAfterRelease,
                   slot, "completion routine freed the IRP and let its completion continue");
        return 0;
    }
    if (by_creator && IrpcIsCreatedKind(l->kind)) {
        IrpcReport(IRPC_AllocatedIrpMustStop, slot,
                   "creator's completion routine did not return STATUS_MORE_PROCESSING_REQUIRED");
        l->must_stop_reported = TRUE;
    }
    if (irp->PendingReturned && irp->CurrentLocation <= irp->StackCount &&
        !(irp->IrpcStack[irp->CurrentLocation - 1].Control & SL_PENDING_RETURNED))
        IrpcReport(IRPC_CompletionRoutinePending, slot,
                   "completion routine saw PendingReturned and did not call IoMarkIrpPending");
    l->owner = IRPC_IN_WALK;
    l->state = IRPC_ST_WALKING;
    return 1;
}

/* The one indirect call of a completion routine. */
/*@ // ASSUMED: the completion role every routine keeps (spec/wdm_contracts.h,
    // IRPC_COMPLETION_ROLE, proved of each sample routine in its target),
    // with what a routine does not do to the walk (proofs/ASSUMPTIONS.md).
    requires entry: CompletionEntry(irp);
    assigns irpc, irpc_mp.cpus[irpc_cpu], irpc_findings[0 .. IRPC_MAX_FINDINGS - 1], irpc_finding_count,
            IRPC_TRACE, IRPC_SITES;
    IRPC_COMPLETION_KEEPS
    ensures CompletionEventChecking: CompletionEventChecking(CurFrame);
    ensures CompletionIrql: CompletionIrqlRoutine(CurFrame);
    ensures AllocatedIrpMustStop: \old(irp->CurrentLocation == irp->StackCount + 1) ==>
      AllocatedIrpMustStop(\old(Kind(Slot(irp))), 1, \result);
    ensures stops: \result == STATUS_MORE_PROCESSING_REQUIRED ==>
      ((irpc.life[Slot(irp)].gen == \old(irpc.life[Slot(irp)].gen) &&
        State(Slot(irp)) == IRPC_ST_WALKING) ||
       irpc.life[Slot(irp)].gen != \old(irpc.life[Slot(irp)].gen) ||
       State(Slot(irp)) == IRPC_ST_FREE);
    // a routine that lets completion continue leaves the IRP alive, where
    // it was, ready for the next routine; it may mark its own location
    ensures CompletionRoutinePending: \result != STATUS_MORE_PROCESSING_REQUIRED ==>
      CompletionRoutinePending(irp, \result);
    IRPC_COMPLETION_GOES_ON(irp)
*/
static NTSTATUS run_completion(PIO_COMPLETION_ROUTINE routine, PDEVICE_OBJECT dev, PIRP irp, PVOID context)
{
    return routine(dev, irp, context);
}

/* The walk hands the IRP to the routine's device; at the creator's level
 * a created IRP is back with its creator (delivered once more). */
/*@ requires wf: Wf;
    requires ValidSlot(slot);
    requires counters: irpc.life[slot].delivered < 2147483647;
    assigns irpc.life[slot].delivered, irpc.life[slot].pr_known, irpc.life[slot].pr_at_creator,
            irpc.life[slot].owner, irpc_findings[0 .. IRPC_MAX_FINDINGS - 1], irpc_finding_count,
            IRPC_TRACE;
    ensures Wf;
    ensures owner: irpc.life[slot].owner == who;
    ensures delivered: by_creator && CreatedKind(Kind(slot)) ?
      irpc.life[slot].delivered == \old(irpc.life[slot].delivered) + 1 :
      irpc.life[slot].delivered == \old(irpc.life[slot].delivered);
*/
static void walk_enter(int slot, BOOLEAN by_creator, int who)
{
    IRPC_LIFE *l = &irpc.life[slot];
    if (by_creator && IrpcIsCreatedKind(l->kind)) {
        l->delivered++;
        l->pr_known = TRUE;
        l->pr_at_creator = irpc.irps[slot].PendingReturned;
        check_pending_consistency(slot);
    }
    l->owner = who;
}

/* One routine of the walk: the one registered at the location just left
 * (already cleared), for the IRP now at the location above it.  Returns 1
 * when the walk goes on, 0 when it stops here. */
/*@ requires wf: Wf;
    requires ValidSlot(slot);
    requires walking: irpc.life[slot].gen == gen && State(slot) == IRPC_ST_WALKING &&
      Owner(slot) == IRPC_IN_WALK;
    requires location: 2 <= irpc.irps[slot].CurrentLocation <= irpc.irps[slot].StackCount + 1;
    requires ready: WalkReady(slot);
    requires counters: irpc.life[slot].delivered < 2147483647;
    requires room: FrameCount < IRPC_MAX_FRAMES;
    requires creator_ok: Creator(slot) != IRPC_IN_WALK;
    assigns irpc, irpc_mp.cpus[irpc_cpu], irpc_findings[0 .. IRPC_MAX_FINDINGS - 1], irpc_finding_count,
            IRPC_TRACE, IRPC_SITES;
    ensures Wf;
    ensures frame: irpc_cpu == \old(irpc_cpu) && FrameCount == \old(FrameCount) &&
      Irql == \old(Irql);
    ensures goes_on: \result != 0 ==>
      (irpc.life[slot].gen == gen && State(slot) == IRPC_ST_WALKING &&
       Owner(slot) == IRPC_IN_WALK &&
       Kind(slot) == \old(Kind(slot)) && Creator(slot) == \old(Creator(slot)) &&
       irpc.life[slot].delivered == \old(irpc.life[slot].delivered) &&
       irpc.life[slot].request == \old(irpc.life[slot].request));
    ensures goes_on_iosb: \result != 0 ==> irpc.irps[slot].UserIosb == \old(irpc.irps[slot].UserIosb);
    ensures goes_on_event: \result != 0 ==> irpc.irps[slot].UserEvent == \old(irpc.irps[slot].UserEvent);
    ensures goes_on_count: \result != 0 ==> irpc.irps[slot].StackCount == \old(irpc.irps[slot].StackCount);
    ensures goes_on_loc: \result != 0 ==>
      irpc.irps[slot].CurrentLocation == \old(irpc.irps[slot].CurrentLocation);
    ensures goes_on_ready: \result != 0 ==> WalkReady(slot);
    ensures goes_on_pending: \result != 0 ==> PendingPropagated(&irpc.irps[slot]);
    ensures locations: \result != 0 ==>
      (\forall integer j; 0 <= j < irpc.irps[slot].StackCount ==>
         irpc.irps[slot].IrpcStack[j].CompletionRoutine == \old(irpc.irps[slot].IrpcStack[j].CompletionRoutine) &&
         IRPC_INVOKE_KEPT(irpc.irps[slot].IrpcStack[j].Control, \old(irpc.irps[slot].IrpcStack[j].Control)) &&
         (j != irpc.irps[slot].CurrentLocation - 1 ==>
            irpc.irps[slot].IrpcStack[j].Control == \old(irpc.irps[slot].IrpcStack[j].Control)));
    // the top location (the creator's routine), as a quantified index: cvc4
    // times out on the ground index StackCount - 1 in this context
    ensures goes_on_top: \result != 0 ==>
      \forall integer j; j == irpc.irps[slot].StackCount - 1 ==>
        irpc.irps[slot].IrpcStack[j].CompletionRoutine == \old(irpc.irps[slot].IrpcStack[j].CompletionRoutine) &&
        IRPC_INVOKE_KEPT(irpc.irps[slot].IrpcStack[j].Control, \old(irpc.irps[slot].IrpcStack[j].Control));
    // the creator's routine of a created IRP stops the walk
    ensures creator: \old(irpc.irps[slot].CurrentLocation == irpc.irps[slot].StackCount + 1 &&
      CreatedKind(Kind(slot))) ==> \result == 0;
    ensures stopped: \result == 0 ==>
      ((irpc.life[slot].gen == gen && State(slot) == IRPC_ST_STOPPED &&
        Owner(slot) != IRPC_IN_WALK) ||
       irpc.life[slot].gen != gen || State(slot) == IRPC_ST_FREE);
*/
static int walk_call(int slot, unsigned gen, PIO_COMPLETION_ROUTINE routine, PVOID context)
{
    PIRP irp = &irpc.irps[slot];
    BOOLEAN by_creator = irp->CurrentLocation == irp->StackCount + 1;
    PDEVICE_OBJECT dev = by_creator ? NULL : irp->IrpcStack[irp->CurrentLocation - 1].DeviceObject;
    int who = by_creator ? irpc.life[slot].creator : IrpcDeviceIndex(dev);
    walk_enter(slot, by_creator, who);
    //@ assert u0: irp->UserIosb == \at(irpc.irps[slot].UserIosb, Pre) && irp->UserEvent == \at(irpc.irps[slot].UserEvent, Pre);
    /*@ assert k1: Kind(slot) == \at(Kind(slot), Pre) &&
          irp->CurrentLocation == \at(irpc.irps[slot].CurrentLocation, Pre) &&
          irp->StackCount == \at(irpc.irps[slot].StackCount, Pre); */
    IRPC_FRAME *f = IrpcPushFrame(IRPC_FRAME_COMPLETION, who, slot);
    if (f == NULL) {
        IrpcReport(IRPC_DEADLOCK, slot, "frame stack exhausted");
        //@ assert b0: \false &&  Irql == \at(Irql, Pre) && FrameCount == \at(FrameCount, Pre) && irpc_cpu == \at(irpc_cpu, Pre);
        return 0;
    }
    //@ assert f_cur: f == CurFrame;
    //@ assert f_apart: \separated(f, &irpc) && f == &irpc_mp.cpus[irpc_cpu].frames[FrameCount - 1];
    /*@ assert l0: \forall integer j; 0 <= j < irp->StackCount ==>
          irp->IrpcStack[j].CompletionRoutine == \at(irpc.irps[slot].IrpcStack[j].CompletionRoutine, Pre) &&
          irp->IrpcStack[j].Control == \at(irpc.irps[slot].IrpcStack[j].Control, Pre); */
    //@ assert k1b: Kind(slot) == \at(Kind(slot), Pre);
    //@ assert k1c: irp->CurrentLocation == \at(irpc.irps[slot].CurrentLocation, Pre);
    f->routine = (IRPC_ROUTINE)routine;
    //@ assert k2a: Kind(slot) == \at(Kind(slot), Pre);
    //@ assert k2b: irp->CurrentLocation == \at(irpc.irps[slot].CurrentLocation, Pre);
    //@ assert k2c: irp->StackCount == \at(irpc.irps[slot].StackCount, Pre);
    //@ assert k2s: Slot(irp) == slot;
    //@ assert pre_frame: CurFrame == f;
    /*@ assert l1: \forall integer j; 0 <= j < irp->StackCount ==>
          irp->IrpcStack[j].CompletionRoutine == \at(irpc.irps[slot].IrpcStack[j].CompletionRoutine, Pre) &&
          irp->IrpcStack[j].Control == \at(irpc.irps[slot].IrpcStack[j].Control, Pre); */
    //@ assert u1: irp->UserIosb == \at(irpc.irps[slot].UserIosb, Pre) && irp->UserEvent == \at(irpc.irps[slot].UserEvent, Pre);
    //@ assert a1: FrameCount == \at(FrameCount, Pre) + 1 && irpc_cpu == \at(irpc_cpu, Pre);
    //@ assert b1: Irql == \at(Irql, Pre);
    /* CompletionEntry(irp), run_completion's precondition, part by part */
    //@ assert e1: Wf && PoolIrp(irp) && IrpApart(irp);
    //@ assert e2: FrameCount > 0 && FrameFor(Slot(irp)) && CurFrame->kind == IRPC_FRAME_COMPLETION;
    /*@ assert e3: CurFrame->marked == 0 && CurFrame->completed == 0 && CurFrame->set_event == 0 &&
          CurFrame->wait_owed == 0 && CurFrame->irql_at_entry == Irql; */
    //@ assert e4: State(Slot(irp)) == IRPC_ST_WALKING && Owner(Slot(irp)) == CurDev;
    /*@ assert e5: CompleteRequestStatusCheck(irp) && irp->CancelRoutine == \null &&
          LocksHeld == 0 && Irql <= DISPATCH_LEVEL; */
    //@ assert pre_f: f == &irpc_mp.cpus[irpc_cpu].frames[FrameCount - 1];
    NTSTATUS r = run_completion(routine, dev, irp, context);
    //@ assert same_cnt: irpc_cpu == \at(irpc_cpu, Pre) && FrameCount == \at(FrameCount, Pre) + 1;
    //@ assert same_frame: CurFrame == f;
    /*@ assert l2: r != STATUS_MORE_PROCESSING_REQUIRED ==>
          \forall integer j; 0 <= j < irp->StackCount ==>
          irp->IrpcStack[j].CompletionRoutine == \at(irpc.irps[slot].IrpcStack[j].CompletionRoutine, Pre) &&
          IRPC_INVOKE_KEPT(irp->IrpcStack[j].Control, \at(irpc.irps[slot].IrpcStack[j].Control, Pre)) &&
          (j != irp->CurrentLocation - 1 ==>
             irp->IrpcStack[j].Control == \at(irpc.irps[slot].IrpcStack[j].Control, Pre)); */
    //@ assert u2: r != STATUS_MORE_PROCESSING_REQUIRED ==> irp->UserIosb == \at(irpc.irps[slot].UserIosb, Pre) && irp->UserEvent == \at(irpc.irps[slot].UserEvent, Pre);
    //@ assert a2: FrameCount == \at(FrameCount, Pre) + 1 && irpc_cpu == \at(irpc_cpu, Pre);
    //@ assert b2: Irql == \at(Irql, Pre);
    /*@ assert k3: by_creator && CreatedKind(\at(Kind(slot), Pre)) ==>
          r == STATUS_MORE_PROCESSING_REQUIRED; */
    /* The completion role contract (spec/wdm_contracts.h), stated where
     * every completion routine returns; after_routine checks the same. */
    //@ assert CompletionEventChecking: CompletionEventChecking(f);
    //@ assert CompletionIrql: CompletionIrqlRoutine(f);
    //@ assert AllocatedIrpMustStop: AllocatedIrpMustStop(Kind(slot), by_creator, r);
    /*@ assert CompletionRoutinePending: irpc.life[slot].gen == gen && Live(slot) ==>
          CompletionRoutinePending(irp, r); */
    IrpcUseSite(NULL, 0);
    IrpcTrace(IRPC_EV_ROUTINE, who, slot, r, by_creator);
    //@ assert a3: FrameCount == \at(FrameCount, Pre) + 1 && irpc_cpu == \at(irpc_cpu, Pre);
    /* the routine's own checks, reported while its frame names it */
    int go_on = after_routine(f, slot, gen, by_creator, r);
    //@ assert a3b: irpc_cpu == \at(irpc_cpu, Pre) && FrameCount == \at(FrameCount, Pre) + 1;
    //@ assert q1: Wf;
    /*@ assert l4: r != STATUS_MORE_PROCESSING_REQUIRED ==>
          \forall integer j; 0 <= j < irp->StackCount ==>
          irp->IrpcStack[j].CompletionRoutine == \at(irpc.irps[slot].IrpcStack[j].CompletionRoutine, Pre) &&
          IRPC_INVOKE_KEPT(irp->IrpcStack[j].Control, \at(irpc.irps[slot].IrpcStack[j].Control, Pre)) &&
          (j != irp->CurrentLocation - 1 ==>
             irp->IrpcStack[j].Control == \at(irpc.irps[slot].IrpcStack[j].Control, Pre)); */
    //@ assert u4: go_on != 0 ==> irp->UserIosb == \at(irpc.irps[slot].UserIosb, Pre) && irp->UserEvent == \at(irpc.irps[slot].UserEvent, Pre);
    //@ assert s4: go_on == 0 ==> ((irpc.life[slot].gen == gen && State(slot) == IRPC_ST_STOPPED && Owner(slot) != IRPC_IN_WALK) || irpc.life[slot].gen != gen || State(slot) == IRPC_ST_FREE);
    //@ assert g4: go_on != 0 ==> irpc.life[slot].gen == gen && State(slot) == IRPC_ST_WALKING && Owner(slot) == IRPC_IN_WALK && Kind(slot) == \at(Kind(slot), Pre) && Creator(slot) == \at(Creator(slot), Pre) && irpc.life[slot].delivered == \at(irpc.life[slot].delivered, Pre) && irpc.life[slot].request == \at(irpc.life[slot].request, Pre);
    //@ assert a4: FrameCount == \at(FrameCount, Pre) + 1 && irpc_cpu == \at(irpc_cpu, Pre);
    //@ assert b4: Irql == \at(Irql, Pre);
    IrpcPopFrame();
    //@ assert q2: Wf;
    /*@ assert l5: r != STATUS_MORE_PROCESSING_REQUIRED ==>
          \forall integer j; 0 <= j < irp->StackCount ==>
          irp->IrpcStack[j].CompletionRoutine == \at(irpc.irps[slot].IrpcStack[j].CompletionRoutine, Pre) &&
          IRPC_INVOKE_KEPT(irp->IrpcStack[j].Control, \at(irpc.irps[slot].IrpcStack[j].Control, Pre)) &&
          (j != irp->CurrentLocation - 1 ==>
             irp->IrpcStack[j].Control == \at(irpc.irps[slot].IrpcStack[j].Control, Pre)); */
    //@ assert u5: go_on != 0 ==> irp->UserIosb == \at(irpc.irps[slot].UserIosb, Pre) && irp->UserEvent == \at(irpc.irps[slot].UserEvent, Pre);
    //@ assert s5: go_on == 0 ==> ((irpc.life[slot].gen == gen && State(slot) == IRPC_ST_STOPPED && Owner(slot) != IRPC_IN_WALK) || irpc.life[slot].gen != gen || State(slot) == IRPC_ST_FREE);
    //@ assert g5: go_on != 0 ==> irpc.life[slot].gen == gen && State(slot) == IRPC_ST_WALKING && Owner(slot) == IRPC_IN_WALK && Kind(slot) == \at(Kind(slot), Pre) && Creator(slot) == \at(Creator(slot), Pre) && irpc.life[slot].delivered == \at(irpc.life[slot].delivered, Pre) && irpc.life[slot].request == \at(irpc.life[slot].request, Pre);
    //@ assert b5: Irql == \at(Irql, Pre);
    //@ assert a5: FrameCount == \at(FrameCount, Pre) && irpc_cpu == \at(irpc_cpu, Pre);
    /* the top location (the creator's routine) as it was, at a quantified
     * index (goes_on_top) */
    /*@ assert t5s: go_on != 0 ==> irp->StackCount == \at(irpc.irps[slot].StackCount, Pre); */
    /*@ assert t5a: go_on != 0 ==> \forall integer j; j == irp->StackCount - 1 ==>
          irp->IrpcStack[j].CompletionRoutine == \at(irpc.irps[slot].IrpcStack[j].CompletionRoutine, Pre); */
    /*@ assert t5b: go_on != 0 ==> \forall integer j; j == irp->StackCount - 1 ==>
          IRPC_INVOKE_KEPT(irp->IrpcStack[j].Control, \at(irpc.irps[slot].IrpcStack[j].Control, Pre)); */
    return go_on;
}

/* One step of the walk: leave the current location (clearing it), pass
 * pending up, and call the routine registered there if its invoke bits
 * allow.  Returns 1 when the walk goes on, 0 when a routine stopped it. */
/*@ requires wf: Wf;
    requires ValidSlot(slot);
    requires walking: irpc.life[slot].gen == gen && State(slot) == IRPC_ST_WALKING &&
      Owner(slot) == IRPC_IN_WALK;
    requires location: 1 <= irpc.irps[slot].CurrentLocation <= irpc.irps[slot].StackCount;
    requires ready: WalkReady(slot);
    requires creator: CreatorRoutineSet(slot);
    requires counters: irpc.life[slot].delivered < 2147483647;
    requires room: FrameCount < IRPC_MAX_FRAMES;
    requires creator_ok: Creator(slot) != IRPC_IN_WALK;
    assigns irpc, irpc_mp.cpus[irpc_cpu], irpc_findings[0 .. IRPC_MAX_FINDINGS - 1], irpc_finding_count,
            IRPC_TRACE, IRPC_SITES;
    ensures Wf;
    ensures frame: irpc_cpu == \old(irpc_cpu) && FrameCount == \old(FrameCount) &&
      Irql == \old(Irql);
    ensures goes_on: \result != 0 ==>
      (irpc.life[slot].gen == gen && State(slot) == IRPC_ST_WALKING &&
       Owner(slot) == IRPC_IN_WALK &&
       Kind(slot) == \old(Kind(slot)) && Creator(slot) == \old(Creator(slot)) &&
       irpc.life[slot].delivered == \old(irpc.life[slot].delivered) &&
       irpc.life[slot].request == \old(irpc.life[slot].request));
    ensures goes_on_user: \result != 0 ==>
      irpc.irps[slot].UserIosb == \old(irpc.irps[slot].UserIosb) &&
      irpc.irps[slot].UserEvent == \old(irpc.irps[slot].UserEvent);
    ensures goes_on_shape: \result != 0 ==>
      irpc.irps[slot].StackCount == \old(irpc.irps[slot].StackCount) &&
      irpc.irps[slot].CurrentLocation == \old(irpc.irps[slot].CurrentLocation) + 1;
    ensures goes_on_ready: \result != 0 ==> WalkReady(slot);
    ensures goes_on_pending: \result != 0 ==> PendingPropagated(&irpc.irps[slot]);
    ensures goes_on_creator: \result != 0 ==>
      irpc.irps[slot].CurrentLocation <= irpc.irps[slot].StackCount ==> CreatorRoutineSet(slot);
    ensures created_below: \result != 0 && CreatedKind(Kind(slot)) ==>
      irpc.irps[slot].CurrentLocation <= irpc.irps[slot].StackCount;
    ensures cleared: \result != 0 ==>
      irpc.irps[slot].IrpcStack[\old(irpc.irps[slot].CurrentLocation) - 1].Control == 0 &&
      (\forall integer j; 0 <= j < \old(irpc.irps[slot].CurrentLocation) - 1 ==>
         irpc.irps[slot].IrpcStack[j].Control == \old(irpc.irps[slot].IrpcStack[j].Control));
    ensures stopped: \result == 0 ==>
      ((irpc.life[slot].gen == gen && State(slot) == IRPC_ST_STOPPED &&
        Owner(slot) != IRPC_IN_WALK) ||
       irpc.life[slot].gen != gen || State(slot) == IRPC_ST_FREE);
*/
static int walk_step(int slot, unsigned gen)
{
    PIRP irp = &irpc.irps[slot];
    PIO_STACK_LOCATION left = &irp->IrpcStack[irp->CurrentLocation - 1];
    irp->CurrentLocation++;
    irp->PendingReturned = (left->Control & SL_PENDING_RETURNED) != 0;
    NTSTATUS status = irp->IoStatus.Status;
    UCHAR c = left->Control;
    BOOLEAN call = (NT_SUCCESS(status) && (c & SL_INVOKE_ON_SUCCESS)) ||
                   (!NT_SUCCESS(status) && (c & SL_INVOKE_ON_ERROR)) ||
                   (irp->Cancel && (c & SL_INVOKE_ON_CANCEL));
    //@ assert n_wf: Wf;
    //@ assert n_loc: 2 <= irp->CurrentLocation <= irp->StackCount + 1;
    if (!call || left->CompletionRoutine == NULL) {
        /*@ assert n_created: CreatedKind(Kind(slot)) ==>
              irp->CurrentLocation <= irp->StackCount; */
        if (irp->PendingReturned && irp->CurrentLocation <= irp->StackCount)
            irp->IrpcStack[irp->CurrentLocation - 1].Control |= SL_PENDING_RETURNED;
        //@ assert n_wf2: Wf;
        //@ assert n_pending: PendingPropagated(irp);
        /*@ assert n_top: irp->CurrentLocation <= irp->StackCount ==>
              CreatorRoutineSet(slot); */
        clear_location(left);
        /*@ assert n_cleared: irp->IrpcStack[\at(irpc.irps[slot].CurrentLocation, Pre) - 1].Control == 0 &&
          (\forall integer j; 0 <= j < \at(irpc.irps[slot].CurrentLocation, Pre) - 1 ==>
             irp->IrpcStack[j].Control == \at(irpc.irps[slot].IrpcStack[j].Control, Pre)); */
        //@ assert n_wf3: Wf;
        //@ assert n_frame: irpc_cpu == \at(irpc_cpu, Pre) && FrameCount == \at(FrameCount, Pre) && Irql == \at(Irql, Pre);
        //@ assert n_ready: WalkReady(slot);
        //@ assert n_pending3: PendingPropagated(irp);
        /*@ assert n_top3: irp->CurrentLocation <= irp->StackCount ==>
              CreatorRoutineSet(slot); */
        return 1;
    }
    PIO_COMPLETION_ROUTINE routine = left->CompletionRoutine;
    PVOID context = left->Context;
    /* below the top, the top location (the creator's routine) is not the
     * one left */
    /*@ assert c_top0: irp->CurrentLocation <= irp->StackCount ==>
          \at(irpc.irps[slot].CurrentLocation, Pre) - 1 < irp->StackCount - 1; */
    clear_location(left);
    /*@ assert c_cleared: irp->IrpcStack[\at(irpc.irps[slot].CurrentLocation, Pre) - 1].Control == 0 &&
          (\forall integer j; 0 <= j < \at(irpc.irps[slot].CurrentLocation, Pre) - 1 ==>
             irp->IrpcStack[j].Control == \at(irpc.irps[slot].IrpcStack[j].Control, Pre)); */
    //@ assert c_wf: Wf;
    /*@ assert c_top1: irp->CurrentLocation <= irp->StackCount ==> CreatorRoutineSet(slot); */
    int go_on = walk_call(slot, gen, routine, context);
    /*@ assert c_cleared2: go_on != 0 ==> irp->IrpcStack[\at(irpc.irps[slot].CurrentLocation, Pre) - 1].Control == 0 &&
          (\forall integer j; 0 <= j < \at(irpc.irps[slot].CurrentLocation, Pre) - 1 ==>
             irp->IrpcStack[j].Control == \at(irpc.irps[slot].IrpcStack[j].Control, Pre)); */
    /*@ assert c_top: go_on != 0 && irp->CurrentLocation <= irp->StackCount ==>
          CreatorRoutineSet(slot); */
    /*@ assert c_created: go_on != 0 && CreatedKind(Kind(slot)) ==>
          irp->CurrentLocation <= irp->StackCount; */
    return go_on;
}

/* The walk, from the current location up.  Resumed by the next
 * IoCompleteRequest when a routine stopped it. */
/*@ requires wf: Wf;
    requires ValidSlot(slot);
    requires walking: State(slot) == IRPC_ST_WALKING && Owner(slot) == IRPC_IN_WALK;
    requires location: 1 <= irpc.irps[slot].CurrentLocation <= irpc.irps[slot].StackCount + 1;
    requires ready: WalkReady(slot);
    requires creator: CreatorRoutineSet(slot);
    // a created IRP is below its creator's level (only its creator owns it
    // there, and the creator frees it, it does not complete it)
    requires created_below: CreatedKind(Kind(slot)) ==>
      irpc.irps[slot].CurrentLocation <= irpc.irps[slot].StackCount;
    requires counters: irpc.life[slot].delivered < 2147483647;
    requires delivery: !CreatedKind(Kind(slot)) ==> DeliveryOk(slot);
    // the kernel stack is not exhausted (IofCallDriver's contract assumes
    // the same): there is room for a routine's frame
    requires room: FrameCount < IRPC_MAX_FRAMES;
    requires creator_ok: Creator(slot) != IRPC_IN_WALK;
    assigns irpc, irpc_mp.cpus[irpc_cpu], irpc_findings[0 .. IRPC_MAX_FINDINGS - 1], irpc_finding_count,
            IRPC_TRACE, IRPC_SITES,
            *irpc.irps[slot].UserIosb, irpc.irps[slot].UserEvent->SignalState;
    ensures Wf;
    ensures frame: irpc_cpu == \old(irpc_cpu) && FrameCount == \old(FrameCount) &&
      Irql == \old(Irql);
    // the walk ran to the end: delivered once, freed (never a created IRP),
    // every location it left cleared; or a routine stopped it: STOPPED,
    // owned by the routine's device; or that routine freed the IRP
    ensures outcome:
      (irpc.life[slot].gen == \old(irpc.life[slot].gen) && State(slot) == IRPC_ST_FREE &&
       !CreatedKind(\old(Kind(slot))) &&
       irpc.life[slot].delivered == \old(irpc.life[slot].delivered) + 1 &&
       irpc.irps[slot].CurrentLocation == irpc.irps[slot].StackCount + 2 &&
       Cleared(&irpc.irps[slot], \old(irpc.irps[slot].CurrentLocation) - 1)) ||
      (irpc.life[slot].gen == \old(irpc.life[slot].gen) && State(slot) == IRPC_ST_STOPPED &&
       Owner(slot) != IRPC_IN_WALK) ||
      irpc.life[slot].gen != \old(irpc.life[slot].gen) || State(slot) == IRPC_ST_FREE;
*/
static void complete_walk(int slot)
{
    PIRP irp = &irpc.irps[slot];
    IRPC_LIFE *l = &irpc.life[slot];
    unsigned gen = l->gen;
    /*@ loop invariant wf: Wf;
        loop invariant frame: irpc_cpu == \at(irpc_cpu, Pre) && FrameCount == \at(FrameCount, Pre) &&
          Irql == \at(Irql, Pre);
        loop invariant walking: irpc.life[slot].gen == gen && State(slot) == IRPC_ST_WALKING &&
          Owner(slot) == IRPC_IN_WALK;
        loop invariant same: Kind(slot) == \at(Kind(slot), Pre) &&
          Creator(slot) == \at(Creator(slot), Pre) &&
          irpc.life[slot].delivered == \at(irpc.life[slot].delivered, Pre) &&
          irpc.life[slot].request == \at(irpc.life[slot].request, Pre) &&
          irp->UserIosb == \at(irpc.irps[slot].UserIosb, Pre) &&
          irp->UserEvent == \at(irpc.irps[slot].UserEvent, Pre);
        loop invariant shape: irp->StackCount == \at(irpc.irps[slot].StackCount, Pre) &&
          \at(irpc.irps[slot].CurrentLocation, Pre) <= irp->CurrentLocation <= irp->StackCount + 1;
        loop invariant ready: WalkReady(slot);
        loop invariant creator: irp->CurrentLocation <= irp->StackCount ==> CreatorRoutineSet(slot);
        loop invariant created_below: CreatedKind(Kind(slot)) ==>
          irp->CurrentLocation <= irp->StackCount;
        loop invariant cleared: Cleared(irp, \at(irpc.irps[slot].CurrentLocation, Pre) - 1);
        loop invariant pending: irp->CurrentLocation > \at(irpc.irps[slot].CurrentLocation, Pre) ==>
          PendingPropagated(irp);
        loop assigns irpc, irpc_mp.cpus[irpc_cpu], irpc_findings[0 .. IRPC_MAX_FINDINGS - 1], irpc_finding_count,
          IRPC_TRACE, IRPC_SITES;
        loop variant irp->StackCount + 1 - irp->CurrentLocation;
    */
    while (irp->CurrentLocation <= irp->StackCount) {
        if (!walk_step(slot, gen))
            return;
    }
    //@ assert d_ok: DeliveryOk(slot);
    //@ assert d_frame: irpc_cpu == \at(irpc_cpu, Pre) && FrameCount == \at(FrameCount, Pre) && Irql == \at(Irql, Pre);
    irp->CurrentLocation = (CHAR)(irp->StackCount + 2);
    deliver(slot);
}

/*@ requires wf: Wf;
    requires slot: ValidSlot(slot) && irp == &irpc.irps[slot] && Live(slot);
    requires CleanupCompletesQueued: HasCurrent(irp) && CurLoc(irp)->MajorFunction == IRP_MJ_CLEANUP ==>
      CleanupCompletesQueued(slot, CurLoc(irp)->FileObject, caller);
    assigns irpc_findings[0 .. IRPC_MAX_FINDINGS - 1], irpc_finding_count, IRPC_TRACE;
    ensures Wf;
*/
static void check_cleanup(int slot, PIRP irp, int caller)
{
    if (irp->CurrentLocation < 1 || irp->CurrentLocation > irp->StackCount)
        return;
    const IO_STACK_LOCATION *s = &irp->IrpcStack[irp->CurrentLocation - 1];
    if (s->MajorFunction != IRP_MJ_CLEANUP)
        return;
    /*@ loop invariant 0 <= i <= IRPC_MAX_IRPS;
        loop invariant Wf;
        loop assigns i, irpc_findings[0 .. IRPC_MAX_FINDINGS - 1], irpc_finding_count, IRPC_TRACE;
        loop variant IRPC_MAX_IRPS - i;
    */
    for (int i = 0; i < IRPC_MAX_IRPS; i++) {
        if (i == slot || irpc.life[i].state == IRPC_ST_FREE || !irpc.life[i].queued ||
            irpc.life[i].owner != caller)
            continue;
        const IRP *q = &irpc.irps[i];
        /* an IRP whose cancel routine IoCancelIrp already took is the cancel
         * routine's to complete: no longer the driver's queued work */
        if (q->Cancel && q->CancelRoutine == NULL)
            continue;
        if (q->CurrentLocation >= 1 && q->CurrentLocation <= q->StackCount &&
            q->IrpcStack[q->CurrentLocation - 1].FileObject == s->FileObject)
            IrpcReport(IRPC_CleanupCompletesQueued, slot,
                       "cleanup IRP completed while an IRP of its file object is still queued");
    }
}

/*@ requires CpuOk;
    requires ValidSlot(slot);
    assigns \nothing;
    ensures \result != 0 <==> (FrameFor(slot) && CurFrame->wait_owed != 0);
*/
static int f_owes_wait(int slot)
{
    const IRPC_FRAME *f = IrpcFrameFor(slot);
    return f != NULL && f->wait_owed;
}

/* The IRP leaves its driver for the walk: WALKING, owned by no driver, no
 * longer on a driver's queue. */
/*@ requires wf: Wf;
    requires ValidSlot(slot) && Live(slot);
    assigns irpc.life[slot].state, irpc.life[slot].owner, irpc.life[slot].queued;
    ensures Wf;
    ensures walking: State(slot) == IRPC_ST_WALKING && Owner(slot) == IRPC_IN_WALK &&
      irpc.life[slot].queued == 0;
*/
static void hand_to_walk(int slot)
{
    IRPC_LIFE *l = &irpc.life[slot];
    l->state = IRPC_ST_WALKING;
    l->owner = IRPC_IN_WALK;
    l->queued = 0;
}

/* The front of IoCompleteRequest: the caller-side checks, then the IRP is
 * handed to the walk.  Returns 0 when the completion is refused (already
 * completed, under way, or freed): nothing else is done then. */
/*@ requires wf: Wf;
    requires slot: ValidSlot(slot) && Irp == &irpc.irps[slot];
    requires DoubleCompletion: DoubleCompletion(Irp);
    requires IrpAccessAfterRelease: Live(slot);
    requires CompleteRequest: CompleteRequest(slot);
    requires IoAllocateComplete: IoAllocateComplete(slot);
    requires CompleteRequestStatusCheck: CompleteRequestStatusCheck(Irp);
    requires CompleteWithCancelRoutine: CompleteWithCancelRoutine(Irp);
    requires SpinLockSafe: SpinLockSafe;
    requires CompletionIrql: CompletionIrql;
    requires CompletionPriorityBoost: CompletionPriorityBoost(Irp, PriorityBoost);
    requires CleanupCompletesQueued: HasCurrent(Irp) && CurLoc(Irp)->MajorFunction == IRP_MJ_CLEANUP ==>
      CleanupCompletesQueued(slot, CurLoc(Irp)->FileObject, CurDev);
    assigns irpc.life[slot].state, irpc.life[slot].owner, irpc.life[slot].queued,
            irpc_mp.cpus[irpc_cpu].frames[0 .. IRPC_MAX_FRAMES - 1].completed,
            irpc_mp.cpus[irpc_cpu].frames[0 .. IRPC_MAX_FRAMES - 1].completed_status,
            irpc_findings[0 .. IRPC_MAX_FINDINGS - 1], irpc_finding_count, IRPC_TRACE;
    ensures accepted: \result == 1;
    ensures Wf;
    ensures walking: State(slot) == IRPC_ST_WALKING && Owner(slot) == IRPC_IN_WALK &&
      irpc.life[slot].queued == 0;
    ensures completed: \old(FrameFor(slot)) ==>
      (CurFrame->completed == 1 && CurFrame->completed_status == \old(Irp->IoStatus.Status));
    ensures ready: WalkReady(slot) || !IrpApart(Irp);
*/
static int complete_begin(PIRP Irp, int slot, KPRIORITY_BOOST PriorityBoost)
{
    int caller = IrpcCurrentDevice();
    IRPC_LIFE *l = &irpc.life[slot];
    IrpcTrace(IRPC_EV_COMPLETE, caller, slot, Irp->IoStatus.Status, PriorityBoost);
    /* Checked before "freed": the I/O manager here delivers and frees an IRP
     * at the end of its walk, where Windows does it later in the requesting
     * thread, so a second IoCompleteRequest finds the IRP completed (0x44). */
    if (Irp->CurrentLocation > Irp->StackCount + 1 || l->state == IRPC_ST_DONE) {
        IrpcReport(IRPC_DoubleCompletion, slot,
                   "IoCompleteRequest on an IRP already completed (bug check 0x44)");
        return 0;
    }
    if (l->state == IRPC_ST_FREE) {
        IrpcReport(IRPC_IrpAccessAfterRelease, slot, "IoCompleteRequest on a freed IRP");
        return 0;
    }
    if (l->state == IRPC_ST_WALKING) {
        IrpcReport(IRPC_DoubleCompletion, slot,
                   "IoCompleteRequest while the IRP's completion is under way");
        return 0;
    }
    if (IrpcIsCreatedKind(l->kind) && caller == l->creator)
        IrpcReport(IRPC_IoAllocateComplete, slot,
                   "IoCompleteRequest on an IRP the driver created: it must free it with IoFreeIrp");
    else if (l->owner != caller)
        IrpcReport(IRPC_CompleteRequest, slot,
                   "IoCompleteRequest by a driver that does not own the IRP");
    else if (f_owes_wait(slot))
        IrpcReport(IRPC_CompleteRequest, slot,
                   "IoCompleteRequest after IoCallDriver returned STATUS_PENDING, before waiting");
    NTSTATUS status = Irp->IoStatus.Status;
    if (status == STATUS_PENDING || status == UNINITIALISED_STATUS)
        IrpcReport(IRPC_CompleteRequestStatusCheck, slot,
                   "IoCompleteRequest with IoStatus.Status STATUS_PENDING or uninitialised");
    if (Irp->CancelRoutine != NULL)
        IrpcReport(IRPC_CompleteWithCancelRoutine, slot,
                   "IoCompleteRequest on an IRP whose cancel routine is still set");
    if (IRPC_THIS_CPU->locks_held > 0)
        IrpcReport(IRPC_SpinLockSafe, slot, "IoCompleteRequest while holding a spin lock");
    if (IRPC_THIS_CPU->irql > DISPATCH_LEVEL)
        IrpcReport(IRPC_CompletionIrql, slot, "IoCompleteRequest above DISPATCH_LEVEL");
    if (NT_ERROR(status) && PriorityBoost != IO_NO_INCREMENT)
        IrpcReport(IRPC_CompletionPriorityBoost, slot,
                   "IRP completed with an error status and a priority boost");
    check_cleanup(slot, Irp, caller);
    IRPC_FRAME *f = IrpcFrameFor(slot);
    if (f != NULL) {
        f->completed = TRUE;
        f->completed_status = status;
    }
    hand_to_walk(slot);
    return 1;
}

VOID IofCompleteRequest(PIRP Irp, KPRIORITY_BOOST PriorityBoost)
{
    const char *file;
    int line;
    IrpcTakeSite(&file, &line);
    IrpcUseSite(file, line);
    int slot = IrpcIrpSlot(Irp);
    if (slot < 0)
        return;
    if (!complete_begin(Irp, slot, PriorityBoost))
        return;
    complete_walk(slot);
    IrpcUseSite(file, line);
    IrpcSchedulePoint(IRPC_POINT_COMPLETE);
}

/* ---- cancel ---------------------------------------------------------------- */
PDRIVER_CANCEL (IoSetCancelRoutine)(PIRP Irp, PDRIVER_CANCEL CancelRoutine)
{
    IrpcEnter();
    PDRIVER_CANCEL old = Irp->CancelRoutine;
    Irp->CancelRoutine = CancelRoutine;
    int slot = IrpcIrpSlot(Irp);
    if (slot >= 0 && CancelRoutine != NULL)
        irpc.life[slot].cancel_dev = IrpcCurrentDevice();
    return old;
}

BOOLEAN IoCancelIrp(PIRP Irp)
{
    int slot = IrpcIrpSlot(Irp);
    if (slot < 0)
        return FALSE;
    if (irpc.life[slot].state == IRPC_ST_FREE) {
        IrpcReport(IRPC_IrpAccessAfterRelease, slot, "IoCancelIrp on a freed IRP");
        return FALSE;
    }
    KIRQL irql;
    IoAcquireCancelSpinLock(&irql);
    Irp->Cancel = TRUE;
    PDRIVER_CANCEL routine = Irp->CancelRoutine;
    Irp->CancelRoutine = NULL;
    IrpcTrace(IRPC_EV_CANCEL, IrpcCurrentDevice(), slot, 0, routine != NULL);
    if (routine == NULL) {
        IoReleaseCancelSpinLock(irql);
        return FALSE;
    }
    IRPC_LIFE *l = &irpc.life[slot];
    if (l->state == IRPC_ST_DONE || l->state == IRPC_ST_FREE ||
        Irp->CurrentLocation > Irp->StackCount + 1) {
        IrpcReport(IRPC_CompleteWithCancelRoutine, slot,
                   "IRP completed with its cancel routine set (bug check 0x48)");
        IoReleaseCancelSpinLock(irql);
        return FALSE;
    }
    Irp->CancelIrql = irql;
    PDEVICE_OBJECT dev = NULL;
    if (Irp->CurrentLocation >= 1 && Irp->CurrentLocation <= Irp->StackCount)
        dev = Irp->IrpcStack[Irp->CurrentLocation - 1].DeviceObject;
    int who = l->cancel_dev != IRPC_NOBODY ? l->cancel_dev : IrpcDeviceIndex(dev);
    IrpcTrace(IRPC_EV_CANCEL_ROUTINE, who, slot, 0, 0);
    IRPC_FRAME *f = IrpcPushFrame(IRPC_FRAME_CANCEL, who, slot);
    if (f == NULL) {
        IoReleaseCancelSpinLock(irql);
        return FALSE;
    }
    f->routine = (IRPC_ROUTINE)routine;
    routine(dev, Irp);   /* releases the cancel spin lock */
    IrpcPopFrame();
    return TRUE;
}
