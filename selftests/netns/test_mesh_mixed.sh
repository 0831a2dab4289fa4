#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# A mesh mixing data paths: einstein and penrose on meshvpn.ko, hawking on
# the userspace TUN path. One wire format: hawking reaches penrose through
# einstein's kernel relay first, then directly, and einstein's daemon never
# sees their data packets. Needs meshvpn.ko (the VM suite).
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
source "$TOP/selftests/lib/netns.sh"
source "$TOP/selftests/lib/meshvpnd.sh"

[[ -d /sys/module/meshvpn ]] || skip_all "meshvpn.ko is not loaded"
# Each node says its own data plane here.
unset MVD_DATAPLANE

topo_init
mvd_init
topo_switch wan
topo_node einstein wan 198.51.100.1/24
topo_switch lan1
topo_nat nat1 wan 198.51.100.11/24 lan1 192.168.1.1/24
topo_node hawking lan1 192.168.1.2/24 --gw 192.168.1.1
topo_switch lan2
topo_nat nat2 wan 198.51.100.12/24 lan2 192.168.2.1/24
topo_node penrose lan2 192.168.2.2/24 --gw 192.168.2.1

mvd_node einstein 10.10.0.1 "DataPlane = kernel" "Interface = mv0"
mvd_host einstein "Address = 198.51.100.1"
mvd_node hawking 10.10.0.3 "ConnectTo = einstein" "DataPlane = userspace" \
	"Interface = tun0"
mvd_node penrose 10.10.0.4 "ConnectTo = einstein" "DataPlane = kernel" \
	"Interface = mv0"
mvd_share einstein hawking penrose
mvd_share hawking einstein
mvd_share penrose einstein
for n in einstein hawking penrose; do
	mvd_start "$n"
done
for n in einstein hawking penrose; do
	mvd_wait_ready "$n"
done
mvd_wait_field 20 hawking penrose reachable true ||
	fail "hawking sees penrose" "$(mvd_ctl hawking dump nodes)"

assert "einstein runs on meshvpn.ko" \
	test "$(mvd_field einstein hawking dataplane)" = kernel
assert "hawking runs in userspace" \
	test "$(mvd_field hawking penrose dataplane)" = userspace
assert "penrose runs on meshvpn.ko" \
	test "$(mvd_field penrose hawking dataplane)" = kernel
assert "the kernel reports its device" topo_exec penrose ip link show mv0

assert_ping hawking 10.10.0.4 6 "userspace hawking pings kernel penrose"
relayed=$(($(mvd_field einstein penrose relayed_packets) + $(mvd_field einstein hawking relayed_packets)))
assert "einstein's kernel relayed the first packets ($relayed)" test "$relayed" -ge 1
assert "einstein's daemon saw none of them" \
	test "$(mvd_field einstein penrose daemon_relayed_packets)$(mvd_field einstein hawking daemon_relayed_packets)" = 00
assert "then hawking and penrose talk directly" \
	mvd_wait_field 10 hawking penrose path direct
assert "both ways" mvd_wait_field 10 penrose hawking path direct
before=$relayed
assert_ping penrose 10.10.0.3 5 "kernel penrose pings userspace hawking, direct"
after=$(($(mvd_field einstein penrose relayed_packets) + $(mvd_field einstein hawking relayed_packets)))
assert "einstein relays no more ($before then $after)" test "$after" = "$before"
rx=$(mvd_field penrose hawking rx_packets)
assert "penrose's kernel counted hawking's packets ($rx)" test "${rx:-0}" -ge 5

summary
