/* common.c - device creation shared by the sample drivers' add-device routines. */
#include "drivers.h"

PDEVICE_OBJECT SampleCreateDevice(PDRIVER_OBJECT DriverObject, PDEVICE_OBJECT Lower,
                                  PDEVICE_OBJECT *LowerOut)
{
    PDEVICE_OBJECT dev;
    if (!NT_SUCCESS(IoCreateDevice(DriverObject, 256, NULL, 0, 0, FALSE, &dev)))
        return NULL;
    if (Lower != NULL) {
        PDEVICE_OBJECT below = IoAttachDeviceToDeviceStack(dev, Lower);
        if (below == NULL)
            return NULL;
        if (LowerOut != NULL)
            *LowerOut = below;
    }
    return dev;
}
