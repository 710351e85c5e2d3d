// expect: 1 IrpAccessAfterRelease:23
// ok_timer.c with one bug: cleanup ignores what KeCancelTimer returned and
// completes the held read itself.  When the timer has already expired and
// its DPC is queued but has not run, KeCancelTimer returns FALSE and the DPC
// completes the read a second time: CompleteIrp writes the status of an IRP
// already completed (line 23, from the DPC or from cleanup, whichever runs
// second).
#include <wdm.h>

DRIVER_INITIALIZE DriverEntry;
static DRIVER_DISPATCH DispatchRead;
static DRIVER_DISPATCH DispatchCleanup;
static DRIVER_UNLOAD Unload;
static KDEFERRED_ROUTINE TimerDpc;

static KSPIN_LOCK Lock;
static KTIMER Timer;
static KDPC Dpc;
static PIRP HeldIrp;

static VOID CompleteIrp(PIRP Irp, NTSTATUS Status)
{
    Irp->IoStatus.Status = Status;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
}

static VOID TimerDpc(PKDPC Dpc_, PVOID Context, PVOID Argument1, PVOID Argument2)
{
    PIRP irp = Context;
    UNREFERENCED_PARAMETER(Dpc_);
    UNREFERENCED_PARAMETER(Argument1);
    UNREFERENCED_PARAMETER(Argument2);
    KeAcquireSpinLockAtDpcLevel(&Lock);
    HeldIrp = NULL;
    KeReleaseSpinLockFromDpcLevel(&Lock);
    CompleteIrp(irp, STATUS_SUCCESS);
}

static NTSTATUS DispatchRead(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    LARGE_INTEGER due;
    KIRQL irql;
    UNREFERENCED_PARAMETER(DeviceObject);
    KeAcquireSpinLock(&Lock, &irql);
    if (HeldIrp != NULL) {
        KeReleaseSpinLock(&Lock, irql);
        CompleteIrp(Irp, STATUS_DEVICE_BUSY);
        return STATUS_DEVICE_BUSY;
    }
    IoMarkIrpPending(Irp);
    HeldIrp = Irp;
    KeReleaseSpinLock(&Lock, irql);
    due.QuadPart = -10 * 1000 * 100;     /* 100 ms from now */
    KeInitializeDpc(&Dpc, TimerDpc, Irp);
    KeSetTimer(&Timer, due, &Dpc);
    return STATUS_PENDING;
}

static NTSTATUS DispatchCleanup(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PIRP held = NULL;
    KIRQL irql;
    UNREFERENCED_PARAMETER(DeviceObject);
    KeAcquireSpinLock(&Lock, &irql);
    KeCancelTimer(&Timer);
    held = HeldIrp;
    HeldIrp = NULL;
    KeReleaseSpinLock(&Lock, irql);
    if (held != NULL)
        CompleteIrp(held, STATUS_CANCELLED);
    CompleteIrp(Irp, STATUS_SUCCESS);
    return STATUS_SUCCESS;
}

static VOID Unload(PDRIVER_OBJECT DriverObject)
{
    KeCancelTimer(&Timer);
    IoDeleteDevice(DriverObject->DeviceObject);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    PDEVICE_OBJECT device;
    NTSTATUS status;
    UNREFERENCED_PARAMETER(RegistryPath);
    status = IoCreateDevice(DriverObject, 0, NULL, FILE_DEVICE_UNKNOWN, 0, FALSE, &device);
    if (!NT_SUCCESS(status))
        return status;
    KeInitializeSpinLock(&Lock);
    KeInitializeTimer(&Timer);
    DriverObject->MajorFunction[IRP_MJ_READ] = DispatchRead;
    DriverObject->MajorFunction[IRP_MJ_CLEANUP] = DispatchCleanup;
    DriverObject->DriverUnload = Unload;
    return STATUS_SUCCESS;
}
