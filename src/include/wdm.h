/*
 * wdm.h - the subset of the Windows Driver Model that irpcheck's reference
 * I/O manager implements.
 *
 * Names and constant values are Windows' own (tests/test_constants.c checks
 * them against the mingw-w64 DDK headers when those are installed).  Layouts
 * are simplified where the protocol does not depend on them:
 *   - IO_STACK_LOCATION.Parameters is a struct of the few parameter sets the
 *     samples use, not a union;
 *   - the stack locations live in the IRP itself (IrpcStack[]), right after the
 *     header fields, location k (1-based) at IrpcStack[k - 1];
 *   - KEVENT, KSPIN_LOCK and KDPC carry only what the protocol needs.
 * CompletionRoutine and Context are the last fields of IO_STACK_LOCATION, so
 * "copy everything before CompletionRoutine" is the copy-to-next operation.
 *
 * The stack "macros" (IoGetCurrentIrpStackLocation, IoMarkIrpPending, ...)
 * are functions here: they check ownership and stack bounds and report
 * violations, and they carry ACSL contracts.
 */
#ifndef IRPC_WDM_H
#define IRPC_WDM_H

#include <stddef.h>
#include <stdint.h>

/* ---- basic types ------------------------------------------------------ */
typedef void VOID;
typedef void *PVOID;
typedef char CHAR;
typedef char CCHAR;
typedef unsigned char UCHAR;
typedef UCHAR *PUCHAR;
typedef int16_t CSHORT;
typedef uint16_t USHORT;
typedef int32_t LONG;
typedef uint32_t ULONG;
typedef ULONG *PULONG;
typedef int64_t LONGLONG;
typedef uintptr_t ULONG_PTR;
typedef UCHAR BOOLEAN;
typedef BOOLEAN *PBOOLEAN;
typedef LONG NTSTATUS;
typedef UCHAR KIRQL;
typedef KIRQL *PKIRQL;
typedef CCHAR KPRIORITY_BOOST;
typedef ULONG_PTR KSPIN_LOCK;
typedef KSPIN_LOCK *PKSPIN_LOCK;
typedef struct _LARGE_INTEGER { LONGLONG QuadPart; } LARGE_INTEGER, *PLARGE_INTEGER;
typedef struct _UNICODE_STRING { USHORT Length; USHORT MaximumLength; PVOID Buffer; } UNICODE_STRING, *PUNICODE_STRING;

#define TRUE  1
#define FALSE 0
#ifndef NULL
#define NULL ((void *)0)
#endif

/* ---- status values ---------------------------------------------------- */
#define STATUS_SUCCESS                  ((NTSTATUS)0x00000000L)
#define STATUS_CONTINUE_COMPLETION      STATUS_SUCCESS
#define STATUS_PENDING                  ((NTSTATUS)0x00000103L)
#define STATUS_TIMEOUT                  ((NTSTATUS)0x00000102L)
#define STATUS_MORE_PROCESSING_REQUIRED ((NTSTATUS)0xC0000016L)
#define STATUS_CANCELLED                ((NTSTATUS)0xC0000120L)
#define STATUS_INVALID_PARAMETER        ((NTSTATUS)0xC000000DL)
#define STATUS_NOT_SUPPORTED            ((NTSTATUS)0xC00000BBL)
#define STATUS_INVALID_DEVICE_REQUEST   ((NTSTATUS)0xC0000010L)
#define STATUS_UNSUCCESSFUL             ((NTSTATUS)0xC0000001L)
#define STATUS_INSUFFICIENT_RESOURCES   ((NTSTATUS)0xC000009AL)
#define STATUS_DEVICE_BUSY              ((NTSTATUS)0x80000011L)

#define NT_SUCCESS(s) (((NTSTATUS)(s)) >= 0)
#define NT_ERROR(s)   ((((ULONG)(s)) >> 30) == 3)

/* ---- IRQL, priority boosts ------------------------------------------- */
#define PASSIVE_LEVEL  0
#define APC_LEVEL      1
#define DISPATCH_LEVEL 2
#define IO_NO_INCREMENT   0
#define IO_DISK_INCREMENT 1

