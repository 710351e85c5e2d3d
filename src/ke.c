/*
 * ke.c - the kernel services the protocol leans on: IRQL, spin locks (with
 * the cancel spin lock), events and waits, DPCs, and the doubly linked
 * lists drivers queue IRPs on.  One processor is simulated; what another
 * processor would do concurrently runs at the scheduler's points.
 */
#include "irpc.h"
#include "irpc_internal.h"

/* ---- IRQL ----------------------------------------------------------------- */
KIRQL KeGetCurrentIrql(void)
{
    return IRPC_THIS_CPU->irql;
}

VOID KeRaiseIrql(KIRQL NewIrql, PKIRQL OldIrql)
{
    *OldIrql = IRPC_THIS_CPU->irql;
    IRPC_THIS_CPU->irql = NewIrql;
}

VOID KeLowerIrql(KIRQL NewIrql)
{
    IRPC_THIS_CPU->irql = NewIrql;
}

/* ---- lists ------------------------------------------------------------------ */
static int irp_of_entry(const LIST_ENTRY *e)
{
    for (int i = 0; i < IRPC_MAX_IRPS; i++)
        if (e == &irpc.irps[i].Tail.Overlay.ListEntry)
            return i;
    return -1;
}

static int irp_marked(int slot)
{
    const IRP *irp = &irpc.irps[slot];
    int k = irp->CurrentLocation;
    return k >= 1 && k <= irp->StackCount && (irp->IrpcStack[k - 1].Control & SL_PENDING_RETURNED);
}

VOID InitializeListHead(PLIST_ENTRY ListHead)
{
    ListHead->Flink = ListHead;
    ListHead->Blink = ListHead;
}

BOOLEAN IsListEmpty(const LIST_ENTRY *ListHead)
{
    return ListHead->Flink == ListHead;
}

static void note_queued(PLIST_ENTRY Entry, int queued)
{
    int slot = irp_of_entry(Entry);
    if (slot >= 0)
        irpc.life[slot].queued = queued;
}

VOID (InsertTailList)(PLIST_ENTRY ListHead, PLIST_ENTRY Entry)
{
    IrpcEnter();
    PLIST_ENTRY last = ListHead->Blink;
    Entry->Flink = ListHead;
    Entry->Blink = last;
    last->Flink = Entry;
    ListHead->Blink = Entry;
    note_queued(Entry, 1);
}

VOID (InsertHeadList)(PLIST_ENTRY ListHead, PLIST_ENTRY Entry)
{
    IrpcEnter();
    PLIST_ENTRY first = ListHead->Flink;
    Entry->Flink = first;
    Entry->Blink = ListHead;
    first->Blink = Entry;
    ListHead->Flink = Entry;
    note_queued(Entry, 1);
}

BOOLEAN RemoveEntryList(PLIST_ENTRY Entry)
{
    PLIST_ENTRY next = Entry->Flink;
    PLIST_ENTRY prev = Entry->Blink;
    prev->Flink = next;
    next->Blink = prev;
    note_queued(Entry, 0);
    return next == prev;
}

PLIST_ENTRY RemoveHeadList(PLIST_ENTRY ListHead)
{
    PLIST_ENTRY first = ListHead->Flink;
    RemoveEntryList(first);
    return first;
}

/* ---- spin locks ------------------------------------------------------------ */
VOID KeInitializeSpinLock(PKSPIN_LOCK SpinLock)
{
    *SpinLock = 0;
}

VOID KeAcquireSpinLock(PKSPIN_LOCK SpinLock, PKIRQL OldIrql)
{
    *OldIrql = IRPC_THIS_CPU->irql;
    if (*SpinLock != 0)
        IrpcReport(IRPC_DEADLOCK, -1, "spin lock acquired twice on one processor");
    IRPC_THIS_CPU->irql = DISPATCH_LEVEL;
    *SpinLock = 1;
    IRPC_THIS_CPU->locks_held++;
}

/* An IRP queued by a dispatch routine that is still running must be marked
 * pending before the lock that protects the queue is released. */
static void check_queued_marked(void)
{
    //@ assert MarkingQueuedIrps: MarkingQueuedIrps;
    for (int i = 0; i < IRPC_MAX_IRPS; i++)
        if (irpc.life[i].state != IRPC_ST_FREE && irpc.life[i].queued && !irp_marked(i) &&
            IrpcDispatchActiveFor(i))
            IrpcReport(IRPC_MarkingQueuedIrps, i,
                       "IRP queued and its queue lock released before it was marked pending");
}

VOID (KeReleaseSpinLock)(PKSPIN_LOCK SpinLock, KIRQL NewIrql)
{
    IrpcEnter();
    *SpinLock = 0;
    if (IRPC_THIS_CPU->locks_held > 0)
        IRPC_THIS_CPU->locks_held--;
    IRPC_THIS_CPU->irql = NewIrql;
    if (IRPC_THIS_CPU->locks_held == 0)
        check_queued_marked();
    IrpcSchedulePoint(IRPC_POINT_LOCK_RELEASE);
}

VOID IoAcquireCancelSpinLock(PKIRQL Irql)
{
    KeAcquireSpinLock(&irpc.cancel_lock, Irql);
}

