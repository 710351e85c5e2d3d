/*
 * wdk/wdm.h - the <wdm.h> a third-party driver sees when `irpcheck audit`
 * compiles it.  It is the reference's WDM subset (../wdm.h) plus what real
 * driver source also uses: SAL annotations (empty), PAGED_CODE, role
 * typedefs (DRIVER_INITIALIZE, DRIVER_ADD_DEVICE), the driver extension,
 * and the common kernel routines (pool, Rtl memory, remove locks,
 * interlocked operations, DbgPrint, timers, work items, cancel-safe
 * queues), implemented in src/wdk.c.
 *
 * The routines through which an IRP changes hands (IoCallDriver,
 * IoCompleteRequest, waits, lock releases, DPC queueing, completion and
 * cancel routine registration) are routed through Audit* wrappers in
 * src/wdk.c.  The wrappers call the reference routine unchanged and tell
 * the audit environment (audit/env.c) when control goes back to driver
 * code, so it can mark the IRPs the driver does not own as inaccessible.
 * Outside the audit the hooks are NULL and the wrappers only forward.
 *
 * Names and values are Windows' own; tests/audit/constants_check compares
 * every constant defined here with the mingw-w64 DDK headers.
 */
#ifndef IRPC_WDK_WDM_H
#define IRPC_WDK_WDM_H

#include <string.h>
#include "../wdm.h"

/* ---- SAL and driver annotations: no meaning for execution ----------- */
#define _In_
#define _In_opt_
#define _Inout_
#define _Inout_opt_
#define _Out_
#define _Out_opt_
#define _Outptr_
#define _Outptr_opt_
#define _In_z_
#define _In_reads_(...)
#define _In_reads_bytes_(...)
#define _In_reads_opt_(...)
#define _In_reads_bytes_opt_(...)
#define _Out_writes_(...)
#define _Out_writes_bytes_(...)
#define _Out_writes_bytes_opt_(...)
#define _Inout_updates_(...)
#define _Inout_updates_bytes_(...)
#define _Dispatch_type_(...)
#define _Use_decl_annotations_
#define _Function_class_(...)
#define _IRQL_requires_(...)
#define _IRQL_requires_max_(...)
#define _IRQL_requires_min_(...)
#define _IRQL_requires_same_
#define _IRQL_raises_(...)
#define _IRQL_saves_
#define _IRQL_restores_
#define _IRQL_saves_global_(...)
#define _IRQL_restores_global_(...)
#define _IRQL_always_function_min_(...)
#define _IRQL_always_function_max_(...)
#define _Must_inspect_result_
#define _Check_return_
#define _Success_(...)
#define _Ret_maybenull_
#define _Ret_notnull_
#define _Notnull_
#define _Null_
#define _Pre_
#define _Post_
#define _Pre_notnull_
#define _Post_invalid_
#define _When_(...)
#define _At_(...)
#define _Acquires_lock_(...)
#define _Releases_lock_(...)
#define _Requires_lock_held_(...)
#define _Requires_lock_not_held_(...)
#define _Guarded_by_(...)
#define _Interlocked_
#define _Kernel_clear_do_init_(...)
#define _Kernel_requires_resource_held_(...)
#define _Analysis_assume_(...) ((void)0)
#define _Analysis_assume_lock_held_(...) ((void)0)
#define __drv_dispatchType(...)
#define __drv_maxIRQL(...)
#define __drv_requiresIRQL(...)
#define __drv_aliasesMem
#define __drv_freesMem(...)
#define __drv_allocatesMem(...)
#define IN
#define OUT
#define OPTIONAL
#define NTAPI
#define NTKERNELAPI
#define NTSYSAPI
#define FASTCALL
#define DECLSPEC_NOINLINE
#define FORCEINLINE static inline

/* ---- code placement, assertions, debugging --------------------------- */
#define PAGED_CODE() ((void)0)
#define PAGED_CODE_LOCKED() ((void)0)
#define ASSERT(e) ((void)0)
#define NT_ASSERT(e) ((void)0)
#define KdPrint(args) ((void)0)
#define KdPrintEx(args) ((void)0)
#define KdBreakPoint() ((void)0)
#define DbgBreakPoint() ((void)0)
ULONG DbgPrint(const char *Format, ...);
ULONG DbgPrintEx(ULONG ComponentId, ULONG Level, const char *Format, ...);
#define DPFLTR_IHVDRIVER_ID 77
#define DPFLTR_ERROR_LEVEL 0
#define DPFLTR_WARNING_LEVEL 1
#define DPFLTR_TRACE_LEVEL 2
#define DPFLTR_INFO_LEVEL 3
#define UNREFERENCED_LOCAL_VARIABLE(V) ((void)(V))
#define FIELD_OFFSET(type, field) ((LONG)offsetof(type, field))
#define ARGUMENT_PRESENT(p) ((p) != NULL)

