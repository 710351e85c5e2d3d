/*
 * nondet.h - the only nondeterminism a harness uses.
 *
 *   nondet(lo, hi)   some value in [lo, hi]; every value is explored
 *   assume(cond)     executions where cond is false are not of interest
 *   harness_check(ok, rule, what)
 *                    an assertion of the harness, under a rule id
 *
 * Two back ends implement these three, chosen by which .c file is linked:
 *   explore.c  a native explorer: depth-first over every sequence of
 *              choices, re-executing the harness from the start each time
 *   eva.c      Frama-C Eva: nondet is Frama_C_interval, checks are ACSL
 *              assertions that Eva must prove valid
 * The harness and the code under test are the same source for both.
 */
#ifndef HARNESS_NONDET_H
#define HARNESS_NONDET_H

int nondet(int lo, int hi);
void harness_prune(void);                       /* does not return */
void harness_check(int ok, int rule, const char *what);

#define assume(cond) do { if (!(cond)) harness_prune(); } while (0)

/* Every harness defines this; the back end calls it once per execution. */
void harness(void);

#endif
