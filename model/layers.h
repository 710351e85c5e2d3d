/*
 * layers.h - the C side of the spin model (model/irpc.pml).
 *
 * The Promela processes (application thread on processor 0, DPC on
 * processor 1, IoCancelIrp on processor 2) call these functions, one per
 * Promela step.  Each step is one call (or a short run of calls that no
 * other processor can observe in between) of the reference implementation's
 * API: IrpcCallBegin/IrpcCallEnd, IoCompleteRequest and its walk,
 * IoMarkIrpPending, KeAcquireSpinLock, InsertTailList, IoSetCancelRoutine,
 * IoCancelIrp, IoAllocateIrp, IoFreeIrp ...  The layers' completion routines,
 * cancel routine and DPC are written here in C, after the sample drivers of
 * src/drivers/.
 *
 * Every piece of state the steps touch lives in two static objects:
 * `irpc` (the reference implementation's state) and `mdl` (the model's
 * per-level bookkeeping); the model puts both into spin's state vector
 * with c_track.
 */
#ifndef IRPC_MODEL_LAYERS_H
#define IRPC_MODEL_LAYERS_H

#include "irpc.h"

#define MDL_MAX_LEVELS IRPC_MAX_DEVICES

/* layer behaviours (the sample drivers' patterns); same numbers in irpc.pml */
enum {
    P_SKIP = 1,       /* skip and forward (passthru.c) */
    P_COPY = 2,       /* copy, propagating completion routine, forward (propagate.c) */
    P_WAIT = 3,       /* forward and wait, complete again (fwdwait.c) */
    P_ALLOC = 4,      /* create an IRP, free it in its routine (allocirp.c) */
    P_DONE_OK = 5,    /* complete at once with STATUS_SUCCESS */
    P_DONE_ERR = 6,   /* complete at once with STATUS_INVALID_PARAMETER */
    P_PEND = 7,       /* lowest: mark pending, queue with a cancel routine, DPC (lowest.c) */
    P_SYNC = 8,       /* synchronous IOCTL from IoBuildDeviceIoControlRequest, wait, complete (syncioctl.c) */
    P_SYNC_FSD = 9,   /* same with a read from IoBuildSynchronousFsdRequest */
    P_ASYNC_FSD = 10  /* build a read with IoBuildAsynchronousFsdRequest, free it in its routine (asyncfsd.c) */
};

/* seeded bugs (0: none); same numbers in irpc.pml */
enum {
    BUG_NONE = 0,
    BUG_MARK_AFTER_UNLOCK = 1,   /* lowest marks pending after releasing the queue lock */
    BUG_DPC_KEEPS_CANCEL = 2,    /* DPC completes without IoSetCancelRoutine(NULL) */
    BUG_TOUCH_AFTER_CALL = 3,    /* filter reads the IRP after IoCallDriver */
    BUG_NO_WAIT = 4,             /* forward-and-wait does not wait on STATUS_PENDING */
    BUG_DPC_IGNORES_CANCEL = 5,  /* DPC completes even when the cancel routine was taken */
    BUG_ALLOC_NO_FREE = 6,       /* creator's routine stops completion but never frees */
    BUG_ALLOC_FREE_EARLY = 7,    /* creator frees its IRP when IoCallDriver returns */
    BUG_CLEANUP_EARLY = 8,       /* cleanup completes its IRP before the queued ones */
    BUG_CLEANUP_DROPS = 9,       /* cleanup dequeues IRPs and never completes them */
    BUG_PROP_NO_MARK = 10,       /* completion routine does not propagate PendingReturned */
    BUG_DOUBLE_ALLOC = 11,       /* creator completes its own created IRP again after the routine */
    BUG_SYNC_NO_WAIT = 12,       /* synchronous IRP: reads the status block without waiting on STATUS_PENDING */
    BUG_SYNC_FREE = 13,          /* synchronous IRP: the driver frees it after the wait */
    BUG_SYNC_ROUTINE_EVENT = 14, /* synchronous IRP: the creator's completion routine signals its event */
    BUG_SYNC_DRIVER_EVENT = 15   /* synchronous IRP: the driver signals its event itself on STATUS_PENDING */
};

typedef struct {
    int slot;                /* IRP this level's dispatch routine was given */
    IRPC_CALL call;          /* the IoCallDriver that entered this level */
    NTSTATUS ret;            /* what the dispatch routine returns */
    NTSTATUS lower;          /* what its own IoCallDriver returned */
    int own;                 /* IRP it created (P_ALLOC) or built (P_SYNC*, P_ASYNC_FSD), -1 */
    KEVENT event;            /* P_WAIT, P_SYNC*: the event it waits on */
    IO_STATUS_BLOCK iosb;    /* P_SYNC*: the built IRP's status block */
    KIRQL irql;              /* saved by KeAcquireSpinLock */
    LIST_ENTRY mine;         /* cleanup: IRPs taken off the queue */
} MDL_LEVEL;

