# irpcheck - top-level build.
#
#   make test     the test suite (plain gcc, gcc with ASan+UBSan, clang), then
#                 every engine's seeded-bug tests; ends with "N passed, N failed"
#   make verify   installs missing tools, runs every engine (VERIFY_JOBS=2 at
#                 a time), writes build/report/results.json and prints the
#                 summary table
#
# Each engine lives in its own folder and adds its targets through a .mk
# file included below: it appends its verify target to VERIFY_ENGINES and
# its test scripts (each ends with an "N passed, N failed" line) to
# TEST_SCRIPTS.

CC       ?= gcc
CSTD     := -std=c11
WARN     := -Wall -Wextra -Werror
INCLUDES := -Isrc/include -Isrc -Isrc/drivers
BUILD    := build
REPORT   := $(BUILD)/report

CORE_SRC    := src/irpc_core.c src/iomgr.c src/ke.c
PRINT_SRC   := src/irpc_print.c
DRIVER_SRC  := $(wildcard src/drivers/*.c)
TEST_SRC    := $(wildcard tests/*.c)
ALL_SRC     := $(CORE_SRC) $(PRINT_SRC) $(DRIVER_SRC)
HEADERS     := $(wildcard src/include/*.h src/include/*.def src/*.h src/drivers/*.h tests/*.h)

SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

VERIFY_ENGINES :=
# engines run side by side, each one's output printed when it ends
VERIFY_JOBS    ?= 2
# the longest engines start first
VERIFY_FIRST   := mutants model
TEST_SCRIPTS   := tests/suite.sh tests/warnings.sh tests/frame_last_field.sh

.PHONY: all test verify tools report clean
all: $(BUILD)/tests $(BUILD)/tests_asan $(BUILD)/tests_clang

$(BUILD)/tests: $(ALL_SRC) $(TEST_SRC) $(HEADERS)
	@mkdir -p $(BUILD)
	gcc $(CSTD) $(WARN) -g -O1 $(INCLUDES) $(ALL_SRC) $(TEST_SRC) -o $@

$(BUILD)/tests_asan: $(ALL_SRC) $(TEST_SRC) $(HEADERS)
	@mkdir -p $(BUILD)
	gcc $(CSTD) $(WARN) -g -O1 $(SAN) $(INCLUDES) $(ALL_SRC) $(TEST_SRC) -o $@

$(BUILD)/tests_clang: $(ALL_SRC) $(TEST_SRC) $(HEADERS)
	@mkdir -p $(BUILD)
	clang $(CSTD) $(WARN) -g -O1 $(INCLUDES) $(ALL_SRC) $(TEST_SRC) -o $@

-include proofs/proofs.mk
-include harness/harness.mk
-include model/model.mk
-include tests/audit/audit.mk
-include proofs/eacsl/eacsl.mk
-include tests/mutants/mutants.mk

test: all
	@bash tests/run_all.sh $(TEST_SCRIPTS)

tools:
	@bash bin/irpc-install-tools

verify: tools all
	@mkdir -p $(REPORT)/engines
	@rm -f $(REPORT)/engines/*.json
	@bash tests/suite.sh --report $(REPORT)/engines/tests.json >/dev/null || true
	@status=0; $(MAKE) --no-print-directory -k -j$(VERIFY_JOBS) --output-sync=target \
	    $(filter $(VERIFY_FIRST),$(VERIFY_ENGINES)) $(filter-out $(VERIFY_FIRST),$(VERIFY_ENGINES)) || status=1; \
	  python3 bin/irpc-report --out $(REPORT) || status=1; exit $$status

report:
	@python3 bin/irpc-report --out $(REPORT)

clean:
	rm -rf $(BUILD)
