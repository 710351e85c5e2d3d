# tests/audit/audit.mk - `irpcheck audit` fixtures (included by the top Makefile).
TEST_SCRIPTS += tests/audit/run.sh
