/*
 * conformance.c - the monolithic reference for model/conformance.sh: runs one
 * application read through a two-device stack of the sample drivers
 * (IrpcSubmit, the dispatch routines called by IofCallDriver, then
 * IrpcRunAllDeferred) and prints what the application saw:
 *   RETURNED DELIVERED_STATUS DELIVERED_COUNT FINDINGS
 * usage: conformance UPPER LOWER   (model pattern numbers, model/layers.h)
 *
 * syncioctl.c (P_SYNC) builds its synchronous IOCTL only for a device-control
 * request and passes every other request down; the model's application sends
 * reads and its P_SYNC layer answers them the way syncioctl.c answers a
 * device-control request, so for P_SYNC the application's request here is a
 * device control.
 */
#include <stdio.h>
#include <stdlib.h>
#include "irpc.h"
#include "drivers.h"
#include "layers.h"

int main(int argc, char **argv)
{
    static DRIVER_OBJECT lowdrv, updrv;
    if (argc != 3)
        return 2;
    int upper = atoi(argv[1]), lower = atoi(argv[2]);
    IrpcReset();
    IrpcInitDriver(&lowdrv);
    LowestDriverEntry(&lowdrv);
    PDEVICE_OBJECT low = LowestAddDevice(&lowdrv);
    LOWEST_EXTENSION *lx = low->DeviceExtension;
    lx->CompleteInline = lower != P_PEND;
    /* lowest.c completes a zero-length read with STATUS_INVALID_PARAMETER;
     * syncioctl.c's IOCTL always has a length, so its error is configured */
    lx->TransferStatus = (upper == P_SYNC || upper == P_ASYNC_FSD) && lower == P_DONE_ERR ? STATUS_INVALID_PARAMETER
                                                                                         : STATUS_SUCCESS;
    IrpcInitDriver(&updrv);
    PDEVICE_OBJECT top = NULL;
    switch (upper) {
    case P_SKIP: PassthruDriverEntry(&updrv); top = PassthruAddDevice(&updrv, low); break;
    case P_COPY: PropagateDriverEntry(&updrv); top = PropagateAddDevice(&updrv, low); break;
    case P_WAIT: FwdWaitDriverEntry(&updrv); top = FwdWaitAddDevice(&updrv, low); break;
    case P_ALLOC: AllocIrpDriverEntry(&updrv); top = AllocIrpAddDevice(&updrv, low); break;
    case P_SYNC: SyncIoctlDriverEntry(&updrv); top = SyncIoctlAddDevice(&updrv, low); break;
    case P_ASYNC_FSD: AsyncFsdDriverEntry(&updrv); top = AsyncFsdAddDevice(&updrv, low); break;
    default: return 2;
    }
    PFILE_OBJECT file = IrpcOpenFile(top);
    NTSTATUS returned;
    int r = upper == P_SYNC ? IrpcSubmit(file, IRP_MJ_DEVICE_CONTROL, IOCTL_SAMPLE_TRANSFER, 16, &returned)
                            : IrpcSubmit(file, IRP_MJ_READ, 0, lower == P_DONE_ERR ? 0 : 16, &returned);
    IrpcRunAllDeferred();
    IrpcQuiesce();
    if (r < 0)
        return 1;
    printf("%ld %ld %d %d\n", (long)returned, (long)irpc.requests[r].delivered_status,
           irpc.requests[r].delivered, irpc_finding_count);
    return 0;
}
