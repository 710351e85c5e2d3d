/*
 * spec/wdm_contracts.h - the WDM API as a driver sees it: ACSL contracts on
 * the prototypes of src/include/wdm.h (redeclared here, the names in
 * parentheses so the call-site macros do not expand), and the role
 * contracts every DRIVER_DISPATCH and IO_COMPLETION_ROUTINE carries.
 *
 * requires = the caller's obligations, each clause named after the rule id
 *            it states (spec/irp_rules.h);
 * ensures  = what the caller may rely on afterwards.
 *
 * Which of these contracts WP proves against the reference implementation,
 * and which are assumed (body not proved), is listed in proofs/ASSUMPTIONS.md
 * and proofs/targets/.  Included at the end of src/include/irpc.h; comments
 * only, apart from the extern declarations of the call-site variables.
 */
#ifndef IRPC_SPEC_WDM_CONTRACTS_H
#define IRPC_SPEC_WDM_CONTRACTS_H

/* call sites (defined in irpc_core.c): recorded by IrpcSetSite, then moved
 * to the report site by the routine that begins */
extern const char *irpc_site_file;
extern int irpc_site_line;
extern const char *irpc_report_file;
extern int irpc_report_line;

#include "irp_rules.h"

#define IRPC_SITES irpc_site_file, irpc_site_line, irpc_report_file, irpc_report_line
#define IRPC_TRACE irpc_events[0 .. IRPC_MAX_EVENTS - 1], irpc_event_count

/*@
  predicate TraceOk = 0 <= irpc_event_count <= IRPC_MAX_EVENTS;

  // the whole state is well formed: processors, trace, every live IRP
  predicate Wf = CpuOk && TraceOk &&
    (\forall integer c; 0 <= c < IRPC_MAX_CPUS ==>
       0 <= irpc_mp.cpus[c].frame_count <= IRPC_MAX_FRAMES && 0 <= irpc_mp.cpus[c].locks_held) &&
    (\forall integer i; 0 <= i < IRPC_MAX_IRPS ==> Live(i) ==>
       StackShape(&irpc.irps[i]) && irpc.life[i].freed == 0);

  // the status block of an IRP lies apart from the scalar globals the
  // contracts update (WP's Typed model puts every int in one memory chunk)
  predicate IrpApart(IRP *irp) =
    \separated(&irp->IoStatus, &irpc_site_line, &irpc_report_line, &irpc_event_count,
               &irpc_mp, &irpc.life[0 .. IRPC_MAX_IRPS - 1]);

  // ---- role contracts ------------------------------------------------------
  // A dispatch routine is entered by IoCallDriver: its frame is the
  // innermost one, fresh, for this IRP; the IRP is in the stack, owned by
  // the routine's device, at a current location; no spin lock is held.
  predicate DispatchEntry(IRP *Irp) =
    Wf && PoolIrp(Irp) && IrpApart(Irp) && FrameCount > 0 && FrameFor(Slot(Irp)) &&
    CurFrame->kind == IRPC_FRAME_DISPATCH &&
    CurFrame->marked == 0 && CurFrame->completed == 0 && CurFrame->forwarded == 0 &&
    CurFrame->wait_owed == 0 && CurFrame->sync_event_owed == \null &&
    State(Slot(Irp)) == IRPC_ST_ACTIVE && Owns(Slot(Irp), CurDev) && CurDev >= 0 &&
    HasCurrent(Irp) && Irp->CancelRoutine == \null &&
    LocksHeld == 0 && Irql <= DISPATCH_LEVEL &&
    Creator(Slot(Irp)) != CurDev &&
    // at the top location of a created IRP, the creator registered its
    // routine for all three outcomes (IoCallDriver checked it)
    (Irp->CurrentLocation == Irp->StackCount && CreatedKind(Kind(Slot(Irp))) ==>
       (Irp->IrpcStack[Irp->StackCount - 1].CompletionRoutine != \null &&
        (Irp->IrpcStack[Irp->StackCount - 1].Control & 0xE0) == 0xE0));

  // A dispatch routine for slot s has just returned: its frame is the
  // innermost one (the I/O manager states the role contract there).
  predicate DispatchReturnFrame(integer s) =
    FrameCount > 0 && CurFrame->kind == IRPC_FRAME_DISPATCH && CurFrame->irp == s;

  // A completion routine is entered by the walk of IoCompleteRequest, whose
  // caller established the status and lock rules; its frame is fresh.
  predicate CompletionEntry(IRP *Irp) =
    Wf && PoolIrp(Irp) && IrpApart(Irp) && FrameCount > 0 && FrameFor(Slot(Irp)) &&
    CurFrame->kind == IRPC_FRAME_COMPLETION &&
    CurFrame->marked == 0 && CurFrame->completed == 0 && CurFrame->set_event == 0 &&
    CurFrame->wait_owed == 0 &&
    State(Slot(Irp)) == IRPC_ST_WALKING && Owner(Slot(Irp)) == CurDev &&
    CompleteRequestStatusCheck(Irp) && Irp->CancelRoutine == \null &&
    LocksHeld == 0 && Irql <= DISPATCH_LEVEL &&
    CurFrame->irql_at_entry == Irql;
*/

/*@ // ---- reclaiming an IRP: a routine that stops completion ----------------
  // Facts about a completion routine's code, one assumption per routine:
  // a dispatch routine that relies on one requires it of its own routine
  // (an environment precondition, proofs/ASSUMPTIONS.md), justified by that
  // routine's contract proved in the same target.  No axiom: nothing else
  // is known of them.
  axiomatic RoutineFacts {
    // every call of r returns STATUS_MORE_PROCESSING_REQUIRED and leaves its
    // IRP passing CompleteRequestStatusCheck, with no cancel routine
    predicate StopsCompletion(PIO_COMPLETION_ROUTINE r);
    // every call of r sets the SignalState of its context, an event, to 1
    predicate SignalsContext(PIO_COMPLETION_ROUTINE r);
  }

  // the caller of IoCallDriver, device dev, sits at the IRP's current
  // location and registered in the next one, for all three outcomes, a
  // routine that stops completion: the walk reclaims the IRP for dev there
  predicate ReclaimSet(IRP *irp, integer dev) =
    2 <= irp->CurrentLocation <= irp->StackCount &&
    CurLoc(irp)->DeviceObject == &irpc.devices[dev] && Creator(Slot(irp)) != dev &&
    NextLoc(irp)->CompletionRoutine != \null && StopsCompletion(NextLoc(irp)->CompletionRoutine) &&
    (NextLoc(irp)->Control & (SL_INVOKE_ON_SUCCESS | SL_INVOKE_ON_ERROR | SL_INVOKE_ON_CANCEL)) ==
      (SL_INVOKE_ON_SUCCESS | SL_INVOKE_ON_ERROR | SL_INVOKE_ON_CANCEL);

  // the IRP (generation gen) is back with dev, stopped at a current
  // location, ready to be completed again
  predicate Reclaimed(IRP *irp, integer dev, integer gen) =
    irpc.life[Slot(irp)].gen == gen && State(Slot(irp)) == IRPC_ST_STOPPED &&
    Owner(Slot(irp)) == dev && Creator(Slot(irp)) != dev && HasCurrent(irp) &&
    CompleteRequestStatusCheck(irp) && irp->CancelRoutine == \null;

  // the reclaim is owed on event ev: done already, or the walk has not yet
  // left location k - 1, where dev's routine (which stops completion and
  // signals ev, its context) waits for all three outcomes, and ev is not
  // signalled (only that routine signals it)
  predicate ReclaimOwed(IRP *irp, integer dev, integer gen, KEVENT *ev) =
    Reclaimed(irp, dev, gen) ||
    (irpc.life[Slot(irp)].gen == gen && Creator(Slot(irp)) != dev && ev->SignalState == 0 &&
     \exists integer k; 2 <= k <= irp->StackCount && irp->CurrentLocation < k &&
       irp->IrpcStack[k - 1].DeviceObject == &irpc.devices[dev] &&
       irp->IrpcStack[k - 2].CompletionRoutine != \null &&
       StopsCompletion(irp->IrpcStack[k - 2].CompletionRoutine) &&
       SignalsContext(irp->IrpcStack[k - 2].CompletionRoutine) &&
       irp->IrpcStack[k - 2].Context == ev &&
       (irp->IrpcStack[k - 2].Control & (SL_INVOKE_ON_SUCCESS | SL_INVOKE_ON_ERROR | SL_INVOKE_ON_CANCEL)) ==
         (SL_INVOKE_ON_SUCCESS | SL_INVOKE_ON_ERROR | SL_INVOKE_ON_CANCEL));

  // device dev owns no queued IRP (a driver that never queues: it calls no
  // InsertTailList & co., which set `queued`); carries CleanupCompletesQueued
  // at its IoCompleteRequest call sites
  predicate QueuesNothing(integer dev) =
    \forall integer i; 0 <= i < IRPC_MAX_IRPS ==> Live(i) ==> Owner(i) == dev ==>
      irpc.life[i].queued == 0;

  // a status that CompleteRequestStatusCheck accepts: neither
  // STATUS_PENDING nor the uninitialised marker
  predicate StatusSet(integer st) = st != STATUS_PENDING && st != (NTSTATUS)0xFFFFFFFF;

  // the caller (the innermost frame's device) created irp, a synchronous
  // IRP with an event: it owes the wait on that event after STATUS_PENDING
  predicate OwesSyncEvent(IRP *irp) =
    SyncKind(Kind(Slot(irp))) && Creator(Slot(irp)) == CurDev && irp->UserEvent != \null;

  // slot i is the IRP of the innermost frame, which its routine holds: not
  // marked pending, ACTIVE, owned by the frame's device, no cancel routine
  predicate FrameIrpHeld(integer i) =
    FrameCount > 0 && CurFrame->marked == 0 && FrameFor(i) &&
    State(i) == IRPC_ST_ACTIVE && Owner(i) == CurFrame->dev &&
    irpc.irps[i].CancelRoutine == \null;
*/

