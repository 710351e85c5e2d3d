/*
 * test_facts.c - the eight "facts checked on real Windows" of SEMANTICS.md,
 * each reproduced on the reference I/O manager exactly as stated; and two
 * tests of the API (api/reuse_irp, api/cancel_freed_irp) that the runtime
 * checker must see.
 *
 * The test itself plays the IRP's creator: it runs at top level (no driver
 * frame), builds the IRP, registers its own completion routine at the top
 * location and calls IoCallDriver.  The drivers are small test-local ones
 * that record what they see into `obs`.  A lower driver that pends hands
 * the IRP to a DPC, which runs only when the test waits or quiesces, so
 * the test can look at the IRP while it is pending.
 */
#include "test.h"

#define SENTINEL_STATUS ((NTSTATUS)0x12345678)
#define SENTINEL_INFO   ((ULONG_PTR)0xDEAD)

static DRIVER_OBJECT fact_drivers[3];
static PDEVICE_OBJECT f_lower, f_mid, f_upper;
static KDPC f_dpc;
static KEVENT f_event;
static IO_STATUS_BLOCK f_iosb;
static ULONG f_buffer;

/* how the test-local drivers behave */
static struct fact_config {
    BOOLEAN lower_pends;          /* lower marks pending and completes from a DPC */
    BOOLEAN upper_propagates;     /* upper routine: if (PendingReturned) IoMarkIrpPending */
    BOOLEAN upper_always_marks;   /* upper routine: IoMarkIrpPending unconditionally */
    BOOLEAN lower_cancelable;     /* lower sets a cancel routine when it pends */
    NTSTATUS lower_status;        /* what the lower driver completes with */
} cfg;

/* what they saw */
static struct fact_observed {
    UCHAR upper_control, lower_control;          /* current location's Control in dispatch */
    BOOLEAN upper_pr, lower_pr;                  /* PendingReturned in dispatch */
    int upper_runs, creator_runs;
    PDEVICE_OBJECT upper_routine_dev;
    int upper_routine_location;
    UCHAR left_location_control;                 /* Control of location 1 inside the upper routine */
    BOOLEAN upper_routine_pr;
    PDEVICE_OBJECT creator_routine_dev;
    int creator_routine_location;
    BOOLEAN creator_routine_pr;
    int creator_routine_stack_count;
    BOOLEAN pr_before_complete;                  /* PendingReturned in the DPC, before IoCompleteRequest */
    int location_before_complete;
    int cancel_routine_runs;
    BOOLEAN cancel_routine_saw_null;             /* CancelRoutine already NULL in the cancel routine */
    BOOLEAN cancel_routine_saw_cancel;
    NTSTATUS creator_status;
    ULONG_PTR creator_information;
    NTSTATUS iosb_status_in_routine;
    int routine_called[3];                       /* fact 7 */
} obs;

/* ---- the lower driver -------------------------------------------------- */
static DRIVER_CANCEL FactLowerCancel;
static KDEFERRED_ROUTINE FactLowerDpc;

static VOID FactLowerDpc(PKDPC Dpc, PVOID Context, PVOID Arg1, PVOID Arg2)
{
    PIRP irp = Arg1;
    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(Context);
    UNREFERENCED_PARAMETER(Arg2);
    if (cfg.lower_cancelable && IoSetCancelRoutine(irp, NULL) == NULL && !irp->Cancel)
        return;
    obs.pr_before_complete = irp->PendingReturned;
    obs.location_before_complete = irp->CurrentLocation;
    irp->IoStatus.Status = irp->Cancel ? STATUS_CANCELLED : cfg.lower_status;
    irp->IoStatus.Information = NT_SUCCESS(irp->IoStatus.Status) ? sizeof(ULONG) : 0;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
}

/* Fact 6: the routine only records, releases the cancel lock and leaves
 * the completion to the DPC, so the IRP is still there for a second
 * IoCancelIrp. */
