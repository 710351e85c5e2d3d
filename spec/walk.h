/*
 * spec/walk.h - the completion walk of the reference I/O manager
 * (src/iomgr.c: complete_walk, after_routine, deliver) in ACSL: the
 * predicates its contracts share.  Included by src/irpc_internal.h:
 * drivers do not see it.
 *
 * Proved in target proofs/walk: deliver (an IRP that reaches the end of
 * its walk is delivered to its creator once and freed), after_routine,
 * clear_location.  complete_walk's contract and loop invariant, which add
 * predicates of their own, are under proofs/wip/walk (not proved yet).
 */
#ifndef IRPC_SPEC_WALK_H
#define IRPC_SPEC_WALK_H

/* A status block or event delivery writes: none, or valid storage apart
 * from the pool, the life records, the processors and the trace counter
 * (macros: the two pointers differ in type).  The runtime checker reads
 * IRPC_DELIVERY_SEPARATED as \true (proofs/eacsl/gen.py, separation). */
#define IRPC_DELIVERY_SEPARATED(p) \
    \separated(p, &irpc.irps[0 .. IRPC_MAX_IRPS - 1], &irpc.life[0 .. IRPC_MAX_IRPS - 1], \
               &irpc.cpus[0 .. IRPC_MAX_CPUS - 1], &irpc.cpu, &irpc_event_count)
#define IRPC_DELIVERY_APART(p) ((p) == \null || (\valid(p) && IRPC_DELIVERY_SEPARATED(p)))

/*@
  // what delivery needs of an IRP: not a created IRP (no thread waits for
  // one: its creator's routine stops its walk); its request index in
  // range; the delivery counters below INT_MAX; an application or
  // synchronous IRP's status block and event are storage apart from the
  // model
  predicate DeliveryOk(integer s) =
    !CreatedKind(Kind(s)) &&
    irpc.life[s].request < IRPC_MAX_REQUESTS &&
    irpc.life[s].delivered < 2147483647 &&
    (irpc.life[s].request >= 0 ==> irpc.requests[irpc.life[s].request].delivered < 2147483647) &&
    IRPC_DELIVERY_APART(irpc.irps[s].UserIosb) &&
    IRPC_DELIVERY_APART(irpc.irps[s].UserEvent);
*/

#endif