/* A device extension lies in the I/O manager's extension pool, apart from
 * the IRPs, life records, processors and trace the contracts speak of. */
#define IRPC_EXT_APART(e) \
    \separated(e, &irpc_mp.cpus[0 .. IRPC_MAX_CPUS - 1], &irpc.life[0 .. IRPC_MAX_IRPS - 1], \
               &irpc.irps[0 .. IRPC_MAX_IRPS - 1], &irpc_event_count, \
               &irpc_events[0 .. IRPC_MAX_EVENTS - 1], &irpc_site_line, &irpc_report_line)

/* What every dispatch routine guarantees (P2 at routine level), as named
 * clauses, so a failed goal names its rule.  Used as
 *   requires DispatchEntry(Irp);  IRPC_DISPATCH_ROLE  */
#define IRPC_DISPATCH_ROLE \
    ensures MarkIrpPending: MarkIrpPending(CurFrame, \result); \
    ensures MarkIrpPending2: MarkIrpPending2(CurFrame, \result); \
    ensures PendedCompletedRequest: PendedCompletedRequest(CurFrame, \result); \
    ensures LowerDriverReturn: LowerDriverReturn(CurFrame, \result); \
    ensures StatusMismatch: StatusMismatch(CurFrame, \result); \
    ensures IoBuildDeviceControlWait: IoBuildDeviceControlWait(CurFrame); \
    ensures frame_kept: FrameCount == \old(FrameCount) && irpc_cpu == \old(irpc_cpu);

/* A helper a dispatch routine hands its IRP to, which completes it (or
 * queues it) and returns the status it completed with: entered with the IRP
 * already completed, the IRP is completed twice; entered with it marked
 * pending, a status other than STATUS_PENDING is returned for a marked IRP.
 * Both are implied by DispatchEntry; stated first and named, so that a
 * caller that breaks them fails on the rule's name (WP's goal, the runtime
 * checker's clause) before DispatchEntry as a whole.  Used as
 *   IRPC_DISPATCH_HELPER_FRESH  requires DispatchEntry(Irp);  IRPC_DISPATCH_ROLE  */
#define IRPC_DISPATCH_HELPER_FRESH \
    requires DoubleCompletion: FrameCount > 0 && CurFrame->completed == 0; \
    requires MarkIrpPending: FrameCount > 0 && CurFrame->marked == 0;

/* The three invoke bits of two Control values agree, one bit test each
 * (the provers decide single bit tests; they do not get (a & 0xE0) ==
 * (b & 0xE0) from (a & 0xFE) == (b & 0xFE), nor a bit from a mask, nor
 * (c | 1) & 0xFE == c & 0xFE). */
#define IRPC_INVOKE_KEPT(a, b) \
    (((a) & SL_INVOKE_ON_SUCCESS) == ((b) & SL_INVOKE_ON_SUCCESS) && \
     ((a) & SL_INVOKE_ON_ERROR) == ((b) & SL_INVOKE_ON_ERROR) && \
     ((a) & SL_INVOKE_ON_CANCEL) == ((b) & SL_INVOKE_ON_CANCEL))

/*@ // the same as a predicate: IoMarkIrpPending's `control` states it
  // folded, so the bit tests enter a caller's goals only where one needs
  // them (unfolded in every goal, they made cvc4 time out on a completion
  // routine's CompletionIrql, which has nothing to do with them)
  predicate InvokeBitsKept(integer a, integer b) = IRPC_INVOKE_KEPT(a, b);
*/

/* What a completion routine that lets completion continue leaves of the
 * walk: the IRP alive at its generation, WALKING, where it was, with the
 * same owner, kind, creator, counters, request, stack size, status block
 * and event, a status passing CompleteRequestStatusCheck and no cancel
 * routine (goes_on); every location's routine and invoke bits as they were,
 * every other location's Control as it was
 * (goes_on_locations, a clause of its own: the runtime checker cannot
 * execute it, and checks goes_on).  The walk's call of a routine
 * (run_completion, src/iomgr.c) assumes it; each sample routine proves it
 * as part of IRPC_COMPLETION_ROLE. */
#define IRPC_COMPLETION_GOES_ON(irp) \
    ensures goes_on: \result != STATUS_MORE_PROCESSING_REQUIRED ==> \
      (irpc.life[Slot(irp)].gen == \old(irpc.life[Slot(irp)].gen) && \
       State(Slot(irp)) == IRPC_ST_WALKING && Owner(Slot(irp)) == \old(Owner(Slot(irp))) && \
       Kind(Slot(irp)) == \old(Kind(Slot(irp))) && Creator(Slot(irp)) == \old(Creator(Slot(irp))) && \
       irpc.life[Slot(irp)].delivered == \old(irpc.life[Slot(irp)].delivered) && \
       irpc.life[Slot(irp)].request == \old(irpc.life[Slot(irp)].request) && \
       irp->StackCount == \old(irp->StackCount) && \
       irp->CurrentLocation == \old(irp->CurrentLocation) && \
       irp->UserIosb == \old(irp->UserIosb) && irp->UserEvent == \old(irp->UserEvent) && \
       CompleteRequestStatusCheck(irp) && irp->CancelRoutine == \null); \
    ensures goes_on_locations: \result != STATUS_MORE_PROCESSING_REQUIRED ==> \
       (\forall integer j; 0 <= j < irp->StackCount ==> \
          irp->IrpcStack[j].CompletionRoutine == \old(irp->IrpcStack[j].CompletionRoutine) && \
          IRPC_INVOKE_KEPT(irp->IrpcStack[j].Control, \old(irp->IrpcStack[j].Control)) && \
          (j != irp->CurrentLocation - 1 ==> \
             irp->IrpcStack[j].Control == \old(irp->IrpcStack[j].Control)));

