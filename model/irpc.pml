/*
 * irpc.pml - the IRP completion protocol with true concurrency.
 *
 * A stack of NDEV devices (level 0 = top, level NDEV-1 = the lowest
 * device); each layer's behaviour is chosen nondeterministically at start
 * among the sample drivers' legal patterns.  Three processors:
 *   cpu0  app       the application thread: submits NREQ reads, then (CLEANUP)
 *                   an IRP_MJ_CLEANUP, each through the dispatch routines of
 *                   every layer, run as steps between IrpcCallBegin and
 *                   IrpcCallEnd (IoCallDriver's two halves);
 *   cpu1  dpc       the lowest driver's DPC: takes queued IRPs under the queue
 *                   lock, takes back their cancel routine, completes them
 *                   (IoCompleteRequest's walk runs the layers' completion
 *                   routines, written in C, on this processor);
 *   cpu2  canceller (CANCEL) IoCancelIrp on one request chosen
 *                   nondeterministically, at any moment after its submission;
 *                   the cancel routine's second half runs as steps here.
 * Every step is a c_code call of the reference implementation (src/), whose
 * whole state (`irpc`) and the model's per-level bookkeeping (`mdl`) are in
 * the state vector (c_track).  Every rule the reference checks reports
 * through irpc_violation_hook, which calls uerror with the rule id: each
 * safety rule is an assertion at the line that breaks it.  Spin locks are
 * c_expr guards: a processor blocks while another holds the lock.
 *
 * Liveness (LTL, checked with ./pan -a; every process of the model makes
 * finite progress and every wait is a blocking guard, so the only infinite
 * runs are stutter extensions of terminal states and no fairness assumption
 * is needed - see README.md on -f):
 *   OriginatorNotifiedOnce  <>[] once   every request (reads and cleanup) is
 *                           eventually delivered to the application exactly
 *                           once, and stays delivered once;
 *   AllocatedIrpLeak        [](live -> <> !live)  every IRP a driver
 *                           created is eventually freed.
 *
 * Upper layers may also build a synchronous IRP (L_SYNC, L_SYNC_FSD:
 * IoBuildDeviceIoControlRequest / IoBuildSynchronousFsdRequest, after
 * syncioctl.c), send it, and block on its event (a c_expr guard) while the
 * DPC on cpu1 completes it, or build an asynchronous read (L_ASYNC:
 * IoBuildAsynchronousFsdRequest, after asyncfsd.c) that their routine frees;
 * the default configurations keep these three out of UPPER_SET and
 * model/verify.sh checks them in a configuration of their own with TOP_SET
 * (the top layer's choices).
 */

#ifndef NDEV
#define NDEV 3
#endif
#ifndef NREQ
#define NREQ 2
#endif
#ifndef CANCEL
#define CANCEL 1
#endif
#ifndef CLEANUP
#define CLEANUP 1
#endif
#ifndef BUG
#define BUG 0
#endif

/* layer patterns (numbers as in layers.h) */
#define L_SKIP     1
#define L_COPY     2
#define L_WAIT     3
#define L_ALLOC    4
#define L_DONE_OK  5
#define L_DONE_ERR 6
#define L_PEND     7
#define L_SYNC     8
#define L_SYNC_FSD 9
#define L_ASYNC    10

/* which patterns the layers may take: bit (1 << pattern) */
#ifndef UPPER_SET
#define UPPER_SET  126   /* skip, copy, wait, alloc, complete ok, complete error */
#endif
#ifndef TOP_SET
#define TOP_SET    UPPER_SET   /* level 0 (the top) when NDEV > 1; 1792: the three IoBuild* builders */
#endif
#ifndef LOWEST_SET
#define LOWEST_SET 224   /* complete ok, complete error, pend+queue+DPC */
#endif

/* seeded bugs (numbers as in layers.h) */
#define B_MARK_AFTER_UNLOCK 1
#define B_NO_WAIT           4
#define B_CLEANUP_EARLY     8
#define B_SYNC_NO_WAIT      12
#define B_SYNC_DRIVER_EVENT 15

#define TOTAL (NREQ + CLEANUP)

c_decl {
\#include "layers.h"
}
#ifdef FULL_VECTOR
/* the whole state in the vector (needed by -DNCORE runs: a state handed to
 * another core carries only the vector); the same dead data cleared, so the
 * same states: model/seeded_tests.sh compares the counts */
