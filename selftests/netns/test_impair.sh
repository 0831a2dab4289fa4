#!/usr/bin/env bash
#
# Self-test of the link impairments: topo_loss (nftables random drop) and
# topo_rate (tc tbf).  There is no delay emulation: netem is not available
# on every host.

set -euo pipefail
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source-path=SCRIPTDIR/../.. source=selftests/lib/netns.sh
source "$TOP/selftests/lib/netns.sh"

topo_require nft tc iperf3 jq
topo_init

topo_link a b 10.0.0.1/30,fd00::1/64 10.0.0.2/30,fd00::2/64

# --- loss ------------------------------------------------------------------

topo_loss a eth0 100
assert_no_ping a 10.0.0.2
assert_no_ping a fd00::2
# Neighbour discovery is spared: b resolves a although a's echo replies
# are all lost.
topo_exec b ping -n -q -c 2 -i 0.2 -W 1 fd00::1 >/dev/null 2>&1 || true
resolved() {
	local entry
	entry=$(topo_exec b ip -6 neigh show fd00::1)
	[[ $entry =~ REACHABLE|STALE|DELAY|PROBE ]] || { echo "neighbour entry: '$entry'"; return 1; }
}
assert "neighbour discovery passes through 100% loss" resolved
topo_loss a eth0 0
assert_ping a 10.0.0.2 3
assert_ping a fd00::2 3

# 50% loss on 40 echo requests: the number of replies is binomial(40, .5),
# between 5 and 35 except once in about a million runs.
topo_loss a eth0 50
got=$(topo_exec a ping -n -q -c 40 -i 0.01 -W 1 10.0.0.2 | grep -o '[0-9]* received' | cut -d' ' -f1 || true)
if [[ $got =~ ^[0-9]+$ ]] && ((got >= 5 && got <= 35)); then
	pass "50% loss drops about half ($got/40 replies)"
else
	fail "50% loss drops about half" "got '$got' replies out of 40"
fi
topo_loss a eth0 0

# --- rate ------------------------------------------------------------------

topo_rate a eth0 20mbit
topo_bg b iperf3 -s -1 -B 10.0.0.2 >/dev/null 2>&1
iperf_up() { topo_exec b ss -Hltn "sport = :5201" | grep -q .; }
wait_for 5 iperf_up || fail "iperf3 server" "not listening"
if out=$(topo_exec a iperf3 -c 10.0.0.2 -t 2 -J 2>&1); then
	mbps=$(jq '.end.sum_received.bits_per_second / 1000000 | floor' <<<"$out")
	if ((mbps >= 10 && mbps <= 26)); then
		pass "20mbit tbf gives about 20 Mbit/s ($mbps)"
	else
		fail "20mbit tbf gives about 20 Mbit/s" "measured $mbps Mbit/s"
	fi
else
	fail "iperf3 through the rate limit" "$out"
fi

summary
