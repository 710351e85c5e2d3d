/* print.c - the explorer's view of a harness configuration (stdio). */
#include <stdio.h>
#include "harness.h"

static const char *const names[P_COUNT] = {
    "lowest(inline, success)", "lowest(inline, error)",
    "lowest(pending+DPC, success)", "lowest(pending+DPC, error)",
    "passthru", "propagate", "fwdwait", "allocirp", "asyncfsd", "syncioctl"
};

static const char *major_name(UCHAR m)
{
    switch (m) {
    case IRP_MJ_READ: return "IRP_MJ_READ";
    case IRP_MJ_WRITE: return "IRP_MJ_WRITE";
    case IRP_MJ_DEVICE_CONTROL: return "IRP_MJ_DEVICE_CONTROL";
    case IRP_MJ_CLEANUP: return "IRP_MJ_CLEANUP";
    default: return "?";
    }
}

void harness_print_config(void *stream)
{
    FILE *out = stream;
    const HARNESS_CONFIG *c = &harness_config;
    fprintf(out, "depth %d:", c->depth);
    for (int i = 0; i < c->depth; i++) {
        int p = c->layers[i];
        const char *n = p == P_BUGGY ? c->buggy_name : (p >= 0 && p < P_COUNT ? names[p] : "?");
        fprintf(out, "%s dev %d %s", i == 0 ? "" : " <-", i + 1, n != NULL ? n : "buggy");
    }
    fprintf(out, "; %d request(s) %s%s\n", c->attempted - c->cleanup_done, major_name(c->major),
            c->cleanup_done ? ", then IRP_MJ_CLEANUP" : "");
}
