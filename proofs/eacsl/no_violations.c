/*
 * proofs/eacsl/no_violations.c - which unit tests of tests/ the runtime
 * checker runs: the scenarios (tests/test_scenarios.c) and the rule
 * catalogue (tests/test_rules.c).  Left out, by these empty registrations:
 *   - tests/test_violations.c: its drivers break rules on purpose; there a
 *     violated contract is the expected outcome, which the mutant matrix
 *     (tests/mutants/) measures instead;
 *   - tests/test_facts.c: its drivers are test-local and keep their events
 *     and DPCs in the test file's own statics, which are not instrumented:
 *     E-ACSL does not know that memory, so every \valid(event) of the spec
 *     would fail on it.
 */
#include "test.h"  /* tests/ */

void register_violation_tests(void)
{
}

void register_fact_tests(void)
{
}