typedef struct {
    MDL_LEVEL lv[MDL_MAX_LEVELS];
    int ndev;
    int bug;
    int nreq;                /* application requests submitted */
    int cur;                 /* request the application thread is sending */
    int total;               /* requests the application will submit */
    /* the DPC on processor 1 */
    int dpc_dev;
    int dpc_slot;
    KIRQL dpc_old_irql;
    KIRQL dpc_lock_irql;
    /* the second half of the cancel routine, on processor 2 */
    int cancel_active;
    int cancel_dev;
    int cancel_slot;
    KIRQL cancel_lock_irql;
    /* the layers' driver objects (in the state vector so that every pan
     * worker of a -DNCORE run sees them) */
    DRIVER_OBJECT drivers[MDL_MAX_LEVELS];
} MDL_STATE;

extern MDL_STATE mdl;

/* what spin compares: one number per part of irpc, the processors and mdl (layers.c);
 * the parts: every IRP slot, every processor, every level, and five more */
#include <stdint.h>
#define MDL_SIG_PARTS (IRPC_MAX_IRPS + IRPC_MAX_CPUS + MDL_MAX_LEVELS + 5)
extern uint32_t m_sig[MDL_SIG_PARTS];
void m_sign(void);
void m_dead(void);     /* clears dead data (m_sign does it first) */

/* lowest device's extension */
typedef struct {
    KSPIN_LOCK QueueLock;
    LIST_ENTRY Queue;
    KDPC Dpc;
} MDL_LOWEST;

/* every step: tag the protocol events of the previous step with its
 * processor (and print them when pan replays a trail), then select cpu */
void m_step(int cpu);

void m_init(int ndev, const unsigned char *pattern, int bug, int total);
void m_chosen(int level, int pattern);           /* the trail: a layer's pattern was chosen */
int m_own(int level);
int m_submit(int request, int cleanup);          /* 1: dispatch of level 0 entered */
int m_call_lower(int level, int slot);           /* 1: dispatch of level+1 entered */
void m_return(int level);                        /* IrpcCallEnd for this level */
int m_slot(int level);

/* the layers' steps */
void m_skip(int level);
void m_after_forward(int level);
void m_copy(int level);
void m_touch(int level);
void m_wait_setup(int level);
int m_wait_ready(int level);
void m_wait(int level);
void m_wait_complete(int level);
int m_alloc(int level, int fsd);                 /* 1: created, 0: completed with an error */
void m_alloc_after(int level);
void m_complete_now(int level, NTSTATUS status);
int m_sync_build(int level, int fsd);            /* 1: built, 0: completed with an error */
void m_sync_signal(int level);
void m_sync_complete(int level);
void m_pend_mark(int level);
int m_lock_free(int dev);
void m_lock(int level);
int m_pend_queue(int level);                     /* 1: it was cancelled before being queued */
void m_unlock(int level);
void m_pend_dpc(int level);
void m_cleanup_collect(int level);
int m_cleanup_one(int level);
void m_cleanup_finish(int level);

/* the DPC (processor 1) */
int m_dpc_ready(void);
void m_dpc_begin(void);
void m_dpc_lock(void);
int m_dpc_take(void);                            /* 0: queue empty (lock released) */
int m_dpc_claim(void);                           /* 1: the DPC owns the completion */
void m_dpc_complete(void);
void m_dpc_end(void);
int m_dpc_lock_free(void);

/* cancel (processor 2) */
int m_cancel_possible(int request);
int m_cancel(int request);                       /* 1: the cancel routine started */
int m_cancel_built_possible(void);               /* a synchronous IRP's creator waits on it */
int m_cancel_built(void);                        /* its creator cancels it; 1: the cancel routine started */
int m_cancel_lock_free(void);
void m_cancel_lock(void);
void m_cancel_remove(void);
void m_cancel_complete(void);

/* end of the scenario, and the propositions of the LTL properties */
void m_quiesce(void);
int m_notified_once(void);    /* every request submitted and delivered exactly once */
int m_created_live(void);     /* created IRPs not freed */
int m_bad_delivery(void);     /* some request delivered more than once */

/* guards of irpc.pml's c_expr statements (spin rejects calls written in a
 * c_expr as possible side effects; these functions only read state) */
#define G_LOCK0           m_lock_free(0)
#define G_DPC_READY       m_dpc_ready()
#define G_DPC_LOCK        m_dpc_lock_free()
#define G_WAIT_READY      m_wait_ready(now.lvl)
#define G_CANCEL_POSSIBLE m_cancel_possible(0)   /* a read was submitted */
#define G_CANCEL_LOCK     m_cancel_lock_free()
#define G_CANCEL_BUILT    m_cancel_built_possible()
#define G_QUIET           (now.app_done && now.cancel_done && now.dpc_idle && !m_dpc_ready())

#endif
