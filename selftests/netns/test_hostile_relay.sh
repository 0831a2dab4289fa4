#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# A member abusing the userspace relay (Documentation/protocol.md section 7,
# rule 5: a message is never sent back to the endpoint it came from).
#
# The article's chain (selftests/lib/seed.sh, chain_build): einstein reaches
# sakharov, who sits behind curie's NAT, through curie.  curie, a member
# with a known endpoint at einstein, sends einstein messages for sakharov:
# einstein's next hop towards sakharov is curie itself, so relaying would
# bounce each message straight back to where it came from (a reflector,
# and with two such relays a loop until the TTL runs out).  A message from
# curie for hawking, whom einstein reaches directly, is relayed: the
# control that the messages are otherwise fine.
#
# Broadcasts travel along the spanning tree (here the chain itself), each
# hop decrypting and sending them on. hawking, a member, sends one in
# sakharov's name: einstein must drop it (reverse path check along the
# tree: sakharov's broadcasts come through curie), as it drops the same
# unicast, and not flood it on. hawking's own and sakharov's (which comes to einstein
# through curie) are delivered and flooded.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
source "$TOP/selftests/lib/netns.sh"
source "$TOP/selftests/lib/meshvpnd.sh"
source "$TOP/selftests/lib/seed.sh"

topo_init
mvd_init
chain_build

mvd_start einstein
mvd_wait_ready einstein
mvd_start curie
mvd_wait_ready curie
mvd_start hawking
mvd_start sakharov
mvd_wait_ready hawking
mvd_wait_ready sakharov

assert "einstein sees sakharov" mvd_wait_field 15 einstein sakharov reachable true
assert "einstein-curie is direct" mvd_wait_field 10 einstein curie path direct
assert "einstein-hawking is direct" mvd_wait_field 10 einstein hawking path direct
assert "einstein reaches sakharov through curie" \
	test "$(mvd_field einstein sakharov path)/$(mvd_field einstein sakharov via)" = relay/curie

# relay_msgs COUNT DST SRC: COUNT DATA messages for DST from SRC (ids),
# from curie's own endpoint 198.51.100.5:655 to einstein.
relay_msgs() {
	topo_exec curie env PYTHONPATH="$TOP/selftests/vm/lib" "$MVD_PY" -S - "$@" <<'PY'
import sys, mvpkt as p
count, dst, src = int(sys.argv[1]), int(sys.argv[2], 16), int(sys.argv[3], 16)
msgs = [p.hdr(p.DATA, dst, src, 1000 + i) + p.random_bytes(100) for i in range(count)]
p.send_spoofed(msgs, "198.51.100.1", 655, 655, "198.51.100.5")
PY
}
udp_stat() {
	mvd_ctl einstein dump stats --json | "$MVD_PY" -c '
import json, sys
print(json.load(sys.stdin)["udp"][sys.argv[1]])' "$1"
}
id_of() {
	mvd_field einstein "$1" id
}

refused0=$(udp_stat relay_refused)
to_hawking0=$(mvd_field einstein hawking relayed_packets)
to_sakharov0=$(mvd_field einstein sakharov relayed_packets)

relay_msgs 5 "$(id_of hawking)" "$(id_of sakharov)"
relayed_to_hawking() {
	(($(mvd_field einstein hawking relayed_packets) == to_hawking0 + 5))
}
assert "control: einstein relays curie's messages for hawking" \
	wait_for 3 relayed_to_hawking

relay_msgs 5 "$(id_of sakharov)" "$(id_of hawking)"
refused_five() {
	(($(udp_stat relay_refused) == refused0 + 5))
}
if wait_for 3 refused_five; then
	pass "einstein refuses to send curie's messages for sakharov back to curie"
else
	fail "einstein refuses to send curie's messages for sakharov back to curie" \
		"relay_refused $(udp_stat relay_refused), was $refused0"
fi
assert "... and relays none of them" \
	test "$(mvd_field einstein sakharov relayed_packets)" = "$to_sakharov0"
assert "the path to sakharov is still through curie" \
	test "$(mvd_field einstein sakharov path)/$(mvd_field einstein sakharov via)" = relay/curie
assert_ping hawking 10.10.0.6 3 "hawking still pings sakharov"

# bcast NODE SRC: NODE's daemon reads a broadcast from SRC off its TUN.
bcast() {
	topo_exec "$1" "$MVD_PY" -S - "$2" <<'PY'
import socket, struct, sys
payload = b"broadcast"
udp = struct.pack(">HHHH", 9999, 9999, 8 + len(payload), 0) + payload
hdr = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0,
                  socket.inet_aton(sys.argv[1]), socket.inet_aton("255.255.255.255"))
s = sum(struct.unpack(">10H", hdr))
s = (s & 0xffff) + (s >> 16)
hdr = hdr[:10] + struct.pack(">H", ~(s + (s >> 16)) & 0xffff) + hdr[12:]
p = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(0x0800))
p.sendto(hdr + udp, ("tun0", 0x0800))
PY
}
rx() {
	mvd_field "$1" "$2" rx_packets
}
from_hawking0=$(rx einstein hawking)
from_curie0=$(rx einstein curie)
curie_from_einstein0=$(rx curie einstein)
hawking_from_einstein0=$(rx hawking einstein)
rpf0=$(mvd_field einstein hawking rpf_drops)

bcast hawking 10.10.0.3
delivered_own() {
	(($(rx einstein hawking) == from_hawking0 + 1 &&
	  $(rx curie einstein) == curie_from_einstein0 + 1))
}
assert "control: hawking's own broadcast is delivered and flooded on to curie" \
	wait_for 3 delivered_own

bcast hawking 10.10.0.6
rpf_grew() {
	(($(mvd_field einstein hawking rpf_drops) > rpf0))
}
assert "hawking's broadcast in sakharov's name is dropped by einstein" \
	wait_for 3 rpf_grew
assert "... not delivered" test "$(rx einstein hawking)" = $((from_hawking0 + 1))
assert "... and not flooded on to curie" \
	test "$(rx curie einstein)" = $((curie_from_einstein0 + 1))

bcast sakharov 10.10.0.6
delivered_far() {
	(($(rx einstein curie) == from_curie0 + 1 &&
	  $(rx hawking einstein) == hawking_from_einstein0 + 1))
}
assert "sakharov's broadcast reaches einstein through curie, and hawking" \
	wait_for 3 delivered_far

mvd_assert_clean
summary
