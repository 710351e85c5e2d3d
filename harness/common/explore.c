/*
 * explore.c - the native exhaustive back end of nondet.h.
 *
 * Depth-first over every sequence of choices: the harness runs from the
 * start; each nondet() either replays the choice recorded at that position
 * or, past the end of the record, takes the lowest value and records it.
 * When an execution ends, the last choice that has a value left is
 * advanced and everything after it dropped.  Exploration ends when no
 * choice has a value left: every sequence has run once.
 *
 * On a violation (a harness_check that fails, or a finding the reference
 * reports through its violation hook) it prints the rule id, the stack
 * configuration, the choices and the protocol event trace, and exits 1.
 * Built with ASan and UBSan.
 *
 *   usage: <harness> [-q] [-p N]
 *     prints "executions N pruned N choices N seconds S"; with -p N, also
 *     "PREFIX <executions> <pruned> v1 .. vk" for each distinct sequence of
 *     the first N choices (k < N when an execution made fewer), in the
 *     order explored: the prefixes harness/run.py gives Eva one at a time
 *     (EVA_SPLIT_MAX, harness/common/eva_split.c)
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "irpc.h"
#include "nondet.h"
#include "harness.h"

#ifndef EXPLORE_MAX_CHOICES
#define EXPLORE_MAX_CHOICES 4096
#endif

typedef struct { int lo, hi, v; } CHOICE;
static CHOICE trail[EXPLORE_MAX_CHOICES];
static int trail_len;    /* choices recorded */
static int pos;          /* choices made in this execution */
static jmp_buf prune_jmp;
static long long executions, pruned, choices_made;
static struct timespec started;
static int quiet;        /* -q: no progress lines */

/* -p N: the distinct prefixes of N choices, each with its executions */
static int prefix_len = -1;
static int prefix[EXPLORE_MAX_CHOICES], prefix_k = -1;
static long long prefix_runs, prefix_pruned;

static void prefix_flush(void)
{
    if (prefix_k < 0)
        return;
    printf("PREFIX %lld %lld", prefix_runs, prefix_pruned);
    for (int i = 0; i < prefix_k; i++)
        printf(" %d", prefix[i]);
    printf("\n");
}

/* the execution that just ended: same prefix as the one before, or a new one */
static void prefix_note(int was_pruned)
{
    int k = pos < prefix_len ? pos : prefix_len;
    int same = k == prefix_k;
    for (int i = 0; same && i < k; i++)
        same = prefix[i] == trail[i].v;
    if (!same) {
        prefix_flush();
        prefix_k = k;
        for (int i = 0; i < k; i++)
            prefix[i] = trail[i].v;
        prefix_runs = prefix_pruned = 0;
    }
    if (was_pruned)
        prefix_pruned++;
    else
        prefix_runs++;
}

static double elapsed(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - started.tv_sec) + (double)(now.tv_nsec - started.tv_nsec) / 1e9;
}

int nondet(int lo, int hi)
{
    choices_made++;
    if (pos < trail_len) {
        CHOICE *c = &trail[pos++];
        if (c->lo != lo || c->hi != hi) {
            fprintf(stderr, "explore: the harness is not deterministic: choice %d was [%d,%d], now [%d,%d]\n",
                    pos, c->lo, c->hi, lo, hi);
            exit(2);
        }
        return c->v;
    }
    if (trail_len >= EXPLORE_MAX_CHOICES) {
        fprintf(stderr, "explore: more than %d choices in one execution\n", EXPLORE_MAX_CHOICES);
        exit(2);
    }
    if (hi < lo) {
        fprintf(stderr, "explore: empty choice [%d,%d]\n", lo, hi);
        exit(2);
    }
    trail[trail_len].lo = lo;
    trail[trail_len].hi = hi;
    trail[trail_len].v = lo;
    trail_len++;
    pos++;
    return lo;
}

void harness_prune(void)
{
    longjmp(prune_jmp, 1);
}

void harness_check(int ok, int rule, const char *what)
{
    if (ok)
        return;
    printf("VIOLATION %s: %s\n", IrpcRuleName(rule), what);
    printf("after %lld executions (%.2f s)\n", executions, elapsed());
    printf("configuration: ");
    harness_print_config(stdout);
    printf("choices (%d):", pos);
    for (int i = 0; i < pos; i++)
        printf(" %d", trail[i].v);
    printf("\nprotocol events:\n");
    IrpcPrintTrace(stdout);
    printf("findings:\n");
    IrpcPrintFindings(stdout);
    printf("RESULT violated %s executions %lld seconds %.2f\n", IrpcRuleName(rule), executions, elapsed());
    fflush(stdout);
    exit(1);
}

int main(int argc, char **argv)
{
    for (int a = 1; a < argc; a++) {
        if (strcmp(argv[a], "-q") == 0) {
            quiet = 1;
        } else if (strcmp(argv[a], "-p") == 0 && a + 1 < argc) {
            char *end;
            long n = strtol(argv[++a], &end, 10);
            prefix_len = (int)n;
            if (*argv[a] == '\0' || *end != '\0' || n < 0 || n > EXPLORE_MAX_CHOICES) {
                fprintf(stderr, "explore: -p %s: not a number of choices\n", argv[a]);
                return 2;
            }
        } else {
            fprintf(stderr, "usage: %s [-q] [-p N]\n", argv[0]);
            return 2;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &started);
    for (;;) {
        pos = 0;
        int was_pruned = 0;
        if (setjmp(prune_jmp) == 0) {
            harness();
            executions++;
        } else {
            pruned++;
            was_pruned = 1;
        }
        if (prefix_len >= 0)
            prefix_note(was_pruned);
        if (pos < trail_len)
            trail_len = pos;   /* an execution that stopped early */
        while (trail_len > 0 && trail[trail_len - 1].v == trail[trail_len - 1].hi)
            trail_len--;
        if (trail_len == 0)
            break;
        trail[trail_len - 1].v++;
        if (!quiet && executions % 100000 == 0 && executions > 0)
            fprintf(stderr, "  ... %lld executions, %.1f s\n", executions, elapsed());
    }
    prefix_flush();
    printf("RESULT proved executions %lld pruned %lld choices %lld seconds %.2f\n",
           executions, pruned, choices_made, elapsed());
    return 0;
}
