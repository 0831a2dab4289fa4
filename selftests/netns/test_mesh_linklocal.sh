#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Two nodes whose only underlay is IPv6 link-local (a cable between two
# servers, no addresses configured): Address = fe80::1%eth0 in a host
# file, and every UDP endpoint the daemons learn carries its interface
# (scope id). The VM runs this again with DataPlane = kernel, where the
# scope id must reach meshvpn.ko too, or the kernel cannot send at all.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
source "$TOP/selftests/lib/netns.sh"
source "$TOP/selftests/lib/meshvpnd.sh"

topo_init
mvd_init
topo_link alice bob fe80::1/64 fe80::2/64

mvd_node alice 10.10.0.1
mvd_host alice "Address = fe80::1%eth0"
mvd_node bob 10.10.0.2 "ConnectTo = alice"
mvd_share alice bob
mvd_share bob alice
mvd_start alice
mvd_wait_ready alice
mvd_start bob
mvd_wait_ready bob

assert "bob connects to alice over fe80::1%eth0" \
	mvd_wait_field 15 bob alice connected true
assert "bob talks to alice directly" mvd_wait_field 20 bob alice path direct
assert "alice talks to bob directly" mvd_wait_field 20 alice bob path direct
assert_ping bob 10.10.0.1 5 "bob pings alice over link-local UDP"
assert_ping alice 10.10.0.2 5 "alice pings bob"
ep=$(mvd_field bob alice endpoint)
assert "bob's endpoint for alice is link-local ($ep)" \
	eval '[[ $ep == *fe80::* ]]'
tx=$(mvd_field bob alice tx_packets)
assert "bob's packets went over UDP, not TCP ($tx sent)" \
	test "$(mvd_field bob alice tcp_packets)" = 0
if [[ ${MVD_DATAPLANE:-} == kernel ]]; then
	assert "meshvpn.ko holds alice's endpoint with its interface" \
		eval 'topo_exec bob "$MESHVPN_TOOL" link show meshvpn0 | grep -Eq "fe80::[0-9a-f:]*%"'
fi
mvd_assert_clean
summary
