/*
 * irpc.h - what the reference I/O manager offers beyond the WDM API:
 * the rule ids, the single violation-reporting function, the protocol event
 * trace, the scheduler hook for deferred work, the per-IRP life record (the
 * state the rules are stated over), application requests and quiescence.
 */
#ifndef IRPC_H
#define IRPC_H

#include "wdm.h"

/* ---- pool sizes ------------------------------------------------------- */
#ifndef IRPC_MAX_IRPS
#define IRPC_MAX_IRPS 8
#endif
#ifndef IRPC_MAX_DEVICES
#define IRPC_MAX_DEVICES 8
#endif
#ifndef IRPC_MAX_FRAMES
#define IRPC_MAX_FRAMES 24      /* nested routine calls per processor */
#endif
#ifndef IRPC_MAX_CPUS
#define IRPC_MAX_CPUS 2         /* processors (the spin model runs routines on each) */
#endif
#ifndef IRPC_MAX_DEFERRED
#define IRPC_MAX_DEFERRED 16
#endif
#ifndef IRPC_MAX_FINDINGS
#define IRPC_MAX_FINDINGS 16
#endif
#ifndef IRPC_MAX_EVENTS
#define IRPC_MAX_EVENTS 256
#endif
#ifndef IRPC_MAX_REQUESTS
#define IRPC_MAX_REQUESTS 8
#endif
#ifndef IRPC_MAX_FILES
#define IRPC_MAX_FILES 4
#endif
#ifndef IRPC_EXTENSION_BYTES
#define IRPC_EXTENSION_BYTES 256
#endif

/* ---- rules ------------------------------------------------------------ */
typedef enum {
#define IRPC_RULE(id, group, summary) IRPC_##id,
#include "irpc_rules.def"
#undef IRPC_RULE
    IRPC_RULE_COUNT,
    IRPC_DEADLOCK = IRPC_RULE_COUNT   /* not a rule: a wait nothing can satisfy */
} IRPC_RULE_ID;

const char *IrpcRuleName(int rule);      /* "DoubleCompletion", ..., "Deadlock" */
const char *IrpcRuleGroup(int rule);     /* "P1", "P2", "P3", "HY" */
const char *IrpcRuleSummary(int rule);
int IrpcRuleByName(const char *name);    /* -1 when unknown */

/* ---- who is running: frames ------------------------------------------ */
typedef enum {
    IRPC_FRAME_DISPATCH = 1,
    IRPC_FRAME_COMPLETION,
    IRPC_FRAME_CANCEL,
    IRPC_FRAME_DPC
} IRPC_FRAME_KIND;

#define IRPC_NOBODY   (-1)   /* the application / the I/O manager itself */
#define IRPC_IN_WALK  (-2)   /* nobody: the completion walk has it */

/* any routine's address (a finding names the routine that broke the rule).
 * An object pointer, not void (*)(void): Frama-C rejects casts between
 * function types with different parameter lists (the proofs parse this). */
typedef const void *IRPC_ROUTINE;

typedef struct {
    int kind;                /* IRPC_FRAME_KIND */
    IRPC_ROUTINE routine;    /* the driver routine running in this frame */
    int dev;                 /* device index of the running driver, IRPC_NOBODY for none */
    int irp;                 /* IRP slot the routine was given, -1 for DPCs */
    unsigned gen;            /* generation of that slot when the frame began */
    KIRQL irql_at_entry;
    int locks_at_entry;
    /* what the routine did with its own IRP */
    BOOLEAN marked;          /* IoMarkIrpPending on it */
    BOOLEAN completed;       /* IoCompleteRequest on it */
    NTSTATUS completed_status;
    BOOLEAN forwarded;       /* IoCallDriver with it */
    NTSTATUS lower_status;   /* what that IoCallDriver returned */
    BOOLEAN set_event;       /* KeSetEvent called (completion frames) */
    BOOLEAN wait_owed;       /* IoCallDriver returned STATUS_PENDING for its IRP; no wait since */
    PKEVENT sync_event_owed; /* event of a synchronous IRP that returned STATUS_PENDING, not waited on */
    /* (the last field: IrpcPushFrame sets each field by name) */
} IRPC_FRAME;

