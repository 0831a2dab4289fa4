#!/usr/bin/env bash
# Harness self-test: make the kernel emit a WARN and exit 0, so that only the
# harness's kernel log scan can turn this test into a failure.
# Uses lkdtm when the kernel has it, else the test-only warn_inject module
# (built by selftests/vm/selftest.sh). Exits 4 (skip) if it cannot inject.
set -euo pipefail

WARN_INJECT_KO=$TOP/build/vm/warn_inject/warn_inject.ko
LKDTM_DIRECT=/sys/kernel/debug/provoke-crash/DIRECT

if modprobe lkdtm 2>/dev/null && [[ -w $LKDTM_DIRECT ]]; then
	echo "injecting a WARN with lkdtm"
	echo WARNING >"$LKDTM_DIRECT"
	exit 0
fi

if [[ ! -f $WARN_INJECT_KO ]]; then
	echo "cannot inject: no lkdtm and $WARN_INJECT_KO is not built"
	exit 4
fi
echo "injecting a WARN with $WARN_INJECT_KO"
insmod "$WARN_INJECT_KO" || { echo "cannot inject: insmod failed"; exit 4; }
rmmod warn_inject
exit 0
