# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
#
# Shared body of the meshvpn.ko path plug-ins (paths/meshvpn-ko*.sh): two
# nodes configured by hand with the meshvpn tool, keys generated per round,
# every packet handled by the kernel. A plug-in sets MESHVPN_CIPHER and
# sources this file.

# shellcheck disable=SC2034 # read by the framework
SUITES="vm"
# shellcheck disable=SC2034
NEEDS_MESHVPN_KO=1

MESHVPN_TOOL=${MESHVPN_TOOL:-$BENCH_DIR/../../build/meshvpn}
MESHVPN_PORT=655

available() {
	[[ -x $MESHVPN_TOOL ]] || {
		echo "$MESHVPN_TOOL not built (make tools)"
		return 1
	}
	[[ -d /sys/module/meshvpn ]] || {
		echo "meshvpn.ko is not loaded"
		return 1
	}
}

prepare() {
	local dir
	[[ $MESHVPN_CIPHER == none ]] && return 0
	umask 077
	for dir in ab ba; do
		od -An -N32 -tx1 /dev/urandom | tr -d ' \n' >"$WORK/$dir.key" ||
			bench_fail "cannot make a key"
	done
}

# mvk_start NS ID PEER_ID PEER_UNDERLAY TUN_ADDR TUN_PEER TX_KEY RX_KEY
mvk_start() {
	local ns=$1 id=$2 peer=$3 ul_peer=$4 tun=$5 tun_peer=$6 tx=$7 rx=$8
	local mv=(ip netns exec "$ns" "$MESHVPN_TOOL")

	ip -n "$ns" link add mv0 type meshvpn ||
		bench_fail "cannot create a meshvpn link in $ns"
	ip -n "$ns" -batch - <<-EOS || bench_fail "cannot configure mv0 in $ns"
		addr add $tun/$TUN_PREFIX dev mv0
		link set mv0 up
	EOS
	"${mv[@]}" link set mv0 node-id "$id" listen-port "$MESHVPN_PORT" &&
		"${mv[@]}" node add mv0 "$peer" endpoint "$ul_peer:$MESHVPN_PORT" &&
		"${mv[@]}" route add mv0 "$tun_peer/32" node "$peer" ||
		bench_fail "meshvpn tool failed in $ns"
	if [[ $MESHVPN_CIPHER == none ]]; then
		"${mv[@]}" key add mv0 "$peer" slot current cipher none phase 0
	else
		"${mv[@]}" key add mv0 "$peer" slot current cipher "$MESHVPN_CIPHER" \
			phase 0 tx-key "$WORK/$tx.key" rx-key "$WORK/$rx.key"
	fi || bench_fail "cannot install the key in $ns"
}

setup() {
	mvk_start "$NS_B" 2 1 "$UL_A" "$TUN_B_ADDR" "$TUN_A_ADDR" ba ab
	mvk_start "$NS_A" 1 2 "$UL_B" "$TUN_A_ADDR" "$TUN_B_ADDR" ab ba
	TUN_A=$TUN_A_ADDR
	TUN_B=$TUN_B_ADDR
}
