# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
#
# Path plug-in "tinc": tinc 1.0 with its default configuration (cipher
# aes-256-cbc, digest sha256, RSA-2048 keys), Mode = router, two nodes, A
# connects to B.  tinc-none.sh reuses it with Cipher/Digest = none.
# See Documentation/performance.md for the plug-in interface.

# shellcheck disable=SC2034 # read by the framework
DESC="tinc 1.0 default config: aes-256-cbc + sha256, RSA-2048, Mode = router"
# shellcheck disable=SC2034
SUITES="host vm"

# Extra lines for both host files (tinc-none.sh sets them).
TINC_HOST_OPTIONS=""
TINC_PORT=655
TINC_PID_A=""

available() {
	command -v tincd >/dev/null 2>&1 || {
		echo "tincd is not installed (apt-get install tinc)"
		return 1
	}
	[[ -c /dev/net/tun ]] || {
		echo "no /dev/net/tun"
		return 1
	}
}

# tinc_write_node SIDE UNDERLAY_ADDR TUNNEL_ADDR [CONNECT_TO]
tinc_write_node() {
	local side=$1 ul=$2 tun=$3 connect=${4:-} dir=$WORK/tinc-$1
	mkdir -p "$dir/hosts"
	{
		echo "Name = node_$side"
		echo "Mode = router"
		echo "Interface = tinc_$side"
		[[ -z $connect ]] || echo "ConnectTo = node_$connect"
	} >"$dir/tinc.conf"
	{
		echo "Address = $ul"
		echo "Port = $TINC_PORT"
		echo "Subnet = $tun/32"
		[[ -z $TINC_HOST_OPTIONS ]] || printf '%s\n' "$TINC_HOST_OPTIONS"
	} >"$dir/hosts/node_$side"
	cat >"$dir/tinc-up" <<-EOS
		#!/bin/sh
		ip addr add $tun/$TUN_PREFIX dev "\$INTERFACE"
		ip link set "\$INTERFACE" up
	EOS
	chmod 755 "$dir/tinc-up"
	# -K appends the public key to hosts/node_SIDE; with stdin not a
	# terminal it takes the default file names without asking.
	tincd -c "$dir" -K </dev/null >"$LOGDIR/keygen-$side.log" 2>&1 ||
		bench_fail "tincd -K failed (see $LOGDIR/keygen-$side.log)"
}

# Keys and configuration: not part of the setup time.
prepare() {
	tinc_write_node a "$UL_A" "$TUN_A_ADDR" b
	tinc_write_node b "$UL_B" "$TUN_B_ADDR"
	cp "$WORK/tinc-a/hosts/node_a" "$WORK/tinc-b/hosts/"
	cp "$WORK/tinc-b/hosts/node_b" "$WORK/tinc-a/hosts/"
}

tinc_b_listening() {
	ip netns exec "$NS_B" ss -Hltn "sport = :$TINC_PORT" | grep -q .
}

# tinc_start SIDE NS: tincd in the foreground (-D), logging to LOGDIR.
tinc_start() {
	bench_daemon "$2" tincd -c "$WORK/tinc-$1" -D \
		--pidfile="$WORK/tinc-$1.pid" --logfile="$LOGDIR/tincd-$1.log" \
		>>"$LOGDIR/tincd-$1.out" 2>&1
}

# B first, and A only once B listens: otherwise A's first connection
# attempt fails and tinc retries 5 s later, which would be measured.
setup() {
	tinc_start b "$NS_B"
	bench_wait_for 10 tinc_b_listening || bench_fail "tincd of node_b does not listen"
	tinc_start a "$NS_A"
	TINC_PID_A=$!
	TUN_A=$TUN_A_ADDR
	TUN_B=$TUN_B_ADDR
}

# True once A's path MTU discovery towards B has converged: until then
# tinc sends packets above the probed minimum over its TCP meta connection,
# which would distort the first seconds of a measurement.  SIGUSR2 makes
# tincd log its node list: " node_b at ... pmtu 1451 (min 1451 max 1451)".
tinc_pmtu_fixed() {
	kill -USR2 "$TINC_PID_A" 2>/dev/null || return 1
	sleep 0.5
	grep ' node_b at .* pmtu ' "$LOGDIR/tincd-a.log" | tail -n1 |
		grep -qE '\(min ([0-9]+) max \1\)'
}

# tinc's equivalent of "direct": every packet size goes over UDP.
direct_path() {
	tinc_pmtu_fixed
}

ready() {
	bench_wait_for "$BENCH_READY_TIMEOUT" tinc_pmtu_fixed
}
