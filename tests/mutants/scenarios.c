/*
 * scenarios.c - the `runtime` engine of the mutant kill matrix: the
 * reference's own runtime checks (every IrpcReport of src/) over a fixed,
 * deterministic set of scenarios built from the sample drivers.
 *
 * Compiled against one tree (the unmodified one or a mutant's copy) with
 * that tree's src/; prints the rule id of every finding any scenario
 * produced, one per line, in catalogue order, and exits 0.
 *
 * What it runs, for every stack of sample drivers (the lowest driver at
 * the bottom, 0..3 layers of passthru, propagate, fwdwait, allocirp,
 * asyncfsd, syncioctl above it - depth up to 4):
 *   - how the lowest driver finishes transfers: inline or pended (queue +
 *     DPC), with success or with an error;
 *   - the request: read, write, IOCTL transfer, IOCTL query, zero-length
 *     read (invalid parameter), unknown IOCTL;
 *   - the schedule of deferred work (irpc_sched_hook): none until a wait or
 *     quiescence, everything at every point, everything only where an
 *     IoCallDriver returns, only where an IoCompleteRequest returns, only
 *     where a DPC is queued or a lock released, one item at the first point
 *     only, and "cancel the newest request at the first point";
 *   - the scenario: one request; two requests on one file; one request then
 *     IoCancelIrp; two requests then IRP_MJ_CLEANUP for the file.
 * Each ends with IrpcQuiesce (OriginatorNotifiedOnce, AllocatedIrpLeak).
 *
 *   scenarios [-v] [--focus DRIVER] [--max-depth N]
 *     -v          also print, on stderr, the first scenario that produced
 *                 each rule, with its finding's message and site
 *     --focus D   only stacks that contain driver D (lowest: all stacks)
 *
 * A mutant may crash or loop: each run has a limit on the driver calls of
 * the services loops go through (RUN_LIMIT_STEPS), a processor-time limit
 * (RUN_LIMIT_MS) and a fault handler, all of which jump back to the run loop, so the findings made up
 * to that point still count and the next run starts from IrpcReset; each
 * stack also runs in a child process as a backstop.  A crash or a timeout
 * is counted and printed on stderr, never as a rule id.
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "irpc.h"
#include "drivers.h"

enum { D_LOWEST, D_PASSTHRU, D_PROPAGATE, D_FWDWAIT, D_ALLOCIRP, D_ASYNCFSD, D_SYNCIOCTL, D_COUNT };
static const char *const driver_names[D_COUNT] = {
    "lowest", "passthru", "propagate", "fwdwait", "allocirp", "asyncfsd", "syncioctl"
};

enum { M_INLINE_OK, M_INLINE_ERR, M_DPC_OK, M_DPC_ERR, M_COUNT };
static const char *const mode_names[M_COUNT] = { "inline-ok", "inline-error", "dpc-ok", "dpc-error" };

enum { R_READ, R_WRITE, R_IOCTL_TRANSFER, R_IOCTL_QUERY, R_READ_EMPTY, R_IOCTL_UNKNOWN, R_COUNT };
static const char *const request_names[R_COUNT] = {
    "read", "write", "ioctl-transfer", "ioctl-query", "read-0-bytes", "ioctl-unknown"
};

enum { S_NONE, S_ALL, S_CALL_RETURN, S_COMPLETE, S_QUEUED, S_FIRST_ONE, S_CANCEL_FIRST, S_COUNT };
static const char *const schedule_names[S_COUNT] = {
    "deferred-at-wait-or-end", "deferred-everywhere", "deferred-at-call-return",
    "deferred-at-complete", "deferred-at-queue-or-unlock", "one-deferred-at-first-point",
    "cancel-at-first-point"
};

enum { K_ONE, K_TWO, K_CANCEL, K_CLEANUP, K_COUNT };
static const char *const kind_names[K_COUNT] = {
    "one-request", "two-requests", "request-then-cancel", "two-requests-then-cleanup"
};

#define MAX_DEPTH 4
#define DEVICE_ERROR STATUS_NOT_SUPPORTED

static DRIVER_OBJECT drivers[D_COUNT];
static int verbose;
static int out_fd = -1;
static uint64_t reported;            /* rules this child has already sent */

