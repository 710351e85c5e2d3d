/*
 * wdk.c - the kernel routines of the driver-facing stand-in headers
 * (src/include/wdk/wdm.h) beyond the reference's WDM subset: pool from a
 * static arena, remove locks, interlocked operations, DbgPrint, device
 * deletion and detaching, timers and work items (items of the reference's
 * deferred work), cancel-safe queues (IoCsq*), and the Audit* wrappers
 * through which an IRP changes hands.  Each wrapper calls the reference
 * routine unchanged; the audit environment (audit/env.c) observes the calls
 * through audit_hook, and decides through audit_fail_hook whether an
 * allocation fails.
 */
#include "irpc.h"
#include "irpc_internal.h"
#include "wdk/wdm.h"

AUDIT_HOOK *audit_hook;

static void hook(int event, void *routine)
{
    if (audit_hook != NULL)
        audit_hook(event, routine);
}

/* ---- allocation failure: a choice of the audit environment -------------- */
AUDIT_FAIL_HOOK *audit_fail_hook;

static int allocation_fails(const char *what)
{
    const char *file;
    int line;
    IrpcTakeSite(&file, &line);
    return audit_fail_hook != NULL && audit_fail_hook(what, file, line);
}

/* ---- pool: a static arena, never reused (a scenario is short) ---------- */
#define WDK_POOL_BYTES (64 * 1024)
static union { unsigned char bytes[WDK_POOL_BYTES]; long long align; } wdk_pool;
static size_t wdk_pool_used;

static PVOID pool_take(SIZE_T NumberOfBytes)
{
    size_t n = (NumberOfBytes + 15u) & ~(size_t)15u;
    if (n == 0 || n > WDK_POOL_BYTES - wdk_pool_used)
        return NULL;
    unsigned char *p = &wdk_pool.bytes[wdk_pool_used];
    wdk_pool_used += n;
    IrpcZero(p, n);
    return p;
}

PVOID (ExAllocatePool2)(POOL_FLAGS Flags, SIZE_T NumberOfBytes, ULONG Tag)
{
    UNREFERENCED_PARAMETER(Flags);
    UNREFERENCED_PARAMETER(Tag);
    if (allocation_fails("ExAllocatePool2"))
        return NULL;
    return pool_take(NumberOfBytes);
}

PVOID (ExAllocatePoolWithTag)(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag)
{
    UNREFERENCED_PARAMETER(PoolType);
    UNREFERENCED_PARAMETER(Tag);
    if (allocation_fails("ExAllocatePoolWithTag"))
        return NULL;
    return pool_take(NumberOfBytes);
}

PVOID (ExAllocatePool)(POOL_TYPE PoolType, SIZE_T NumberOfBytes)
{
    UNREFERENCED_PARAMETER(PoolType);
    if (allocation_fails("ExAllocatePool"))
        return NULL;
    return pool_take(NumberOfBytes);
}

VOID ExFreePool(PVOID P)
{
    UNREFERENCED_PARAMETER(P);
}

VOID ExFreePoolWithTag(PVOID P, ULONG Tag)
{
    UNREFERENCED_PARAMETER(P);
    UNREFERENCED_PARAMETER(Tag);
}

/* ---- where a driver routine returned --------------------------------------- */
const char *audit_return_file;
int audit_return_line;
const char *audit_return_func;

NTSTATUS AuditReturnStatus(NTSTATUS Status, const char *File, int Line, const char *Function)
{
    audit_return_file = File;
    audit_return_line = Line;
    audit_return_func = Function;
    return Status;
}

static void reset_deferred_objects(void);

void WdkReset(void)
{
    wdk_pool_used = 0;
    audit_return_file = NULL;
    audit_return_line = 0;
    audit_return_func = NULL;
    reset_deferred_objects();
}

/* ---- debugging output: dropped ------------------------------------------ */
ULONG DbgPrint(const char *Format, ...)
{
    UNREFERENCED_PARAMETER(Format);
    return 0;
}

ULONG DbgPrintEx(ULONG ComponentId, ULONG Level, const char *Format, ...)
{
    UNREFERENCED_PARAMETER(ComponentId);
    UNREFERENCED_PARAMETER(Level);
    UNREFERENCED_PARAMETER(Format);
    return 0;
}

VOID RtlInitUnicodeString(PUNICODE_STRING DestinationString, PCWSTR SourceString)
{
    USHORT n = 0;
    if (SourceString != NULL)
        while (SourceString[n] != 0)
            n++;
    DestinationString->Length = (USHORT)(n * sizeof(WCHAR));
    DestinationString->MaximumLength = (USHORT)((n + 1) * sizeof(WCHAR));
    DestinationString->Buffer = (PVOID)SourceString;
}

/* ---- interlocked: one processor runs at a time here -------------------- */
LONG InterlockedIncrement(LONG volatile *Addend) { return ++*Addend; }
LONG InterlockedDecrement(LONG volatile *Addend) { return --*Addend; }