/* ---- major functions -------------------------------------------------- */
#define IRP_MJ_CREATE                  0x00
#define IRP_MJ_CLOSE                   0x02
#define IRP_MJ_READ                    0x03
#define IRP_MJ_WRITE                   0x04
#define IRP_MJ_DEVICE_CONTROL          0x0e
#define IRP_MJ_INTERNAL_DEVICE_CONTROL 0x0f
#define IRP_MJ_CLEANUP                 0x12
#define IRP_MJ_POWER                   0x16
#define IRP_MJ_SYSTEM_CONTROL          0x17
#define IRP_MJ_PNP                     0x1b
#define IRP_MJ_MAXIMUM_FUNCTION        0x1b

/* ---- IO_STACK_LOCATION.Control --------------------------------------- */
#define SL_PENDING_RETURNED 0x01
#define SL_ERROR_RETURNED   0x02
#define SL_INVOKE_ON_CANCEL 0x20
#define SL_INVOKE_ON_SUCCESS 0x40
#define SL_INVOKE_ON_ERROR  0x80

/* ---- IRP.Flags -------------------------------------------------------- */
#define IRP_PAGING_IO            0x00000002
#define IRP_SYNCHRONOUS_API      0x00000004
#define IRP_ASSOCIATED_IRP       0x00000008
#define IRP_BUFFERED_IO          0x00000010
#define IRP_DEALLOCATE_BUFFER    0x00000020
#define IRP_INPUT_OPERATION      0x00000040
#define IRP_CLOSE_OPERATION      0x00000400
#define IRP_DEFER_IO_COMPLETION  0x00000800

#define IO_TYPE_IRP    6
#define IO_TYPE_DEVICE 3
#define IO_TYPE_FILE   5

/* bug check codes the reference reproduces */
#define NO_MORE_IRP_STACK_LOCATIONS     0x35
#define MULTIPLE_IRP_COMPLETE_REQUESTS  0x44
#define CANCEL_STATE_IN_COMPLETED_IRP   0x48

/* ---- sizes of the static pools (compile-time bounds, not logic) ------ */
#ifndef IRPC_MAX_STACK
#define IRPC_MAX_STACK 6        /* stack locations per IRP */
#endif

/* ---- lists ------------------------------------------------------------ */
typedef struct _LIST_ENTRY {
    struct _LIST_ENTRY *Flink;
    struct _LIST_ENTRY *Blink;
} LIST_ENTRY, *PLIST_ENTRY;

/* ---- dispatcher objects ---------------------------------------------- */
typedef enum _EVENT_TYPE { NotificationEvent = 0, SynchronizationEvent = 1 } EVENT_TYPE;
typedef struct _KEVENT {
    LONG SignalState;
    EVENT_TYPE Type;
} KEVENT, *PKEVENT;

typedef enum _KWAIT_REASON { Executive = 0 } KWAIT_REASON;
typedef enum _MODE { KernelMode = 0, UserMode = 1 } MODE, KPROCESSOR_MODE;

typedef struct _KDPC *PKDPC;
typedef VOID KDEFERRED_ROUTINE(PKDPC Dpc, PVOID DeferredContext,
                               PVOID SystemArgument1, PVOID SystemArgument2);
typedef KDEFERRED_ROUTINE *PKDEFERRED_ROUTINE;
typedef struct _KDPC {
    PKDEFERRED_ROUTINE DeferredRoutine;
    PVOID DeferredContext;
    PVOID SystemArgument1;
    PVOID SystemArgument2;
    BOOLEAN Inserted;
} KDPC;

typedef struct _ETHREAD { int Id; } ETHREAD, *PETHREAD;

/* ---- I/O structures --------------------------------------------------- */
typedef struct _IO_STATUS_BLOCK {
    NTSTATUS Status;
    ULONG_PTR Information;
} IO_STATUS_BLOCK, *PIO_STATUS_BLOCK;

