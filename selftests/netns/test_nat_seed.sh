#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The seed article's network (einstein public; hawking and penrose each
# behind its own NAT) with `plain` NAT routers on both sides: Linux routers
# that only masquerade (selftests/lib/nat.sh).  hawking and penrose must go
# direct and einstein must carry no ping after the switch.  Issue 16: a
# probe reaching the peer's router before the peer's own probe left made
# that router's conntrack hold the tuple its masquerade needed, and every
# ping went through einstein for ever.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
source "$TOP/selftests/lib/netns.sh"
source "$TOP/selftests/lib/nat.sh"
source "$TOP/selftests/lib/meshvpnd.sh"
source "$TOP/selftests/lib/seed.sh"

topo_init
mvd_init
nat_init
nat_site s1 public
nat_site s2 plain
nat_site s3 plain
nat_host einstein s1
nat_host hawking s2
nat_host penrose s3

seed_trio "${NAT_ADDR[einstein]}"
seed_start

if mvd_wait_field 15 hawking penrose reachable true; then
	pass "hawking sees penrose through einstein"
else
	fail "hawking sees penrose through einstein" "$(mvd_ctl hawking dump nodes)"
fi

relayed() {
	local a b
	a=$(mvd_field einstein penrose relayed_packets)
	b=$(mvd_field einstein hawking relayed_packets)
	echo $((${a:-0} + ${b:-0}))
}

out=$(topo_exec hawking ping -c 20 -i 0.2 -W 2 10.10.0.4 2>&1)
got=$(grep -c 'bytes from 10.10.0.4' <<<"$out")
if ((got >= 19)); then
	pass "hawking pings penrose ($got/20 replies, $(relayed) packets through einstein)"
else
	fail "hawking pings penrose ($got/20 replies)" "$out"
fi
for pair in "hawking penrose" "penrose hawking"; do
	read -r a b <<<"$pair"
	if mvd_wait_field 5 "$a" "$b" path direct; then
		pass "$a says $b is direct"
	else
		fail "$a says $b is direct" "$(mvd_ctl "$a" dump nodes)"
	fi
done

before=$(relayed)
assert_ping hawking 10.10.0.4 20 "20 more pings"
assert "einstein carried none of them ($before before, $(relayed) after)" \
	test "$(relayed)" = "$before"

summary