LONG InterlockedExchange(LONG volatile *Target, LONG Value)
{
    LONG old = *Target;
    *Target = Value;
    return old;
}

LONG InterlockedCompareExchange(LONG volatile *Destination, LONG Exchange, LONG Comparand)
{
    LONG old = *Destination;
    if (old == Comparand)
        *Destination = Exchange;
    return old;
}

LONG InterlockedExchangeAdd(LONG volatile *Addend, LONG Value)
{
    LONG old = *Addend;
    *Addend = old + Value;
    return old;
}

/* ---- devices and objects ------------------------------------------------ */
VOID IoDeleteDevice(PDEVICE_OBJECT DeviceObject)
{
    PDRIVER_OBJECT drv = DeviceObject->DriverObject;
    if (drv == NULL)
        return;
    PDEVICE_OBJECT *p = &drv->DeviceObject;
    while (*p != NULL && *p != DeviceObject)
        p = &(*p)->NextDevice;
    if (*p == DeviceObject)
        *p = DeviceObject->NextDevice;
    DeviceObject->NextDevice = NULL;
}

VOID IoDetachDevice(PDEVICE_OBJECT TargetDevice)
{
    TargetDevice->AttachedDevice = NULL;
}

NTSTATUS IoCreateSymbolicLink(PUNICODE_STRING SymbolicLinkName, PUNICODE_STRING DeviceName)
{
    UNREFERENCED_PARAMETER(SymbolicLinkName);
    UNREFERENCED_PARAMETER(DeviceName);
    return STATUS_SUCCESS;
}

NTSTATUS IoDeleteSymbolicLink(PUNICODE_STRING SymbolicLinkName)
{
    UNREFERENCED_PARAMETER(SymbolicLinkName);
    return STATUS_SUCCESS;
}

VOID ObReferenceObject(PVOID Object) { UNREFERENCED_PARAMETER(Object); }
VOID ObDereferenceObject(PVOID Object) { UNREFERENCED_PARAMETER(Object); }

/* ---- remove locks: the tag is never dereferenced ------------------------ */
VOID IoInitializeRemoveLock(PIO_REMOVE_LOCK Lock, ULONG AllocateTag, ULONG MaxLockedMinutes,
                            ULONG HighWatermark)
{
    UNREFERENCED_PARAMETER(AllocateTag);
    UNREFERENCED_PARAMETER(MaxLockedMinutes);
    UNREFERENCED_PARAMETER(HighWatermark);
    Lock->IoCount = 1;
    Lock->Removed = FALSE;
    KeInitializeEvent(&Lock->RemoveEvent, NotificationEvent, FALSE);
}

NTSTATUS IoAcquireRemoveLock(PIO_REMOVE_LOCK RemoveLock, PVOID Tag)
{
    UNREFERENCED_PARAMETER(Tag);
    RemoveLock->IoCount++;
    if (RemoveLock->Removed) {
        if (--RemoveLock->IoCount == 0)
            IrpcSignal(&RemoveLock->RemoveEvent);
        return STATUS_DELETE_PENDING;
    }
    return STATUS_SUCCESS;
}

VOID IoReleaseRemoveLock(PIO_REMOVE_LOCK RemoveLock, PVOID Tag)
{
    UNREFERENCED_PARAMETER(Tag);
    if (--RemoveLock->IoCount == 0)
        IrpcSignal(&RemoveLock->RemoveEvent);
}

VOID IoReleaseRemoveLockAndWait(PIO_REMOVE_LOCK RemoveLock, PVOID Tag)
{
    RemoveLock->Removed = TRUE;
    IoReleaseRemoveLock(RemoveLock, Tag);   /* the acquisition of this request */
    IoReleaseRemoveLock(RemoveLock, Tag);   /* the initial count */
    hook(AUDIT_API_CALL, NULL);
    (KeWaitForSingleObject)(&RemoveLock->RemoveEvent, Executive, KernelMode, FALSE, NULL);
    hook(AUDIT_API_RETURN, NULL);
}

/* ---- kernel routines ------------------------------------------------------ */
VOID KeResetEvent(PKEVENT Event)
{
    KeClearEvent(Event);
}

#define WDK_MAX_DPC_LOCKS 8
static struct { PKSPIN_LOCK lock; KIRQL irql; } dpc_locks[WDK_MAX_DPC_LOCKS];

VOID KeAcquireSpinLockAtDpcLevel(PKSPIN_LOCK SpinLock)
{
    KIRQL old;
    KeAcquireSpinLock(SpinLock, &old);
    for (int i = 0; i < WDK_MAX_DPC_LOCKS; i++)
        if (dpc_locks[i].lock == NULL) {
            dpc_locks[i].lock = SpinLock;
            dpc_locks[i].irql = old;
            return;
        }
}

