#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Attacks on sessions (protocol.md section 10) from anyone who can send
# UDP, against real daemons: a captured INIT replayed from another address
# and from the initiator's own, a flood of SESSION messages, forged INITs
# under load (cookies), forged DATA that asks for handshakes, and DATA
# under a key past its rejection age. The victims run no handshake for
# any of them, keep their keys, count and log what they refused, and the
# tunnel keeps working.
#
#   einstein  198.51.100.1   hub                               10.10.0.1
#   newton    198.51.100.2   ConnectTo einstein                10.10.0.2
#   hawking   198.51.100.3   ConnectTo einstein                10.10.0.3
#   penrose   198.51.100.4   ConnectTo einstein                10.10.0.4
#   mallory   198.51.100.66  session_tool.py: sniffs, replays, forges
#
# A SESSION goes over UDP only when no meta route is left (einstein
# stopped) and a direct path is: that is when an eavesdropper sees INITs.
#
# With MVD_DATAPLANE=kernel (selftests/vm/tests/hostile_session_kernel.sh)
# the SESSION attacks run the same: meshvpn.ko hands every message but
# DATA to the daemon. DATA is the module's: it asks for no handshake on
# DATA it cannot open and refuses keys past their age itself, so the
# daemon's counters of those are not checked and the old key is not
# waited for.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
source "$TOP/selftests/lib/netns.sh"
source "$TOP/selftests/lib/meshvpnd.sh"
source "$TOP/selftests/lib/seed.sh"

topo_init
mvd_init

star_build newton hawking penrose
topo_node mallory wan 198.51.100.66/24
TOOL=$TOP/selftests/hostile/session_tool.py
USERSPACE=1
[[ ${MVD_DATAPLANE:-} != kernel ]] || USERSPACE=0
# Keepalive probes every 2 s: direct paths outlive the hub.
for n in hawking penrose newton; do
	mvd_conf "$n" "PingInterval = 6"
done

tool() {
	local node=$1
	shift
	topo_exec "$node" "$MVD_PY" "$TOOL" "$@"
}

id_of() {
	mvd_field einstein "$1" id
}

# stat_of NODE SECTION NAME: a counter of NODE's "dump stats --json"; for
# SECTION limits, NAME's refusals.
stat_of() {
	mvd_ctl "$1" dump stats --json | "$MVD_PY" -c '
import json, sys
v = json.load(sys.stdin)[sys.argv[1]][sys.argv[2]]
print(v["refused"] if isinstance(v, dict) else v)' "$2" "$3"
}

established() {
	mvd_log_count "$1" "Session with $2 established"
}

star_start
assert "hawking sees penrose" mvd_wait_field 10 hawking penrose reachable true
assert "penrose sees newton" mvd_wait_field 10 penrose newton reachable true
assert "hawking sees newton" mvd_wait_field 10 hawking newton reachable true
ID_H=$(id_of hawking)
ID_P=$(id_of penrose)
ID_N=$(id_of newton)

# ---- forged DATA claiming a known node asks for no handshake ----

assert_ping penrose 10.10.0.1 2 "penrose pings einstein (its relay to newton)"
assert "penrose's path to einstein is direct" \
	mvd_wait_field 10 penrose einstein path direct
refused0=$(stat_of penrose limits NoKeyHandshakeInterval)
for i in 1 2 3 4 5 6; do
	tool mallory data 198.51.100.4 "$ID_P" "$ID_N" $((i & 1)) 5
	sleep 0.5
done
nokey_refused() {
	(($(stat_of penrose limits NoKeyHandshakeInterval) >= refused0 + 1))
}
if ((USERSPACE)); then
	assert "forged DATA claiming newton is refused as a handshake trigger (counted)" \
		wait_for 3 nokey_refused
	assert "... and logged" mvd_logged penrose \
		"DATA from newton under a key we lack, not from its path: no handshake"
fi
assert "penrose started no handshake with newton for it" \
	eval '! mvd_logged penrose "Starting session handshake with newton"'
