/*
 * spec/walk.h - the completion walk of the reference I/O manager
 * (src/iomgr.c: complete_walk, after_routine, deliver) in ACSL: the
 * predicates its contracts share.  Included by src/irpc_internal.h:
 * drivers do not see it.
 *
 * Proved in target proofs/walk (see proofs/walk/NOTES.md for what made
 * it prove): complete_walk and its steps walk_step, walk_call, walk_enter,
 * after_routine, clear_location, and deliver (an IRP that reaches the end
 * of its walk is delivered to its creator once and freed).  The routine
 * call itself (run_completion) has an assumed contract: the completion
 * role, proved of each sample routine in its own target.
 */
#ifndef IRPC_SPEC_WALK_H
#define IRPC_SPEC_WALK_H

/* A status block or event delivery writes: none, or valid storage apart
 * from the pool, the life records, the processors and the trace counter
 * (macros: the two pointers differ in type).  The runtime checker reads
 * IRPC_DELIVERY_SEPARATED as \true (proofs/eacsl/gen.py, separation). */
#define IRPC_DELIVERY_SEPARATED(p) \
    \separated(p, &irpc.irps[0 .. IRPC_MAX_IRPS - 1], &irpc.life[0 .. IRPC_MAX_IRPS - 1], \
               &irpc_mp, &irpc_event_count)
#define IRPC_DELIVERY_APART(p) ((p) == \null || (\valid(p) && IRPC_DELIVERY_SEPARATED(p)))

/* IRPC_INVOKE_KEPT(a, b), the three invoke bits of two Control values
 * agreeing, is in spec/wdm_contracts.h (the completion role uses it). */

/*@
  // a routine registered with every invoke bit runs on every outcome
  predicate InvokesAll(integer c) =
    (c & SL_INVOKE_ON_SUCCESS) != 0 && (c & SL_INVOKE_ON_ERROR) != 0 &&
    (c & SL_INVOKE_ON_CANCEL) != 0;

  // what the walk's contracts read of the pool, unchanged between two
  // states: a frame operation keeps it, stated where the frame is written
  // (a small context) rather than worked out at each caller
  predicate PoolKept{L1, L2} =
    \forall integer s; 0 <= s < IRPC_MAX_IRPS ==>
      \at(irpc.life[s].kind, L1) == \at(irpc.life[s].kind, L2) &&
      \at(irpc.life[s].state, L1) == \at(irpc.life[s].state, L2) &&
      \at(irpc.life[s].gen, L1) == \at(irpc.life[s].gen, L2) &&
      \at(irpc.life[s].owner, L1) == \at(irpc.life[s].owner, L2) &&
      \at(irpc.life[s].creator, L1) == \at(irpc.life[s].creator, L2) &&
      \at(irpc.life[s].delivered, L1) == \at(irpc.life[s].delivered, L2) &&
      \at(irpc.life[s].request, L1) == \at(irpc.life[s].request, L2) &&
      \at(irpc.irps[s].IoStatus.Status, L1) == \at(irpc.irps[s].IoStatus.Status, L2);

  // what a completion routine may be entered with, of the IRP and the
  // processor (the rest of CompletionEntry is the walk's own doing)
  predicate WalkReady(integer s) =
    CompleteRequestStatusCheck(&irpc.irps[s]) && irpc.irps[s].CancelRoutine == \null &&
    LocksHeld == 0 && Irql <= DISPATCH_LEVEL && IrpApart(&irpc.irps[s]);

  // the top location of a created IRP holds its creator's routine, for
  // all three outcomes (IoAllocateForward, checked by IoCallDriver)
  predicate CreatorRoutineSet(integer s) =
    CreatedKind(Kind(s)) ==>
      (irpc.irps[s].IrpcStack[irpc.irps[s].StackCount - 1].CompletionRoutine != \null &&
       InvokesAll(irpc.irps[s].IrpcStack[irpc.irps[s].StackCount - 1].Control));

  // locations from index lo up to the current one's are cleared: no
  // invoke bit, nothing registered can run from them
  predicate Cleared(IRP *irp, integer lo) =
    \forall integer j; lo <= j < irp->CurrentLocation - 1 ==> j < irp->StackCount ==>
      irp->IrpcStack[j].Control == 0;

  // pending propagates: the walk left a location below the current one
  // that returned pending, so the current one is marked
  predicate PendingPropagated(IRP *irp) =
    irp->PendingReturned != 0 && HasCurrent(irp) ==> Marked(irp);

  // what delivery needs of an IRP (deliver requires besides that it is not
  // a created IRP): its request index in range; its delivery counter below
  // INT_MAX (the request's counter stops at INT_MAX by itself); an
  // application or synchronous IRP's status block and event are storage
  // apart from the model
  predicate DeliveryOk(integer s) =
    irpc.life[s].request < IRPC_MAX_REQUESTS &&
    irpc.life[s].delivered < 2147483647 &&
    IRPC_DELIVERY_APART(irpc.irps[s].UserIosb) &&
    IRPC_DELIVERY_APART(irpc.irps[s].UserEvent);
*/

#endif