VOID AuditReleaseSpinLockFromDpcLevel(PKSPIN_LOCK SpinLock)
{
    KIRQL irql = KeGetCurrentIrql();
    for (int i = 0; i < WDK_MAX_DPC_LOCKS; i++)
        if (dpc_locks[i].lock == SpinLock) {
            dpc_locks[i].lock = NULL;
            irql = dpc_locks[i].irql;
            break;
        }
    hook(AUDIT_API_CALL, NULL);
    (KeReleaseSpinLock)(SpinLock, irql);
    hook(AUDIT_API_RETURN, NULL);
}

KIRQL KeRaiseIrqlToDpcLevel(void)
{
    KIRQL old;
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    return old;
}

PLIST_ENTRY RemoveTailList(PLIST_ENTRY ListHead)
{
    PLIST_ENTRY last = ListHead->Blink;
    RemoveEntryList(last);
    return last;
}

/* The Ex interlocked list routines: the list operation under the lock.
 * The site recorded by the macro is kept for the lock release, where
 * MarkingQueuedIrps is checked. */
PLIST_ENTRY AuditExInterlockedInsertTailList(PLIST_ENTRY ListHead, PLIST_ENTRY Entry, PKSPIN_LOCK Lock)
{
    const char *file;
    int line;
    KIRQL irql;
    IrpcTakeSite(&file, &line);
    hook(AUDIT_API_CALL, NULL);
    KeAcquireSpinLock(Lock, &irql);
    PLIST_ENTRY first = IsListEmpty(ListHead) ? NULL : ListHead->Flink;
    (InsertTailList)(ListHead, Entry);
    IrpcSetSite(file, line);
    (KeReleaseSpinLock)(Lock, irql);
    hook(AUDIT_API_RETURN, NULL);
    return first;
}

PLIST_ENTRY AuditExInterlockedInsertHeadList(PLIST_ENTRY ListHead, PLIST_ENTRY Entry, PKSPIN_LOCK Lock)
{
    const char *file;
    int line;
    KIRQL irql;
    IrpcTakeSite(&file, &line);
    hook(AUDIT_API_CALL, NULL);
    KeAcquireSpinLock(Lock, &irql);
    PLIST_ENTRY first = IsListEmpty(ListHead) ? NULL : ListHead->Flink;
    (InsertHeadList)(ListHead, Entry);
    IrpcSetSite(file, line);
    (KeReleaseSpinLock)(Lock, irql);
    hook(AUDIT_API_RETURN, NULL);
    return first;
}

PLIST_ENTRY AuditExInterlockedRemoveHeadList(PLIST_ENTRY ListHead, PKSPIN_LOCK Lock)
{
    const char *file;
    int line;
    KIRQL irql;
    IrpcTakeSite(&file, &line);
    hook(AUDIT_API_CALL, NULL);
    KeAcquireSpinLock(Lock, &irql);
    PLIST_ENTRY e = IsListEmpty(ListHead) ? NULL : RemoveHeadList(ListHead);
    IrpcSetSite(file, line);
    (KeReleaseSpinLock)(Lock, irql);
    hook(AUDIT_API_RETURN, NULL);
    return e;
}

/* ---- trampolines: a driver routine the reference calls back ------------- */
typedef struct {
    PIO_COMPLETION_ROUTINE routine;
    PVOID context;
} WDK_COMPLETION;
static WDK_COMPLETION completions[IRPC_MAX_IRPS][IRPC_MAX_STACK];
static PDRIVER_CANCEL cancels[IRPC_MAX_IRPS];
#define WDK_MAX_DPCS 32
static struct { PKDPC dpc; PKDEFERRED_ROUTINE routine; } dpcs[WDK_MAX_DPCS];

static NTSTATUS completion_trampoline(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    WDK_COMPLETION *c = Context;
    PIO_COMPLETION_ROUTINE routine = c->routine;
    hook(AUDIT_ENTER, (void *)routine);
    NTSTATUS st = routine(DeviceObject, Irp, c->context);
    hook(AUDIT_LEAVE, (void *)routine);
    return st;
}

static VOID cancel_trampoline(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    int slot = IrpcIrpSlot(Irp);
    PDRIVER_CANCEL routine = slot >= 0 ? cancels[slot] : NULL;
    if (routine == NULL)
        return;
    hook(AUDIT_ENTER, (void *)routine);
    routine(DeviceObject, Irp);
    hook(AUDIT_LEAVE, (void *)routine);
}

static VOID dpc_trampoline(PKDPC Dpc, PVOID DeferredContext, PVOID SystemArgument1, PVOID SystemArgument2)
{
    PKDEFERRED_ROUTINE routine = NULL;
    for (int i = 0; i < WDK_MAX_DPCS; i++)
        if (dpcs[i].dpc == Dpc)
            routine = dpcs[i].routine;
    if (routine == NULL)
        return;
    hook(AUDIT_ENTER, (void *)routine);
    routine(Dpc, DeferredContext, SystemArgument1, SystemArgument2);
    hook(AUDIT_LEAVE, (void *)routine);
}

void *AuditRealRoutine(void *routine)
{
    return routine;
}

void WdkResetTrampolines(void)
{
    IrpcZero(completions, sizeof completions);
    IrpcZero(cancels, sizeof cancels);
    IrpcZero(dpcs, sizeof dpcs);
    IrpcZero(dpc_locks, sizeof dpc_locks);
}