assert_ping penrose 10.10.0.2 2 "penrose and newton still agree on a session when they need one"

# ---- a DATA message newton never got, kept for later (old key) ----

if ((USERSPACE)); then
	# A 1000-byte ping makes a 1076-byte UDP DATA message; newton drops it
	# before its daemon sees it, and the sniffer keeps a copy.
	topo_exec newton nft -f - <<<'table inet hostile { chain input {
		type filter hook input priority 0; udp dport 655 udp length 1076 drop; }; }'
	assert_ping hawking 10.10.0.2 2 "hawking pings newton"
	tool newton sniff "$MVD_DIR/old_data.hex" 198.51.100.3 1 1076 20 &
	sniffer=$!
	sleep 1
	topo_exec hawking ping -n -c 1 -s 1000 -W 1 10.10.0.2 >/dev/null 2>&1
	wait "$sniffer"
	assert "a DATA message from hawking to newton was captured and dropped" \
		test -s "$MVD_DIR/old_data.hex"
	captured_at=$SECONDS
	topo_exec newton nft delete table inet hostile
fi

# ---- capture an INIT on the wire ----

assert_ping hawking 10.10.0.4 3 "hawking pings penrose"
assert "hawking's path to penrose is direct" \
	mvd_wait_field 10 hawking penrose path direct
assert "penrose's path to hawking is direct" \
	mvd_wait_field 10 penrose hawking path direct
mvd_stop einstein
assert "without einstein, penrose is unreachable in hawking's graph" \
	mvd_wait_field 10 hawking penrose reachable false
assert_ping hawking 10.10.0.4 3 "... and still pinged over the direct path"

# hawking agrees on new keys with penrose: its INIT goes over UDP. On the
# userspace path, DATA under the key phase it has no key for, as if from
# penrose's endpoint, asks for that; meshvpn.ko asks when it lost the key
# it sends with.
gen0=$(mvd_field hawking penrose session_generation)
tool penrose sniff "$MVD_DIR/init.hex" 198.51.100.3 4 0 20 &
sniffer=$!
sleep 1
if ((USERSPACE)); then
	tool mallory data 198.51.100.3 "$ID_H" "$ID_P" $((1 - (gen0 & 1))) 1 198.51.100.4
else
	topo_exec hawking "$MESHVPN_TOOL" key del "$MVD_IFACE" "$ID_P" slot current
	topo_exec hawking ping -n -c 1 -W 1 10.10.0.4 >/dev/null 2>&1
fi
wait "$sniffer"
assert "an INIT from hawking to penrose was captured on the wire" \
	test -s "$MVD_DIR/init.hex"
assert "hawking and penrose agreed on the next generation" \
	mvd_wait_field 10 penrose hawking session_generation $((gen0 + 1))
assert "penrose switched to it on hawking's confirmation" \
	mvd_wait_log 5 penrose "hawking holds the keys of generation $((gen0 + 1))"
gen1=$((gen0 + 1))

# ---- replay it ----

est0=$(established penrose hawking)
wrong0=$(stat_of penrose session wrong_source)
stale0=$(stat_of penrose session stale_init)
sig0=$(stat_of penrose session bad_signature)
mark=$(mvd_log_mark penrose)
tool mallory replay "$MVD_DIR/init.hex" 198.51.100.4 3
assert "the INIT replayed from mallory's address is refused (counted)" \
	wait_for 3 eval '(($(stat_of penrose session wrong_source) == wrong0 + 3))'
assert "... and logged" mvd_logged_since penrose "$mark" \
	"Session message from hawking \(198\.51\.100\.66 port [0-9]+\), not its endpoint: ignored"
tool mallory replay "$MVD_DIR/init.hex" 198.51.100.4 3 198.51.100.3
assert "the INIT replayed from hawking's own address is refused (counted)" \
	wait_for 3 eval '(($(stat_of penrose session stale_init) == stale0 + 3))'
assert "... and logged" mvd_logged_since penrose "$mark" \
	"Session INIT from hawking is not newer than the last one: replayed, ignored"
