# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
#
# Path plug-in "meshvpnd": meshvpnd's userspace data path (TUN), two nodes,
# A connects to B, ChaCha20-Poly1305 (the default). meshvpnd-aes.sh and
# meshvpnd-none.sh reuse it with another Cipher.
# See Documentation/performance.md for the plug-in interface.

# shellcheck disable=SC2034 # read by the framework
DESC="meshvpnd userspace data path (TUN), chacha20-poly1305, Ed25519 keys"
# shellcheck disable=SC2034
SUITES="host vm"

MESHVPND_CIPHER=${MESHVPND_CIPHER:-chacha20-poly1305}
MESHVPND_DATAPLANE=${MESHVPND_DATAPLANE:-userspace}
MESHVPND_PORT=655

available() {
	[[ -x $TOP/build/meshvpnd && -x $TOP/build/meshvpn ]] || {
		echo "meshvpnd is not built (make userspace)"
		return 1
	}
	[[ -c /dev/net/tun ]] || {
		echo "no /dev/net/tun"
		return 1
	}
	if [[ $MESHVPND_DATAPLANE == kernel && ! -d /sys/module/meshvpn ]]; then
		echo "meshvpn.ko is not loaded"
		return 1
	fi
}

# meshvpnd_write_node SIDE UNDERLAY_ADDR TUNNEL_ADDR [CONNECT_TO]
meshvpnd_write_node() {
	local side=$1 ul=$2 tun=$3 connect=${4:-} dir=$WORK/meshvpnd-$1
	mkdir -p "$dir/hosts"
	{
		echo "Name = node_$side"
		echo "Interface = mv_$side"
		echo "Cipher = $MESHVPND_CIPHER"
		echo "DataPlane = $MESHVPND_DATAPLANE"
		[[ -z $connect ]] || echo "ConnectTo = node_$connect"
	} >"$dir/meshvpn.conf"
	{
		echo "Address = $ul"
		echo "Port = $MESHVPND_PORT"
		echo "Subnet = $tun/32"
	} >"$dir/hosts/node_$side"
	cat >"$dir/meshvpn-up" <<-EOS
		#!/bin/sh
		ip addr add $tun/$TUN_PREFIX dev "\$INTERFACE"
		ip link set "\$INTERFACE" up
	EOS
	chmod 755 "$dir/meshvpn-up"
	"$TOP/build/meshvpnd" -c "$dir" -K >"$LOGDIR/keygen-$side.log" 2>&1 ||
		bench_fail "meshvpnd -K failed (see $LOGDIR/keygen-$side.log)"
}

prepare() {
	meshvpnd_write_node a "$UL_A" "$TUN_A_ADDR" b
	meshvpnd_write_node b "$UL_B" "$TUN_B_ADDR"
	cp "$WORK/meshvpnd-a/hosts/node_a" "$WORK/meshvpnd-b/hosts/"
	cp "$WORK/meshvpnd-b/hosts/node_b" "$WORK/meshvpnd-a/hosts/"
}

meshvpnd_b_listening() {
	ip netns exec "$NS_B" ss -Hltn "sport = :$MESHVPND_PORT" | grep -q .
}

meshvpnd_start() {
	bench_daemon "$2" "$TOP/build/meshvpnd" -c "$WORK/meshvpnd-$1" -D \
		--pidfile="$WORK/meshvpnd-$1.pid" --logfile="$LOGDIR/meshvpnd-$1.log" \
		>>"$LOGDIR/meshvpnd-$1.out" 2>&1
}

setup() {
	meshvpnd_start b "$NS_B"
	bench_wait_for 10 meshvpnd_b_listening || bench_fail "meshvpnd of node_b does not listen"
	meshvpnd_start a "$NS_A"
	TUN_A=$TUN_A_ADDR
	TUN_B=$TUN_B_ADDR
}

# Until a probe answered, packets go over the meta connection (TCP).
direct_path() {
	"$TOP/build/meshvpn" --pidfile "$WORK/meshvpnd-a.pid" info node_b 2>/dev/null |
		grep -q ' direct '
}

ready() {
	bench_wait_for "$BENCH_READY_TIMEOUT" direct_path
}