#define RUN_LIMIT_MS 50          /* processor time per run (a run takes ~15 us) */
#define RUN_LIMIT_FINDINGS 200   /* a run reporting more than this is looping */
#define RUN_LIMIT_STEPS 20000    /* driver calls of the wrapped services below */
static sigjmp_buf run_escape;
static volatile sig_atomic_t run_active;
static int run_faults, run_timeouts;      /* in this child */
static int total_faults, total_timeouts;  /* in the parent, over all children */

/* the scenario being run, for the scheduler hook and -v */
static struct {
    int layers[MAX_DEPTH];
    int depth;
    int mode, request, schedule, kind;
    int hook_calls;
    int newest_request;
} cur;

static PDEVICE_OBJECT build_stack(const int *layers, int n, PDEVICE_OBJECT *bottom)
{
    IrpcReset();
    IrpcInitDriver(&drivers[D_LOWEST]);
    LowestDriverEntry(&drivers[D_LOWEST]);
    IrpcInitDriver(&drivers[D_PASSTHRU]);
    PassthruDriverEntry(&drivers[D_PASSTHRU]);
    IrpcInitDriver(&drivers[D_PROPAGATE]);
    PropagateDriverEntry(&drivers[D_PROPAGATE]);
    IrpcInitDriver(&drivers[D_FWDWAIT]);
    FwdWaitDriverEntry(&drivers[D_FWDWAIT]);
    IrpcInitDriver(&drivers[D_ALLOCIRP]);
    AllocIrpDriverEntry(&drivers[D_ALLOCIRP]);
    IrpcInitDriver(&drivers[D_ASYNCFSD]);
    AsyncFsdDriverEntry(&drivers[D_ASYNCFSD]);
    IrpcInitDriver(&drivers[D_SYNCIOCTL]);
    SyncIoctlDriverEntry(&drivers[D_SYNCIOCTL]);
    PDEVICE_OBJECT top = NULL;
    *bottom = NULL;
    for (int i = 0; i < n && (i == 0 || top != NULL); i++) {
        PDRIVER_OBJECT d = &drivers[layers[i]];
        switch (layers[i]) {
        case D_LOWEST: top = LowestAddDevice(d); *bottom = top; break;
        case D_PASSTHRU: top = PassthruAddDevice(d, top); break;
        case D_PROPAGATE: top = PropagateAddDevice(d, top); break;
        case D_FWDWAIT: top = FwdWaitAddDevice(d, top); break;
        case D_ALLOCIRP: top = AllocIrpAddDevice(d, top); break;
        case D_ASYNCFSD: top = AsyncFsdAddDevice(d, top); break;
        case D_SYNCIOCTL: top = SyncIoctlAddDevice(d, top); break;
        default: top = NULL; break;
        }
    }
    return top;
}

static int sched_hook(int point, int pending)
{
    int first = cur.hook_calls++ == 0;
    switch (cur.schedule) {
    case S_ALL: return pending;
    case S_CALL_RETURN: return point == IRPC_POINT_CALL_RETURN ? pending : 0;
    case S_COMPLETE: return point == IRPC_POINT_COMPLETE ? pending : 0;
    case S_QUEUED:
        return point == IRPC_POINT_DPC_QUEUED || point == IRPC_POINT_LOCK_RELEASE ? pending : 0;
    case S_FIRST_ONE: return first ? 1 : 0;
    case S_CANCEL_FIRST:
        if (first && cur.newest_request >= 0)
            IrpcCancelRequest(cur.newest_request);
        return 0;
    default: return 0;
    }
}

