#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Next hop "the daemon" (a node's next hop is the local node id): the kernel
# encrypts, hands each message to the daemon with msg-ntf on the "packets"
# group, and takes messages back with msg-inject, as meshvpnd does for its
# TCP fallback and TCPOnly nodes. msgpipe.py stands in for two daemons and
# their meta connection: a shell pipe from one namespace to another.
# - A and B, neighbours, talk only through their "daemons": pings arrive,
#   counted exactly, and no UDP message is sent between them.
# - A reaches C through B, whose kernel relays messages for C to its daemon.
# - Injection rules: only DATA, only for this node, only from a known node;
#   a replayed and a tampered message are dropped and counted.
# - Broadcasts: one sent on A's link is handed to A's daemon (packet-ntf);
#   the daemon sends it to B (packet-send), B delivers it and hands it to
#   its daemon too, saying it came from A. packet-send's rules, and the
#   reverse-path check for broadcasts (the source must be some node's).
#   Multicast (IPv4 and IPv6) takes the same way, but not from ::.
# - With no daemon listening, messages are dropped and counted.
# vm-timeout: 300
source "$TOP/selftests/vm/lib/mesh.sh"

N=5
mesh_ns a
mesh_ns b
mesh_ns c
mesh_veth a b 10.0.1.1/24 10.0.1.2/24
mesh_veth c b 10.0.2.3/24 10.0.2.2/24
mesh_link a 1 655 10.10.0.1/24
mesh_link b 2 655 10.10.0.2/24
mesh_link c 3 655 10.10.0.3/24

PIPES=()
# pipe FROM-NS TO-NS [DST]: carry FROM's daemon messages (for node DST) to TO.
pipe() {
	local log=/tmp/via_daemon.$1-$2
	ip netns exec "$1" env PYTHONPATH="$MESH_LIB" "$PY" -S "$MESH_LIB/msgpipe.py" \
		out mv0 ${3:-} 2>"$log.out" | tee "$log.msgs" |
		ip netns exec "$2" env PYTHONPATH="$MESH_LIB" "$PY" -S "$MESH_LIB/msgpipe.py" \
			in mv0 2>"$log.in" &
	PIPES+=("$log")
	mesh_wait_file "$log.out" ready 20 || mesh_fail "the pipe $1 -> $2 listens"
}
stop_pipes() {
	pkill -f "$MESH_LIB/msgpipe.py" || true
	wait 2>/dev/null || true
}

mesh_step "A and B talk through their daemons only"
mvx a node add mv0 2 endpoint 10.0.1.2:655 via 1
mvx b node add mv0 1 endpoint 10.0.1.1:655 via 2
mvx a route add mv0 10.10.0.2/32 node 2
mvx b route add mv0 10.10.0.1/32 node 1
mesh_keys a 1 b 2 chacha20-poly1305
mesh_nft_counters b "b_udp=udp dport 655"
mvx a link show mv0 | grep -q "next hop: *the daemon" ||
	mesh_fail "the tool shows the daemon as next hop"
pipe a b
pipe b a 1
expect_eq "replies A -> B" "$(mesh_ping a $N 10.10.0.2)" $N
declare -A A B C
mesh_snap A a
mesh_snap B b
check_eq "A with B: tx rx daemon_packets" \
	"${A[2:tx_packets]} ${A[2:rx_packets]} ${A[2:daemon_packets]} ${A[2:daemon_drops]}" "$N $N $N 0"
check_eq "B with A: tx rx daemon_packets" \
	"${B[1:tx_packets]} ${B[1:rx_packets]} ${B[1:daemon_packets]} ${B[1:daemon_drops]}" "$N $N $N 0"
check_eq "UDP messages that reached B" "$(mesh_nft_count b b_udp)" 0
check_eq "refused injections" "$(cat /tmp/via_daemon.*.in)" ""

mesh_step "A reaches C through B, whose kernel hands C's messages to its daemon"
mvx b node add mv0 3 endpoint 10.0.2.3:655 via 2
mvx a node add mv0 3 via 2
mvx c node add mv0 2 endpoint 10.0.2.2:655
mvx c node add mv0 1 via 2
mesh_keys a 1 c 3 aes-256-gcm
mvx a route add mv0 10.10.0.3/32 node 3
mvx c route add mv0 10.10.0.1/32 node 1
pipe b c 3
expect_eq "replies A -> C" "$(mesh_ping a $N 10.10.0.3)" $N
mesh_snap B b
mesh_snap C c
check_eq "B towards C: relay_packets daemon_packets" \
	"${B[3:relay_packets]} ${B[3:daemon_packets]}" "$N $N"