/* What a completion routine keeps of the walk's state: the model well
 * formed, its own frame (the walk pops it), no spin lock held.  The walk's
 * call of a routine (run_completion) assumes it; each sample routine proves
 * it as part of IRPC_COMPLETION_ROLE. */
#define IRPC_COMPLETION_KEEPS \
    ensures Wf; \
    ensures frame: irpc_cpu == \old(irpc_cpu) && FrameCount == \old(FrameCount) && \
      CurFrame->kind == \old(CurFrame->kind) && CurFrame->dev == \old(CurFrame->dev) && \
      CurFrame->irp == \old(CurFrame->irp) && CurFrame->gen == \old(CurFrame->gen) && \
      CurFrame->irql_at_entry == \old(CurFrame->irql_at_entry); \
    ensures locks: LocksHeld == 0;

/* What every completion routine guarantees. */
#define IRPC_COMPLETION_ROLE \
    ensures CompletionRoutinePending: CompletionRoutinePending(Irp, \result); \
    ensures CompletionEventChecking: CompletionEventChecking(CurFrame); \
    ensures CompletionIrql: CompletionIrqlRoutine(CurFrame); \
    ensures frame_kept: FrameCount == \old(FrameCount) && irpc_cpu == \old(irpc_cpu); \
    IRPC_COMPLETION_KEEPS \
    IRPC_COMPLETION_GOES_ON(Irp)

/* A creator's routine for an IRP it created also stops completion. */
#define IRPC_CREATOR_ROUTINE_ROLE \
    ensures AllocatedIrpMustStop: AllocatedIrpMustStop(\old(Kind(Slot(Irp))), 1, \result);

/* ---- the reporting function and the trace --------------------------- */

/*@ // Reaching IrpcReport with a rule id is a violation of that rule: in a
    // proof, each clause below is the goal "this check never fires when the
    // protocol is obeyed".  IRPC_DEADLOCK (resource exhaustion, a wait nothing
    // can satisfy) is not a rule and carries no clause.
    requires DoubleCompletion: rule != IRPC_DoubleCompletion;
    requires CompleteRequest: rule != IRPC_CompleteRequest;
    requires IrpAccessAfterRelease: rule != IRPC_IrpAccessAfterRelease;
    requires IrpProcessingComplete: rule != IRPC_IrpProcessingComplete;
    requires CleanupCompletesQueued: rule != IRPC_CleanupCompletesQueued;
    requires OriginatorNotifiedOnce: rule != IRPC_OriginatorNotifiedOnce;
    requires MarkIrpPending: rule != IRPC_MarkIrpPending;
    requires MarkIrpPending2: rule != IRPC_MarkIrpPending2;
    requires PendedCompletedRequest: rule != IRPC_PendedCompletedRequest;
    requires LowerDriverReturn: rule != IRPC_LowerDriverReturn;
    requires StatusMismatch: rule != IRPC_StatusMismatch;
    requires CompleteRequestStatusCheck: rule != IRPC_CompleteRequestStatusCheck;
    requires CompletionRoutinePending: rule != IRPC_CompletionRoutinePending;
    requires CompletionEventChecking: rule != IRPC_CompletionEventChecking;
    requires MarkingQueuedIrps: rule != IRPC_MarkingQueuedIrps;
    requires PendingReturnedConsistency: rule != IRPC_PendingReturnedConsistency;
    requires IoAllocateForward: rule != IRPC_IoAllocateForward;
    requires IoAllocateComplete: rule != IRPC_IoAllocateComplete;
    requires AllocatedIrpMustStop: rule != IRPC_AllocatedIrpMustStop;
    requires IoAllocateFree: rule != IRPC_IoAllocateFree;
    requires IoBuildDeviceControlNoFree: rule != IRPC_IoBuildDeviceControlNoFree;
    requires IoBuildSynchronousFsdRequestNoFree: rule != IRPC_IoBuildSynchronousFsdRequestNoFree;
    requires IoBuildDeviceControlWait: rule != IRPC_IoBuildDeviceControlWait;
    requires IoBuildDeviceIoControlSetEvent: rule != IRPC_IoBuildDeviceIoControlSetEvent;
    requires AllocatedIrpLeak: rule != IRPC_AllocatedIrpLeak;
    requires SpinLockSafe: rule != IRPC_SpinLockSafe;
    requires CompleteWithCancelRoutine: rule != IRPC_CompleteWithCancelRoutine;
    requires NoNextStackLocation: rule != IRPC_NoNextStackLocation;
    requires CompletionIrql: rule != IRPC_CompletionIrql;
    requires CompletionPriorityBoost: rule != IRPC_CompletionPriorityBoost;
    requires TraceOk;
    assigns irpc_findings[0 .. IRPC_MAX_FINDINGS - 1], irpc_finding_count, IRPC_TRACE;
    ensures TraceOk;
*/
void IrpcReport(int rule, int irp, const char *message);

/*@ requires TraceOk;
    assigns IRPC_TRACE;
    ensures TraceOk;
*/
void IrpcTrace(int kind, int dev, int irp, NTSTATUS status, int aux);

/*@ assigns irpc_site_file, irpc_site_line;
    ensures irpc_site_file == File && irpc_site_line == Line;
*/
void IrpcSetSite(const char *File, int Line);

/*@ assigns \nothing;
    behavior pool:
      assumes PoolIrp((IRP *)irp);
      ensures ValidSlot(\result) && irp == &irpc.irps[\result];
    behavior other:
      assumes !PoolIrp((IRP *)irp);
      ensures \result == -1;
    complete behaviors;
    disjoint behaviors;
*/
int IrpcIrpSlot(const IRP *irp);

/*@ requires CpuOk;
    assigns \nothing;
    ensures \result == CurDev;
*/
int IrpcCurrentDevice(void);

/*@ requires CpuOk;
    assigns \nothing;
    ensures FrameCount > 0 ==> \result == CurFrame;
    ensures FrameCount <= 0 ==> \result == \null;
*/
IRPC_FRAME *IrpcCurrentFrame(void);

/* ---- the stack operations ------------------------------------------- */

/*@ requires wf: Wf;
    requires pool: PoolIrp(Irp);
    requires IrpAccessAfterRelease: IrpAccessAfterRelease(Slot(Irp));
    assigns IRPC_SITES;
    ensures current: HasCurrent(Irp) ==> \result == CurLoc(Irp);
    ensures \valid(\result);
*/
PIO_STACK_LOCATION (IoGetCurrentIrpStackLocation)(PIRP Irp);

/*@ requires wf: Wf;
    requires pool: PoolIrp(Irp);
    requires IrpAccessAfterRelease: IrpAccessAfterRelease(Slot(Irp));
    requires NoNextStackLocation: NoNextStackLocation(Irp);
    assigns IRPC_SITES;
    ensures \result == NextLoc(Irp) && \valid(\result);
*/
PIO_STACK_LOCATION (IoGetNextIrpStackLocation)(PIRP Irp);

/*@ requires wf: Wf;
    requires pool: PoolIrp(Irp);
    requires IrpAccessAfterRelease: IrpAccessAfterRelease(Slot(Irp));
    requires NoNextStackLocation: NoNextStackLocationSkip(Irp);
    assigns IRPC_SITES, Irp->CurrentLocation;
    ensures Irp->CurrentLocation == \old(Irp->CurrentLocation) + 1;
    ensures HasNext(Irp);
    ensures Wf;
*/
VOID (IoSkipCurrentIrpStackLocation)(PIRP Irp);

