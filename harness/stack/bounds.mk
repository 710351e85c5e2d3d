# stack harness bounds (override: make harness stack_DEPTH=5)
DEPTH       ?= 4
REQUESTS    ?= 2
KINDS       ?= 7
ALLOC_FAILS ?= 2
LIFE_REQUESTS ?= 1
# Eva bounds (smaller: Eva follows each choice as its own state; harness/README.md)
EVA_DEPTH       ?= 2
EVA_REQUESTS    ?= 1
EVA_KINDS       ?= 7
EVA_ALLOC_FAILS ?= 1
EVA_LIFE_REQUESTS ?= 0
# Eva in runs of at most this many explorer executions, two at a time
# (a prefix of choices each; harness/README.md, Eva): 33 s wall, 81 s whole
EVA_SPLIT_MAX   ?= 150
