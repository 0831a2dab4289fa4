#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# SIGHUP reloads the configuration, as tinc's: a Subnet added to a node's
# own host file reaches every node and is routed, and disappears again
# when removed; a new ConnectTo makes a new connection, a removed one
# closes it; a host file removed closes that node's connection.
#
#   einstein  198.51.100.1  hub, StrictKeys = yes      10.10.0.1
#   newton    198.51.100.2  ConnectTo einstein         10.10.0.2
#   penrose   198.51.100.4  ConnectTo einstein         10.10.0.4
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
source "$TOP/selftests/lib/netns.sh"
source "$TOP/selftests/lib/meshvpnd.sh"
source "$TOP/selftests/lib/seed.sh"

topo_init
mvd_init

# StrictKeys: einstein trusts host files only, so that a host file removed
# there really locks its node out (no key vouched for by the graph).
star_build --conf einstein "StrictKeys = yes" \
	--host newton "Address = 198.51.100.2" \
	--host penrose "Address = 198.51.100.4" \
	newton penrose
# The subnet newton will announce is outside the VPN's /16: the kernels of
# the others need a route for it into the VPN.
for n in einstein penrose; do
	echo 'ip route add 10.20.0.0/24 dev "$INTERFACE"' >>"$MVD_DIR/$n/meshvpn-up"
done

star_start
assert "penrose sees newton" mvd_wait_field 15 penrose newton reachable true
assert "newton sees penrose" mvd_wait_field 5 newton penrose reachable true
assert_ping penrose 10.10.0.2 2 "penrose pings newton"

# ---- a Subnet added and removed by a reload ----

topo_exec newton ip addr add 10.20.0.1/32 dev "$MVD_IFACE"
assert "before the reload, nobody has 10.20.0.0/24" \
	test -z "$(mvd_subnet_owner einstein 10.20.0.0/24)$(mvd_subnet_owner penrose 10.20.0.0/24)"
assert_no_ping penrose 10.20.0.1 1 "before the reload, 10.20.0.1 is not routed"

mvd_host newton "Subnet = 10.20.0.0/24"
kill -HUP "${MVD_PID[newton]}"
assert "newton logs the reload" \
	mvd_wait_log 5 newton "Got SIGHUP, reloading the configuration"
for n in newton einstein penrose; do
	if wait_for 10 mvd_has_subnet "$n" 10.20.0.0/24 newton; then
		pass "$n: 10.20.0.0/24 owner newton"
	else
		fail "$n: 10.20.0.0/24 owner newton" "$(mvd_ctl "$n" dump subnets)"
	fi
done
assert "newton still has its old subnet at penrose" \
	mvd_has_subnet penrose 10.10.0.2 newton
assert "newton's node entry at penrose lists the new subnet" \
	eval '[[ $(mvd_field penrose newton subnets) == *10.20.0.0/24* ]]'
assert_ping penrose 10.20.0.1 3 "penrose reaches 10.20.0.1 in newton's new subnet"
assert_ping einstein 10.20.0.1 3 "einstein reaches 10.20.0.1 in newton's new subnet"

sed -i '/^Subnet = 10\.20\.0\.0\/24$/d' "$MVD_DIR/newton/hosts/newton"
kill -HUP "${MVD_PID[newton]}"
subnet_gone() {
	[[ -z $(mvd_subnet_owner "$1" 10.20.0.0/24) ]]
}
for n in newton einstein penrose; do
	if wait_for 10 subnet_gone "$n"; then
		pass "$n: 10.20.0.0/24 is gone after the second reload"
	else
		fail "$n: 10.20.0.0/24 is gone after the second reload" "$(mvd_ctl "$n" dump subnets)"
	fi
done
assert "penrose still has newton's own subnet" mvd_has_subnet penrose 10.10.0.2 newton
assert_no_ping penrose 10.20.0.1 1 "10.20.0.1 is no longer routed"
assert_ping penrose 10.10.0.2 2 "newton itself is still reachable"

# ---- ConnectTo added, then removed ----

assert "penrose and newton are not neighbours yet" \
	test "$(mvd_field penrose newton connected)" = false
mark=$(mvd_log_mark penrose)
mvd_share newton penrose
mvd_conf penrose "ConnectTo = newton"
kill -HUP "${MVD_PID[penrose]}"
assert "a ConnectTo added by reload: penrose tries newton" \
	mvd_wait_log_since 5 penrose "$mark" \
	"Trying to connect to newton \(198\.51\.100\.2 port 655\)"
assert "... and the connection is activated" \
	mvd_wait_log_since 10 penrose "$mark" \
	"Connection with newton \(198\.51\.100\.2 port 655\) activated"
assert "penrose is now connected to newton" \
	mvd_wait_field 5 penrose newton connected true
assert "newton is connected to penrose" \
	mvd_wait_field 5 newton penrose connected true
edge_confirmed() {
	mvd_json einstein dump edges | "$MVD_PY" -c '
import json, sys
e = json.load(sys.stdin)
sys.exit(not any(x["from"] == "penrose" and x["to"] == "newton" and x["confirmed"] for x in e))'
}
assert "einstein learns the new edge penrose-newton" wait_for 10 edge_confirmed

mark=$(mvd_log_mark penrose)
sed -i '/^ConnectTo = newton$/d' "$MVD_DIR/penrose/meshvpn.conf"
kill -HUP "${MVD_PID[penrose]}"
assert "a ConnectTo removed by reload closes that connection" \
	mvd_wait_log_since 5 penrose "$mark" \
	"Closing connection with newton \(198\.51\.100\.2 port 655\): no longer in ConnectTo"
assert "penrose is no longer connected to newton" \
	mvd_wait_field 5 penrose newton connected false
assert_ping penrose 10.10.0.2 2 "penrose still reaches newton (through einstein)"

# ---- a host file removed ----

mark=$(mvd_log_mark einstein)
rm "$MVD_DIR/einstein/hosts/penrose"
kill -HUP "${MVD_PID[einstein]}"
assert "a host file removed by reload closes that node's connection" \
	mvd_wait_log_since 5 einstein "$mark" \
	"Closing connection with penrose \(198\.51\.100\.4 port [0-9]+\): its host file was removed"
assert "penrose's key no longer comes from a host file at einstein" \
	test "$(mvd_field einstein penrose key_source)" != hostfile
# penrose comes back at once; with StrictKeys einstein no longer knows it.
assert "penrose's new attempts are refused" \
	mvd_wait_log_since 10 einstein "$mark" \
	"Peer penrose \(198\.51\.100\.4 port [0-9]+\) had unknown identity"
# What einstein took on penrose's old key (its STATE) is forgotten with
# the host file: penrose is unreachable, or not listed at all.
not_reachable_at_einstein() {
	[[ $(mvd_field einstein penrose reachable) != true ]]
}
assert "penrose, alone now, becomes unreachable at einstein" \
	wait_for 10 not_reachable_at_einstein
assert "... and at newton" mvd_wait_field 10 newton penrose reachable false
assert "einstein-newton is not disturbed" \
	test "$(mvd_field einstein newton connected)" = true
assert_ping einstein 10.10.0.2 2 "einstein still pings newton"

mvd_assert_clean
summary
