#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Notifications, as `meshvpn monitor --json` prints them:
# - key-needed: traffic for a node without a key asks for one, rate
#   limited (many packets, few notifications); the packets wait and leave
#   as soon as the key is installed, or are dropped after 5 s;
# - endpoint-moved: an authenticated message from a new address/port moves
#   the node's endpoint (a wrong configured port; a crafted message from
#   another port; a NAT rebinding by nft SNAT), while a forged one does not.
# vm-timeout: 300
source "$TOP/selftests/vm/lib/mesh.sh"

MON=/tmp/notifications.mon
CIPHER=chacha20-poly1305

mesh_pair
mvx a node add mv0 3 endpoint 10.0.0.3:655
mvx a route add mv0 10.10.0.3/32 node 3
K12=$(mesh_random_key)
K21=$(mesh_random_key)
echo "$K12" >/tmp/notif.k12
echo "$K21" >/tmp/notif.k21
# Only B has the session key for now.
mvx b key add mv0 1 slot current cipher $CIPHER phase 0 tx-key /tmp/notif.k21 rx-key /tmp/notif.k12

# events EVENT NODE: "endpoint" fields (or "-") of the matching events.
events() {
	mesh_py - "$MON" "$1" "$2" <<-'PY'
	import json, sys
	for line in open(sys.argv[1]):
	    e = json.loads(line)
	    if e["event"] == sys.argv[2] and e["node"] == sys.argv[3]:
	        print(e.get("endpoint", "-"))
	PY
}
ms_since() { echo $(((${EPOCHREALTIME/./} - ${1/./}) / 1000)); }

ip netns exec a "$MV" monitor --json >"$MON" 2>/tmp/notifications.err &
MONITOR=$!

mesh_step "key-needed for node 3 (no key): also tells when the monitor listens"
SYNC=0
T_SYNC=$EPOCHREALTIME
for ((i = 0; i < 40; i++)); do
	ip netns exec a ping -n -c 1 -W 0.1 10.10.0.3 >/dev/null 2>&1 || true
	SYNC=$((SYNC + 1))
	if grep -Eq '"node": ?"000000000003"' "$MON"; then
		break
	fi
	sleep 0.2
done
check_eq "key-needed for node 3 seen" "$(events key-needed 000000000003 | head -n1)" -
echo "$SYNC packets for node 3 staged"

mesh_step "key-needed for node 2: 20 pings held until A installs the key"
T0=$EPOCHREALTIME
ip netns exec a ping -n -c 20 -i 0.05 -W 8 10.10.0.2 >/tmp/notifications.ping 2>&1 &
PING=$!
# The first key-needed for node 2 means the first ping waits; the key
# comes at least a second later.
mesh_wait_file "$MON" '"node": \{0,1\}"000000000002"' 10 || true
sleep 1
mvx a key add mv0 2 slot current cipher $CIPHER phase 0 tx-key /tmp/notif.k12 rx-key /tmp/notif.k21
HELD_MS=$(ms_since "$T0")
wait $PING || true
cat /tmp/notifications.ping | tail -n 3
check_eq "replies to the 20 held pings" \
	"$(sed -n 's/.* \([0-9]*\) received.*/\1/p' /tmp/notifications.ping)" 20
first=$(sed -n 's/.*icmp_seq=1 .*time=\([0-9]*\).*/\1/p' /tmp/notifications.ping)
check_true "the first ping waited for the key (${first:-?} ms, key after $HELD_MS ms)" \
	test "${first:-0}" -ge 1000
check_eq "node 2: tx packets, no-key drops" "$(mesh_counters a 2 tx_packets tx_no_key_drops)" "20 0"
n=$(events key-needed 000000000002 | wc -l)
max=$((HELD_MS / 1000 + 1))
check_true "key-needed for node 2: $n notification(s) for 20 packets in $HELD_MS ms (1..$max)" \
	test "$n" -ge 1 -a "$n" -le "$max"