/* ---- more basic types --------------------------------------------------- */
typedef unsigned short WCHAR;     /* irpcheck compiles drivers with -fshort-wchar */
typedef WCHAR *PWCHAR, *PWSTR;
typedef const WCHAR *PCWSTR;
typedef CHAR *PCHAR, *PSTR;
typedef const CHAR *PCSTR;
typedef int16_t SHORT;
typedef USHORT *PUSHORT;
typedef LONG *PLONG;
typedef int INT;
typedef unsigned int UINT;
typedef uint64_t ULONG64, ULONGLONG, *PULONG64;
typedef int64_t LONG64;
typedef uintptr_t SIZE_T, *PSIZE_T;
typedef intptr_t LONG_PTR;
typedef ULONG_PTR *PULONG_PTR;
typedef ULONG DEVICE_TYPE;
typedef ULONG ACCESS_MASK;
typedef PVOID HANDLE;
typedef ULONG LOGICAL;
typedef LONGLONG *PLONGLONG;
typedef const UNICODE_STRING *PCUNICODE_STRING;

/* ---- status values beyond the reference's ------------------------------- */
#define STATUS_BUFFER_TOO_SMALL         ((NTSTATUS)0xC0000023L)
#define STATUS_INVALID_DEVICE_STATE     ((NTSTATUS)0xC0000184L)
#define STATUS_DELETE_PENDING           ((NTSTATUS)0xC0000056L)
#define STATUS_NO_SUCH_DEVICE           ((NTSTATUS)0xC000000EL)
#define STATUS_BUFFER_OVERFLOW          ((NTSTATUS)0x80000005L)
#define STATUS_NOT_IMPLEMENTED          ((NTSTATUS)0xC0000002L)
#define STATUS_ACCESS_DENIED            ((NTSTATUS)0xC0000022L)
#define STATUS_NO_MEMORY                ((NTSTATUS)0xC0000017L)
#define STATUS_IO_DEVICE_ERROR          ((NTSTATUS)0xC0000185L)
#define NT_INFORMATION(s) ((((ULONG)(s)) >> 30) == 1)
#define NT_WARNING(s)     ((((ULONG)(s)) >> 30) == 2)

/* ---- more IRQLs, boosts, device flags and types ------------------------- */
#define HIGH_LEVEL 15
#define IO_SERIAL_INCREMENT   2
#define IO_KEYBOARD_INCREMENT 6
#define IO_NETWORK_INCREMENT  2
#define DO_BUFFERED_IO          0x00000004
#define DO_EXCLUSIVE            0x00000008
#define DO_DIRECT_IO            0x00000010
#define DO_DEVICE_INITIALIZING  0x00000080
#define DO_POWER_PAGABLE        0x00002000
#define FILE_DEVICE_DISK        0x00000007
#define FILE_DEVICE_UNKNOWN     0x00000022
#define FILE_DEVICE_SECURE_OPEN 0x00000100
#define METHOD_BUFFERED   0
#define METHOD_IN_DIRECT  1
#define METHOD_OUT_DIRECT 2
#define METHOD_NEITHER    3
#define FILE_ANY_ACCESS   0
#define FILE_READ_ACCESS  0x0001
#define FILE_WRITE_ACCESS 0x0002
#define CTL_CODE(DeviceType, Function, Method, Access) \
    (((DeviceType) << 16) | ((Access) << 14) | ((Function) << 2) | (Method))
#define IRP_MJ_CREATE_NAMED_PIPE     0x01
#define IRP_MJ_QUERY_INFORMATION     0x05
#define IRP_MJ_SET_INFORMATION       0x06
#define IRP_MJ_FLUSH_BUFFERS         0x09
#define IRP_MJ_SHUTDOWN              0x10
#define IRP_MN_START_DEVICE          0x00
#define IRP_MN_REMOVE_DEVICE         0x02
#define IRP_MN_STOP_DEVICE           0x04
#define IRP_MN_SURPRISE_REMOVAL      0x17

