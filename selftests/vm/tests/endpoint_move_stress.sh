#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Endpoint moves under traffic (kmod/node.c, meshvpn_node_set_endpoint()).
# B relays for nodes it finds by their endpoint, in a hash table walked
# under RCU only. Node 1 roams between two ports of 10.0.1.1, moving on
# every authenticated keepalive, while up to twelve other nodes whose endpoints
# hash into the same two buckets ask B to relay messages to C. An entry
# re-linked into another bucket without a grace period leads a reader that
# stands on it into the wrong chain, where it misses the node it looks for:
# every relay request must be relayed, and the kernel must log no warning
# (the VM's kernel has no KASAN or lockdep; the harness fails the test on
# any WARNING, BUG or list corruption report).
# vm-timeout: 400
source "$TOP/selftests/vm/lib/mesh.sh"

SECS=20
mesh_ns a
mesh_ns b
mesh_ns c
mesh_veth a b 10.0.1.1/24 10.0.1.2/24
mesh_veth c b 10.0.2.3/24 10.0.2.2/24
mesh_link b 2 655
mesh_link c 3 655

# Ports of 10.0.1.1 whose endpoints share B's buckets: the mover's two,
# then up to six neighbours in each of their buckets (meshvpn_endpoint_hash()
# and the hashtable's hash_32() with 12 bits, on a little-endian guest).
read -r P1 P2 NEIGHBOURS < <(mesh_py - <<'PY'
import socket
M = 0xffffffff
def rol(x, k):
    return ((x << k) | (x >> (32 - k))) & M
def jhash_2words(a, b, initval):
    a = (a + initval + 0xdeadbeef + 8) & M
    b = (b + initval + 0xdeadbeef + 8) & M
    c = (initval + 0xdeadbeef + 8) & M
    c ^= b; c = (c - rol(b, 14)) & M
    a ^= c; a = (a - rol(c, 11)) & M
    b ^= a; b = (b - rol(a, 25)) & M
    c ^= b; c = (c - rol(b, 16)) & M
    a ^= c; a = (a - rol(c, 4)) & M
    b ^= a; b = (b - rol(a, 14)) & M
    c ^= b; c = (c - rol(b, 24)) & M
    return c
def bucket(port):
    addr = int.from_bytes(socket.inet_aton("10.0.1.1"), "little")
    be_port = int.from_bytes(port.to_bytes(2, "big"), "little")
    return ((jhash_2words(addr, be_port, 0) * 0x61C88647) & M) >> 20
p1, p2 = 20001, 20002
want = {bucket(p1): [], bucket(p2): []}
for port in range(10000, 65536):
    b = bucket(port)
    if port not in (p1, p2) and b in want and len(want[b]) < 6:
        want[b].append(port)
print(p1, p2, ",".join(str(x) for v in want.values() for x in v))
PY
)
echo "mover ports $P1 $P2, neighbours $NEIGHBOURS"

key=$(mesh_random_key)
echo "$key" >/tmp/ems.key
mvx b node add mv0 3 endpoint 10.0.2.3:655
i=0
for port in ${NEIGHBOURS//,/ }; do
	mvx b node add mv0 $((0x100 + i)) endpoint "10.0.1.1:$port"
	i=$((i + 1))
done
# The mover last: at the head of its bucket, in front of its neighbours.
mvx b node add mv0 1 endpoint "10.0.1.1:$P1"
mvx b key add mv0 1 slot current cipher chacha20-poly1305 phase 0 \
	tx-key /tmp/ems.key rx-key /tmp/ems.key
rm -f /tmp/ems.key

mesh_step "node 1 roams while its bucket neighbours are relayed, ${SECS}s"
mesh_nspy a - "$key" "$P1" "$P2" "$SECS" >/tmp/ems_mover.out <<'PY' &
import socket, sys, time, mvpkt as p
key, ports, secs = sys.argv[1], (int(sys.argv[2]), int(sys.argv[3])), int(sys.argv[4])
socks = []
for port in ports:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("10.0.1.1", port))
    socks.append(s)
end = time.monotonic() + secs
n = 0
while time.monotonic() < end:
    n += 1
    socks[n & 1].sendto(p.seal("chacha20-poly1305", key, 2, 1, n, b""), ("10.0.1.2", 655))
print(n)
PY
MOVER=$!
mesh_nspy a - "$NEIGHBOURS" "$SECS" >/tmp/ems_relay.out <<'PY'
import socket, sys, time, mvpkt as p
ports, secs = [int(x) for x in sys.argv[1].split(",")], int(sys.argv[2])
socks = []
for port in ports:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("10.0.1.1", port))
    socks.append(s)
body = p.random_bytes(32)
end = time.monotonic() + secs
n = 0
while time.monotonic() < end:
    for i, s in enumerate(socks):
        n += 1
        s.sendto(p.hdr(p.DATA, 3, 0x100 + i, n) + body, ("10.0.1.2", 655))
print(n)
PY
wait $MOVER
moves=$(cat /tmp/ems_mover.out)
sent=$(cat /tmp/ems_relay.out)
sleep 1
relayed=$(mesh_counter b 3 relay_packets)
echo "keepalives (each a move) $moves, relay requests $sent, relayed $relayed," \
	"B rx_dropped $(mesh_dev_stat b mv0 rx.dropped)"
check_true "node 1 moved hundreds of times" test "$moves" -ge 500
check_eq "every relay request was relayed" "$relayed" "$sent"
rm -f /tmp/ems_mover.out /tmp/ems_relay.out
mesh_done
