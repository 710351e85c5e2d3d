/*
 * env.c - the environment `irpcheck audit` links a third-party driver with.
 *
 * It runs the driver's DriverEntry (and AddDevice, with a lower device of
 * the environment as the physical device object) in the reference system,
 * discovers its dispatch routines (MajorFunction[] after DriverEntry) and
 * devices, then for each device and each registered major function runs a
 * scenario: open a file, send a request (for IOCTLs: each code found in
 * the source, and an unknown one; lengths 0 and 64), then nothing, a
 * cancel, or a cleanup of the file, then quiescence; optionally the request
 * is also cancelled at a scheduling point while the driver works on it.  The lower device
 * completes what it is sent synchronously with success or an error, or
 * pends it and completes it from deferred work; deferred work may run at
 * every scheduling point.  Every nondeterministic choice is explored by a
 * depth-first re-execution: each run is a fork()ed child replaying a prefix
 * of choices (so the driver's globals start fresh every run).
 *
 * Deferred work is DPCs, timer expiries and work items (src/wdk.c queues
 * them all with the reference).  Every allocation of the driver (pool,
 * IoAllocateIrp, IoAllocateWorkItem) may also return NULL: a choice like
 * the others; a segmentation fault at a small address on a path where one
 * did is reported as UncheckedAllocation at the faulting line.
 *
 * IRPs the driver does not own are poisoned for AddressSanitizer while
 * driver code runs (the driver's file alone is instrumented), so any read
 * or write of such an IRP's fields is IrpAccessAfterRelease at its line.
 * A rule checked when a driver routine returns names the `return`
 * statement the routine left by (AUDIT_RETURN_AT in src/include/wdk/wdm.h).
 *
 * Output: one JSON object on stdout (bin/irpcheck turns it into reports).
 * NOTE: harness/common/ holds the project's general explorer; this one is
 * small and specific to the audit.  The two should be merged.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <signal.h>
#include <ucontext.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <sanitizer/asan_interface.h>
#include "irpc.h"
#include "irpc_internal.h"
#include "wdk/wdm.h"

extern DRIVER_INITIALIZE DriverEntry;
extern const ULONG audit_ioctls[];
extern const int audit_ioctl_count;
extern const int audit_unknown_count;
extern const char *const audit_unknown_names[];
void WdkReset(void);
void WdkResetTrampolines(void);

/* not catalogue rules: findings the environment adds */
#define AUDIT_UNCHECKED_ALLOCATION (IRPC_DEADLOCK + 1)

#define MAX_CHOICES 96
#define MAX_KEPT 24
#define TRACE_TEXT 6000

typedef struct {
    int rule;
    char file[200];
    int line;
    uintptr_t routine;     /* driver routine to name when there is no call site */
    uintptr_t pc;          /* ASan or SIGSEGV: the faulting instruction */
    char return_file[200]; /* the return statement of the routine, when found at its return */
    int return_line;
    char return_func[80];  /* the function that return statement is in */
    char message[300];
    char trace[TRACE_TEXT];
} FINDING;

typedef struct {
    int prefix_len;
    unsigned char prefix[MAX_CHOICES];
    int len;
    unsigned char choice[MAX_CHOICES];
    unsigned char count[MAX_CHOICES];
    int truncated;          /* more choices than MAX_CHOICES */
    int bound_hit;          /* a pool or frame bound of the reference was hit */
    int finished;
    int nfind;
    FINDING find[8];
    unsigned unknown_called;
    int cut;                /* the run stopped at an ASan or NULL-dereference finding */
    int alloc_failed;       /* an allocation returned NULL on this run */
    char alloc_what[40];    /* the last one: routine and the driver's call site */
    char alloc_file[200];
    int alloc_line;
    int nentered;
    uintptr_t entered[64];  /* driver routines that ran (kept across runs) */
    char note[200];
    /* discovery */
    int setup_status;
    int nmajors;
    int majors[IRP_MJ_MAXIMUM_FUNCTION + 1];
    uintptr_t routines[IRP_MJ_MAXIMUM_FUNCTION + 1];
    int ndevices;
    int stack_size[16];
    uintptr_t add_device, unload;
} SHARED;

static SHARED *sh;

