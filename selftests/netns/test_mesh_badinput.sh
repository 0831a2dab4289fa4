#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Hostile and broken input: garbage, truncated and oversized records and
# bad HELLOs on the meta port, a node with the wrong key, an impostor using
# another node's name, subnets a host file does not allow (StrictSubnets),
# and garbage UDP.  Each is refused with a log line; the daemon and the
# mesh carry on.
#
#   einstein  198.51.100.1   hub, StrictSubnets = yes          10.10.0.1
#   hawking   198.51.100.3   ConnectTo einstein                10.10.0.3
#   penrose   198.51.100.4   ConnectTo einstein                10.10.0.4
#   newton    198.51.100.2   ConnectTo einstein, but einstein holds
#                            another key for it
#   mallory   198.51.100.66  raw sockets, and a meshvpnd calling itself
#                            penrose with its own key
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
source "$TOP/selftests/lib/netns.sh"
source "$TOP/selftests/lib/meshvpnd.sh"
source "$TOP/selftests/lib/seed.sh"

topo_init
mvd_init

star_build --conf einstein "StrictSubnets = yes" hawking penrose newton
topo_node mallory wan 198.51.100.66/24
# hawking announces a subnet that einstein's copy of its host file lacks.
mvd_host hawking "Subnet = 10.99.0.0/24"

# einstein's hosts/newton carries the key of another key pair.
mkdir -p "$MVD_DIR/otherkey/hosts"
echo "Name = newton" >"$MVD_DIR/otherkey/meshvpn.conf"
"$MESHVPND" -c "$MVD_DIR/otherkey" -K >/dev/null 2>&1 ||
	topo__die "meshvpnd -K failed"
grep -v '^Ed25519PublicKey' "$MVD_DIR/newton/hosts/newton" >"$MVD_DIR/einstein/hosts/newton"
grep '^Ed25519PublicKey' "$MVD_DIR/otherkey/hosts/newton" >>"$MVD_DIR/einstein/hosts/newton"

# The impostor: its own fresh key, penrose's name and subnet.
I=$MVD_DIR/impostor
mkdir -p "$I/hosts"
printf 'Name = penrose\nConnectTo = einstein\n' >"$I/meshvpn.conf"
echo "Subnet = 10.10.0.4/32" >"$I/hosts/penrose"
"$MESHVPND" -c "$I" -K >/dev/null 2>&1 || topo__die "meshvpnd -K failed"
cp "$MVD_DIR/einstein/hosts/einstein" "$I/hosts/"

# A client speaking (broken) meta protocol from mallory.  It prints what
# became of the connection: "closed" when einstein closed it, "open" if
# it was still open after 5 s.
cat >"$MVD_DIR/client.py" <<'EOF'
import os, socket, struct, sys

mode, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])

def hello(name, magic=b"MVPN", major=1):
    n = name.encode()
    return magic + bytes([major, 0, len(n)]) + n + os.urandom(64)

def record(body):
    return struct.pack(">H", len(body)) + body

s = socket.create_connection((host, port), timeout=5)
if mode == "garbage":
    s.sendall(b"GET / HTTP/1.0\r\n\r\n" + os.urandom(200))
elif mode == "truncated":
    # Half-close (a FIN, not an RST for einstein's unread HELLO): the
    # record can never be completed.
    s.sendall(struct.pack(">H", 100) + os.urandom(10))
    s.shutdown(socket.SHUT_WR)
elif mode == "oversized":
    s.sendall(b"\xff\xff" + os.urandom(1000))
elif mode == "badmagic":
    s.sendall(record(hello("penrose", magic=b"XVPN")))
elif mode == "badmajor":
    s.sendall(record(hello("penrose", major=2)))
elif mode == "unknown":
    s.sendall(record(hello("moriarty")))
elif mode == "badauth":
    # A well-formed HELLO as penrose, then a record that is not sealed
    # with the keys of this handshake.
    s.sendall(record(hello("penrose")) + record(os.urandom(60)))
try:
    while s.recv(4096):
        pass
    print("closed")
except ConnectionResetError:
    print("closed")
except socket.timeout:
    print("open")
EOF

client() {
	topo_exec mallory "$MVD_PY" "$MVD_DIR/client.py" "$1" 198.51.100.1 655 2>&1
}

# udp.py KIND: send one UDP datagram to einstein's port 655.
cat >"$MVD_DIR/udp.py" <<'EOF'
import os, socket, struct, sys

kind = sys.argv[1]
def hdr(typ, phase, dst, src, counter):
    return (bytes([typ, phase]) + bytes.fromhex(dst) + bytes.fromhex(src) +
            bytes([16, 0]) + struct.pack(">Q", counter))

if kind == "junk":
    msg = b"\xff" * 64
elif kind == "short":
    msg = b"\x01\x00\x00\x00\x00"
else:
    # data|probe|relay PHASE DST SRC: a well-formed header, random
    # ciphertext.
    phase, dst, src = int(sys.argv[2]), sys.argv[3], sys.argv[4]
    typ = 2 if kind == "probe" else 1
    msg = hdr(typ, phase, dst, src, 1 << 40) + os.urandom(80)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(msg, ("198.51.100.1", 655))
