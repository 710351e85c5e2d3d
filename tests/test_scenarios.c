/*
 * test_scenarios.c - stacks assembled from the sample drivers; each checks
 * what the application observes (returned status, status block, event),
 * how often each routine ran, PendingReturned seen on the way, and that
 * every created IRP was freed, with no finding at quiescence.
 */
#include "test.h"

static int submit(PDEVICE_OBJECT top, UCHAR major, ULONG code, ULONG length, NTSTATUS *ret)
{
    PFILE_OBJECT file = IrpcOpenFile(top);
    return IrpcSubmit(file, major, code, length, ret);
}

static void lowest_inline_success(void)
{
    LAYER l[] = {L_LOWEST};
    PDEVICE_OBJECT devs[1];
    PDEVICE_OBJECT top = stack_build(l, 1, devs);
    lowest_ext(devs[0])->CompleteInline = TRUE;
    NTSTATUS ret;
    int r = submit(top, IRP_MJ_READ, 0, 16, &ret);
    CHECK(r >= 0);
    CHECK_EQ(ret, STATUS_SUCCESS);
    CHECK_EQ(irpc.requests[r].delivered, 1);
    CHECK_EQ(irpc.requests[r].iosb.Status, STATUS_SUCCESS);
    CHECK_EQ(irpc.requests[r].iosb.Information, 16);
    CHECK_EQ(irpc.requests[r].event.SignalState, 1);
    IrpcQuiesce();
    CHECK_CLEAN();
}

static void lowest_queued_dpc(void)
{
    LAYER l[] = {L_LOWEST};
    PDEVICE_OBJECT devs[1];
    PDEVICE_OBJECT top = stack_build(l, 1, devs);
    NTSTATUS ret;
    int r = submit(top, IRP_MJ_READ, 0, 16, &ret);
    CHECK_EQ(ret, STATUS_PENDING);
    CHECK_EQ(irpc.requests[r].delivered, 0);
    CHECK_EQ(irpc.requests[r].iosb.Status, (NTSTATUS)0xFFFFFFFF);
    IrpcQuiesce();
    CHECK_CLEAN();
    CHECK_EQ(irpc.requests[r].delivered, 1);
    CHECK_EQ(irpc.requests[r].iosb.Status, STATUS_SUCCESS);
    CHECK_EQ(lowest_ext(devs[0])->Completed, 1);
}

static void lowest_invalid_parameter(void)
{
    LAYER l[] = {L_LOWEST};
    PDEVICE_OBJECT top = stack_build(l, 1, NULL);
    NTSTATUS ret;
    int r = submit(top, IRP_MJ_READ, 0, 0, &ret);
    CHECK_EQ(ret, STATUS_INVALID_PARAMETER);
    CHECK_EQ(irpc.requests[r].delivered, 1);
    /* an error that was not pending: the status block is not written */
    CHECK_EQ(irpc.requests[r].iosb.Status, (NTSTATUS)0xFFFFFFFF);
    IrpcQuiesce();
    CHECK_CLEAN();
}

static void lowest_query_from_extension(void)
{
    LAYER l[] = {L_LOWEST};
    PDEVICE_OBJECT top = stack_build(l, 1, NULL);
    NTSTATUS ret;
    int r = submit(top, IRP_MJ_DEVICE_CONTROL, IOCTL_SAMPLE_QUERY_MODE, 4, &ret);
    CHECK_EQ(ret, STATUS_SUCCESS);
    CHECK_EQ(irpc.requests[r].iosb.Information, 7);
    IrpcQuiesce();
    CHECK_CLEAN();
}

static void propagate_over_pending_lowest(void)
{
    LAYER l[] = {L_LOWEST, L_PROPAGATE};
    PDEVICE_OBJECT devs[2];
    PDEVICE_OBJECT top = stack_build(l, 2, devs);
    NTSTATUS ret;
    int r = submit(top, IRP_MJ_WRITE, 0, 8, &ret);
    CHECK_EQ(ret, STATUS_PENDING);
    IrpcQuiesce();
    CHECK_CLEAN();
    PROPAGATE_EXTENSION *p = devs[1]->DeviceExtension;
    CHECK_EQ(p->RoutineRuns, 1);
    CHECK_EQ(p->LastPendingReturned, TRUE);
    CHECK_EQ(irpc.requests[r].iosb.Status, STATUS_SUCCESS);
}

static void fwdwait_over_pending(void)
{
    LAYER l[] = {L_LOWEST, L_PASSTHRU, L_FWDWAIT};
    PDEVICE_OBJECT devs[3];
    PDEVICE_OBJECT top = stack_build(l, 3, devs);
    NTSTATUS ret;
    int r = submit(top, IRP_MJ_READ, 0, 8, &ret);
    CHECK_EQ(ret, STATUS_SUCCESS);
    FWDWAIT_EXTENSION *w = devs[2]->DeviceExtension;
    CHECK_EQ(w->Waits, 1);
    CHECK_EQ(w->RoutineRuns, 1);
    CHECK_EQ(irpc.requests[r].delivered, 1);
    IrpcQuiesce();
    CHECK_CLEAN();
}

