#!/usr/bin/env bash
# Eva one prefix of choices at a time: the runs cover every execution, and
# the check fails when one is left out (harness/test_eva_prefix.py).
exec python3 "$(dirname "$0")/test_eva_prefix.py"
