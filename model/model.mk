# model/model.mk - the spin model (included by the top Makefile).
#
#   make model       runs spin's checker on the default configurations
#                    (model/verify.sh) and writes build/report/engines/spin.json
#   make model-lint  builds the model's own C with the project's warnings
#
# The seeded concurrency bugs run in the test suite (model/seeded_tests.sh).

MODEL_C := model/layers.c

VERIFY_ENGINES += model
TEST_SCRIPTS   += model/seeded_tests.sh

.PHONY: model model-lint
model-lint: $(BUILD)/model/layers.o

# pan.c itself is generated and built with -w (model/run.sh); layers.c is ours
$(BUILD)/model/layers.o: $(MODEL_C) model/layers.h $(HEADERS)
	@mkdir -p $(BUILD)/model
	$(CC) $(CSTD) $(WARN) -DIRPC_MAX_CPUS=3 $(INCLUDES) -Imodel -c $(MODEL_C) -o $@

model: $(BUILD)/model/layers.o
	@bash model/verify.sh