/* ---- nondeterminism ------------------------------------------------------ */
static int choose(int n)
{
    if (n <= 1)
        return 0;
    if (sh->len >= MAX_CHOICES) {
        sh->truncated = 1;
        return 0;
    }
    int c = sh->len < sh->prefix_len ? sh->prefix[sh->len] : 0;
    if (c >= n)
        c = n - 1;
    sh->choice[sh->len] = (unsigned char)c;
    sh->count[sh->len] = (unsigned char)n;
    sh->len++;
    return c;
}

/* ---- driver code: who runs, which IRPs it may touch ---------------------- */
static DRIVER_OBJECT drv, env_drv;
static DRIVER_EXTENSION drv_ext;
static PDEVICE_OBJECT env_lower;
static PDRIVER_DISPATCH real_major[IRP_MJ_MAXIMUM_FUNCTION + 1];
static void *routine_stack[IRPC_MAX_FRAMES * 2];
static int routine_depth;
static void *last_left;        /* the driver routine that returned last */
static void *scenario_routine;
static int driver_code;        /* driver code is running (poison applied) */
static int alloc_failures = 1; /* explore allocations returning NULL */
/* where the driver routine that returned last returned (see AUDIT_RETURN_AT);
 * valid only until the next hook event, i.e. for checks made at that return */
static const char *left_return_file;
static int left_return_line;
static const char *left_return_func;
static int left_fresh;

static int is_driver_device(int dev)
{
    return dev >= 0 && dev < irpc.device_count && irpc.devices[dev].DriverObject == &drv;
}

static void unpoison_all(void)
{
    __asan_unpoison_memory_region(irpc.irps, sizeof irpc.irps);
}

static void poison_unowned(void)
{
    for (int i = 0; i < IRPC_MAX_IRPS; i++) {
        const IRPC_LIFE *l = &irpc.life[i];
        int ok = l->state != IRPC_ST_FREE && l->state != IRPC_ST_DONE && is_driver_device(l->owner);
        if (!ok)
            __asan_poison_memory_region(&irpc.irps[i], sizeof irpc.irps[i]);
    }
}

static void note_entered(void *routine)
{
    for (int i = 0; i < sh->nentered; i++)
        if (sh->entered[i] == (uintptr_t)routine)
            return;
    if (sh->nentered < 64)
        sh->entered[sh->nentered++] = (uintptr_t)routine;
}

static void on_audit(int event, void *routine)
{
    switch (event) {
    case AUDIT_API_CALL:
        left_fresh = 0;
        unpoison_all();
        driver_code = 0;
        break;
    case AUDIT_API_RETURN:
        left_fresh = 0;
        driver_code = 1;
        poison_unowned();
        break;
    case AUDIT_ENTER:
        left_fresh = 0;
        audit_return_file = NULL;
        audit_return_line = 0;
        audit_return_func = NULL;
        note_entered(routine);
        if (routine_depth < (int)(sizeof routine_stack / sizeof routine_stack[0]))
            routine_stack[routine_depth++] = routine;
        driver_code = 1;
        poison_unowned();
        break;
    case AUDIT_LEAVE:
        if (routine_depth > 0)
            routine_depth--;
        last_left = routine;
        left_return_file = audit_return_file;
        left_return_line = audit_return_line;
        left_return_func = audit_return_func;
        left_fresh = 1;
        audit_return_file = NULL;
        unpoison_all();
        driver_code = 0;
        break;
    }
}

#define DISPATCH_TRAMPOLINE(n) \
    static NTSTATUS dispatch_##n(PDEVICE_OBJECT d, PIRP i) \
    { \
        on_audit(AUDIT_ENTER, (void *)real_major[n]); \
        NTSTATUS st = real_major[n](d, i); \
        on_audit(AUDIT_LEAVE, (void *)real_major[n]); \
        return st; \
    }