/* ---- driver extension and role types ------------------------------------ */
typedef NTSTATUS DRIVER_INITIALIZE(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath);
typedef DRIVER_INITIALIZE *PDRIVER_INITIALIZE;
typedef NTSTATUS DRIVER_ADD_DEVICE(PDRIVER_OBJECT DriverObject, PDEVICE_OBJECT PhysicalDeviceObject);
typedef DRIVER_ADD_DEVICE *PDRIVER_ADD_DEVICE;
typedef struct _DRIVER_EXTENSION {
    PDRIVER_OBJECT DriverObject;
    PDRIVER_ADD_DEVICE AddDevice;
    ULONG Count;
    UNICODE_STRING ServiceKeyName;
} DRIVER_EXTENSION, *PDRIVER_EXTENSION;
typedef KDEFERRED_ROUTINE *PKDEFERRED_ROUTINE;

/* ---- pool -------------------------------------------------------------- */
typedef enum _POOL_TYPE {
    NonPagedPool = 0,
    PagedPool = 1,
    NonPagedPoolMustSucceed = 2,
    NonPagedPoolNx = 512
} POOL_TYPE;
typedef ULONG64 POOL_FLAGS;
#define POOL_FLAG_UNINITIALIZED 0x0000000000000002ULL
#define POOL_FLAG_NON_PAGED     0x0000000000000040ULL
#define POOL_FLAG_PAGED         0x0000000000000100ULL
/* Allocations may fail: in the audit, each one returning NULL is a choice
 * of the environment (AUDIT_CHOOSE_ALLOCATION below); the macros record the
 * call site so a NULL dereference names the allocation it came from. */
PVOID ExAllocatePoolWithTag(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag);
PVOID ExAllocatePool(POOL_TYPE PoolType, SIZE_T NumberOfBytes);
PVOID ExAllocatePool2(POOL_FLAGS Flags, SIZE_T NumberOfBytes, ULONG Tag);
#define ExAllocatePoolWithTag(T, N, G) IRPC_AT((ExAllocatePoolWithTag)((T), (N), (G)))
#define ExAllocatePool(T, N) IRPC_AT((ExAllocatePool)((T), (N)))
#define ExAllocatePool2(F, N, G) IRPC_AT((ExAllocatePool2)((F), (N), (G)))
VOID ExFreePool(PVOID P);
VOID ExFreePoolWithTag(PVOID P, ULONG Tag);

/* ---- memory ---------------------------------------------------------- */
#define RtlZeroMemory(Destination, Length) ((void)memset((Destination), 0, (Length)))
#define RtlFillMemory(Destination, Length, Fill) ((void)memset((Destination), (Fill), (Length)))
#define RtlCopyMemory(Destination, Source, Length) ((void)memcpy((Destination), (Source), (Length)))
#define RtlMoveMemory(Destination, Source, Length) ((void)memmove((Destination), (Source), (Length)))
#define RtlEqualMemory(A, B, Length) (memcmp((A), (B), (Length)) == 0)
VOID RtlInitUnicodeString(PUNICODE_STRING DestinationString, PCWSTR SourceString);

/* ---- interlocked --------------------------------------------------------- */
LONG InterlockedIncrement(LONG volatile *Addend);
LONG InterlockedDecrement(LONG volatile *Addend);
LONG InterlockedExchange(LONG volatile *Target, LONG Value);
LONG InterlockedCompareExchange(LONG volatile *Destination, LONG Exchange, LONG Comparand);
LONG InterlockedExchangeAdd(LONG volatile *Addend, LONG Value);

/* ---- devices, objects ------------------------------------------------------ */
VOID IoDeleteDevice(PDEVICE_OBJECT DeviceObject);
VOID IoDetachDevice(PDEVICE_OBJECT TargetDevice);
NTSTATUS IoCreateSymbolicLink(PUNICODE_STRING SymbolicLinkName, PUNICODE_STRING DeviceName);
NTSTATUS IoDeleteSymbolicLink(PUNICODE_STRING SymbolicLinkName);
VOID ObReferenceObject(PVOID Object);
VOID ObDereferenceObject(PVOID Object);