static VOID FactLowerCancel(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    obs.cancel_routine_runs++;
    obs.cancel_routine_saw_null = Irp->CancelRoutine == NULL;
    obs.cancel_routine_saw_cancel = Irp->Cancel;
    IoReleaseCancelSpinLock(Irp->CancelIrql);
    KeInsertQueueDpc(&f_dpc, Irp, NULL);
}

static NTSTATUS FactLowerDispatch(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PIO_STACK_LOCATION s = IoGetCurrentIrpStackLocation(Irp);
    UNREFERENCED_PARAMETER(DeviceObject);
    obs.lower_control = s->Control;
    obs.lower_pr = Irp->PendingReturned;
    if (cfg.lower_pends) {
        IoMarkIrpPending(Irp);
        if (cfg.lower_cancelable)
            IoSetCancelRoutine(Irp, FactLowerCancel);
        else
            KeInsertQueueDpc(&f_dpc, Irp, NULL);
        return STATUS_PENDING;
    }
    Irp->IoStatus.Status = cfg.lower_status;
    Irp->IoStatus.Information = NT_SUCCESS(cfg.lower_status) ? sizeof(ULONG) : 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return cfg.lower_status;
}

/* ---- the upper driver: copy to next, register a routine, forward ------- */
static IO_COMPLETION_ROUTINE FactUpperRoutine;

static NTSTATUS FactUpperRoutine(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    UNREFERENCED_PARAMETER(Context);
    obs.upper_runs++;
    obs.upper_routine_dev = DeviceObject;
    obs.upper_routine_location = Irp->CurrentLocation;
    obs.left_location_control = Irp->IrpcStack[0].Control;
    obs.upper_routine_pr = Irp->PendingReturned;
    if (cfg.upper_always_marks || (cfg.upper_propagates && Irp->PendingReturned))
        IoMarkIrpPending(Irp);
    return STATUS_CONTINUE_COMPLETION;
}

static NTSTATUS FactUpperDispatch(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PIO_STACK_LOCATION s = IoGetCurrentIrpStackLocation(Irp);
    UNREFERENCED_PARAMETER(DeviceObject);
    obs.upper_control = s->Control;
    obs.upper_pr = Irp->PendingReturned;
    IoCopyCurrentIrpStackLocationToNext(Irp);
    IoSetCompletionRoutine(Irp, FactUpperRoutine, NULL, TRUE, TRUE, TRUE);
    return IoCallDriver(f_lower, Irp);
}

/* ---- the creator's routine (the test's own) ---------------------------- */
static IO_COMPLETION_ROUTINE FactCreatorRoutine;

static NTSTATUS FactCreatorRoutine(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    UNREFERENCED_PARAMETER(Context);
    obs.creator_runs++;
    obs.creator_routine_dev = DeviceObject;
    obs.creator_routine_location = Irp->CurrentLocation;
    obs.creator_routine_stack_count = Irp->StackCount;
    obs.creator_routine_pr = Irp->PendingReturned;
    obs.creator_status = Irp->IoStatus.Status;
    obs.creator_information = Irp->IoStatus.Information;
    return STATUS_CONTINUE_COMPLETION;
}

static void fact_reset(void)
{
    IrpcReset();
    /* (no memset: string.h stays out of this file, which the runtime
     * checker instruments, proofs/eacsl/build.sh) */
    cfg = (struct fact_config){0};
    obs = (struct fact_observed){0};
    cfg.lower_status = STATUS_SUCCESS;
    cfg.upper_propagates = TRUE;
    f_lower = f_mid = f_upper = NULL;
    KeInitializeEvent(&f_event, NotificationEvent, FALSE);
    f_iosb.Status = SENTINEL_STATUS;
    f_iosb.Information = SENTINEL_INFO;
}