static void allocirp_created_and_freed(void)
{
    LAYER l[] = {L_LOWEST, L_ALLOCIRP};
    PDEVICE_OBJECT devs[2];
    PDEVICE_OBJECT top = stack_build(l, 2, devs);
    NTSTATUS ret;
    int r = submit(top, IRP_MJ_READ, 0, 8, &ret);
    CHECK_EQ(ret, STATUS_PENDING);
    IrpcQuiesce();
    CHECK_CLEAN();
    ALLOCIRP_EXTENSION *a = devs[1]->DeviceExtension;
    CHECK_EQ(a->Created, 1);
    CHECK_EQ(a->Freed, 1);
    CHECK_EQ(irpc.requests[r].iosb.Status, STATUS_SUCCESS);
}

static void asyncfsd_created_and_freed(void)
{
    LAYER l[] = {L_LOWEST, L_ASYNCFSD};
    PDEVICE_OBJECT devs[2];
    PDEVICE_OBJECT top = stack_build(l, 2, devs);
    lowest_ext(devs[0])->CompleteInline = TRUE;
    NTSTATUS ret;
    int r = submit(top, IRP_MJ_READ, 0, 8, &ret);
    CHECK_EQ(ret, STATUS_PENDING);
    IrpcQuiesce();
    CHECK_CLEAN();
    ASYNCFSD_EXTENSION *a = devs[1]->DeviceExtension;
    CHECK_EQ(a->Created, 1);
    CHECK_EQ(a->Freed, 1);
    CHECK_EQ(irpc.requests[r].iosb.Information, 16);
}

static void syncioctl_waits(void)
{
    LAYER l[] = {L_LOWEST, L_SYNCIOCTL};
    PDEVICE_OBJECT devs[2];
    PDEVICE_OBJECT top = stack_build(l, 2, devs);
    NTSTATUS ret;
    int r = submit(top, IRP_MJ_DEVICE_CONTROL, IOCTL_SAMPLE_TRANSFER, 4, &ret);
    CHECK_EQ(ret, STATUS_SUCCESS);
    SYNCIOCTL_EXTENSION *s = devs[1]->DeviceExtension;
    CHECK_EQ(s->Waits, 1);
    CHECK_EQ(irpc.requests[r].iosb.Information, sizeof(ULONG));
    IrpcQuiesce();
    CHECK_CLEAN();
}

static void cleanup_completes_queued(void)
{
    LAYER l[] = {L_LOWEST, L_PROPAGATE};
    PDEVICE_OBJECT devs[2];
    PDEVICE_OBJECT top = stack_build(l, 2, devs);
    PFILE_OBJECT file = IrpcOpenFile(top);
    NTSTATUS r1, r2;
    int a = IrpcSubmit(file, IRP_MJ_READ, 0, 4, &r1);
    int b = IrpcSubmit(file, IRP_MJ_READ, 0, 4, &r2);
    CHECK_EQ(r1, STATUS_PENDING);
    CHECK_EQ(r2, STATUS_PENDING);
    CHECK_EQ(IrpcCleanupFile(file), STATUS_SUCCESS);
    CHECK_EQ(irpc.requests[a].delivered, 1);
    CHECK_EQ(irpc.requests[b].iosb.Status, STATUS_CANCELLED);
    CHECK_EQ(lowest_ext(devs[0])->Cancelled, 2);
    IrpcQuiesce();
    CHECK_CLEAN();
}

static void cancel_queued_request(void)
{
    LAYER l[] = {L_LOWEST, L_PASSTHRU};
    PDEVICE_OBJECT devs[2];
    PDEVICE_OBJECT top = stack_build(l, 2, devs);
    NTSTATUS ret;
    int r = submit(top, IRP_MJ_READ, 0, 4, &ret);
    CHECK_EQ(ret, STATUS_PENDING);
    CHECK_EQ(IrpcCancelRequest(r), TRUE);
    CHECK_EQ(irpc.requests[r].iosb.Status, STATUS_CANCELLED);
    IrpcQuiesce();
    CHECK_CLEAN();
    CHECK_EQ(irpc.requests[r].delivered, 1);
}

void register_scenario_tests(void)
{
    test_add("scenario/lowest_inline_success", lowest_inline_success);
    test_add("scenario/lowest_queued_dpc", lowest_queued_dpc);
    test_add("scenario/lowest_invalid_parameter", lowest_invalid_parameter);
    test_add("scenario/lowest_query_from_extension", lowest_query_from_extension);
    test_add("scenario/propagate_over_pending_lowest", propagate_over_pending_lowest);
    test_add("scenario/fwdwait_over_pending", fwdwait_over_pending);
    test_add("scenario/allocirp_created_and_freed", allocirp_created_and_freed);
    test_add("scenario/asyncfsd_created_and_freed", asyncfsd_created_and_freed);
    test_add("scenario/syncioctl_waits", syncioctl_waits);
    test_add("scenario/cleanup_completes_queued", cleanup_completes_queued);
    test_add("scenario/cancel_queued_request", cancel_queued_request);
}
