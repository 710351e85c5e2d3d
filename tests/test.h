/*
 * test.h - the scenario-test framework: a test is a function; CHECK records
 * a failure with file and line and ends the test.  The runner prints one
 * line per test and ends with "N passed, N failed".
 */
#ifndef IRPC_TEST_H
#define IRPC_TEST_H

#include "irpc.h"
#include "drivers.h"

typedef void TEST_FN(void);
void test_add(const char *name, TEST_FN *fn);
void test_fail(const char *file, int line, const char *what);
/* the failure messages of CHECK_EQ, CHECK_RULE and CHECK_CLEAN, formatted
 * in runner.c: this header stays free of stdio and string.h, so a test file
 * can be instrumented by E-ACSL (proofs/eacsl/build.sh) */
void test_fail_eq(const char *file, int line, const char *a, const char *b, long long va, long long vb);
void test_fail_rule(const char *file, int line, const char *rule);
void test_fail_findings(const char *file, int line);
extern int test_failed_now;

#define CHECK(cond) do { if (!(cond)) { test_fail(__FILE__, __LINE__, #cond); return; } } while (0)
#define CHECK_EQ(a, b) do { long long a_ = (long long)(a), b_ = (long long)(b); \
    if (a_ != b_) { test_fail_eq(__FILE__, __LINE__, #a, #b, a_, b_); return; } } while (0)
/* the scenario produced a finding with this rule id */
#define CHECK_RULE(rule) do { if (IrpcFindingCount(IRPC_##rule) == 0) { \
    test_fail_rule(__FILE__, __LINE__, #rule); return; } } while (0)
#define CHECK_CLEAN() do { if (irpc_finding_count != 0) { \
    test_fail_findings(__FILE__, __LINE__); return; } } while (0)

/* ---- building stacks from the sample drivers ---------------------------- */
typedef enum {
    L_LOWEST, L_PASSTHRU, L_PROPAGATE, L_FWDWAIT, L_ALLOCIRP, L_ASYNCFSD, L_SYNCIOCTL
} LAYER;

/* Resets the system and builds a stack: layers[0] is the lowest-level
 * driver (must be L_LOWEST), layers[n-1] the top.  Returns the top device;
 * devs[i] receives each layer's device. */
PDEVICE_OBJECT stack_build(const LAYER *layers, int n, PDEVICE_OBJECT *devs);
LOWEST_EXTENSION *lowest_ext(PDEVICE_OBJECT bottom);

/* registration, one per test file */
void register_scenario_tests(void);
void register_fact_tests(void);
void register_violation_tests(void);
void register_rule_catalogue_tests(void);

#endif