struct _DEVICE_OBJECT;
struct _DRIVER_OBJECT;
struct _IRP;
typedef struct _DEVICE_OBJECT *PDEVICE_OBJECT;
typedef struct _DRIVER_OBJECT *PDRIVER_OBJECT;
typedef struct _IRP *PIRP;

typedef NTSTATUS DRIVER_DISPATCH(PDEVICE_OBJECT DeviceObject, PIRP Irp);
typedef DRIVER_DISPATCH *PDRIVER_DISPATCH;
typedef NTSTATUS IO_COMPLETION_ROUTINE(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context);
typedef IO_COMPLETION_ROUTINE *PIO_COMPLETION_ROUTINE;
typedef VOID DRIVER_CANCEL(PDEVICE_OBJECT DeviceObject, PIRP Irp);
typedef DRIVER_CANCEL *PDRIVER_CANCEL;
typedef VOID DRIVER_UNLOAD(PDRIVER_OBJECT DriverObject);
typedef DRIVER_UNLOAD *PDRIVER_UNLOAD;

typedef struct _FILE_OBJECT {
    CSHORT Type;
    CSHORT Size;
    PDEVICE_OBJECT DeviceObject;
    PVOID FsContext;
    PVOID FsContext2;
} FILE_OBJECT, *PFILE_OBJECT;

typedef struct _DRIVER_OBJECT {
    CSHORT Type;
    CSHORT Size;
    PDEVICE_OBJECT DeviceObject;
    PDRIVER_UNLOAD DriverUnload;
    PDRIVER_DISPATCH MajorFunction[IRP_MJ_MAXIMUM_FUNCTION + 1];
    struct _DRIVER_EXTENSION *DriverExtension;   /* AddDevice (src/include/wdk/wdm.h); NULL here */
} DRIVER_OBJECT;

typedef struct _DEVICE_OBJECT {
    CSHORT Type;
    USHORT Size;
    PDRIVER_OBJECT DriverObject;
    PDEVICE_OBJECT NextDevice;
    PDEVICE_OBJECT AttachedDevice;
    ULONG Flags;
    ULONG DeviceType;
    CCHAR StackSize;
    PVOID DeviceExtension;
} DEVICE_OBJECT;

typedef struct _IO_STACK_LOCATION {
    UCHAR MajorFunction;
    UCHAR MinorFunction;
    UCHAR Flags;
    UCHAR Control;
    struct {
        struct { ULONG Length; ULONG Key; LARGE_INTEGER ByteOffset; } Read;
        struct { ULONG Length; ULONG Key; LARGE_INTEGER ByteOffset; } Write;
        struct {
            ULONG OutputBufferLength;
            ULONG InputBufferLength;
            ULONG IoControlCode;
            PVOID Type3InputBuffer;
        } DeviceIoControl;
        struct { PVOID Argument1; PVOID Argument2; PVOID Argument3; PVOID Argument4; } Others;
    } Parameters;
    PDEVICE_OBJECT DeviceObject;
    PFILE_OBJECT FileObject;
    PIO_COMPLETION_ROUTINE CompletionRoutine;   /* last but one, on purpose */
    PVOID Context;                               /* last, on purpose */
} IO_STACK_LOCATION, *PIO_STACK_LOCATION;

typedef struct _IRP {
    CSHORT Type;
    USHORT Size;
    PVOID MdlAddress;
    ULONG Flags;
    struct { PVOID SystemBuffer; } AssociatedIrp;
    IO_STATUS_BLOCK IoStatus;
    KPROCESSOR_MODE RequestorMode;
    BOOLEAN PendingReturned;
    CHAR StackCount;
    CHAR CurrentLocation;
    BOOLEAN Cancel;
    KIRQL CancelIrql;
    PDRIVER_CANCEL CancelRoutine;
    PIO_STATUS_BLOCK UserIosb;
    PKEVENT UserEvent;
    PVOID UserBuffer;
    struct {
        struct {
            PVOID DriverContext[4];
            PETHREAD Thread;
            LIST_ENTRY ListEntry;
            PFILE_OBJECT OriginalFileObject;
        } Overlay;
    } Tail;
    IO_STACK_LOCATION IrpcStack[IRPC_MAX_STACK];  /* the locations follow the header */
} IRP;

