/*
 * any_lower.c - the abstract lower stack (any_lower.h).
 *
 * A layer sees the stack below it only through IoCallDriver (what it
 * returns, and whether the IRP was completed before it returned), through
 * the completion walk reaching its own stack location (with which status,
 * PendingReturned, Cancel) and through when that happens relative to
 * everything else.  This device can show every such observation that a
 * rule-abiding stack can: for each IRP, chosen when it arrives,
 *
 *   - deferred work first: like any code below DISPATCH_LEVEL, the
 *     dispatch routine can be interrupted by DPCs (which may complete
 *     other IRPs, held here or anywhere) and another processor may cancel
 *     a request; harness_interleave() chooses both;
 *   - A_COMPLETE: complete it at once and return its status;
 *   - A_PEND_COMPLETE: mark it pending, complete it, return STATUS_PENDING
 *     (a stack whose lower part finished before this one returned);
 *   - A_HOLD: mark it pending, hold it, return STATUS_PENDING; the DPC
 *     completes held IRPs later, one per run, any one of them (so in any
 *     order), at any scheduling point the harness runs deferred work at
 *     (also inside a layer's wait, or inside another request's dispatch);
 *     a cancel only sets Irp->Cancel (a stack that holds the IRP where no
 *     cancel routine is set, as allocirp does with the original request);
 *   - A_HOLD_CANCELLABLE: the same with a cancel routine, which completes
 *     the IRP with STATUS_CANCELLED inside IoCancelIrp;
 *
 * and the status each completion carries is chosen among the first
 * HARNESS_STATUSES of the statuses a sample stack ends an IRP with.
 * Cleanup is one more request: the held IRPs of the file are completed
 * when the DPC runs (the deferred work at dispatch entry can run it), or
 * later; a stack above a layer that holds IRPs unqueued (allocirp,
 * fwdwait...) may complete the cleanup IRP before them.  It registers no
 * completion routine and creates no IRP: what a stack below does with the
 * IRPs it creates is invisible above it, except through the pool, and an
 * allocation failure is the harness's choice anyway.
 *
 * The device is itself a rule-abiding lowest driver: the reference checks
 * it as it checks the samples.  Why this covers every stack of samples:
 * harness/README.md, "Compose".
 */
#include "any_lower.h"

#ifndef HARNESS_STATUSES
#define HARNESS_STATUSES 6
#endif

typedef struct {
    KDPC Dpc;
    PIRP Held[ANY_LOWER_MAX_HELD];   /* IRPs held, in arrival order */
    BOOLEAN Cancellable[ANY_LOWER_MAX_HELD];   /* held with a cancel routine */
    int HeldCount;
} ANY_LOWER_EXTENSION;

static DRIVER_OBJECT any_lower_driver;

/* the statuses a stack of sample layers ends an IRP with; the first
 * HARNESS_STATUSES of them are chosen from */
static const NTSTATUS end_statuses[] = {
    STATUS_SUCCESS, HARNESS_TRANSFER_ERROR, STATUS_CANCELLED, STATUS_INSUFFICIENT_RESOURCES,
    STATUS_INVALID_PARAMETER, STATUS_INVALID_DEVICE_REQUEST
};
#define END_STATUS_COUNT ((int)(sizeof end_statuses / sizeof end_statuses[0]))

int any_lower_status_known(NTSTATUS status)
{
    for (int i = 0; i < END_STATUS_COUNT; i++)
        if (end_statuses[i] == status)
            return 1;
    return 0;
}

static NTSTATUS any_status(void)
{
    int n = HARNESS_STATUSES < END_STATUS_COUNT ? HARNESS_STATUSES : END_STATUS_COUNT;
    return end_statuses[nondet(0, n - 1)];
}

static void finish(PIRP Irp, NTSTATUS status)
{
    Irp->IoStatus.Status = status;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, NT_ERROR(status) ? IO_NO_INCREMENT : IO_DISK_INCREMENT);
}

static void drop_held(ANY_LOWER_EXTENSION *ext, int i)
{
    for (int j = i + 1; j < ext->HeldCount; j++) {
        ext->Held[j - 1] = ext->Held[j];
        ext->Cancellable[j - 1] = ext->Cancellable[j];
    }
    ext->HeldCount--;
    ext->Held[ext->HeldCount] = NULL;
    ext->Cancellable[ext->HeldCount] = FALSE;
}

