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
    "IRP_MJ_CLEANUP"
};

void harness_print_config(void *stream)
{
    FILE *out = stream;
    const HARNESS_CONFIG *c = &harness_config;
    fprintf(out, "depth %d:", c->depth);
    for (int i = 0; i < c->depth; i++) {
        int p = c->layers[i];
        /* P_BUGGY + 1: the compose harness's abstract lower device
         * (harness/compose/any_lower.h, P_ANY_LOWER) */
        const char *n = p == P_BUGGY ? c->buggy_name : p == P_BUGGY + 1 ? "any-lower" :
                        (p >= 0 && p < P_COUNT ? names[p] : "?");
        fprintf(out, "%s dev %d %s", i == 0 ? "" : " <-", i + 1, n != NULL ? n : "buggy");
    }
    fprintf(out, "; %d request(s)", c->attempted - c->cleanup_done);
    for (int i = 0; i < c->attempted && i <= HARNESS_MAX_REQUESTS; i++) {
        int k = c->requests[i];
        fprintf(out, "%s%s", i == 0 ? " " : k == R_CLEANUP ? ", then " : ", ",
                k >= 0 && k < R_COUNT ? request_names[k] : "?");
    }
    fprintf(out, "\n");
}