DISPATCH_TRAMPOLINE(0) DISPATCH_TRAMPOLINE(1) DISPATCH_TRAMPOLINE(2) DISPATCH_TRAMPOLINE(3)
DISPATCH_TRAMPOLINE(4) DISPATCH_TRAMPOLINE(5) DISPATCH_TRAMPOLINE(6) DISPATCH_TRAMPOLINE(7)
DISPATCH_TRAMPOLINE(8) DISPATCH_TRAMPOLINE(9) DISPATCH_TRAMPOLINE(10) DISPATCH_TRAMPOLINE(11)
DISPATCH_TRAMPOLINE(12) DISPATCH_TRAMPOLINE(13) DISPATCH_TRAMPOLINE(14) DISPATCH_TRAMPOLINE(15)
DISPATCH_TRAMPOLINE(16) DISPATCH_TRAMPOLINE(17) DISPATCH_TRAMPOLINE(18) DISPATCH_TRAMPOLINE(19)
DISPATCH_TRAMPOLINE(20) DISPATCH_TRAMPOLINE(21) DISPATCH_TRAMPOLINE(22) DISPATCH_TRAMPOLINE(23)
DISPATCH_TRAMPOLINE(24) DISPATCH_TRAMPOLINE(25) DISPATCH_TRAMPOLINE(26) DISPATCH_TRAMPOLINE(27)
static PDRIVER_DISPATCH const trampolines[IRP_MJ_MAXIMUM_FUNCTION + 1] = {
    dispatch_0, dispatch_1, dispatch_2, dispatch_3, dispatch_4, dispatch_5, dispatch_6,
    dispatch_7, dispatch_8, dispatch_9, dispatch_10, dispatch_11, dispatch_12, dispatch_13,
    dispatch_14, dispatch_15, dispatch_16, dispatch_17, dispatch_18, dispatch_19, dispatch_20,
    dispatch_21, dispatch_22, dispatch_23, dispatch_24, dispatch_25, dispatch_26, dispatch_27};

/* ---- findings --------------------------------------------------------------- */
static void trace_text(char *buf, size_t size, int upto)
{
    int saved = irpc_event_count;
    if (upto < irpc_event_count)
        irpc_event_count = upto;
    FILE *f = fmemopen(buf, size, "w");
    if (f != NULL) {
        IrpcPrintTrace(f);
        fclose(f);
    }
    buf[size - 1] = 0;
    irpc_event_count = saved;
}

static FINDING *new_finding(int rule, const char *file, int line, const char *message)
{
    if (sh->nfind >= 8)
        return NULL;
    for (int i = 0; i < sh->nfind; i++)
        if (sh->find[i].rule == rule)
            return NULL;     /* one per rule per run is enough */
    FINDING *x = &sh->find[sh->nfind++];
    memset(x, 0, sizeof *x);
    x->rule = rule;
    if (file != NULL)
        snprintf(x->file, sizeof x->file, "%s", file);
    x->line = line;
    snprintf(x->message, sizeof x->message, "%s", message);
    return x;
}

static void on_violation(const IRPC_FINDING *f)
{
    if (f->rule == IRPC_DEADLOCK && f->message != NULL &&
        (strstr(f->message, "exhausted") != NULL || strstr(f->message, "full") != NULL)) {
        sh->bound_hit = 1;
        return;
    }
    if (audit_timer_capped && (f->rule == IRPC_OriginatorNotifiedOnce || f->rule == IRPC_AllocatedIrpLeak ||
                               f->rule == IRPC_DEADLOCK)) {
        /* maybe only because the bound stopped a timer: not a finding, but
         * this run's exploration is incomplete */
        sh->bound_hit = 1;
        if (sh->note[0] == 0)
            snprintf(sh->note, sizeof sh->note,
                     "a timer reached the audit's bound of %d expiries while work was left undone", AUDIT_TIMER_EXPIRIES);
        return;
    }
    int was = driver_code;
    unpoison_all();
    FINDING *x = new_finding(f->rule, f->file, f->line, f->message);
    if (x != NULL) {
        if (f->file == NULL) {
            void *r = f->frame_kind == 0 ? scenario_routine
                      : (routine_depth > 0 && f->frame_kind != IRPC_FRAME_DISPATCH &&
                         f->frame_kind != IRPC_FRAME_COMPLETION)
                          ? routine_stack[routine_depth - 1]
                          : last_left;
            if (r == NULL)
                r = scenario_routine;   /* nothing of the driver ran yet: the routine under test */
            x->routine = (uintptr_t)r;
            /* checked at the routine's return: name the return statement */
            if ((f->frame_kind == IRPC_FRAME_DISPATCH || f->frame_kind == IRPC_FRAME_COMPLETION) &&
                is_driver_device(f->dev) && r == last_left && r != NULL && left_fresh &&
                left_return_file != NULL) {
                snprintf(x->return_file, sizeof x->return_file, "%s", left_return_file);
                x->return_line = left_return_line;
                snprintf(x->return_func, sizeof x->return_func, "%s",
                         left_return_func != NULL ? left_return_func : "");
            }
        }
        trace_text(x->trace, sizeof x->trace, f->event_index);
    }
    if (was)
        poison_unowned();
}