/*@ requires wf: Wf;
    requires pool: PoolIrp(Irp);
    requires IrpAccessAfterRelease: IrpAccessAfterRelease(Slot(Irp));
    requires NoNextStackLocation: NoNextStackLocationCopy(Irp);
    assigns IRPC_SITES,
            NextLoc(Irp)->MajorFunction, NextLoc(Irp)->MinorFunction, NextLoc(Irp)->Flags,
            NextLoc(Irp)->Control, NextLoc(Irp)->Parameters, NextLoc(Irp)->DeviceObject,
            NextLoc(Irp)->FileObject;
    ensures NextLoc(Irp)->MajorFunction == CurLoc(Irp)->MajorFunction;
    ensures NextLoc(Irp)->FileObject == CurLoc(Irp)->FileObject;
    ensures NextLoc(Irp)->Control == 0;
    ensures Wf;
    // the caller's frame is kept (restated from the assigns clause, so a
    // caller need not re-derive it)
    ensures kept: irpc_cpu == \old(irpc_cpu) && FrameCount == \old(FrameCount);
    ensures frame_kept: FrameCount > 0 ==>
      (CurFrame->marked == \old(SafeFrame->marked) &&
       CurFrame->completed == \old(SafeFrame->completed) &&
       CurFrame->sync_event_owed == \old(SafeFrame->sync_event_owed));
    ensures frame_for: \old(FrameFor(Slot(Irp))) ==> FrameFor(Slot(Irp));
*/
VOID (IoCopyCurrentIrpStackLocationToNext)(PIRP Irp);

/*@ requires wf: Wf;
    requires pool: PoolIrp(Irp);
    requires IrpAccessAfterRelease: IrpAccessAfterRelease(Slot(Irp));
    requires NoNextStackLocation: NoNextStackLocation(Irp);
    assigns IRPC_SITES, NextLoc(Irp)->CompletionRoutine, NextLoc(Irp)->Context,
            NextLoc(Irp)->Control;
    ensures NextLoc(Irp)->CompletionRoutine == CompletionRoutine;
    ensures NextLoc(Irp)->Context == Context;
    ensures all_three: (InvokeOnSuccess != 0 && InvokeOnError != 0 && InvokeOnCancel != 0) ==>
      NextLoc(Irp)->Control == (SL_INVOKE_ON_SUCCESS | SL_INVOKE_ON_ERROR | SL_INVOKE_ON_CANCEL);
    ensures Wf;
    // the caller's frame is kept (restated from the assigns clause, so a
    // caller need not re-derive it)
    ensures kept: irpc_cpu == \old(irpc_cpu) && FrameCount == \old(FrameCount);
    ensures frame_kept: FrameCount > 0 ==>
      (CurFrame->marked == \old(SafeFrame->marked) &&
       CurFrame->completed == \old(SafeFrame->completed) &&
       CurFrame->sync_event_owed == \old(SafeFrame->sync_event_owed));
    ensures frame_for: \old(FrameFor(Slot(Irp))) ==> FrameFor(Slot(Irp));
*/
VOID (IoSetCompletionRoutine)(PIRP Irp, PIO_COMPLETION_ROUTINE CompletionRoutine, PVOID Context,
                              BOOLEAN InvokeOnSuccess, BOOLEAN InvokeOnError, BOOLEAN InvokeOnCancel);

/*@ requires wf: Wf;
    requires pool: PoolIrp(Irp);
    requires IrpAccessAfterRelease: IrpAccessAfterRelease(Slot(Irp));
    requires CompletionRoutinePending: CreatorDoesNotMark(Irp);
    assigns IRPC_SITES, IRPC_TRACE, CurLoc(Irp)->Control, CurFrame->marked;
    ensures marked: Marked(Irp);
    ensures frame: \old(FrameFor(Slot(Irp))) ==> CurFrame->marked == 1;
    ensures Wf;
    ensures marking: \old(MarkingQueuedIrps) ==> MarkingQueuedIrps;
    // the mark is SL_PENDING_RETURNED alone: the location's other bits (its
    // routine's invoke bits) are kept (a continuing completion routine's
    // goes_on_locations, IRPC_COMPLETION_GOES_ON)
    // the processor and the caller's frame but its mark are kept (restated
    // from the assigns clause, for a completion routine's role)
    ensures irql: irpc_cpu == \old(irpc_cpu) && FrameCount == \old(FrameCount) &&
      Irql == \old(Irql) && LocksHeld == \old(LocksHeld);
    ensures frame_kept: FrameCount > 0 ==>
      (CurFrame->kind == \old(SafeFrame->kind) && CurFrame->dev == \old(SafeFrame->dev) &&
       CurFrame->irp == \old(SafeFrame->irp) && CurFrame->gen == \old(SafeFrame->gen) &&
       CurFrame->set_event == \old(SafeFrame->set_event) &&
       CurFrame->irql_at_entry == \old(SafeFrame->irql_at_entry));
    ensures control: InvokeBitsKept(CurLoc(Irp)->Control, \old(CurLoc(Irp)->Control));
*/
VOID (IoMarkIrpPending)(PIRP Irp);

/* ---- freeing ----------------------------------------------------------- */

/*@ requires wf: Wf;
    requires pool: PoolIrp(Irp);
    // the kind first: a synchronous IRP is never the driver's to free
    requires IoBuildDeviceControlNoFree: IoBuildDeviceControlNoFree(Slot(Irp));
    requires IoBuildSynchronousFsdRequestNoFree: IoBuildSynchronousFsdRequestNoFree(Slot(Irp));
    requires IoAllocateFree: IoAllocateFree(Slot(Irp));
    assigns IRPC_SITES, IRPC_TRACE, irpc.life[Slot(Irp)].freed, irpc.life[Slot(Irp)].state;
    ensures freed: State(Slot(Irp)) == IRPC_ST_FREE;
    ensures once: irpc.life[Slot(Irp)].freed == \old(irpc.life[Slot(Irp)].freed) + 1;
    ensures Wf;
    // the frame condition restated as facts a caller can use directly (WP
    // would otherwise re-derive them from the assigns clause in the caller's
    // much larger context)
    ensures kept: irpc_cpu == \old(irpc_cpu) && FrameCount == \old(FrameCount) &&
      LocksHeld == \old(LocksHeld) && CurDev == \old(CurDev);
    ensures frame_kept: FrameCount > 0 ==>
      (CurFrame->kind == \old(SafeFrame->kind) && CurFrame->irp == \old(SafeFrame->irp) &&
       CurFrame->dev == \old(SafeFrame->dev) && CurFrame->gen == \old(SafeFrame->gen) &&
       CurFrame->irql_at_entry == \old(SafeFrame->irql_at_entry));
    ensures unchanged_life: \forall integer i; 0 <= i < IRPC_MAX_IRPS ==> i != Slot(Irp) ==>
      (State(i) == \old(State(i)) && Owner(i) == \old(Owner(i)) && Creator(i) == \old(Creator(i)) &&
       Kind(i) == \old(Kind(i)) && irpc.life[i].queued == \old(irpc.life[i].queued));
*/
VOID (IoFreeIrp)(PIRP Irp);

/* ---- cancel -------------------------------------------------------------- */

/*@ requires wf: Wf;
    requires pool: PoolIrp(Irp);
    assigns Irp->CancelRoutine, irpc.life[Slot(Irp)].cancel_dev, IRPC_SITES;
    ensures Irp->CancelRoutine == CancelRoutine;
    ensures \result == \old(Irp->CancelRoutine);
    ensures Wf;
    ensures marking: \old(MarkingQueuedIrps) ==> MarkingQueuedIrps;
*/
PDRIVER_CANCEL (IoSetCancelRoutine)(PIRP Irp, PDRIVER_CANCEL CancelRoutine);

/* ---- events, IRQL, spin locks ------------------------------------------ */

/*@ requires \valid(Event);
    assigns Event->Type, Event->SignalState;
    ensures Event->Type == Type && Event->SignalState == (State != 0 ? 1 : 0);
*/
VOID KeInitializeEvent(PKEVENT Event, EVENT_TYPE Type, BOOLEAN State);

