/*
 * wdk.c - the kernel routines of the driver-facing stand-in headers
 * (src/include/wdk/wdm.h) beyond the reference's WDM subset: pool from a
 * static arena, remove locks, interlocked operations, DbgPrint, device
 * deletion and detaching, and the Audit* wrappers through which an IRP
 * changes hands.  Each wrapper calls the reference routine unchanged; the
 * audit environment (audit/env.c) observes the calls through audit_hook.
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

/* ---- pool: a static arena, never reused (a scenario is short) ---------- */
#define WDK_POOL_BYTES (64 * 1024)
static union { unsigned char bytes[WDK_POOL_BYTES]; long long align; } wdk_pool;
static size_t wdk_pool_used;

PVOID ExAllocatePool2(POOL_FLAGS Flags, SIZE_T NumberOfBytes, ULONG Tag)
{
    UNREFERENCED_PARAMETER(Flags);
    UNREFERENCED_PARAMETER(Tag);
    size_t n = (NumberOfBytes + 15u) & ~(size_t)15u;
    if (n == 0 || n > WDK_POOL_BYTES - wdk_pool_used)
        return NULL;
    unsigned char *p = &wdk_pool.bytes[wdk_pool_used];
    wdk_pool_used += n;
    IrpcZero(p, n);
    return p;
}

PVOID ExAllocatePoolWithTag(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag)
{
    UNREFERENCED_PARAMETER(PoolType);
    return ExAllocatePool2(POOL_FLAG_NON_PAGED, NumberOfBytes, Tag);
}

PVOID ExAllocatePool(POOL_TYPE PoolType, SIZE_T NumberOfBytes)
{
    return ExAllocatePoolWithTag(PoolType, NumberOfBytes, 0);
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

void WdkReset(void)
{
    wdk_pool_used = 0;
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
