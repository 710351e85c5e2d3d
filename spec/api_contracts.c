/*
 * api_contracts.c - the contracts of the WDM-subset functions no proved
 * driver routine calls yet: IoReuseIrp, IoBuildSynchronousFsdRequest,
 * IoCancelIrp, the cancel spin lock, KeInitializeDpc and the list
 * operations other than InsertTailList.  The protocol's core contracts are
 * in wdm_contracts.h, which every source file includes; these are a
 * translation unit of their own (declarations only, never compiled into
 * the programs), parsed by the proof targets that prove or use them
 * (FILES in proofs/ke/, proofs/lists/) and by the runtime checker
 * (proofs/eacsl/build.sh).  So a contract here is not in the context of
 * every other target: those targets' inputs, records and goals are not
 * changed by it, and a driver proof that calls one of these functions
 * lists this file in its FILES.  Frama-C joins each contract to the
 * function's definition in src/.
 */
#include "irpc.h"

/* ---- IRPs: reuse, the synchronous FSD builder ---------------------------- */

/*@ // ASSUMED: IoReuseIrp (its body clears the stack locations through a
    // void *, IrpcZero, as IoAllocateIrp's does the whole IRP).  The caller's
    // obligations are IoFreeIrp's (may_release, proved in target free): only
    // the creator, only an IRP it created with IoAllocateIrp or
    // IoBuildAsynchronousFsdRequest, only while no driver holds it.  Then the
    // IRP is as its creator had it fresh: idle, its own, at the creator's
    // position, no location set up, with the status given.
    requires wf: Wf;
    requires pool: PoolIrp(Irp);
    requires IoBuildDeviceControlNoFree: IoBuildDeviceControlNoFree(Slot(Irp));
    requires IoBuildSynchronousFsdRequestNoFree: IoBuildSynchronousFsdRequestNoFree(Slot(Irp));
    requires IoAllocateFree: IoAllocateFree(Slot(Irp));
    assigns IRPC_SITES, irpc.irps[Slot(Irp)], irpc.life[Slot(Irp)];
    ensures reset: State(Slot(Irp)) == IRPC_ST_IDLE &&
      Owner(Slot(Irp)) == \old(Creator(Slot(Irp))) && Creator(Slot(Irp)) == \old(Creator(Slot(Irp))) &&
      Kind(Slot(Irp)) == \old(Kind(Slot(Irp))) &&
      irpc.life[Slot(Irp)].gen == \old(irpc.life[Slot(Irp)].gen) &&
      irpc.life[Slot(Irp)].queued == \old(irpc.life[Slot(Irp)].queued) &&
      irpc.life[Slot(Irp)].delivered == 0 && irpc.life[Slot(Irp)].freed == 0;
    ensures position: Irp->StackCount == \old(Irp->StackCount) &&
      Irp->CurrentLocation == Irp->StackCount + 1;
    ensures status: Irp->IoStatus.Status == Status && Irp->IoStatus.Information == 0 &&
      Irp->PendingReturned == 0 && Irp->Cancel == 0 && Irp->CancelRoutine == \null;
    ensures cleared: \forall integer k; 0 <= k < IRPC_MAX_STACK ==>
      Irp->IrpcStack[k].Control == 0 && Irp->IrpcStack[k].CompletionRoutine == \null;
    ensures Wf;
    ensures kept: irpc_cpu == \old(irpc_cpu) && FrameCount == \old(FrameCount) &&
      LocksHeld == \old(LocksHeld) && Irql == \old(Irql) && CurDev == \old(CurDev);
    ensures unchanged_life: \forall integer i; 0 <= i < IRPC_MAX_IRPS ==> i != Slot(Irp) ==>
      (State(i) == \old(State(i)) && Owner(i) == \old(Owner(i)) && Creator(i) == \old(Creator(i)) &&
       Kind(i) == \old(Kind(i)) && irpc.life[i].queued == \old(irpc.life[i].queued));
*/
VOID (IoReuseIrp)(PIRP Irp, NTSTATUS Status);

/*@ // ASSUMED: IoBuildSynchronousFsdRequest (build_irp, as for
    // IoBuildDeviceIoControlRequest): a synchronous read or write, the I/O
    // manager's to free (IoBuildSynchronousFsdRequestNoFree), whose event and
    // status block are the caller's.  No sample driver builds one, so only
    // what a caller needs to use it is stated (IoBuildDeviceIoControlRequest's
    // contract also says what it leaves of the other IRPs and the frame).
    requires wf: Wf;
    requires \valid_read(DeviceObject);
    requires StartingOffset == \null || \valid_read(StartingOffset);
    assigns irpc.irps[0 .. IRPC_MAX_IRPS - 1], irpc.life[0 .. IRPC_MAX_IRPS - 1], IRPC_TRACE;
    ensures Wf;
    ensures sync_irp: \result != \null ==>
      PoolIrp(\result) && Kind(Slot(\result)) == IRPC_KIND_SYNC_FSD && State(Slot(\result)) == IRPC_ST_IDLE &&
      Owner(Slot(\result)) == CurDev && Creator(Slot(\result)) == CurDev &&
      \result->UserEvent == Event && \result->UserIosb == IoStatusBlock && \result->CancelRoutine == \null &&
      \result->CurrentLocation == \result->StackCount + 1 && \result->StackCount == \old(DeviceObject->StackSize);
    ensures fresh: \result != \null ==>
      \forall integer i; 0 <= i < IRPC_MAX_IRPS ==> \old(Live(i)) ==> i != Slot(\result);
    ensures same_cpu: irpc_cpu == \old(irpc_cpu) && FrameCount == \old(FrameCount) &&
      LocksHeld == \old(LocksHeld) && Irql == \old(Irql) && CurDev == \old(CurDev);
*/
PIRP IoBuildSynchronousFsdRequest(ULONG MajorFunction, PDEVICE_OBJECT DeviceObject,
                                  PVOID Buffer, ULONG Length, PLARGE_INTEGER StartingOffset,
                                  PKEVENT Event, PIO_STATUS_BLOCK IoStatusBlock);

