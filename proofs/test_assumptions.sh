#!/usr/bin/env bash
# Fails when spec/ or src/ holds an assumption proofs/ASSUMPTIONS.md lacks.
exec python3 "$(dirname "$0")/test_assumptions.py"
