#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Relaying (Documentation/protocol.md section 7): A - B - C, where A and C
# cannot reach each other and B does not forward plain IP. A and C share a
# session and reach each other "via B"; B has both as nodes with endpoints
# but no key at all. Pings A -> C must get through, counted exactly in B's
# relay counters (towards the destination node) and not in B's own traffic
# counters, with the TTL decremented once. Crafted messages from A's real
# endpoint check the relay rules (TTL, ids, unknown destination, no
# reflection); finally A and C switch to a direct path and B is left out.
# vm-timeout: 300
source "$TOP/selftests/vm/lib/mesh.sh"

N=10
ICMP4_MSG=$((24 + 84 + 16))	# header + 84-byte IPv4 echo + tag
ICMP6_MSG=$((24 + 104 + 16))	# header + 104-byte IPv6 echo + tag

mesh_ns a
mesh_ns b
mesh_ns c
mesh_veth a b 10.0.1.1/24 10.0.1.2/24
mesh_veth c b 10.0.2.3/24 10.0.2.2/24
expect_eq "ip_forward in B" "$(ip netns exec b sysctl -n net.ipv4.ip_forward)" 0
if ip netns exec a ping -c 1 -W 1 10.0.2.3 >/dev/null 2>&1; then
	echo "FAIL: A reaches C directly" >&2
	exit 1
fi

mesh_link a 1 655 10.10.0.1/24 fd10::1/64
mesh_link b 2 655
mesh_link c 3 655 10.10.0.3/24 fd10::3/64

mvx b node add mv0 1 endpoint 10.0.1.1:655
mvx b node add mv0 3 endpoint 10.0.2.3:655
mvx a node add mv0 2 endpoint 10.0.1.2:655
mvx a node add mv0 3 via 2
mvx c node add mv0 2 endpoint 10.0.2.2:655
mvx c node add mv0 1 via 2
mesh_keys a 1 c 3 chacha20-poly1305
mvx a route add mv0 10.10.0.3/32 node 3
mvx a route add mv0 fd10::3/128 node 3
mvx c route add mv0 10.10.0.1/32 node 1
mvx c route add mv0 fd10::1/128 node 1

# TTL as it arrives: 16 from the sender, 15 after one relay (byte 14 of
# the meshvpn header, after the 8-byte UDP header: bit 176).
mesh_nft_counters c "c_ttl15=udp dport 655 @th,176,8 15" \
	"c_ttl16=udp dport 655 @th,176,8 16"
mesh_nft_counters b "b_ttl16=udp dport 655 @th,176,8 16" \
	"b_other=udp dport 655 @th,176,8 != 16"

mesh_step "$N IPv4 and 5 IPv6 pings A -> C through B"
expect_eq "IPv4 replies" "$(mesh_ping a $N 10.10.0.3)" $N
expect_eq "IPv6 replies" "$(mesh_ping a 5 fd10::3)" 5
M=$((N + 5))
BYTES=$((N * ICMP4_MSG + 5 * ICMP6_MSG))

declare -A A B C
mesh_snap A a
mesh_snap B b
mesh_snap C c
check_eq "B relay_packets towards C" "${B[3:relay_packets]}" $M
check_eq "B relay_bytes towards C" "${B[3:relay_bytes]}" $BYTES
check_eq "B relay_packets towards A" "${B[1:relay_packets]}" $M
check_eq "B relay_bytes towards A" "${B[1:relay_bytes]}" $BYTES
for n in 1 3; do
	check_eq "B own tx/rx packets/bytes with node $n" \
		"${B[$n:tx_packets]} ${B[$n:rx_packets]} ${B[$n:tx_bytes]} ${B[$n:rx_bytes]}" "0 0 0 0"
done
check_eq "B mv0 rx/tx packets" \
	"$(mesh_dev_stat b mv0 rx.packets) $(mesh_dev_stat b mv0 tx.packets)" "0 0"
check_eq "A tx/rx with C" "${A[3:tx_packets]} ${A[3:rx_packets]}" "$M $M"
check_eq "A tx/rx/relay with B" "${A[2:tx_packets]} ${A[2:rx_packets]} ${A[2:relay_packets]}" "0 0 0"
check_eq "C tx/rx with A" "${C[1:tx_packets]} ${C[1:rx_packets]}" "$M $M"
check_eq "C: messages with TTL 15" "$(mesh_nft_count c c_ttl15)" $M
check_eq "C: messages with TTL 16" "$(mesh_nft_count c c_ttl16)" 0
check_eq "B: messages with TTL 16" "$(mesh_nft_count b b_ttl16)" $((2 * M))
check_eq "B: messages with another TTL" "$(mesh_nft_count b b_other)" 0

