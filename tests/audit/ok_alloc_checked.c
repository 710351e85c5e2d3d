// expect: 0
// Every allocation is checked: each write gets a context from pool, and when
// ExAllocatePoolWithTag returns NULL the write is completed with
// STATUS_INSUFFICIENT_RESOURCES; DriverEntry fails cleanly when its own
// allocation fails.  The audit explores both results of every allocation.
// expect-runs-at-least: 6
#include <wdm.h>

#define SAMPLE_TAG 0x706d6153u   /* 'Samp' */

typedef struct _WRITE_CONTEXT {
    PIRP Irp;
    ULONG Length;
} WRITE_CONTEXT, *PWRITE_CONTEXT;

typedef struct _SAMPLE_STATE {
    LONG Writes;
} SAMPLE_STATE, *PSAMPLE_STATE;

DRIVER_INITIALIZE DriverEntry;
static DRIVER_DISPATCH DispatchWrite;

static PSAMPLE_STATE State;

static NTSTATUS DispatchWrite(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PWRITE_CONTEXT ctx;
    NTSTATUS status = STATUS_SUCCESS;
    UNREFERENCED_PARAMETER(DeviceObject);
    ctx = ExAllocatePoolWithTag(NonPagedPoolNx, sizeof *ctx, SAMPLE_TAG);
    if (ctx == NULL) {
        status = STATUS_INSUFFICIENT_RESOURCES;
    } else {
        ctx->Irp = Irp;
        ctx->Length = IoGetCurrentIrpStackLocation(Irp)->Parameters.Write.Length;
        InterlockedIncrement(&State->Writes);
        ExFreePoolWithTag(ctx, SAMPLE_TAG);
    }
    Irp->IoStatus.Status = status;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    PDEVICE_OBJECT device;
    NTSTATUS status;
    UNREFERENCED_PARAMETER(RegistryPath);
    State = ExAllocatePoolWithTag(NonPagedPoolNx, sizeof *State, SAMPLE_TAG);
    if (State == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    RtlZeroMemory(State, sizeof *State);
    status = IoCreateDevice(DriverObject, 0, NULL, FILE_DEVICE_UNKNOWN, 0, FALSE, &device);
    if (!NT_SUCCESS(status)) {
        ExFreePoolWithTag(State, SAMPLE_TAG);
        return status;
    }
    DriverObject->MajorFunction[IRP_MJ_WRITE] = DispatchWrite;
    return STATUS_SUCCESS;
}
