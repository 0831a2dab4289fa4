# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
#
# Path plug-in "wireguard-go": userspace WireGuard (the Go implementation,
# ChaCha20-Poly1305) on a tun device, configured with wg.  Host suite only:
# in the VM the kernel's WireGuard is the reference (wireguard.sh).
# See Documentation/performance.md for the plug-in interface.

# shellcheck disable=SC2034 # read by the framework
DESC="wireguard-go (userspace WireGuard, tun), ChaCha20-Poly1305"
# shellcheck disable=SC2034
SUITES="host"

WG_PORT=51820
# wireguard-go's control sockets live in /var/run/wireguard, which all
# namespaces share: the interface names must be unique on the machine.
WG_IF_A=""
WG_IF_B=""

available() {
	local c
	for c in wireguard-go wg; do
		command -v "$c" >/dev/null 2>&1 || {
			echo "$c is not installed"
			return 1
		}
	done
	[[ -c /dev/net/tun ]] || {
		echo "no /dev/net/tun"
		return 1
	}
}

prepare() {
	local side
	WG_IF_A="mvbwg${BASHPID}a"
	WG_IF_B="mvbwg${BASHPID}b"
	umask 077
	for side in a b; do
		wg genkey >"$WORK/$side.key"
		wg pubkey <"$WORK/$side.key" >"$WORK/$side.pub"
	done
}

# wggo_socket_exists IFNAME
wggo_socket_exists() {
	[[ -S /var/run/wireguard/$1.sock ]]
}

# wggo_start NS IFNAME SIDE PEER UNDERLAY_PEER TUN_ADDR TUN_PEER
wggo_start() {
	local ns=$1 ifname=$2 side=$3 peer=$4 ul_peer=$5 tun=$6 tun_peer=$7
	# Foreground (-f): in daemon mode wireguard-go exits here, and the
	# framework must own the process.
	bench_daemon "$ns" wireguard-go -f "$ifname" >"$LOGDIR/wireguard-go-$side.log" 2>&1
	bench_wait_for 10 wggo_socket_exists "$ifname" ||
		bench_fail "wireguard-go did not create $ifname (see $LOGDIR/wireguard-go-$side.log)"
	ip netns exec "$ns" wg set "$ifname" private-key "$WORK/$side.key" \
		listen-port "$WG_PORT" peer "$(cat "$WORK/$peer.pub")" \
		endpoint "$ul_peer:$WG_PORT" allowed-ips "$tun_peer/32" ||
		bench_fail "wg set $ifname failed"
	ip -n "$ns" -batch - <<-EOS || bench_fail "cannot configure $ifname"
		addr add $tun/$TUN_PREFIX dev $ifname
		link set $ifname up
	EOS
}

setup() {
	wggo_start "$NS_B" "$WG_IF_B" b a "$UL_A" "$TUN_B_ADDR" "$TUN_A_ADDR"
	wggo_start "$NS_A" "$WG_IF_A" a b "$UL_B" "$TUN_A_ADDR" "$TUN_B_ADDR"
	TUN_A=$TUN_A_ADDR
	TUN_B=$TUN_B_ADDR
}

# The daemons are killed by the framework; a SIGKILLed one leaves its
# socket behind.
teardown() {
	rm -f "/var/run/wireguard/$WG_IF_A.sock" "/var/run/wireguard/$WG_IF_B.sock"
}