/* AddressSanitizer found driver code touching an IRP it does not own. */
void __asan_on_error(void)
{
    unpoison_all();
    void *addr = __asan_get_report_address();
    int slot = -1;
    for (int i = 0; i < IRPC_MAX_IRPS; i++)
        if ((char *)addr >= (char *)&irpc.irps[i] && (char *)addr < (char *)(&irpc.irps[i] + 1))
            slot = i;
    if (slot >= 0) {
        const IRPC_LIFE *l = &irpc.life[slot];
        FINDING *x = new_finding(IRPC_IrpAccessAfterRelease, NULL, 0,
                                 l->state == IRPC_ST_FREE ? "IRP field accessed after the IRP was freed or delivered"
                                 : "IRP field accessed by a driver that no longer owns the IRP (after IoCallDriver or IoCompleteRequest)");
        if (x != NULL) {
            x->pc = (uintptr_t)__asan_get_report_pc();
            x->routine = routine_depth > 0 ? (uintptr_t)routine_stack[routine_depth - 1] : 0;
            trace_text(x->trace, sizeof x->trace, irpc_event_count);
        }
    } else {
        snprintf(sh->note, sizeof sh->note, "memory error in driver code outside any IRP (address %p)", addr);
        sh->bound_hit = 2;
    }
    sh->finished = 1;
    sh->cut = 1;
    _exit(0);
}

void audit_unknown_called(int index)
{
    if (index >= 0 && index < 32)
        sh->unknown_called |= 1u << index;
}

/* ---- allocation failures ------------------------------------------------------ */
/* Each allocation of the driver may return NULL: a choice of the environment
 * (0: it succeeds, so the first run of every scenario is the ordinary one). */
static int fail_allocation(const char *what, const char *file, int line)
{
    if (!alloc_failures || !choose(2))
        return 0;
    sh->alloc_failed = 1;
    snprintf(sh->alloc_what, sizeof sh->alloc_what, "%s", what);
    snprintf(sh->alloc_file, sizeof sh->alloc_file, "%s", file != NULL ? file : "");
    sh->alloc_line = line;
    return 1;
}

/* A segmentation fault in the driver at a small address after an allocation
 * returned NULL on this run: the driver used the allocation unchecked.  Any
 * other crash stays a crash (the exploration is then incomplete). */
static void on_segv(int sig, siginfo_t *si, void *context)
{
    ucontext_t *uc = context;
    uintptr_t addr = (uintptr_t)si->si_addr;
    unpoison_all();
    if (sh->alloc_failed && addr < 65536) {
        char msg[512];
        if (sh->alloc_file[0] != 0)
            snprintf(msg, sizeof msg,
                     "NULL pointer dereference: %s at %s:%d returned NULL on this path (allocation failure) and its result was used without a check",
                     sh->alloc_what, sh->alloc_file, sh->alloc_line);
        else
            snprintf(msg, sizeof msg,
                     "NULL pointer dereference: %s returned NULL on this path (allocation failure) and its result was used without a check",
                     sh->alloc_what);
        const char *site_file;
        int site_line;
        IrpcCurrentSite(&site_file, &site_line);   /* used when the fault is in a stand-in routine */
        FINDING *x = new_finding(AUDIT_UNCHECKED_ALLOCATION, site_file, site_line, msg);
        if (x != NULL) {
            x->pc = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
            x->routine = routine_depth > 0 ? (uintptr_t)routine_stack[routine_depth - 1] : 0;
            trace_text(x->trace, sizeof x->trace, irpc_event_count);
        }
        sh->finished = 1;
        sh->cut = 1;
        _exit(0);
    }
    /* not ours: fault again without the handler (the run counts as a crash) */
    signal(sig, SIG_DFL);
}

static void catch_segv(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
}

static const char *finding_rule_name(int rule)
{
    return rule == AUDIT_UNCHECKED_ALLOCATION ? "UncheckedAllocation" : IrpcRuleName(rule);
}

/* ---- the environment's lower device ---------------------------------------- */
static KDPC lower_dpc[IRPC_MAX_IRPS];
static NTSTATUS lower_status[IRPC_MAX_IRPS];