/* ---- the I/O manager -------------------------------------------------- */
PIRP IoAllocateIrp(CCHAR StackSize, BOOLEAN ChargeQuota);
VOID IoFreeIrp(PIRP Irp);
VOID IoReuseIrp(PIRP Irp, NTSTATUS Status);
NTSTATUS IofCallDriver(PDEVICE_OBJECT DeviceObject, PIRP Irp);
VOID IofCompleteRequest(PIRP Irp, KPRIORITY_BOOST PriorityBoost);

PIO_STACK_LOCATION IoGetCurrentIrpStackLocation(PIRP Irp);
PIO_STACK_LOCATION IoGetNextIrpStackLocation(PIRP Irp);
VOID IoSkipCurrentIrpStackLocation(PIRP Irp);
VOID IoCopyCurrentIrpStackLocationToNext(PIRP Irp);
VOID IoSetCompletionRoutine(PIRP Irp, PIO_COMPLETION_ROUTINE CompletionRoutine, PVOID Context,
                            BOOLEAN InvokeOnSuccess, BOOLEAN InvokeOnError, BOOLEAN InvokeOnCancel);
VOID IoMarkIrpPending(PIRP Irp);

PIRP IoBuildDeviceIoControlRequest(ULONG IoControlCode, PDEVICE_OBJECT DeviceObject,
                                   PVOID InputBuffer, ULONG InputBufferLength,
                                   PVOID OutputBuffer, ULONG OutputBufferLength,
                                   BOOLEAN InternalDeviceIoControl, PKEVENT Event,
                                   PIO_STATUS_BLOCK IoStatusBlock);
PIRP IoBuildSynchronousFsdRequest(ULONG MajorFunction, PDEVICE_OBJECT DeviceObject,
                                  PVOID Buffer, ULONG Length, PLARGE_INTEGER StartingOffset,
                                  PKEVENT Event, PIO_STATUS_BLOCK IoStatusBlock);
PIRP IoBuildAsynchronousFsdRequest(ULONG MajorFunction, PDEVICE_OBJECT DeviceObject,
                                   PVOID Buffer, ULONG Length, PLARGE_INTEGER StartingOffset,
                                   PIO_STATUS_BLOCK IoStatusBlock);

PDRIVER_CANCEL IoSetCancelRoutine(PIRP Irp, PDRIVER_CANCEL CancelRoutine);
BOOLEAN IoCancelIrp(PIRP Irp);
VOID IoAcquireCancelSpinLock(PKIRQL Irql);
VOID IoReleaseCancelSpinLock(KIRQL Irql);

NTSTATUS IoCreateDevice(PDRIVER_OBJECT DriverObject, ULONG DeviceExtensionSize,
                        PUNICODE_STRING DeviceName, ULONG DeviceType,
                        ULONG DeviceCharacteristics, BOOLEAN Exclusive,
                        PDEVICE_OBJECT *DeviceObject);
PDEVICE_OBJECT IoAttachDeviceToDeviceStack(PDEVICE_OBJECT SourceDevice, PDEVICE_OBJECT TargetDevice);

/* ---- the kernel ------------------------------------------------------- */
VOID KeInitializeEvent(PKEVENT Event, EVENT_TYPE Type, BOOLEAN State);
LONG KeSetEvent(PKEVENT Event, KPRIORITY_BOOST Increment, BOOLEAN Wait);
VOID KeClearEvent(PKEVENT Event);
LONG KeReadStateEvent(PKEVENT Event);
NTSTATUS KeWaitForSingleObject(PVOID Object, KWAIT_REASON WaitReason, KPROCESSOR_MODE WaitMode,
                               BOOLEAN Alertable, PLARGE_INTEGER Timeout);