VOID AuditSetCompletionRoutine(PIRP Irp, PIO_COMPLETION_ROUTINE CompletionRoutine, PVOID Context,
                               BOOLEAN InvokeOnSuccess, BOOLEAN InvokeOnError, BOOLEAN InvokeOnCancel)
{
    int slot = IrpcIrpSlot(Irp);
    int k = Irp->CurrentLocation - 2;
    if (CompletionRoutine != NULL && slot >= 0 && k >= 0 && k < IRPC_MAX_STACK) {
        completions[slot][k].routine = CompletionRoutine;
        completions[slot][k].context = Context;
        (IoSetCompletionRoutine)(Irp, completion_trampoline, &completions[slot][k],
                                 InvokeOnSuccess, InvokeOnError, InvokeOnCancel);
        return;
    }
    (IoSetCompletionRoutine)(Irp, CompletionRoutine, Context, InvokeOnSuccess, InvokeOnError,
                             InvokeOnCancel);
}

NTSTATUS IoSetCompletionRoutineEx(PDEVICE_OBJECT DeviceObject, PIRP Irp,
                                  PIO_COMPLETION_ROUTINE CompletionRoutine, PVOID Context,
                                  BOOLEAN InvokeOnSuccess, BOOLEAN InvokeOnError,
                                  BOOLEAN InvokeOnCancel)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    AuditSetCompletionRoutine(Irp, CompletionRoutine, Context, InvokeOnSuccess, InvokeOnError,
                              InvokeOnCancel);
    return STATUS_SUCCESS;
}

PDRIVER_CANCEL AuditSetCancelRoutine(PIRP Irp, PDRIVER_CANCEL CancelRoutine)
{
    int slot = IrpcIrpSlot(Irp);
    PDRIVER_CANCEL previous = slot >= 0 ? cancels[slot] : NULL;
    PDRIVER_CANCEL old;
    if (slot >= 0 && CancelRoutine != NULL) {
        cancels[slot] = CancelRoutine;
        old = (IoSetCancelRoutine)(Irp, cancel_trampoline);
    } else {
        old = (IoSetCancelRoutine)(Irp, CancelRoutine);
    }
    return old == cancel_trampoline ? previous : old;
}

VOID AuditInitializeDpc(PKDPC Dpc, PKDEFERRED_ROUTINE DeferredRoutine, PVOID DeferredContext)
{
    int free_at = -1;
    for (int i = 0; i < WDK_MAX_DPCS; i++) {
        if (dpcs[i].dpc == Dpc) {
            free_at = i;
            break;
        }
        if (dpcs[i].dpc == NULL && free_at < 0)
            free_at = i;
    }
    if (free_at < 0) {
        (KeInitializeDpc)(Dpc, DeferredRoutine, DeferredContext);
        return;
    }
    dpcs[free_at].dpc = Dpc;
    dpcs[free_at].routine = DeferredRoutine;
    (KeInitializeDpc)(Dpc, dpc_trampoline, DeferredContext);
}

/* ---- wrappers: the reference routine between two hook calls -------------- */
NTSTATUS AuditCallDriver(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    hook(AUDIT_API_CALL, NULL);
    NTSTATUS st = IofCallDriver(DeviceObject, Irp);
    hook(AUDIT_API_RETURN, NULL);
    return st;
}

VOID AuditCompleteRequest(PIRP Irp, KPRIORITY_BOOST PriorityBoost)
{
    hook(AUDIT_API_CALL, NULL);
    IofCompleteRequest(Irp, PriorityBoost);
    hook(AUDIT_API_RETURN, NULL);
}

NTSTATUS AuditWaitForSingleObject(PVOID Object, KWAIT_REASON WaitReason, KPROCESSOR_MODE WaitMode,
                                  BOOLEAN Alertable, PLARGE_INTEGER Timeout)
{
    hook(AUDIT_API_CALL, NULL);
    NTSTATUS st = (KeWaitForSingleObject)(Object, WaitReason, WaitMode, Alertable, Timeout);
    hook(AUDIT_API_RETURN, NULL);
    return st;
}

VOID AuditReleaseSpinLock(PKSPIN_LOCK SpinLock, KIRQL NewIrql)
{
    hook(AUDIT_API_CALL, NULL);
    (KeReleaseSpinLock)(SpinLock, NewIrql);
    hook(AUDIT_API_RETURN, NULL);
}

VOID AuditReleaseCancelSpinLock(KIRQL Irql)
{
    const char *file;
    int line;
    IrpcTakeSite(&file, &line);
    hook(AUDIT_API_CALL, NULL);
    IrpcSetSite(file, line);
    (IoReleaseCancelSpinLock)(Irql);
    hook(AUDIT_API_RETURN, NULL);
}

