#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# meshvpn get/set/add/del (ticket 19, item 4): a server variable in
# meshvpn.conf, a host variable in the node's hosts/NAME; values checked
# by the daemon's parser before anything is written; comments and the key
# kept; add of a single-valued variable, del of what is not there, unknown
# variables refused.
set -u
top=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=selftests/unit/lib.sh
. "$top/selftests/unit/lib.sh"
tool=$(unit_tool "$top")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

net=$tmp/net
"$tool" -c "$net" init alice --subnet 10.66.0.1/16 >/dev/null
echo "# the hub" >>"$net/meshvpn.conf"
tool_in_net() {
	"$tool" -c "$net" "$@" >"$tmp/out" 2>"$tmp/err"
}

tool_in_net add ConnectTo bob && tool_in_net add ConnectTo carol && tool_in_net get ConnectTo
[[ $(cat "$tmp/out") == $'bob\ncarol' ]]
report add_and_get_a_list $? "$(cat "$tmp/out" "$tmp/err")"
tool_in_net add ConnectTo bob
[[ $? == 0 && $(grep -c "^ConnectTo = bob$" "$net/meshvpn.conf") == 1 ]]
report add_twice_adds_once $? "$(cat "$net/meshvpn.conf")"
tool_in_net del ConnectTo carol && tool_in_net get ConnectTo
[[ $(cat "$tmp/out") == bob ]] && grep -qx "# the hub" "$net/meshvpn.conf"
report del_one_value_keeps_the_rest $? "$(cat "$net/meshvpn.conf")"

tool_in_net set PingInterval 30 && tool_in_net set pinginterval 20 && tool_in_net get PingInterval
[[ $(cat "$tmp/out") == 20 && $(grep -ci "^PingInterval" "$net/meshvpn.conf") == 1 ]]
report set_replaces $? "$(cat "$net/meshvpn.conf")"
sum=$(sha256sum <"$net/meshvpn.conf")
tool_in_net set PingInterval often
[[ $? == 1 && $(sha256sum <"$net/meshvpn.conf") == "$sum" ]] &&
	grep -q 'invalid PingInterval "often"' "$tmp/err"
report set_checks_the_value $? "$(cat "$tmp/err")"
tool_in_net add PingInterval 10
[[ $? == 1 ]] && grep -q "PingInterval takes one value: use set" "$tmp/err"
report add_refuses_a_second_single_value $? "$(cat "$tmp/err")"

# Host variables go to hosts/alice, before or after the key: it stays.
key=$(grep "^Ed25519PublicKey" "$net/hosts/alice")
tool_in_net add Subnet 10.66.1.0/24 && tool_in_net get Subnet
[[ $(cat "$tmp/out") == $'10.66.0.1\n10.66.1.0/24' ]] &&
	grep -qxF "$key" "$net/hosts/alice" && ! grep -q Subnet "$net/meshvpn.conf"
report host_variable_in_the_host_file $? "$(cat "$net/hosts/alice")"
tool_in_net add Subnet 10.66.1.1/24
[[ $? == 1 ]] && ! grep -q "10.66.1.1" "$net/hosts/alice"
report host_value_checked $? "$(cat "$tmp/err")"

tool_in_net del ConnectTo zed
[[ $? == 1 ]] && grep -q "no ConnectTo = zed in" "$tmp/err"
report del_of_nothing_fails $? "$(cat "$tmp/err")"
tool_in_net get Mode
[[ $? == 1 ]] && grep -q "Mode is not set" "$tmp/err"
report get_of_nothing_fails $? "$(cat "$tmp/err")"
tool_in_net set Frobnicate 1
[[ $? == 2 ]] && grep -q 'unknown variable "Frobnicate"' "$tmp/err"
report unknown_variable $? "$(cat "$tmp/err")"
tool_in_net set Port
[[ $? == 2 ]] && grep -q "^Usage: " "$tmp/err"
report usage_without_value $? "$(cat "$tmp/err")"
"$tool" -c "$tmp/none" get Port >"$tmp/out" 2>"$tmp/err"
[[ $? == 1 ]] && grep -q "no network in $tmp/none" "$tmp/err"
report no_network $? "$(cat "$tmp/err")"

finish
