/*
 * layers.c - the C side of the spin model: the layers' steps, completion
 * routines, cancel routine and DPC, written after the sample drivers
 * (src/drivers/) but cut at the points where another processor can
 * interleave.  Everything else is the reference implementation itself.
 *
 * Two pieces of the reference are re-stated here because they run a
 * driver routine to its end in one C call, which a step cannot do:
 *   - IrpcSubmit (application request set-up, then IofCallDriver): m_submit
 *     does the same set-up and calls IrpcCallBegin; m_return(0) does
 *     IrpcCallEnd and records what the application got back.
 *   - IrpcRunDeferred (dequeue a DPC, raise IRQL, open a DPC frame, run the
 *     routine): m_dpc_begin / m_dpc_end, with the routine as steps between.
 * model/conformance.sh checks that the model and the monolithic reference
 * (IrpcSubmit, IrpcRunAllDeferred, the sample drivers) give the same
 * deliveries and statuses on small configurations.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include "layers.h"
#include "irpc_internal.h"

MDL_STATE mdl;

/* pan's error reporting and replay flag */
extern void (*uerror)(char *);
extern int readtrail;

/* ---- the state spin compares ---------------------------------------------
 * irpc.pml tracks `irpc`, `irpc_mp` (the processors), `irpc_cpu` and `mdl`
 * UnMatched: spin saves and restores them along the search but does not
 * compare them.  It compares m_sig, which m_sign() fills after every step:
 * the four objects are cut into parts (each
 * IRP, the life records, each processor, the requests, each level's
 * bookkeeping ...; together they cover every byte), every distinct value of
 * a part is stored once in an intern table, and m_sig holds one number per
 * part: the index of its value in that table.  The table only grows and
 * compares whole byte strings, so two states have equal signatures exactly
 * when their four objects are equal byte for byte: matching on m_sig is
 * matching on the whole state, without approximation (tree compression,
 * done here because spin's own -DCOLLAPSE cuts the vector only per
 * process).  The vector shrinks from the objects (9-12 KB) to 4 bytes a part.
 *
 * Before cutting, m_sign clears what no later step can read (dead data), so
 * that states that differ only there are one state; see m_dead().
 *
 * The table lives outside pan's own memory accounting: sig_report() prints
 * the process's peak memory, which model/run.sh reports. */
uint32_t m_sig[MDL_SIG_PARTS];

typedef struct {
    uint64_t hash;
    uint32_t len;
    uint64_t at;                 /* offset of the value in `arena` */
} MDL_INTERNED;

static unsigned char *arena;     /* the distinct values, one after the other */
static uint64_t arena_len, arena_cap;
static uint32_t *slots;          /* open addressing on the hash: id = index in values + 1, 0 = empty */
static uint64_t table_cap, table_count;
static MDL_INTERNED *values;     /* by id - 1 */
static uint64_t values_cap;

/* the tracked objects, one after the other in one offset space: irpc,
 * irpc_mp (the processors), irpc_cpu (the running one), mdl (obj_start[k]
 * is where object k begins; obj_start[MDL_OBJECTS] the end) */
#define MDL_OBJECTS 4
static unsigned char *obj_base[MDL_OBJECTS];
static size_t obj_start[MDL_OBJECTS + 1];

/* the parts: [start, end) in that offset space; no part crosses from one
 * object to the next */
static size_t part_start[MDL_SIG_PARTS + 1];
static int part_count;
static unsigned char *last_value[MDL_SIG_PARTS];   /* the value each part had last time, and its id */
static uint32_t last_id[MDL_SIG_PARTS];

static void sig_fail(const char *what)
{
    fprintf(stderr, "model: %s\n", what);
    uerror((char *)what);
}

static void *sig_grow(void *p, size_t n)
{
    void *q = realloc(p, n);
    if (q == NULL) {
        fprintf(stderr, "model: out of memory for the intern table (%zu bytes)\n", n);
        exit(2);
    }
    return q;
}

static void add_boundary(size_t at)
{
    if (part_count > 0 && at <= part_start[part_count - 1])
        return;
    if (part_count == MDL_SIG_PARTS) {
        fprintf(stderr, "model: more state parts than MDL_SIG_PARTS\n");
        exit(2);
    }
    part_start[part_count++] = at;
}

static void set_objects(void)
{
    unsigned char *base[MDL_OBJECTS] = { (unsigned char *)&irpc, (unsigned char *)&irpc_mp,
                                         (unsigned char *)&irpc_cpu, (unsigned char *)&mdl };
    size_t size[MDL_OBJECTS] = { sizeof irpc, sizeof irpc_mp, sizeof irpc_cpu, sizeof mdl };
    obj_start[0] = 0;
    for (int k = 0; k < MDL_OBJECTS; k++) {
        obj_base[k] = base[k];
        obj_start[k + 1] = obj_start[k] + size[k];
    }
}

static const unsigned char *part_bytes(size_t at)
{
    int k = MDL_OBJECTS - 1;
    while (at < obj_start[k])
        k--;
    return obj_base[k] + (at - obj_start[k]);
}

/* the parts: every IRP slot, the life records, the devices and files (they
 * do not change), the requests, the rest of irpc; every processor, the
 * running processor's number; every level's bookkeeping, the rest of mdl.
 * Boundaries in increasing order, so the parts are contiguous and cover the
 * four objects. */
