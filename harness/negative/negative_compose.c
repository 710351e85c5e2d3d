/*
 * negative_compose.c - the compose harness's step with one buggy layer:
 * the buggy upper layer (buggy_layers[HARNESS_BUG], not a lowest-level
 * one) above the abstract lower device of harness/compose/any_lower.c,
 * the layer's request, then IRP_MJ_CLEANUP where the bug needs it.  It
 * must fail with the layer's rule id, as the concrete negative harness
 * does: the induction step finds what the stacks of depth 2 find.
 * negative_tests.sh runs every upper buggy layer.
 */
#include "buggy.h"
#include "any_lower.h"

PDRIVER_OBJECT buggy_driver_object(void);
void buggy_run(PFILE_OBJECT file, const BUGGY_LAYER *bug);

void harness(void)
{
    const BUGGY_LAYER *bug = &buggy_layers[HARNESS_BUG];

    /* ---- build the stack ---------------------------------------------- */
    harness_begin(bug->cancels, bug->alloc_fails);
    PDEVICE_OBJECT top = any_lower_add();
    assume(top != NULL && !bug->is_lowest);
    top = bug->add(buggy_driver_object(), top);
    harness_note_layer(P_BUGGY, bug->name);
    PFILE_OBJECT file = IrpcOpenFile(top);

    /* ---- assumptions --------------------------------------------------- */
    assume(top != NULL && file != NULL);

    /* ---- run, assertions ----------------------------------------------- */
    buggy_run(file, bug);
}