/* ---- the life of one IRP (ghost state of the spec, real state here) --- */
typedef enum {
    IRPC_KIND_NONE = 0,
    IRPC_KIND_APP,           /* a request from an application, made by the I/O manager */
    IRPC_KIND_ALLOC,         /* IoAllocateIrp */
    IRPC_KIND_ASYNC_FSD,     /* IoBuildAsynchronousFsdRequest */
    IRPC_KIND_SYNC_FSD,      /* IoBuildSynchronousFsdRequest */
    IRPC_KIND_DEVICE_IOCTL   /* IoBuildDeviceIoControlRequest */
} IRPC_KIND;

typedef enum {
    IRPC_ST_FREE = 0,        /* slot unused (never allocated, or freed) */
    IRPC_ST_IDLE,            /* created, held by its creator, not sent */
    IRPC_ST_ACTIVE,          /* in a driver stack, owned by `owner` */
    IRPC_ST_WALKING,         /* IoCompleteRequest's walk is running */
    IRPC_ST_STOPPED,         /* a completion routine returned MORE_PROCESSING_REQUIRED */
    IRPC_ST_DONE             /* the walk finished; delivered or waiting to be freed */
} IRPC_STATE;

typedef struct {
    int state;               /* IRPC_STATE */
    int kind;                /* IRPC_KIND */
    unsigned gen;            /* bumped at each allocation of the slot */
    int creator;             /* device index of the creating driver, IRPC_NOBODY for the I/O manager */
    int owner;               /* device index, IRPC_NOBODY (creator side) or IRPC_IN_WALK */
    int delivered;           /* times it came back to its creator */
    int freed;               /* times IoFreeIrp succeeded on this generation */
    int request;             /* application request index, -1 */
    int queued;              /* on a driver's LIST_ENTRY queue */
    BOOLEAN top_returned;    /* the creator's IoCallDriver has returned */
    NTSTATUS top_status;     /* ... with this status */
    BOOLEAN pr_known;        /* PendingReturned at the creator is known */
    BOOLEAN pr_at_creator;   /* ... and was this */
    BOOLEAN must_stop_reported;
    BOOLEAN sent;            /* forwarded at least once since creation or reuse */
    int cancel_dev;          /* device that set the cancel routine */
} IRPC_LIFE;

/* ---- findings --------------------------------------------------------- */
typedef struct {
    int rule;                /* IRPC_RULE_ID */
    int irp;                 /* slot, -1 */
    int dev;                 /* device of the running routine, -1 */
    int frame_kind;          /* IRPC_FRAME_KIND or 0 */
    const char *file;        /* call site, NULL when unknown */
    int line;
    const char *message;
    IRPC_ROUTINE routine;    /* the routine running when it was reported, NULL */
    int event_index;         /* trace length when it was reported */
} IRPC_FINDING;

/* ---- protocol events (the trace) ------------------------------------- */
typedef enum {
    IRPC_EV_CALL = 1,        /* IoCallDriver(dev, irp) entered */
    IRPC_EV_CALL_RET,        /* IoCallDriver(dev, irp) -> status */
    IRPC_EV_COMPLETE,        /* IoCompleteRequest(irp, status) by dev */
    IRPC_EV_ROUTINE,         /* completion routine of dev ran -> status */
    IRPC_EV_MARK,            /* IoMarkIrpPending(irp) by dev */
    IRPC_EV_DELIVER,         /* irp delivered to its creator with status */
    IRPC_EV_ALLOC,           /* irp created by dev (aux = kind) */
    IRPC_EV_FREE,            /* irp freed by dev */
    IRPC_EV_DPC,             /* deferred routine of dev ran */
    IRPC_EV_CANCEL,          /* IoCancelIrp(irp) -> aux */
    IRPC_EV_CANCEL_ROUTINE,  /* cancel routine of dev ran */
    IRPC_EV_WAIT,            /* dev waited on an event */
    IRPC_EV_SET_EVENT,       /* dev signalled an event */
    IRPC_EV_VIOLATION,       /* aux = rule */
    IRPC_EV_ALLOC_FAIL       /* dev's creation of an IRP of kind aux failed (irpc_alloc_hook) */
} IRPC_EVENT_KIND;

