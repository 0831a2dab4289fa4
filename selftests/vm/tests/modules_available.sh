#!/usr/bin/env bash
# The VM provides what other tests build on: veth pairs, tun devices and
# wireguard links work inside network namespaces.
set -euo pipefail

NS1=mod-avail-1
NS2=mod-avail-2

fail() { echo "FAIL: $*" >&2; exit 1; }

cleanup() {
	ip netns del "$NS1" 2>/dev/null || true
	ip netns del "$NS2" 2>/dev/null || true
}
trap cleanup EXIT

check_veth() {
	ip netns add "$NS1"
	ip netns add "$NS2"
	ip link add veth1 netns "$NS1" type veth peer name veth2 netns "$NS2" ||
		fail "cannot create a veth pair"
	ip -n "$NS1" addr add 192.0.2.1/24 dev veth1
	ip -n "$NS2" addr add 192.0.2.2/24 dev veth2
	ip -n "$NS1" link set veth1 up
	ip -n "$NS2" link set veth2 up
	ip netns exec "$NS1" ping -c 1 -W 5 192.0.2.2 >/dev/null || fail "no ping over veth"
	echo "ok: veth pair passes traffic"
}

check_tun() {
	ip -n "$NS1" tuntap add dev tun0 mode tun || fail "cannot create a tun device"
	ip -n "$NS1" link show tun0 >/dev/null
	ip -n "$NS1" tuntap del dev tun0 mode tun
	echo "ok: tun device"
}

# Two wireguard peers across the veth pair; a ping through the tunnel proves
# the module and its crypto work.
check_wireguard() {
	local key1 key2 pub1 pub2
	ip -n "$NS1" link add wg0 type wireguard || fail "cannot create a wireguard link"
	ip -n "$NS2" link add wg0 type wireguard || fail "cannot create a wireguard link"
	key1=$(wg genkey)
	key2=$(wg genkey)
	pub1=$(wg pubkey <<<"$key1")
	pub2=$(wg pubkey <<<"$key2")
	ip netns exec "$NS1" wg set wg0 listen-port 51820 private-key <(echo "$key1") \
		peer "$pub2" allowed-ips 10.9.0.2/32 endpoint 192.0.2.2:51820
	ip netns exec "$NS2" wg set wg0 listen-port 51820 private-key <(echo "$key2") \
		peer "$pub1" allowed-ips 10.9.0.1/32 endpoint 192.0.2.1:51820
	ip -n "$NS1" addr add 10.9.0.1/24 dev wg0
	ip -n "$NS2" addr add 10.9.0.2/24 dev wg0
	ip -n "$NS1" link set wg0 up
	ip -n "$NS2" link set wg0 up
	ip netns exec "$NS1" ping -c 1 -W 10 10.9.0.2 >/dev/null || fail "no ping through wireguard"
	echo "ok: wireguard tunnel passes traffic"
}

check_veth
check_tun
check_wireguard