/* ---- cancel ---------------------------------------------------------------- */

/* The cancel spin lock: KeAcquireSpinLock on the I/O manager's one lock
 * (proved in target ke from KeAcquireSpinLock's contract). */
/*@ requires wf: Wf;
    requires \valid(OldIrql) && \separated(OldIrql, &irpc);
    requires LocksHeld < 2147483647;
    assigns *OldIrql, irpc.cancel_lock, irpc_mp.cpus[irpc_cpu].irql, irpc_mp.cpus[irpc_cpu].locks_held,
            irpc_findings[0 .. IRPC_MAX_FINDINGS - 1], irpc_finding_count, IRPC_TRACE;
    // (the formal is named OldIrql here: the logic Irql is the processor's)
    ensures *OldIrql == \old(Irql);
    ensures Irql == DISPATCH_LEVEL && LocksHeld == \old(LocksHeld) + 1 && irpc.cancel_lock == 1;
    ensures Wf;
    ensures marking: \old(MarkingQueuedIrps) ==> MarkingQueuedIrps;
*/
VOID IoAcquireCancelSpinLock(PKIRQL OldIrql);

/* The cancel spin lock's release: KeReleaseSpinLock on the I/O manager's
 * lock (proved in target ke from KeReleaseSpinLock's assumed contract). */
/*@ requires wf: Wf;
    requires LocksHeld > 0;
    requires MarkingQueuedIrps: LocksHeld == 1 ==> MarkingQueuedIrps;
    assigns irpc, irpc_mp.cpus[irpc_cpu], irpc_findings[0 .. IRPC_MAX_FINDINGS - 1],
            irpc_finding_count, IRPC_TRACE, IRPC_SITES;
    IRPC_DEFERRED_WORK_KEEPS
    // (the formal is named NewIrql here: the logic Irql is the processor's)
    ensures irql: Irql == NewIrql && LocksHeld == \old(LocksHeld) - 1;
*/
VOID IoReleaseCancelSpinLock(KIRQL NewIrql);

/*@ // ASSUMED: IoCancelIrp sets Cancel and, when the IRP has a cancel routine,
    // takes it and calls it (an indirect call: another driver's routine, in
    // a frame of its own, popped before the return) with the cancel spin
    // lock held, which the routine releases; deferred work may run at that
    // release.  The caller: the IRP is not freed (IrpAccessAfterRelease: any
    // thread may cancel an IRP it sent, it need not own it), IRQL at most
    // DISPATCH_LEVEL, and an IRP whose cancel routine is still set has not
    // been completed (CompleteWithCancelRoutine: the completer's rule, which
    // IoCancelIrp is where Windows finds it broken, bug check 0x48).
    requires wf: Wf;
    requires pool: PoolIrp(Irp);
    requires IrpAccessAfterRelease: Live(Slot(Irp));
    requires CompleteWithCancelRoutine: Irp->CancelRoutine != \null ==>
      (State(Slot(Irp)) != IRPC_ST_DONE && Irp->CurrentLocation <= Irp->StackCount + 1);
    requires irql: Irql <= DISPATCH_LEVEL && LocksHeld < 2147483647;
    assigns irpc, irpc_mp.cpus[irpc_cpu], irpc_findings[0 .. IRPC_MAX_FINDINGS - 1], irpc_finding_count,
            IRPC_TRACE, IRPC_SITES;
    ensures Wf;
    IRPC_FRAME_KEEPS
    ensures irql: Irql == \old(Irql) && LocksHeld == \old(LocksHeld);
    ensures called: \result != 0 ==> \old(Irp->CancelRoutine) != \null;
    ensures not_called: \old(Irp->CancelRoutine) == \null ==> \result == 0;
*/
BOOLEAN IoCancelIrp(PIRP Irp);

/* ---- DPCs ------------------------------------------------------------------ */

/*@ requires \valid(Dpc);
    assigns Dpc->DeferredRoutine, Dpc->DeferredContext, Dpc->SystemArgument1, Dpc->SystemArgument2,
            Dpc->Inserted;
    ensures Dpc->DeferredRoutine == DeferredRoutine && Dpc->DeferredContext == DeferredContext &&
      Dpc->SystemArgument1 == \null && Dpc->SystemArgument2 == \null && Dpc->Inserted == 0;
*/
VOID KeInitializeDpc(PKDPC Dpc, PKDEFERRED_ROUTINE DeferredRoutine, PVOID DeferredContext);