BOOLEAN AuditInsertQueueDpc(PKDPC Dpc, PVOID SystemArgument1, PVOID SystemArgument2)
{
    hook(AUDIT_API_CALL, NULL);
    BOOLEAN r = (KeInsertQueueDpc)(Dpc, SystemArgument1, SystemArgument2);
    hook(AUDIT_API_RETURN, NULL);
    return r;
}

BOOLEAN AuditCancelIrp(PIRP Irp)
{
    hook(AUDIT_API_CALL, NULL);
    BOOLEAN r = (IoCancelIrp)(Irp);
    hook(AUDIT_API_RETURN, NULL);
    return r;
}

VOID AuditFreeIrp(PIRP Irp)
{
    hook(AUDIT_API_CALL, NULL);
    (IoFreeIrp)(Irp);
    hook(AUDIT_API_RETURN, NULL);
}

PIRP AuditAllocateIrp(CCHAR StackSize, BOOLEAN ChargeQuota)
{
    if (allocation_fails("IoAllocateIrp"))
        return NULL;
    hook(AUDIT_API_CALL, NULL);
    PIRP irp = (IoAllocateIrp)(StackSize, ChargeQuota);
    hook(AUDIT_API_RETURN, NULL);
    return irp;
}

PIRP AuditBuildDeviceIoControlRequest(ULONG IoControlCode, PDEVICE_OBJECT DeviceObject,
                                      PVOID InputBuffer, ULONG InputBufferLength,
                                      PVOID OutputBuffer, ULONG OutputBufferLength,
                                      BOOLEAN InternalDeviceIoControl, PKEVENT Event,
                                      PIO_STATUS_BLOCK IoStatusBlock)
{
    hook(AUDIT_API_CALL, NULL);
    PIRP irp = (IoBuildDeviceIoControlRequest)(IoControlCode, DeviceObject, InputBuffer,
                                             InputBufferLength, OutputBuffer, OutputBufferLength,
                                             InternalDeviceIoControl, Event, IoStatusBlock);
    hook(AUDIT_API_RETURN, NULL);
    return irp;
}

PIRP AuditBuildSynchronousFsdRequest(ULONG MajorFunction, PDEVICE_OBJECT DeviceObject,
                                     PVOID Buffer, ULONG Length, PLARGE_INTEGER StartingOffset,
                                     PKEVENT Event, PIO_STATUS_BLOCK IoStatusBlock)
{
    hook(AUDIT_API_CALL, NULL);
    PIRP irp = (IoBuildSynchronousFsdRequest)(MajorFunction, DeviceObject, Buffer, Length,
                                            StartingOffset, Event, IoStatusBlock);
    hook(AUDIT_API_RETURN, NULL);
    return irp;
}

PIRP AuditBuildAsynchronousFsdRequest(ULONG MajorFunction, PDEVICE_OBJECT DeviceObject,
                                      PVOID Buffer, ULONG Length, PLARGE_INTEGER StartingOffset,
                                      PIO_STATUS_BLOCK IoStatusBlock)
{
    hook(AUDIT_API_CALL, NULL);
    PIRP irp = (IoBuildAsynchronousFsdRequest)(MajorFunction, DeviceObject, Buffer, Length,
                                             StartingOffset, IoStatusBlock);
    hook(AUDIT_API_RETURN, NULL);
    return irp;
}

/* ---- deferred work beyond DPCs: timers and work items ----------------------
 * Both become items of the reference's deferred-work queue (irpc.deferred),
 * which the environment runs at scheduling points of its choice and at
 * quiescence. */
static int remove_deferred(PKDPC dpc)
{
    for (int i = 0; i < irpc.deferred_count; i++)
        if (irpc.deferred[i] == dpc) {
            for (int j = i + 1; j < irpc.deferred_count; j++) {
                irpc.deferred[j - 1] = irpc.deferred[j];
                irpc.deferred_dev[j - 1] = irpc.deferred_dev[j];
            }
            irpc.deferred_count--;
            dpc->Inserted = FALSE;
            return 1;
        }
    return 0;
}

static void queue_deferred(PKDPC dpc, int dev)
{
    IrpcQueueDeferred(dpc, dev);
    dpc->Inserted = TRUE;
    hook(AUDIT_API_CALL, NULL);
    IrpcSchedulePoint(IRPC_POINT_DPC_QUEUED);
    hook(AUDIT_API_RETURN, NULL);
}

BOOLEAN KeRemoveQueueDpc(PKDPC Dpc)
{
    return Dpc->Inserted && remove_deferred(Dpc);
}

/* Timers stopped by the audit's bound in this run (see wdk/wdm.h). */
int audit_timer_capped;

static VOID timer_expiry(PKDPC Dpc, PVOID Context, PVOID SystemArgument1, PVOID SystemArgument2);

/* Queues the timer's expiry, unless the bound stops it. */
static int arm_timer(PKTIMER timer)
{
    if (timer->Expiries >= AUDIT_TIMER_EXPIRIES) {
        audit_timer_capped = 1;
        return 0;
    }
    (KeInitializeDpc)(&timer->Expiry, timer_expiry, timer);
    IrpcQueueDeferred(&timer->Expiry, IrpcCurrentDevice());
    timer->Expiry.Inserted = TRUE;
    timer->Set = TRUE;
    return 1;
}

