# proofs/proofs.mk - WP proofs (issue 3), included by the top Makefile.
#
#   make proofs          every target of proofs/*/target.conf through the gate
#                        (proofs/gate.py); writes build/report/engines/wp.json;
#                        fails on any goal not proved, any dead code outside
#                        the violation reports, any goal count below its record
#   make proofs-records  re-records each target's goal count (after review)
#   make proofs-seeded   the seeded-bug tests (proofs/seeded.py)
#   make proofs-assumptions  ASSUMPTIONS.md lists every assumption
#
# Prover results are cached in proofs/cache/<hash of tool versions>; a miss
# runs the provers.

.PHONY: proofs proofs-records proofs-seeded proofs-assumptions

proofs:
	@mkdir -p $(REPORT)/engines
	@python3 proofs/gate.py --report $(REPORT)/engines/wp.json

proofs-records:
	@python3 proofs/gate.py --update-records

proofs-seeded:
	@python3 proofs/seeded.py

proofs-assumptions:
	@python3 proofs/test_assumptions.py

VERIFY_ENGINES += proofs
TEST_SCRIPTS += proofs/test_assumptions.sh proofs/seeded.sh
