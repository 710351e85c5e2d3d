# inflight harness bounds (override: make harness inflight_DEPTH=3)
DEPTH    ?= 4
REQUESTS ?= 2
CANCELS  ?= 1
