/* irpc_internal.h - shared between the reference implementation's files only. */
#ifndef IRPC_INTERNAL_H
#define IRPC_INTERNAL_H

#include "irpc.h"
#include "../spec/walk.h"

/* call sites: the one IrpcSetSite recorded, the one findings report */
extern const char *irpc_site_file;
extern int irpc_site_line;
extern const char *irpc_report_file;
extern int irpc_report_line;

void IrpcZero(void *p, size_t n);
/*@ requires \valid(file) && \valid(line);
    requires \separated(file, line, &irpc_site_file, &irpc_site_line);
    assigns *file, *line, irpc_site_file, irpc_site_line;
    ensures *file == \old(irpc_site_file) && *line == \old(irpc_site_line);
*/
void IrpcTakeSite(const char **file, int *line);
/*@ assigns irpc_report_file, irpc_report_line;
    ensures irpc_report_file == file && irpc_report_line == line;
*/
void IrpcUseSite(const char *file, int line);
/*@ assigns IRPC_SITES; */
void IrpcEnter(void);                  /* an API routine begins: its caller's site reports */
void IrpcCurrentSite(const char **file, int *line);
/*@ // a fresh frame on this processor for routine kind `kind` of device
    // dev on slot (proved: target core)
    requires CpuOk;
    requires slot < IRPC_MAX_IRPS;
    assigns irpc_mp.cpus[irpc_cpu].frame_count, irpc_mp.cpus[irpc_cpu].frames[0 .. IRPC_MAX_FRAMES - 1];
    ensures CpuOk && irpc_cpu == \old(irpc_cpu);
    ensures wf_kept: \old(Wf) && FrameCount <= IRPC_MAX_FRAMES ==> Wf;
    ensures unchanged_pool: PoolKept{Old, Here};
    ensures irql_kept: Irql == \old(Irql) && LocksHeld == \old(LocksHeld);
    behavior full:
      assumes FrameCount >= IRPC_MAX_FRAMES;
      ensures \result == \null && FrameCount == \old(FrameCount);
    behavior pushed:
      assumes FrameCount < IRPC_MAX_FRAMES;
      ensures FrameCount == \old(FrameCount) + 1 && \result == CurFrame;
      ensures CurFrame->kind == kind && CurFrame->dev == dev && CurFrame->irp == slot &&
        CurFrame->gen == (slot >= 0 ? irpc.life[slot].gen : 0) &&
        CurFrame->irql_at_entry == Irql && CurFrame->locks_at_entry == LocksHeld &&
        CurFrame->marked == 0 && CurFrame->completed == 0 && CurFrame->forwarded == 0 &&
        CurFrame->set_event == 0 && CurFrame->wait_owed == 0 && CurFrame->sync_event_owed == \null;
    complete behaviors;
    disjoint behaviors;
*/
IRPC_FRAME *IrpcPushFrame(int kind, int dev, int slot);
/*@ requires CpuOk;
    assigns irpc_mp.cpus[irpc_cpu].frame_count;
    ensures CpuOk;
    ensures FrameCount == (\old(FrameCount) > 0 ? \old(FrameCount) - 1 : 0);
    ensures wf_kept: \old(Wf) ==> Wf;
    ensures unchanged_pool: PoolKept{Old, Here};
*/
void IrpcPopFrame(void);
/*@ assigns \nothing;
    ensures \result == IRPC_NOBODY || 0 <= \result < irpc.device_count;
*/
int IrpcDeviceIndex(const DEVICE_OBJECT *dev);
/*@ requires CpuOk;
    requires slot < IRPC_MAX_IRPS;
    assigns \nothing;
    behavior mine:
      assumes slot >= 0 && FrameFor(slot);
      ensures \result == CurFrame;
    behavior other:
      assumes !(slot >= 0 && FrameFor(slot));
      ensures \result == \null;
    complete behaviors;
    disjoint behaviors;
*/
IRPC_FRAME *IrpcFrameFor(int slot);
int IrpcDispatchActiveFor(int slot);
void IrpcQueueDeferred(PKDPC dpc, int dev);
int IrpcNewIrp(int stack_size, int kind, int creator);
/*@ requires \valid(event);
    assigns event->SignalState;
    ensures event->SignalState == 1;
*/
void IrpcSignal(PKEVENT event);        /* the I/O manager's own KeSetEvent */
/*@ assigns \nothing;
    ensures \result != 0 <==> SyncKind(kind);
*/
int IrpcIsSyncKind(int kind);
/*@ assigns \nothing;
    ensures \result != 0 <==> CreatedKind(kind);
*/
int IrpcIsCreatedKind(int kind);

#endif