static int submit(PFILE_OBJECT file, int request)
{
    NTSTATUS returned;
    int r;
    switch (request) {
    case R_READ: r = IrpcSubmit(file, IRP_MJ_READ, 0, 16, &returned); break;
    case R_WRITE: r = IrpcSubmit(file, IRP_MJ_WRITE, 0, 8, &returned); break;
    case R_IOCTL_TRANSFER:
        r = IrpcSubmit(file, IRP_MJ_DEVICE_CONTROL, IOCTL_SAMPLE_TRANSFER, 4, &returned);
        break;
    case R_IOCTL_QUERY:
        r = IrpcSubmit(file, IRP_MJ_DEVICE_CONTROL, IOCTL_SAMPLE_QUERY_MODE, 4, &returned);
        break;
    case R_READ_EMPTY: r = IrpcSubmit(file, IRP_MJ_READ, 0, 0, &returned); break;
    default: r = IrpcSubmit(file, IRP_MJ_DEVICE_CONTROL, 0x00229999u, 4, &returned); break;
    }
    return r;
}

static void describe(FILE *out)
{
    fprintf(out, "stack");
    for (int i = 0; i < cur.depth; i++)
        fprintf(out, "%s%s", i == 0 ? " " : "<", driver_names[cur.layers[i]]);
    fprintf(out, ", lowest %s, %s, %s, %s", mode_names[cur.mode], request_names[cur.request],
            schedule_names[cur.schedule], kind_names[cur.kind]);
}

/* child -> parent: pairs of 64-bit words, a kind and a value */
enum { MSG_RULES = 1, MSG_TROUBLE = 2 };
static void send_message(uint64_t kind, uint64_t value)
{
    uint64_t m[2] = { kind, value };
    ssize_t n = write(out_fd, m, sizeof m);
    (void)n;
}

static void send_rules(void)
{
    uint64_t found = 0;
    int kept = irpc_finding_count < IRPC_MAX_FINDINGS ? irpc_finding_count : IRPC_MAX_FINDINGS;
    for (int i = 0; i < kept; i++) {
        int rule = irpc_findings[i].rule;
        if (rule < 0 || rule > IRPC_RULE_COUNT)
            continue;
        uint64_t bit = (uint64_t)1 << rule;
        if ((found | reported) & bit)
            continue;
        found |= bit;
        if (verbose) {
            fprintf(stderr, "%s: ", IrpcRuleName(rule));
            describe(stderr);
            fprintf(stderr, "\n    %s (%s:%d)\n", irpc_findings[i].message,
                    irpc_findings[i].file != NULL ? irpc_findings[i].file : "?",
                    irpc_findings[i].line);
        }
    }
    if (found != 0) {
        reported |= found;
        send_message(MSG_RULES, found);
    }
}

static void on_fault(int sig)
{
    if (!run_active)
        _exit(128 + sig);
    run_active = 0;
    siglongjmp(run_escape, sig);
}

/* A run whose drivers keep calling the services their loops go through
 * (the link wraps them: -Wl,--wrap=KeAcquireSpinLock,--wrap=IsListEmpty,
 * --wrap=IoGetCurrentIrpStackLocation) is in a loop a mutant made, for
 * example over a queue whose IRP was completed and reused: leave it like a
 * timeout, deterministically. */
static long run_steps;

static void step(void)
{
    if (run_active && ++run_steps > RUN_LIMIT_STEPS) {
        run_active = 0;
        siglongjmp(run_escape, SIGUSR1);
    }
}

VOID __real_KeAcquireSpinLock(PKSPIN_LOCK SpinLock, PKIRQL OldIrql);
VOID __wrap_KeAcquireSpinLock(PKSPIN_LOCK SpinLock, PKIRQL OldIrql);
BOOLEAN __real_IsListEmpty(const LIST_ENTRY *ListHead);
BOOLEAN __wrap_IsListEmpty(const LIST_ENTRY *ListHead);
PIO_STACK_LOCATION __real_IoGetCurrentIrpStackLocation(PIRP Irp);
PIO_STACK_LOCATION __wrap_IoGetCurrentIrpStackLocation(PIRP Irp);

VOID __wrap_KeAcquireSpinLock(PKSPIN_LOCK SpinLock, PKIRQL OldIrql)
{
    step();
    __real_KeAcquireSpinLock(SpinLock, OldIrql);
}

