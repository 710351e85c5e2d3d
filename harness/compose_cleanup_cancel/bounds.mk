# compose_cleanup_cancel: the compose harness (every depth, by induction)
# for Eva with the cleanup of the file object and a cancel in the same
# induction step: one request of any of the three kinds, then
# IRP_MJ_CLEANUP, one IoCancelIrp at any scheduling point, a failed IRP
# creation.  The abstract lower device ends IRPs with STATUS_SUCCESS, or
# STATUS_CANCELLED when cancelled (STATUSES=1; compose_cleanup has its
# transfer error too): with STATUSES=2 the step is 137,080 executions,
# hours of Eva; here 41,765.  The explorer runs it at the same bounds (compose covers
# more).  The harness source is compose's.
SOURCE      = compose
REQUESTS    ?= 1
CANCELS     ?= 1
KINDS       ?= 3
ALLOC_FAILS ?= 1
CLEANUP     ?= 1
STATUSES    ?= 1
SHAPE       ?= -1
# Eva runs each of the 11 shapes on its own, each split into prefixes of
# choices of at most EVA_SPLIT_MAX explorer executions (harness/README.md, Eva)
EVA_SPLIT_SHAPES ?= 11
EVA_SPLIT_MAX    ?= 800