VOID IoReleaseCancelSpinLock(KIRQL Irql)
{
    (KeReleaseSpinLock)(&irpc.cancel_lock, Irql);
}

/* ---- events --------------------------------------------------------------- */
VOID KeInitializeEvent(PKEVENT Event, EVENT_TYPE Type, BOOLEAN State)
{
    Event->Type = Type;
    Event->SignalState = State ? 1 : 0;
}

void IrpcSignal(PKEVENT event)
{
    event->SignalState = 1;
}

LONG (KeSetEvent)(PKEVENT Event, KPRIORITY_BOOST Increment, BOOLEAN Wait)
{
    IrpcEnter();
    UNREFERENCED_PARAMETER(Increment);
    UNREFERENCED_PARAMETER(Wait);
    LONG old = Event->SignalState;
    int dev = IrpcCurrentDevice();
    /*@ loop invariant 0 <= i <= IRPC_MAX_IRPS;
        loop assigns i;
        loop variant IRPC_MAX_IRPS - i;
    */
    for (int i = 0; i < IRPC_MAX_IRPS; i++)
        if (irpc.life[i].state != IRPC_ST_FREE && IrpcIsSyncKind(irpc.life[i].kind) &&
            irpc.irps[i].UserEvent == Event)
            IrpcReport(IRPC_IoBuildDeviceIoControlSetEvent, i,
                       "driver signalled the event of a synchronous IRP: the I/O manager does that");
    IRPC_FRAME *f = IrpcCurrentFrame();
    if (f != NULL && f->kind == IRPC_FRAME_COMPLETION)
        f->set_event = TRUE;
    IrpcTrace(IRPC_EV_SET_EVENT, dev, -1, 0, 0);
    IrpcSignal(Event);
    return old;
}

VOID KeClearEvent(PKEVENT Event)
{
    Event->SignalState = 0;
}

LONG KeReadStateEvent(PKEVENT Event)
{
    return Event->SignalState;
}

/* Waiting runs deferred work (what other processors would do) until the
 * event is signalled; with nothing left to run, it is a deadlock. */
NTSTATUS (KeWaitForSingleObject)(PVOID Object, KWAIT_REASON WaitReason, KPROCESSOR_MODE WaitMode,
                               BOOLEAN Alertable, PLARGE_INTEGER Timeout)
{
    IrpcEnter();
    UNREFERENCED_PARAMETER(WaitReason);
    UNREFERENCED_PARAMETER(WaitMode);
    UNREFERENCED_PARAMETER(Alertable);
    PKEVENT event = Object;
    IRPC_FRAME *f = IrpcCurrentFrame();
    const char *file;
    int line;
    IrpcCurrentSite(&file, &line);
    IrpcTrace(IRPC_EV_WAIT, IrpcCurrentDevice(), -1, 0, 0);
    while (event->SignalState == 0) {
        if (Timeout != NULL && Timeout->QuadPart == 0)
            return STATUS_TIMEOUT;
        /* while this thread is blocked, another processor may act (cancel
         * the request waited on, say), and that may signal the event */
        IrpcSchedulePoint(IRPC_POINT_WAIT);
        if (event->SignalState != 0)
            break;
        if (IrpcRunDeferred(1) == 0) {
            IrpcUseSite(file, line);
            IrpcReport(IRPC_DEADLOCK, -1, "wait on an event that nothing left can signal");
            return STATUS_UNSUCCESSFUL;
        }
    }
    if (f != NULL) {
        f->wait_owed = FALSE;
        if (f->sync_event_owed == event)
            f->sync_event_owed = NULL;
    }
    if (event->Type == SynchronizationEvent)
        event->SignalState = 0;
    return STATUS_SUCCESS;
}

/* ---- DPCs ---------------------------------------------------------------- */
VOID KeInitializeDpc(PKDPC Dpc, PKDEFERRED_ROUTINE DeferredRoutine, PVOID DeferredContext)
{
    Dpc->DeferredRoutine = DeferredRoutine;
    Dpc->DeferredContext = DeferredContext;
    Dpc->SystemArgument1 = NULL;
    Dpc->SystemArgument2 = NULL;
    Dpc->Inserted = FALSE;
}

static void check_handed_marked(PVOID arg)
{
    for (int i = 0; i < IRPC_MAX_IRPS; i++)
        if (arg == (PVOID)&irpc.irps[i] && irpc.life[i].state != IRPC_ST_FREE && !irp_marked(i) &&
            IrpcDispatchActiveFor(i))
            IrpcReport(IRPC_MarkingQueuedIrps, i, "DPC queued with an IRP not yet marked pending");
}

BOOLEAN (KeInsertQueueDpc)(PKDPC Dpc, PVOID SystemArgument1, PVOID SystemArgument2)
{
    IrpcEnter();
    if (Dpc->Inserted)
        return FALSE;
    check_handed_marked(SystemArgument1);
    check_handed_marked(SystemArgument2);
    Dpc->SystemArgument1 = SystemArgument1;
    Dpc->SystemArgument2 = SystemArgument2;
    Dpc->Inserted = TRUE;
    IrpcQueueDeferred(Dpc, IrpcCurrentDevice());
    IrpcSchedulePoint(IRPC_POINT_DPC_QUEUED);
    return TRUE;
}