/* The expiry: the timer is signalled and its DPC queued (it runs later,
 * as a separate item); a periodic timer is set again. */
static VOID timer_expiry(PKDPC Dpc, PVOID Context, PVOID SystemArgument1, PVOID SystemArgument2)
{
    PKTIMER timer = Context;
    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(SystemArgument1);
    UNREFERENCED_PARAMETER(SystemArgument2);
    timer->Set = FALSE;
    timer->Expiries++;
    timer->SignalState = 1;
    if (timer->Dpc != NULL)
        (KeInsertQueueDpc)(timer->Dpc, NULL, NULL);
    if (timer->Period > 0)
        arm_timer(timer);
}

VOID KeInitializeTimerEx(PKTIMER Timer, TIMER_TYPE Type)
{
    IrpcZero(Timer, sizeof *Timer);
    Timer->Type = Type == SynchronizationTimer ? SynchronizationEvent : NotificationEvent;
    (KeInitializeDpc)(&Timer->Expiry, timer_expiry, Timer);
}

VOID KeInitializeTimer(PKTIMER Timer)
{
    KeInitializeTimerEx(Timer, NotificationTimer);
}

BOOLEAN KeSetTimerEx(PKTIMER Timer, LARGE_INTEGER DueTime, LONG Period, PKDPC Dpc)
{
    BOOLEAN was_set = Timer->Set && remove_deferred(&Timer->Expiry);
    Timer->Set = FALSE;
    Timer->DueTime = DueTime;
    Timer->Period = Period;
    Timer->Dpc = Dpc;
    Timer->SignalState = 0;
    if (!arm_timer(Timer))
        return was_set;
    hook(AUDIT_API_CALL, NULL);
    IrpcSchedulePoint(IRPC_POINT_DPC_QUEUED);
    hook(AUDIT_API_RETURN, NULL);
    return was_set;
}

BOOLEAN KeSetTimer(PKTIMER Timer, LARGE_INTEGER DueTime, PKDPC Dpc)
{
    return KeSetTimerEx(Timer, DueTime, 0, Dpc);
}

/* TRUE when the timer was still set (its expiry had not run); a DPC the
 * expiry already queued still runs. */
BOOLEAN KeCancelTimer(PKTIMER Timer)
{
    BOOLEAN was_set = Timer->Set && remove_deferred(&Timer->Expiry);
    Timer->Set = FALSE;
    Timer->Period = 0;
    return was_set;
}

BOOLEAN KeReadStateTimer(PKTIMER Timer)
{
    return Timer->SignalState != 0;
}

/* Work items: the routine runs at PASSIVE_LEVEL in a worker thread, so
 * while it runs other deferred work may run at its scheduling points and
 * while it waits. */
struct _IO_WORKITEM {
    KDPC Dpc;                    /* its item in the deferred work */
    PDEVICE_OBJECT DeviceObject;
    PIO_WORKITEM_ROUTINE Routine;
    PVOID Context;
    BOOLEAN Allocated;
};
#define WDK_MAX_WORKITEMS 8
static struct _IO_WORKITEM workitems[WDK_MAX_WORKITEMS];

static VOID workitem_run(PKDPC Dpc, PVOID Context, PVOID SystemArgument1, PVOID SystemArgument2)
{
    PIO_WORKITEM item = Context;
    IRPC_CPU *cpu = IRPC_THIS_CPU;
    KIRQL irql = cpu->irql;
    int in_deferred = cpu->in_deferred;
    PIO_WORKITEM_ROUTINE routine = item->Routine;
    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(SystemArgument1);
    UNREFERENCED_PARAMETER(SystemArgument2);
    if (routine == NULL)
        return;
    cpu->irql = PASSIVE_LEVEL;
    cpu->in_deferred = 0;
    hook(AUDIT_ENTER, (void *)routine);
    routine(item->DeviceObject, item->Context);
    hook(AUDIT_LEAVE, (void *)routine);
    cpu->irql = irql;
    cpu->in_deferred = in_deferred;
}

PIO_WORKITEM (IoAllocateWorkItem)(PDEVICE_OBJECT DeviceObject)
{
    if (allocation_fails("IoAllocateWorkItem"))
        return NULL;
    for (int i = 0; i < WDK_MAX_WORKITEMS; i++)
        if (!workitems[i].Allocated && !workitems[i].Dpc.Inserted) {
            IrpcZero(&workitems[i], sizeof workitems[i]);
            workitems[i].Allocated = TRUE;
            workitems[i].DeviceObject = DeviceObject;
            return &workitems[i];
        }
    return NULL;
}

static int irp_marked_pending(int slot)
{
    const IRP *irp = &irpc.irps[slot];
    int k = irp->CurrentLocation;
    return k >= 1 && k <= irp->StackCount && (irp->IrpcStack[k - 1].Control & SL_PENDING_RETURNED);
}