check_eq "B towards A: relay_packets daemon_packets" \
	"${B[1:relay_packets]} ${B[1:daemon_packets]}" "$N $((2 * N))"
check_eq "C with A: rx tx" "${C[1:rx_packets]} ${C[1:tx_packets]}" "$N $N"
check_eq "B's own traffic with C" "${B[3:rx_packets]} ${B[3:tx_packets]}" "0 0"

mesh_step "injection rules"
FIRST=$(head -n1 /tmp/via_daemon.b-c.msgs)
mesh_nspy c - "$FIRST" <<'PY'
import sys, mvnl, mvpkt as p
g = mvnl.Genl()
first = bytes.fromhex(sys.argv[1])
def inject(what, msg, want_errno, want_msg):
    err, text = g.try_do(mvnl.CMD_MSG_INJECT, mvnl.ifidx("mv0"),
                         mvnl.attr(mvnl.A_MSG, msg))
    if err not in want_errno or want_msg not in text:
        sys.exit("%s: got %d %r, want %d %r" % (what, err, text, want_errno, want_msg))
inject("a SESSION message", p.hdr(p.SESSION, 3, 1) + b"x" * 40, (95,),
       "only DATA messages")
inject("a message for A", p.hdr(p.DATA, 1, 3, 7) + b"x" * 40, (22,),
       "not for this node")
inject("from an unknown node", p.hdr(p.DATA, 3, 0x77, 7) + b"x" * 40, (2,),
       "no node has the message's source id")
# The policy's length range: EINVAL or ERANGE, depending on the kernel.
inject("shorter than a header", first[:23], (22, 34), "")
inject("no message", b"", (22, 34), "")
err, text = g.try_do(mvnl.CMD_MSG_INJECT, mvnl.ifidx("mv0"))
if err != 22 or "missing message" not in text:
    sys.exit("no msg attribute: got %d %r" % (err, text))
# Taken, then dropped and counted on the way: replay and a tampered tag.
inject("a replay", first, (0,), "")
inject("a tampered message", p.flip(p.with_counter(first, 10**6), 40), (0,), "")
PY
sleep 0.5
mesh_snap C c
check_eq "C from A: replay drops, decrypt errors, rx" \
	"${C[1:rx_replay_drops]} ${C[1:rx_decrypt_errors]} ${C[1:rx_packets]}" "1 1 $N"

mesh_step "broadcasts: packet-ntf, packet-send"
for ns in a b; do
	ip netns exec "$ns" env PYTHONPATH="$MESH_LIB" "$PY" -S "$MESH_LIB/msgpipe.py" \
		packets mv0 >"/tmp/via_daemon.$ns.bcast" 2>"/tmp/via_daemon.$ns.bcast.err" &
	mesh_wait_file "/tmp/via_daemon.$ns.bcast.err" ready 20 ||
		mesh_fail "$ns listens for broadcasts"
done
ip netns exec b "$PY" -S -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("", 9999))
s.settimeout(15)
open(sys.argv[1], "wb").write(s.recv(100))' /tmp/via_daemon.b.udp &
sleep 0.5
ip netns exec a "$PY" -S -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b"mv0")
s.sendto(b"hello mesh", ("255.255.255.255", 9999))'
mesh_wait_file /tmp/via_daemon.a.bcast "^- 45" 10 || true
BCAST=$(grep -m1 "^- 45" /tmp/via_daemon.a.bcast | cut -d" " -f2)
check_true "A's link handed A's broadcast to its daemon" test -n "$BCAST"
mesh_nspy a - "$BCAST" <<'PY'
import sys, mvnl
g = mvnl.Genl()
err, text = g.try_do(mvnl.CMD_PACKET_SEND, mvnl.ifidx("mv0"),
                     mvnl.node_attrs(2), mvnl.attr(mvnl.A_PACKET, bytes.fromhex(sys.argv[1])))
