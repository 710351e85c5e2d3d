/* print.c - the explorer's view of a harness configuration (stdio). */
#include <stdio.h>
#include "harness.h"

static const char *const names[P_COUNT] = {
    "lowest(inline, success)", "lowest(inline, error)",
    "lowest(pending+DPC, success)", "lowest(pending+DPC, error)",
    "passthru", "propagate", "fwdwait", "allocirp", "asyncfsd", "syncioctl"
};

static const char *const request_names[R_COUNT] = {
    "IRP_MJ_READ", "IOCTL_SAMPLE_TRANSFER", "IRP_MJ_READ of 0 bytes", "IOCTL_SAMPLE_QUERY_MODE",
    "IRP_MJ_WRITE", "unknown IOCTL 0x222008", "IOCTL_SAMPLE_QUERY_MODE with a 2-byte buffer",
    "IRP_MJ_CLEANUP", "IRP_MJ_CREATE", "IRP_MJ_CLOSE"
};

void harness_print_config(void *stream)
{
    FILE *out = stream;
    const HARNESS_CONFIG *c = &harness_config;
    fprintf(out, "depth %d:", c->depth);
    for (int i = 0; i < c->depth; i++) {
        int p = c->layers[i];
        const char *n = p == P_BUGGY ? c->buggy_name : p == P_ANY_LOWER ? "any-lower" :
                        (p >= 0 && p < P_COUNT ? names[p] : "?");
        fprintf(out, "%s dev %d %s", i == 0 ? "" : " <-", i + 1, n != NULL ? n : "buggy");
    }
    int app = 0;
    for (int i = 0; i < c->attempted && i <= HARNESS_MAX_REQUESTS; i++)
        app += c->requests[i] >= R_APP_FIRST && c->requests[i] <= R_APP_LAST;
    fprintf(out, "; %d request(s)", app);
    for (int i = 0; i < c->attempted && i <= HARNESS_MAX_REQUESTS; i++) {
        int k = c->requests[i];
        /* the file's life (create, cleanup, close) reads as steps */
        int step = k == R_CREATE || k == R_CLEANUP || k == R_CLOSE ||
                   (i > 0 && c->requests[i - 1] == R_CREATE);
        fprintf(out, "%s%s", i == 0 ? " " : step ? ", then " : ", ",
                k >= 0 && k < R_COUNT ? request_names[k] : "?");
    }
    fprintf(out, "\n");
}
