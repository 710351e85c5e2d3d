/*
 * wdk/csq.h - drivers written for systems older than Windows XP include
 * <csq.h> for the cancel-safe queue; the stand-in <wdm.h> declares it (as
 * the WDK's wdm.h does for XP and later), so this header only includes it.
 */
#ifndef IRPC_WDK_CSQ_H
#define IRPC_WDK_CSQ_H
#include <wdm.h>
#endif
