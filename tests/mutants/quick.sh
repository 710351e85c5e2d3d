#!/usr/bin/env bash
# tests/mutants/quick.sh - the quick subset of the mutant matrix for
# `make test`: the runtime engine on every mutant and on the unmodified
# tree.  A mutant passes when the runtime engine reports its expected rule;
# mutants marked `# blind: runtime` are listed as skipped.  Ends with
# "N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
exec python3 tests/mutants/run.py --quick --jobs "${MUTANTS_JOBS:-$(nproc 2>/dev/null || echo 2)}"