static void sig_parts(void)
{
    set_objects();
    const size_t mp = obj_start[1], m = obj_start[3];
    part_count = 0;
    for (int i = 0; i < IRPC_MAX_IRPS; i++)
        add_boundary(offsetof(IRPC_STATE_T, irps) + (size_t)i * sizeof(IRP));
    add_boundary(offsetof(IRPC_STATE_T, life));
    add_boundary(offsetof(IRPC_STATE_T, devices));
    add_boundary(offsetof(IRPC_STATE_T, requests));
    for (int c = 0; c < IRPC_MAX_CPUS; c++)
        add_boundary(mp + offsetof(IRPC_MP_T, cpus) + (size_t)c * sizeof(IRPC_CPU));
    add_boundary(obj_start[2]);
    add_boundary(m);
    for (int l = 0; l < MDL_MAX_LEVELS; l++)
        add_boundary(m + offsetof(MDL_STATE, lv) + (size_t)l * sizeof(MDL_LEVEL));
    add_boundary(m + offsetof(MDL_STATE, ndev));
    part_start[part_count] = obj_start[MDL_OBJECTS];
    for (int k = 0; k < part_count; k++)
        last_value[k] = sig_grow(last_value[k], part_start[k + 1] - part_start[k]);
    memset(last_id, 0, sizeof last_id);
}

static uint64_t hash_bytes(const unsigned char *p, size_t n)
{
    uint64_t h = 0x9E3779B97F4A7C15ull ^ n;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        h = (h ^ w) * 0xFF51AFD7ED558CCDull;
        h ^= h >> 32;
    }
    for (; i < n; i++)
        h = (h ^ p[i]) * 0x100000001B3ull;
    return h ^ (h >> 29);
}

static void table_put(uint32_t id)
{
    uint64_t mask = table_cap - 1, i = values[id - 1].hash & mask;
    while (slots[i] != 0)
        i = (i + 1) & mask;
    slots[i] = id;
}

/* the id of this value, interned if new */
static uint32_t intern(const unsigned char *p, size_t n)
{
    uint64_t h = hash_bytes(p, n);
    if (table_cap == 0 || 2 * (table_count + 1) > table_cap) {
        uint64_t cap = table_cap ? 2 * table_cap : (1u << 16);
        free(slots);
        slots = calloc(cap, sizeof *slots);
        if (slots == NULL) {
            fprintf(stderr, "model: out of memory for the intern table\n");
            exit(2);
        }
        table_cap = cap;
        for (uint64_t id = 1; id <= table_count; id++)
            table_put((uint32_t)id);
    }
    uint64_t mask = table_cap - 1, i = h & mask;
    for (; slots[i] != 0; i = (i + 1) & mask) {
        const MDL_INTERNED *v = &values[slots[i] - 1];
        if (v->hash == h && v->len == n && memcmp(arena + v->at, p, n) == 0)
            return slots[i];
    }
    if (table_count >= 0xFFFFFFFEu)
        sig_fail("more than 2^32 distinct values of a state part");
    if (arena_len + n > arena_cap) {
        arena_cap = arena_cap ? 2 * arena_cap : (1u << 20);
        while (arena_len + n > arena_cap)
            arena_cap *= 2;
        arena = sig_grow(arena, arena_cap);
    }
    if (table_count + 1 > values_cap) {
        values_cap = values_cap ? 2 * values_cap : (1u << 16);
        values = sig_grow(values, values_cap * sizeof *values);
    }
    memcpy(arena + arena_len, p, n);
    values[table_count] = (MDL_INTERNED){ h, (uint32_t)n, arena_len };
    arena_len += n;
    slots[i] = (uint32_t)++table_count;
    return slots[i];
}

/* the sizing of the table and the process's peak memory, in every run's log */
__attribute__((destructor)) static void sig_report(void)
{
    struct rusage ru;
    if (table_count == 0 || readtrail)
        return;
    getrusage(RUSAGE_SELF, &ru);
    fflush(stdout);
    fprintf(stderr, "model: %d state parts, %llu distinct part values (%.1f MB interned)\n", part_count,
            (unsigned long long)table_count, (double)(arena_len + table_cap * sizeof *slots +
                                                      values_cap * sizeof *values) / 1048576.0);
    fprintf(stderr, "model: peak memory %.1f MB\n", (double)ru.ru_maxrss / 1024.0);
}

/* Dead data: the steps never read it before writing it again.
 *  - irpc_cpu: every step selects its processor first (m_step);
 *  - frames above a processor's frame count: IrpcPushFrame zeroes a frame
 *    before using it;
 *  - DPC queue entries past deferred_count (m_dpc_begin clears the one it
 *    frees; the reference writes the entry it adds). */
void m_dead(void)
{
    irpc_cpu = 0;
    for (int c = 0; c < IRPC_MAX_CPUS; c++)
        for (int f = irpc_mp.cpus[c].frame_count; f < IRPC_MAX_FRAMES; f++)
            IrpcZero(&irpc_mp.cpus[c].frames[f], sizeof irpc_mp.cpus[c].frames[f]);
    for (int d = irpc.deferred_count; d < IRPC_MAX_DEFERRED; d++) {
        irpc.deferred[d] = NULL;
        irpc.deferred_dev[d] = 0;
    }
}

