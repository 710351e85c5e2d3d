/* runner.c - runs every registered test; prints "N passed, N failed". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "test.h"

#define MAX_TESTS 512
static struct { const char *name; TEST_FN *fn; } tests[MAX_TESTS];
static int test_count;
int test_failed_now;

void test_add(const char *name, TEST_FN *fn)
{
    if (test_count < MAX_TESTS) {
        tests[test_count].name = name;
        tests[test_count].fn = fn;
        test_count++;
    }
}

void test_fail(const char *file, int line, const char *what)
{
    if (!test_failed_now)
        printf("  %s:%d: %s\n", file, line, what);
    test_failed_now = 1;
}

void test_fail_eq(const char *file, int line, const char *a, const char *b, long long va, long long vb)
{
    char m[256];
    snprintf(m, sizeof m, "%s == %s (%lld != %lld)", a, b, va, vb);
    test_fail(file, line, m);
}

void test_fail_rule(const char *file, int line, const char *rule)
{
    char m[160];
    snprintf(m, sizeof m, "expected a %s finding", rule);
    test_fail(file, line, m);
}

void test_fail_findings(const char *file, int line)
{
    IrpcPrintFindings(stderr);
    test_fail(file, line, "expected no finding");
}

static DRIVER_OBJECT drivers[7];

LOWEST_EXTENSION *lowest_ext(PDEVICE_OBJECT bottom)
{
    return bottom->DeviceExtension;
}

PDEVICE_OBJECT stack_build(const LAYER *layers, int n, PDEVICE_OBJECT *devs)
{
    IrpcReset();
    IrpcInitDriver(&drivers[L_LOWEST]);
    LowestDriverEntry(&drivers[L_LOWEST]);
    IrpcInitDriver(&drivers[L_PASSTHRU]);
    PassthruDriverEntry(&drivers[L_PASSTHRU]);
    IrpcInitDriver(&drivers[L_PROPAGATE]);
    PropagateDriverEntry(&drivers[L_PROPAGATE]);
    IrpcInitDriver(&drivers[L_FWDWAIT]);
    FwdWaitDriverEntry(&drivers[L_FWDWAIT]);
    IrpcInitDriver(&drivers[L_ALLOCIRP]);
    AllocIrpDriverEntry(&drivers[L_ALLOCIRP]);
    IrpcInitDriver(&drivers[L_ASYNCFSD]);
    AsyncFsdDriverEntry(&drivers[L_ASYNCFSD]);
    IrpcInitDriver(&drivers[L_SYNCIOCTL]);
    SyncIoctlDriverEntry(&drivers[L_SYNCIOCTL]);
    PDEVICE_OBJECT top = NULL;
    for (int i = 0; i < n; i++) {
        PDRIVER_OBJECT d = &drivers[layers[i]];
        switch (layers[i]) {
        case L_LOWEST: top = LowestAddDevice(d); break;
        case L_PASSTHRU: top = PassthruAddDevice(d, top); break;
        case L_PROPAGATE: top = PropagateAddDevice(d, top); break;
        case L_FWDWAIT: top = FwdWaitAddDevice(d, top); break;
        case L_ALLOCIRP: top = AllocIrpAddDevice(d, top); break;
        case L_ASYNCFSD: top = AsyncFsdAddDevice(d, top); break;
        case L_SYNCIOCTL: top = SyncIoctlAddDevice(d, top); break;
        }
        if (devs != NULL)
            devs[i] = top;
    }
    return top;
}

int main(int argc, char **argv)
{
    int passed = 0, failed = 0;
    register_rule_catalogue_tests();
    register_scenario_tests();
    register_fact_tests();
    register_violation_tests();
    for (int i = 0; i < test_count; i++) {
        if (argc > 1 && strstr(tests[i].name, argv[1]) == NULL)
            continue;
        test_failed_now = 0;
        tests[i].fn();
        if (test_failed_now) {
            printf("FAIL %s\n", tests[i].name);
            if (irpc_event_count > 0) {
                printf("  trace:\n");
                IrpcPrintTrace(stdout);
            }
            failed++;
        } else {
            printf("ok   %s\n", tests[i].name);
            passed++;
        }
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 && passed > 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
