#!/usr/bin/env bash
#
# Self-test of topo_nat: the NAT behaviours meshvpn's NAT traversal tests
# will rely on.
#
#   server 198.51.100.1, 2001:db8::1       other 198.51.100.2
#      |                                     |
#   ------------------------------------------------------- wan
#      | .11 / ::11         | .12            | .13               | .14
#    nat1 (cone,           nat2 (cone)     nat3 (symmetric)    nat4 (no filter)
#      |  udp 6655->c1:655)  |                |                   |
#    c1 192.168.1.2        c2 192.168.2.2  c3 192.168.3.2      c4 192.168.4.2
#       2001:db8:1::2
#
# Then the presets of the NAT lab (selftests/lib/nat.sh): one site per
# preset, each checked for its mapping and filtering behaviour, the
# `plain` router's port collision (the cause of the field failure in
# issue 16) and the router hops between sites.

set -euo pipefail
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source-path=SCRIPTDIR/../.. source=selftests/lib/netns.sh
source "$TOP/selftests/lib/netns.sh"
# shellcheck source-path=SCRIPTDIR/../.. source=selftests/lib/nat.sh
source "$TOP/selftests/lib/nat.sh"

topo_require ss
# The distribution's python: a version-manager shim can take seconds to
# start, longer than the timeouts below.
PY=/usr/bin/python3
[[ -x $PY ]] || PY=$(command -v python3) || skip_all "python3 is not installed"
topo_init
tmp=$(mktemp -d)
topo_defer rm -rf "$tmp"

topo_switch wan
topo_node server wan 198.51.100.1/24 2001:db8::1/64
topo_node other wan 198.51.100.2/24
topo_switch lan1
topo_nat nat1 wan 198.51.100.11/24,2001:db8::11/64 lan1 192.168.1.1/24,2001:db8:1::1/64 \
	--forward udp:6655:192.168.1.2:655
topo_node c1 lan1 192.168.1.2/24,2001:db8:1::2/64 --gw 192.168.1.1 --gw 2001:db8:1::1
topo_switch lan2
topo_nat nat2 wan 198.51.100.12/24 lan2 192.168.2.1/24
topo_node c2 lan2 192.168.2.2/24 --gw 192.168.2.1
topo_switch lan3
topo_nat nat3 wan 198.51.100.13/24 lan3 192.168.3.1/24 --symmetric
topo_node c3 lan3 192.168.3.2/24 --gw 192.168.3.1
topo_switch lan4
topo_nat nat4 wan 198.51.100.14/24 lan4 192.168.4.1/24 --no-filter
topo_node c4 lan4 192.168.4.2/24 --gw 192.168.4.1
# IPv6 behind nat1 is routed, not translated.
topo_exec server ip -6 route add 2001:db8:1::/64 via 2001:db8::11

# A small UDP tool, IPv4 and IPv6.  Every command prints what it saw as
# "ADDR:PORT" and exits 1 on timeout.
cat >"$tmp/udp.py" <<'EOF'
import select, socket, sys, time

def sock(lport=0, host=None):
    fam = socket.AF_INET6 if host is None or ":" in host else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    if fam == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.bind(("::" if fam == socket.AF_INET6 else "0.0.0.0", lport))
    return s

def name(addr):
    host = addr[0][7:] if addr[0].startswith("::ffff:") else addr[0]
    return "%s:%d" % (host, addr[1])

cmd, args = sys.argv[1], sys.argv[2:]
if cmd == "echo":
    # echo PORT...: answer every datagram with the address it came from.
    socks = [sock(int(p)) for p in args]
    while True:
        for s in select.select(socks, [], [])[0]:
            data, peer = s.recvfrom(2048)
            s.sendto(name(peer).encode(), peer)
elif cmd == "ask":
    # ask HOST PORT [LPORT]: what does the echo server see us as?
    host, port = args[0], int(args[1])
    s = sock(int(args[2]) if len(args) > 2 else 0, host)
    s.settimeout(0.25)
    for _ in range(20):
        s.sendto(b"?", (host, port))
        try:
            print(s.recv(2048).decode())
            sys.exit(0)
        except socket.timeout:
            pass
    sys.exit(1)