sleep 6	# longer than a responder used to wait before it switched keys
assert "penrose ran no handshake for the replays" \
	test "$(established penrose hawking)" = "$est0"
assert "... checked no signature" test "$(stat_of penrose session bad_signature)" = "$sig0"
assert "... and kept its keys" \
	test "$(mvd_field penrose hawking session_generation)" = "$gen1"
assert_ping hawking 10.10.0.4 3 "hawking still pings penrose"

# ---- a flood of SESSION messages from another address ----

topo_exec hawking ping -n -c 10 -i 0.3 -W 2 10.10.0.4 >"$MVD_DIR/flood_ping.out" 2>&1 &
pinger=$!
tool mallory replay "$MVD_DIR/init.hex" 198.51.100.4 20000
wait "$pinger"
got=$(grep -c 'bytes from' "$MVD_DIR/flood_ping.out")
if ((got >= 5)); then
	pass "pings cross the tunnel during a flood of 20000 replayed INITs ($got/10)"
else
	fail "pings cross the tunnel during a flood of 20000 replayed INITs" \
		"$got/10 answered"
fi
wrong1=$(stat_of penrose session wrong_source)
assert "the flood was refused before any other check (counted: $((wrong1 - wrong0 - 3)))" \
	test $((wrong1 - wrong0 - 3)) -gt 0
assert "... with no signature checked" \
	test "$(stat_of penrose session bad_signature)" = "$sig0"
assert "... no handshake run, keys kept" \
	test "$(established penrose hawking) $(mvd_field penrose hawking session_generation)" = "$est0 $gen1"

# ---- forged INITs from hawking's address: rate limit, then cookies ----

rate0=$(stat_of penrose limits SessionInitRate)
cookie0=$(stat_of penrose limits SessionCookieLoad)
badcookie0=$(stat_of hawking session bad_cookie)
mark=$(mvd_log_mark penrose)
tool mallory inits "$MVD_DIR/init.hex" 198.51.100.4 300 198.51.100.3
sleep 1
sig1=$(stat_of penrose session bad_signature)
assert "forged INITs: at most SessionInitRate's burst had their signature checked ($((sig1 - sig0)))" \
	test $((sig1 - sig0)) -ge 1 -a $((sig1 - sig0)) -le 10
assert "... the peer's rate limit refused more (counted)" \
	test "$(stat_of penrose limits SessionInitRate)" -gt "$rate0"
assert "... and under load the rest got a cookie (counted)" \
	test "$(stat_of penrose limits SessionCookieLoad)" -gt "$cookie0"
assert "... logged" mvd_logged_since penrose "$mark" \
	"Under load \(SessionCookieLoad 50/s\): answering an INIT of hawking with a cookie"
assert "the cookies went to hawking's real address, which ignored them" \
	wait_for 3 eval '(($(stat_of hawking session bad_cookie) > badcookie0))'
assert "penrose ran no handshake for them" \
	test "$(established penrose hawking) $(mvd_field penrose hawking session_generation)" = "$est0 $gen1"
assert_ping hawking 10.10.0.4 3 "hawking still pings penrose"

# ---- DATA under a key past its rejection age ----

if ((USERSPACE)); then
	# MESHVPN_REJECT_AFTER_SECONDS (180) after the key was made, but before
	# a second rekey (240) replaces it.
	wait_s=$((captured_at + 185 - SECONDS))
	((wait_s <= 0)) || sleep "$wait_s"
	expired0=$(stat_of newton session expired_key)
	rx0=$(mvd_field newton hawking rx_packets)
	tool mallory replay "$MVD_DIR/old_data.hex" 198.51.100.2 1
	assert "DATA under a key older than 180 s is refused (counted)" \
		wait_for 3 eval '(($(stat_of newton session expired_key) == expired0 + 1))'
	assert "... and not delivered" test "$(mvd_field newton hawking rx_packets)" = "$rx0"
	assert_ping hawking 10.10.0.2 2 "hawking still pings newton"
fi

mvd_assert_clean
summary
