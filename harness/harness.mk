# harness/harness.mk - the bounded model-checking harnesses (included by
# the top Makefile).
#
#   make harness            every harness in both back ends (the native
#                           exhaustive explorer with ASan+UBSan, and Frama-C
#                           Eva); writes build/report/engines/harness.json
#                           and build/report/engines/eva.json
#   make harness-explore    the explorer only
#   make harness-eva        Eva only, at the harnesses' EVA_* bounds (EVA_TIMEOUT=
#                           seconds per Eva run, default 300; EVA_JOBS runs at
#                           once, default one per processor; outcomes recorded
#                           in harness/eva-cache/, EVA_CACHE=off to re-run)
#   make harness-negative   the negative harnesses (also part of `make test`)
#
# Bounds: harness/<name>/bounds.mk; override per harness on the command
# line or in the environment, e.g.  make harness inflight_DEPTH=3

HARNESS_RUN := python3 harness/run.py --report $(REPORT)/engines

.PHONY: harness harness-explore harness-eva harness-negative
harness:
	@$(HARNESS_RUN) --engines explore,eva

harness-explore:
	@$(HARNESS_RUN) --engines explore

harness-eva:
	@$(HARNESS_RUN) --engines eva

harness-negative:
	@bash harness/negative_tests.sh

# make verify runs both back ends; each must pass and Eva must agree with the
# explorer run at Eva's bounds.
VERIFY_ENGINES += harness
TEST_SCRIPTS += harness/negative_tests.sh harness/test_eva_key.sh harness/test_eva_split.sh harness/test_eva_prefix.sh harness/test_configs.sh
