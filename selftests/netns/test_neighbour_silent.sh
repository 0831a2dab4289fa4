#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# A neighbour that vanishes without a word (power lost, cable pulled: no
# FIN, no RST, nothing at all) is declared lost independently of the
# session (ticket 15, failure detection): under traffic within PingTimeout
# of its direct path going silent, since the path's keepalives notice
# first and the meta connection is then checked at once rather than at its
# next PING a PingInterval later; idle within two PingIntervals.
#
#   alice 198.51.100.1  10.10.0.1   bob and carol ConnectTo alice
#   bob   198.51.100.2  10.10.0.2   all with PingInterval 6, PingTimeout 3
#   carol 198.51.100.3  10.10.0.3
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
source "$TOP/selftests/lib/netns.sh"
source "$TOP/selftests/lib/meshvpnd.sh"

topo_require nft
topo_init
mvd_init
topo_switch wan
topo_node alice wan 198.51.100.1/24
topo_node bob wan 198.51.100.2/24
topo_node carol wan 198.51.100.3/24
mvd_node alice 10.10.0.1 "PingInterval = 6" "PingTimeout = 3"
mvd_host alice "Address = 198.51.100.1"
mvd_node bob 10.10.0.2 "ConnectTo = alice" "PingInterval = 6" "PingTimeout = 3"
mvd_node carol 10.10.0.3 "ConnectTo = alice" "PingInterval = 6" "PingTimeout = 3"
mvd_share alice bob carol
mvd_share bob alice
mvd_share carol alice
for n in alice bob carol; do
	mvd_start "$n"
done
for n in alice bob carol; do
	mvd_wait_ready "$n"
done
assert "alice and bob go direct" mvd_wait_field 15 alice bob path direct
assert "alice and carol go direct" mvd_wait_field 15 alice carol path direct

# silence NODE: from now on nothing leaves or reaches NODE, and it tells
# nobody (its daemon runs on, cut off).
silence() {
	topo_exec "$1" nft -f - <<<'table inet silent {
		chain input { type filter hook input priority -300; policy drop; }
		chain output { type filter hook output priority -300; policy drop; }
	}'
}

# ---- under traffic ----

assert_ping alice 10.10.0.2 3 "alice pings bob"
topo_bg alice ping -n -q -i 0.1 -w 20 10.10.0.2 >/dev/null 2>&1
pinger=$!
sleep 1
mark=$(mvd_log_mark alice)
silence bob
start=$(date +%s%N)
# PingTimeout (3 s), plus one fast keepalive interval for the first miss
# to show, plus slack for a loaded machine; the meta connection's own PING
# alone would take up to PingInterval + PingTimeout (9 s).
if mvd_wait_log_since 5 alice "$mark" "Closing connection with bob .*: timed out \(no PONG\)"; then
	pass "under traffic, alice closes silent bob's meta connection within 5 s ($((($(date +%s%N) - start) / 1000000)) ms)"
else
	fail "under traffic, alice closes silent bob's meta connection within 5 s" \
		"$(grep -E "bob|PING|keepalive" "$(mvd_log alice)" | tail -n 25)"
fi
assert "... and has lost the direct path to bob" \
	mvd_wait_log_since 2 alice "$mark" "Lost the direct path to bob"
assert "... so bob is unreachable at alice" mvd_wait_field 3 alice bob reachable false
kill "$pinger" 2>/dev/null
wait "$pinger" 2>/dev/null

# ---- idle ----

mark=$(mvd_log_mark alice)
silence carol
start=$(date +%s%N)
# Two PingIntervals (6 s), plus slack.
if mvd_wait_field 13 alice carol reachable false; then
	pass "idle, silent carol is unreachable at alice within 2 PingIntervals ($((($(date +%s%N) - start) / 1000000)) ms)"
else
	fail "idle, silent carol is unreachable at alice within 2 PingIntervals" \
		"$(grep -E 'carol' "$(mvd_log alice)" | tail -n 8)"
fi

assert "alice is still running" mvd_alive alice
summary
