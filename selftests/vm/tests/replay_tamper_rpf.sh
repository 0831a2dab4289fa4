#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# What a receiver must refuse (Documentation/protocol.md sections 2, 4-7):
# - replayed DATA messages (captured on the wire with tcpdump and sent
#   again from another address and port): counted as replays, not
#   delivered, and they do not move the sender's endpoint;
# - tampered or forged messages: counted as decrypt errors, and they do not
#   move the replay window; malformed headers are dropped and counted;
# - inner packets whose source is not routed to the sender (RPF);
# - relay requests from an address that is no node's endpoint;
# - cipher none from anywhere but the sender's endpoint (section 4).
# Topology: A(1) - B(2) - C(3), session A-B; C is known to A "via B".
# vm-timeout: 300
source "$TOP/selftests/vm/lib/mesh.sh"

PCAP=/tmp/replay_tamper_rpf.pcap
MSG_LEN=$((24 + 84 + 16))

mesh_ns a
mesh_ns b
mesh_ns c
mesh_veth a b 10.0.0.1/24 10.0.0.2/24
mesh_veth c b 10.0.1.3/24 10.0.1.2/24
ip -n a addr add 10.0.0.9/24 dev to-b
mesh_link a 1 655 10.10.0.1/24
mesh_link b 2 655 10.10.0.2/24
mesh_link c 3 655 10.10.0.3/24
mvx a node add mv0 2 endpoint 10.0.0.2:655
mvx a node add mv0 3 via 2
mvx a route add mv0 10.10.0.2/32 node 2
mvx b node add mv0 1 endpoint 10.0.0.1:655
mvx b node add mv0 3 endpoint 10.0.1.3:655
mvx b route add mv0 10.10.0.1/32 node 1
mvx b route add mv0 10.10.0.3/32 node 3
mvx c node add mv0 2 endpoint 10.0.1.2:655
mvx c node add mv0 1 via 2
mesh_keys a 1 b 2 chacha20-poly1305
mesh_nft_counters c "c_udp=udp dport 655"

declare -A B
# b1 FIELD...: node 1's fields on B into $B1, from a fresh snapshot of B
# (mesh_snap, which also refreshes ${B[...]}).
b1() {
	local f out=()
	mesh_snap B b
	for f in "$@"; do out+=("${B[1:$f]}"); done
	B1=${out[*]}
}

mesh_step "capture three DATA messages A -> B"
ip netns exec b tcpdump -i to-a -n -U -Z root -c 3 -w "$PCAP" \
	'udp dst port 655 and src host 10.0.0.1' 2>/tmp/rtr_tcpdump.err &
TCPDUMP=$!
mesh_wait_file /tmp/rtr_tcpdump.err "listening on"
expect_eq "pings" "$(mesh_ping a 3 10.10.0.2)" 3
timeout 10 tail --pid=$TCPDUMP -f /dev/null || { kill $TCPDUMP; echo "tcpdump did not finish" >&2; exit 1; }
mesh_py - "$PCAP" $MSG_LEN <<'PY'
import sys, mvpkt as p
pkts = p.read_pcap(sys.argv[1])
assert len(pkts) == 3, pkts
for pkt in pkts:
    h = p.parse_hdr(pkt["payload"])
    assert (h["type"], h["flags"], h["dst"], h["src"], h["ttl"]) == (1, 0, 2, 1, 16), h
    assert len(pkt["payload"]) == int(sys.argv[2]), len(pkt["payload"])
print("ok: captured counters", [p.parse_hdr(x["payload"])["counter"] for x in pkts])
PY

mesh_step "replay them from other ports and addresses"
b1 rx_packets rx_replay_drops rx_decrypt_errors
read -r rx0 replay0 dec0 <<<"$B1"
mesh_nspy a - "$PCAP" <<'PY'
import sys, mvpkt as p
msgs = [x["payload"] for x in p.read_pcap(sys.argv[1])]
p.send_from(msgs + msgs, ("10.0.0.2", 655), 40000, "10.0.0.1")  # 6: same host, other port
p.send_spoofed(msgs[:1], "10.0.0.2", 655, 655, "10.0.0.9")     # 1: other host
PY
sleep 0.5
b1 rx_packets rx_replay_drops rx_decrypt_errors
read -r rx1 replay1 dec1 <<<"$B1"
check_eq "replay drops after 7 replays" $((replay1 - replay0)) 7
check_eq "packets delivered by replays" $((rx1 - rx0)) 0
check_eq "decrypt errors by replays" $((dec1 - dec0)) 0
check_eq "A's endpoint on B after replays" "${B[1:endpoint]}" 10.0.0.1:655