/* ---- remove locks ------------------------------------------------------------ */
typedef struct _IO_REMOVE_LOCK {
    LONG IoCount;
    BOOLEAN Removed;
    KEVENT RemoveEvent;
} IO_REMOVE_LOCK, *PIO_REMOVE_LOCK;
VOID IoInitializeRemoveLock(PIO_REMOVE_LOCK Lock, ULONG AllocateTag, ULONG MaxLockedMinutes,
                            ULONG HighWatermark);
NTSTATUS IoAcquireRemoveLock(PIO_REMOVE_LOCK RemoveLock, PVOID Tag);
VOID IoReleaseRemoveLock(PIO_REMOVE_LOCK RemoveLock, PVOID Tag);
VOID IoReleaseRemoveLockAndWait(PIO_REMOVE_LOCK RemoveLock, PVOID Tag);

/* ---- kernel routines beyond the reference's -------------------------------- */
VOID KeResetEvent(PKEVENT Event);
VOID KeAcquireSpinLockAtDpcLevel(PKSPIN_LOCK SpinLock);
VOID AuditReleaseSpinLockFromDpcLevel(PKSPIN_LOCK SpinLock);
#define KeReleaseSpinLockFromDpcLevel(L) IRPC_AT(AuditReleaseSpinLockFromDpcLevel(L))
KIRQL KeRaiseIrqlToDpcLevel(void);
PLIST_ENTRY RemoveTailList(PLIST_ENTRY ListHead);
PLIST_ENTRY AuditExInterlockedInsertTailList(PLIST_ENTRY ListHead, PLIST_ENTRY Entry, PKSPIN_LOCK Lock);
PLIST_ENTRY AuditExInterlockedInsertHeadList(PLIST_ENTRY ListHead, PLIST_ENTRY Entry, PKSPIN_LOCK Lock);
PLIST_ENTRY AuditExInterlockedRemoveHeadList(PLIST_ENTRY ListHead, PKSPIN_LOCK Lock);
#define ExInterlockedInsertTailList(H, E, L) IRPC_AT(AuditExInterlockedInsertTailList((H), (E), (L)))
#define ExInterlockedInsertHeadList(H, E, L) IRPC_AT(AuditExInterlockedInsertHeadList((H), (E), (L)))
#define ExInterlockedRemoveHeadList(H, L) IRPC_AT(AuditExInterlockedRemoveHeadList((H), (L)))
NTSTATUS IoSetCompletionRoutineEx(PDEVICE_OBJECT DeviceObject, PIRP Irp,
                                  PIO_COMPLETION_ROUTINE CompletionRoutine, PVOID Context,
                                  BOOLEAN InvokeOnSuccess, BOOLEAN InvokeOnError,
                                  BOOLEAN InvokeOnCancel);

/* ---- timers: the expiry is deferred work (src/wdk.c) ---------------------
 * Setting a timer queues its expiry with the reference's deferred work, so
 * the environment may run it at any scheduling point and runs it at
 * quiescence; the expiry signals the timer and queues its DPC (two steps, as
 * in Windows: KeCancelTimer after the expiry returns FALSE and the DPC still
 * runs).  Bound: a timer expires at most AUDIT_TIMER_EXPIRIES times in a
 * scenario (a periodic timer, or one its own DPC sets again, would go on
 * forever); when the bound stops a timer, audit_timer_capped is set, and a
 * request still undelivered at quiescence is then not reported as a
 * violation (it may be the bound's doing) but makes the exploration
 * incomplete.  The first two fields are a KEVENT's, so a timer can be
 * waited on. */
#define AUDIT_TIMER_EXPIRIES 4
extern int audit_timer_capped;
typedef enum _TIMER_TYPE { NotificationTimer = 0, SynchronizationTimer = 1 } TIMER_TYPE;
typedef struct _KTIMER {
    LONG SignalState;
    EVENT_TYPE Type;
    LARGE_INTEGER DueTime;
    LONG Period;
    PKDPC Dpc;
    BOOLEAN Set;             /* its expiry is queued */
    int Expiries;            /* expiries since KeInitializeTimer(Ex) */
    KDPC Expiry;             /* the deferred item of the expiry */
} KTIMER, *PKTIMER;
VOID KeInitializeTimer(PKTIMER Timer);
VOID KeInitializeTimerEx(PKTIMER Timer, TIMER_TYPE Type);
BOOLEAN KeSetTimer(PKTIMER Timer, LARGE_INTEGER DueTime, PKDPC Dpc);
BOOLEAN KeSetTimerEx(PKTIMER Timer, LARGE_INTEGER DueTime, LONG Period, PKDPC Dpc);
BOOLEAN KeCancelTimer(PKTIMER Timer);
BOOLEAN KeReadStateTimer(PKTIMER Timer);
BOOLEAN KeRemoveQueueDpc(PKDPC Dpc);

