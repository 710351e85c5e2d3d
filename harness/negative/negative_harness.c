/*
 * negative_harness.c - the system harness with one buggy layer
 * (buggy_layers[HARNESS_BUG]): a lowest driver in any of the allowed modes
 * (or the buggy lowest driver), optionally one correct filter (passthru or
 * propagate), the buggy layer; one request, then IRP_MJ_CLEANUP where the
 * bug needs it; deferred work at every scheduling point.  It must fail
 * with the layer's rule id.  negative_tests.sh runs every layer.
 */
#include "buggy.h"

PDRIVER_OBJECT buggy_driver_object(void);
void buggy_run(PFILE_OBJECT file, const BUGGY_LAYER *bug);

void harness(void)
{
    const BUGGY_LAYER *bug = &buggy_layers[HARNESS_BUG];

    /* ---- build the stack ---------------------------------------------- */
    harness_begin(bug->cancels, bug->alloc_fails);
    PDEVICE_OBJECT top;
    if (bug->is_lowest) {
        top = bug->add(buggy_driver_object(), NULL);
        harness_note_layer(P_BUGGY, bug->name);
        if (nondet(0, 1))
            top = harness_add_layer(nondet(P_PASSTHRU, P_PROPAGATE), top);
    } else {
        top = harness_add_layer(nondet(bug->lowest_lo, bug->lowest_hi), NULL);
        if (nondet(0, 1))
            top = harness_add_layer(nondet(P_PASSTHRU, P_PROPAGATE), top);
        top = bug->add(buggy_driver_object(), top);
        harness_note_layer(P_BUGGY, bug->name);
    }
    PFILE_OBJECT file = IrpcOpenFile(top);

    /* ---- assumptions --------------------------------------------------- */
    assume(top != NULL && file != NULL);

    /* ---- run, assertions ----------------------------------------------- */
    buggy_run(file, bug);
}