static VOID lower_complete(PKDPC Dpc, PVOID Context, PVOID A1, PVOID A2)
{
    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(A2);
    UNREFERENCED_PARAMETER(Context);
    PIRP irp = A1;
    int slot = IrpcIrpSlot(irp);
    irp->IoStatus.Status = irp->Cancel ? STATUS_CANCELLED : lower_status[slot];
    irp->IoStatus.Information = 0;
    IrpcSetSite(NULL, 0);      /* the environment's call: no driver call site */
    IofCompleteRequest(irp, IO_NO_INCREMENT);
}

static NTSTATUS lower_dispatch(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    int slot = IrpcIrpSlot(Irp);
    int c = choose(4);
    NTSTATUS st = (c & 1) ? STATUS_UNSUCCESSFUL : STATUS_SUCCESS;
    if (c < 2) {
        Irp->IoStatus.Status = st;
        Irp->IoStatus.Information = 0;
        IrpcSetSite(NULL, 0);
        IofCompleteRequest(Irp, IO_NO_INCREMENT);
        return st;
    }
    lower_status[slot] = st;
    (IoMarkIrpPending)(Irp);
    (KeInitializeDpc)(&lower_dpc[slot], lower_complete, NULL);
    (KeInsertQueueDpc)(&lower_dpc[slot], Irp, NULL);
    return STATUS_PENDING;
}

/* Another processor may cancel the application request while the driver
 * still works on it: at a scheduling point, when the scenario chose it. */
static int cancel_during;
static int cancel_request = -1;
static int cancel_done;

static int sched(int point, int pending)
{
    UNREFERENCED_PARAMETER(point);
    if (cancel_during && !cancel_done && cancel_request >= 0 && choose(2)) {
        cancel_done = 1;
        IrpcSetSite(NULL, 0);
        IrpcCancelRequest(cancel_request);
    }
    return choose(pending + 1);
}

/* ---- application requests (IrpcSubmit, with buffers) -------------------- */
static unsigned char sysbuf[IRPC_MAX_IRPS][256];
static unsigned char userbuf[IRPC_MAX_IRPS][256];

static int submit(PFILE_OBJECT file, UCHAR major, ULONG ioctl, ULONG length)
{
    int r = -1;
    for (int i = 0; i < IRPC_MAX_REQUESTS; i++)
        if (!irpc.requests[i].used) {
            r = i;
            break;
        }
    PDEVICE_OBJECT top = file->DeviceObject;
    while (top->AttachedDevice != NULL)
        top = top->AttachedDevice;
    if (r < 0)
        return -1;
    int slot = IrpcNewIrp(top->StackSize, IRPC_KIND_APP, IRPC_NOBODY);
    if (slot < 0) {
        sh->bound_hit = 1;
        return -1;
    }
    IRPC_REQUEST *q = &irpc.requests[r];
    memset(q, 0, sizeof *q);
    q->used = 1;
    q->irp = slot;
    q->iosb.Status = (NTSTATUS)0xFFFFFFFF;
    KeInitializeEvent(&q->event, NotificationEvent, FALSE);
    PIRP irp = &irpc.irps[slot];
    irpc.life[slot].request = r;
    irp->Tail.Overlay.Thread = &irpc.app_thread;
    irp->Tail.Overlay.OriginalFileObject = file;
    irp->UserIosb = &q->iosb;
    irp->UserEvent = &q->event;
    irp->RequestorMode = UserMode;
    irp->AssociatedIrp.SystemBuffer = length > 0 ? sysbuf[slot] : NULL;
    irp->UserBuffer = length > 0 ? userbuf[slot] : NULL;
    PIO_STACK_LOCATION next = &irp->IrpcStack[irp->StackCount - 1];
    next->MajorFunction = major;
    next->FileObject = file;
    if (major == IRP_MJ_DEVICE_CONTROL || major == IRP_MJ_INTERNAL_DEVICE_CONTROL) {
        next->Parameters.DeviceIoControl.IoControlCode = ioctl;
        next->Parameters.DeviceIoControl.InputBufferLength = length;
        next->Parameters.DeviceIoControl.OutputBufferLength = length;
    } else if (major == IRP_MJ_WRITE) {
        next->Parameters.Write.Length = length;
    } else {
        next->Parameters.Read.Length = length;
    }
    if (major != IRP_MJ_CLEANUP)
        cancel_request = r;
    IrpcSetSite(NULL, 0);
    NTSTATUS st = IofCallDriver(top, irp);
    q->returned = st;
    q->returned_set = TRUE;
    return r;
}