/* ---- work items: deferred work run at PASSIVE_LEVEL (src/wdk.c) ---------- */
typedef struct _IO_WORKITEM *PIO_WORKITEM;
typedef VOID IO_WORKITEM_ROUTINE(PDEVICE_OBJECT DeviceObject, PVOID Context);
typedef IO_WORKITEM_ROUTINE *PIO_WORKITEM_ROUTINE;
typedef enum _WORK_QUEUE_TYPE {
    CriticalWorkQueue = 0,
    DelayedWorkQueue = 1,
    HyperCriticalWorkQueue = 2,
    NormalWorkQueue = 3
} WORK_QUEUE_TYPE;
PIO_WORKITEM IoAllocateWorkItem(PDEVICE_OBJECT DeviceObject);
VOID IoQueueWorkItem(PIO_WORKITEM IoWorkItem, PIO_WORKITEM_ROUTINE WorkerRoutine,
                     WORK_QUEUE_TYPE QueueType, PVOID Context);
VOID IoFreeWorkItem(PIO_WORKITEM IoWorkItem);
#define IoAllocateWorkItem(D) IRPC_AT((IoAllocateWorkItem)(D))
#define IoQueueWorkItem(W, R, Q, C) IRPC_AT((IoQueueWorkItem)((W), (R), (Q), (C)))

/* ---- cancel-safe IRP queues (src/wdk.c) ------------------------------------
 * The queue's own routines are the driver's callbacks; IoCsq* call them under
 * the driver's lock, set and clear the cancel routine, and complete an IRP
 * cancelled while queued through CsqCompleteCanceledIrp.  The queue keeps
 * its bookkeeping in Irp->Tail.Overlay.DriverContext[3], as Windows does. */
#define IO_TYPE_CSQ_IRP_CONTEXT 1
#define IO_TYPE_CSQ             2
#define IO_TYPE_CSQ_EX          3
struct _IO_CSQ;
typedef struct _IO_CSQ_IRP_CONTEXT {
    ULONG Type;
    PIRP Irp;
    struct _IO_CSQ *Csq;
} IO_CSQ_IRP_CONTEXT, *PIO_CSQ_IRP_CONTEXT;
typedef VOID IO_CSQ_INSERT_IRP(struct _IO_CSQ *Csq, PIRP Irp);
typedef IO_CSQ_INSERT_IRP *PIO_CSQ_INSERT_IRP;
typedef VOID IO_CSQ_REMOVE_IRP(struct _IO_CSQ *Csq, PIRP Irp);
typedef IO_CSQ_REMOVE_IRP *PIO_CSQ_REMOVE_IRP;
typedef PIRP IO_CSQ_PEEK_NEXT_IRP(struct _IO_CSQ *Csq, PIRP Irp, PVOID PeekContext);
typedef IO_CSQ_PEEK_NEXT_IRP *PIO_CSQ_PEEK_NEXT_IRP;
typedef VOID IO_CSQ_ACQUIRE_LOCK(struct _IO_CSQ *Csq, PKIRQL Irql);
typedef IO_CSQ_ACQUIRE_LOCK *PIO_CSQ_ACQUIRE_LOCK;
typedef VOID IO_CSQ_RELEASE_LOCK(struct _IO_CSQ *Csq, KIRQL Irql);
typedef IO_CSQ_RELEASE_LOCK *PIO_CSQ_RELEASE_LOCK;
typedef VOID IO_CSQ_COMPLETE_CANCELED_IRP(struct _IO_CSQ *Csq, PIRP Irp);
typedef IO_CSQ_COMPLETE_CANCELED_IRP *PIO_CSQ_COMPLETE_CANCELED_IRP;
typedef struct _IO_CSQ {
    ULONG Type;
    PIO_CSQ_INSERT_IRP CsqInsertIrp;
    PIO_CSQ_REMOVE_IRP CsqRemoveIrp;
    PIO_CSQ_PEEK_NEXT_IRP CsqPeekNextIrp;
    PIO_CSQ_ACQUIRE_LOCK CsqAcquireLock;
    PIO_CSQ_RELEASE_LOCK CsqReleaseLock;
    PIO_CSQ_COMPLETE_CANCELED_IRP CsqCompleteCanceledIrp;
    PVOID ReservePointer;
} IO_CSQ, *PIO_CSQ;
NTSTATUS IoCsqInitialize(PIO_CSQ Csq, PIO_CSQ_INSERT_IRP CsqInsertIrp, PIO_CSQ_REMOVE_IRP CsqRemoveIrp,
                         PIO_CSQ_PEEK_NEXT_IRP CsqPeekNextIrp, PIO_CSQ_ACQUIRE_LOCK CsqAcquireLock,
                         PIO_CSQ_RELEASE_LOCK CsqReleaseLock,
                         PIO_CSQ_COMPLETE_CANCELED_IRP CsqCompleteCanceledIrp);