BOOLEAN __wrap_IsListEmpty(const LIST_ENTRY *ListHead)
{
    step();
    return __real_IsListEmpty(ListHead);
}

PIO_STACK_LOCATION __wrap_IoGetCurrentIrpStackLocation(PIRP Irp)
{
    step();
    return __real_IoGetCurrentIrpStackLocation(Irp);
}

/* a run that keeps reporting is in a loop: leave it like a timeout */
static void on_finding(const IRPC_FINDING *finding)
{
    (void)finding;
    if (run_active && irpc_finding_count > RUN_LIMIT_FINDINGS) {
        run_active = 0;
        siglongjmp(run_escape, SIGUSR1);
    }
}

static void set_run_timer(long ms)
{
    struct itimerval t;
    memset(&t, 0, sizeof t);
    t.it_value.tv_sec = ms / 1000;
    t.it_value.tv_usec = (ms % 1000) * 1000;
    setitimer(ITIMER_PROF, &t, NULL);
}

static void run_body(void);

static void run_one(void)
{
    int sig = sigsetjmp(run_escape, 1);
    if (sig == 0) {
        run_steps = 0;
        run_active = 1;
        set_run_timer(RUN_LIMIT_MS);
        run_body();
        set_run_timer(0);
        run_active = 0;
        return;
    }
    set_run_timer(0);
    if (sig == SIGPROF || sig == SIGUSR1)
        run_timeouts++;
    else
        run_faults++;
    if (verbose) {
        fprintf(stderr, "scenarios: %s in ", sig == SIGPROF ? "time limit" : sig == SIGUSR1 ? "loop limit" : "fault");
        describe(stderr);
        fprintf(stderr, "\n");
    }
    send_rules();
}

static void run_body(void)
{
    PDEVICE_OBJECT bottom;
    PDEVICE_OBJECT top = build_stack(cur.layers, cur.depth, &bottom);
    if (top == NULL || bottom == NULL) {
        fprintf(stderr, "scenarios: could not build the stack\n");
        return;
    }
    LOWEST_EXTENSION *low = bottom->DeviceExtension;
    low->CompleteInline = cur.mode == M_INLINE_OK || cur.mode == M_INLINE_ERR;
    low->TransferStatus = cur.mode == M_INLINE_ERR || cur.mode == M_DPC_ERR ? DEVICE_ERROR
                                                                            : STATUS_SUCCESS;
    cur.hook_calls = 0;
    cur.newest_request = -1;
    irpc_sched_hook = sched_hook;
    irpc_violation_hook = on_finding;

    PFILE_OBJECT file = IrpcOpenFile(top);
    int first = submit(file, cur.request);
    cur.newest_request = first;
    switch (cur.kind) {
    case K_TWO:
        cur.newest_request = submit(file, cur.request);
        break;
    case K_CANCEL:
        if (first >= 0)
            IrpcCancelRequest(first);
        break;
    case K_CLEANUP:
        cur.newest_request = submit(file, cur.request);
        IrpcCleanupFile(file);
        break;
    default:
        break;
    }
    IrpcQuiesce();
    send_rules();
}

static void run_stack(const int *layers, int depth)
{
    memcpy(cur.layers, layers, sizeof cur.layers);
    cur.depth = depth;
    for (cur.mode = 0; cur.mode < M_COUNT; cur.mode++)
        for (cur.request = 0; cur.request < R_COUNT; cur.request++)
            for (cur.schedule = 0; cur.schedule < S_COUNT; cur.schedule++)
                for (cur.kind = 0; cur.kind < K_COUNT; cur.kind++)
                    run_one();
}

