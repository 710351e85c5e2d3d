/*
 * test.h - the scenario-test framework: a test is a function; CHECK records
 * a failure with file and line and ends the test.  The runner prints one
 * line per test and ends with "N passed, N failed".
 */
#ifndef IRPC_TEST_H
#define IRPC_TEST_H

#include <stdio.h>
#include <string.h>
#include "irpc.h"
#include "drivers.h"

typedef void TEST_FN(void);
void test_add(const char *name, TEST_FN *fn);
void test_fail(const char *file, int line, const char *what);
extern int test_failed_now;

#define CHECK(cond) do { if (!(cond)) { test_fail(__FILE__, __LINE__, #cond); return; } } while (0)
#define CHECK_EQ(a, b) do { long long a_ = (long long)(a), b_ = (long long)(b); \
    if (a_ != b_) { char m_[256]; snprintf(m_, sizeof m_, "%s == %s (%lld != %lld)", #a, #b, a_, b_); \
        test_fail(__FILE__, __LINE__, m_); return; } } while (0)
/* the scenario produced a finding with this rule id */
#define CHECK_RULE(rule) do { if (IrpcFindingCount(IRPC_##rule) == 0) { \
    char m_[160]; snprintf(m_, sizeof m_, "expected a %s finding", #rule); \
    test_fail(__FILE__, __LINE__, m_); return; } } while (0)
#define CHECK_CLEAN() do { if (irpc_finding_count != 0) { IrpcPrintFindings(stderr); \
    test_fail(__FILE__, __LINE__, "expected no finding"); return; } } while (0)

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