/* ---- one run ------------------------------------------------------------------ */
static int setup(void)
{
    IrpcReset();
    WdkReset();
    WdkResetTrampolines();
    audit_hook = on_audit;
    audit_fail_hook = fail_allocation;
    irpc_violation_hook = on_violation;
    IrpcInitDriver(&env_drv);
    for (int i = 0; i <= IRP_MJ_MAXIMUM_FUNCTION; i++)
        env_drv.MajorFunction[i] = lower_dispatch;
    if (!NT_SUCCESS(IoCreateDevice(&env_drv, 0, NULL, FILE_DEVICE_UNKNOWN, 0, FALSE, &env_lower)))
        return -1;
    IrpcInitDriver(&drv);
    memset(&drv_ext, 0, sizeof drv_ext);
    drv_ext.DriverObject = &drv;
    drv.DriverExtension = &drv_ext;
    PDRIVER_DISPATCH defaults = drv.MajorFunction[0];
    UNICODE_STRING path = {0, 0, NULL};
    driver_code = 1;
    NTSTATUS st = DriverEntry(&drv, &path);
    if (!NT_SUCCESS(st)) {
        driver_code = 0;
        return -2;
    }
    if (drv_ext.AddDevice != NULL) {
        note_entered((void *)drv_ext.AddDevice);
        st = drv_ext.AddDevice(&drv, env_lower);
        if (!NT_SUCCESS(st)) {
            driver_code = 0;
            return -3;
        }
    }
    driver_code = 0;
    for (int i = 0; i <= IRP_MJ_MAXIMUM_FUNCTION; i++) {
        real_major[i] = drv.MajorFunction[i] == defaults ? NULL : drv.MajorFunction[i];
        if (real_major[i] != NULL)
            drv.MajorFunction[i] = trampolines[i];
    }
    for (PDEVICE_OBJECT d = drv.DeviceObject; d != NULL; d = d->NextDevice)
        d->Flags &= ~(ULONG)DO_DEVICE_INITIALIZING;
    irpc_sched_hook = sched;
    return 0;
}

static PDEVICE_OBJECT nth_device(int n)
{
    PDEVICE_OBJECT d = drv.DeviceObject;
    while (d != NULL && n-- > 0)
        d = d->NextDevice;
    return d;
}

static void run_scenario(int device, int major)
{
    if (setup() != 0)
        return;
    PDEVICE_OBJECT dev = nth_device(device);
    scenario_routine = (void *)real_major[major];
    /* deferred work DriverEntry/AddDevice queued (a timer set there) ran in
     * no routine of a device: it serves the device under test */
    for (int i = 0; i < irpc.deferred_count; i++)
        if (irpc.deferred_dev[i] == IRPC_NOBODY)
            irpc.deferred_dev[i] = IrpcDeviceIndex(dev);
    PFILE_OBJECT file = IrpcOpenFile(dev);
    ULONG ioctl = 0;
    ULONG length = 0;
    if (major == IRP_MJ_DEVICE_CONTROL || major == IRP_MJ_INTERNAL_DEVICE_CONTROL)
        ioctl = audit_ioctls[choose(audit_ioctl_count)];
    if (major == IRP_MJ_READ || major == IRP_MJ_WRITE || major == IRP_MJ_DEVICE_CONTROL ||
        major == IRP_MJ_INTERNAL_DEVICE_CONTROL)
        length = choose(2) ? 64 : 0;
    cancel_request = -1;
    cancel_done = 0;
    cancel_during = choose(2);
    int r = submit(file, (UCHAR)major, ioctl, length);
    int then = choose(real_major[IRP_MJ_CLEANUP] != NULL && major != IRP_MJ_CLEANUP ? 3 : 2);
    if (then == 1 && r >= 0 && !cancel_done) {
        IrpcSetSite(NULL, 0);
        IrpcCancelRequest(r);
    } else if (then == 2) {
        submit(file, IRP_MJ_CLEANUP, 0, 0);
        IrpcRunAllDeferred();
    }
    IrpcQuiesce();
    if (drv.DriverUnload != NULL) {
        irpc_violation_hook = NULL;
        driver_code = 1;
        note_entered((void *)drv.DriverUnload);
        drv.DriverUnload(&drv);
        driver_code = 0;
    }
}

