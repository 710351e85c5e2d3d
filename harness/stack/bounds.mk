# stack harness bounds (override: make harness stack_DEPTH=5)
DEPTH    ?= 4
REQUESTS ?= 2