static PDEVICE_OBJECT fact_device(int i, PDRIVER_DISPATCH dispatch, PDEVICE_OBJECT lower)
{
    IrpcInitDriver(&fact_drivers[i]);
    for (int m = 0; m <= IRP_MJ_MAXIMUM_FUNCTION; m++)
        fact_drivers[i].MajorFunction[m] = dispatch;
    return IrpcCreateDevice(&fact_drivers[i], lower);
}

/* The two-device stack of facts 1-5. */
static void two_device_stack(void)
{
    f_lower = fact_device(0, FactLowerDispatch, NULL);
    f_upper = fact_device(1, FactUpperDispatch, f_lower);
    KeInitializeDpc(&f_dpc, FactLowerDpc, f_lower);
}

/* The creator builds the IRP and registers its routine at the top location. */
static PIRP build_ioctl_with_creator_routine(PDEVICE_OBJECT top)
{
    PIRP irp = IoBuildDeviceIoControlRequest(IOCTL_SAMPLE_TRANSFER, top, NULL, 0, &f_buffer,
                                             sizeof f_buffer, FALSE, &f_event, &f_iosb);
    if (irp != NULL)
        IoSetCompletionRoutine(irp, FactCreatorRoutine, NULL, TRUE, TRUE, TRUE);
    return irp;
}

/* Runs the facts 1-5 scenario; *pending_seen tells whether IoCallDriver
 * returned STATUS_PENDING (then the test waited on the event). */
