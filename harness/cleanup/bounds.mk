# cleanup harness bounds (override: make harness cleanup_DEPTH=3)
DEPTH       ?= 4
REQUESTS    ?= 2
CANCELS     ?= 0
KINDS       ?= 7
ALLOC_FAILS ?= 0
# Eva bounds (smaller: Eva follows each choice as its own state; harness/README.md)
EVA_DEPTH       ?= 1
EVA_REQUESTS    ?= 2
EVA_KINDS       ?= 4
EVA_ALLOC_FAILS ?= 0
# Eva in runs of at most this many explorer executions, two at a time
# (a prefix of choices each; harness/README.md, Eva): 48 s wall, 77 s whole
EVA_SPLIT_MAX   ?= 200