/* Runs one stack in a child; returns the rules it found. */
static uint64_t run_stack_isolated(const int *layers, int depth, int *troubles)
{
    int fds[2];
    uint64_t all = 0;
    if (pipe(fds) != 0) {
        perror("scenarios: pipe");
        exit(2);
    }
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        perror("scenarios: fork");
        exit(2);
    }
    if (pid == 0) {
        close(fds[0]);
        out_fd = fds[1];
        reported = 0;
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_fault;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = SA_NODEFER;
        sigaction(SIGPROF, &sa, NULL);
        sigaction(SIGSEGV, &sa, NULL);
        sigaction(SIGBUS, &sa, NULL);
        sigaction(SIGFPE, &sa, NULL);
        sigaction(SIGILL, &sa, NULL);
        sigaction(SIGABRT, &sa, NULL);
        run_stack(layers, depth);
        send_message(MSG_TROUBLE, ((uint64_t)run_faults << 32) | (uint64_t)run_timeouts);
        fflush(stderr);
        _exit(0);
    }
    close(fds[1]);
    uint64_t m[2];
    while (read(fds[0], m, sizeof m) == (ssize_t)sizeof m) {
        if (m[0] == MSG_RULES) {
            all |= m[1];
        } else if (m[0] == MSG_TROUBLE) {
            total_faults += (int)(m[1] >> 32);
            total_timeouts += (int)(m[1] & 0xffffffffu);
        }
    }
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        (*troubles)++;
        cur.depth = depth;
        memcpy(cur.layers, layers, sizeof cur.layers);
        fprintf(stderr, "scenarios: ");
        describe(stderr);
        if (WIFSIGNALED(status))
            fprintf(stderr, ": child %s (signal %d) - scenario values above are the last started\n",
                    WTERMSIG(status) == SIGPROF ? "timed out" : "crashed", WTERMSIG(status));
        else
            fprintf(stderr, ": child exited %d\n", WEXITSTATUS(status));
    }
    return all;
}

int main(int argc, char **argv)
{
    int focus = -1;
    int max_depth = MAX_DEPTH;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-v") == 0) {
            verbose = 1;
        } else if (strcmp(argv[i], "--focus") == 0 && i + 1 < argc) {
            const char *name = argv[++i];
            for (int d = 0; d < D_COUNT; d++)
                if (strcmp(name, driver_names[d]) == 0)
                    focus = d;
            if (focus < 0 && strcmp(name, "all") != 0) {
                fprintf(stderr, "scenarios: unknown driver %s\n", name);
                return 2;
            }
        } else if (strcmp(argv[i], "--max-depth") == 0 && i + 1 < argc) {
            max_depth = atoi(argv[++i]);
            if (max_depth < 1 || max_depth > MAX_DEPTH)
                max_depth = MAX_DEPTH;
        } else {
            fprintf(stderr, "usage: %s [-v] [--focus DRIVER] [--max-depth N]\n", argv[0]);
            return 2;
        }
    }
    if (focus == D_LOWEST)
        focus = -1;

    uint64_t all = 0;
    int stacks = 0, troubles = 0;
    for (int depth = 1; depth <= max_depth; depth++) {
        int uppers = depth - 1;
        int combos = 1;
        for (int i = 0; i < uppers; i++)
            combos *= D_COUNT - 1;
        for (int c = 0; c < combos; c++) {
            int layers[MAX_DEPTH] = { D_LOWEST, 0, 0, 0 };
            int x = c, has_focus = focus < 0;
            for (int i = 1; i < depth; i++) {
                layers[i] = 1 + x % (D_COUNT - 1);
                x /= D_COUNT - 1;
                if (layers[i] == focus)
                    has_focus = 1;
            }
            if (!has_focus)
                continue;
            all |= run_stack_isolated(layers, depth, &troubles);
            stacks++;
        }
    }
    for (int rule = 0; rule <= IRPC_RULE_COUNT; rule++)
        if (all & ((uint64_t)1 << rule))
            printf("%s\n", IrpcRuleName(rule));
    if (verbose || troubles > 0 || total_faults > 0 || total_timeouts > 0)
        fprintf(stderr, "scenarios: %d stacks, %d runs each; %d runs faulted, %d hit the time or loop limit, "
                "%d stack processes died\n", stacks, M_COUNT * R_COUNT * S_COUNT * K_COUNT,
                total_faults, total_timeouts, troubles);
    return 0;
}