EOF

udp() {
	topo_exec mallory "$MVD_PY" "$MVD_DIR/udp.py" "$@"
}

mvd_start einstein
mvd_wait_ready einstein
mvd_start hawking
mvd_start penrose
mvd_wait_ready hawking
mvd_wait_ready penrose
assert "hawking sees penrose" mvd_wait_field 10 hawking penrose reachable true
assert "einstein-penrose is direct" mvd_wait_field 10 einstein penrose path direct
assert_ping hawking 10.10.0.4 2 "hawking pings penrose"

# ---- the meta port ----

# try_meta MODE NAME LOGLINE: MODE's connection is closed by einstein and
# logged; einstein lives on.
try_meta() {
	local mode=$1 name=$2 line=$3 mark out
	mark=$(mvd_log_mark einstein)
	out=$(client "$mode")
	if [[ $out == closed ]]; then
		pass "$name: einstein closes the connection"
	else
		fail "$name: einstein closes the connection" "$out"
	fi
	if mvd_wait_log_since 5 einstein "$mark" "$line"; then
		pass "$name: logged"
	else
		fail "$name: logged" "want /$line/ in:"$'\n'"$(tail -c "+$((mark + 1))" "$(mvd_log einstein)")"
	fi
	assert "$name: einstein is still running" mvd_alive einstein
}

M="Connection with <unknown> \(198\.51\.100\.66 port [0-9]+\) failed"
try_meta garbage "garbage bytes" "$M: bad record length"
try_meta oversized "a record of 65535 bytes" "$M: bad record length"
try_meta badmagic "a HELLO with a bad magic" \
	"Connection with <unknown> \(198\.51\.100\.66 port [0-9]+\) failed: HELLO: bad magic"
try_meta badmajor "a HELLO of protocol 2.0" \
	"failed: HELLO: major version 2, want 1"
try_meta unknown "a HELLO from an unknown node" \
	"Peer moriarty \(198\.51\.100\.66 port [0-9]+\) had unknown identity"
try_meta badauth "a HELLO as penrose, then a forged record" \
	"Connection with penrose \(198\.51\.100\.66 port [0-9]+\) failed: record failed authentication"

try_meta truncated "a truncated record (100 bytes announced, 10 sent, then EOF)" \
	"$M: closed by peer"
assert "no connection is left over from mallory" \
	eval '! mvd_ctl einstein dump connections | grep -F 198.51.100.66'

assert "einstein still has penrose" test "$(mvd_field einstein penrose connected)" = true
assert "einstein still has hawking" test "$(mvd_field einstein hawking connected)" = true
assert_ping hawking 10.10.0.4 3 "the mesh works after the garbage"

# ---- a node whose key einstein does not trust ----

mark=$(mvd_log_mark einstein)
mvd_start newton
mvd_wait_ready newton
assert "newton, whose host file at einstein has another key, is refused" \
	mvd_wait_log_since 10 einstein "$mark" \
	"Peer newton \(198\.51\.100\.2 port [0-9]+\) failed authentication"
assert "newton's connection is closed" \
	mvd_wait_log_since 5 einstein "$mark" \
	"Connection with newton \(198\.51\.100\.2 port [0-9]+\) failed: authentication failed"
assert "newton learns why einstein refused it" \
	mvd_wait_log 5 newton \
	"einstein \(198\.51\.100\.1 port 655\) refused our connection: our key is not the one it holds for us"
assert "newton backs off instead of retrying at once" \
	mvd_wait_log 5 newton "Trying to re-establish outgoing connection to einstein in 5 seconds"
kill -ALRM "${MVD_PID[newton]}"
assert "newton's retry is refused again" \
	wait_for 5 eval '(( $(mvd_log_count einstein "Peer newton .* failed authentication") >= 2 ))'
assert "newton's next wait after another refusal is twice as long" \
	mvd_wait_log 9 newton "Trying to re-establish outgoing connection to einstein in 10 seconds"
assert "einstein saw three attempts from newton, no more" \
	test "$(mvd_log_count einstein "Peer newton .* failed authentication")" -eq 3
assert "newton is not reachable at einstein" \
	test "$(mvd_field einstein newton reachable)" = false
assert "newton is not connected at einstein" \
	test "$(mvd_field einstein newton connected)" = false
assert "nothing about newton reached penrose" \
	eval '! mvd_ctl penrose info newton >/dev/null 2>&1'
assert "newton sees nobody" test "$(mvd_field newton einstein reachable)" = false
assert "newton has no subnet of the mesh" test -z "$(mvd_subnet_owner newton 10.10.0.4)"

# ---- an impostor calling itself penrose ----

emark=$(mvd_log_mark einstein)
pmark=$(mvd_log_mark penrose)
endpoint=$(mvd_field einstein penrose endpoint)
topo_bg mallory "$MESHVPND" -c "$I" -D -d3 --pidfile "$MVD_DIR/impostor.pid" \
	--logfile="$MVD_DIR/impostor.log" >>"$MVD_DIR/impostor.stderr" 2>&1