VOID IoCsqInsertIrp(PIO_CSQ Csq, PIRP Irp, PIO_CSQ_IRP_CONTEXT Context);
PIRP IoCsqRemoveIrp(PIO_CSQ Csq, PIO_CSQ_IRP_CONTEXT Context);
PIRP IoCsqRemoveNextIrp(PIO_CSQ Csq, PVOID PeekContext);
#define IoCsqInsertIrp(Q, I, C)  IRPC_AT((IoCsqInsertIrp)((Q), (I), (C)))
#define IoCsqRemoveIrp(Q, C)     IRPC_AT((IoCsqRemoveIrp)((Q), (C)))
#define IoCsqRemoveNextIrp(Q, P) IRPC_AT((IoCsqRemoveNextIrp)((Q), (P)))

/* ---- the routines an IRP changes hands through: wrappers (src/wdk.c) ---- */
NTSTATUS AuditCallDriver(PDEVICE_OBJECT DeviceObject, PIRP Irp);
VOID AuditCompleteRequest(PIRP Irp, KPRIORITY_BOOST PriorityBoost);
NTSTATUS AuditWaitForSingleObject(PVOID Object, KWAIT_REASON WaitReason, KPROCESSOR_MODE WaitMode,
                                  BOOLEAN Alertable, PLARGE_INTEGER Timeout);
VOID AuditReleaseSpinLock(PKSPIN_LOCK SpinLock, KIRQL NewIrql);
VOID AuditReleaseCancelSpinLock(KIRQL Irql);
BOOLEAN AuditInsertQueueDpc(PKDPC Dpc, PVOID SystemArgument1, PVOID SystemArgument2);
VOID AuditInitializeDpc(PKDPC Dpc, PKDEFERRED_ROUTINE DeferredRoutine, PVOID DeferredContext);
VOID AuditSetCompletionRoutine(PIRP Irp, PIO_COMPLETION_ROUTINE CompletionRoutine, PVOID Context,
                               BOOLEAN InvokeOnSuccess, BOOLEAN InvokeOnError, BOOLEAN InvokeOnCancel);
PDRIVER_CANCEL AuditSetCancelRoutine(PIRP Irp, PDRIVER_CANCEL CancelRoutine);
BOOLEAN AuditCancelIrp(PIRP Irp);
VOID AuditFreeIrp(PIRP Irp);
PIRP AuditAllocateIrp(CCHAR StackSize, BOOLEAN ChargeQuota);
PIRP AuditBuildDeviceIoControlRequest(ULONG IoControlCode, PDEVICE_OBJECT DeviceObject,
                                      PVOID InputBuffer, ULONG InputBufferLength,
                                      PVOID OutputBuffer, ULONG OutputBufferLength,
                                      BOOLEAN InternalDeviceIoControl, PKEVENT Event,
                                      PIO_STATUS_BLOCK IoStatusBlock);
PIRP AuditBuildSynchronousFsdRequest(ULONG MajorFunction, PDEVICE_OBJECT DeviceObject,
                                     PVOID Buffer, ULONG Length, PLARGE_INTEGER StartingOffset,
                                     PKEVENT Event, PIO_STATUS_BLOCK IoStatusBlock);
PIRP AuditBuildAsynchronousFsdRequest(ULONG MajorFunction, PDEVICE_OBJECT DeviceObject,
                                      PVOID Buffer, ULONG Length, PLARGE_INTEGER StartingOffset,
                                      PIO_STATUS_BLOCK IoStatusBlock);

