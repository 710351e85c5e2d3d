# compose_k2: the compose harness (every depth, by induction) with two
# application requests in flight at once, a cancel and a failed IRP
# creation, and no cleanup (with the cleanup too it is out of the
# explorer's 60 s budget: harness/README.md, Compose).  The harness
# source is compose's.  Override: make harness compose_k2_CANCELS=2
SOURCE      = compose
REQUESTS    ?= 2
CANCELS     ?= 1
KINDS       ?= 7
ALLOC_FAILS ?= 1
CLEANUP     ?= 0
STATUSES    ?= 2
SHAPE       ?= -1
# Eva bounds (smaller: Eva follows each choice as its own state; harness/README.md)
EVA_REQUESTS    ?= 2
EVA_CANCELS     ?= 1
EVA_KINDS       ?= 1
EVA_ALLOC_FAILS ?= 1
EVA_CLEANUP     ?= 0
EVA_STATUSES    ?= 2
# Eva runs each of the harness's 11 shapes (SHAPE=0..10) on its own and
# sums them; the explorer checks that the shapes add up to the harness.
# All at once, Eva had not finished after 29 minutes (harness/README.md, Eva).
# A shape of more than EVA_SPLIT_MAX explorer executions is split into
# prefixes of choices (with the cancel, 57,028 executions: 219 runs); the
# runs go two at a time.  At most 800, below Eva's 1000 states (slevel):
# at 1500 a run of 1,392 executions joined states, and Eva reported rule
# checks reachable that no execution reaches (harness/README.md, Eva).
EVA_SPLIT_SHAPES ?= 11
EVA_SPLIT_MAX    ?= 800
