/* irpc_internal.h - shared between the reference implementation's files only. */
#ifndef IRPC_INTERNAL_H
#define IRPC_INTERNAL_H

#include "irpc.h"

void IrpcZero(void *p, size_t n);
void IrpcTakeSite(const char **file, int *line);
void IrpcUseSite(const char *file, int line);
void IrpcEnter(void);
void IrpcCurrentSite(const char **file, int *line);                  /* an API routine begins: its caller's site reports */
IRPC_FRAME *IrpcPushFrame(int kind, int dev, int slot);
void IrpcPopFrame(void);
IRPC_FRAME *IrpcFrameFor(int slot);
int IrpcDispatchActiveFor(int slot);
void IrpcQueueDeferred(PKDPC dpc, int dev);
int IrpcNewIrp(int stack_size, int kind, int creator);
void IrpcSignal(PKEVENT event);        /* the I/O manager's own KeSetEvent */
int IrpcIsSyncKind(int kind);
int IrpcIsCreatedKind(int kind);

#endif
