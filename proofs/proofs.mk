# proofs/proofs.mk - WP proofs (issue 3), included by the top Makefile.
#
#   make proofs          every target of proofs/*/target.conf through the gate
#                        (proofs/gate.py); writes build/report/engines/wp.json;
#                        fails on any goal not proved, any dead code outside
#                        the violation reports, any goal count below its record
#   make proofs-records  re-records each target's goal count (after review)
#   make proofs-seeded   the seeded-bug tests (proofs/seeded.py)
#   make proofs-assumptions  ASSUMPTIONS.md lists every assumption
#   make proofs-nocache  every target from scratch: no cache read or written
#   make proofs-cost     where the provers' time went (proofs/cost.py, reads the cache)
#
# Cache: proofs/cache/<hash of tool versions>/ (see proofs/gate.py).
# goals/<target>/ holds WP's per-goal prover results, keyed by WP on the
# text of each prover task; targets/<target>.json holds the facts of the
# target's last fully proved run, keyed on the tool versions, the command
# line and the preprocessed sources: with unchanged inputs frama-c is not
# run again.  A miss runs frama-c and the provers; a goal the provers do
# not prove fails the gate, cached or not.

.PHONY: proofs proofs-records proofs-seeded proofs-assumptions proofs-nocache proofs-cost

proofs:
	@mkdir -p $(REPORT)/engines
	@python3 proofs/gate.py --report $(REPORT)/engines/wp.json

proofs-records:
	@python3 proofs/gate.py --update-records

proofs-nocache:
	@mkdir -p $(REPORT)/engines
	@python3 proofs/gate.py --no-cache --report $(REPORT)/engines/wp.json

proofs-cost:
	@python3 proofs/cost.py

proofs-seeded:
	@python3 proofs/seeded.py

proofs-assumptions:
	@python3 proofs/test_assumptions.py

VERIFY_ENGINES += proofs
TEST_SCRIPTS += proofs/test_assumptions.sh proofs/test_assumptions_fails.sh proofs/seeded.sh proofs/test_gate.sh \
                proofs/eacsl/test_gen.sh
