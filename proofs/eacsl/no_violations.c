/*
 * proofs/eacsl/no_violations.c - which unit tests of tests/ the runtime
 * checker runs: the scenarios (tests/test_scenarios.c), the rule catalogue
 * (tests/test_rules.c) and the Windows facts (tests/test_facts.c, whose
 * test-local drivers are instrumented with src/ by build.sh, so E-ACSL
 * tracks their events and DPCs).  Left out, by this empty registration:
 * tests/test_violations.c, whose drivers break rules on purpose; there a
 * violated contract is the expected outcome, which the mutant matrix
 * (tests/mutants/) measures instead.
 */
#include "test.h"  /* tests/ */

void register_violation_tests(void)
{
}