/*@ requires wf: Wf;
    requires \valid(Event) && IRPC_EXT_APART(Event);
    requires IoBuildDeviceIoControlSetEvent: IoBuildDeviceIoControlSetEvent(Event);
    assigns IRPC_SITES, IRPC_TRACE, Event->SignalState, CurFrame->set_event;
    ensures Event->SignalState == 1;
    ensures \result == \old(Event->SignalState);
    ensures (FrameCount > 0 && CurFrame->kind == IRPC_FRAME_COMPLETION) ==> CurFrame->set_event == 1;
    ensures Wf;
*/
LONG (KeSetEvent)(PKEVENT Event, KPRIORITY_BOOST Increment, BOOLEAN Wait);

/*@ requires \valid(Event);
    assigns Event->SignalState;
    ensures Event->SignalState == 0;
*/
VOID KeClearEvent(PKEVENT Event);

/*@ requires \valid_read(Event);
    assigns \nothing;
    ensures \result == Event->SignalState;
*/
LONG KeReadStateEvent(PKEVENT Event);

/*@ requires \valid(SpinLock);
    assigns *SpinLock;
    ensures *SpinLock == 0;
*/
VOID KeInitializeSpinLock(PKSPIN_LOCK SpinLock);

/*@ requires wf: Wf;
    requires \valid(SpinLock) && \valid(OldIrql);
    requires \separated(OldIrql, &irpc);
    requires LocksHeld < 2147483647;
    assigns *OldIrql, *SpinLock, irpc_mp.cpus[irpc_cpu].irql, irpc_mp.cpus[irpc_cpu].locks_held,
            irpc_findings[0 .. IRPC_MAX_FINDINGS - 1], irpc_finding_count, IRPC_TRACE;
    ensures *OldIrql == \old(Irql);
    ensures Irql == DISPATCH_LEVEL && LocksHeld == \old(LocksHeld) + 1 && *SpinLock == 1;
    ensures Wf;
    ensures marking: \old(MarkingQueuedIrps) ==> MarkingQueuedIrps;
*/
VOID KeAcquireSpinLock(PKSPIN_LOCK SpinLock, PKIRQL OldIrql);

/*@ requires CpuOk;
    assigns \nothing;
    ensures \result == Irql;
*/
KIRQL KeGetCurrentIrql(void);

/*@ requires CpuOk;
    requires \valid(OldIrql) && \separated(OldIrql, &irpc);
    assigns *OldIrql, irpc_mp.cpus[irpc_cpu].irql;
    ensures *OldIrql == \old(Irql) && Irql == NewIrql;
*/
VOID KeRaiseIrql(KIRQL NewIrql, PKIRQL OldIrql);

/*@ requires CpuOk;
    assigns irpc_mp.cpus[irpc_cpu].irql;
    ensures Irql == NewIrql;
*/
VOID KeLowerIrql(KIRQL NewIrql);

/* ---- assumed contracts (bodies not proved: proofs/ASSUMPTIONS.md) ------- */

/* The caller's frame across an API that runs other routines in frames of
 * their own, pushed above it and popped (IoCallDriver, IoCompleteRequest,
 * the wait): it names the same routine, IRP and generation, and what that
 * routine did is kept; each contract adds the fields it keeps too.  Used as
 *   ensures frame_kept: FrameCount > 0 ==> (IRPC_CALLER_FRAME_KEPT && ...);  */
#define IRPC_CALLER_FRAME_KEPT \
    CurFrame->kind == \old(SafeFrame->kind) && CurFrame->dev == \old(SafeFrame->dev) && \
    CurFrame->irp == \old(SafeFrame->irp) && CurFrame->gen == \old(SafeFrame->gen) && \
    CurFrame->marked == \old(SafeFrame->marked) && \
    CurFrame->set_event == \old(SafeFrame->set_event) && \
    CurFrame->irql_at_entry == \old(SafeFrame->irql_at_entry)

/* A status block that is none of the other locations the wait assigns (the
 * pool, the findings, the trace, the call sites): what it writes there is a
 * status block of the pool's IRPs (unchanged_status_blocks). */
#define IRPC_BLOCK_APART(b) \
    \separated(b, &irpc, &irpc_mp, &irpc_findings[0 .. IRPC_MAX_FINDINGS - 1], &irpc_finding_count, \
               &irpc_events[0 .. IRPC_MAX_EVENTS - 1], &irpc_event_count, \
               &irpc_site_file, &irpc_site_line, &irpc_report_file, &irpc_report_line)

/* The fields of IRP slot i that IofCallDriver and the wait keep for the
 * IRP the caller's routine holds (unchanged_frame_irp). */
#define IRPC_IRP_KEPT(i) \
    Creator(i) == \old(Creator(i)) && Kind(i) == \old(Kind(i)) && \
    irpc.irps[i].StackCount == \old(irpc.irps[i].StackCount) && \
    irpc.irps[i].CurrentLocation == \old(irpc.irps[i].CurrentLocation) && \
    (HasCurrent(&irpc.irps[i]) ==> \
       CurLoc(&irpc.irps[i])->MajorFunction == \old(CurLoc(&irpc.irps[i])->MajorFunction))

/* unchanged_frame_irp: the IRP the caller's routine holds (FrameIrpHeld),
 * when `also` holds of it too, is touched by no other code during the call:
 * still held, IRPC_IRP_KEPT.  IofCallDriver, the wait, KeReleaseSpinLock and
 * KeInsertQueueDpc state it (`also` empty, or IofCallDriver's
 * `&& i != Slot(Irp)`: not the IRP passed down). */
#define IRPC_HELD_IRP_UNTOUCHED(also) \
    ensures unchanged_frame_irp: \forall integer i; 0 <= i < IRPC_MAX_IRPS ==> \
      \old(FrameIrpHeld(i) also) ==> (FrameIrpHeld(i) && IRPC_IRP_KEPT(i));

/* What deferred work run inside a call (DPCs, cancel routines, in frames of
 * their own, popped before it returns) leaves: Wf, the caller's frame, the
 * IRP the caller's routine holds. */
#define IRPC_DEFERRED_WORK_KEEPS \
    ensures Wf; \
    IRPC_FRAME_KEEPS \
    IRPC_HELD_IRP_UNTOUCHED()