VOID (IoQueueWorkItem)(PIO_WORKITEM IoWorkItem, PIO_WORKITEM_ROUTINE WorkerRoutine,
                       WORK_QUEUE_TYPE QueueType, PVOID Context)
{
    UNREFERENCED_PARAMETER(QueueType);
    IrpcEnter();
    int slot = IrpcIrpSlot(Context);
    if (slot >= 0 && irpc.life[slot].state != IRPC_ST_FREE && !irp_marked_pending(slot) &&
        IrpcDispatchActiveFor(slot))
        IrpcReport(IRPC_MarkingQueuedIrps, slot, "work item queued with an IRP not yet marked pending");
    if (IoWorkItem->Dpc.Inserted)
        return;      /* already queued: Windows forbids it; the queued run stands */
    IoWorkItem->Routine = WorkerRoutine;
    IoWorkItem->Context = Context;
    (KeInitializeDpc)(&IoWorkItem->Dpc, workitem_run, IoWorkItem);
    /* the routine runs for the device the item was allocated for */
    int dev = IrpcDeviceIndex(IoWorkItem->DeviceObject);
    queue_deferred(&IoWorkItem->Dpc, dev >= 0 ? dev : IrpcCurrentDevice());
}

VOID IoFreeWorkItem(PIO_WORKITEM IoWorkItem)
{
    IoWorkItem->Allocated = FALSE;
}

/* ---- cancel-safe queues ------------------------------------------------------
 * Each callback is driver code: it runs between AUDIT_ENTER and AUDIT_LEAVE
 * like any other driver routine the system calls back. */
static VOID csq_acquire(PIO_CSQ Csq, PKIRQL Irql)
{
    hook(AUDIT_ENTER, (void *)Csq->CsqAcquireLock);
    Csq->CsqAcquireLock(Csq, Irql);
    hook(AUDIT_LEAVE, (void *)Csq->CsqAcquireLock);
}

static VOID csq_release(PIO_CSQ Csq, KIRQL Irql)
{
    hook(AUDIT_ENTER, (void *)Csq->CsqReleaseLock);
    Csq->CsqReleaseLock(Csq, Irql);
    hook(AUDIT_LEAVE, (void *)Csq->CsqReleaseLock);
}

static VOID csq_insert(PIO_CSQ Csq, PIRP Irp)
{
    hook(AUDIT_ENTER, (void *)Csq->CsqInsertIrp);
    Csq->CsqInsertIrp(Csq, Irp);
    hook(AUDIT_LEAVE, (void *)Csq->CsqInsertIrp);
}

static VOID csq_remove(PIO_CSQ Csq, PIRP Irp)
{
    hook(AUDIT_ENTER, (void *)Csq->CsqRemoveIrp);
    Csq->CsqRemoveIrp(Csq, Irp);
    hook(AUDIT_LEAVE, (void *)Csq->CsqRemoveIrp);
}

static PIRP csq_peek(PIO_CSQ Csq, PIRP Irp, PVOID PeekContext)
{
    hook(AUDIT_ENTER, (void *)Csq->CsqPeekNextIrp);
    PIRP next = Csq->CsqPeekNextIrp(Csq, Irp, PeekContext);
    hook(AUDIT_LEAVE, (void *)Csq->CsqPeekNextIrp);
    return next;
}

static VOID csq_complete_canceled(PIO_CSQ Csq, PIRP Irp)
{
    hook(AUDIT_ENTER, (void *)Csq->CsqCompleteCanceledIrp);
    Csq->CsqCompleteCanceledIrp(Csq, Irp);
    hook(AUDIT_LEAVE, (void *)Csq->CsqCompleteCanceledIrp);
}

/* The queue an IRP is in, from DriverContext[3]: its IO_CSQ_IRP_CONTEXT or
 * the IO_CSQ itself (both begin with their Type). */
static PIO_CSQ csq_of(PIRP Irp)
{
    PVOID p = Irp->Tail.Overlay.DriverContext[3];
    if (p == NULL)
        return NULL;
    if (*(const ULONG *)p == IO_TYPE_CSQ_IRP_CONTEXT)
        return ((PIO_CSQ_IRP_CONTEXT)p)->Csq;
    return p;
}

/* The IRP leaves the queue: its context no longer names it. */
static void csq_forget(PIRP Irp)
{
    PVOID p = Irp->Tail.Overlay.DriverContext[3];
    if (p != NULL && *(const ULONG *)p == IO_TYPE_CSQ_IRP_CONTEXT)
        ((PIO_CSQ_IRP_CONTEXT)p)->Irp = NULL;
    Irp->Tail.Overlay.DriverContext[3] = NULL;
}

/* The cancel routine of every queued IRP: IoCancelIrp calls it with the
 * cancel spin lock held. */
