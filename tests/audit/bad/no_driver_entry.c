// expect: 2
#include <wdm.h>
NTSTATUS NotAnEntry(PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    return STATUS_SUCCESS;
}
