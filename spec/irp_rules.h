/*
 * spec/irp_rules.h - the IRP completion protocol in ACSL: the logic library
 * every contract reuses, and one predicate per rule id of RULES.md.
 *
 * Convention: the predicate named after a rule id states the ALLOWED
 * condition (what a correct program establishes).  DoubleCompletion(s) holds
 * when IoCompleteRequest may be called on slot s; a contract requires it
 * under a clause carrying the same name:
 *
 *     requires DoubleCompletion: DoubleCompletion(Slot(Irp));
 *
 * so a failed WP goal names the rule it breaks (…_requires_DoubleCompletion).
 *
 * State.  The model's state is the reference I/O manager's own state (no
 * separate ghost copy): the per-IRP life record irpc.life[s] (state, kind,
 * creator, owner, delivered, freed, ...) and the per-processor frames
 * irpc_mp.cpus[c].frames[] (what the running routine did with its IRP).  It is
 * kept per IRP, so no unbounded ghost counter is needed.
 *
 * This file holds ACSL only (inside comments): the C compilers see nothing.
 * It is included at the end of src/include/irpc.h through wdm_contracts.h.
 */
#ifndef IRPC_SPEC_IRP_RULES_H
#define IRPC_SPEC_IRP_RULES_H

/*@
  // ---- the logic library ---------------------------------------------------

  // an IRP of the reference pool, and its slot

  // The slot of a pool IRP: its index in irpc.irps.  (WP cannot subtract
  // pointers of unrelated bases, so the function is declared and defined on
  // the pool by one axiom; consistent: p - &irpc.irps[0] is a model.)
  axiomatic IrpSlot {
    logic integer Slot(IRP *irp);
    axiom SlotOfPool: \forall integer i; 0 <= i < IRPC_MAX_IRPS ==> Slot(&irpc.irps[i]) == i;
  }

  // an IRP of the reference pool: the one at its slot
  predicate PoolIrp(IRP *irp) =
    0 <= Slot(irp) < IRPC_MAX_IRPS && irp == &irpc.irps[Slot(irp)];

  predicate ValidSlot(integer s) = 0 <= s < IRPC_MAX_IRPS;

  // the processor running now and its innermost routine frame
  predicate CpuOk = 0 <= irpc_cpu < IRPC_MAX_CPUS &&
    0 <= irpc_mp.cpus[irpc_cpu].frame_count <= IRPC_MAX_FRAMES;

  logic integer FrameCount = irpc_mp.cpus[irpc_cpu].frame_count;
  logic integer Irql = irpc_mp.cpus[irpc_cpu].irql;
  logic integer LocksHeld = irpc_mp.cpus[irpc_cpu].locks_held;

  logic IRPC_FRAME *CurFrame = &irpc_mp.cpus[irpc_cpu].frames[FrameCount - 1];

  // the same frame, but inside the array even when no routine runs (frame
  // 0 then): what a postcondition names under \old(...) before it knows
  // FrameCount > 0 (the runtime checker evaluates \old terms on entry)
  logic IRPC_FRAME *SafeFrame =
    &irpc_mp.cpus[irpc_cpu].frames[FrameCount > 0 ? FrameCount - 1 : 0];

  // the device whose routine runs now (IRPC_NOBODY: the application side)
  logic integer CurDev = FrameCount > 0 ? CurFrame->dev : IRPC_NOBODY;

  // the innermost frame is a routine running for slot s (IrpcFrameFor)
  predicate FrameFor(integer s) = FrameCount > 0 && CurFrame->irp == s &&
    CurFrame->gen == irpc.life[s].gen;

  // life record shorthands
  logic integer State(integer s) = irpc.life[s].state;
  logic integer Kind(integer s) = irpc.life[s].kind;
  logic integer Owner(integer s) = irpc.life[s].owner;
  logic integer Creator(integer s) = irpc.life[s].creator;

  predicate Live(integer s) = State(s) != IRPC_ST_FREE;

  // device dev owns slot s (RULES.md, Terms)
  predicate Owns(integer s, integer dev) =
    State(s) != IRPC_ST_FREE && State(s) != IRPC_ST_DONE && Owner(s) == dev;

  predicate CreatedKind(integer k) = k == IRPC_KIND_ALLOC || k == IRPC_KIND_ASYNC_FSD;
  predicate SyncKind(integer k) = k == IRPC_KIND_SYNC_FSD || k == IRPC_KIND_DEVICE_IOCTL;

  // stack positions (1-based, SEMANTICS.md "Moving through the stack")
  predicate StackShape(IRP *irp) =
    1 <= irp->StackCount <= IRPC_MAX_STACK &&
    0 <= irp->CurrentLocation <= irp->StackCount + 2;
  predicate HasCurrent(IRP *irp) = 1 <= irp->CurrentLocation <= irp->StackCount;
  predicate HasNext(IRP *irp) = 2 <= irp->CurrentLocation <= irp->StackCount + 1;
  logic IO_STACK_LOCATION *CurLoc(IRP *irp) = &irp->IrpcStack[irp->CurrentLocation - 1];
  logic IO_STACK_LOCATION *NextLoc(IRP *irp) = &irp->IrpcStack[irp->CurrentLocation - 2];

  predicate Marked(IRP *irp) =
    HasCurrent(irp) && (CurLoc(irp)->Control & SL_PENDING_RETURNED) != 0;

  predicate NtSuccess(integer st) = st >= 0;
  // NT_ERROR(s) of wdm.h: the top two bits are 11
  predicate NtError(integer st) = (((unsigned int)st) & 0xC0000000) == 0xC0000000;

  // the pool, the processors and every live IRP are well formed
  predicate PoolOk = CpuOk &&
    \forall integer i; 0 <= i < IRPC_MAX_IRPS ==> StackShape(&irpc.irps[i]);

  // ---- P1: every IRP is completed exactly once -----------------------------

  // IoCompleteRequest only on an IRP whose completion is neither under way
  // nor done (a reclaimed IRP is STOPPED, and may be completed again)
  predicate DoubleCompletion(IRP *irp) =
    State(Slot(irp)) != IRPC_ST_DONE && State(Slot(irp)) != IRPC_ST_WALKING &&
    irp->CurrentLocation <= irp->StackCount + 1;

  // IoCompleteRequest only by the owner, and not while a lower driver may
  // still hold it (IoCallDriver returned STATUS_PENDING, no wait since)
  predicate CompleteRequest(integer s) =
    Owner(s) == CurDev && !(FrameFor(s) && CurFrame->wait_owed != 0);

  // no IRP field is used by a driver that does not own the IRP
  predicate IrpAccessAfterRelease(integer s) = Owns(s, CurDev);

  // at the return of a dispatch routine (frame f, result r)
  predicate IrpProcessingComplete(IRPC_FRAME *f) =
    !(irpc.life[f->irp].gen == f->gen && Owns(f->irp, f->dev) && f->marked == 0);

  // before IoCompleteRequest on a cleanup IRP of `file`: no IRP of that file
  // is still queued by the same driver
  predicate CleanupCompletesQueued(integer s, PFILE_OBJECT file, integer dev) =
    \forall integer i; 0 <= i < IRPC_MAX_IRPS ==> i != s && Live(i) &&
      irpc.life[i].queued != 0 && Owner(i) == dev && HasCurrent(&irpc.irps[i]) ==>
      CurLoc(&irpc.irps[i])->FileObject != file;

  // at quiescence: every application request delivered exactly once
  predicate OriginatorNotifiedOnce =
    \forall integer r; 0 <= r < IRPC_MAX_REQUESTS ==> irpc.requests[r].used != 0 ==>
      irpc.requests[r].delivered == 1;

  // ---- P2: pending state and returned status are consistent ---------------

  predicate MarkIrpPending(IRPC_FRAME *f, integer r) =
    f->marked != 0 ==> r == STATUS_PENDING;

  predicate MarkIrpPending2(IRPC_FRAME *f, integer r) =
    (r == STATUS_PENDING && !(f->completed != 0 && f->marked == 0)) ==>
      (f->marked != 0 || (f->forwarded != 0 && f->lower_status == STATUS_PENDING));

  predicate PendedCompletedRequest(IRPC_FRAME *f, integer r) =
    (f->completed != 0 && f->marked == 0) ==> r != STATUS_PENDING;

  predicate LowerDriverReturn(IRPC_FRAME *f, integer r) =
    (f->forwarded != 0 && f->marked == 0 && f->completed == 0) ==> r == f->lower_status;

  predicate StatusMismatch(IRPC_FRAME *f, integer r) =
    (f->completed != 0 && f->marked == 0 && r != STATUS_PENDING) ==> r == f->completed_status;

  predicate CompleteRequestStatusCheck(IRP *irp) =
    irp->IoStatus.Status != STATUS_PENDING && irp->IoStatus.Status != (NTSTATUS)0xFFFFFFFF;

  // a completion routine that continues completion propagates pending;
  // the creator's routine (no location above) never marks
  predicate CompletionRoutinePending(IRP *irp, integer r) =
    (r != STATUS_MORE_PROCESSING_REQUIRED && irp->PendingReturned != 0 && HasCurrent(irp)) ==>
      Marked(irp);
  predicate CreatorDoesNotMark(IRP *irp) = HasCurrent(irp);

  predicate CompletionEventChecking(IRPC_FRAME *f) = !(f->marked != 0 && f->set_event != 0);

  // before a queue lock is released / a DPC is queued: every queued IRP
  // whose dispatch routine is still running is marked pending
  predicate DispatchActive(integer s) =
    \exists integer c, k; 0 <= c < IRPC_MAX_CPUS && 0 <= k < irpc_mp.cpus[c].frame_count &&
      k < IRPC_MAX_FRAMES &&
      irpc_mp.cpus[c].frames[k].kind == IRPC_FRAME_DISPATCH && irpc_mp.cpus[c].frames[k].irp == s &&
      irpc_mp.cpus[c].frames[k].gen == irpc.life[s].gen;
  predicate MarkingQueuedIrps =
    \forall integer i; 0 <= i < IRPC_MAX_IRPS ==> Live(i) && irpc.life[i].queued != 0 &&
      DispatchActive(i) ==> Marked(&irpc.irps[i]);

  // what KeInsertQueueDpc hands a DPC: an IRP whose dispatch routine is
  // still running is marked pending first
  predicate HandedMarked(void *arg) =
    \forall integer i; 0 <= i < IRPC_MAX_IRPS ==> arg == (void *)&irpc.irps[i] && Live(i) &&
      DispatchActive(i) ==> Marked(&irpc.irps[i]);

  predicate PendingReturnedConsistency(integer s) =
    (irpc.life[s].pr_known != 0 && irpc.life[s].top_returned != 0) ==>
      ((irpc.life[s].top_status == STATUS_PENDING) <==> (irpc.life[s].pr_at_creator != 0));

  // ---- P3: IRPs a driver creates are freed by their creator ---------------

  predicate IoAllocateForward(IRP *irp) =
    (irp->CurrentLocation == irp->StackCount + 1 && CreatedKind(Kind(Slot(irp)))) ==>
      (irp->IrpcStack[irp->StackCount - 1].CompletionRoutine != \null &&
       (irp->IrpcStack[irp->StackCount - 1].Control & 0xE0) == 0xE0);

  predicate IoAllocateComplete(integer s) = !(CreatedKind(Kind(s)) && CurDev == Creator(s));

  // the creator's completion routine of a created IRP stops completion
  predicate AllocatedIrpMustStop(integer kind, integer by_creator, integer r) =
    (by_creator != 0 && CreatedKind(kind)) ==> r == STATUS_MORE_PROCESSING_REQUIRED;

  predicate IoAllocateFree(integer s) =
    State(s) != IRPC_ST_FREE && Kind(s) != IRPC_KIND_APP && CurDev == Creator(s) &&
    Owner(s) == Creator(s) && State(s) != IRPC_ST_ACTIVE;

  predicate IoBuildDeviceControlNoFree(integer s) = Kind(s) != IRPC_KIND_DEVICE_IOCTL;
  predicate IoBuildSynchronousFsdRequestNoFree(integer s) = Kind(s) != IRPC_KIND_SYNC_FSD;

  predicate IoBuildDeviceControlWait(IRPC_FRAME *f) = f->sync_event_owed == \null;

  predicate IoBuildDeviceIoControlSetEvent(PKEVENT ev) =
    \forall integer i; 0 <= i < IRPC_MAX_IRPS ==> Live(i) && SyncKind(Kind(i)) ==>
      irpc.irps[i].UserEvent != ev;

  // at quiescence: every created IRP freed
  predicate AllocatedIrpLeak =
    \forall integer i; 0 <= i < IRPC_MAX_IRPS ==> Live(i) ==> !CreatedKind(Kind(i));

  // ---- protocol hygiene ----------------------------------------------------

  predicate SpinLockSafe = LocksHeld <= 0;

  predicate CompleteWithCancelRoutine(IRP *irp) = irp->CancelRoutine == \null;

  // the three forms: a next location exists (IoSetCompletionRoutine,
  // IoGetNextIrpStackLocation, IoCallDriver), a current one exists (skip),
  // both exist (copy-to-next)
  predicate NoNextStackLocation(IRP *irp) = HasNext(irp);
  predicate NoNextStackLocationSkip(IRP *irp) = 1 <= irp->CurrentLocation <= irp->StackCount;
  predicate NoNextStackLocationCopy(IRP *irp) = 2 <= irp->CurrentLocation <= irp->StackCount;

  predicate CompletionIrql = Irql <= DISPATCH_LEVEL;
  predicate CompletionIrqlRoutine(IRPC_FRAME *f) = Irql == f->irql_at_entry;

  predicate CompletionPriorityBoost(IRP *irp, integer boost) =
    NtError(irp->IoStatus.Status) ==> boost == IO_NO_INCREMENT;
*/

#endif
