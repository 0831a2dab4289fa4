#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# A mesh mixing data paths: einstein and penrose on meshvpn.ko, hawking on
# the userspace TUN path. One wire format: hawking reaches penrose through
# einstein's kernel relay first, then directly, and einstein's daemon never
# sees their data packets. Needs meshvpn.ko (the VM suite).
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
source "$TOP/selftests/lib/netns.sh"
source "$TOP/selftests/lib/meshvpnd.sh"
source "$TOP/selftests/lib/seed.sh"

[[ -d /sys/module/meshvpn ]] || skip_all "meshvpn.ko is not loaded"
# Each node says its own data plane here.
unset MVD_DATAPLANE

topo_init
mvd_init
star_build --nat \
	--conf einstein "DataPlane = kernel" --conf einstein "Interface = mv0" \
	--conf hawking "DataPlane = userspace" --conf hawking "Interface = tun0" \
	--conf penrose "DataPlane = kernel" --conf penrose "Interface = mv0" \
	hawking penrose
star_start
mvd_wait_field 20 hawking penrose reachable true ||
	fail "hawking sees penrose" "$(mvd_ctl hawking dump nodes)"

assert "einstein runs on meshvpn.ko" \
	test "$(mvd_field einstein hawking dataplane)" = kernel
assert "hawking runs in userspace" \
	test "$(mvd_field hawking penrose dataplane)" = userspace
assert "penrose runs on meshvpn.ko" \
	test "$(mvd_field penrose hawking dataplane)" = kernel
assert "the kernel reports its device" topo_exec penrose ip link show mv0

assert_ping hawking 10.10.0.4 6 "userspace hawking pings kernel penrose"
relayed=$(($(mvd_field einstein penrose relayed_packets) + $(mvd_field einstein hawking relayed_packets)))
assert "einstein's kernel relayed the first packets ($relayed)" test "$relayed" -ge 1
assert "einstein's daemon saw none of them" \
	test "$(mvd_field einstein penrose daemon_relayed_packets)$(mvd_field einstein hawking daemon_relayed_packets)" = 00
assert "then hawking and penrose talk directly" \
	mvd_wait_field 10 hawking penrose path direct
assert "both ways" mvd_wait_field 10 penrose hawking path direct
before=$relayed
assert_ping penrose 10.10.0.3 5 "kernel penrose pings userspace hawking, direct"
after=$(($(mvd_field einstein penrose relayed_packets) + $(mvd_field einstein hawking relayed_packets)))
assert "einstein relays no more ($before then $after)" test "$after" = "$before"
rx=$(mvd_field penrose hawking rx_packets)
assert "penrose's kernel counted hawking's packets ($rx)" test "${rx:-0}" -ge 5

summary