#undef IoCallDriver
#undef IoCompleteRequest
#undef KeWaitForSingleObject
#undef KeReleaseSpinLock
#undef KeInsertQueueDpc
#undef IoSetCompletionRoutine
#undef IoSetCancelRoutine
#undef IoFreeIrp
#define IoCallDriver(D, I)      IRPC_AT(AuditCallDriver((D), (I)))
#define IoCompleteRequest(I, B) IRPC_AT(AuditCompleteRequest((I), (B)))
#define KeWaitForSingleObject(O, R, M, A, T) IRPC_AT(AuditWaitForSingleObject((O), (R), (M), (A), (T)))
#define KeReleaseSpinLock(L, Q) IRPC_AT(AuditReleaseSpinLock((L), (Q)))
#define IoReleaseCancelSpinLock(Q) IRPC_AT(AuditReleaseCancelSpinLock(Q))
#define KeInsertQueueDpc(D, A, B) IRPC_AT(AuditInsertQueueDpc((D), (A), (B)))
#define KeInitializeDpc(D, R, C) AuditInitializeDpc((D), (R), (C))
#define IoSetCompletionRoutine(I, R, C, S, E, X) IRPC_AT(AuditSetCompletionRoutine((I), (R), (C), (S), (E), (X)))
#define IoSetCancelRoutine(I, R) IRPC_AT(AuditSetCancelRoutine((I), (R)))
#define IoCancelIrp(I)          IRPC_AT(AuditCancelIrp(I))
#define IoFreeIrp(I)            IRPC_AT(AuditFreeIrp(I))
#define IoAllocateIrp(S, Q)     IRPC_AT(AuditAllocateIrp((S), (Q)))
#define IoBuildDeviceIoControlRequest(C, D, I, IL, O, OL, N, E, S) \
    IRPC_AT(AuditBuildDeviceIoControlRequest((C), (D), (I), (IL), (O), (OL), (N), (E), (S)))
#define IoBuildSynchronousFsdRequest(M, D, B, L, O, E, S) \
    IRPC_AT(AuditBuildSynchronousFsdRequest((M), (D), (B), (L), (O), (E), (S)))
#define IoBuildAsynchronousFsdRequest(M, D, B, L, O, S) \
    IRPC_AT(AuditBuildAsynchronousFsdRequest((M), (D), (B), (L), (O), (S)))

/* What src/wdk.c tells the audit environment (NULL outside the audit):
 * driver code calls a wrapped routine (AUDIT_API_CALL) and gets control
 * back (AUDIT_API_RETURN); a driver routine (completion, cancel, DPC) is
 * entered and left through a trampoline (AUDIT_ENTER / AUDIT_LEAVE, with
 * the driver's routine). */
enum { AUDIT_API_CALL = 1, AUDIT_API_RETURN, AUDIT_ENTER, AUDIT_LEAVE };
typedef void AUDIT_HOOK(int event, void *routine);
extern AUDIT_HOOK *audit_hook;
/* the driver's routine behind a trampoline pointer (itself when none) */
void *AuditRealRoutine(void *routine);

/* Allocation failure as a choice of the environment: the hook returns
 * nonzero when this allocation (what, at the driver's file:line) fails.
 * NULL outside the audit: allocations fail only when a pool is exhausted. */
typedef int AUDIT_FAIL_HOOK(const char *what, const char *file, int line);
extern AUDIT_FAIL_HOOK *audit_fail_hook;

/* Where a driver routine returned.  `irpcheck audit` compiles a copy of the
 * driver in which `return X;` in every function returning NTSTATUS reads
 * `return AUDIT_RETURN_AT(LINE, X);` (LINE: the line of that `return`), so a
 * rule checked when a dispatch or completion routine returns names the
 * return statement.  The value is evaluated first, so a routine that runs
 * inside X (a completion routine inside IoCallDriver) does not overwrite
 * the site. */
extern const char *audit_return_file;
extern int audit_return_line;
extern const char *audit_return_func;
NTSTATUS AuditReturnStatus(NTSTATUS Status, const char *File, int Line, const char *Function);
#define AUDIT_RETURN_AT(Line, ...) AuditReturnStatus((NTSTATUS)(__VA_ARGS__), __FILE__, (Line), __func__)

#endif /* IRPC_WDK_WDM_H */
