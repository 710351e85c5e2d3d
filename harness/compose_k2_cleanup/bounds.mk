# compose_k2_cleanup: the compose harness (every depth, by induction) with
# two requests in flight and then the cleanup of the file object in the
# induction step: two requests of one kind (a read), then IRP_MJ_CLEANUP, a
# failed IRP creation, the abstract lower device ending IRPs with
# STATUS_SUCCESS (STATUSES=1), or STATUS_CANCELLED when cancelled.  The
# explorer has a cancel too (654,644 executions; with two kinds 2,177,640,
# with STATUSES=2 more still); Eva has none (32,134 executions; with the
# cancel, hours of Eva).  compose_k2 has the two requests with a cancel and
# the transfer error, compose_cleanup the cleanup with three kinds.  The
# harness source is compose's.
SOURCE      = compose
REQUESTS    ?= 2
CANCELS     ?= 1
KINDS       ?= 1
ALLOC_FAILS ?= 1
CLEANUP     ?= 1
STATUSES    ?= 1
SHAPE       ?= -1
# Eva: no cancel (with it 654,644 executions, about 13 hours of Eva)
EVA_CANCELS      ?= 0
# Eva runs each of the 11 shapes on its own, each split into prefixes of
# choices of at most EVA_SPLIT_MAX explorer executions (harness/README.md, Eva)
EVA_SPLIT_SHAPES ?= 11
EVA_SPLIT_MAX    ?= 800