mesh_step "endpoint-moved: A has a wrong port for B; B's authenticated pings move it"
mvx a node set mv0 2 endpoint 10.0.0.2:999
check_eq "B's endpoint on A" "$(mesh_node a 2 'n["endpoint"]')" 10.0.0.2:999
check_eq "B's pings to A" "$(mesh_ping b 3 10.10.0.1)" 3
check_eq "B's endpoint on A after B's pings" "$(mesh_node a 2 'n["endpoint"]')" 10.0.0.2:655
mesh_wait_file "$MON" '"endpoint-moved"' 5 || true
check_eq "endpoint-moved events" "$(events endpoint-moved 000000000002 | paste -sd' ')" 10.0.0.2:655

mesh_step "a forged message from another port moves nothing"
read -r dec0 < <(mesh_counter a 2 rx_decrypt_errors)
sleep 1.1	# past the notification rate limit
ip netns exec b env PYTHONPATH="$MESH_LIB" "$PY" -S -c '
import mvpkt as p
p.send_from([p.hdr(p.DATA, 1, 2, 10**6) + p.random_bytes(100)], ("10.0.0.1", 655), 7777, "10.0.0.2")'
sleep 0.5
check_eq "decrypt errors for the forgery" "$(mesh_counter a 2 rx_decrypt_errors)" $((dec0 + 1))
check_eq "B's endpoint on A after the forgery" "$(mesh_node a 2 'n["endpoint"]')" 10.0.0.2:655

mesh_step "an authenticated message from another port moves the endpoint"
ip netns exec b env PYTHONPATH="$MESH_LIB" "$PY" -S - "$K21" "$K12" <<'PY' ||
import socket, sys, mvpkt as p
k21, k12 = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.0.0.2", 7778))
s.settimeout(5)
echo = p.icmp_echo("10.10.0.2", "10.10.0.1", seq=1)
# Counter 1000: ahead of B's own (a few dozen so far), and close enough
# that B's next messages stay inside A's replay window (2048).
s.sendto(p.seal("chacha20-poly1305", k21, 1, 2, 1000, echo), ("10.0.0.1", 655))
# A's answer goes to the new endpoint: a DATA message for node 2.
msg, addr = s.recvfrom(2048)
h = p.parse_hdr(msg)
assert (h["type"], h["dst"], h["src"]) == (1, 2, 1), h
print("ok: A answered the new endpoint 10.0.0.2:7778 (%d bytes, counter %d)" % (len(msg), h["counter"]))
PY
	mesh_fail "no answer at the new endpoint 10.0.0.2:7778"
check_eq "B's endpoint on A after the crafted message" "$(mesh_node a 2 'n["endpoint"]')" 10.0.0.2:7778

mesh_step "NAT rebinding: B's messages leave through SNAT to port 7000"
sleep 1.1
mesh_nft_nat
ip netns exec b nft -f - <<'EOF'
table ip mvnat {
	chain post {
		type nat hook postrouting priority 100; policy accept;
		ip daddr 10.0.0.1 udp sport 655 snat to 10.0.0.2:7000
	}
}
EOF
check_eq "B's pings to A through the NAT" "$(mesh_ping b 3 10.10.0.1)" 3
check_eq "B's endpoint on A behind the NAT" "$(mesh_node a 2 'n["endpoint"]')" 10.0.0.2:7000
check_eq "A's pings to B through the NAT" "$(mesh_ping a 3 10.10.0.2)" 3
sleep 0.5
check_eq "endpoint-moved events" "$(events endpoint-moved 000000000002 | paste -sd' ')" \
	"10.0.0.2:655 10.0.0.2:7778 10.0.0.2:7000"

mesh_step "packets for node 3 that never got a key are dropped after 5 s"
left=$((6000 - $(ms_since "$T_SYNC")))
((left <= 0)) || sleep "$((left / 1000)).$(printf %03d $((left % 1000)))"
check_eq "node 3: no-key drops" "$(mesh_counter a 3 tx_no_key_drops)" "$SYNC"

kill -INT $MONITOR
wait $MONITOR || mesh_fail "monitor exited $?: $(cat /tmp/notifications.err)"
[[ ! -s /tmp/notifications.err ]] || mesh_fail "monitor stderr: $(cat /tmp/notifications.err)"
echo "--- monitor output"
cat "$MON"
rm -f "$MON" /tmp/notifications.* /tmp/notif.k12 /tmp/notif.k21
mesh_done
