/*
 * wdk/ntddk.h - the <ntddk.h> a driver sees under `irpcheck audit`: the
 * same stand-in as <wdm.h> (wdk/wdm.h); the routines the audit supports
 * are all declared there.
 */
#ifndef IRPC_WDK_NTDDK_H
#define IRPC_WDK_NTDDK_H
#include "wdm.h"
#endif
