# inflight harness bounds (override: make harness inflight_DEPTH=3)
DEPTH       ?= 4
REQUESTS    ?= 2
CANCELS     ?= 1
ALLOC_FAILS ?= 2
# Eva bounds (smaller: Eva follows each choice as its own state; harness/README.md)
EVA_DEPTH       ?= 1
EVA_REQUESTS    ?= 2
EVA_CANCELS     ?= 1
EVA_ALLOC_FAILS ?= 0
