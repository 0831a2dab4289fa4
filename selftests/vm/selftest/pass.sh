#!/usr/bin/env bash
# Harness self-test: a clean test. Run after inject_warn, it must still pass,
# proving that kernel log lines are attributed to the test that caused them.
set -euo pipefail
[[ -n ${TOP:-} && $PWD == "$TOP" ]] || { echo "cwd/TOP wrong: PWD=$PWD TOP=${TOP:-}"; exit 1; }
echo "clean test in $(uname -r)"