if err:
    sys.exit("packet-send: %s" % text)
PY
mesh_wait_file /tmp/via_daemon.b.udp "hello mesh" 10 ||
	mesh_fail "B's socket got A's broadcast"
mesh_wait_file /tmp/via_daemon.b.bcast "^000000000001 $BCAST" 10 ||
	mesh_fail "B's link handed the broadcast to its daemon, from A"
mesh_nspy a - <<'PY'
import socket, struct, sys, mvnl, mvpkt as p
g = mvnl.Genl()
def ipv4_udp(src, dst, payload):
    udp = struct.pack(">HHHH", 9999, 9999, 8 + len(payload), 0) + payload
    hdr = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0,
                      socket.inet_aton(src), socket.inet_aton(dst))
    csum = p.csum(hdr)
    return hdr[:10] + struct.pack(">H", csum) + hdr[12:] + udp
def send(what, node, packet, want_errno, want_msg):
    attrs = [mvnl.ifidx("mv0"), mvnl.attr(mvnl.A_PACKET, packet)]
    if node is not None:
        attrs.append(mvnl.node_attrs(node))
    err, text = g.try_do(mvnl.CMD_PACKET_SEND, *attrs)
    if err not in want_errno or want_msg not in text:
        sys.exit("%s: got %d %r, want %s %r" % (what, err, text, want_errno, want_msg))
good = ipv4_udp("10.10.0.1", "255.255.255.255", b"rule")
send("to an unknown node", 0x77, good, (2,), "no node with this id")
send("without a node", None, good, (22,), "missing")
send("not an IP packet", 2, b"\0" * 40, (22,), "not an IPv4 or IPv6 packet")
send("longer than its own header says", 2, good[:-2], (22,), "not an IPv4 or IPv6 packet")
send("larger than the MTU", 2, ipv4_udp("10.10.0.1", "255.255.255.255", b"x" * 1500),
     (90,), "larger than the link's MTU")
send("shorter than an IPv4 header", 2, good[:19], (22, 34), "")
# Taken, then dropped by B: no node owns 10.99.0.1.
send("a broadcast from nobody's address", 2, ipv4_udp("10.99.0.1", "255.255.255.255", b"rpf"),
     (0,), "")
PY
sleep 0.5
check_eq "B: RPF drops from A (the broadcast from nobody's address)" \
	"$(mesh_counter b 1 rx_rpf_drops)" 1

mesh_step "multicast: sent on the link, handed to the daemon; none from ::"
check_true "the link is multicast capable" \
	eval 'ip -n a link show mv0 | grep -q "[<,]MULTICAST[,>]"'
ip netns exec a "$PY" -S -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton("10.10.0.1"))
s.sendto(b"mdns-ish", ("224.0.0.251", 5353))'
# IPv6 multicast written straight to the link: one from fd10::1, one from ::
# (an MLD report of a link without addresses), which no node could vouch for.
ip netns exec a "$PY" -S -c '
import socket, struct
def v6(src):
    payload = b"x" * 8
    return (struct.pack(">IHBB", 6 << 28, len(payload), 59, 1) +
            socket.inet_pton(socket.AF_INET6, src) +
            socket.inet_pton(socket.AF_INET6, "ff02::16") + payload)
s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(0x86dd))
for src in ("fd10::1", "::"):
    s.sendto(v6(src), ("mv0", 0x86dd))'
mesh_wait_file /tmp/via_daemon.a.bcast "^- 45[0-9a-f]\{30\}e00000fb" 10 ||
	mesh_fail "A's link handed its IPv4 multicast to the daemon"
mesh_wait_file /tmp/via_daemon.a.bcast "^- 6[0-9a-f]\{15\}fd10" 10 ||
	mesh_fail "A's link handed its IPv6 multicast to the daemon"
check_eq "IPv6 multicasts from :: handed to the daemon" \
	"$(grep -Ec '^- 6[0-9a-f]{15}0{32}' /tmp/via_daemon.a.bcast)" 0

mesh_step "no daemon listening: dropped and counted"
stop_pipes
expect_eq "replies A -> B without daemons" "$(mesh_ping a 3 10.10.0.2 -W 1)" 0
check_eq "A towards B: daemon_drops" "$(mesh_counter a 2 daemon_drops)" 3
mesh_done
