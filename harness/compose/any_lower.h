/*
 * any_lower.h - the abstract lower stack of the compose harness: one
 * device that stands for every stack of sample layers below a layer, as
 * that layer can observe it (harness/README.md, "Compose").
 */
#ifndef HARNESS_ANY_LOWER_H
#define HARNESS_ANY_LOWER_H

#include "harness.h"

/* How many IRPs the device can hold at once (application requests plus
 * cleanup, each possibly replaced by one created IRP on its way down). */
#define ANY_LOWER_MAX_HELD 4

/* What the device does with each IRP that reaches it, chosen with nondet
 * when the IRP arrives (A_...), and with which status it ends (chosen
 * when it ends). */
enum {
    A_COMPLETE = 0,        /* complete in dispatch, return the status */
    A_PEND_COMPLETE,       /* mark pending, complete in dispatch, return STATUS_PENDING */
    A_HOLD,                /* mark pending, hold, return STATUS_PENDING: its DPC completes it later */
    A_HOLD_CANCELLABLE,    /* the same with a cancel routine: IoCancelIrp completes it at once */
    A_COUNT
};

/* A lowest-level device with the abstract behaviour (NULL if the pools
 * are full). */
PDEVICE_OBJECT any_lower_add(void);

/* The statuses any stack of sample layers can end an IRP with (success,
 * the lowest driver's errors, STATUS_CANCELLED, and a creator's
 * STATUS_INSUFFICIENT_RESOURCES): the envelope's status set. */
int any_lower_status_known(NTSTATUS status);

#endif
