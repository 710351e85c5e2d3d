/*
 * irpc_core.c - the state of the reference system, the one reporting
 * function, the protocol trace, frames (which driver routine is running),
 * the deferred-work scheduler, devices, application requests, quiescence.
 */
#include "irpc.h"
#include "irpc_internal.h"

IRPC_STATE_T irpc;
IRPC_MP_T irpc_mp;
int irpc_cpu;
IRPC_FINDING irpc_findings[IRPC_MAX_FINDINGS];
int irpc_finding_count;
IRPC_EVENT irpc_events[IRPC_MAX_EVENTS];
int irpc_event_count;
IRPC_VIOLATION_HOOK *irpc_violation_hook;
IRPC_SCHED_HOOK *irpc_sched_hook;
IRPC_ALLOC_HOOK *irpc_alloc_hook;

/* call site of the IoCallDriver / IoCompleteRequest being executed */
const char *irpc_site_file;
int irpc_site_line;
const char *irpc_report_file;   /* call site findings report (irpc_internal.h) */
int irpc_report_line;

static const char *const rule_names[IRPC_RULE_COUNT + 1] = {
#define IRPC_RULE(id, group, summary) #id,
#include "irpc_rules.def"
#undef IRPC_RULE
    "Deadlock"
};
static const char *const rule_groups[IRPC_RULE_COUNT + 1] = {
#define IRPC_RULE(id, group, summary) #group,
#include "irpc_rules.def"
#undef IRPC_RULE
    "--"
};
static const char *const rule_summaries[IRPC_RULE_COUNT + 1] = {
#define IRPC_RULE(id, group, summary) summary,
#include "irpc_rules.def"
#undef IRPC_RULE
    "a wait that nothing can satisfy"
};

const char *IrpcRuleName(int rule)
{
    return (rule >= 0 && rule <= IRPC_RULE_COUNT) ? rule_names[rule] : "?";
}

const char *IrpcRuleGroup(int rule)
{
    return (rule >= 0 && rule <= IRPC_RULE_COUNT) ? rule_groups[rule] : "?";
}

const char *IrpcRuleSummary(int rule)
{
    return (rule >= 0 && rule <= IRPC_RULE_COUNT) ? rule_summaries[rule] : "?";
}

