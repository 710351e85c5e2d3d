/*
 * eva.c - the Frama-C Eva back end of nondet.h.  Eva runs harness() once
 * over all choices at once; a harness passes when Eva reports no alarm
 * and proves every assertion below valid.
 */
#include <stdlib.h>
#include "__fc_builtin.h"
#include "nondet.h"

/*@ assigns \nothing; */
void Frama_C_show_each_violated_rule(int rule);

int nondet(int lo, int hi)
{
    return Frama_C_interval(lo, hi);
}

void harness_prune(void)
{
    abort();   /* no execution continues past a false assumption */
}

void harness_check(int ok, int rule, const char *what)
{
    (void)what;
    if (!ok)
        Frama_C_show_each_violated_rule(rule);
    /*@ assert harness_check: ok != 0; */
}

int main(void)
{
    harness();
    return 0;
}