c_track "&irpc" "sizeof(irpc)";
c_track "&irpc_mp" "sizeof(irpc_mp)";
c_track "&irpc_cpu" "sizeof(irpc_cpu)";
c_track "&mdl" "sizeof(mdl)";
#define SIGN m_dead();
#else
/* irpc, the processors and mdl saved and restored along the search, not compared; spin
 * compares m_sig, their lossless encoding (layers.c, m_sign) */
c_track "&irpc" "sizeof(irpc)" "UnMatched";
c_track "&irpc_mp" "sizeof(irpc_mp)" "UnMatched";
c_track "&irpc_cpu" "sizeof(irpc_cpu)" "UnMatched";
c_track "&mdl" "sizeof(mdl)" "UnMatched";
c_track "&m_sig[0]" "sizeof(m_sig)";
#define SIGN m_sign();
#endif

byte pat[NDEV];        /* the layers' behaviours, top first */
byte lvl;              /* level of the dispatch routine the application thread is in */
byte ph[NDEV];         /* where each level's dispatch routine is */
#define PH_ENTER 0     /* entered */
#define PH_AFTER 1     /* its IoCallDriver returned */
#define PH_RET   2     /* returns (IrpcCallEnd next) */
bit cln;               /* the request going down is the cleanup */
bit ares;              /* results of the last step, per process */
bit dres;
bit cres;
byte ctarget;          /* request IoCancelIrp is called on (while it is chosen) */
bit app_done;
bit dpc_idle = 1;
bit cancel_done = 1;
bit quiet;             /* quiescence reached and checked */
bit once;              /* LTL: every request delivered exactly once */
bit live;              /* LTL: a created IRP is not freed */

/* one step on processor `cpu`: one call of the reference implementation */
#define STEP(cpu, call) c_code { m_step(cpu); call; m_step(cpu); SIGN now.once = m_notified_once(); now.live = (m_created_live() > 0); }

inline choose(i, set)
{
    if
    :: (set & (1 << L_SKIP))     -> pat[i] = L_SKIP
    :: (set & (1 << L_COPY))     -> pat[i] = L_COPY
    :: (set & (1 << L_WAIT))     -> pat[i] = L_WAIT
    :: (set & (1 << L_ALLOC))    -> pat[i] = L_ALLOC
    :: (set & (1 << L_DONE_OK))  -> pat[i] = L_DONE_OK
    :: (set & (1 << L_DONE_ERR)) -> pat[i] = L_DONE_ERR
    :: (set & (1 << L_PEND))     -> pat[i] = L_PEND
    :: (set & (1 << L_SYNC))     -> pat[i] = L_SYNC
    :: (set & (1 << L_SYNC_FSD)) -> pat[i] = L_SYNC_FSD
    :: (set & (1 << L_ASYNC))    -> pat[i] = L_ASYNC
    fi
}

/* A layer's pattern is chosen when the first request reaches it (its
 * dispatch routine is entered), not at start: states before that point are
 * shared by every choice, and layers no request reaches (below a layer that
 * completes at once) are never chosen.  The filters pass cleanup down
 * whatever their pattern, so cleanup does not choose for them. */
inline pick()
{
    if
    :: pat[lvl] == 0 && !(cln && lvl < NDEV - 1) ->
       if
       :: lvl == NDEV - 1 -> choose(lvl, LOWEST_SET)
       :: lvl < NDEV - 1 && lvl == 0 -> choose(lvl, TOP_SET)
       :: lvl < NDEV - 1 && lvl > 0 -> choose(lvl, UPPER_SET)
       fi;
       c_code { m_chosen(now.lvl, now.pat[now.lvl]); }
    :: else -> skip
    fi
}

/* the level below was entered (IrpcCallBegin accepted the call) or not */
inline descend()
{
    if
    :: ares -> ph[lvl] = PH_AFTER; lvl++; ph[lvl] = PH_ENTER; pick()
    :: else -> ph[lvl] = PH_AFTER
    fi
}

/* the lowest driver: mark pending, queue under the lock with a cancel
 * routine, release, queue the DPC, return STATUS_PENDING */
