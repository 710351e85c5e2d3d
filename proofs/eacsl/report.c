/*
 * proofs/eacsl/report.c - what the runtime checker does when an annotation
 * of the spec is false at run time (E-ACSL's assertion hook, replacing the
 * default with E_ACSL_EXTERNAL_ASSERT).  Compiled uninstrumented.
 *
 * Every contract clause of spec/ carries the rule id it states as its name
 * (`requires DoubleCompletion: ...`), so the name printed is the rule.
 *
 * Stop mode (the default): print the rule's predicate name, the clause
 * (kind, file and line of the annotation), the driver's call site recorded
 * by the call-site macros of wdm.h, the values E-ACSL gathered, and exit 1.
 *
 * Continue mode (IRPC_EACSL_CONTINUE=1): print one line per violated
 * clause (once per clause and process),
 *     EACSL <name> <kind> <file>:<line> <function>
 * and go on (the reference's own checks then run as usual).  With
 * IRPC_EACSL_CONTINUE=first (the mutant matrix), the process ends (_Exit(3))
 * after the first line that is the contract's, not the reference's: the
 * scenario program runs each stack in a child process, so this gives the
 * first violated clause of every stack, at a fraction of the time.  A clause of
 * IrpcReport (the reference reporting a finding of its own) is printed with
 * the name "reference:<rule>": it is the reference's check, not the
 * contract's, and the matrix does not count it for the runtime checker.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "instrumentation_model/e_acsl_assert.h"

extern const char *irpc_site_file;
extern int irpc_site_line;
extern const char *irpc_report_file;
extern int irpc_report_line;

static int continue_mode;     /* 0: stop; 1: go on; 2: end the process at the
                                  first contract (not reference) violation */

/* Read before main: E-ACSL's memory-model set-up at the top of the
 * instrumented main leaves getenv() unable to find the variables. */
__attribute__((constructor)) static void read_mode(void)
{
    const char *e = getenv("IRPC_EACSL_CONTINUE");
    continue_mode = e == NULL || strcmp(e, "0") == 0 ? 0 : strcmp(e, "first") == 0 ? 2 : 1;
}

static void print_values(const eacsl_assert_data_value_t *v)
{
    for (; v != NULL; v = v->next) {
        fprintf(stderr, "    %s = ", v->name != NULL ? v->name : "?");
        eacsl_print_value_content(stderr, (eacsl_assert_data_value_t *)v);
        fputc('\n', stderr);
    }
}

void eacsl_runtime_assert(int predicate, eacsl_assert_data_t *data)
{
    if (predicate)
        return;
    const char *name = data->name != NULL ? data->name : "(unnamed clause)";
    int reference = data->fct != NULL && strcmp(data->fct, "IrpcReport") == 0;
    const char *site = irpc_report_file != NULL ? irpc_report_file : irpc_site_file;
    int site_line = irpc_report_file != NULL ? irpc_report_line : irpc_site_line;
    if (continue_mode) {
        /* once per clause and process */
        static struct { const char *file, *name; int line; } seen[256];
        static int nseen;
        for (int i = 0; i < nseen; i++)
            if (seen[i].line == data->line && strcmp(seen[i].file, data->file) == 0 &&
                strcmp(seen[i].name, name) == 0)
                return;
        if (nseen < 256) {
            seen[nseen].file = data->file;
            seen[nseen].name = name;
            seen[nseen].line = data->line;
            nseen++;
        }
        printf("EACSL %s%s %s %s:%d %s\n", reference ? "reference:" : "", name,
               data->kind, data->file, data->line, data->fct);
        fflush(stdout);
        if (continue_mode == 2 && !reference)
            _Exit(3);
        return;
    }
    fprintf(stderr, "runtime-check: %s violated%s\n", name,
            reference ? " (the reference's own check: IrpcReport was reached)" : "");
    fprintf(stderr, "  %s of %s, %s:%d\n", data->kind, data->fct, data->file, data->line);
    if (site != NULL)
        fprintf(stderr, "  driver call site: %s:%d\n", site, site_line);
    fprintf(stderr, "  predicate: %.600s%s\n", data->pred_txt,
            strlen(data->pred_txt) > 600 ? " ..." : "");
    if (data->values != NULL) {
        fprintf(stderr, "  values at the failure point:\n");
        print_values(data->values);
    }
    fflush(stderr);
    exit(1);
}
