/*
 * harness.h - what every harness shares: stacks built from the sample
 * drivers (one pattern per layer), the nondeterministic scheduler that
 * runs deferred work and cancels requests at the reference's scheduling
 * points, the application's side (submit, cancel, clean up) and the
 * checks at quiescence.  No stdio here: this is analysed by Eva too.
 */
#ifndef HARNESS_H
#define HARNESS_H

#include "irpc.h"
#include "drivers.h"
#include "nondet.h"

/* Layer patterns: the four ways the lowest driver can finish a transfer,
 * then every pattern an upper driver of src/drivers/ implements. */
enum {
    P_LOWEST_INLINE_OK = 0,  /* lowest.c, CompleteInline, STATUS_SUCCESS */
    P_LOWEST_INLINE_ERR,     /* lowest.c, CompleteInline, STATUS_UNSUCCESSFUL */
    P_LOWEST_DPC_OK,         /* lowest.c, mark pending, queue, DPC completes with success */
    P_LOWEST_DPC_ERR,        /* ... with STATUS_UNSUCCESSFUL */
    P_PASSTHRU,              /* passthru.c: skip and forward */
    P_PROPAGATE,             /* propagate.c: copy, routine propagates pending, continue */
    P_FWDWAIT,               /* fwdwait.c: routine stops, wait, complete again */
    P_ALLOCIRP,              /* allocirp.c: IoAllocateIrp, routine frees and stops */
    P_ASYNCFSD,              /* asyncfsd.c: IoBuildAsynchronousFsdRequest for reads */
    P_SYNCIOCTL,             /* syncioctl.c: IoBuildDeviceIoControlRequest, waits */
    P_COUNT,
    P_LOWEST_LAST = P_LOWEST_DPC_ERR,
    P_UPPER_FIRST = P_PASSTHRU,
    P_UPPER_LAST = P_SYNCIOCTL,
    P_BUGGY = 100            /* a layer from harness/negative/ */
};

#define HARNESS_MAX_DEPTH 6
#define HARNESS_MAX_REQUESTS 6

/* What this execution chose, for the counterexample. */
typedef struct {
    int depth;
    int layers[HARNESS_MAX_DEPTH];          /* layers[0] is the lowest */
    const char *buggy_name;                 /* name of the P_BUGGY layer */
    UCHAR major;
    int attempted;                          /* requests the application started */
    int submitted;                          /* requests whose IoCallDriver returned */
    int request_ids[HARNESS_MAX_REQUESTS + 1];
    int cancels_left;                       /* IoCancelIrp budget */
    int cleanup_done;
} HARNESS_CONFIG;
extern HARNESS_CONFIG harness_config;

/* Resets the reference and the configuration, installs the violation hook
 * (every finding fails the harness under its rule id) and the scheduler
 * hook (at each scheduling point: maybe cancel one submitted request while
 * the cancel budget lasts, then run any number of the deferred items). */
void harness_begin(int cancel_budget);

/* Adds a layer of the given pattern above `lower` (NULL for the lowest). */
PDEVICE_OBJECT harness_add_layer(int pattern, PDEVICE_OBJECT lower);
/* Records a layer the harness built itself (a buggy driver). */
void harness_note_layer(int pattern, const char *name);

/* Builds a stack of `depth` layers chosen nondeterministically: the lowest
 * among [lowest_lo, lowest_hi], each upper one among [upper_lo, upper_hi]. */
PDEVICE_OBJECT harness_choose_stack(int depth, int lowest_lo, int lowest_hi, int upper_lo, int upper_hi);

/* The application: one request to the file's stack (records its id). */
int harness_submit(PFILE_OBJECT file, UCHAR major);
/* Between application steps: maybe cancel a submitted request (budget
 * permitting), then run any number of deferred items. */
void harness_interleave(void);

/* At quiescence: every request delivered exactly once, with the status
 * its top IoCallDriver returned or (when that was STATUS_PENDING) the
 * status it completed with, in its status block and with its event set;
 * every created IRP freed exactly once; every IRP slot free; no finding. */
void harness_check_quiescence(void);

/* Explorer only (stdio): prints harness_config. */
void harness_print_config(void *stream);

#endif