typedef struct {
    int kind;
    int dev;
    int irp;
    NTSTATUS status;
    int aux;
} IRPC_EVENT;

/* ---- application requests -------------------------------------------- */
typedef struct {
    int used;
    int irp;                 /* slot of the IRP, -1 once freed */
    IO_STATUS_BLOCK iosb;    /* the application's status block */
    KEVENT event;            /* the application's event */
    int delivered;           /* times the I/O manager delivered it */
    NTSTATUS returned;       /* what the top IoCallDriver returned */
    BOOLEAN returned_set;
    NTSTATUS delivered_status;
} IRPC_REQUEST;

/* device extensions: aligned storage from a static pool */
typedef union {
    unsigned char bytes[IRPC_EXTENSION_BYTES];
    void *align_pointer;
    long long align_integer;
} IRPC_EXTENSION;

/* what is per processor: the routines running on it, its IRQL, the spin
 * locks it holds, whether it is running deferred work */
typedef struct {
    IRPC_FRAME frames[IRPC_MAX_FRAMES];
    int frame_count;
    KIRQL irql;
    int locks_held;
    int in_deferred;
} IRPC_CPU;

/* ---- the whole state (one static object: proofs, harnesses and the spin
 *      model hold it all) --------------------------------------------- */
typedef struct {
    IRP irps[IRPC_MAX_IRPS];
    IRPC_LIFE life[IRPC_MAX_IRPS];
    DEVICE_OBJECT devices[IRPC_MAX_DEVICES];
    IRPC_EXTENSION extensions[IRPC_MAX_DEVICES];
    int device_count;
    FILE_OBJECT files[IRPC_MAX_FILES];
    int file_count;
    IRPC_REQUEST requests[IRPC_MAX_REQUESTS];
    PKDPC deferred[IRPC_MAX_DEFERRED];      /* FIFO of queued DPCs */
    int deferred_dev[IRPC_MAX_DEFERRED];    /* device whose routine queued each */
    int deferred_count;
    KSPIN_LOCK cancel_lock;
    ETHREAD app_thread;
} IRPC_STATE_T;

extern IRPC_STATE_T irpc;
typedef struct {
    IRPC_CPU cpus[IRPC_MAX_CPUS];
} IRPC_MP_T;
extern IRPC_MP_T irpc_mp;
extern int irpc_cpu;                        /* the processor now running */
#define IRPC_THIS_CPU (&irpc_mp.cpus[irpc_cpu])

/* Findings and the trace are kept apart from the state: they are output. */
extern IRPC_FINDING irpc_findings[IRPC_MAX_FINDINGS];
extern int irpc_finding_count;
extern IRPC_EVENT irpc_events[IRPC_MAX_EVENTS];
extern int irpc_event_count;

/* ---- control ---------------------------------------------------------- */
void IrpcReset(void);

/* The one reporting function: every protocol violation goes through here,
 * carrying its rule id.  It records the finding and calls the hook. */
void IrpcReport(int rule, int irp, const char *message);
typedef void IRPC_VIOLATION_HOOK(const IRPC_FINDING *finding);
extern IRPC_VIOLATION_HOOK *irpc_violation_hook;
int IrpcFindingCount(int rule);          /* findings with that rule id; -1: all */

void IrpcTrace(int kind, int dev, int irp, NTSTATUS status, int aux);

/* Scheduler hook: at every scheduling point the I/O manager asks how many
 * deferred items to run now (0 = none).  The default runs none; harnesses
 * choose nondeterministically.  Deferred work never runs while a spin lock
 * is held. */