void m_sign(void)
{
    if (part_count == 0)
        sig_parts();
    m_dead();
    for (int k = 0; k < part_count; k++) {
        const unsigned char *p = part_bytes(part_start[k]);
        size_t n = part_start[k + 1] - part_start[k];
        if (last_id[k] == 0 || memcmp(p, last_value[k], n) != 0) {
            last_id[k] = intern(p, n);
            memcpy(last_value[k], p, n);
        }
        m_sig[k] = last_id[k];
    }
}


static IO_COMPLETION_ROUTINE m_prop_routine;
static IO_COMPLETION_ROUTINE m_wait_routine;
static IO_COMPLETION_ROUTINE m_alloc_routine;
static IO_COMPLETION_ROUTINE m_sync_routine;
static DRIVER_CANCEL m_cancel_routine;
static KDEFERRED_ROUTINE m_dpc_routine;

/* ---- the readable trail ----------------------------------------------- */
static int ev_done;                  /* events already tagged and printed */

static const char *cpu_name(int cpu)
{
    switch (cpu) {
    case 0: return "cpu0 application thread (dispatch routines)";
    case 1: return "cpu1 DPC";
    case 2: return "cpu2 IoCancelIrp";
    default: return "?";
    }
}

static void who(int dev)
{
    if (dev >= 0)
        printf("dev %d", dev + 1);
    else
        printf("I/O manager");
}

static void print_event(const IRPC_EVENT *e)
{
    switch (e->kind) {
    case IRPC_EV_CALL: printf("IoCallDriver(dev %d, irp %d)", e->dev + 1, e->irp + 1); break;
    case IRPC_EV_CALL_RET:
        printf("IoCallDriver(dev %d, irp %d) returned %s", e->dev + 1, e->irp + 1, IrpcStatusName(e->status));
        break;
    case IRPC_EV_COMPLETE:
        who(e->dev);
        printf(": IoCompleteRequest(irp %d, %s)", e->irp + 1, IrpcStatusName(e->status));
        break;
    case IRPC_EV_ROUTINE:
        printf("completion routine of %s", e->aux ? "the creator, " : "");
        who(e->dev);
        printf(", ran for irp %d and returned %s", e->irp + 1, IrpcStatusName(e->status));
        break;
    case IRPC_EV_MARK: who(e->dev); printf(": IoMarkIrpPending(irp %d)", e->irp + 1); break;
    case IRPC_EV_DELIVER:
        printf("irp %d delivered to its creator with %s", e->irp + 1, IrpcStatusName(e->status));
        break;
    case IRPC_EV_ALLOC: who(e->dev); printf(": irp %d created (kind %d)", e->irp + 1, e->aux); break;
    case IRPC_EV_FREE: who(e->dev); printf(": IoFreeIrp(irp %d)", e->irp + 1); break;
    case IRPC_EV_DPC: printf("DPC of "); who(e->dev); printf(" starts"); break;
    case IRPC_EV_CANCEL:
        printf("IoCancelIrp(irp %d): %s", e->irp + 1, e->aux ? "cancel routine taken" : "no cancel routine set");
        break;
    case IRPC_EV_CANCEL_ROUTINE: printf("cancel routine of "); who(e->dev); printf(" runs for irp %d", e->irp + 1); break;
    case IRPC_EV_WAIT: who(e->dev); printf(": KeWaitForSingleObject"); break;
    case IRPC_EV_SET_EVENT: who(e->dev); printf(": KeSetEvent"); break;
    case IRPC_EV_ALLOC_FAIL: who(e->dev); printf(": creation of an IRP (kind %d) failed", e->aux); break;
    case IRPC_EV_VIOLATION:
        printf("VIOLATION %s", IrpcRuleName(e->aux));
        if (e->irp >= 0)
            printf(" on irp %d", e->irp + 1);
        break;
    default: printf("?");
    }
}

/* Events since the last call happened on the processor now selected. */
static void flush_events(void)
{
    int n = irpc_event_count < IRPC_MAX_EVENTS ? irpc_event_count : IRPC_MAX_EVENTS;
    if (readtrail)
        for (int i = ev_done; i < n; i++) {
            printf("  | %-44s | ", cpu_name(irpc_cpu));
            print_event(&irpc_events[i]);
            printf("\n");
        }
    ev_done = n;
}

static void m_hook(const IRPC_FINDING *f);

void m_step(int cpu)
{
    /* set at every step: a -DNCORE worker may not have run m_init itself */
    irpc_violation_hook = m_hook;
    flush_events();
    irpc_cpu = cpu;
}

static void m_hook(const IRPC_FINDING *f)
{
    static char buf[256];
    snprintf(buf, sizeof buf, "IRPC %s: %s", IrpcRuleName(f->rule), f->message);
    if (readtrail) {
        flush_events();
        printf("  | %-44s | ", cpu_name(irpc_cpu));
        if (f->file != NULL)
            printf("%s:%d: ", f->file, f->line);
        printf("rule %s violated: %s\n", IrpcRuleName(f->rule), f->message);
    }
    uerror(buf);
}

/* ---- set-up ----------------------------------------------------------- */
static int dev_of(int level) { return mdl.ndev - 1 - level; }
static PIRP irp_of(int level) { return &irpc.irps[mdl.lv[level].slot]; }
static MDL_LOWEST *lowest(int dev) { return irpc.devices[dev].DeviceExtension; }

