# tests/mutants/mutants.mk - the seeded-bug (mutant) kill matrix (included
# by the top Makefile).
#
#   make mutants        every engine of tests/mutants/engines/ (runtime,
#                       e-acsl, explorer, eva, spin, wp)
#                       on every mutant and on the unmodified tree, with
#                       every check enforced (each mutant caught with its
#                       rule, P1-P3 mutants by two engines, nothing on the
#                       unmodified tree); prints the matrix and writes
#                       build/report/engines/mutants.json.  Part of
#                       `make verify`.
#   make mutants-quick  the runtime engine only (tests/mutants/quick.sh,
#                       part of `make test`)
#
#   MUTANTS_JOBS=N      parallel engine runs (default: processors)

MUTANTS_JOBS ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: mutants mutants-quick
mutants:
	@mkdir -p $(REPORT)/engines
	@python3 tests/mutants/run.py --jobs $(MUTANTS_JOBS) --require-two \
	  --json $(REPORT)/engines/mutants.json

mutants-quick:
	@bash tests/mutants/quick.sh

TEST_SCRIPTS += tests/mutants/quick.sh tests/mutants/strict_apply.sh tests/mutants/test_wp_judge.sh
VERIFY_ENGINES += mutants