static VOID csq_cancel_routine(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    KIRQL irql;
    PIO_CSQ csq = csq_of(Irp);
    UNREFERENCED_PARAMETER(DeviceObject);
    (IoReleaseCancelSpinLock)(Irp->CancelIrql);
    if (csq == NULL)
        return;
    csq_acquire(csq, &irql);
    csq_remove(csq, Irp);
    csq_forget(Irp);
    csq_release(csq, irql);
    csq_complete_canceled(csq, Irp);
}

NTSTATUS IoCsqInitialize(PIO_CSQ Csq, PIO_CSQ_INSERT_IRP CsqInsertIrp, PIO_CSQ_REMOVE_IRP CsqRemoveIrp,
                         PIO_CSQ_PEEK_NEXT_IRP CsqPeekNextIrp, PIO_CSQ_ACQUIRE_LOCK CsqAcquireLock,
                         PIO_CSQ_RELEASE_LOCK CsqReleaseLock,
                         PIO_CSQ_COMPLETE_CANCELED_IRP CsqCompleteCanceledIrp)
{
    Csq->Type = IO_TYPE_CSQ;
    Csq->CsqInsertIrp = CsqInsertIrp;
    Csq->CsqRemoveIrp = CsqRemoveIrp;
    Csq->CsqPeekNextIrp = CsqPeekNextIrp;
    Csq->CsqAcquireLock = CsqAcquireLock;
    Csq->CsqReleaseLock = CsqReleaseLock;
    Csq->CsqCompleteCanceledIrp = CsqCompleteCanceledIrp;
    Csq->ReservePointer = NULL;
    return STATUS_SUCCESS;
}

/* Under the queue's lock: mark the IRP pending, insert it, make it
 * cancelable; an IRP already cancelled is taken out again and completed
 * through CsqCompleteCanceledIrp once the lock is released. */
VOID (IoCsqInsertIrp)(PIO_CSQ Csq, PIRP Irp, PIO_CSQ_IRP_CONTEXT Context)
{
    const char *file;
    int line;
    KIRQL irql;
    IrpcTakeSite(&file, &line);
    hook(AUDIT_API_CALL, NULL);
    csq_acquire(Csq, &irql);
    IrpcSetSite(file, line);
    (IoMarkIrpPending)(Irp);
    if (Context != NULL) {
        Context->Type = IO_TYPE_CSQ_IRP_CONTEXT;
        Context->Irp = Irp;
        Context->Csq = Csq;
        Irp->Tail.Overlay.DriverContext[3] = Context;
    } else {
        Irp->Tail.Overlay.DriverContext[3] = Csq;
    }
    csq_insert(Csq, Irp);
    IrpcSetSite(file, line);
    (IoSetCancelRoutine)(Irp, csq_cancel_routine);
    if (Irp->Cancel) {
        IrpcSetSite(file, line);
        if ((IoSetCancelRoutine)(Irp, NULL) != NULL) {
            csq_remove(Csq, Irp);
            csq_forget(Irp);
            csq_release(Csq, irql);
            csq_complete_canceled(Csq, Irp);
            hook(AUDIT_API_RETURN, NULL);
            return;
        }
    }
    csq_release(Csq, irql);
    hook(AUDIT_API_RETURN, NULL);
}

/* The first IRP the driver's peek routine offers (from the head, matching
 * PeekContext) whose cancel routine this call takes back; IRPs whose
 * cancellation is under way are left to the cancel routine. */
PIRP (IoCsqRemoveNextIrp)(PIO_CSQ Csq, PVOID PeekContext)
{
    const char *file;
    int line;
    KIRQL irql;
    IrpcTakeSite(&file, &line);
    hook(AUDIT_API_CALL, NULL);
    csq_acquire(Csq, &irql);
    PIRP irp = csq_peek(Csq, NULL, PeekContext);
    while (irp != NULL) {
        IrpcSetSite(file, line);
        if ((IoSetCancelRoutine)(irp, NULL) != NULL) {
            csq_remove(Csq, irp);
            csq_forget(irp);
            break;
        }
        irp = csq_peek(Csq, irp, PeekContext);
    }
    csq_release(Csq, irql);
    hook(AUDIT_API_RETURN, NULL);
    return irp;
}

/* The IRP inserted with this context, or NULL when it already left the
 * queue or its cancellation is under way. */
PIRP (IoCsqRemoveIrp)(PIO_CSQ Csq, PIO_CSQ_IRP_CONTEXT Context)
{
    const char *file;
    int line;
    KIRQL irql;
    IrpcTakeSite(&file, &line);
    hook(AUDIT_API_CALL, NULL);
    csq_acquire(Csq, &irql);
    PIRP irp = Context->Irp;
    if (irp != NULL) {
        IrpcSetSite(file, line);
        if ((IoSetCancelRoutine)(irp, NULL) != NULL) {
            csq_remove(Csq, irp);
            csq_forget(irp);
        } else {
            irp = NULL;
        }
    }
    csq_release(Csq, irql);
    hook(AUDIT_API_RETURN, NULL);
    return irp;
}

static void reset_deferred_objects(void)
{
    IrpcZero(workitems, sizeof workitems);
    audit_timer_capped = 0;
}
