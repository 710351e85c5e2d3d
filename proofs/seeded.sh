#!/usr/bin/env bash
# The seeded-bug tests of the WP proofs; ends with "N passed, N failed".
exec python3 "$(dirname "$0")/seeded.py" "$@"