inline pend()
{
#if BUG == B_MARK_AFTER_UNLOCK
    atomic { c_expr { G_LOCK0 } -> STEP(0, m_lock(now.lvl); now.ares = m_pend_queue(now.lvl)) }
#else
    atomic { c_expr { G_LOCK0 } -> STEP(0, m_pend_mark(now.lvl); m_lock(now.lvl); now.ares = m_pend_queue(now.lvl)) }
#endif
    if
    :: ares -> ph[lvl] = PH_RET          /* cancelled before it was queued: completed */
    :: else ->
#if BUG == B_MARK_AFTER_UNLOCK
       STEP(0, m_unlock(now.lvl));
       STEP(0, m_pend_mark(now.lvl); m_pend_dpc(now.lvl));
#else
       STEP(0, m_unlock(now.lvl); m_pend_dpc(now.lvl));
#endif
       ph[lvl] = PH_RET
    fi
}

/* the lowest driver's DispatchCleanup */
inline cleanup()
{
    atomic { c_expr { G_LOCK0 } -> STEP(0, m_lock(now.lvl); m_cleanup_collect(now.lvl); m_unlock(now.lvl)) }
#if BUG == B_CLEANUP_EARLY
    STEP(0, m_cleanup_finish(now.lvl));
#endif
    do
    :: atomic { STEP(0, now.ares = m_cleanup_one(now.lvl)); if :: ares -> skip :: else -> break fi }
    od;
#if BUG != B_CLEANUP_EARLY
    STEP(0, m_cleanup_finish(now.lvl));
#endif
    ph[lvl] = PH_RET
}

/* a dispatch routine begins */
inline enter()
{
    if
    :: lvl < NDEV - 1 && cln ->           /* filters pass cleanup down */
       atomic { STEP(0, m_skip(now.lvl); now.ares = m_call_lower(now.lvl, m_slot(now.lvl))); descend() }
    :: lvl == NDEV - 1 && cln && pat[lvl] == L_PEND -> cleanup()
    :: else ->
       if
       :: pat[lvl] == L_SKIP ->
          atomic { STEP(0, m_skip(now.lvl); now.ares = m_call_lower(now.lvl, m_slot(now.lvl))); descend() }
       :: pat[lvl] == L_COPY ->
          atomic { STEP(0, m_copy(now.lvl); now.ares = m_call_lower(now.lvl, m_slot(now.lvl))); descend() }
       :: pat[lvl] == L_WAIT ->
          atomic { STEP(0, m_wait_setup(now.lvl); now.ares = m_call_lower(now.lvl, m_slot(now.lvl))); descend() }
       :: pat[lvl] == L_ALLOC || pat[lvl] == L_ASYNC ->
          atomic {
             STEP(0, now.ares = m_alloc(now.lvl, now.pat[now.lvl] == L_ASYNC));
             if
             :: ares -> STEP(0, now.ares = m_call_lower(now.lvl, m_own(now.lvl))); descend()
             :: else -> ph[lvl] = PH_RET
             fi
          }
       :: pat[lvl] == L_SYNC || pat[lvl] == L_SYNC_FSD ->
          atomic {
             STEP(0, now.ares = m_sync_build(now.lvl, now.pat[now.lvl] == L_SYNC_FSD));
             if
             :: ares -> STEP(0, now.ares = m_call_lower(now.lvl, m_own(now.lvl))); descend()
             :: else -> ph[lvl] = PH_RET
             fi
          }
       :: pat[lvl] == L_DONE_OK ->
          atomic { STEP(0, m_complete_now(now.lvl, STATUS_SUCCESS)); ph[lvl] = PH_RET }
       :: pat[lvl] == L_DONE_ERR ->
          atomic { STEP(0, m_complete_now(now.lvl, STATUS_INVALID_PARAMETER)); ph[lvl] = PH_RET }
       :: pat[lvl] == L_PEND -> pend()
       fi
    fi
}