VOID KeInitializeSpinLock(PKSPIN_LOCK SpinLock);
VOID KeAcquireSpinLock(PKSPIN_LOCK SpinLock, PKIRQL OldIrql);
VOID KeReleaseSpinLock(PKSPIN_LOCK SpinLock, KIRQL NewIrql);
KIRQL KeGetCurrentIrql(void);
VOID KeRaiseIrql(KIRQL NewIrql, PKIRQL OldIrql);
VOID KeLowerIrql(KIRQL NewIrql);

VOID KeInitializeDpc(PKDPC Dpc, PKDEFERRED_ROUTINE DeferredRoutine, PVOID DeferredContext);
BOOLEAN KeInsertQueueDpc(PKDPC Dpc, PVOID SystemArgument1, PVOID SystemArgument2);

VOID InitializeListHead(PLIST_ENTRY ListHead);
BOOLEAN IsListEmpty(const LIST_ENTRY *ListHead);
VOID InsertTailList(PLIST_ENTRY ListHead, PLIST_ENTRY Entry);
VOID InsertHeadList(PLIST_ENTRY ListHead, PLIST_ENTRY Entry);
PLIST_ENTRY RemoveHeadList(PLIST_ENTRY ListHead);
BOOLEAN RemoveEntryList(PLIST_ENTRY Entry);

#define CONTAINING_RECORD(address, type, field) \
    ((type *)((char *)(address) - offsetof(type, field)))
#define UNREFERENCED_PARAMETER(P) ((void)(P))

/* Call sites.  IoCallDriver and IoCompleteRequest are macros over the
 * f-routines, as in Windows.  The reference records the caller's file and
 * line for them and for every other routine a rule is checked in, so a
 * finding points at the call that breaks the rule.  The macros call the
 * real function ((Name)(...) is not expanded again): one code path. */
void IrpcSetSite(const char *File, int Line);
#define IRPC_AT(call) (IrpcSetSite(__FILE__, __LINE__), call)
#define IoCallDriver(D, I)      IRPC_AT(IofCallDriver((D), (I)))
#define IoCompleteRequest(I, B) IRPC_AT(IofCompleteRequest((I), (B)))
#define IoGetCurrentIrpStackLocation(I) IRPC_AT((IoGetCurrentIrpStackLocation)(I))
#define IoGetNextIrpStackLocation(I)    IRPC_AT((IoGetNextIrpStackLocation)(I))
#define IoSkipCurrentIrpStackLocation(I) IRPC_AT((IoSkipCurrentIrpStackLocation)(I))
#define IoCopyCurrentIrpStackLocationToNext(I) IRPC_AT((IoCopyCurrentIrpStackLocationToNext)(I))
#define IoSetCompletionRoutine(I, R, C, S, E, X) IRPC_AT((IoSetCompletionRoutine)((I), (R), (C), (S), (E), (X)))
#define IoMarkIrpPending(I)     IRPC_AT((IoMarkIrpPending)(I))
#define IoFreeIrp(I)            IRPC_AT((IoFreeIrp)(I))
#define IoReuseIrp(I, S)        IRPC_AT((IoReuseIrp)((I), (S)))
#define IoSetCancelRoutine(I, R) IRPC_AT((IoSetCancelRoutine)((I), (R)))
#define KeSetEvent(E, P, W)     IRPC_AT((KeSetEvent)((E), (P), (W)))
#define KeReleaseSpinLock(L, Q) IRPC_AT((KeReleaseSpinLock)((L), (Q)))
#define KeInsertQueueDpc(D, A, B) IRPC_AT((KeInsertQueueDpc)((D), (A), (B)))
#define KeWaitForSingleObject(O, R, M, A, T) IRPC_AT((KeWaitForSingleObject)((O), (R), (M), (A), (T)))
#define InsertTailList(H, E)    IRPC_AT((InsertTailList)((H), (E)))
#define InsertHeadList(H, E)    IRPC_AT((InsertHeadList)((H), (E)))

/* The reference's state and the ACSL contracts of this API
 * (spec/wdm_contracts.h, included at the end of irpc.h). */
#include "irpc.h"

#endif /* IRPC_WDM_H */