static const char *pattern_name(int p)
{
    switch (p) {
    case P_SKIP: return "skip and forward (passthru)";
    case P_COPY: return "copy, propagating completion routine, forward (propagate)";
    case P_WAIT: return "forward and wait, complete again (fwdwait)";
    case P_ALLOC: return "create an IRP, free it in its routine (allocirp)";
    case P_ASYNC_FSD: return "build a read (IoBuildAsynchronousFsdRequest), free it in its routine (asyncfsd)";
    case P_DONE_OK: return "complete at once with STATUS_SUCCESS";
    case P_DONE_ERR: return "complete at once with STATUS_INVALID_PARAMETER";
    case P_PEND: return "mark pending, queue with cancel routine, DPC (lowest)";
    case P_SYNC: return "synchronous IOCTL (IoBuildDeviceIoControlRequest), wait, complete (syncioctl)";
    case P_SYNC_FSD: return "synchronous read (IoBuildSynchronousFsdRequest), wait, complete";
    default: return "?";
    }
}

void m_init(int ndev, const unsigned char *pattern, int bug, int total)
{
    IrpcReset();
    IrpcZero(&mdl, sizeof mdl);
    ev_done = 0;
    irpc_violation_hook = m_hook;
    mdl.ndev = ndev;
    mdl.bug = bug;
    mdl.total = total;
    for (int d = 0; d < ndev; d++) {
        IrpcInitDriver(&mdl.drivers[d]);
        PDEVICE_OBJECT dev = IrpcCreateDevice(&mdl.drivers[d], d == 0 ? NULL : &irpc.devices[d - 1]);
        if (d == 0 && dev != NULL) {
            MDL_LOWEST *x = dev->DeviceExtension;
            KeInitializeSpinLock(&x->QueueLock);
            InitializeListHead(&x->Queue);
            KeInitializeDpc(&x->Dpc, m_dpc_routine, dev);
        }
    }
    IrpcOpenFile(&irpc.devices[ndev - 1]);
    for (int l = 0; l < MDL_MAX_LEVELS; l++)
        mdl.lv[l].own = -1;
    if (readtrail) {
        printf("  | stack of %d device%s (top first; a pattern not fixed here is chosen when the first request reaches the layer):\n",
               ndev, ndev == 1 ? "" : "s");
        for (int l = 0; l < ndev; l++)
            if (pattern[l] != 0)
                printf("  |   dev %d: %s\n", dev_of(l) + 1, pattern_name(pattern[l]));
        if (bug != BUG_NONE)
            printf("  |   seeded bug %d\n", bug);
    }
}

void m_chosen(int level, int pattern)
{
    if (readtrail)
        printf("  | (dev %d takes its pattern as the first request reaches it: %s)\n", dev_of(level) + 1,
               pattern_name(pattern));
}

/* IrpcSubmit's set-up, then the first half of its IofCallDriver */
int m_submit(int request, int cleanup)
{
    PFILE_OBJECT file = &irpc.files[0];
    PDEVICE_OBJECT top = file->DeviceObject;
    IRPC_REQUEST *q = &irpc.requests[request];
    mdl.cur = request;
    mdl.nreq = request + 1;
    int slot = IrpcNewIrp(top->StackSize, IRPC_KIND_APP, IRPC_NOBODY);
    if (slot < 0) {
        IrpcReport(IRPC_DEADLOCK, -1, "model: IRP pool too small for the configuration");
        return 0;
    }
    IrpcZero(q, sizeof *q);
    q->used = 1;
    q->irp = slot;
    q->iosb.Status = (NTSTATUS)0xFFFFFFFF;
    KeInitializeEvent(&q->event, NotificationEvent, FALSE);
    PIRP irp = &irpc.irps[slot];
    irpc.life[slot].request = request;
    irp->Tail.Overlay.Thread = &irpc.app_thread;
    irp->Tail.Overlay.OriginalFileObject = file;
    irp->UserIosb = &q->iosb;
    irp->UserEvent = &q->event;
    irp->RequestorMode = UserMode;
    PIO_STACK_LOCATION next = &irp->IrpcStack[irp->StackCount - 1];
    next->MajorFunction = cleanup ? IRP_MJ_CLEANUP : IRP_MJ_READ;
    next->FileObject = file;
    next->Parameters.Read.Length = cleanup ? 0 : 16;
    mdl.lv[0].slot = slot;
    mdl.lv[0].own = -1;
    if (!IrpcCallBegin(top, irp, &mdl.lv[0].call)) {
        q->returned = mdl.lv[0].call.refused;
        q->returned_set = TRUE;
        return 0;
    }
    return 1;
}

int m_call_lower(int level, int slot)
{
    MDL_LEVEL *below = &mdl.lv[level + 1];
    IrpcSetSite(__FILE__, __LINE__);
    int entered = IrpcCallBegin(&irpc.devices[dev_of(level + 1)], &irpc.irps[slot], &below->call);
    if (entered) {
        below->slot = slot;
        below->own = -1;
    } else {
        mdl.lv[level].lower = below->call.refused;
    }
    return entered;
}

