#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Path selection beyond the seed network: two nodes on one LAN behind the
# same NAT talk over their local addresses; UDP blocked at a node falls
# back to TCP over the meta connections; TCPOnly and IndirectData are
# honoured; broadcasts reach every node exactly once along the spanning
# tree.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
source "$TOP/selftests/lib/netns.sh"
source "$TOP/selftests/lib/meshvpnd.sh"

topo_init
mvd_init
topo_switch wan
topo_node hub wan 198.51.100.1/24
topo_node carol wan 198.51.100.3/24
topo_node dave wan 198.51.100.4/24
topo_node erin wan 198.51.100.5/24
topo_switch lan
topo_nat nat wan 198.51.100.11/24 lan 192.168.1.1/24
topo_node alice lan 192.168.1.2/24 --gw 192.168.1.1
topo_node bob lan 192.168.1.3/24 --gw 192.168.1.1

mvd_node hub 10.10.0.1
mvd_host hub "Address = 198.51.100.1"
mvd_node alice 10.10.0.2 "ConnectTo = hub"
mvd_node bob 10.10.0.3 "ConnectTo = hub"
mvd_node carol 10.10.0.4 "ConnectTo = hub"
mvd_host carol "TCPOnly = yes"
# With TCPOnly, auto keeps carol on the TUN path (every packet goes over TCP).
sed -i 's/^DataPlane = .*/DataPlane = auto/' "$MVD_DIR/carol/meshvpn.conf"
mvd_node dave 10.10.0.5 "ConnectTo = hub"
mvd_node erin 10.10.0.6 "ConnectTo = hub"
mvd_host erin "IndirectData = yes"
for n in alice bob carol dave erin; do
	mvd_share hub "$n"
	mvd_share "$n" hub
done
# dave's firewall lets TCP through but no UDP at all.
topo_exec dave nft -f - <<-NFT
	table inet mvtest {
		chain in { type filter hook input priority 0; iifname "eth0" meta l4proto udp drop; }
		chain out { type filter hook output priority 0; oifname "eth0" meta l4proto udp drop; }
	}
NFT

mvd_start hub
mvd_wait_ready hub
for n in alice bob carol dave erin; do
	mvd_start "$n"
done
for n in alice bob carol dave erin; do
	mvd_wait_ready "$n"
	mvd_wait_field 15 "$n" hub reachable true || fail "$n reaches the hub"
done
for n in bob carol dave erin; do
	mvd_wait_field 15 alice "$n" reachable true || fail "alice sees $n"
done

# Same LAN: the NAT does not loop packets back (no hairpinning), so only
# the local address candidate can work.
assert_ping alice 10.10.0.3 3 "alice pings bob on the same LAN"
if mvd_wait_field 10 alice bob path direct; then
	pass "alice and bob talk directly"
else
	fail "alice and bob talk directly" "$(mvd_ctl alice dump nodes)"
fi
assert "over bob's LAN address" \
	test "$(mvd_field alice bob endpoint)" = "192.168.1.3:655"

# No UDP at dave: alice still uses UDP to the hub, which relays over its
# meta connection to dave (the TCP fallback). On meshvpn.ko the hub's kernel
# hands dave's messages to its daemon, and dave's daemon hands them to its
# kernel.
assert_ping alice 10.10.0.5 3 "alice pings dave, who has no UDP"
assert "alice sends to dave through the hub" \
	test "$(mvd_field alice dave path)" = relay
assert "the hub's path to dave is tcp" test "$(mvd_field hub dave path)" = tcp
tcp=$(mvd_field hub dave tcp_packets)
assert "the hub sent dave's packets over TCP ($tcp)" test "${tcp:-0}" -ge 3

# TCPOnly at carol: nobody sends her UDP, although UDP would work.
if [[ ${MVD_DATAPLANE:-} == kernel ]]; then
	assert "carol (TCPOnly) chose the userspace data path" \
		mvd_logged carol "TCPOnly = yes: using the userspace data path"
	assert "alice's kernel hands carol's packets to alice's meshvpnd" \
		mvd_logged alice "meshvpn.ko: (added|updated) carol, next hop meshvpnd"
fi
assert_ping alice 10.10.0.4 3 "alice pings carol (TCPOnly)"
assert "alice's path to carol is tcp" test "$(mvd_field alice carol path)" = tcp
assert "alice never probed carol directly" \
	test "$(mvd_field alice carol direct)" = false

# IndirectData at erin: only her neighbour (the hub) sends to her directly.
assert_ping alice 10.10.0.6 3 "alice pings erin (IndirectData)"
assert "alice reaches erin through the hub" \
	test "$(mvd_field alice erin path)" = relay
assert "the hub talks to erin directly" \
	mvd_wait_field 10 hub erin path direct

# A broadcast from alice reaches every other node once. On meshvpn.ko the
# kernels hand broadcasts to their daemons, which send them on along the
# spanning tree through the kernels again.
for n in hub bob carol dave erin; do
	topo_udp_count "$n" "" 9999 8 1 >"$MVD_DIR/bcast.$n"
done
sleep 0.5
topo_exec alice "$MVD_PY" -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, sys.argv[1].encode())
s.sendto(b"hello mesh", ("255.255.255.255", 9999))
' "$MVD_IFACE"
for n in hub bob carol dave erin; do
	wait_for 12 test -s "$MVD_DIR/bcast.$n"
	assert "$n got alice's broadcast once" test "$(cat "$MVD_DIR/bcast.$n" 2>/dev/null)" = 1
done

summary