MVD_PID[impostor]=$!
mvd_wait_ready impostor
assert "the impostor is refused" \
	mvd_wait_log_since 10 einstein "$emark" \
	"Peer penrose \(198\.51\.100\.66 port [0-9]+\) failed authentication"
kill -ALRM "${MVD_PID[impostor]}"
assert "... every time" \
	wait_for 5 eval '(( $(mvd_log_count einstein "Peer penrose \(198\.51\.100\.66 .* failed authentication") >= 2 ))'
assert "the real penrose is still connected to einstein" \
	test "$(mvd_field einstein penrose connected)" = true
conn_addr() {
	mvd_json einstein dump connections | "$MVD_PY" -c '
import json, sys
print(" ".join(c["address"].rsplit(":", 1)[0] for c in json.load(sys.stdin)
               if c["name"] == "penrose" and c["state"] == "active"))'
}
assert "einstein's only connection with penrose is the real one" \
	test "$(conn_addr)" = 198.51.100.4
assert "penrose's endpoint at einstein did not move" \
	test "$(mvd_field einstein penrose endpoint)" = "$endpoint"
penrose_undisturbed() {
	! mvd_logged_since penrose "$pmark" "(Closing connection|failed).*einstein"
}
assert "penrose's connection with einstein was not touched" penrose_undisturbed
assert "the impostor reaches nobody" \
	test "$(mvd_field impostor einstein reachable)" = false
assert_ping hawking 10.10.0.4 3 "hawking still reaches the real penrose"
assert "penrose is still reachable at hawking" \
	test "$(mvd_field hawking penrose reachable)" = true

# ---- StrictSubnets ----

assert "einstein refuses hawking's subnet that its host file lacks (log)" \
	mvd_logged einstein "Ignoring unauthorized Subnet 10\.99\.0\.0/24 of hawking"
assert "... it is not in einstein's subnets" \
	test -z "$(mvd_subnet_owner einstein 10.99.0.0/24)"
assert "... hawking's authorized subnet is" mvd_has_subnet einstein 10.10.0.3 hawking
assert "penrose, without StrictSubnets, accepts 10.99.0.0/24 from hawking" \
	wait_for 5 mvd_has_subnet penrose 10.99.0.0/24 hawking

# ---- garbage UDP ----

id_of() {
	mvd_field einstein "$1" id
}
# udp_stat NAME: einstein's count of dropped UDP messages of kind NAME.
udp_stat() {
	mvd_ctl einstein dump stats --json | "$MVD_PY" -c '
import json, sys
print(json.load(sys.stdin)["udp"][sys.argv[1]])' "$1"
}
phase=$(($(mvd_field einstein penrose session_generation) & 1))
malformed0=$(udp_stat malformed)
probe0=$(udp_stat probe_errors)
refused0=$(udp_stat relay_refused)
dec0=$(mvd_field einstein penrose decrypt_errors)
rx0=$(mvd_field einstein penrose rx_packets)
rel0=$(mvd_sum einstein relayed_packets hawking penrose)
udp junk
udp short
udp data "$phase" "$(id_of einstein)" "$(id_of penrose)"
udp probe "$phase" "$(id_of einstein)" "$(id_of penrose)"
udp relay "$phase" "$(id_of hawking)" "$(id_of penrose)"
dec_grew() {
	(($(mvd_field einstein penrose decrypt_errors) == dec0 + 1))
}
assert "a forged DATA message claiming to be penrose counts a decrypt error" \
	wait_for 3 dec_grew
assert "einstein is still running after garbage UDP" mvd_alive einstein
assert "nothing was received from penrose" \
	test "$(mvd_field einstein penrose rx_packets)" = "$rx0"
assert "nothing was relayed" \
	test "$(mvd_sum einstein relayed_packets hawking penrose)" = "$rel0"
# The short one reaches the daemon on both data paths; meshvpn.ko drops the
# junk and the relay request itself (it counts them in its link statistics).
assert "dump stats counts the malformed messages" \
	test "$(udp_stat malformed)" -ge $((malformed0 + 1))
assert "... and the probe that did not authenticate" \
	test "$(udp_stat probe_errors)" = $((probe0 + 1))
if [[ ${MVD_DATAPLANE:-} != kernel ]]; then
	assert "... both malformed ones (junk and short)" \
		test "$(udp_stat malformed)" = $((malformed0 + 2))
	assert "... and the refused relay request" \
		test "$(udp_stat relay_refused)" = $((refused0 + 1))
fi
assert "penrose's path at einstein is still direct, same endpoint" \
	test "$(mvd_field einstein penrose path) $(mvd_field einstein penrose endpoint)" = "direct $endpoint"
assert_ping einstein 10.10.0.4 3 "einstein still pings penrose"
assert_ping hawking 10.10.0.4 3 "hawking still pings penrose"

# protocol.md 9.4: "logged once per subnet".
n=$(mvd_log_count einstein "Ignoring unauthorized Subnet 10\.99\.0\.0/24 of hawking")
if ((n == 1)); then
	pass "the StrictSubnets refusal was logged once"
else
	fail "the StrictSubnets refusal was logged once" "logged $n times"
fi
mvd_assert_clean
summary
