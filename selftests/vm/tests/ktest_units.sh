#!/usr/bin/env bash
# vm-timeout: 600
# In-kernel unit tests of the route table and the replay window: loads
# build/vm/ktest/meshvpn_ktest.ko (built by selftests/vm/ktest/build.sh),
# which runs every test at load time and logs "meshvpn_ktest: ok NAME" or
# "meshvpn_ktest: not ok NAME" per test and "meshvpn_ktest: N passed,
# N failed" at the end. Fails on a missing summary, any failure, or a module
# older than the sources it was built from.
set -euo pipefail

TOP=${TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)}
KO=$TOP/build/vm/ktest/meshvpn_ktest.ko
SOURCES=("$TOP"/kmod/route.[ch] "$TOP"/kmod/replay.[ch] "$TOP"/include/meshvpn/wire.h
	"$TOP"/selftests/vm/ktest/meshvpn_ktest.c)

fail() { echo "FAIL: $*" >&2; exit 1; }

[[ -f $KO ]] || fail "$KO missing: run selftests/vm/ktest/build.sh"
for f in "${SOURCES[@]}"; do
	[[ $KO -nt $f ]] || fail "$KO is older than $f: run selftests/vm/ktest/build.sh"
done

tmp=$(mktemp -d)
cleanup() {
	rmmod meshvpn_ktest 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

# The harness reads and clears the kernel log after each test, so only mark
# where this load starts; the module's lines come after the marker.
marker="ktest_units: start $$ $RANDOM"
echo "$marker" >/dev/kmsg
cp "$KO" "$tmp/"
insmod "$tmp/meshvpn_ktest.ko" || fail "insmod meshvpn_ktest.ko"

log=$(dmesg | sed -n "/$marker/,\$p" | grep -o 'meshvpn_ktest: .*' || true)
echo "$log"
summary=$(grep -E '^meshvpn_ktest: [0-9]+ passed, [0-9]+ failed$' <<<"$log" || true)
[[ -n $summary ]] || fail "no summary line from meshvpn_ktest"
rmmod meshvpn_ktest || fail "rmmod meshvpn_ktest"

if grep -q '^meshvpn_ktest: not ok ' <<<"$log"; then
	fail "$(grep -c '^meshvpn_ktest: not ok ' <<<"$log") unit test(s) failed"
fi
[[ $summary =~ ([0-9]+)\ passed,\ ([0-9]+)\ failed ]]
[[ ${BASH_REMATCH[2]} -eq 0 ]] || fail "$summary"
[[ ${BASH_REMATCH[1]} -gt 0 ]] || fail "no unit test ran"
[[ $(grep -c '^meshvpn_ktest: ok ' <<<"$log") -eq ${BASH_REMATCH[1]} ]] ||
	fail "the number of ok lines does not match: $summary"
echo "ok: $summary"
