#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The seed article's mesh (selftests/lib/seed.sh) with real meshvpnd
# daemons: keys vouched for by einstein, the first pings relayed and then
# direct through both NATs, a late second hub, and the hub's death not
# disturbing a direct path.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
source "$TOP/selftests/lib/netns.sh"
source "$TOP/selftests/lib/meshvpnd.sh"
source "$TOP/selftests/lib/seed.sh"

topo_init
mvd_init
seed_build

seed_start

if mvd_wait_field 15 hawking penrose reachable true; then
	pass "hawking sees penrose through einstein"
else
	fail "hawking sees penrose through einstein" "$(mvd_ctl hawking dump nodes)"
fi
assert "penrose's key came from the graph" \
	test "$(mvd_field hawking penrose key_source)" = graph
assert "hawking's key came from the graph at penrose" \
	test "$(mvd_field penrose hawking key_source)" = graph

relayed() {
	local a b
	a=$(mvd_field einstein penrose relayed_packets)
	b=$(mvd_field einstein hawking relayed_packets)
	echo $((${a:-0} + ${b:-0}))
}

before=$(relayed)
out=$(topo_exec hawking ping -c 8 -i 0.5 -W 2 10.10.0.4 2>&1)
got=$(grep -c 'bytes from 10.10.0.4' <<<"$out")
if ((got >= 7)); then
	pass "hawking pings penrose ($got/8 replies)"
else
	fail "hawking pings penrose ($got/8 replies)" "$out"
fi
used=$(($(relayed) - before))
# A relayed ping costs einstein two packets (request and reply).
if ((used <= 4)); then
	pass "at most 2 pings went through einstein ($used packets relayed)"
else
	fail "at most 2 pings went through einstein ($used packets relayed)"
fi
assert "hawking says penrose is direct" \
	test "$(mvd_field hawking penrose path)" = direct
assert "penrose says hawking is direct" \
	test "$(mvd_field penrose hawking path)" = direct

if [[ ${MVD_DATAPLANE:-} == kernel ]]; then
	assert "meshvpn.ko carries hawking's packets" \
		test "$(mvd_field hawking penrose dataplane)" = kernel
	assert "einstein's kernel relayed, its daemon saw no data packet" \
		test "$(mvd_field einstein penrose daemon_relayed_packets)" = 0
fi

before=$(relayed)
assert_ping hawking 10.10.0.4 5 "more pings, direct"
assert "einstein's relay counters stopped growing" test "$(relayed)" = "$before"

# newton comes up late; hawking is configured to connect to it and keeps
# retrying (SIGALRM makes it try now rather than after its backoff).
mvd_start newton
mvd_wait_ready newton
kill -ALRM "${MVD_PID[hawking]}"
if mvd_wait_field 20 hawking newton reachable true; then
	pass "newton, started late, is picked up by hawking"
else
	fail "newton, started late, is picked up by hawking" "$(mvd_ctl hawking dump connections)"
fi
assert "einstein learns about newton through hawking" \
	mvd_wait_field 10 einstein newton reachable true
assert_ping penrose 10.10.0.2 3 "penrose reaches newton, whom it never met"

# The hub goes away; the direct path does not need it.
mvd_kill einstein
assert_ping hawking 10.10.0.4 5 "hawking-penrose traffic survives einstein's death"
assert "still direct after einstein died" \
	test "$(mvd_field hawking penrose path)" = direct

summary
