/*
 * irpc_print.c - text views of the trace and the findings.  Kept apart from
 * the checked code, which stays free of stdio.
 */
#include <stdio.h>
#include "irpc.h"

const char *IrpcStatusName(NTSTATUS s)
{
    switch (s) {
    case STATUS_SUCCESS: return "STATUS_SUCCESS";
    case STATUS_PENDING: return "STATUS_PENDING";
    case STATUS_TIMEOUT: return "STATUS_TIMEOUT";
    case STATUS_MORE_PROCESSING_REQUIRED: return "STATUS_MORE_PROCESSING_REQUIRED";
    case STATUS_CANCELLED: return "STATUS_CANCELLED";
    case STATUS_INVALID_PARAMETER: return "STATUS_INVALID_PARAMETER";
    case STATUS_NOT_SUPPORTED: return "STATUS_NOT_SUPPORTED";
    case STATUS_INVALID_DEVICE_REQUEST: return "STATUS_INVALID_DEVICE_REQUEST";
    case STATUS_UNSUCCESSFUL: return "STATUS_UNSUCCESSFUL";
    case STATUS_INSUFFICIENT_RESOURCES: return "STATUS_INSUFFICIENT_RESOURCES";
    case STATUS_DEVICE_BUSY: return "STATUS_DEVICE_BUSY";
    case (NTSTATUS)0xFFFFFFFF: return "0xFFFFFFFF (uninitialised)";
    default: return "STATUS_?";
    }
}

static const char *kind_name(int kind)
{
    switch (kind) {
    case IRPC_KIND_APP: return "application request";
    case IRPC_KIND_ALLOC: return "IoAllocateIrp";
    case IRPC_KIND_ASYNC_FSD: return "IoBuildAsynchronousFsdRequest";
    case IRPC_KIND_SYNC_FSD: return "IoBuildSynchronousFsdRequest";
    case IRPC_KIND_DEVICE_IOCTL: return "IoBuildDeviceIoControlRequest";
    default: return "?";
    }
}

static void who(FILE *out, int dev)
{
    if (dev >= 0)
        fprintf(out, "dev %d", dev + 1);
    else
        fprintf(out, "I/O manager");
}

static void print_event(FILE *out, const IRPC_EVENT *e)
{
    switch (e->kind) {
    case IRPC_EV_CALL:
        fprintf(out, "IoCallDriver(dev %d, irp %d)", e->dev + 1, e->irp + 1);
        break;
    case IRPC_EV_CALL_RET:
        fprintf(out, "IoCallDriver(dev %d, irp %d) -> %s", e->dev + 1, e->irp + 1, IrpcStatusName(e->status));
        break;
    case IRPC_EV_COMPLETE:
        who(out, e->dev);
        fprintf(out, ": IoCompleteRequest(irp %d) with %s, boost %d", e->irp + 1, IrpcStatusName(e->status), e->aux);
        break;
    case IRPC_EV_ROUTINE:
        fprintf(out, "completion routine of %s", e->aux ? "the creator (" : "");
        who(out, e->dev);
        fprintf(out, "%s ran for irp %d, returned %s", e->aux ? ")" : "", e->irp + 1, IrpcStatusName(e->status));
        break;
    case IRPC_EV_MARK:
        who(out, e->dev);
        fprintf(out, ": IoMarkIrpPending(irp %d)", e->irp + 1);
        break;
    case IRPC_EV_DELIVER:
        fprintf(out, "irp %d delivered to its creator with %s", e->irp + 1, IrpcStatusName(e->status));
        break;
    case IRPC_EV_ALLOC:
        who(out, e->dev);
        fprintf(out, ": irp %d created (%s)", e->irp + 1, kind_name(e->aux));
        break;
    case IRPC_EV_FREE:
        who(out, e->dev);
        fprintf(out, ": IoFreeIrp(irp %d)", e->irp + 1);
        break;
    case IRPC_EV_DPC:
        fprintf(out, "DPC of ");
        who(out, e->dev);
        fprintf(out, " ran");
        break;
    case IRPC_EV_CANCEL:
        fprintf(out, "IoCancelIrp(irp %d) -> %s", e->irp + 1, e->aux ? "cancel routine called" : "no cancel routine");
        break;
    case IRPC_EV_CANCEL_ROUTINE:
        fprintf(out, "cancel routine of ");
        who(out, e->dev);
        fprintf(out, " ran for irp %d", e->irp + 1);
        break;
    case IRPC_EV_WAIT:
        who(out, e->dev);
        fprintf(out, ": KeWaitForSingleObject");
        break;
    case IRPC_EV_SET_EVENT:
        who(out, e->dev);
        fprintf(out, ": KeSetEvent");
        break;
    case IRPC_EV_VIOLATION:
        fprintf(out, "VIOLATION %s", IrpcRuleName(e->aux));
        if (e->irp >= 0)
            fprintf(out, " on irp %d", e->irp + 1);
        break;
    case IRPC_EV_ALLOC_FAIL:
        who(out, e->dev);
        fprintf(out, ": %s failed (no IRP: allocation failure injected)", kind_name(e->aux));
        break;
    default:
        fprintf(out, "?");
    }
}

void IrpcPrintTrace(void *stream)
{
    FILE *out = stream;
    for (int i = 0; i < irpc_event_count; i++) {
        fprintf(out, "  %3d  ", i + 1);
        print_event(out, &irpc_events[i]);
        fputc('\n', out);
    }
    if (irpc_event_count >= IRPC_MAX_EVENTS)
        fprintf(out, "  ...  (trace buffer full)\n");
}

static const char *frame_name(int kind)
{
    switch (kind) {
    case IRPC_FRAME_DISPATCH: return "dispatch routine";
    case IRPC_FRAME_COMPLETION: return "completion routine";
    case IRPC_FRAME_CANCEL: return "cancel routine";
    case IRPC_FRAME_DPC: return "DPC";
    default: return "I/O manager";
    }
}

void IrpcPrintFindings(void *stream)
{
    FILE *out = stream;
    int kept = irpc_finding_count < IRPC_MAX_FINDINGS ? irpc_finding_count : IRPC_MAX_FINDINGS;
    for (int i = 0; i < kept; i++) {
        const IRPC_FINDING *f = &irpc_findings[i];
        if (f->file != NULL)
            fprintf(out, "%s:%d: ", f->file, f->line);
        fprintf(out, "error: %s: %s", IrpcRuleName(f->rule), f->message);
        if (f->irp >= 0)
            fprintf(out, " (irp %d", f->irp + 1);
        else
            fprintf(out, " (");
        fprintf(out, "%s%s of ", f->irp >= 0 ? ", " : "", frame_name(f->frame_kind));
        who(out, f->dev);
        fprintf(out, ")\n");
    }
}