static int held_index(ANY_LOWER_EXTENSION *ext, PIRP Irp)
{
    for (int i = 0; i < ext->HeldCount; i++)
        if (ext->Held[i] == Irp)
            return i;
    return -1;
}

/* One run: completes one held IRP, any one, with any status; queues
 * itself again while IRPs are held. */
static VOID AnyLowerDpc(PKDPC Dpc, PVOID DeferredContext, PVOID SystemArgument1, PVOID SystemArgument2)
{
    PDEVICE_OBJECT DeviceObject = DeferredContext;
    ANY_LOWER_EXTENSION *ext = DeviceObject->DeviceExtension;
    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(SystemArgument1);
    UNREFERENCED_PARAMETER(SystemArgument2);
    if (ext->HeldCount == 0)
        return;
    int i = nondet(0, ext->HeldCount - 1);
    PIRP irp = ext->Held[i];
    /* a cancellable IRP whose cancel routine IoCancelIrp already took: the
     * routine is under way (this DPC ran inside it, when it released the
     * cancel spin lock) and completes the IRP itself */
    if (!ext->Cancellable[i] || IoSetCancelRoutine(irp, NULL) != NULL) {
        drop_held(ext, i);
        finish(irp, any_status());
    }
    if (ext->HeldCount > 0)
        KeInsertQueueDpc(&ext->Dpc, NULL, NULL);
}

static VOID AnyLowerCancel(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    ANY_LOWER_EXTENSION *ext = DeviceObject->DeviceExtension;
    IoReleaseCancelSpinLock(Irp->CancelIrql);
    int i = held_index(ext, Irp);
    harness_check(i >= 0, IRPC_DEADLOCK, "any-lower: cancel routine for an IRP it does not hold");
    if (i < 0)
        return;
    drop_held(ext, i);
    finish(Irp, STATUS_CANCELLED);
}

static NTSTATUS AnyLowerDispatch(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    ANY_LOWER_EXTENSION *ext = DeviceObject->DeviceExtension;

    /* deferred work and a cancel may come before anything else */
    harness_interleave();

    int how = nondet(0, A_COUNT - 1);
    if (how == A_COMPLETE) {
        NTSTATUS status = any_status();
        finish(Irp, status);
        return status;
    }
    IoMarkIrpPending(Irp);
    if (how == A_PEND_COMPLETE) {
        finish(Irp, any_status());
        return STATUS_PENDING;
    }
    harness_check(ext->HeldCount < ANY_LOWER_MAX_HELD, IRPC_DEADLOCK, "any-lower: too many IRPs held");
    if (how == A_HOLD_CANCELLABLE) {
        IoSetCancelRoutine(Irp, AnyLowerCancel);
        if (Irp->Cancel && IoSetCancelRoutine(Irp, NULL) != NULL) {
            /* cancelled before it was held: complete it now */
            finish(Irp, STATUS_CANCELLED);
            return STATUS_PENDING;
        }
    }
    ext->Cancellable[ext->HeldCount] = how == A_HOLD_CANCELLABLE;
    ext->Held[ext->HeldCount++] = Irp;
    KeInsertQueueDpc(&ext->Dpc, NULL, NULL);
    return STATUS_PENDING;
}

PDEVICE_OBJECT any_lower_add(void)
{
    PDRIVER_OBJECT d = &any_lower_driver;
    IrpcInitDriver(d);
    for (int i = 0; i <= IRP_MJ_MAXIMUM_FUNCTION; i++)
        d->MajorFunction[i] = AnyLowerDispatch;
    PDEVICE_OBJECT dev = SampleCreateDevice(d, NULL, NULL);
    if (dev == NULL)
        return NULL;
    ANY_LOWER_EXTENSION *ext = dev->DeviceExtension;
    KeInitializeDpc(&ext->Dpc, AnyLowerDpc, dev);
    ext->HeldCount = 0;
    for (int i = 0; i < ANY_LOWER_MAX_HELD; i++) {
        ext->Held[i] = NULL;
        ext->Cancellable[i] = FALSE;
    }
    harness_note_layer(P_ANY_LOWER, NULL);
    return dev;
}