/*@ // ASSUMED: IoCallDriver runs the target's dispatch routine (an indirect
    // call through the dispatch table, and the whole stack below it).
    requires wf: Wf;
    requires pool: PoolIrp(Irp);
    requires \valid(DeviceObject);
    requires IrpAccessAfterRelease: IrpAccessAfterRelease(Slot(Irp));
    requires NoNextStackLocation: NoNextStackLocation(Irp);
    requires IoAllocateForward: IoAllocateForward(Irp);
    assigns irpc, irpc_mp.cpus[irpc_cpu], irpc_findings[0 .. IRPC_MAX_FINDINGS - 1], irpc_finding_count,
            IRPC_TRACE, IRPC_SITES;
    ensures Wf;
    // what its assigns says of a status block apart from the model, stated
    // so that a caller need not work it out from the regions
    ensures unchanged_blocks: \forall IO_STATUS_BLOCK *b; IRPC_BLOCK_APART(b) ==>
      b->Status == \old(b->Status);
    ensures same_frame: irpc_cpu == \old(irpc_cpu) && FrameCount == \old(FrameCount);
    ensures frame_kept: FrameCount > 0 ==>
      (IRPC_CALLER_FRAME_KEPT &&
       CurFrame->completed == \old(SafeFrame->completed) &&
       CurFrame->completed_status == \old(SafeFrame->completed_status));
    // the creator of a synchronous IRP with an event owes the wait on that
    // event when the call returns STATUS_PENDING; every other caller's
    // debt is unchanged
    ensures sync_event: FrameCount > 0 ==>
      ((\result == STATUS_PENDING && \old(OwesSyncEvent(Irp)) ==>
          CurFrame->sync_event_owed == \old(Irp->UserEvent)) &&
       (!(\result == STATUS_PENDING && \old(OwesSyncEvent(Irp))) ==>
          CurFrame->sync_event_owed == \old(SafeFrame->sync_event_owed)));
    ensures forwarded: \old(FrameFor(Slot(Irp))) ==>
      (CurFrame->forwarded == 1 && CurFrame->lower_status == \result);
    ensures wait_owed: \old(FrameFor(Slot(Irp))) && \result != STATUS_PENDING ==>
      CurFrame->wait_owed == \old(SafeFrame->wait_owed);
    // an IRP that is not the caller's frame's owes it no wait
    ensures wait_kept: FrameCount > 0 && !\old(FrameFor(Slot(Irp))) ==>
      CurFrame->wait_owed == \old(SafeFrame->wait_owed);
    // no dispatch routine returns the uninitialised marker
    ensures marker: \result != (NTSTATUS)0xFFFFFFFF;
    // the IRP the caller's routine holds, when it is not the one passed, is
    // touched by no other code during the call
    IRPC_HELD_IRP_UNTOUCHED(&& i != Slot(Irp))
    ensures irql: Irql == \old(Irql) && LocksHeld == \old(LocksHeld);
    // the caller's own routine reclaims the IRP (ReclaimSet): a lower
    // driver that returns anything but STATUS_PENDING completed the IRP at
    // or below it, and the walk then stopped at the caller's routine; after
    // STATUS_PENDING the reclaim is owed on the routine's event
    ensures reclaimed: \old(ReclaimSet(Irp, CurDev)) && \result != STATUS_PENDING ==>
      Reclaimed(Irp, \old(CurDev), \old(irpc.life[Slot(Irp)].gen));
    ensures reclaim_owed: \old(ReclaimSet(Irp, CurDev) && SignalsContext(NextLoc(Irp)->CompletionRoutine)) &&
      \result == STATUS_PENDING ==>
      ReclaimOwed(Irp, \old(CurDev), \old(irpc.life[Slot(Irp)].gen), \old((KEVENT *)NextLoc(Irp)->Context));
    // no IRP comes up to the caller's device queued
    ensures queues: \old(QueuesNothing(CurDev)) ==> QueuesNothing(\old(CurDev));
*/
NTSTATUS IofCallDriver(PDEVICE_OBJECT DeviceObject, PIRP Irp);

/*@ // ASSUMED: KeWaitForSingleObject runs deferred work (DPCs, through
    // function pointers: the lower drivers' activity) until the event is
    // signalled.  Stated for a wait without time-out that is satisfied (a
    // wait nothing can satisfy reports DEADLOCK: assumed away, as for
    // IofCallDriver's refusals).
    requires wf: Wf;
    requires \valid((KEVENT *)Object);
    assigns irpc, irpc_mp.cpus[irpc_cpu], irpc_findings[0 .. IRPC_MAX_FINDINGS - 1], irpc_finding_count,
            IRPC_TRACE, IRPC_SITES, ((KEVENT *)Object)->SignalState,
            // delivery copies a synchronous IRP's final status into its
            // status block (the creator's storage, outside the pool)
            *(irpc.irps[0 .. IRPC_MAX_IRPS - 1].UserIosb);
    ensures Wf;
    ensures same_frame: irpc_cpu == \old(irpc_cpu) && FrameCount == \old(FrameCount);
    ensures frame_kept: FrameCount > 0 ==>
      (IRPC_CALLER_FRAME_KEPT &&
       CurFrame->completed == \old(SafeFrame->completed) &&
       CurFrame->completed_status == \old(SafeFrame->completed_status) &&
       CurFrame->forwarded == \old(SafeFrame->forwarded) &&
       CurFrame->lower_status == \old(SafeFrame->lower_status));
    // the wait is done: none owed any more; the synchronous IRP's event
    // waited on is no longer owed, any other is still
    ensures waited: Timeout == \null && FrameCount > 0 ==> CurFrame->wait_owed == 0 &&
      (\old(SafeFrame->sync_event_owed) == (KEVENT *)Object ==> CurFrame->sync_event_owed == \null) &&
      (\old(SafeFrame->sync_event_owed) != (KEVENT *)Object ==>
         CurFrame->sync_event_owed == \old(SafeFrame->sync_event_owed));
    ensures irql: Irql == \old(Irql) && LocksHeld == \old(LocksHeld);
    // the reclaim owed on this event (IofCallDriver's reclaim_owed) is done
    ensures reclaimed: Timeout == \null &&
      \old(FrameCount > 0 &&
           ReclaimOwed(&irpc.irps[SafeFrame->irp], SafeFrame->dev, SafeFrame->gen, (KEVENT *)Object)) ==>
      Reclaimed(&irpc.irps[CurFrame->irp], CurFrame->dev, CurFrame->gen);
    ensures queues: \old(QueuesNothing(CurDev)) ==> QueuesNothing(\old(CurDev));
    // as IofCallDriver's: the IRP the caller's routine holds is touched by
    // no other code
    IRPC_HELD_IRP_UNTOUCHED()
    // a status block outside the pool that holds a set status still holds
    // one: delivery writes a synchronous IRP's block with its final status
    ensures unchanged_status_blocks: \forall IO_STATUS_BLOCK *b; IRPC_BLOCK_APART(b) ==>
      \old(StatusSet(b->Status)) ==> StatusSet(b->Status);
*/
NTSTATUS (KeWaitForSingleObject)(PVOID Object, KWAIT_REASON WaitReason, KPROCESSOR_MODE WaitMode,
                                 BOOLEAN Alertable, PLARGE_INTEGER Timeout);

/*@ // ASSUMED: IoCompleteRequest runs the completion walk (indirect calls
    // to the registered completion routines) and delivery.
    requires wf: Wf;
    requires pool: PoolIrp(Irp);
    requires DoubleCompletion: DoubleCompletion(Irp);
    requires IrpAccessAfterRelease: Live(Slot(Irp));
    requires CompleteRequest: CompleteRequest(Slot(Irp));
    requires IoAllocateComplete: IoAllocateComplete(Slot(Irp));
    requires CompleteRequestStatusCheck: CompleteRequestStatusCheck(Irp);
    requires CompleteWithCancelRoutine: CompleteWithCancelRoutine(Irp);
    requires SpinLockSafe: SpinLockSafe;
    requires CompletionIrql: CompletionIrql;
    requires CompletionPriorityBoost: CompletionPriorityBoost(Irp, PriorityBoost);
    requires CleanupCompletesQueued: HasCurrent(Irp) && CurLoc(Irp)->MajorFunction == IRP_MJ_CLEANUP ==>
      CleanupCompletesQueued(Slot(Irp), CurLoc(Irp)->FileObject, CurDev);
    assigns irpc, irpc_mp.cpus[irpc_cpu], irpc_findings[0 .. IRPC_MAX_FINDINGS - 1], irpc_finding_count,
            IRPC_TRACE, IRPC_SITES;
    ensures Wf;
    ensures same_frame: irpc_cpu == \old(irpc_cpu) && FrameCount == \old(FrameCount);
    ensures frame_kept: FrameCount > 0 ==>
      (IRPC_CALLER_FRAME_KEPT &&
       CurFrame->forwarded == \old(SafeFrame->forwarded) &&
       CurFrame->lower_status == \old(SafeFrame->lower_status) &&
       CurFrame->wait_owed == \old(SafeFrame->wait_owed) &&
       CurFrame->sync_event_owed == \old(SafeFrame->sync_event_owed));
    ensures completed: \old(FrameFor(Slot(Irp))) ==>
      (CurFrame->completed == 1 && CurFrame->completed_status == \old(Irp->IoStatus.Status));
    ensures released: !Owns(Slot(Irp), \old(CurDev)) || State(Slot(Irp)) == IRPC_ST_STOPPED;
    ensures irql: Irql == \old(Irql) && LocksHeld == \old(LocksHeld);
*/
VOID IofCompleteRequest(PIRP Irp, KPRIORITY_BOOST PriorityBoost);

