# compose_cleanup: the compose harness (every depth, by induction) for Eva
# with the cleanup of the file object in the induction step: one request,
# three kinds, a failed IRP creation, no cancel.  compose's own Eva run has
# the cancel and not the cleanup; compose_cleanup_cancel has both, with the
# success ending only (both at these bounds: 137,080 executions, hours of
# Eva); the explorer covers both in compose, and runs this configuration
# at the same bounds as Eva.  The harness source is compose's.
SOURCE      = compose
REQUESTS    ?= 1
CANCELS     ?= 0
KINDS       ?= 3
ALLOC_FAILS ?= 1
CLEANUP     ?= 1
STATUSES    ?= 2
SHAPE       ?= -1
# Eva runs each of the 11 shapes on its own, each split into prefixes of
# choices of at most EVA_SPLIT_MAX explorer executions (harness/README.md, Eva)
EVA_SPLIT_SHAPES ?= 11
EVA_SPLIT_MAX    ?= 1000
