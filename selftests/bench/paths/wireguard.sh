# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
#
# Path plug-in "wireguard": the kernel's WireGuard (wireguard.ko),
# configured with wg.  VM suite only: the host kernel has no modules.
# See Documentation/performance.md for the plug-in interface.

# shellcheck disable=SC2034 # read by the framework
DESC="wireguard.ko (kernel WireGuard), ChaCha20-Poly1305"
# shellcheck disable=SC2034
SUITES="vm"

WG_PORT=51820
WG_IF=wg0

available() {
	command -v wg >/dev/null 2>&1 || {
		echo "wg is not installed (apt-get install wireguard-tools)"
		return 1
	}
	[[ -d /sys/module/wireguard ]] || modprobe -q wireguard 2>/dev/null || {
		echo "wireguard.ko cannot be loaded on this kernel ($(uname -r))"
		return 1
	}
}

prepare() {
	local side
	umask 077
	for side in a b; do
		wg genkey >"$WORK/$side.key"
		wg pubkey <"$WORK/$side.key" >"$WORK/$side.pub"
	done
}

# wgk_start NS SIDE PEER UNDERLAY_PEER TUN_ADDR TUN_PEER
wgk_start() {
	local ns=$1 side=$2 peer=$3 ul_peer=$4 tun=$5 tun_peer=$6
	ip -n "$ns" link add name "$WG_IF" type wireguard ||
		bench_fail "cannot create a wireguard interface in $ns"
	ip netns exec "$ns" wg set "$WG_IF" private-key "$WORK/$side.key" \
		listen-port "$WG_PORT" peer "$(cat "$WORK/$peer.pub")" \
		endpoint "$ul_peer:$WG_PORT" allowed-ips "$tun_peer/32" ||
		bench_fail "wg set failed in $ns"
	ip -n "$ns" -batch - <<-EOS || bench_fail "cannot configure $WG_IF in $ns"
		addr add $tun/$TUN_PREFIX dev $WG_IF
		link set $WG_IF up
	EOS
}

setup() {
	wgk_start "$NS_B" b a "$UL_A" "$TUN_B_ADDR" "$TUN_A_ADDR"
	wgk_start "$NS_A" a b "$UL_B" "$TUN_A_ADDR" "$TUN_B_ADDR"
	TUN_A=$TUN_A_ADDR
	TUN_B=$TUN_B_ADDR
}