/*@ // ASSUMED: IoAllocateIrp (its body zeroes the IRP through a void *).
    // What it leaves of the other IRPs is stated field by field, as for
    // IoBuildAsynchronousFsdRequest (a structure equality over the whole IRP
    // and life record is too much for the provers in a driver's context).
    requires wf: Wf;
    assigns irpc.irps[0 .. IRPC_MAX_IRPS - 1], irpc.life[0 .. IRPC_MAX_IRPS - 1], IRPC_TRACE;
    ensures Wf;
    ensures \result == \null ||
      (PoolIrp(\result) &&
       State(Slot(\result)) == IRPC_ST_IDLE && Kind(Slot(\result)) == IRPC_KIND_ALLOC &&
       Creator(Slot(\result)) == CurDev && Owner(Slot(\result)) == CurDev &&
       irpc.life[Slot(\result)].queued == 0 &&
       \result->StackCount == StackSize && \result->CurrentLocation == StackSize + 1 &&
       \result->CancelRoutine == \null);
    ensures fresh: \result != \null ==>
      \forall integer i; 0 <= i < IRPC_MAX_IRPS ==> \old(Live(i)) ==> i != Slot(\result);
    // the frame condition restated as facts a caller can use directly (as
    // for IoFreeIrp): the processors are not written
    ensures kept: irpc_cpu == \old(irpc_cpu) && FrameCount == \old(FrameCount) &&
      LocksHeld == \old(LocksHeld) && Irql == \old(Irql) && CurDev == \old(CurDev);
    ensures frame_kept: FrameCount > 0 ==>
      (CurFrame->irp == \old(SafeFrame->irp) && CurFrame->gen == \old(SafeFrame->gen) &&
       CurFrame->marked == \old(SafeFrame->marked) &&
       CurFrame->completed == \old(SafeFrame->completed) &&
       CurFrame->forwarded == \old(SafeFrame->forwarded) &&
       CurFrame->wait_owed == \old(SafeFrame->wait_owed) &&
       CurFrame->sync_event_owed == \old(SafeFrame->sync_event_owed));
    // IrpcNewIrp writes the slot it returns and nothing else of the pool
    // (every other slot, live or free, keeps its life fields)
    ensures unchanged_life: \forall integer i; 0 <= i < IRPC_MAX_IRPS ==>
      (\result == \null || i != Slot(\result)) ==>
      (State(i) == \old(State(i)) && Owner(i) == \old(Owner(i)) &&
       Creator(i) == \old(Creator(i)) && Kind(i) == \old(Kind(i)) &&
       irpc.life[i].gen == \old(irpc.life[i].gen) &&
       irpc.life[i].queued == \old(irpc.life[i].queued));
    ensures unchanged_irps: \forall integer i; 0 <= i < IRPC_MAX_IRPS ==> \old(Live(i)) ==>
      (irpc.irps[i].StackCount == \old(irpc.irps[i].StackCount) &&
       irpc.irps[i].CurrentLocation == \old(irpc.irps[i].CurrentLocation) &&
       irpc.irps[i].CancelRoutine == \old(irpc.irps[i].CancelRoutine) &&
       (HasCurrent(&irpc.irps[i]) ==>
          CurLoc(&irpc.irps[i])->MajorFunction == \old(CurLoc(&irpc.irps[i])->MajorFunction)));
*/
PIRP IoAllocateIrp(CCHAR StackSize, BOOLEAN ChargeQuota);

/*@ // ASSUMED: IoBuildAsynchronousFsdRequest (build_irp: IrpcNewIrp zeroes
    // the IRP through a void *, as for IoAllocateIrp).  What it leaves of
    // the other IRPs is stated field by field (a structure equality over
    // the whole IRP is too much for the provers in a driver's context).
    requires wf: Wf;
    requires \valid_read(DeviceObject);
    requires StartingOffset == \null || \valid_read(StartingOffset);
    assigns irpc.irps[0 .. IRPC_MAX_IRPS - 1], irpc.life[0 .. IRPC_MAX_IRPS - 1], IRPC_TRACE;
    ensures Wf;
    ensures built: \result == \null ||
      (PoolIrp(\result) &&
       State(Slot(\result)) == IRPC_ST_IDLE && Kind(Slot(\result)) == IRPC_KIND_ASYNC_FSD &&
       Creator(Slot(\result)) == CurDev && Owner(Slot(\result)) == CurDev &&
       \result->StackCount == \old(DeviceObject->StackSize) &&
       \result->CurrentLocation == \result->StackCount + 1 &&
       \result->CancelRoutine == \null);
    ensures fresh: \result != \null ==>
      \forall integer i; 0 <= i < IRPC_MAX_IRPS ==> \old(Live(i)) ==> i != Slot(\result);
    // the frame condition restated as facts a caller can use directly (as
    // for IoFreeIrp): the processors are not written
    ensures kept: irpc_cpu == \old(irpc_cpu) && FrameCount == \old(FrameCount) &&
      LocksHeld == \old(LocksHeld) && Irql == \old(Irql) && CurDev == \old(CurDev);
    ensures frame_kept: FrameCount > 0 ==>
      (CurFrame->irp == \old(SafeFrame->irp) && CurFrame->gen == \old(SafeFrame->gen) &&
       CurFrame->marked == \old(SafeFrame->marked) &&
       CurFrame->completed == \old(SafeFrame->completed) &&
       CurFrame->forwarded == \old(SafeFrame->forwarded) &&
       CurFrame->wait_owed == \old(SafeFrame->wait_owed) &&
       CurFrame->sync_event_owed == \old(SafeFrame->sync_event_owed));
    // build_irp writes the slot it returns and nothing else of the pool
    ensures unchanged_life: \forall integer i; 0 <= i < IRPC_MAX_IRPS ==> \old(Live(i)) ==>
      (State(i) == \old(State(i)) && Owner(i) == \old(Owner(i)) &&
       Creator(i) == \old(Creator(i)) && Kind(i) == \old(Kind(i)) &&
       irpc.life[i].gen == \old(irpc.life[i].gen) &&
       irpc.life[i].queued == \old(irpc.life[i].queued));
    ensures unchanged_irps: \forall integer i; 0 <= i < IRPC_MAX_IRPS ==> \old(Live(i)) ==>
      (irpc.irps[i].StackCount == \old(irpc.irps[i].StackCount) &&
       irpc.irps[i].CurrentLocation == \old(irpc.irps[i].CurrentLocation) &&
       irpc.irps[i].CancelRoutine == \old(irpc.irps[i].CancelRoutine) &&
       (HasCurrent(&irpc.irps[i]) ==>
          CurLoc(&irpc.irps[i])->MajorFunction == \old(CurLoc(&irpc.irps[i])->MajorFunction)));
*/
PIRP IoBuildAsynchronousFsdRequest(ULONG MajorFunction, PDEVICE_OBJECT DeviceObject,
                                   PVOID Buffer, ULONG Length, PLARGE_INTEGER StartingOffset,
                                   PIO_STATUS_BLOCK IoStatusBlock);