typedef int IRPC_SCHED_HOOK(int point, int pending);
extern IRPC_SCHED_HOOK *irpc_sched_hook;
enum { IRPC_POINT_CALL_RETURN = 1, IRPC_POINT_COMPLETE, IRPC_POINT_LOCK_RELEASE,
       IRPC_POINT_DPC_QUEUED, IRPC_POINT_DISPATCH_RETURN, IRPC_POINT_WAIT };
/* IRPC_POINT_WAIT: KeWaitForSingleObject asks before each deferred item it
 * runs while its event is not signalled (what another processor does while
 * this thread is blocked, a cancel say).  The hook's answer runs that many
 * items, as at every point (the harnesses answer 0 here); then, when the
 * event is still not signalled, the wait runs one item itself. */
void IrpcSchedulePoint(int point);

/* Allocation hook: asked each time a driver creates an IRP (IoAllocateIrp,
 * IoBuildAsynchronousFsdRequest, IoBuildSynchronousFsdRequest,
 * IoBuildDeviceIoControlRequest; never for the I/O manager's application
 * requests) whether this creation fails.  Nonzero: the routine returns NULL,
 * as when the pool is exhausted, and the trace records IRPC_EV_ALLOC_FAIL.
 * The default (NULL) fails a creation only when the pool is exhausted. */
typedef int IRPC_ALLOC_HOOK(int kind, int creator);
extern IRPC_ALLOC_HOOK *irpc_alloc_hook;
int IrpcRunDeferred(int max);            /* runs up to max items, returns how many ran */
int IrpcRunAllDeferred(void);

/* Lookups. */
int IrpcIrpSlot(const IRP *irp);         /* -1 when not an IRP of the pool */
int IrpcDeviceIndex(const DEVICE_OBJECT *dev);
int IrpcCurrentDevice(void);             /* device of the innermost frame, IRPC_NOBODY */
IRPC_FRAME *IrpcCurrentFrame(void);

/* IoCallDriver in two halves, for a model that runs the dispatch routine
 * as steps of its own between them (model/).  IofCallDriver is exactly
 * IrpcCallBegin, the routine, IrpcCallEnd. */
typedef struct {
    int slot;
    int target;
    int caller;
    unsigned gen;
    BOOLEAN top_call;
    PKEVENT sync_event;
    const char *file;
    int line;
    PDRIVER_DISPATCH routine;   /* what to run between the halves */
    NTSTATUS refused;           /* status when IrpcCallBegin refused the call */
} IRPC_CALL;
int IrpcCallBegin(PDEVICE_OBJECT DeviceObject, PIRP Irp, IRPC_CALL *call);   /* 1: run the routine */
NTSTATUS IrpcCallEnd(IRPC_CALL *call, NTSTATUS returned);

/* Drivers and devices. */
void IrpcInitDriver(PDRIVER_OBJECT drv);
PDEVICE_OBJECT IrpcCreateDevice(PDRIVER_OBJECT drv, PDEVICE_OBJECT lower);

/* Application side. */
PFILE_OBJECT IrpcOpenFile(PDEVICE_OBJECT top);
/* Sends a request to the top of the stack of `file`; returns the request
 * index (>= 0) and stores what IoCallDriver returned in *returned. */
int IrpcSubmit(PFILE_OBJECT file, UCHAR major, ULONG ioctl, ULONG length, NTSTATUS *returned);
NTSTATUS IrpcCleanupFile(PFILE_OBJECT file);
BOOLEAN IrpcCancelRequest(int request);

/* End of scenario: runs the remaining deferred work, then checks
 * OriginatorNotifiedOnce and AllocatedIrpLeak.  Returns the number of
 * findings in total. */
int IrpcQuiesce(void);

/* Printing lives in a separate file (irpc_print.c) so the checked code
 * stays free of stdio. */
const char *IrpcStatusName(NTSTATUS s);
void IrpcPrintTrace(void *stream);
void IrpcPrintFindings(void *stream);

/* The protocol's ACSL contracts on this API (comments only for C compilers). */
#include "../../spec/wdm_contracts.h"

#endif /* IRPC_H */
