# cleanup harness bounds (override: make harness cleanup_DEPTH=3)
DEPTH    ?= 4
REQUESTS ?= 2
CANCELS  ?= 0
