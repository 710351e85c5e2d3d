/*
 * passthru.c - a filter that passes every request down unchanged: it skips
 * its stack location, so the lower driver reuses it, and returns exactly
 * what IoCallDriver returned.
 */
#include "drivers.h"

static DRIVER_DISPATCH PassthruDispatch;

/*@ requires DispatchEntry(Irp);
    requires \valid(DeviceObject) && \valid((PASSTHRU_EXTENSION *)DeviceObject->DeviceExtension);
    requires IRPC_EXT_APART((PASSTHRU_EXTENSION *)DeviceObject->DeviceExtension);
    requires \valid(((PASSTHRU_EXTENSION *)DeviceObject->DeviceExtension)->Lower);
    IRPC_DISPATCH_ROLE
*/
static NTSTATUS PassthruDispatch(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PASSTHRU_EXTENSION *ext = DeviceObject->DeviceExtension;
    IoSkipCurrentIrpStackLocation(Irp);
    return IoCallDriver(ext->Lower, Irp);
}

VOID PassthruDriverEntry(PDRIVER_OBJECT DriverObject)
{
    for (int i = 0; i <= IRP_MJ_MAXIMUM_FUNCTION; i++)
        DriverObject->MajorFunction[i] = PassthruDispatch;
}

PDEVICE_OBJECT PassthruAddDevice(PDRIVER_OBJECT DriverObject, PDEVICE_OBJECT Lower)
{
    PDEVICE_OBJECT below = NULL;
    PDEVICE_OBJECT dev = SampleCreateDevice(DriverObject, Lower, &below);
    if (dev != NULL)
        ((PASSTHRU_EXTENSION *)dev->DeviceExtension)->Lower = below;
    return dev;
}
