#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Network directories made the way the article makes them, by tinc 1.0
# itself: tinc.conf with Name, AddressFamily, ConnectTo, Interface (and
# Device), hosts files with Address and Subnet, RSA keys from
# "tincd -K", and the article's tinc-up ("ifconfig $INTERFACE ...").
# meshvpnd runs them unmodified (-c DIR): RSA-PSS authentication with
# tinc's keys, the hubless pair going direct, and no file touched.
#
#   einstein  198.51.100.1   hub                                172.16.50.1
#   hawking   192.168.1.2    behind nat1, ConnectTo einstein    172.16.50.31
#   penrose   192.168.2.2    behind nat2, ConnectTo einstein    172.16.50.142
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
source "$TOP/selftests/lib/netns.sh"
source "$TOP/selftests/lib/meshvpnd.sh"
source "$TOP/selftests/lib/seed.sh"

TINCD=${TINCD:-/usr/sbin/tincd}
[[ -x $TINCD ]] || TINCD=$(command -v tincd) ||
	skip_all "tincd (tinc 1.0) is not installed"

topo_init
mvd_init
star_build --topo-only --nat hawking penrose

# tinc_node NAME VPNADDR [CONFLINE...]: a directory as the article's:
# tinc.conf, tinc-up, hosts/NAME with Subnet (Address lines go in with
# tinc_host before tinc_keygen, which appends the public key).
tinc_node() {
	local name=$1 addr=$2 dir=$MVD_DIR/$1
	shift 2
	mkdir -p "$dir/hosts"
	printf '%s\n' "Name = $name" "AddressFamily = ipv4" "$@" >"$dir/tinc.conf"
	echo "Subnet = $addr/32" >"$dir/hosts/$name"
	if command -v ifconfig >/dev/null; then
		printf '#!/bin/sh\nifconfig $INTERFACE %s netmask 255.255.255.0\n' \
			"$addr" >"$dir/tinc-up"
	else
		printf '#!/bin/sh\nip addr add %s/24 dev $INTERFACE\nip link set $INTERFACE up\n' \
			"$addr" >"$dir/tinc-up"
	fi
	chmod 755 "$dir/tinc-up"
}

tinc_host() {
	local name=$1
	shift
	printf '%s\n' "$@" >>"$MVD_DIR/$name/hosts/$name"
}

# tinc_keygen NAME: "tincd -K" as the article; non-interactive with
# stdin from /dev/null.
tinc_keygen() {
	local dir=$MVD_DIR/$1
	"$TINCD" -c "$dir" -K2048 </dev/null >"$dir.keygen" 2>&1 ||
		topo__die "tincd -K failed for $1: $(cat "$dir.keygen")"
}

tinc_node einstein 172.16.50.1 "Interface = tun0" "Device = /dev/net/tun"
tinc_host einstein "Address = 198.51.100.1"
tinc_node hawking 172.16.50.31 "ConnectTo = einstein" "Interface = tun0"
tinc_node penrose 172.16.50.142 "ConnectTo = einstein" "Interface = tun0"
for n in einstein hawking penrose; do
	tinc_keygen "$n"
done
mvd_share einstein hawking penrose
mvd_share hawking einstein
mvd_share penrose einstein

assert "tincd wrote an RSA private key" \
	grep -q 'BEGIN RSA PRIVATE KEY' "$MVD_DIR/einstein/rsa_key.priv"
assert "tincd appended the RSA public key to hosts/hawking" \
	grep -q 'BEGIN RSA PUBLIC KEY' "$MVD_DIR/hawking/hosts/hawking"
assert "there is no meshvpn file in the directories" \
	test -z "$(find "$MVD_DIR"/{einstein,hawking,penrose} -name 'meshvpn*' -o -name 'ed25519*')"

# The fixture is right: tinc itself runs these directories.
topo_bg einstein "$TINCD" -c "$MVD_DIR/einstein" -D -d3 \
	--pidfile="$MVD_DIR/tincd-einstein.pid" --logfile="$MVD_DIR/tincd-einstein.log" \
	>/dev/null 2>&1
tincd_einstein=$!
topo_bg hawking "$TINCD" -c "$MVD_DIR/hawking" -D -d3 \
	--pidfile="$MVD_DIR/tincd-hawking.pid" --logfile="$MVD_DIR/tincd-hawking.log" \
	>/dev/null 2>&1
tincd_hawking=$!
if wait_for 10 grep -qs 'Connection with einstein (198.51.100.1 port 655) activated' \
	"$MVD_DIR/tincd-hawking.log"; then
	pass "tincd 1.0 itself runs these directories"
else
	fail "tincd 1.0 itself runs these directories" "$(cat "$MVD_DIR"/tincd-*.log)"
fi
kill -TERM "$tincd_einstein" "$tincd_hawking" 2>/dev/null
tincd_gone() {
	! topo__alive "$tincd_einstein" && ! topo__alive "$tincd_hawking"
}
# tincd 1.0 sometimes takes its time to go (a script, a retry): it is only
# the fixture check, so do not wait for it.
if ! wait_for 10 tincd_gone; then
	kill -KILL "$tincd_einstein" "$tincd_hawking" 2>/dev/null
	wait_for 5 tincd_gone || topo__die "tincd does not go away"
fi

fingerprint() {
	(cd "$MVD_DIR" && find einstein hawking penrose -type f -print0 | sort -z |
		xargs -0 sha256sum)
}
before=$(fingerprint)

star_start

assert "hawking authenticates einstein and connects" \
	mvd_wait_log 10 hawking "Connection with einstein \(198\.51\.100\.1 port 655\) activated"
assert "penrose authenticates einstein and connects" \
	mvd_wait_log 10 penrose "Connection with einstein \(198\.51\.100\.1 port 655\) activated"
assert "einstein: hawking's key is the one of its tinc host file" \
	test "$(mvd_field einstein hawking key_source)/$(mvd_field einstein hawking connected)" = hostfile/true
assert "einstein: penrose's key is the one of its tinc host file" \
	test "$(mvd_field einstein penrose key_source)/$(mvd_field einstein penrose connected)" = hostfile/true
assert "hawking sees penrose, whose host file it does not have" \
	mvd_wait_field 10 hawking penrose reachable true
assert "hawking learned penrose's RSA key from einstein" \
	mvd_logged hawking "Learned the key of penrose from einstein \(rsa "
assert "tinc-up configured hawking's tun0 (\$INTERFACE)" \
	eval '[[ $(topo_exec hawking ip -o addr show dev tun0) == *"inet 172.16.50.31/24"* ]]'
assert "einstein's subnets are tinc's" mvd_has_subnet hawking 172.16.50.1 einstein

assert_ping hawking 172.16.50.1 3 "hawking pings einstein"
assert_ping penrose 172.16.50.1 3 "penrose pings einstein"
out=$(topo_exec hawking ping -n -c 8 -i 0.5 -W 2 172.16.50.142 2>&1)
got=$(grep -c 'bytes from 172.16.50.142' <<<"$out")
if ((got >= 7)); then
	pass "hawking pings penrose across both NATs ($got/8)"
else
	fail "hawking pings penrose across both NATs ($got/8)" "$out"
fi
assert "hawking and penrose went direct" \
	mvd_wait_field 5 hawking penrose path direct
assert_ping penrose 172.16.50.31 3 "penrose pings hawking"

for n in einstein hawking penrose; do
	mvd_stop "$n"
done
assert "the tinc directories were not modified" test "$(fingerprint)" = "$before"

mvd_assert_clean
summary
