#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The article's chain (selftests/lib/seed.sh, chain_build): sakharov joins
# curie, curie talks to einstein, hawking (behind a NAT) knows einstein
# only.  hawking's first pings to sakharov travel through both hubs, then
# the two edges go direct and the hubs step out of the way.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
source "$TOP/selftests/lib/netns.sh"
source "$TOP/selftests/lib/meshvpnd.sh"
source "$TOP/selftests/lib/seed.sh"

topo_init
mvd_init
chain_build

mvd_start einstein
mvd_wait_ready einstein
mvd_start curie
mvd_wait_ready curie
mvd_start hawking
mvd_start sakharov
mvd_wait_ready hawking
mvd_wait_ready sakharov

if mvd_wait_field 15 hawking sakharov reachable true; then
	pass "hawking sees sakharov through einstein and curie"
else
	fail "hawking sees sakharov through einstein and curie" "$(mvd_ctl hawking dump nodes)"
fi
assert "sakharov sees hawking" mvd_wait_field 5 sakharov hawking reachable true
assert "sakharov's key came from the graph at hawking" \
	test "$(mvd_field hawking sakharov key_source)" = graph
assert "hawking's key came from the graph at sakharov" \
	test "$(mvd_field sakharov hawking key_source)" = graph
assert "hawking learned sakharov's key from einstein" \
	mvd_logged hawking "Learned the key of sakharov from einstein"
assert "hawking's next hop to sakharov is einstein" \
	test "$(mvd_field hawking sakharov nexthop)" = einstein
assert "sakharov's next hop to hawking is curie" \
	test "$(mvd_field sakharov hawking nexthop)" = curie

# The hops of the relay path are direct UDP paths, so the first packets
# are relayed over UDP by the hubs (not carried over TCP).
assert "hawking-einstein is direct" mvd_wait_field 10 hawking einstein path direct
assert "einstein-curie is direct" mvd_wait_field 10 einstein curie path direct
assert "curie-sakharov is direct" mvd_wait_field 10 curie sakharov path direct
assert "before any traffic, hawking's path to sakharov is a relay" \
	test "$(mvd_field hawking sakharov path)" = relay
assert "... via einstein" test "$(mvd_field hawking sakharov via)" = einstein
assert "before any traffic, sakharov's path to hawking is a relay via curie" \
	test "$(mvd_field sakharov hawking path)/$(mvd_field sakharov hawking via)" = relay/curie

# Relayed packets of the hawking<->sakharov traffic at one hub.
relayed() {
	mvd_sum "$1" relayed_packets hawking sakharov
}

e0=$(relayed einstein)
c0=$(relayed curie)
out=$(topo_exec hawking ping -n -c 10 -i 0.5 -W 2 10.10.0.6 2>&1)
got=$(grep -c 'bytes from 10.10.0.6' <<<"$out")
if ((got >= 9)); then
	pass "hawking pings sakharov ($got/10 replies)"
else
	fail "hawking pings sakharov ($got/10 replies)" "$out"
fi
e1=$(relayed einstein)
c1=$(relayed curie)
if ((e1 > e0)); then
	pass "the first packets went through einstein ($((e1 - e0)) relayed)"
elif [[ ${MVD_DATAPLANE:-} == kernel ]]; then
	# meshvpn.ko holds a node's first packets until its session is
	# installed; under emulation the probes may have made the path
	# direct by then, so nothing is left to relay.
	skip "the first packets went through einstein" "direct at once on meshvpn.ko"
else
	fail "the first packets went through einstein ($((e1 - e0)) relayed)" \
		"$(mvd_ctl einstein dump nodes)"
fi
if ((c1 > c0)); then
	pass "the first packets went through curie ($((c1 - c0)) relayed)"
elif [[ ${MVD_DATAPLANE:-} == kernel ]]; then
	# meshvpn.ko holds a node's first packets until its session is
	# installed; under emulation the probes may have made the path
	# direct by then, so nothing is left to relay.
	skip "the first packets went through curie" "direct at once on meshvpn.ko"
else
	fail "the first packets went through curie ($((c1 - c0)) relayed)" \
		"$(mvd_ctl curie dump nodes)"
fi
# 10 pings are 20 packets; a relayed ping costs a hub two of them.
if ((e1 - e0 <= 8 && c1 - c0 <= 8)); then
	pass "at most 4 of the 10 pings were relayed"
else
	fail "at most 4 of the 10 pings were relayed" \
		"einstein relayed $((e1 - e0)), curie relayed $((c1 - c0))"
fi

assert "hawking says sakharov is direct" \
	mvd_wait_field 5 hawking sakharov path direct
assert "sakharov says hawking is direct" \
	mvd_wait_field 5 sakharov hawking path direct
assert "hawking logged the direct path to sakharov" \
	mvd_logged hawking "Direct path to sakharov via 198\.51\.100\.13 port [0-9]+"
assert "sakharov logged the direct path to hawking" \
	mvd_logged sakharov "Direct path to hawking via 198\.51\.100\.11 port [0-9]+"

e0=$(relayed einstein)
c0=$(relayed curie)
assert_ping hawking 10.10.0.6 10 "more pings hawking -> sakharov, direct"
assert_ping sakharov 10.10.0.3 5 "pings sakharov -> hawking, direct"
assert "einstein's relay counters stopped growing" test "$(relayed einstein)" = "$e0"
assert "curie's relay counters stopped growing" test "$(relayed curie)" = "$c0"
assert "the data went straight: hawking sent to and got from sakharov" \
	test "$(mvd_field hawking sakharov tx_packets)" -ge 15 -a \
	"$(mvd_field hawking sakharov rx_packets)" -ge 15

summary