/*@ // ASSUMED: IoBuildDeviceIoControlRequest (build_irp, as for
    // IoBuildAsynchronousFsdRequest): a synchronous IRP, the I/O manager's
    // to free, whose event and status block are the caller's.
    requires wf: Wf;
    requires \valid_read(DeviceObject);
    assigns irpc.irps[0 .. IRPC_MAX_IRPS - 1], irpc.life[0 .. IRPC_MAX_IRPS - 1], IRPC_TRACE;
    ensures Wf;
    ensures built: \result == \null ||
      (PoolIrp(\result) &&
       State(Slot(\result)) == IRPC_ST_IDLE && Kind(Slot(\result)) == IRPC_KIND_DEVICE_IOCTL &&
       Creator(Slot(\result)) == CurDev && Owner(Slot(\result)) == CurDev &&
       \result->StackCount == \old(DeviceObject->StackSize) &&
       \result->CurrentLocation == \result->StackCount + 1 &&
       \result->CancelRoutine == \null &&
       \result->UserEvent == Event && \result->UserIosb == IoStatusBlock);
    ensures fresh: \result != \null ==>
      \forall integer i; 0 <= i < IRPC_MAX_IRPS ==> \old(Live(i)) ==> i != Slot(\result);
    ensures kept: irpc_cpu == \old(irpc_cpu) && FrameCount == \old(FrameCount) &&
      LocksHeld == \old(LocksHeld) && Irql == \old(Irql) && CurDev == \old(CurDev);
    ensures frame_kept: FrameCount > 0 ==>
      (CurFrame->irp == \old(SafeFrame->irp) && CurFrame->gen == \old(SafeFrame->gen) &&
       CurFrame->marked == \old(SafeFrame->marked) &&
       CurFrame->completed == \old(SafeFrame->completed) &&
       CurFrame->forwarded == \old(SafeFrame->forwarded) &&
       CurFrame->wait_owed == \old(SafeFrame->wait_owed) &&
       CurFrame->sync_event_owed == \old(SafeFrame->sync_event_owed));
    ensures unchanged_life: \forall integer i; 0 <= i < IRPC_MAX_IRPS ==> \old(Live(i)) ==>
      (State(i) == \old(State(i)) && Owner(i) == \old(Owner(i)) &&
       Creator(i) == \old(Creator(i)) && Kind(i) == \old(Kind(i)) &&
       irpc.life[i].gen == \old(irpc.life[i].gen) &&
       irpc.life[i].queued == \old(irpc.life[i].queued));
    ensures unchanged_irps: \forall integer i; 0 <= i < IRPC_MAX_IRPS ==> \old(Live(i)) ==>
      (irpc.irps[i].StackCount == \old(irpc.irps[i].StackCount) &&
       irpc.irps[i].CurrentLocation == \old(irpc.irps[i].CurrentLocation) &&
       irpc.irps[i].CancelRoutine == \old(irpc.irps[i].CancelRoutine) &&
       (HasCurrent(&irpc.irps[i]) ==>
          CurLoc(&irpc.irps[i])->MajorFunction == \old(CurLoc(&irpc.irps[i])->MajorFunction)));
*/
PIRP IoBuildDeviceIoControlRequest(ULONG IoControlCode, PDEVICE_OBJECT DeviceObject,
                                   PVOID InputBuffer, ULONG InputBufferLength,
                                   PVOID OutputBuffer, ULONG OutputBufferLength,
                                   BOOLEAN InternalDeviceIoControl, PKEVENT Event,
                                   PIO_STATUS_BLOCK IoStatusBlock);

/* ---- queues, lock release, DPCs -------------------------------------- */

/* The caller's frame as it left it: what a call that runs no routine of
 * the caller's own, or runs others in frames of their own, keeps. */
#define IRPC_FRAME_KEEPS \
    ensures same_frame: irpc_cpu == \old(irpc_cpu) && FrameCount == \old(FrameCount); \
    ensures frame_kept: FrameCount > 0 ==> \
      (IRPC_CALLER_FRAME_KEPT && \
       CurFrame->completed == \old(SafeFrame->completed) && \
       CurFrame->completed_status == \old(SafeFrame->completed_status) && \
       CurFrame->forwarded == \old(SafeFrame->forwarded) && \
       CurFrame->lower_status == \old(SafeFrame->lower_status) && \
       CurFrame->wait_owed == \old(SafeFrame->wait_owed) && \
       CurFrame->sync_event_owed == \old(SafeFrame->sync_event_owed));


/*@ // ASSUMED: InsertTailList links Entry at the tail of ListHead's list (four
    // pointer writes) and marks queued the IRP whose list entry Entry is.
    requires \valid(ListHead) && \valid(Entry) && \valid(ListHead->Blink);
    assigns ListHead->Blink, ListHead->Blink->Flink, Entry->Flink, Entry->Blink,
            irpc.life[0 .. IRPC_MAX_IRPS - 1].queued, IRPC_SITES;
    ensures queued: \forall integer i; 0 <= i < IRPC_MAX_IRPS ==>
      (Entry == &irpc.irps[i].Tail.Overlay.ListEntry ==> irpc.life[i].queued == 1) &&
      (Entry != &irpc.irps[i].Tail.Overlay.ListEntry ==>
         irpc.life[i].queued == \old(irpc.life[i].queued));
    // (what MarkingQueuedIrps reads besides `queued` - the frames, the
    // life states, the stack locations' Control - it does not write)
    ensures marking: \forall IRP *irp; PoolIrp(irp) && Entry == &irp->Tail.Overlay.ListEntry ==>
      \old(MarkingQueuedIrps) && \old(Marked(irp)) ==> MarkingQueuedIrps;
    ensures unchanged_marks: \forall integer i; 0 <= i < IRPC_MAX_IRPS ==>
      \old(Marked(&irpc.irps[i])) ==> Marked(&irpc.irps[i]);
    ensures Wf;
    // the frame condition restated as facts a caller can use directly (the
    // assigned `queued` marks are a range)
    IRPC_FRAME_KEEPS
    ensures locks: Irql == \old(Irql) && LocksHeld == \old(LocksHeld);
    ensures unchanged_gen: \forall integer i; 0 <= i < IRPC_MAX_IRPS ==>
      irpc.life[i].gen == \old(irpc.life[i].gen);
*/
VOID (InsertTailList)(PLIST_ENTRY ListHead, PLIST_ENTRY Entry);

/*@ // ASSUMED: KeReleaseSpinLock releases the lock, restores the IRQL, then
    // runs deferred work (DPCs, cancel routines: other drivers' routines,
    // through function pointers, in frames of their own).
    requires wf: Wf;
    requires \valid(SpinLock);
    requires LocksHeld > 0;
    requires MarkingQueuedIrps: LocksHeld == 1 ==> MarkingQueuedIrps;
    assigns irpc, irpc_mp.cpus[irpc_cpu], *SpinLock, irpc_findings[0 .. IRPC_MAX_FINDINGS - 1],
            irpc_finding_count, IRPC_TRACE, IRPC_SITES;
    // what the caller's routine finds again after deferred work has run:
    // its frame as it left it, and the IRP it holds untouched
    IRPC_DEFERRED_WORK_KEEPS
    ensures irql: Irql == NewIrql && LocksHeld == \old(LocksHeld) - 1;
*/
VOID (KeReleaseSpinLock)(PKSPIN_LOCK SpinLock, KIRQL NewIrql);

/*@ // ASSUMED: KeInsertQueueDpc queues the DPC; deferred work (that DPC
    // among it) may run before it returns.
    requires wf: Wf;
    requires \valid(Dpc);
    requires MarkingQueuedIrps: (SystemArgument1 == \null || HandedMarked(SystemArgument1)) &&
      (SystemArgument2 == \null || HandedMarked(SystemArgument2));
    assigns irpc, irpc_mp.cpus[irpc_cpu], *Dpc, irpc_findings[0 .. IRPC_MAX_FINDINGS - 1],
            irpc_finding_count, IRPC_TRACE, IRPC_SITES;
    ensures irql: Irql == \old(Irql) && LocksHeld == \old(LocksHeld);
    // as KeReleaseSpinLock's
    IRPC_DEFERRED_WORK_KEEPS
*/
BOOLEAN (KeInsertQueueDpc)(PKDPC Dpc, PVOID SystemArgument1, PVOID SystemArgument2);

#endif