elif cmd == "listen":
    # listen PORT SECS: wait for one datagram, answer it, print its source.
    s = sock(int(args[0]))
    s.settimeout(float(args[1]))
    try:
        data, peer = s.recvfrom(2048)
    except socket.timeout:
        sys.exit(1)
    s.sendto(b"pong", peer)
    print(name(peer))
elif cmd == "send":
    # send HOST PORT [LPORT]: a few datagrams, no answer expected.
    host, port = args[0], int(args[1])
    s = sock(int(args[2]) if len(args) > 2 else 0, host)
    for _ in range(10):
        s.sendto(b"!", (host, port))
        time.sleep(0.05)
elif cmd == "punch":
    # punch LPORT PEER PPORT SECS: send to the peer until it is heard.
    lport, peer, pport, secs = int(args[0]), args[1], int(args[2]), float(args[3])
    s = sock(lport, peer)
    s.settimeout(0.1)
    heard, end = None, time.time() + secs
    while heard is None and time.time() < end:
        s.sendto(b"punch", (peer, pport))
        try:
            heard = s.recvfrom(2048)[1]
        except socket.timeout:
            pass
    # Keep going a little so the other side hears us too.
    for _ in range(10):
        s.sendto(b"punch", (peer, pport))
        time.sleep(0.05)
    if heard is None:
        sys.exit(1)
    print(name(heard))
EOF
udp() {
	local node=$1
	shift
	topo_exec "$node" "$PY" "$tmp/udp.py" "$@"
}
udp_listening() {
	topo_exec "$1" ss -Hlun "sport = :$2" | grep -q .
}
expect() {
	[[ $1 == "$2" ]] || {
		echo "got '$1', want '$2'"
		return 1
	}
}

topo_bg server "$PY" "$tmp/udp.py" echo 5000 5001 >"$tmp/echo.log" 2>&1
wait_for 5 udp_listening server 5001 ||
	fail "echo server" "not listening: $(cat "$tmp/echo.log")"

# --- mapping ---------------------------------------------------------------

# Cone NAT: the inside port is kept, whatever the destination.
assert "cone NAT keeps the port (to :5000)" \
	expect "$(udp c1 ask 198.51.100.1 5000 40000)" 198.51.100.11:40000
assert "cone NAT keeps the port (to :5001)" \
	expect "$(udp c1 ask 198.51.100.1 5001 40000)" 198.51.100.11:40000

# Symmetric NAT: a new random port for each destination.
a=$(udp c3 ask 198.51.100.1 5000 40000) || a="no answer"
b=$(udp c3 ask 198.51.100.1 5001 40000) || b="no answer"
symmetric() {
	[[ $a == 198.51.100.13:* && $b == 198.51.100.13:* && $a != "$b" &&
		$a != *:40000 ]] || {
		echo "seen as $a and $b"
		return 1
	}
}
assert "symmetric NAT maps per destination" symmetric

# --- filtering -------------------------------------------------------------

# listen_bg NODE PORT OUT: a one-datagram listener in the background
# (2 s); $! is its pid afterwards.
listen_bg() {
	topo_bg "$1" "$PY" "$tmp/udp.py" listen "$2" 2 >"$3" 2>&1
	wait_for 5 udp_listening "$1" "$2" || fail "listener on $1:$2" "not listening"
}

# c1 talks to the server from port 41000: the server's answers get in,
# another host sending to the same public port does not (port-restricted).
udp c1 ask 198.51.100.1 5000 41000 >/dev/null ||
	fail "c1 reaches the echo server" "no answer"
listen_bg c1 41000 "$tmp/l1"
pid=$!
udp other send 198.51.100.11 41000
# (wait here, not inside assert: assert runs its command in a subshell,
# which cannot wait for this shell's children.)
if wait "$pid"; then
	fail "unsolicited UDP from another host is dropped" "c1 heard $(cat "$tmp/l1")"
else
	pass "unsolicited UDP from another host is dropped"
fi