/* ---- exploration --------------------------------------------------------------- */
#define MAX_RUNS_DEFAULT 200000

typedef struct {
    int rule;
    char file[200];
    int line;
    uintptr_t routine;
    uintptr_t pc;
    int return_line;
} KEY;
static KEY seen[256];
static int seen_count;

static void json_string(const char *s)
{
    putchar('"');
    for (; *s != 0; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c == '\n')
            printf("\\n");
        else if (c < 0x20)
            printf("\\u%04x", c);
        else
            putchar(c);
    }
    putchar('"');
}

static int first_output = 1;

static void emit(const FINDING *f, int device, int major)
{
    for (int i = 0; i < seen_count; i++)
        if (seen[i].rule == f->rule && seen[i].line == f->line && seen[i].routine == f->routine &&
            seen[i].pc == f->pc && seen[i].return_line == f->return_line &&
            strcmp(seen[i].file, f->file) == 0)
            return;
    if (seen_count < 256) {
        KEY *k = &seen[seen_count++];
        k->rule = f->rule;
        snprintf(k->file, sizeof k->file, "%s", f->file);
        k->line = f->line;
        k->routine = f->routine;
        k->pc = f->pc;
        k->return_line = f->return_line;
    }
    printf("%s{\"rule\":", first_output ? "" : ",\n");
    first_output = 0;
    json_string(finding_rule_name(f->rule));
    printf(",\"file\":");
    json_string(f->file);
    printf(",\"return_file\":");
    json_string(f->return_file);
    printf(",\"return_line\":%d,\"return_func\":", f->return_line);
    json_string(f->return_func);
    printf(",\"line\":%d,\"routine_addr\":\"0x%lx\",\"pc\":\"0x%lx\",\"device\":%d,\"major\":%d,\"message\":",
           f->line, (unsigned long)f->routine, (unsigned long)f->pc, device, major);
    json_string(f->message);
    printf(",\"trace\":");
    json_string(f->trace);
    putchar('}');
}