static int same_text(const char *a, const char *b)
{
    while (*a != 0 && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

int IrpcRuleByName(const char *name)
{
    for (int r = 0; r <= IRPC_RULE_COUNT; r++)
        if (same_text(rule_names[r], name))
            return r;
    return -1;
}

static void zero_bytes(void *p, size_t n)
{
    unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        b[i] = 0;
}

void IrpcZero(void *p, size_t n)
{
    zero_bytes(p, n);
}

void IrpcReset(void)
{
    zero_bytes(&irpc, sizeof irpc);
    zero_bytes(&irpc_mp, sizeof irpc_mp);
    irpc_cpu = 0;
    for (int i = 0; i < IRPC_MAX_REQUESTS; i++)
        irpc.requests[i].irp = -1;
    for (int i = 0; i < IRPC_MAX_IRPS; i++) {
        irpc.life[i].request = -1;
        irpc.life[i].creator = IRPC_NOBODY;
        irpc.life[i].owner = IRPC_NOBODY;
        irpc.life[i].cancel_dev = IRPC_NOBODY;
    }
    for (int c = 0; c < IRPC_MAX_CPUS; c++)
        irpc_mp.cpus[c].irql = PASSIVE_LEVEL;
    irpc.app_thread.Id = 1;
    irpc_finding_count = 0;
    irpc_event_count = 0;
    irpc_violation_hook = NULL;
    irpc_sched_hook = NULL;
    irpc_alloc_hook = NULL;
    irpc_site_file = NULL;
    irpc_site_line = 0;
    irpc_report_file = NULL;
    irpc_report_line = 0;
}

void IrpcSetSite(const char *File, int Line)
{
    irpc_site_file = File;
    irpc_site_line = Line;
}

void IrpcTakeSite(const char **file, int *line)
{
    *file = irpc_site_file;
    *line = irpc_site_line;
    irpc_site_file = NULL;
    irpc_site_line = 0;
}

void IrpcEnter(void)
{
    irpc_report_file = irpc_site_file;
    irpc_report_line = irpc_site_line;
    irpc_site_file = NULL;
    irpc_site_line = 0;
}

void IrpcCurrentSite(const char **file, int *line)
{
    *file = irpc_report_file;
    *line = irpc_report_line;
}

void IrpcUseSite(const char *file, int line)
{
    irpc_report_file = file;
    irpc_report_line = line;
}

void IrpcTrace(int kind, int dev, int irp, NTSTATUS status, int aux)
{
    if (irpc_event_count >= IRPC_MAX_EVENTS)
        return;
    IRPC_EVENT *e = &irpc_events[irpc_event_count++];
    e->kind = kind;
    e->dev = dev;
    e->irp = irp;
    e->status = status;
    e->aux = aux;
}

void IrpcReport(int rule, int irp, const char *message)
{
    IRPC_FRAME *f = IrpcCurrentFrame();
    IrpcTrace(IRPC_EV_VIOLATION, IrpcCurrentDevice(), irp, 0, rule);
    if (irpc_finding_count < IRPC_MAX_FINDINGS) {
        IRPC_FINDING *x = &irpc_findings[irpc_finding_count];
        x->rule = rule;
        x->irp = irp;
        x->dev = IrpcCurrentDevice();
        x->frame_kind = f != NULL ? f->kind : 0;
        x->file = irpc_report_file;
        x->line = irpc_report_line;
        x->message = message;
        x->routine = f != NULL ? f->routine : NULL;
        x->event_index = irpc_event_count;
    }
    irpc_finding_count++;
    if (irpc_violation_hook != NULL)
        irpc_violation_hook(irpc_finding_count <= IRPC_MAX_FINDINGS
                                ? &irpc_findings[irpc_finding_count - 1]
                                : &irpc_findings[IRPC_MAX_FINDINGS - 1]);
}

int IrpcFindingCount(int rule)
{
    int n = 0;
    int kept = irpc_finding_count < IRPC_MAX_FINDINGS ? irpc_finding_count : IRPC_MAX_FINDINGS;
    if (rule < 0)
        return irpc_finding_count;
    for (int i = 0; i < kept; i++)
        if (irpc_findings[i].rule == rule)
            n++;
    return n;
}

/* ---- lookups ---------------------------------------------------------- */
int IrpcIrpSlot(const IRP *irp)
{
    /*@ loop invariant 0 <= i <= IRPC_MAX_IRPS;
        loop invariant \forall integer j; 0 <= j < i ==> irp != &irpc.irps[j];
        loop assigns i;
        loop variant IRPC_MAX_IRPS - i;
    */
    for (int i = 0; i < IRPC_MAX_IRPS; i++)
        if (irp == &irpc.irps[i])
            return i;
    return -1;
}

int IrpcDeviceIndex(const DEVICE_OBJECT *dev)
{
    /*@ loop invariant 0 <= i;
        loop assigns i;
        loop variant irpc.device_count - i;
    */
    for (int i = 0; i < irpc.device_count; i++)
        if (dev == &irpc.devices[i])
            return i;
    return IRPC_NOBODY;
}

IRPC_FRAME *IrpcCurrentFrame(void)
{
    IRPC_CPU *c = IRPC_THIS_CPU;
    return c->frame_count > 0 ? &c->frames[c->frame_count - 1] : NULL;
}

int IrpcCurrentDevice(void)
{
    IRPC_FRAME *f = IrpcCurrentFrame();
    return f != NULL ? f->dev : IRPC_NOBODY;
}

IRPC_FRAME *IrpcPushFrame(int kind, int dev, int slot)
{
    IRPC_CPU *c = IRPC_THIS_CPU;
    if (c->frame_count >= IRPC_MAX_FRAMES)
        return NULL;
    int n = c->frame_count;
    IRPC_FRAME *f = &c->frames[n];
    /* every field set by name, not zeroed by a byte loop through void *,
     * which WP cannot read (the check below the function keeps
     * sync_event_owed the last field: a field added to IRPC_FRAME goes
     * before it, and here) */
    f->kind = kind;
    f->routine = NULL;
    f->dev = dev;
    f->irp = slot;
    f->gen = slot >= 0 ? irpc.life[slot].gen : 0;
    f->irql_at_entry = c->irql;
    f->locks_at_entry = c->locks_held;
    f->marked = 0;
    f->completed = 0;
    f->completed_status = 0;
    f->forwarded = 0;
    f->lower_status = 0;
    f->set_event = 0;
    f->wait_owed = 0;
    f->sync_event_owed = NULL;
    c->frame_count = n + 1;
    return f;
}
/* IrpcPushFrame sets every field of IRPC_FRAME by name: a field added after
 * sync_event_owed makes this array's size negative and the build fails (a
 * typedef, not _Static_assert, which Frama-C parses only with -c11) */
typedef char irpc_frame_last_field_check
    [offsetof(IRPC_FRAME, sync_event_owed) + sizeof(PKEVENT) == sizeof(IRPC_FRAME) ? 1 : -1];

void IrpcPopFrame(void)
{
    if (IRPC_THIS_CPU->frame_count > 0)
        IRPC_THIS_CPU->frame_count--;
}

/* The innermost frame, when it is a routine running for this IRP. */
IRPC_FRAME *IrpcFrameFor(int slot)
{
    IRPC_FRAME *f = IrpcCurrentFrame();
    if (f != NULL && slot >= 0 && f->irp == slot && f->gen == irpc.life[slot].gen)
        return f;
    return NULL;
}

/* Is a dispatch routine for this IRP running on any processor? */
int IrpcDispatchActiveFor(int slot)
{
    for (int c = 0; c < IRPC_MAX_CPUS; c++)
        for (int i = 0; i < irpc_mp.cpus[c].frame_count; i++) {
            const IRPC_FRAME *f = &irpc_mp.cpus[c].frames[i];
            if (f->kind == IRPC_FRAME_DISPATCH && f->irp == slot && f->gen == irpc.life[slot].gen)
                return 1;
        }
    return 0;
}

/* ---- deferred work ------------------------------------------------------ */
void IrpcQueueDeferred(PKDPC dpc, int dev)
{
    if (irpc.deferred_count >= IRPC_MAX_DEFERRED) {
        IrpcReport(IRPC_DEADLOCK, -1, "deferred-work queue full");
        return;
    }
    irpc.deferred[irpc.deferred_count] = dpc;
    irpc.deferred_dev[irpc.deferred_count] = dev;
    irpc.deferred_count++;
}

int IrpcRunDeferred(int max)
{
    int ran = 0;
    IRPC_CPU *c = IRPC_THIS_CPU;
    if (c->locks_held > 0 || c->in_deferred)
        return 0;
    while (ran < max && irpc.deferred_count > 0) {
        PKDPC dpc = irpc.deferred[0];
        int dev = irpc.deferred_dev[0];
        for (int i = 1; i < irpc.deferred_count; i++) {
            irpc.deferred[i - 1] = irpc.deferred[i];
            irpc.deferred_dev[i - 1] = irpc.deferred_dev[i];
        }
        irpc.deferred_count--;
        dpc->Inserted = FALSE;
        KIRQL old = c->irql;
        c->irql = DISPATCH_LEVEL;
        c->in_deferred = 1;
        IrpcTrace(IRPC_EV_DPC, dev, -1, 0, 0);
        IRPC_FRAME *f = IrpcPushFrame(IRPC_FRAME_DPC, dev, -1);
        if (f != NULL) {
            f->routine = (IRPC_ROUTINE)dpc->DeferredRoutine;
            dpc->DeferredRoutine(dpc, dpc->DeferredContext, dpc->SystemArgument1,
                                 dpc->SystemArgument2);
            IrpcPopFrame();
        }
        c->in_deferred = 0;
        c->irql = old;
        ran++;
    }
    return ran;
}

int IrpcRunAllDeferred(void)
{
    int total = 0;
    int n;
    while ((n = IrpcRunDeferred(IRPC_MAX_DEFERRED)) > 0)
        total += n;
    return total;
}

void IrpcSchedulePoint(int point)
{
    const IRPC_CPU *c = IRPC_THIS_CPU;
    if (irpc_sched_hook == NULL || c->locks_held > 0 || c->in_deferred ||
        irpc.deferred_count == 0)
        return;
    int n = irpc_sched_hook(point, irpc.deferred_count);
    if (n > 0)
        IrpcRunDeferred(n);
}

/* ---- drivers, devices, files -------------------------------------------- */
static NTSTATUS invalid_device_request(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    Irp->IoStatus.Status = STATUS_INVALID_DEVICE_REQUEST;
    Irp->IoStatus.Information = 0;
    IofCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_INVALID_DEVICE_REQUEST;
}

void IrpcInitDriver(PDRIVER_OBJECT drv)
{
    zero_bytes(drv, sizeof *drv);
    drv->Type = 4;
    drv->Size = (CSHORT)sizeof *drv;
    for (int i = 0; i <= IRP_MJ_MAXIMUM_FUNCTION; i++)
        drv->MajorFunction[i] = invalid_device_request;
}

NTSTATUS IoCreateDevice(PDRIVER_OBJECT DriverObject, ULONG DeviceExtensionSize,
                        PUNICODE_STRING DeviceName, ULONG DeviceType,
                        ULONG DeviceCharacteristics, BOOLEAN Exclusive,
                        PDEVICE_OBJECT *DeviceObject)
{
    UNREFERENCED_PARAMETER(DeviceName);
    UNREFERENCED_PARAMETER(DeviceCharacteristics);
    UNREFERENCED_PARAMETER(Exclusive);
    *DeviceObject = NULL;
    if (irpc.device_count >= IRPC_MAX_DEVICES || DeviceExtensionSize > IRPC_EXTENSION_BYTES)
        return STATUS_INSUFFICIENT_RESOURCES;
    int i = irpc.device_count++;
    PDEVICE_OBJECT d = &irpc.devices[i];
    zero_bytes(d, sizeof *d);
    zero_bytes(&irpc.extensions[i], sizeof irpc.extensions[i]);
    d->Type = IO_TYPE_DEVICE;
    d->Size = (USHORT)sizeof *d;
    d->DriverObject = DriverObject;
    d->DeviceType = DeviceType;
    d->StackSize = 1;
    d->DeviceExtension = DeviceExtensionSize > 0 ? (PVOID)irpc.extensions[i].bytes : NULL;
    d->NextDevice = DriverObject->DeviceObject;
    DriverObject->DeviceObject = d;
    *DeviceObject = d;
    return STATUS_SUCCESS;
}

PDEVICE_OBJECT IoAttachDeviceToDeviceStack(PDEVICE_OBJECT SourceDevice, PDEVICE_OBJECT TargetDevice)
{
    PDEVICE_OBJECT top = TargetDevice;
    while (top->AttachedDevice != NULL)
        top = top->AttachedDevice;
    if (top->StackSize >= IRPC_MAX_STACK)
        return NULL;
    top->AttachedDevice = SourceDevice;
    SourceDevice->StackSize = (CCHAR)(top->StackSize + 1);
    return top;
}

PDEVICE_OBJECT IrpcCreateDevice(PDRIVER_OBJECT drv, PDEVICE_OBJECT lower)
{
    PDEVICE_OBJECT d;
    if (!NT_SUCCESS(IoCreateDevice(drv, IRPC_EXTENSION_BYTES, NULL, 0, 0, FALSE, &d)))
        return NULL;
    if (lower != NULL && IoAttachDeviceToDeviceStack(d, lower) == NULL)
        return NULL;
    return d;
}

PFILE_OBJECT IrpcOpenFile(PDEVICE_OBJECT top)
{
    if (irpc.file_count >= IRPC_MAX_FILES)
        return NULL;
    PFILE_OBJECT f = &irpc.files[irpc.file_count++];
    zero_bytes(f, sizeof *f);
    f->Type = IO_TYPE_FILE;
    f->Size = (CSHORT)sizeof *f;
    f->DeviceObject = top;
    return f;
}

/* ---- application requests -------------------------------------------- */
int IrpcSubmit(PFILE_OBJECT file, UCHAR major, ULONG ioctl, ULONG length, NTSTATUS *returned)
{
    int r = -1;
    for (int i = 0; i < IRPC_MAX_REQUESTS; i++)
        if (!irpc.requests[i].used) {
            r = i;
            break;
        }
    *returned = STATUS_INSUFFICIENT_RESOURCES;
    if (r < 0 || file == NULL || file->DeviceObject == NULL)
        return -1;
    PDEVICE_OBJECT top = file->DeviceObject;
    int slot = IrpcNewIrp(top->StackSize, IRPC_KIND_APP, IRPC_NOBODY);
    if (slot < 0)
        return -1;
    IRPC_REQUEST *q = &irpc.requests[r];
    zero_bytes(q, sizeof *q);
    q->used = 1;
    q->irp = slot;
    q->iosb.Status = (NTSTATUS)0xFFFFFFFF;   /* untouched until delivery */
    KeInitializeEvent(&q->event, NotificationEvent, FALSE);
    PIRP irp = &irpc.irps[slot];
    irpc.life[slot].request = r;
    irp->Tail.Overlay.Thread = &irpc.app_thread;
    irp->Tail.Overlay.OriginalFileObject = file;
    irp->UserIosb = &q->iosb;
    irp->UserEvent = &q->event;
    irp->RequestorMode = UserMode;
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
    NTSTATUS st = IofCallDriver(top, irp);
    q->returned = st;
    q->returned_set = TRUE;
    *returned = st;
    return r;
}

NTSTATUS IrpcCleanupFile(PFILE_OBJECT file)
{
    NTSTATUS st;
    IrpcSubmit(file, IRP_MJ_CLEANUP, 0, 0, &st);
    return st;
}

BOOLEAN IrpcCancelRequest(int request)
{
    if (request < 0 || request >= IRPC_MAX_REQUESTS || !irpc.requests[request].used)
        return FALSE;
    int slot = irpc.requests[request].irp;
    if (slot < 0 || irpc.life[slot].state == IRPC_ST_FREE || irpc.life[slot].request != request)
        return FALSE;   /* already delivered: nothing to cancel */
    return IoCancelIrp(&irpc.irps[slot]);
}

/* ---- quiescence --------------------------------------------------------- */
int IrpcQuiesce(void)
{
    IrpcRunAllDeferred();
    IrpcUseSite(NULL, 0);
    /* the system-level rules of spec/irp_rules.h, stated at quiescence (the
     * loops below check the same, and also created IRPs sent and never
     * given back) */
    //@ assert OriginatorNotifiedOnce: OriginatorNotifiedOnce;
    //@ assert AllocatedIrpLeak: AllocatedIrpLeak;
    for (int r = 0; r < IRPC_MAX_REQUESTS; r++) {
        IRPC_REQUEST *q = &irpc.requests[r];
        if (q->used && q->delivered != 1)
            IrpcReport(IRPC_OriginatorNotifiedOnce, q->irp,
                       q->delivered == 0 ? "application request never delivered"
                                         : "application request delivered more than once");
    }
    for (int i = 0; i < IRPC_MAX_IRPS; i++) {
        IRPC_LIFE *l = &irpc.life[i];
        if (l->state == IRPC_ST_FREE || l->kind == IRPC_KIND_APP)
            continue;
        if (l->sent && l->delivered == 0)
            IrpcReport(IRPC_OriginatorNotifiedOnce, i, "created IRP never came back to its creator");
        if (l->kind == IRPC_KIND_ALLOC || l->kind == IRPC_KIND_ASYNC_FSD)
            IrpcReport(IRPC_AllocatedIrpLeak, i, "created IRP not freed at quiescence");
    }
    return irpc_finding_count;
}
