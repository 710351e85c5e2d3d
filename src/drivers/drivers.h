/*
 * drivers.h - the sample drivers, one per pattern of the seed documents.
 * Each is a correct, idiomatic WDM driver written against <wdm.h>; the
 * reference I/O manager runs them.  Each has an entry routine that fills
 * its DRIVER_OBJECT and an add-device routine that creates a device and
 * attaches it above `lower` (NULL: a lowest-level device).
 */
#ifndef IRPC_DRIVERS_H
#define IRPC_DRIVERS_H

#include <wdm.h>

/* the samples' I/O control codes: a query satisfied with no device I/O,
 * and a transfer that needs the device (pended and queued) */
#define IOCTL_SAMPLE_QUERY_MODE 0x00222000u
#define IOCTL_SAMPLE_TRANSFER   0x00222004u

/* lowest.c: a lowest-level device driver */
typedef struct {
    KSPIN_LOCK QueueLock;
    LIST_ENTRY Queue;
    KDPC Dpc;
    ULONG DeviceMode;            /* answered by IOCTL_SAMPLE_QUERY_MODE */
    BOOLEAN CompleteInline;      /* configuration: finish transfers in dispatch */
    NTSTATUS TransferStatus;     /* configuration: how transfers end */
    ULONG Completed;             /* transfers completed (DPC or inline; wraps) */
    ULONG Cancelled;             /* IRPs completed STATUS_CANCELLED (wraps) */
} LOWEST_EXTENSION;
VOID LowestDriverEntry(PDRIVER_OBJECT DriverObject);
PDEVICE_OBJECT LowestAddDevice(PDRIVER_OBJECT DriverObject);

/* passthru.c: a filter that skips its stack location */
typedef struct { PDEVICE_OBJECT Lower; } PASSTHRU_EXTENSION;
VOID PassthruDriverEntry(PDRIVER_OBJECT DriverObject);
PDEVICE_OBJECT PassthruAddDevice(PDRIVER_OBJECT DriverObject, PDEVICE_OBJECT Lower);

/* propagate.c: a filter with a completion routine that propagates pending */
typedef struct {
    PDEVICE_OBJECT Lower;
    int RoutineRuns;
    BOOLEAN LastPendingReturned;
} PROPAGATE_EXTENSION;
VOID PropagateDriverEntry(PDRIVER_OBJECT DriverObject);
PDEVICE_OBJECT PropagateAddDevice(PDRIVER_OBJECT DriverObject, PDEVICE_OBJECT Lower);

/* fwdwait.c: forward and wait, then complete again */
typedef struct {
    PDEVICE_OBJECT Lower;
    ULONG RoutineRuns;           /* counters (unsigned: they wrap, never overflow) */
    ULONG Waits;
} FWDWAIT_EXTENSION;
VOID FwdWaitDriverEntry(PDRIVER_OBJECT DriverObject);
PDEVICE_OBJECT FwdWaitAddDevice(PDRIVER_OBJECT DriverObject, PDEVICE_OBJECT Lower);

/* allocirp.c: creates an IRP with IoAllocateIrp, frees it in its routine */
typedef struct {
    PDEVICE_OBJECT Lower;
    ULONG Created;               /* counters (unsigned: they wrap, never overflow) */
    ULONG Freed;
} ALLOCIRP_EXTENSION;
VOID AllocIrpDriverEntry(PDRIVER_OBJECT DriverObject);
PDEVICE_OBJECT AllocIrpAddDevice(PDRIVER_OBJECT DriverObject, PDEVICE_OBJECT Lower);

/* asyncfsd.c: reads through IoBuildAsynchronousFsdRequest */
typedef struct {
    PDEVICE_OBJECT Lower;
    UCHAR Buffer[16];
    ULONG Created;               /* counters (unsigned: they wrap, never overflow) */
    ULONG Freed;
} ASYNCFSD_EXTENSION;
VOID AsyncFsdDriverEntry(PDRIVER_OBJECT DriverObject);
PDEVICE_OBJECT AsyncFsdAddDevice(PDRIVER_OBJECT DriverObject, PDEVICE_OBJECT Lower);

/* syncioctl.c: a synchronous IOCTL with IoBuildDeviceIoControlRequest */
typedef struct {
    PDEVICE_OBJECT Lower;
    ULONG Mode;
    ULONG Waits;
} SYNCIOCTL_EXTENSION;
VOID SyncIoctlDriverEntry(PDRIVER_OBJECT DriverObject);
PDEVICE_OBJECT SyncIoctlAddDevice(PDRIVER_OBJECT DriverObject, PDEVICE_OBJECT Lower);

/* shared by the add-device routines: create, attach, return the extension's device */
PDEVICE_OBJECT SampleCreateDevice(PDRIVER_OBJECT DriverObject, PDEVICE_OBJECT Lower,
                                  PDEVICE_OBJECT *LowerOut);

#endif
