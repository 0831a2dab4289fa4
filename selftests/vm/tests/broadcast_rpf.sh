#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Reverse path check of broadcasts along the spanning tree (Documentation/
# protocol.md section 6): a broadcast or multicast whose inner source
# belongs to node X is delivered only when it comes from the node given as
# X's broadcast-via (by default X itself). A member must not flood a
# broadcast in another member's name, which the same unicast could not do.
# B knows A (1, with a session) and C (3); A sends B broadcasts with its own
# source and with C's.
# vm-timeout: 300
source "$TOP/selftests/vm/lib/mesh.sh"

mesh_pair
mvx b node add mv0 3 endpoint 10.0.0.3:655
mvx b route add mv0 10.10.0.3/32 node 3
mesh_keys a 1 b 2 chacha20-poly1305
COUNTER=1000

# bcast SRC: one broadcast from inner source SRC, sealed by A for B.
bcast() {
	COUNTER=$((COUNTER + 1))
	mesh_nspy a - "$MESH_K12" "$1" "$COUNTER" <<'PY'
import socket, struct, sys, mvpkt as p
key, src, counter = sys.argv[1], sys.argv[2], int(sys.argv[3])
payload = b"bcast"
udp = struct.pack(">HHHH", 9999, 9999, 8 + len(payload), 0) + payload
hdr = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0,
                  socket.inet_aton(src), socket.inet_aton("255.255.255.255"))
hdr = hdr[:10] + struct.pack(">H", p.csum(hdr)) + hdr[12:]
p.send_spoofed([p.seal("chacha20-poly1305", key, 2, 1, counter, hdr + udp)],
               "10.0.0.2", 655, 655)
PY
	sleep 0.5
}
# via ID: set node 3's broadcast-via on B; prints the error, if any.
via() {
	mesh_nspy b - "$1" <<'PY'
import sys, mvnl
g = mvnl.Genl()
err, text = g.try_do(mvnl.CMD_NODE_SET, mvnl.ifidx("mv0"),
                     mvnl.node_attrs(3, broadcast_via=int(sys.argv[1], 0)))
print("%d %s" % (err, text) if err else "0")
PY
}

mesh_step "a broadcast from A's own address is delivered"
bcast 10.10.0.1
check_eq "B rx_packets, rx_rpf_drops from A" \
	"$(mesh_counters b 1 rx_packets rx_rpf_drops)" "1 0"

mesh_step "a broadcast from A in C's name is dropped"
bcast 10.10.0.3
check_eq "B rx_packets, rx_rpf_drops from A" \
	"$(mesh_counters b 1 rx_packets rx_rpf_drops)" "1 1"

mesh_step "with C's broadcasts coming through A (broadcast-via 1) it is delivered"
check_eq "node-set broadcast-via 1" "$(via 1)" 0
check_eq "node 3's broadcast-via" "$(mesh_nspy b -c '
import mvnl
g = mvnl.Genl()
print(mvnl.node_info(mvnl.parse(g.do(mvnl.CMD_NODE_GET, mvnl.ifidx("mv0"), mvnl.node_attrs(3))[0][4:]))["broadcast_via"])')" 1
bcast 10.10.0.3
check_eq "B rx_packets, rx_rpf_drops from A" \
	"$(mesh_counters b 1 rx_packets rx_rpf_drops)" "2 1"
bcast 10.10.0.1
check_eq "... and A's own still is" \
	"$(mesh_counters b 1 rx_packets rx_rpf_drops)" "3 1"

mesh_step "broadcast-via must name a known node"
check_true "broadcast-via 0x77 refused with a reason" \
	eval '[[ $(via 0x77) == "2 "*"neither this node nor a known node"* ]]'
mesh_done
