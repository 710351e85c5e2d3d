# proofs/eacsl/eacsl.mk - the runtime checker generated from the ACSL spec
# by E-ACSL (included by the top Makefile).
#
#   make runtime-check   build it (proofs/eacsl/build.sh) and run it over the
#                        unit scenarios and the sample-driver scenarios to
#                        depth 2 (proofs/eacsl/run.sh); fails on any
#                        annotation E-ACSL cannot translate and on any
#                        violated clause; prints the instrumented/plain
#                        time ratio; writes build/report/engines/runtime-check.json

.PHONY: runtime-check
runtime-check:
	@mkdir -p $(REPORT)/engines
	@bash proofs/eacsl/run.sh --report $(REPORT)/engines/runtime-check.json

VERIFY_ENGINES += runtime-check
