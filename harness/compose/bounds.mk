# compose harness bounds (override: make harness compose_REQUESTS=3)
# No depth: the harness covers every depth by induction (compose_harness.c).
REQUESTS    ?= 1
CANCELS     ?= 2
KINDS       ?= 7
ALLOC_FAILS ?= 1
CLEANUP     ?= 1
STATUSES    ?= 2
SHAPE       ?= -1
# Eva bounds (smaller: Eva follows each choice as its own state; harness/README.md)
EVA_REQUESTS    ?= 1
EVA_CANCELS     ?= 1
EVA_KINDS       ?= 3
EVA_ALLOC_FAILS ?= 1
EVA_CLEANUP     ?= 0
EVA_STATUSES    ?= 2
# Eva runs each of the harness's 11 shapes (SHAPE=0..10) on its own and
# sums them; the explorer checks that the shapes add up to the harness.
# A shape of more than EVA_SPLIT_MAX explorer executions is split into
# prefixes of choices; the runs go two at a time (harness/README.md, Eva).
EVA_SPLIT_SHAPES ?= 11
EVA_SPLIT_MAX    ?= 800