int main(int argc, char **argv)
{
    long max_runs = argc > 1 ? atol(argv[1]) : MAX_RUNS_DEFAULT;
    alloc_failures = argc > 2 ? atoi(argv[2]) : 1;
    int keep_stderr = getenv("IRPCHECK_DEBUG") != NULL;
    sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (sh == MAP_FAILED)
        return 2;
    /* discovery run, in a child like every other run */
    memset(sh, 0, sizeof *sh);
    fflush(stdout);
    pid_t dpid = fork();
    if (dpid == 0) {
        if (!keep_stderr && freopen("/dev/null", "w", stderr) == NULL)
            _exit(3);
        alarm(5);
        catch_segv();
        sh->setup_status = setup();
        for (int i = 0; i <= IRP_MJ_MAXIMUM_FUNCTION; i++)
            if (real_major[i] != NULL) {
                sh->majors[sh->nmajors] = i;
                sh->routines[sh->nmajors++] = (uintptr_t)real_major[i];
            }
        for (PDEVICE_OBJECT d = drv.DeviceObject; d != NULL && sh->ndevices < 16; d = d->NextDevice)
            sh->stack_size[sh->ndevices++] = d->StackSize;
        sh->add_device = (uintptr_t)drv_ext.AddDevice;
        sh->unload = (uintptr_t)drv.DriverUnload;
        sh->finished = 1;
        _exit(0);
    }
    int dst = 0;
    waitpid(dpid, &dst, 0);
    if (!sh->finished) {
        printf("{\"error\":\"the driver crashed or hung in DriverEntry/AddDevice\"}\n");
        return 0;
    }
    int s = sh->setup_status;
    if (s != 0) {
        printf("{\"error\":\"%s\"}\n", s == -2 ? "DriverEntry returned an error status"
                                       : s == -3 ? "AddDevice returned an error status"
                                                 : "environment set-up failed");
        return 0;
    }
    int majors[IRP_MJ_MAXIMUM_FUNCTION + 1];
    uintptr_t routines[IRP_MJ_MAXIMUM_FUNCTION + 1];
    int nmajors = sh->nmajors;
    int ndevices = sh->ndevices;
    int stack_size[16];
    memcpy(majors, sh->majors, sizeof majors);
    memcpy(routines, sh->routines, sizeof routines);
    memcpy(stack_size, sh->stack_size, sizeof stack_size);
    uintptr_t add_device = sh->add_device, unload = sh->unload;
    printf("{\"majors\":[");
    for (int i = 0; i < nmajors; i++)
        printf("%s{\"major\":%d,\"routine_addr\":\"0x%lx\"}", i ? "," : "", majors[i],
               (unsigned long)routines[i]);
    printf("],\"devices\":[");
    for (int i = 0; i < ndevices; i++)
        printf("%s{\"stack_size\":%d,\"attached\":%s}", i ? "," : "", stack_size[i],
               stack_size[i] > 1 ? "true" : "false");
    printf("],\"add_device\":\"0x%lx\",\"unload\":\"0x%lx\",\n\"findings\":[",
           (unsigned long)add_device, (unsigned long)unload);
    fflush(stdout);
    long runs = 0;
    int complete = 1, bound = 0, crashes = 0, truncated = 0, cut = 0;
    unsigned unknown_called = 0;
    char crash_note[300] = "";
    for (int dv = 0; dv < ndevices; dv++)
        for (int m = 0; m < nmajors; m++) {
            int nentered = sh->nentered;
            uintptr_t entered[64];
            memcpy(entered, sh->entered, sizeof entered);
            memset(sh, 0, sizeof *sh);
            sh->nentered = nentered;
            memcpy(sh->entered, entered, sizeof entered);
            for (;;) {
                sh->len = 0;
                sh->nfind = 0;
                sh->finished = 0;
                sh->cut = 0;
                fflush(stdout);
                pid_t pid = fork();
                if (pid == 0) {
                    if (!keep_stderr && freopen("/dev/null", "w", stderr) == NULL)
                        _exit(3);
                    alarm(5);
                    catch_segv();
        catch_segv();
                    run_scenario(dv, majors[m]);
                    sh->finished = 1;
                    _exit(0);
                }
                int wst = 0;
                waitpid(pid, &wst, 0);
                runs++;
                if (!sh->finished) {
                    crashes++;
                    if (crash_note[0] == 0)
                        snprintf(crash_note, sizeof crash_note,
                                 "the driver stopped the environment (%s %d) in a scenario for major function 0x%02x",
                                 WIFSIGNALED(wst) ? "signal" : "exit", WIFSIGNALED(wst) ? WTERMSIG(wst) : WEXITSTATUS(wst),
                                 majors[m]);
                }
                if (sh->bound_hit) {
                    bound = 1;
                    if (sh->note[0] != 0 && crash_note[0] == 0)
                        snprintf(crash_note, sizeof crash_note, "%s", sh->note);
                }
                truncated |= sh->truncated;
                cut += sh->cut;
                if (sh->truncated)
                    complete = 0;
                unknown_called |= sh->unknown_called;
                for (int i = 0; i < sh->nfind; i++)
                    emit(&sh->find[i], dv, majors[m]);
                /* next prefix: the deepest choice with an alternative left */
                int i = sh->len - 1;
                while (i >= 0 && sh->choice[i] + 1 >= sh->count[i])
                    i--;
                if (i < 0)
                    break;
                memcpy(sh->prefix, sh->choice, (size_t)i);
                sh->prefix[i] = (unsigned char)(sh->choice[i] + 1);
                sh->prefix_len = i + 1;
                if (runs >= max_runs) {
                    complete = 0;
                    break;
                }
            }
        }
    printf("],\n\"cut_short\":%d,\"runs\":%ld,\"complete\":%s,\"bound_hit\":%s,\"truncated\":%s,\"crashes\":%d,\"note\":",
           cut, runs, complete ? "true" : "false", bound ? "true" : "false", truncated ? "true" : "false",
           crashes);
    json_string(crash_note);
    printf(",\"entered\":[");
    for (int i = 0; i < sh->nentered; i++)
        printf("%s\"0x%lx\"", i ? "," : "", (unsigned long)sh->entered[i]);
    printf("]");
    printf(",\"unknown_called\":[");
    int first = 1;
    for (int i = 0; i < audit_unknown_count && i < 32; i++)
        if (unknown_called & (1u << i)) {
            printf("%s", first ? "" : ",");
            json_string(audit_unknown_names[i]);
            first = 0;
        }
    printf("]}\n");
    return 0;
}
