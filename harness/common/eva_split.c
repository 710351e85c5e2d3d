/*
 * eva_split.c - Eva on the executions that begin with one given sequence
 * of choices (harness/run.py, EVA_SPLIT_MAX; harness/README.md, Eva).
 *
 * Linked instead of eva.c, whose code it includes under another name for
 * nondet: the first HARNESS_PREFIX_LEN calls of nondet() return the
 * prefix's values (HARNESS_PREFIX: "v1, v2, ..., vk," - each value
 * followed by a comma), every later call is eva.c's (every value, split).
 * Each forced call reports its position, its range and the value it
 * returned (Frama_C_show_each_prefix_choice); run.py reads those reports
 * of every run and fails the harness unless, at each position, the
 * prefixes it ran take every value of the range Eva itself saw there.  So
 * the runs together cover every execution whatever list of prefixes they
 * were given, and a prefix whose value lies outside its range only prunes.
 */
#define nondet harness_nondet_every
#include "eva.c"
#undef nondet

#if !defined(HARNESS_PREFIX_LEN) || !defined(HARNESS_PREFIX)
#error "eva_split.c needs HARNESS_PREFIX_LEN and HARNESS_PREFIX"
#endif

/* the prefix, and a 0 after it so that an empty one is a valid array */
static const int harness_prefix[HARNESS_PREFIX_LEN + 1] = { HARNESS_PREFIX 0 };
static int harness_prefix_taken;

/*@ assigns \nothing; */
void Frama_C_show_each_prefix_choice(int position, int lo, int hi, int value);

int nondet(int lo, int hi);

int nondet(int lo, int hi)
{
    if (harness_prefix_taken < HARNESS_PREFIX_LEN) {
        int position = harness_prefix_taken++;
        int v = harness_prefix[position];
        Frama_C_show_each_prefix_choice(position, lo, hi, v);
        if (v < lo || v > hi)
            harness_prune();
        return v;
    }
    return harness_nondet_every(lo, hi);
}