mesh_step "tampered and forged messages (fresh counters far ahead)"
err0=$(mesh_dev_stat b mv0 rx.errors)
mesh_nspy a - "$PCAP" <<'PY'
import sys, mvpkt as p
m = p.read_pcap(sys.argv[1])[0]["payload"]
c = p.parse_hdr(m)["counter"]
bad = [
    p.flip(p.with_counter(m, c + 1000000), 40),   # ciphertext byte
    p.flip(p.with_counter(m, c + 1000001), len(m) - 1),  # tag byte
    p.with_counter(m, c + 1000002),               # counter (associated data)
    p.flip(p.with_counter(m, c + 1000003), 1),    # phase 1: no such key
    p.with_counter(m, c + 1000004)[:24],          # header alone, no tag
]
p.send_from(bad, ("10.0.0.2", 655), 40001, "10.0.0.1")
PY
sleep 0.5
b1 rx_packets rx_replay_drops rx_decrypt_errors
read -r rx2 replay2 dec2 <<<"$B1"
check_eq "decrypt errors after 5 forgeries" $((dec2 - dec1)) 5
check_eq "delivered forgeries" $((rx2 - rx1)) 0
check_eq "A's endpoint on B after forgeries" "${B[1:endpoint]}" 10.0.0.1:655

mesh_nspy a - "$PCAP" <<'PY'
import sys, mvpkt as p
m = p.read_pcap(sys.argv[1])[0]["payload"]
c = p.parse_hdr(m)["counter"]
bad = [
    p.with_counter(m[:1] + bytes([0x02]) + m[2:], c + 2000000),   # unknown flag bit
    p.with_counter(m[:15] + bytes([1]) + m[16:], c + 2000001),    # reserved byte set
    p.with_counter(m[:8] + (0x99).to_bytes(6, "big") + m[14:], c + 2000002),  # unknown src
]
p.send_from(bad, ("10.0.0.2", 655), 40002, "10.0.0.1")
PY
sleep 0.5
check_eq "B mv0 rx errors after 3 malformed headers" $(($(mesh_dev_stat b mv0 rx.errors) - err0)) 3
b1 rx_packets rx_replay_drops rx_decrypt_errors
check_eq "node counters after malformed headers" "$B1" \
	"$rx2 $replay2 $dec2"

# Forgeries with counters a million ahead must not have moved the window:
# the next real messages (small counters) are still accepted.
expect_eq "pings after forgeries" "$(mesh_ping a 3 10.10.0.2)" 3
b1 rx_replay_drops
check_eq "replay drops after the forgeries and new pings" "$B1" "$replay2"

mesh_step "reverse path filter"
ip -n a addr add 10.10.0.99/32 dev mv0
b1 rx_packets rx_rpf_drops
read -r rx3 rpf3 <<<"$B1"
# 10.10.0.99 is routed nowhere on B
check_eq "replies from 10.10.0.99 (routed nowhere)" "$(mesh_ping a 3 10.10.0.2 -I 10.10.0.99 -W 1)" 0
b1 rx_packets rx_rpf_drops
read -r rx4 rpf4 <<<"$B1"
check_eq "B rpf drops (routed nowhere)" $((rpf4 - rpf3)) 3
check_eq "B delivered (routed nowhere)" $((rx4 - rx3)) 0
# 10.10.0.99 is routed to C on B
mvx b route add mv0 10.10.0.99/32 node 3
check_eq "replies from 10.10.0.99 (routed to C)" "$(mesh_ping a 2 10.10.0.2 -I 10.10.0.99 -W 1)" 0
b1 rx_packets rx_rpf_drops
read -r rx5 rpf5 <<<"$B1"
check_eq "B rpf drops (routed to C)" $((rpf5 - rpf4)) 2
check_eq "B delivered (routed to C)" $((rx5 - rx4)) 0
check_eq "C's rpf drops on B" "${B[3:rx_rpf_drops]}" 0
# Control: routed to A, it gets through.
mvx b route add mv0 10.10.0.99/32 node 1
check_eq "replies from 10.10.0.99 (routed to A)" "$(mesh_ping a 2 10.10.0.2 -I 10.10.0.99)" 2
b1 rx_rpf_drops
check_eq "B rpf drops (routed to A)" "$B1" "$rpf5"

