// expect: 0
// A polling driver: DriverEntry arms a timer whose DPC completes the reads
// waiting in a LIST_ENTRY queue and sets the timer again, forever.  The
// audit follows such a timer for a bounded number of expiries (the DPC of a
// timer set in DriverEntry serves the device under test); every read is
// completed by a later poll, so nothing is left undone when the bound stops
// the timer.
#include <wdm.h>

DRIVER_INITIALIZE DriverEntry;
static DRIVER_DISPATCH DispatchRead;
static KDEFERRED_ROUTINE Poll;

static KSPIN_LOCK Lock;
static LIST_ENTRY Queue;
static KTIMER Timer;
static KDPC PollDpc;
static LONG Polls;

static VOID Poll(PKDPC Dpc, PVOID Context, PVOID Argument1, PVOID Argument2)
{
    LARGE_INTEGER due;
    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(Context);
    UNREFERENCED_PARAMETER(Argument1);
    UNREFERENCED_PARAMETER(Argument2);
    InterlockedIncrement(&Polls);
    KeAcquireSpinLockAtDpcLevel(&Lock);
    if (!IsListEmpty(&Queue)) {
        PIRP irp = CONTAINING_RECORD(RemoveHeadList(&Queue), IRP, Tail.Overlay.ListEntry);
        KeReleaseSpinLockFromDpcLevel(&Lock);
        irp->IoStatus.Status = STATUS_SUCCESS;
        irp->IoStatus.Information = 0;
        IoCompleteRequest(irp, IO_NO_INCREMENT);
    } else {
        KeReleaseSpinLockFromDpcLevel(&Lock);
    }
    due.QuadPart = -10 * 1000 * 10;     /* 10 ms from now */
    KeSetTimer(&Timer, due, &PollDpc);     /* poll again */
}

static NTSTATUS DispatchRead(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    KIRQL irql;
    UNREFERENCED_PARAMETER(DeviceObject);
    IoMarkIrpPending(Irp);
    KeAcquireSpinLock(&Lock, &irql);
    InsertTailList(&Queue, &Irp->Tail.Overlay.ListEntry);
    KeReleaseSpinLock(&Lock, irql);
    return STATUS_PENDING;
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    PDEVICE_OBJECT device;
    LARGE_INTEGER due;
    NTSTATUS status;
    UNREFERENCED_PARAMETER(RegistryPath);
    status = IoCreateDevice(DriverObject, 0, NULL, FILE_DEVICE_UNKNOWN, 0, FALSE, &device);
    if (!NT_SUCCESS(status))
        return status;
    KeInitializeSpinLock(&Lock);
    InitializeListHead(&Queue);
    KeInitializeTimer(&Timer);
    KeInitializeDpc(&PollDpc, Poll, NULL);
    due.QuadPart = -10 * 1000 * 10;     /* 10 ms from now */
    KeSetTimer(&Timer, due, &PollDpc);
    DriverObject->MajorFunction[IRP_MJ_READ] = DispatchRead;
    return STATUS_SUCCESS;
}
