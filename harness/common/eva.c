/*
 * eva.c - the Frama-C Eva back end of nondet.h.  Eva runs harness() once
 * over all choices at once; a harness passes when Eva reports no alarm
 * and proves every assertion below valid.
 *
 * nondet() splits its value: each choice leaves the function as its own
 * state (with -eva-split-return full), so Eva follows every choice
 * separately, as the explorer does, instead of joining them into one
 * imprecise state (a joined layer pattern makes the device's driver
 * object one of several, and a dispatch routine NULL, in Eva's eyes).
 */
#include <stdlib.h>
#include "__fc_builtin.h"
#include "nondet.h"

/*@ assigns \nothing; */
void Frama_C_show_each_violated_rule(int rule);

int nondet(int lo, int hi)
{
    int v = Frama_C_interval(lo, hi);
    //@ split v;
    return v;
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