void m_return(int level)
{
    NTSTATUS st = IrpcCallEnd(&mdl.lv[level].call, mdl.lv[level].ret);
    if (level == 0) {
        irpc.requests[mdl.cur].returned = st;
        irpc.requests[mdl.cur].returned_set = TRUE;
    } else {
        mdl.lv[level - 1].lower = st;
    }
    /* the dispatch routine has returned: its locals are dead (a driver that
     * did not wait may still have its event or status block written through
     * a dangling pointer, into these zeroes, as into a dead stack frame) */
    IrpcZero(&mdl.lv[level], sizeof mdl.lv[level]);
    mdl.lv[level].own = -1;
}

int m_slot(int level)
{
    return mdl.lv[level].slot;
}

/* ---- filters ------------------------------------------------------------ */
void m_skip(int level)
{
    IoSkipCurrentIrpStackLocation(irp_of(level));
}

void m_after_forward(int level)
{
    if (mdl.bug == BUG_TOUCH_AFTER_CALL)
        IoGetCurrentIrpStackLocation(irp_of(level));   /* the IRP is not ours any more */
    mdl.lv[level].ret = mdl.lv[level].lower;
}

static NTSTATUS m_prop_routine(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    UNREFERENCED_PARAMETER(Context);
    if (Irp->PendingReturned && mdl.bug != BUG_PROP_NO_MARK)
        IoMarkIrpPending(Irp);
    return STATUS_CONTINUE_COMPLETION;
}

void m_copy(int level)
{
    PIRP irp = irp_of(level);
    IoCopyCurrentIrpStackLocationToNext(irp);
    IoSetCompletionRoutine(irp, m_prop_routine, NULL, TRUE, TRUE, TRUE);
}

void m_touch(int level)
{
    IoGetCurrentIrpStackLocation(irp_of(level));
}