/* its IoCallDriver returned */
inline after()
{
    if
    :: cln || pat[lvl] == L_SKIP || pat[lvl] == L_COPY ->
       atomic { STEP(0, m_after_forward(now.lvl)); ph[lvl] = PH_RET }
    :: !cln && pat[lvl] == L_WAIT ->
#if BUG != B_NO_WAIT
       atomic { c_expr { G_WAIT_READY } -> STEP(0, m_wait(now.lvl)) };
#endif
       atomic { STEP(0, m_wait_complete(now.lvl)); ph[lvl] = PH_RET }
    :: !cln && (pat[lvl] == L_ALLOC || pat[lvl] == L_ASYNC) ->
       atomic { STEP(0, m_alloc_after(now.lvl)); ph[lvl] = PH_RET }
    :: !cln && (pat[lvl] == L_SYNC || pat[lvl] == L_SYNC_FSD) ->
       /* the wait blocks this processor until the DPC on cpu1 completed the
        * built IRP (the I/O manager signals the event at its delivery) */
#if BUG == B_SYNC_DRIVER_EVENT
       STEP(0, m_sync_signal(now.lvl));
#endif
#if BUG != B_SYNC_NO_WAIT
       atomic { c_expr { G_WAIT_READY } -> STEP(0, m_wait(now.lvl)) };
#endif
       atomic { STEP(0, m_sync_complete(now.lvl)); ph[lvl] = PH_RET }
    fi
}

proctype app()
{
    byte r = 0;
    do
    :: r < TOTAL ->
       atomic {
          cln = (r == NREQ);
          c_code { m_step(0); now.ares = m_submit(Papp->r, now.cln); m_step(0); SIGN };
          lvl = 0; ph[0] = PH_ENTER;
          if
          :: ares -> pick()
          :: else -> skip
          fi
       }
       if
       :: ares ->
          do
          :: ph[lvl] == PH_ENTER -> enter()
          :: ph[lvl] == PH_AFTER -> after()
          :: ph[lvl] == PH_RET ->
             atomic {
                STEP(0, m_return(now.lvl));
                ph[lvl] = PH_ENTER;      /* dead until the level is entered again */
                if
                :: lvl == 0 -> break
                :: else -> lvl--
                fi
             }
          od
       :: else -> skip
       fi;
       r++
    :: else -> break
    od;
    app_done = 1
}

proctype dpc()
{
end_idle:
    do
    :: atomic { c_expr { G_DPC_READY } -> STEP(1, m_dpc_begin()); dpc_idle = 0 }
       do
       :: atomic { c_expr { G_DPC_LOCK } -> STEP(1, m_dpc_lock(); now.dres = m_dpc_take()) }
          if
          :: !dres -> break
          :: else ->
             STEP(1, now.dres = m_dpc_claim());
             if
             :: dres -> STEP(1, m_dpc_complete())
             :: else -> skip
             fi
          fi
       od;
       atomic { STEP(1, m_dpc_end()); dpc_idle = 1 }
    od
}

/* IoCancelIrp, once: on any read submitted so far, chosen when it fires,
 * or on the synchronous IRP a layer built and waits on (its creator
 * cancelling it when its wait times out) */
proctype canceller()
{
    if
    :: atomic {
          c_expr { G_CANCEL_POSSIBLE } ->
          do
          :: c_expr { now.ctarget + 1 < mdl.nreq && now.ctarget + 1 < NREQ } -> ctarget++
          :: break
          od;
          STEP(2, now.cres = m_cancel(now.ctarget));
          ctarget = 0
       }
    :: atomic { c_expr { G_CANCEL_BUILT } -> STEP(2, now.cres = m_cancel_built()) }
    fi;
    if
    :: cres ->
       atomic { c_expr { G_CANCEL_LOCK } -> STEP(2, m_cancel_lock(); m_cancel_remove()) }
       STEP(2, m_cancel_complete())
    :: else -> skip
    fi;
    cancel_done = 1
}

proctype quiesce()
{
    atomic {
       c_expr { G_QUIET } ->
       STEP(0, m_quiesce());
       quiet = 1
    }
}

init {
    atomic {
       /* patterns fixed by -DPATk; the others are chosen by pick() */
#ifdef PAT0
       pat[0] = PAT0;
#endif
#ifdef PAT1
       pat[1] = PAT1;
#endif
#ifdef PAT2
       pat[2] = PAT2;
#endif
#ifdef PAT3
       pat[3] = PAT3;
#endif
#if CANCEL
       cancel_done = 0;
#endif
       c_code { m_init(NDEV, now.pat, BUG, TOTAL); SIGN };
       run app();
       run dpc();
#if CANCEL
       run canceller();
#endif
       run quiesce()
    }
}

ltl OriginatorNotifiedOnce { <> [] once }
ltl AllocatedIrpLeak { [] (live -> <> !live) }
