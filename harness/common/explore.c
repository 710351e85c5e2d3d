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
 *   usage: <harness> [-q]     prints "executions N pruned N choices N seconds S"
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
    int quiet = argc > 1 && strcmp(argv[1], "-q") == 0;
    clock_gettime(CLOCK_MONOTONIC, &started);
    for (;;) {
        pos = 0;
        if (setjmp(prune_jmp) == 0) {
            harness();
            executions++;
        } else {
            pruned++;
        }
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
    printf("RESULT proved executions %lld pruned %lld choices %lld seconds %.2f\n",
           executions, pruned, choices_made, elapsed());
    return 0;
}