/* forward and wait */
static NTSTATUS m_wait_routine(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    UNREFERENCED_PARAMETER(Irp);
    KeSetEvent((PKEVENT)Context, IO_NO_INCREMENT, FALSE);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

void m_wait_setup(int level)
{
    PIRP irp = irp_of(level);
    KeInitializeEvent(&mdl.lv[level].event, NotificationEvent, FALSE);
    IoCopyCurrentIrpStackLocationToNext(irp);
    IoSetCompletionRoutine(irp, m_wait_routine, &mdl.lv[level].event, TRUE, TRUE, TRUE);
}

int m_wait_ready(int level)
{
    return mdl.lv[level].lower != STATUS_PENDING || KeReadStateEvent(&mdl.lv[level].event) != 0;
}

void m_wait(int level)
{
    if (mdl.lv[level].lower == STATUS_PENDING)
        KeWaitForSingleObject(&mdl.lv[level].event, Executive, KernelMode, FALSE, NULL);
}

void m_wait_complete(int level)
{
    PIRP irp = irp_of(level);
    NTSTATUS st = irp->IoStatus.Status;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
    mdl.lv[level].ret = st;
}

/* create an IRP of its own */
static NTSTATUS m_alloc_routine(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    PIRP original = Context;
    UNREFERENCED_PARAMETER(DeviceObject);
    original->IoStatus = Irp->IoStatus;
    if (mdl.bug != BUG_ALLOC_NO_FREE)
        IoFreeIrp(Irp);
    IoCompleteRequest(original, IO_NO_INCREMENT);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

/* the buffer of the reads P_ASYNC_FSD builds: nothing writes it (the model's
 * lowest driver moves no data), so it is not part of the state */
static unsigned char m_read_buffer[512];

/* P_ALLOC (allocirp.c): IoAllocateIrp, the current location's request
 * copied into the next one; P_ASYNC_FSD (asyncfsd.c): a read built with
 * IoBuildAsynchronousFsdRequest, which sets the next location itself.  Both:
 * a routine for all three outcomes that frees the IRP, completes the
 * original and stops completion; the original is pended. */
int m_alloc(int level, int fsd)
{
    PIRP irp = irp_of(level);
    PDEVICE_OBJECT lower = &irpc.devices[dev_of(level + 1)];
    PIRP own = fsd ? IoBuildAsynchronousFsdRequest(IRP_MJ_READ, lower, m_read_buffer, sizeof m_read_buffer, NULL, NULL)
                   : IoAllocateIrp(lower->StackSize, FALSE);
    if (own == NULL) {
        irp->IoStatus.Status = STATUS_INSUFFICIENT_RESOURCES;
        irp->IoStatus.Information = 0;
        IoCompleteRequest(irp, IO_NO_INCREMENT);
        mdl.lv[level].ret = STATUS_INSUFFICIENT_RESOURCES;
        return 0;
    }
    PIO_STACK_LOCATION mine = IoGetCurrentIrpStackLocation(irp);
    PIO_STACK_LOCATION next = IoGetNextIrpStackLocation(own);
    if (!fsd) {
        next->MajorFunction = mine->MajorFunction;
        next->Parameters = mine->Parameters;
    }
    next->FileObject = mine->FileObject;
    IoSetCompletionRoutine(own, m_alloc_routine, irp, TRUE, TRUE, TRUE);
    IoMarkIrpPending(irp);
    mdl.lv[level].own = IrpcIrpSlot(own);
    return 1;
}

int m_own(int level)
{
    return mdl.lv[level].own;
}

void m_alloc_after(int level)
{
    if (mdl.bug == BUG_ALLOC_FREE_EARLY)
        IoFreeIrp(&irpc.irps[mdl.lv[level].own]);   /* a driver below may still hold it */
    mdl.lv[level].ret = STATUS_PENDING;
}

void m_complete_now(int level, NTSTATUS status)
{
    PIRP irp = irp_of(level);
    irp->IoStatus.Status = status;
    irp->IoStatus.Information = 0;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
    mdl.lv[level].ret = status;
}

/* a synchronous IRP (syncioctl.c): build it with the event and status block
 * it waits on, send it, wait on the event if IoCallDriver returned
 * STATUS_PENDING, read the status block, complete the original request.
 * The I/O manager signals the event and frees the built IRP.  The model's
 * application sends reads: this layer answers them the way syncioctl.c
 * answers a device-control request (a transfer IOCTL, or a read of the same
 * length from IoBuildSynchronousFsdRequest). */
#define MDL_IOCTL_TRANSFER 0x00222004u   /* IOCTL_SAMPLE_TRANSFER (src/drivers/drivers.h) */

static NTSTATUS m_sync_routine(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    /* seeded bug: the creator signals the event the I/O manager signals */
    UNREFERENCED_PARAMETER(DeviceObject);
    UNREFERENCED_PARAMETER(Irp);
    KeSetEvent((PKEVENT)Context, IO_NO_INCREMENT, FALSE);
    return STATUS_CONTINUE_COMPLETION;
}

int m_sync_build(int level, int fsd)
{
    MDL_LEVEL *lv = &mdl.lv[level];
    PIRP irp = irp_of(level);
    PDEVICE_OBJECT lower = &irpc.devices[dev_of(level + 1)];
    ULONG length = IoGetCurrentIrpStackLocation(irp)->Parameters.Read.Length;
    lv->iosb.Status = STATUS_UNSUCCESSFUL;
    lv->iosb.Information = 0;
    KeInitializeEvent(&lv->event, NotificationEvent, FALSE);
    PIRP built = fsd ? IoBuildSynchronousFsdRequest(IRP_MJ_READ, lower, NULL, length, NULL, &lv->event, &lv->iosb)
                     : IoBuildDeviceIoControlRequest(MDL_IOCTL_TRANSFER, lower, NULL, 0, NULL, length, FALSE,
                                                     &lv->event, &lv->iosb);
    if (built == NULL) {
        m_complete_now(level, STATUS_INSUFFICIENT_RESOURCES);
        return 0;
    }
    if (mdl.bug == BUG_SYNC_ROUTINE_EVENT)
        IoSetCompletionRoutine(built, m_sync_routine, &lv->event, TRUE, TRUE, TRUE);
    lv->own = IrpcIrpSlot(built);
    return 1;
}

/* seeded bug: on STATUS_PENDING the driver signals the event itself (while
 * the built IRP may still be queued below) and then waits */
void m_sync_signal(int level)
{
    if (mdl.bug == BUG_SYNC_DRIVER_EVENT && mdl.lv[level].lower == STATUS_PENDING)
        KeSetEvent(&mdl.lv[level].event, IO_NO_INCREMENT, FALSE);
}

/* after the wait (m_wait) when IoCallDriver returned STATUS_PENDING */
void m_sync_complete(int level)
{
    MDL_LEVEL *lv = &mdl.lv[level];
    PIRP irp = irp_of(level);
    NTSTATUS status = lv->lower;
    if (status == STATUS_PENDING)
        status = lv->iosb.Status;   /* BUG_SYNC_NO_WAIT: read before the I/O manager wrote it */
    if (mdl.bug == BUG_SYNC_FREE)
        IoFreeIrp(&irpc.irps[lv->own]);   /* the I/O manager frees it, not the driver */
    irp->IoStatus.Status = status;
    irp->IoStatus.Information = NT_SUCCESS(status) ? lv->iosb.Information : 0;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
    lv->ret = status;
}

/* ---- the lowest driver ---------------------------------------------------- */
void m_pend_mark(int level)
{
    IoMarkIrpPending(irp_of(level));
}

int m_lock_free(int dev)
{
    return lowest(dev)->QueueLock == 0;
}

void m_lock(int level)
{
    KeAcquireSpinLock(&lowest(dev_of(level))->QueueLock, &mdl.lv[level].irql);
}

void m_unlock(int level)
{
    KeReleaseSpinLock(&lowest(dev_of(level))->QueueLock, mdl.lv[level].irql);
}

int m_pend_queue(int level)
{
    PIRP irp = irp_of(level);
    MDL_LOWEST *x = lowest(dev_of(level));
    IoSetCancelRoutine(irp, m_cancel_routine);
    if (irp->Cancel && IoSetCancelRoutine(irp, NULL) != NULL) {
        /* cancelled before it was queued; its cancel routine will not run */
        KeReleaseSpinLock(&x->QueueLock, mdl.lv[level].irql);
        irp->IoStatus.Status = STATUS_CANCELLED;
        irp->IoStatus.Information = 0;
        IoCompleteRequest(irp, IO_NO_INCREMENT);
        mdl.lv[level].ret = STATUS_PENDING;
        return 1;
    }
    InsertTailList(&x->Queue, &irp->Tail.Overlay.ListEntry);
    return 0;
}

void m_pend_dpc(int level)
{
    KeInsertQueueDpc(&lowest(dev_of(level))->Dpc, NULL, NULL);
    mdl.lv[level].ret = STATUS_PENDING;
}

/* DispatchCleanup: under the lock, take every queued IRP of the file off the
 * queue, keeping those whose cancel routine it can take back; then complete
 * those; then the cleanup IRP */
void m_cleanup_collect(int level)
{
    PIRP irp = irp_of(level);
    MDL_LOWEST *x = lowest(dev_of(level));
    PFILE_OBJECT file = IoGetCurrentIrpStackLocation(irp)->FileObject;
    PLIST_ENTRY mine = &mdl.lv[level].mine;
    InitializeListHead(mine);
    PLIST_ENTRY entry = x->Queue.Flink;
    while (entry != &x->Queue) {
        PLIST_ENTRY next = entry->Flink;
        PIRP queued = CONTAINING_RECORD(entry, IRP, Tail.Overlay.ListEntry);
        if (IoGetCurrentIrpStackLocation(queued)->FileObject == file) {
            /* off the queue in both cases: lowest.c leaves an IRP whose cancel
             * routine IoCancelIrp already took on the queue, and the model
             * finds CleanupCompletesQueued on that race (see README) */
            RemoveEntryList(entry);
            if (IoSetCancelRoutine(queued, NULL) == NULL || mdl.bug == BUG_CLEANUP_DROPS)
                InitializeListHead(entry);   /* its cancel routine completes it (or: forgotten) */
            else
                InsertTailList(mine, entry);
        }
        entry = next;
    }
}

int m_cleanup_one(int level)
{
    PLIST_ENTRY mine = &mdl.lv[level].mine;
    if (IsListEmpty(mine))
        return 0;
    PLIST_ENTRY entry = RemoveHeadList(mine);
    InitializeListHead(entry);
    PIRP queued = CONTAINING_RECORD(entry, IRP, Tail.Overlay.ListEntry);
    queued->IoStatus.Status = STATUS_CANCELLED;
    queued->IoStatus.Information = 0;
    IoCompleteRequest(queued, IO_NO_INCREMENT);
    return 1;
}

void m_cleanup_finish(int level)
{
    m_complete_now(level, STATUS_SUCCESS);
}

/* ---- the DPC, on processor 1 -------------------------------------------- */
static VOID m_dpc_routine(PKDPC Dpc, PVOID DeferredContext, PVOID SystemArgument1, PVOID SystemArgument2)
{
    /* never called: the model runs the DPC as steps (m_dpc_*) */
    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(DeferredContext);
    UNREFERENCED_PARAMETER(SystemArgument1);
    UNREFERENCED_PARAMETER(SystemArgument2);
}

int m_dpc_ready(void)
{
    return irpc.deferred_count > 0;
}

/* IrpcRunDeferred's prologue for one item */
void m_dpc_begin(void)
{
    IRPC_CPU *c = IRPC_THIS_CPU;
    PKDPC dpc = irpc.deferred[0];
    int dev = irpc.deferred_dev[0];
    for (int i = 1; i < irpc.deferred_count; i++) {
        irpc.deferred[i - 1] = irpc.deferred[i];
        irpc.deferred_dev[i - 1] = irpc.deferred_dev[i];
    }
    irpc.deferred_count--;
    irpc.deferred[irpc.deferred_count] = NULL;
    irpc.deferred_dev[irpc.deferred_count] = 0;
    dpc->Inserted = FALSE;
    mdl.dpc_old_irql = c->irql;
    c->irql = DISPATCH_LEVEL;
    c->in_deferred = 1;
    mdl.dpc_dev = IrpcDeviceIndex(dpc->DeferredContext);
    IrpcTrace(IRPC_EV_DPC, dev, -1, 0, 0);
    IrpcPushFrame(IRPC_FRAME_DPC, dev, -1);
}

int m_dpc_lock_free(void)
{
    return m_lock_free(mdl.dpc_dev);
}

void m_dpc_lock(void)
{
    KeAcquireSpinLock(&lowest(mdl.dpc_dev)->QueueLock, &mdl.dpc_lock_irql);
}

int m_dpc_take(void)
{
    MDL_LOWEST *x = lowest(mdl.dpc_dev);
    if (IsListEmpty(&x->Queue)) {
        KeReleaseSpinLock(&x->QueueLock, mdl.dpc_lock_irql);
        mdl.dpc_slot = -1;
        return 0;
    }
    PLIST_ENTRY entry = RemoveHeadList(&x->Queue);
    InitializeListHead(entry);
    mdl.dpc_slot = IrpcIrpSlot(CONTAINING_RECORD(entry, IRP, Tail.Overlay.ListEntry));
    return 1;
}

int m_dpc_claim(void)
{
    MDL_LOWEST *x = lowest(mdl.dpc_dev);
    PIRP irp = &irpc.irps[mdl.dpc_slot];
    int mine = 1;
    if (mdl.bug == BUG_DPC_IGNORES_CANCEL)
        IoSetCancelRoutine(irp, NULL);            /* result ignored */
    else if (mdl.bug != BUG_DPC_KEEPS_CANCEL)
        mine = IoSetCancelRoutine(irp, NULL) != NULL;   /* NULL: the cancel routine completes it */
    KeReleaseSpinLock(&x->QueueLock, mdl.dpc_lock_irql);
    return mine;
}

void m_dpc_complete(void)
{
    PIRP irp = &irpc.irps[mdl.dpc_slot];
    irp->IoStatus.Status = STATUS_SUCCESS;
    irp->IoStatus.Information = 16;
    IoCompleteRequest(irp, IO_DISK_INCREMENT);
}

void m_dpc_end(void)
{
    IRPC_CPU *c = IRPC_THIS_CPU;
    IrpcPopFrame();
    c->in_deferred = 0;
    c->irql = mdl.dpc_old_irql;
    mdl.dpc_slot = 0;
    mdl.dpc_dev = 0;
}

/* ---- cancel, on processor 2 ---------------------------------------------- */
int m_cancel_possible(int request)
{
    return request < mdl.nreq && irpc.cancel_lock == 0;
}

/* first half of the cancel routine, called by IoCancelIrp with the cancel
 * spin lock held; the rest needs the queue lock and runs as later steps */
static VOID m_cancel_routine(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    IoReleaseCancelSpinLock(Irp->CancelIrql);
    mdl.cancel_active = 1;
    mdl.cancel_dev = IrpcDeviceIndex(DeviceObject);
    mdl.cancel_slot = IrpcIrpSlot(Irp);
}

int m_cancel(int request)
{
    IrpcCancelRequest(request);
    return mdl.cancel_active;
}

/* The creator of a synchronous IRP whose wait timed out cancels it, then
 * waits again (the usual timeout pattern): possible while a level that built
 * one got STATUS_PENDING from IoCallDriver and its event is not signalled
 * yet - the I/O manager signals it when it delivers the IRP, just before
 * freeing it (on Windows the IRP's final completion runs in the waiting
 * thread, so it cannot be freed while its creator is about to cancel it). */
static int waiting_builder(void)
{
    for (int l = 0; l < mdl.ndev; l++) {
        const MDL_LEVEL *lv = &mdl.lv[l];
        if (lv->own < 0 || lv->lower != STATUS_PENDING || KeReadStateEvent((PKEVENT)&lv->event) != 0)
            continue;
        int kind = irpc.life[lv->own].kind;
        if ((kind == IRPC_KIND_DEVICE_IOCTL || kind == IRPC_KIND_SYNC_FSD) && irpc.life[lv->own].state != IRPC_ST_FREE)
            return l;
    }
    return -1;
}

int m_cancel_built_possible(void)
{
    return irpc.cancel_lock == 0 && waiting_builder() >= 0;
}

int m_cancel_built(void)
{
    int l = waiting_builder();
    if (l >= 0)
        IoCancelIrp(&irpc.irps[mdl.lv[l].own]);
    return mdl.cancel_active;
}

int m_cancel_lock_free(void)
{
    return m_lock_free(mdl.cancel_dev);
}

void m_cancel_lock(void)
{
    /* the cancel routine resumes: its frame again */
    IrpcPushFrame(IRPC_FRAME_CANCEL, mdl.cancel_dev, mdl.cancel_slot);
    KeAcquireSpinLock(&lowest(mdl.cancel_dev)->QueueLock, &mdl.cancel_lock_irql);
}

void m_cancel_remove(void)
{
    PIRP irp = &irpc.irps[mdl.cancel_slot];
    RemoveEntryList(&irp->Tail.Overlay.ListEntry);
    InitializeListHead(&irp->Tail.Overlay.ListEntry);
    KeReleaseSpinLock(&lowest(mdl.cancel_dev)->QueueLock, mdl.cancel_lock_irql);
}

void m_cancel_complete(void)
{
    PIRP irp = &irpc.irps[mdl.cancel_slot];
    irp->IoStatus.Status = STATUS_CANCELLED;
    irp->IoStatus.Information = 0;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
    IrpcPopFrame();
    mdl.cancel_active = 0;
}

/* ---- quiescence and the LTL propositions ---------------------------------- */
void m_quiesce(void)
{
#ifndef MDL_LTL
    /* OriginatorNotifiedOnce and AllocatedIrpLeak as safety checks at the end;
     * the LTL build leaves them to the never claims */
    IrpcQuiesce();
#endif
#ifdef MDL_EXPECT_RETURNED
    /* model/conformance.sh: what the monolithic reference with the sample
     * drivers gave the application must be what every interleaving gives */
    const IRPC_REQUEST *q = &irpc.requests[0];
    if (q->returned != (NTSTATUS)MDL_EXPECT_RETURNED || q->delivered_status != (NTSTATUS)MDL_EXPECT_DELIVERED ||
        q->delivered != MDL_EXPECT_COUNT)
        uerror("conformance: the model and the sample drivers disagree on the outcome");
#endif
    flush_events();
}

int m_notified_once(void)
{
    if (mdl.nreq < mdl.total)
        return 0;
    for (int r = 0; r < mdl.total; r++)
        if (irpc.requests[r].delivered != 1)
            return 0;
    return 1;
}

int m_created_live(void)
{
    int n = 0;
    for (int i = 0; i < IRPC_MAX_IRPS; i++)
        if (irpc.life[i].state != IRPC_ST_FREE && IrpcIsCreatedKind(irpc.life[i].kind))
            n++;
    return n;
}

int m_bad_delivery(void)
{
    for (int r = 0; r < IRPC_MAX_REQUESTS; r++)
        if (irpc.requests[r].delivered > 1)
            return 1;
    return 0;
}
