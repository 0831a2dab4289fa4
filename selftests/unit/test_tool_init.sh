#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# meshvpn init (ticket 19, item 1): a new network directory for one node,
# with every folder missing above it; run again with the same name it
# changes nothing, with another name or over a lone key it refuses; bad
# arguments are usage errors that write nothing. The network is used for
# real by daemons in selftests/netns/test_init_mesh.sh.
set -u
top=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=selftests/unit/lib.sh
. "$top/selftests/unit/lib.sh"
tool=$(unit_tool "$top")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

net=$tmp/etc/meshvpn/office
"$tool" -c "$net" init alice --address 198.51.100.1 --port 6655 \
	--subnet 10.66.0.1/16 >"$tmp/out" 2>&1
report init_makes_the_network $? "$(cat "$tmp/out")"
grep -q "^Network of node alice in $net (key ed25519 [0-9a-f]\{16\})" "$tmp/out"
report init_says_the_fingerprint $? "$(cat "$tmp/out")"
[[ $(cat "$net/meshvpn.conf") == $'Name = alice\nPort = 6655' ]]
report init_conf $? "$(cat "$net/meshvpn.conf")"
grep -qx "Address = 198.51.100.1" "$net/hosts/alice" &&
	grep -qx "Subnet = 10.66.0.1" "$net/hosts/alice" &&
	grep -q "^Ed25519PublicKey = " "$net/hosts/alice"
report init_host_file $? "$(cat "$net/hosts/alice")"
[[ $(stat -c %a "$net/ed25519_key.priv") == 600 && -x $net/meshvpn-up ]] &&
	grep -qx 'ip addr add 10.66.0.1/16 dev "$INTERFACE"' "$net/meshvpn-up"
report init_key_private_and_up_script $? "$(ls -l "$net"; cat "$net/meshvpn-up")"
fp=$(grep -o '[0-9a-f]\{16\}' "$tmp/out")

sum=$(cat "$net"/ed25519_key.priv "$net"/hosts/alice "$net"/meshvpn.conf | sha256sum)
"$tool" -c "$net" init alice >"$tmp/out" 2>&1
[[ $? == 0 ]] && grep -qF "already node alice's network (key $fp): nothing changed" "$tmp/out" &&
	[[ $(cat "$net"/ed25519_key.priv "$net"/hosts/alice "$net"/meshvpn.conf | sha256sum) == "$sum" ]]
report init_again_changes_nothing $? "$(cat "$tmp/out")"
"$tool" -c "$net" init bob >"$tmp/out" 2>&1
[[ $? == 1 ]] && grep -qF "is the network of node alice, not bob" "$tmp/out" &&
	[[ ! -e $net/hosts/bob ]]
report init_refuses_another_name $? "$(cat "$tmp/out")"

# A key left behind without meshvpn.conf is never replaced.
mkdir -p "$tmp/lone"
echo secret >"$tmp/lone/ed25519_key.priv"
"$tool" -c "$tmp/lone" init carol >"$tmp/out" 2>&1
[[ $? == 1 && $(cat "$tmp/lone/ed25519_key.priv") == secret && ! -e $tmp/lone/meshvpn.conf ]]
report init_keeps_a_lone_key $? "$(cat "$tmp/out")"

while IFS='|' read -r name args want; do
	read -ra words <<<"$args"
	"$tool" -c "$tmp/bad" init "${words[@]}" >"$tmp/out" 2>"$tmp/err"
	[[ $? == 2 && ! -e $tmp/bad ]] && grep -qF -- "$want" "$tmp/err"
	report "usage_$name" $? "$(cat "$tmp/err")"
done <<'EOF'
missing_name||missing NAME
bad_name|al-ice|invalid node name "al-ice"
two_names|alice bob|unexpected "bob"
subnet_without_length|alice --subnet 10.66.0.1|ADDRESS/LEN
subnet_bad_length|alice --subnet 10.66.0.1/33|prefix length 1 to 32
subnet_not_ip|alice --subnet nope/16|not an IP address
bad_port|alice --port 70000|invalid --port
option_without_value|alice --address|--address needs a value
unknown_option|alice --frob 1|unknown option "--frob"
EOF

# meshvpnd -K, which shares init's key writing, names the new key too, and
# takes -h as --help (ticket 19, item 7).
daemon=${MESHVPND:-$top/build/meshvpnd}
if [[ -x $daemon ]]; then
	mkdir -p "$tmp/k"
	echo "Name = kay" >"$tmp/k/meshvpn.conf"
	"$daemon" -c "$tmp/k" -K >"$tmp/out" 2>&1
	[[ $? == 0 ]] && grep -q "^Key fingerprint: ed25519 [0-9a-f]\{16\}$" "$tmp/out" &&
		grep -q "^Ed25519PublicKey = " "$tmp/k/hosts/kay"
	report daemon_K_prints_the_fingerprint $? "$(cat "$tmp/out")"
	"$daemon" -h >"$tmp/out" 2>&1
	[[ $? == 0 ]] && grep -q "^Usage: meshvpnd" "$tmp/out"
	report daemon_h_is_help $? "$(head -3 "$tmp/out")"
fi

finish