mesh_step "one way: A -> C only (C ignores echo requests)"
ip netns exec c sysctl -qw net.ipv4.icmp_echo_ignore_all=1
expect_eq "replies while C ignores pings" "$(mesh_ping a 5 10.10.0.3 -W 1)" 0
ip netns exec c sysctl -qw net.ipv4.icmp_echo_ignore_all=0
# relay-packets counts messages relayed towards a node (protocol.md 7.6).
mesh_snap B b
check_eq "B relay_packets towards C (one way)" "${B[3:relay_packets]}" $((M + 5))
check_eq "B relay_packets towards A (one way)" "${B[1:relay_packets]}" $M

mesh_step "relay rules, with messages from A's real endpoint 10.0.1.1:655"
# Each message is addressed from A to C (or elsewhere) with a bogus tag:
# when B relays one to C, C counts a decrypt error for node 1.
mesh_nspy a - <<'PY'
import mvpkt as p
body = p.random_bytes(84 + 16)
def m(dst, src, ttl, counter):
    return p.hdr(p.DATA, dst, src, counter, ttl=ttl) + body
# Positive control: TTL 2 is still relayed (and arrives with TTL 1).
p.send_spoofed([m(3, 1, 2, 10**9)], "10.0.1.2", 655, 655)
PY
sleep 0.5
mesh_snap B b
check_eq "TTL 2: relayed towards C" "${B[3:relay_packets]}" $((M + 6))
check_eq "TTL 2: C saw a bad message from A" "$(mesh_counter c 1 rx_decrypt_errors)" 1

before_b1=${B[1:relay_packets]} before_b3=${B[3:relay_packets]}
mesh_nspy a - <<'PY'
import mvpkt as p
body = p.random_bytes(84 + 16)
def m(dst, src, ttl, counter):
    return p.hdr(p.DATA, dst, src, counter, ttl=ttl) + body
msgs = [
    m(3, 1, 1, 10**9 + 1),     # rule 4: TTL 1 is not relayed
    m(3, 1, 0, 10**9 + 2),     # rule 4: TTL 0 neither
    m(3, 3, 16, 10**9 + 3),    # rule 3: src == dst
    m(3, 2, 16, 10**9 + 4),    # rule 3: src is the relay itself
    m(0x77, 1, 16, 10**9 + 5), # rule 2: unknown destination
    m(1, 3, 16, 10**9 + 6),    # rule 5: back to the endpoint it came from
]
p.send_spoofed(msgs, "10.0.1.2", 655, 655)
PY
sleep 0.5
mesh_snap B b
check_eq "refused relays: B relay_packets towards A, C" \
	"${B[1:relay_packets]} ${B[3:relay_packets]}" "$before_b1 $before_b3"
check_eq "refused relays: C decrypt errors from A" "$(mesh_counter c 1 rx_decrypt_errors)" 1
check_eq "refused relays: A decrypt errors from C (no reflection)" \
	"$(mesh_counter a 3 rx_decrypt_errors)" 0
check_eq "C: messages with TTL 15 or 16 (none of the refused ones)" \
	"$(($(mesh_nft_count c c_ttl15) + $(mesh_nft_count c c_ttl16)))" $((M + 5))

mesh_step "A and C go direct: B is out of the path"
mesh_veth a c 10.0.3.1/24 10.0.3.3/24
mvx a node set mv0 3 endpoint 10.0.3.3:655 via direct
mvx c node set mv0 1 endpoint 10.0.3.1:655 via direct
expect_eq "direct replies" "$(mesh_ping a $N 10.10.0.3)" $N
rp3=${B[3:relay_packets]} rp1=${B[1:relay_packets]}
mesh_snap B b
mesh_snap A a
check_eq "B relay counters after going direct" \
	"${B[3:relay_packets]} ${B[1:relay_packets]}" "$rp3 $rp1"
check_eq "A tx/rx with C after going direct" "${A[3:tx_packets]} ${A[3:rx_packets]}" \
	"$((M + 5 + N)) $((M + N))"
check_eq "A next hop and endpoint for C" "${A[3:next_hop]} ${A[3:endpoint]}" \
	"000000000003 10.0.3.3:655"
mesh_done