static NTSTATUS run_two_device(void)
{
    PIRP irp = build_ioctl_with_creator_routine(f_upper);
    if (irp == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    NTSTATUS st = IoCallDriver(f_upper, irp);
    if (st == STATUS_PENDING)
        KeWaitForSingleObject(&f_event, Executive, KernelMode, FALSE, NULL);
    return st;
}

/* Fact 1: inside both dispatch routines the current location's Control is
 * 0xE0 (the three INVOKE bits of the caller's registration, no pending
 * bit) and PendingReturned is FALSE - whether the lower driver then
 * completes at once or pends. */
static void fact1_control_in_dispatch(void)
{
    for (int pends = 0; pends <= 1; pends++) {
        fact_reset();
        two_device_stack();
        cfg.lower_pends = (BOOLEAN)pends;
        PIRP irp = build_ioctl_with_creator_routine(f_upper);
        CHECK(irp != NULL);
        CHECK_EQ(irp->StackCount, 2);
        CHECK_EQ(irp->IrpcStack[1].Control, 0xE0);
        NTSTATUS st = IoCallDriver(f_upper, irp);
        CHECK_EQ(st, pends ? STATUS_PENDING : STATUS_SUCCESS);
        CHECK_EQ(obs.upper_control, 0xE0);
        CHECK_EQ(obs.upper_control, SL_INVOKE_ON_SUCCESS | SL_INVOKE_ON_ERROR | SL_INVOKE_ON_CANCEL);
        CHECK_EQ(obs.lower_control, 0xE0);
        CHECK_EQ(obs.upper_pr, FALSE);
        CHECK_EQ(obs.lower_pr, FALSE);
        if (st == STATUS_PENDING)
            KeWaitForSingleObject(&f_event, Executive, KernelMode, FALSE, NULL);
        IrpcQuiesce();
        CHECK_CLEAN();
    }
}

/* Fact 2: the upper driver's routine runs with DeviceObject == the upper
 * device and CurrentLocation == 2; the lower location it just left has
 * Control 0. */
static void fact2_upper_routine_view(void)
{
    for (int pends = 0; pends <= 1; pends++) {
        fact_reset();
        two_device_stack();
        cfg.lower_pends = (BOOLEAN)pends;
        run_two_device();
        CHECK_EQ(obs.upper_runs, 1);
        CHECK(obs.upper_routine_dev == f_upper);
        CHECK_EQ(obs.upper_routine_location, 2);
        CHECK_EQ(obs.left_location_control, 0);
        IrpcQuiesce();
        CHECK_CLEAN();
    }
}

/* Fact 3: the creator's routine runs with DeviceObject == NULL and
 * CurrentLocation == StackCount + 1. */
static void fact3_creator_routine_view(void)
{
    for (int pends = 0; pends <= 1; pends++) {
        fact_reset();
        two_device_stack();
        cfg.lower_pends = (BOOLEAN)pends;
        run_two_device();
        CHECK_EQ(obs.creator_runs, 1);
        CHECK(obs.creator_routine_dev == NULL);
        CHECK_EQ(obs.creator_routine_stack_count, 2);
        CHECK_EQ(obs.creator_routine_location, obs.creator_routine_stack_count + 1);
        CHECK_EQ(obs.creator_status, STATUS_SUCCESS);
        IrpcQuiesce();
        CHECK_CLEAN();
    }
}

/* Fact 4: the upper routine's PendingReturned is "the lower driver marked
 * it pending"; the creator routine's is "the upper routine called
 * IoMarkIrpPending" - also when the upper routine gets that wrong (it then
 * breaks CompletionRoutinePending / PendingReturnedConsistency, which the
 * reference reports). */
static void fact4_pending_returned_per_level(void)
{
    static const struct { BOOLEAN pends, propagates, always; BOOLEAN upper_sees, creator_sees; int clean; } rows[] = {
        {FALSE, TRUE, FALSE, FALSE, FALSE, 1},   /* lower sync, routine propagates: nothing to propagate */
        {TRUE, TRUE, FALSE, TRUE, TRUE, 1},      /* lower pends, routine propagates */
        {TRUE, FALSE, FALSE, TRUE, FALSE, 0},    /* lower pends, routine does not mark */
        {FALSE, FALSE, TRUE, FALSE, TRUE, 0},    /* lower sync, routine marks anyway */
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        fact_reset();
        two_device_stack();
        cfg.lower_pends = rows[i].pends;
        cfg.upper_propagates = rows[i].propagates;
        cfg.upper_always_marks = rows[i].always;
        run_two_device();
        CHECK_EQ(obs.upper_runs, 1);
        CHECK_EQ(obs.creator_runs, 1);
        CHECK_EQ(obs.upper_routine_pr, rows[i].upper_sees);
        CHECK_EQ(obs.creator_routine_pr, rows[i].creator_sees);
        IrpcQuiesce();
        if (rows[i].clean) {
            CHECK_CLEAN();
        } else if (rows[i].pends) {
            CHECK_RULE(CompletionRoutinePending);
            CHECK_RULE(PendingReturnedConsistency);
        } else {
            CHECK_RULE(PendingReturnedConsistency);
        }
    }
}

/* Fact 5: lower completes synchronously -> IoCallDriver returns
 * STATUS_SUCCESS and both routines have already run.  Lower pends ->
 * IoCallDriver returns STATUS_PENDING, CurrentLocation is 1, and
 * PendingReturned stays FALSE until IoCompleteRequest is called. */
static void fact5_sync_and_pending_lower(void)
{
    fact_reset();
    two_device_stack();
    PIRP irp = build_ioctl_with_creator_routine(f_upper);
    CHECK(irp != NULL);
    NTSTATUS st = IoCallDriver(f_upper, irp);
    CHECK_EQ(st, STATUS_SUCCESS);
    CHECK_EQ(obs.upper_runs, 1);
    CHECK_EQ(obs.creator_runs, 1);
    CHECK_EQ(KeReadStateEvent(&f_event), 1);
    CHECK_EQ(f_iosb.Status, STATUS_SUCCESS);
    IrpcQuiesce();
    CHECK_CLEAN();

    fact_reset();
    two_device_stack();
    cfg.lower_pends = TRUE;
    irp = build_ioctl_with_creator_routine(f_upper);
    CHECK(irp != NULL);
    st = IoCallDriver(f_upper, irp);
    CHECK_EQ(st, STATUS_PENDING);
    CHECK_EQ(irp->CurrentLocation, 1);
    CHECK_EQ(irp->PendingReturned, FALSE);
    CHECK_EQ(obs.upper_runs, 0);
    CHECK_EQ(obs.creator_runs, 0);
    CHECK_EQ(KeReadStateEvent(&f_event), 0);
    CHECK_EQ(f_iosb.Status, SENTINEL_STATUS);
    KeWaitForSingleObject(&f_event, Executive, KernelMode, FALSE, NULL);
    /* the DPC saw it just before calling IoCompleteRequest */
    CHECK_EQ(obs.pr_before_complete, FALSE);
    CHECK_EQ(obs.location_before_complete, 1);
    CHECK_EQ(obs.upper_runs, 1);
    CHECK_EQ(obs.creator_runs, 1);
    CHECK_EQ(obs.upper_routine_pr, TRUE);
    CHECK_EQ(f_iosb.Status, STATUS_SUCCESS);
    CHECK_EQ(f_iosb.Information, sizeof(ULONG));
    IrpcQuiesce();
    CHECK_CLEAN();
}

/* Fact 6: IoCancelIrp without a cancel routine sets Cancel and returns
 * FALSE; with one it returns TRUE once (the routine sees CancelRoutine
 * already NULL), FALSE afterwards. */
static void fact6_cancel_with_and_without_routine(void)
{
    /* without a cancel routine */
    fact_reset();
    f_lower = fact_device(0, FactLowerDispatch, NULL);
    KeInitializeDpc(&f_dpc, FactLowerDpc, f_lower);
    cfg.lower_pends = TRUE;
    PIRP irp = IoBuildDeviceIoControlRequest(IOCTL_SAMPLE_TRANSFER, f_lower, NULL, 0, &f_buffer,
                                             sizeof f_buffer, FALSE, &f_event, &f_iosb);
    CHECK(irp != NULL);
    CHECK_EQ(IoCallDriver(f_lower, irp), STATUS_PENDING);
    CHECK(irp->CancelRoutine == NULL);
    CHECK_EQ(irp->Cancel, FALSE);
    CHECK_EQ(IoCancelIrp(irp), FALSE);
    CHECK_EQ(irp->Cancel, TRUE);
    CHECK_EQ(obs.cancel_routine_runs, 0);
    KeWaitForSingleObject(&f_event, Executive, KernelMode, FALSE, NULL);
    CHECK_EQ(f_iosb.Status, STATUS_CANCELLED);   /* pending, so the error is delivered */
    IrpcQuiesce();
    CHECK_CLEAN();

    /* with a cancel routine */
    fact_reset();
    f_lower = fact_device(0, FactLowerDispatch, NULL);
    KeInitializeDpc(&f_dpc, FactLowerDpc, f_lower);
    cfg.lower_pends = TRUE;
    cfg.lower_cancelable = TRUE;
    irp = IoBuildDeviceIoControlRequest(IOCTL_SAMPLE_TRANSFER, f_lower, NULL, 0, &f_buffer,
                                        sizeof f_buffer, FALSE, &f_event, &f_iosb);
    CHECK(irp != NULL);
    CHECK_EQ(IoCallDriver(f_lower, irp), STATUS_PENDING);
    CHECK(irp->CancelRoutine == FactLowerCancel);
    CHECK_EQ(IoCancelIrp(irp), TRUE);
    CHECK_EQ(obs.cancel_routine_runs, 1);
    CHECK_EQ(obs.cancel_routine_saw_null, TRUE);
    CHECK_EQ(obs.cancel_routine_saw_cancel, TRUE);
    CHECK(irp->CancelRoutine == NULL);
    CHECK_EQ(irp->Cancel, TRUE);
    CHECK_EQ(IoCancelIrp(irp), FALSE);           /* the IRP is still pending: FALSE afterwards */
    CHECK_EQ(IoCancelIrp(irp), FALSE);
    CHECK_EQ(obs.cancel_routine_runs, 1);
    KeWaitForSingleObject(&f_event, Executive, KernelMode, FALSE, NULL);
    CHECK_EQ(f_iosb.Status, STATUS_CANCELLED);
    IrpcQuiesce();
    CHECK_CLEAN();
}

/* ---- fact 7: three registrations on a three-device stack ---------------- */
enum { REG_SUCCESS_CANCEL, REG_SUCCESS_ERROR, REG_SUCCESS_ONLY };
static int reg_of[3];           /* [0] creator, [1] top driver, [2] middle driver */
static int reg_slot[3] = {0, 1, 2};
static IO_COMPLETION_ROUTINE FactSelRoutine;
static DRIVER_CANCEL FactBottomCancel;

static void register_kind(PIRP irp, int who)
{
    int k = reg_of[who];
    IoSetCompletionRoutine(irp, FactSelRoutine, &reg_slot[who], TRUE,
                           k == REG_SUCCESS_ERROR, k == REG_SUCCESS_CANCEL);
}

static NTSTATUS FactSelRoutine(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    int who = *(int *)Context;
    obs.routine_called[who]++;
    if (DeviceObject != NULL && Irp->PendingReturned)   /* not the creator's routine */
        IoMarkIrpPending(Irp);
    return STATUS_CONTINUE_COMPLETION;
}

static VOID FactBottomCancel(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    obs.cancel_routine_runs++;
    IoReleaseCancelSpinLock(Irp->CancelIrql);
    Irp->IoStatus.Status = STATUS_CANCELLED;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
}

static NTSTATUS FactBottomDispatch(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    IoMarkIrpPending(Irp);
    IoSetCancelRoutine(Irp, FactBottomCancel);
    return STATUS_PENDING;
}

static NTSTATUS FactMidDispatch(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    IoCopyCurrentIrpStackLocationToNext(Irp);
    register_kind(Irp, 2);
    return IoCallDriver(f_lower, Irp);
}

static NTSTATUS FactTopDispatch(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    IoCopyCurrentIrpStackLocationToNext(Irp);
    register_kind(Irp, 1);
    return IoCallDriver(f_mid, Irp);
}

/* Fact 7: completing a cancelled IRP with STATUS_CANCELLED calls a routine
 * registered with (OnSuccess, OnCancel) and one registered with
 * (OnSuccess, OnError), but not one registered with OnSuccess only.  Each
 * of the three registrations is tried at each of the three levels. */
static void fact7_cancelled_irp_routines(void)
{
    for (int rot = 0; rot < 3; rot++) {
        fact_reset();
        f_lower = fact_device(0, FactBottomDispatch, NULL);
        f_mid = fact_device(1, FactMidDispatch, f_lower);
        f_upper = fact_device(2, FactTopDispatch, f_mid);
        for (int who = 0; who < 3; who++)
            reg_of[who] = (who + rot) % 3;
        PIRP irp = IoBuildDeviceIoControlRequest(IOCTL_SAMPLE_TRANSFER, f_upper, NULL, 0, &f_buffer,
                                                 sizeof f_buffer, FALSE, &f_event, &f_iosb);
        CHECK(irp != NULL);
        CHECK_EQ(irp->StackCount, 3);
        register_kind(irp, 0);
        CHECK_EQ(IoCallDriver(f_upper, irp), STATUS_PENDING);
        CHECK_EQ(IoCancelIrp(irp), TRUE);
        CHECK_EQ(obs.cancel_routine_runs, 1);
        for (int who = 0; who < 3; who++)
            CHECK_EQ(obs.routine_called[who], reg_of[who] == REG_SUCCESS_ONLY ? 0 : 1);
        CHECK_EQ(KeReadStateEvent(&f_event), 1);
        CHECK_EQ(f_iosb.Status, STATUS_CANCELLED);
        IrpcQuiesce();
        CHECK_CLEAN();
    }
}

/* ---- fact 8 --------------------------------------------------------------- */
static IO_COMPLETION_ROUTINE FactAsyncDone;

/* what a creator's routine that stops completion saw (fact 8, api/reuse_irp) */
static void record_creator_view(PIRP Irp)
{
    obs.creator_runs++;
    obs.creator_status = Irp->IoStatus.Status;
    obs.creator_information = Irp->IoStatus.Information;
    obs.creator_routine_location = Irp->CurrentLocation;
    obs.creator_routine_pr = Irp->PendingReturned;
}

static NTSTATUS FactAsyncDone(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    UNREFERENCED_PARAMETER(Context);
    record_creator_view(Irp);
    obs.iosb_status_in_routine = f_iosb.Status;
    IoFreeIrp(Irp);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

/* Fact 8: a new IRP from IoBuildAsynchronousFsdRequest for a one-device
 * stack has CurrentLocation == 2 and a NULL UserEvent; its status block is
 * untouched until IoCompleteRequest (and, since its creator's routine stops
 * completion, the I/O manager never writes it at all). */
static void fact8_async_fsd_request(void)
{
    fact_reset();
    f_lower = fact_device(0, FactLowerDispatch, NULL);
    KeInitializeDpc(&f_dpc, FactLowerDpc, f_lower);
    cfg.lower_pends = TRUE;
    LARGE_INTEGER offset;
    offset.QuadPart = 0;
    PIRP irp = IoBuildAsynchronousFsdRequest(IRP_MJ_READ, f_lower, &f_buffer, sizeof f_buffer,
                                             &offset, &f_iosb);
    CHECK(irp != NULL);
    CHECK_EQ(irp->StackCount, 1);
    CHECK_EQ(irp->CurrentLocation, 2);
    CHECK(irp->UserEvent == NULL);
    CHECK(irp->UserIosb == &f_iosb);
    CHECK_EQ(irp->PendingReturned, FALSE);
    CHECK_EQ(f_iosb.Status, SENTINEL_STATUS);
    CHECK_EQ(f_iosb.Information, SENTINEL_INFO);
    IoSetCompletionRoutine(irp, FactAsyncDone, NULL, TRUE, TRUE, TRUE);
    CHECK_EQ(IoCallDriver(f_lower, irp), STATUS_PENDING);
    CHECK_EQ(irp->CurrentLocation, 1);
    CHECK_EQ(f_iosb.Status, SENTINEL_STATUS);
    CHECK_EQ(f_iosb.Information, SENTINEL_INFO);
    CHECK_EQ(obs.creator_runs, 0);
    CHECK_EQ(IrpcRunAllDeferred(), 1);           /* the lower driver's DPC: IoCompleteRequest */
    CHECK_EQ(obs.creator_runs, 1);
    CHECK_EQ(obs.creator_status, STATUS_SUCCESS);
    CHECK_EQ(obs.creator_information, sizeof(ULONG));
    CHECK_EQ(obs.creator_routine_location, 2);
    CHECK_EQ(obs.iosb_status_in_routine, SENTINEL_STATUS);
    CHECK_EQ(f_iosb.Status, SENTINEL_STATUS);
    IrpcQuiesce();
    CHECK_CLEAN();
}

/* Not one of SEMANTICS.md's facts (it says only that IoReuseIrp
 * re-initialises an IRP for another request): the reference's IoReuseIrp,
 * here because the runtime checker instruments this file with src/, so its
 * assumed contract is executed at this call.  The creator's routine stops
 * completion and keeps the IRP; IoReuseIrp puts it back at the creator's
 * position with the status given, no PendingReturned, no Cancel, no
 * location set up, and it is sent again and freed once.  The second time
 * the lower driver pends. */
static IO_COMPLETION_ROUTINE FactKeepRoutine;

static NTSTATUS FactKeepRoutine(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    UNREFERENCED_PARAMETER(Context);
    record_creator_view(Irp);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

static void send_allocated(PIRP irp)
{
    PIO_STACK_LOCATION next = IoGetNextIrpStackLocation(irp);
    next->MajorFunction = IRP_MJ_READ;
    next->Parameters.Read.Length = sizeof f_buffer;
    IoSetCompletionRoutine(irp, FactKeepRoutine, NULL, TRUE, TRUE, TRUE);
    if (IoCallDriver(f_lower, irp) == STATUS_PENDING)
        CHECK_EQ(IrpcRunAllDeferred(), 1);       /* the lower driver's DPC completes it */
}

static void api_reuse_irp(void)
{
    fact_reset();
    f_lower = fact_device(0, FactLowerDispatch, NULL);
    KeInitializeDpc(&f_dpc, FactLowerDpc, f_lower);
    PIRP irp = IoAllocateIrp(f_lower->StackSize, FALSE);
    CHECK(irp != NULL);
    send_allocated(irp);
    CHECK_EQ(obs.creator_runs, 1);
    CHECK_EQ(obs.creator_status, STATUS_SUCCESS);
    CHECK_EQ(irp->CurrentLocation, 2);
    IoReuseIrp(irp, STATUS_UNSUCCESSFUL);
    CHECK_EQ(irp->CurrentLocation, irp->StackCount + 1);
    CHECK_EQ(irp->IoStatus.Status, STATUS_UNSUCCESSFUL);
    CHECK_EQ(irp->IoStatus.Information, 0);
    CHECK_EQ(irp->PendingReturned, FALSE);
    CHECK_EQ(irp->Cancel, FALSE);
    CHECK(irp->CancelRoutine == NULL);
    CHECK_EQ(irp->IrpcStack[0].Control, 0);
    CHECK(irp->IrpcStack[0].CompletionRoutine == NULL);
    cfg.lower_pends = TRUE;
    send_allocated(irp);
    CHECK_EQ(obs.creator_runs, 2);
    CHECK_EQ(obs.creator_status, STATUS_SUCCESS);
    CHECK_EQ(obs.creator_routine_pr, TRUE);
    IoFreeIrp(irp);
    IrpcQuiesce();
    CHECK_CLEAN();
}

/* IoCancelIrp's contract broken on purpose (proofs/eacsl/expected_violations
 * lists what the runtime checker must report): an IRP already freed.  The
 * reference reports IrpAccessAfterRelease and returns FALSE. */
static void api_cancel_freed_irp(void)
{
    fact_reset();
    f_lower = fact_device(0, FactLowerDispatch, NULL);
    PIRP irp = IoAllocateIrp(f_lower->StackSize, FALSE);
    CHECK(irp != NULL);
    IoFreeIrp(irp);
    CHECK_CLEAN();
    CHECK_EQ(IoCancelIrp(irp), FALSE);
    CHECK_RULE(IrpAccessAfterRelease);
}

void register_fact_tests(void)
{
    test_add("fact/1_control_e0_no_pending_in_dispatch", fact1_control_in_dispatch);
    test_add("fact/2_upper_routine_device_and_location", fact2_upper_routine_view);
    test_add("fact/3_creator_routine_null_device_top_location", fact3_creator_routine_view);
    test_add("fact/4_pending_returned_per_level", fact4_pending_returned_per_level);
    test_add("fact/5_sync_vs_pending_lower", fact5_sync_and_pending_lower);
    test_add("fact/6_cancel_with_and_without_routine", fact6_cancel_with_and_without_routine);
    test_add("fact/7_cancelled_irp_routine_selection", fact7_cancelled_irp_routines);
    test_add("fact/8_async_fsd_request_initial_state", fact8_async_fsd_request);
    test_add("api/reuse_irp", api_reuse_irp);
    test_add("api/cancel_freed_irp", api_cancel_freed_irp);
}