mesh_step "relay requests from addresses that are no node's endpoint"
mesh_snap B b
relay1=${B[1:relay_packets]} relay3=${B[3:relay_packets]}
declare -A C
mesh_snap C c
cdec=${C[1:rx_decrypt_errors]}
cudp=$(mesh_nft_count c c_udp)
mesh_nspy a - <<'PY'
import mvpkt as p
m = p.hdr(p.DATA, 3, 1, 5000) + p.random_bytes(84 + 16)
p.send_from([m], ("10.0.0.2", 655), 40003, "10.0.0.1")  # A's address, other port
p.send_spoofed([m], "10.0.0.2", 655, 655, "10.0.0.9")   # other address, A's port
open("/tmp/rtr_relay_msg", "wb").write(m)
PY
sleep 0.5
mesh_snap B b
check_eq "B relay_packets towards C, A (unknown endpoints)" \
	"${B[3:relay_packets]} ${B[1:relay_packets]}" "$relay3 $relay1"
check_eq "UDP messages reaching C" "$(mesh_nft_count c c_udp)" "$cudp"
mesh_snap C c
check_eq "C's decrypt errors for A" "${C[1:rx_decrypt_errors]}" "$cdec"
# Control: the same message from A's endpoint is relayed and reaches C.
mesh_nspy a - <<'PY'
import mvpkt as p
p.send_spoofed([open("/tmp/rtr_relay_msg", "rb").read()], "10.0.0.2", 655, 655)
PY
sleep 0.5
mesh_snap B b
mesh_snap C c
check_eq "B relay_packets towards C (A's endpoint)" "${B[3:relay_packets]}" $((relay3 + 1))
check_eq "UDP messages reaching C (A's endpoint)" "$(mesh_nft_count c c_udp)" $((cudp + 1))
check_eq "C's decrypt errors for A (A's endpoint)" "${C[1:rx_decrypt_errors]}" $((cdec + 1))

mesh_step "cipher none: accepted only from the sender's endpoint (protocol.md 4)"
mesh_keys a 1 b 2 none
b1 rx_packets
read -r rx6 <<<"$B1"
mesh_nspy a - <<'PY'
import mvpkt as p
inner = p.icmp_echo("10.10.0.1", "10.10.0.2", seq=1)
p.send_from([p.seal("none", None, 2, 1, 100, inner)], ("10.0.0.2", 655), 40004, "10.0.0.1")
PY
sleep 0.5
b1 rx_packets endpoint
read -r rx7 ep7 <<<"$B1"
if ((rx7 != rx6)); then
	mesh_fail "KERNEL BUG: cipher none DATA from 10.0.0.1:40004 (not A's endpoint) was delivered ($rx6 -> $rx7 packets); protocol.md section 4 says none is accepted only from the sender's endpoint"
else
	echo "ok: cipher none from another port is not delivered"
fi
check_eq "A's endpoint on B after cipher none from another port" "$ep7" 10.0.0.1:655
# Control: from A's endpoint it is delivered.
mesh_nspy a - <<'PY'
import mvpkt as p
inner = p.icmp_echo("10.10.0.1", "10.10.0.2", seq=2)
p.send_spoofed([p.seal("none", None, 2, 1, 101, inner)], "10.0.0.2", 655, 655)
PY
sleep 0.5
b1 rx_packets
check_eq "cipher none from A's endpoint delivered" "$B1" $((rx7 + 1))
# What accepting it costs: a stranger's counter far ahead moves the replay
# window, and A's own messages (counters from 0) become "too old".
mesh_nspy a - <<'PY'
import mvpkt as p
inner = p.icmp_echo("10.10.0.1", "10.10.0.2", seq=3)
p.send_from([p.seal("none", None, 2, 1, 10**6, inner)], ("10.0.0.2", 655), 40005, "10.0.0.1")
PY
sleep 0.5
b1 rx_replay_drops
replay8=$B1
got=$(mesh_ping a 3 10.10.0.2)
b1 rx_replay_drops
if [[ $got != 3 ]]; then
	mesh_fail "KERNEL BUG (consequence): after cipher none DATA with counter 10^6 from a foreign port, A's own pings get $got/3 replies and B counts $((B1 - replay8)) replay drops: the stranger moved the replay window"
else
	echo "ok: cipher none from a foreign port with a far counter does not block A's pings"
fi
rm -f "$PCAP" /tmp/rtr_tcpdump.err /tmp/rtr_relay_msg
mesh_done