/* ---- lists ------------------------------------------------------------------- */

/* What the list operations of this file keep (InsertTailList's contract
 * states the same): the model, the caller's frame, IRQL and locks, the
 * generations and the pending marks (the links and `queued` are none of
 * them). */
#define IRPC_LIST_KEEPS \
    ensures Wf; \
    IRPC_FRAME_KEEPS \
    ensures locks: Irql == \old(Irql) && LocksHeld == \old(LocksHeld); \
    ensures unchanged_gen: \forall integer i; 0 <= i < IRPC_MAX_IRPS ==> \
      irpc.life[i].gen == \old(irpc.life[i].gen); \
    ensures unchanged_marks: \forall integer i; 0 <= i < IRPC_MAX_IRPS ==> \
      \old(Marked(&irpc.irps[i])) ==> Marked(&irpc.irps[i]);

/* An empty list: the head linked to itself (proved in target ke). */
/*@ requires \valid(ListHead);
    assigns ListHead->Flink, ListHead->Blink;
    ensures ListHead->Flink == ListHead && ListHead->Blink == ListHead;
*/
VOID InitializeListHead(PLIST_ENTRY ListHead);

/*@ requires \valid_read(ListHead);
    assigns \nothing;
    ensures empty: \result != 0 <==> ListHead->Flink == ListHead;
*/
BOOLEAN IsListEmpty(const LIST_ENTRY *ListHead);

/*@ // ASSUMED: InsertHeadList, as InsertTailList at the other end.
    requires wf: Wf;
    requires \valid(ListHead) && \valid(Entry) && \valid(ListHead->Flink);
    assigns ListHead->Flink, ListHead->Flink->Blink, Entry->Flink, Entry->Blink,
            irpc.life[0 .. IRPC_MAX_IRPS - 1].queued, IRPC_SITES;
    ensures queued: \forall integer i; 0 <= i < IRPC_MAX_IRPS ==> irpc.life[i].queued ==
      (Entry == &irpc.irps[i].Tail.Overlay.ListEntry ? 1 : \old(irpc.life[i].queued));
    // MarkingQueuedIrps still holds when the IRP queued was marked
    ensures marking: \old(MarkingQueuedIrps) &&
      (\forall integer i; 0 <= i < IRPC_MAX_IRPS ==>
         Entry == &irpc.irps[i].Tail.Overlay.ListEntry ==> \old(Marked(&irpc.irps[i]))) ==>
      MarkingQueuedIrps;
    IRPC_LIST_KEEPS
*/
VOID (InsertHeadList)(PLIST_ENTRY ListHead, PLIST_ENTRY Entry);

/*@ // ASSUMED: RemoveEntryList unlinks Entry (two pointer writes through its
    // neighbours) and clears the queued mark of the IRP whose list entry
    // Entry is (note_queued finds it by comparing addresses, as IrpcIrpSlot
    // does, whose invariant did not prove there).
    requires wf: Wf;
    requires \valid(Entry) && \valid(Entry->Flink) && \valid(Entry->Blink);
    assigns Entry->Blink->Flink, Entry->Flink->Blink, irpc.life[0 .. IRPC_MAX_IRPS - 1].queued;
    ensures empty: \result != 0 <==> \old(Entry->Flink) == \old(Entry->Blink);
    ensures unqueued: \forall integer i; 0 <= i < IRPC_MAX_IRPS ==> irpc.life[i].queued ==
      (Entry == &irpc.irps[i].Tail.Overlay.ListEntry ? 0 : \old(irpc.life[i].queued));
    // (a mark cleared cannot break MarkingQueuedIrps: it reads `queued` only
    // as the premise)
    ensures marking: \old(MarkingQueuedIrps) ==> MarkingQueuedIrps;
    IRPC_LIST_KEEPS
*/
BOOLEAN RemoveEntryList(PLIST_ENTRY Entry);

/* The first entry taken off the list (proved in target ke from
 * RemoveEntryList's contract). */
/*@ requires wf: Wf;
    requires \valid(ListHead) && \valid(ListHead->Flink) &&
      \valid(ListHead->Flink->Flink) && \valid(ListHead->Flink->Blink);
    assigns ListHead->Flink->Blink->Flink, ListHead->Flink->Flink->Blink,
            irpc.life[0 .. IRPC_MAX_IRPS - 1].queued;
    ensures first: \result == \old(ListHead->Flink);
    ensures unqueued: \forall integer i; 0 <= i < IRPC_MAX_IRPS ==> irpc.life[i].queued ==
      (\result == &irpc.irps[i].Tail.Overlay.ListEntry ? 0 : \old(irpc.life[i].queued));
    ensures marking: \old(MarkingQueuedIrps) ==> MarkingQueuedIrps;
    IRPC_LIST_KEEPS
*/
PLIST_ENTRY RemoveHeadList(PLIST_ENTRY ListHead);
