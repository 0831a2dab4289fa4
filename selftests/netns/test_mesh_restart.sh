#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Restart without loss on meshvpn.ko: a daemon stopped with --keep-state,
# and a daemon that crashes, leave the kernel forwarding with the keys it
# has; the next meshvpnd takes the link over. An iperf3 transfer across
# both completes, and the kernel's counters grow while no daemon runs. A
# normal stop removes the link. Needs meshvpn.ko (the VM suite).
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
source "$TOP/selftests/lib/netns.sh"
source "$TOP/selftests/lib/meshvpnd.sh"
source "$TOP/selftests/lib/seed.sh"

[[ -d /sys/module/meshvpn ]] || skip_all "meshvpn.ko is not loaded"
topo_require iperf3
export MVD_DATAPLANE=kernel

topo_init
mvd_init
pair_build
mvd_start alice --keep-state
mvd_start bob
mvd_wait_ready alice
mvd_wait_ready bob
mvd_wait_field 20 alice bob path direct || fail "alice and bob go direct"
mvd_wait_field 20 bob alice path direct || fail "bob and alice go direct"

readies() {
	grep -c 'Ready' "$(mvd_log "$1")"
}
# ready_again NAME COUNT: the daemon logged Ready COUNT times.
ready_again() {
	[[ $(readies "$1") -ge $2 ]]
}
rx_at() {
	mvd_field "$1" "$2" rx_packets
}

topo_bg bob iperf3 -s -1 >"$MVD_DIR/iperf-s.log" 2>&1
sleep 0.5
# Long enough for both restarts even in the emulated VM.
topo_bg alice iperf3 -c 10.10.0.2 -t 40 >"$MVD_DIR/iperf-c.log" 2>&1
client=$!
sleep 3

# 1. alice stops with --keep-state and comes back.
mvd_stop alice
assert "alice's daemon is gone" mvd__gone alice
assert "the link stays (--keep-state)" topo_exec alice ip link show meshvpn0
r1=$(rx_at bob alice)
sleep 2
r2=$(rx_at bob alice)
assert "bob's kernel receives from alice while no daemon runs ($r1 -> $r2)" \
	test "${r2:-0}" -gt "${r1:-0}"
mvd_start alice --keep-state
wait_for 15 ready_again alice 2 || fail "alice's second meshvpnd gets ready"
assert "it took the link over" grep -q "Taking over meshvpn0" "$(mvd_log alice)"
assert "and found bob's keys there" grep -q "bob kept its keys" "$(mvd_log alice)"

# 2. bob crashes and comes back.
sleep 2
mvd_kill bob
assert "the link survives a crash" topo_exec bob ip link show meshvpn0
# Pings rather than iperf3's acks: a TCP sender in retransmission backoff
# may send nothing for seconds, and bob's acks with it.
r1=$(rx_at alice bob)
if topo_exec alice ping -n -q -c 5 -i 0.2 -w 6 10.10.0.2 >/dev/null 2>&1 &&
	r2=$(rx_at alice bob) && ((${r2:-0} > ${r1:-0})); then
	pass "bob's kernel answers alice's pings while his daemon is dead ($r1 -> $r2)"
else
	fail "bob's kernel answers alice's pings while his daemon is dead ($r1 -> ${r2:-})" \
		"$(for n in alice bob; do echo "== $n"; topo_exec "$n" "$MESHVPN_TOOL" link show meshvpn0; topo_exec "$n" ss -tin; done 2>&1)"
fi
mvd_start bob
wait_for 15 ready_again bob 2 || fail "bob's second meshvpnd gets ready"

if wait "$client"; then
	pass "the iperf3 transfer across both restarts completed"
else
	fail "the iperf3 transfer across both restarts completed" "$(cat "$MVD_DIR/iperf-c.log")"
fi
assert "no connection was lost" \
	eval '! grep -qi "error\|refused\|reset" "$MVD_DIR/iperf-c.log"'
assert_ping alice 10.10.0.2 3 "new sessions work after the restarts"
assert "bob has a session of its own again" \
	eval '[[ $(mvd_field bob alice session_generation) -ge 1 ]]'
assert "on the other key phase than the keys it inherited" \
	grep -q "generation 2" "$(mvd_log bob)"

# 3. A normal stop removes everything from the kernel.
kill -TERM "${MVD_PID[bob]}"
wait_for 10 mvd__gone bob
assert "a normal stop removes the link" \
	eval '! topo_exec bob ip link show meshvpn0 >/dev/null 2>&1'

summary
