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

/* How the lowest driver fails a transfer in the error patterns: an error
 * no sample driver produces itself (they use STATUS_INVALID_PARAMETER,
 * STATUS_INVALID_DEVICE_REQUEST, STATUS_CANCELLED, STATUS_INSUFFICIENT_RESOURCES,
 * and syncioctl starts its status block at STATUS_UNSUCCESSFUL), so a layer
 * that loses or rewrites a lower driver's error is seen. */
#define HARNESS_TRANSFER_ERROR STATUS_NOT_SUPPORTED

/* Layer patterns: the four ways the lowest driver can finish a transfer,
 * then every pattern an upper driver of src/drivers/ implements. */
enum {
    P_LOWEST_INLINE_OK = 0,  /* lowest.c, CompleteInline, STATUS_SUCCESS */
    P_LOWEST_INLINE_ERR,     /* lowest.c, CompleteInline, HARNESS_TRANSFER_ERROR */
    P_LOWEST_DPC_OK,         /* lowest.c, mark pending, queue, DPC completes with success */
    P_LOWEST_DPC_ERR,        /* ... with HARNESS_TRANSFER_ERROR */
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
    P_BUGGY = 100,           /* a layer from harness/negative/ */
    P_ANY_LOWER              /* the compose harness's abstract lower device (harness/compose/) */
};

/* Application requests: every kind the sample drivers tell apart.  The
 * lowest driver answers a zero-length read, the mode query, the mode query
 * with a buffer under 4 bytes and an IOCTL code it does not know in its
 * dispatch routine whatever its pattern (STATUS_INVALID_PARAMETER,
 * STATUS_SUCCESS with no device I/O, STATUS_INVALID_PARAMETER,
 * STATUS_INVALID_DEVICE_REQUEST), and a write as it does a read; allocirp
 * passes every kind down in an IRP of its own; asyncfsd reads into its own
 * buffer for every read and passes the rest down; syncioctl sends a
 * transfer of its own for every device control, whatever its code, and
 * passes the rest down.  The KINDS bound of a harness sends the first KINDS
 * kinds (R_APP_FIRST..). */
enum {
    R_READ = 0,              /* IRP_MJ_READ of HARNESS_LENGTH bytes: a transfer */
    R_IOCTL_TRANSFER,        /* IRP_MJ_DEVICE_CONTROL, IOCTL_SAMPLE_TRANSFER: a transfer */
    R_READ_EMPTY,            /* IRP_MJ_READ of 0 bytes: refused by the lowest driver */
    R_IOCTL_QUERY,           /* IRP_MJ_DEVICE_CONTROL, IOCTL_SAMPLE_QUERY_MODE: no device I/O */
    R_WRITE,                 /* IRP_MJ_WRITE of HARNESS_LENGTH bytes: a transfer */
    R_IOCTL_UNKNOWN,         /* IRP_MJ_DEVICE_CONTROL, HARNESS_UNKNOWN_IOCTL: refused */
    R_IOCTL_QUERY_SHORT,     /* IOCTL_SAMPLE_QUERY_MODE, HARNESS_SHORT_LENGTH-byte buffer: refused */
    R_CLEANUP,               /* IRP_MJ_CLEANUP for the file */
    R_CREATE,                /* IRP_MJ_CREATE: the file is opened on the stack */
    R_CLOSE,                 /* IRP_MJ_CLOSE: the file's last reference is gone */
    R_COUNT,
    R_APP_FIRST = R_READ,    /* the application's requests (not cleanup, create, close) */
    R_APP_LAST = R_IOCTL_QUERY_SHORT,
    R_TRANSFER_LAST = R_IOCTL_TRANSFER  /* R_READ..: the transfers the inflight harness sends */
};
#define HARNESS_LENGTH 8
#define HARNESS_SHORT_LENGTH 2                 /* under sizeof(ULONG) */
#define HARNESS_UNKNOWN_IOCTL 0x00222008u      /* a code no sample driver knows */

#define HARNESS_MAX_DEPTH 6
#define HARNESS_MAX_REQUESTS 6

/* What this execution chose, for the counterexample. */
typedef struct {
    int depth;
    int layers[HARNESS_MAX_DEPTH];          /* layers[0] is the lowest */
    const char *buggy_name;                 /* name of the P_BUGGY layer */
    int attempted;                          /* requests the application started */
    int requests[HARNESS_MAX_REQUESTS + 1]; /* their kinds (R_...), in order */
    int cancels_left;                       /* IoCancelIrp budget */
    int alloc_fails_left;                   /* budget of IRP creations that fail */
} HARNESS_CONFIG;
extern HARNESS_CONFIG harness_config;

/* Resets the reference and the configuration, installs the violation hook
 * (every finding fails the harness under its rule id), the scheduler hook
 * (at each scheduling point, and before each deferred item a wait runs:
 * maybe cancel one application request not yet delivered, or one IRP a
 * driver created that is in a driver stack, while the cancel budget lasts,
 * then, except in a wait, run any number of the deferred items) and the
 * allocation hook (each IRP a driver creates may fail, with
 * STATUS_INSUFFICIENT_RESOURCES for the driver to handle, while the
 * allocation-failure budget lasts).  A request can be cancelled from the
 * moment it is sent: while its top IoCallDriver has not returned (a layer
 * above waits for it, or it is on its way down) as well as after; so can a
 * created IRP (its creator's cancel, or for a threaded IRP the I/O
 * manager's when the thread goes away). */
void harness_begin(int cancel_budget, int alloc_fail_budget);

/* Adds a layer of the given pattern above `lower` (NULL for the lowest).
 * The lowest driver's transfer dispatch routine is entered through the
 * harness: when an IRP arrives there (an application request or one a
 * driver created), it may be cancelled first (budget permitting), as
 * another processor could while the IRP was on its way down - the
 * reference has no scheduling point in the descent, and no layer above
 * the lowest looks at Irp->Cancel, so this is every cancel before the
 * lowest driver queues the IRP. */
PDEVICE_OBJECT harness_add_layer(int pattern, PDEVICE_OBJECT lower);
/* Records a layer the harness built itself (a buggy driver). */
void harness_note_layer(int pattern, const char *name);

/* Builds a stack of `depth` layers chosen nondeterministically: the lowest
 * among [lowest_lo, lowest_hi], each upper one among [upper_lo, upper_hi]. */
PDEVICE_OBJECT harness_choose_stack(int depth, int lowest_lo, int lowest_hi, int upper_lo, int upper_hi);

/* The application: one request of kind R_... to the file's stack; returns
 * the request index. */
int harness_submit(PFILE_OBJECT file, int kind);
/* One request of a kind chosen among [lo, hi] (R_APP_FIRST..R_APP_LAST:
 * every kind; hi beyond R_APP_LAST fails the harness). */
int harness_submit_any(PFILE_OBJECT file, int lo, int hi);
/* Between application steps: maybe cancel a request (budget permitting),
 * then run any number of deferred items. */
void harness_interleave(void);

/* At quiescence: every request delivered exactly once, with the status
 * its top IoCallDriver returned or (when that was STATUS_PENDING) the
 * status it completed with, in its status block and with its event set;
 * every created IRP freed exactly once; every IRP slot free; no finding. */
void harness_check_quiescence(void);

/* Explorer only (stdio): prints harness_config. */
void harness_print_config(void *stream);

#endif