# Port forward: udp 6655 on nat1's outside goes to c1:655; the answer
# comes back from the forwarded port.
listen_bg c1 655 "$tmp/l2"
pid=$!
fwd_answer=$(udp other ask 198.51.100.11 6655) || fwd_answer="no answer"
wait "$pid" 2>/dev/null || true
from_other() {
	[[ $(cat "$1") == 198.51.100.2:* ]] || {
		echo "heard: $(cat "$1")"
		return 1
	}
}
assert "port forward reaches the inside host" from_other "$tmp/l2"
assert "port forward answer gets back out" expect "$fwd_answer" pong

# No filter: routed traffic to the inside host gets in.
topo_exec server ip route add 192.168.4.0/24 via 198.51.100.14
assert_ping server 192.168.4.2
topo_exec server ip route add 192.168.1.0/24 via 198.51.100.11
assert_no_ping server 192.168.1.2
# The router answers pings on its outside address even when filtering.
assert_ping server 198.51.100.11

# --- IPv6: routed through nat1, stateful filter only ------------------------

assert "IPv6 is not translated" \
	expect "$(udp c1 ask 2001:db8::1 5000 40000)" "2001:db8:1::2:40000"
assert_ping c1 2001:db8::1
assert_no_ping server 2001:db8:1::2

# --- hole punching ---------------------------------------------------------

# punch A A_PUBLIC A_PORT B B_PUBLIC B_PORT SECS: A and B punch towards
# each other's public address at the same time; A's and B's findings go to
# $tmp/punch.a and $tmp/punch.b.
punch() {
	local pid rc=0
	topo_bg "$4" "$PY" "$tmp/udp.py" punch "$6" "$2" "$3" "$7" \
		>"$tmp/punch.b" 2>&1
	pid=$!
	udp "$1" punch "$3" "$5" "$6" "$7" >"$tmp/punch.a" 2>&1 || rc=1
	wait "$pid" || rc=1
	return "$rc"
}
name="UDP hole punching between two cone NATs"
if punch c1 198.51.100.11 41500 c2 198.51.100.12 42500 5 &&
	[[ $(cat "$tmp/punch.a") == 198.51.100.12:42500 &&
		$(cat "$tmp/punch.b") == 198.51.100.11:41500 ]]; then
	pass "$name"
else
	fail "$name" "c1 heard: $(cat "$tmp/punch.a"); c2 heard: $(cat "$tmp/punch.b")"
fi
# Through a symmetric NAT the guessed port (the inside one) is wrong.
name="no hole punching through a symmetric NAT by guessing"
if punch c1 198.51.100.11 41600 c3 198.51.100.13 43600 2; then
	fail "$name" "c1 heard: $(cat "$tmp/punch.a"); c3 heard: $(cat "$tmp/punch.b")"
else
	pass "$name"
fi

# --- the NAT lab's presets ---------------------------------------------------

nat_init
for preset in public public home plain fullcone symmetric cgnat; do
	site=s$preset
	[[ -z ${NAT_K[$site]:-} ]] || site=${site}2
	nat_site "$site" "$preset"
done
nat_host echo1 spublic
nat_host echo2 spublic2
for preset in home plain fullcone symmetric cgnat; do
	nat_host "l$preset" "s$preset"
done
nat_host lhome2 shome 3
e1=${NAT_ADDR[echo1]} e2=${NAT_ADDR[echo2]}
topo_bg echo1 "$PY" "$tmp/udp.py" echo 5000 5001 >"$tmp/echo1.log" 2>&1
wait_for 5 udp_listening echo1 5001 ||
	fail "lab echo server" "not listening: $(cat "$tmp/echo1.log")"

# seen_as LEAF DEST PORT LPORT: the address DEST's echo server sees.
seen_as() {
	udp "$1" ask "$2" "$3" "$4" || echo "no answer"
}
pub() {
	printf '%s' "${NAT_PUBLIC[$1]}"
}

assert "public: seen as itself" \
	expect "$(seen_as echo2 "$e1" 5000 40000)" "$e2:40000"
for preset in home plain fullcone; do
	assert "$preset: port-preserving (EIM), to :5000" \
		expect "$(seen_as "l$preset" "$e1" 5000 40000)" "$(pub "s$preset"):40000"
	assert "$preset: same mapping to :5001" \
		expect "$(seen_as "l$preset" "$e1" 5001 40000)" "$(pub "s$preset"):40000"
