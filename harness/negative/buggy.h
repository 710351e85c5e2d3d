/*
 * buggy.h - deliberately wrong drivers, one bug each, for the negative
 * harnesses.  Each is a sample pattern with one realistic mistake; a
 * negative harness builds a stack with exactly one of them and must fail
 * with the rule id listed here and a trace.
 */
#ifndef HARNESS_BUGGY_H
#define HARNESS_BUGGY_H

#include "harness.h"

typedef PDEVICE_OBJECT BUGGY_ADD_DEVICE(PDRIVER_OBJECT DriverObject, PDEVICE_OBJECT Lower);

typedef struct {
    const char *name;          /* the bug, as a layer name */
    int rule;                  /* the rule id the harness must report */
    BUGGY_ADD_DEVICE *add;     /* fills the driver object and adds a device */
    int is_lowest;             /* the buggy driver is the lowest layer */
    int lowest_lo, lowest_hi;  /* otherwise: lowest patterns below it */
    int request;               /* request sent (R_READ, R_IOCTL_TRANSFER) */
    int cleanup;               /* then IRP_MJ_CLEANUP on the same file */
    int cancels;               /* IoCancelIrp budget (harness_begin) */
    int alloc_fails;           /* budget of IRP creations that fail (harness_begin) */
} BUGGY_LAYER;

extern const BUGGY_LAYER buggy_layers[];
extern const int buggy_layer_count;

#endif