done
for preset in symmetric cgnat; do
	a=$(seen_as "l$preset" "$e1" 5000 40000)
	b=$(seen_as "l$preset" "$e1" 5001 40000)
	# (assert runs its command in a subshell: a and b are passed.)
	per_destination() {
		[[ $1 == "$3":* && $2 == "$3":* && $1 != "$2" ]] || {
			echo "seen as $1 and $2"
			return 1
		}
	}
	assert "$preset: a new mapping per destination (EDM)" \
		per_destination "$a" "$b" "$(pub "s$preset")"
done

# unsolicited LEAF PORT: after LEAF talked to echo1 from PORT, does a
# datagram from echo2 to the same public port reach it?
unsolicited() {
	local pid
	udp "$1" ask "$e1" 5000 "$2" >/dev/null || return 2
	topo_bg "$1" "$PY" "$tmp/udp.py" listen "$2" 2 >"$tmp/u.$1" 2>&1
	pid=$!
	wait_for 5 udp_listening "$1" "$2" || return 2
	udp echo2 send "$(pub "s${1#l}")" "$2"
	wait "$pid"
}
for preset in home plain symmetric cgnat; do
	if unsolicited "l$preset" 41000; then
		fail "$preset: filters by endpoint (EDF)" "heard $(cat "$tmp/u.l$preset")"
	else
		pass "$preset: filters by endpoint (EDF)"
	fi
done
if unsolicited lfullcone 41000; then
	pass "fullcone: anyone reaches a mapped port (EIF)"
else
	fail "fullcone: anyone reaches a mapped port (EIF)" "nothing heard"
fi

# The field failure of issue 16: a datagram from echo2:5002 to the router's
# public port 45000 arrives before the leaf sends from 45000 to echo2:5002.
# `plain` answers it itself and keeps the conntrack entry, so the leaf's
# mapping to echo2 moves to another port; `home` drops it unconfirmed.
collide() {
	udp echo2 send "$(pub "s$1")" 45000 5002
	topo_bg echo2 "$PY" "$tmp/udp.py" echo 5002 >"$tmp/echo2.log" 2>&1
	local pid=$!
	wait_for 5 udp_listening echo2 5002 || return 1
	seen_as "l$1" "$e2" 5002 45000
	kill "$pid"
	wait "$pid" 2>/dev/null || true
}
assert "home: an early datagram from the peer leaves the port alone" \
	expect "$(collide home)" "$(pub shome):45000"
moved() {
	[[ $1 == "$2":* && $1 != "$2":45000 ]] || {
		echo "seen as $1"
		return 1
	}
}
assert "plain: an early datagram from the peer moves the mapping" \
	moved "$(collide plain)" "$(pub splain)"

# Two ISP routers between any two NAT routers: TTL 3 from a leaf opens its
# NAT and dies before the other site's router; TTL 4 reaches it.
assert "TTL 3 dies between the routers" \
	eval "! topo_exec lhome ping -c 1 -W 1 -t 3 $(pub splain) >/dev/null"
assert "TTL 4 reaches it" \
	eval "topo_exec lhome ping -c 1 -W 1 -t 4 $(pub splain) >/dev/null"
# Behind cgnat, TTL 3 leaves both NATs: it dies at the site's ISP router.
cgn_isp=203.0.113.$((16 * NAT_K[scgnat] + 1))
# (ping fails, having no reply: its output is what counts.)
exceeded_at() {
	local out
	out=$(topo_exec lcgnat ping -n -c 1 -W 1 -t 3 "$e1" 2>&1) || true
	grep -q "From $1 .*exceeded" <<<"$out" || {
		echo "$out"
		return 1
	}
}
assert "behind cgnat, TTL 3 leaves both NATs" exceeded_at "$cgn_isp"
assert "two leaves on one LAN reach each other without a router" \
	eval "topo_exec lhome ping -c 1 -W 1 -t 1 ${NAT_ADDR[lhome2]} >/dev/null"

summary
