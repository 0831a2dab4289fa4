#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# tinc's scripts, with tinc 1.0's environment and order: meshvpn-up (or
# tinc-up) at start, subnet-up for our own subnets, host-up, hosts/NAME-up
# and subnet-up when a node becomes reachable, the -down ones when it goes
# and, for everything still up, when we stop, the down script last.  The
# expected lines are what tincd 1.0.36 itself produces in this setup.
# Unlike tinc, a slow script must not stop the traffic.
#
#   einstein  198.51.100.1  Interface = mesh0, -c only     10.10.0.1
#   newton    198.51.100.2  ConnectTo einstein, -n private, tinc-up only
#   penrose   198.51.100.4  ConnectTo einstein, started late
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
source "$TOP/selftests/lib/netns.sh"
source "$TOP/selftests/lib/meshvpnd.sh"
source "$TOP/selftests/lib/seed.sh"

topo_init
mvd_init

star_build --conf einstein "Interface = mesh0" \
	--host einstein "Subnet = 10.30.1.0/24#5" \
	--host newton "Address = 198.51.100.2" --host newton "Subnet = 10.30.2.0/24#5" \
	--host penrose "Address = 198.51.100.4" --host penrose "Subnet = 10.30.4.0/24#5" \
	newton penrose

# rec_script FILE RECORD [COMMAND...]: a script that appends one line to
# RECORD: its name (hosts/NAME-up for those) and every variable of tinc's
# that is set, as VAR=VALUE; then runs COMMAND.
rec_script() {
	local file=$1 rec=$2
	shift 2
	mkdir -p "$(dirname "$file")"
	cat >"$file" <<-EOF
		#!/bin/sh
		case \$0 in
		*/hosts/*) line=hosts/\${0##*/} ;;
		*) line=\${0##*/} ;;
		esac
		for v in NETNAME NAME INTERFACE DEVICE NODE REMOTEADDRESS REMOTEPORT SUBNET WEIGHT; do
			eval "[ -n \"\\\${\$v+set}\" ]" || continue
			eval "line=\"\\\$line \$v=\\\$\$v\""
		done
		printf '%s\n' "\$line" >>'$rec'
	EOF
	printf '%s\n' "$@" >>"$file"
	chmod 755 "$file"
}

E=$MVD_DIR/einstein
N=$MVD_DIR/newton
ER=$MVD_DIR/einstein.rec
NR=$MVD_DIR/newton.rec

# einstein: meshvpn-up (recording, then configuring the interface as
# mvd_node's does) and a tinc-up that must not run.
mv "$E/meshvpn-up" "$E/configure"
rec_script "$E/meshvpn-up" "$ER" ". '$E/configure'"
rec_script "$E/tinc-up" "$MVD_DIR/einstein.tinc-up.rec"
for s in meshvpn-down host-up host-down subnet-up subnet-down \
	hosts/newton-up hosts/newton-down; do
	rec_script "$E/$s" "$ER"
done
# A slow hosts/penrose-up: tinc would stop all traffic for 6 seconds.
rec_script "$E/hosts/penrose-up" "$ER" \
	"touch '$MVD_DIR/slow.start'" "sleep 6" \
	"echo 'hosts/penrose-up done' >>'$ER'" "touch '$MVD_DIR/slow.end'"

# newton: only tinc-up and tinc-down.
mv "$N/meshvpn-up" "$N/configure"
rec_script "$N/tinc-up" "$NR" ". '$N/configure'"
for s in tinc-down host-up host-down subnet-up subnet-down; do
	rec_script "$N/$s" "$NR"
done

# line_no FILE LINE: the number of the first line that is exactly LINE.
line_no() {
	local n
	n=$(grep -Fxn -- "$2" "$1" 2>/dev/null) || return 0
	echo "${n%%:*}"
}

has_line() {
	grep -Fxq -- "$2" "$1" 2>/dev/null
}

# assert_line NAME FILE LINE [TIMEOUT]: FILE gets exactly LINE.  On
# failure, shows the lines of the same script (the whole records are
# printed once at the end).
assert_line() {
	local name=$1 file=$2 line=$3 same
	if wait_for "${4:-0}" has_line "$file" "$line"; then
		pass "$name"
	else
		same=$(grep -F -- "${line%% *} " "$file" 2>/dev/null)
		fail "$name" "want: $line"$'\n'"got:  ${same:-no ${line%% *} line at all}"
	fi
}

# assert_before NAME FILE LINE1 LINE2: both there, LINE1 first.
assert_before() {
	local a b
	a=$(line_no "$2" "$3")
	b=$(line_no "$2" "$4")
	if [[ -n $a && -n $b ]] && ((a < b)); then
		pass "$1"
	else
		fail "$1" "want \"$3\" (line ${a:-none}) before \"$4\" (line ${b:-none})"
	fi
}

# contains TEXT PATTERN: a glob match, without the pipes into grep -q that
# pipefail would turn into failures.
contains() {
	[[ $1 == *$2* ]]
}

mvd_start einstein
mvd_start newton -n private
mvd_wait_ready einstein
mvd_wait_ready newton
assert "einstein sees newton" mvd_wait_field 10 einstein newton reachable true

EB="NETNAME= NAME=einstein INTERFACE=mesh0 DEVICE=/dev/net/tun"
NB="NETNAME=private NAME=newton INTERFACE=private DEVICE=/dev/net/tun"
NEWTON="NODE=newton REMOTEADDRESS=198.51.100.2 REMOTEPORT=655"
EINSTEIN="NODE=einstein REMOTEADDRESS=198.51.100.1 REMOTEPORT=655"
PENROSE="NODE=penrose REMOTEADDRESS=198.51.100.4 REMOTEPORT=655"

# ---- start ----

if [[ ${MVD_DATAPLANE:-} == kernel ]]; then
	kind="meshvpn"
else
	kind="tun type tun"
fi
assert "INTERFACE=mesh0 is einstein's device ($kind)" \
	contains "$(topo_exec einstein ip -d link show dev mesh0)" "$kind"
assert "INTERFACE=private (the net name, as tinc) is newton's device" \
	contains "$(topo_exec newton ip -d link show dev private)" "$kind"
assert "einstein: meshvpn-up ran first" \
	test "$(head -1 "$ER")" = "meshvpn-up $EB"
assert "einstein: tinc-up is not run when meshvpn-up exists" \
	test ! -e "$MVD_DIR/einstein.tinc-up.rec"
assert_line "einstein: host-up for newton" "$ER" "host-up $EB $NEWTON" 2
assert_line "einstein: hosts/newton-up" "$ER" "hosts/newton-up $EB $NEWTON" 2
assert_line "einstein: subnet-up for newton's 10.30.2.0/24#5" "$ER" \
	"subnet-up $EB $NEWTON SUBNET=10.30.2.0/24 WEIGHT=5" 2
assert_before "einstein: host-up newton before hosts/newton-up" "$ER" \
	"host-up $EB $NEWTON" "hosts/newton-up $EB $NEWTON"
assert_before "einstein: hosts/newton-up before newton's subnet-up" "$ER" \
	"hosts/newton-up $EB $NEWTON" "subnet-up $EB $NEWTON SUBNET=10.30.2.0/24 WEIGHT=5"
# tinc 1.0 gives NODE (the owner) for our own subnets too, and a host
# subnet with its /32.
assert_line "einstein: subnet-up for its own 10.30.1.0/24#5, with NODE=einstein" "$ER" \
	"subnet-up $EB NODE=einstein SUBNET=10.30.1.0/24 WEIGHT=5"
assert_line "einstein: subnet-up for its own 10.10.0.1/32" "$ER" \
	"subnet-up $EB NODE=einstein SUBNET=10.10.0.1/32 WEIGHT=10"
assert_line "einstein: subnet-up for newton's 10.10.0.2/32, SUBNET with /32 as tinc" "$ER" \
	"subnet-up $EB $NEWTON SUBNET=10.10.0.2/32 WEIGHT=10"
assert "einstein: nothing but up scripts ran so far" \
	test -z "$(grep -Ev '^(meshvpn-up|host-up|hosts/newton-up|subnet-up) ' "$ER")"

assert "newton: tinc-up ran first, as meshvpn-up does not exist" \
	test "$(head -1 "$NR" 2>/dev/null)" = "tinc-up $NB"
assert "newton's interface got its address from tinc-up" \
	contains "$(topo_exec newton ip -o addr show dev private)" "inet 10.10.0.2/16"
assert_ping einstein 10.10.0.2 2 "einstein pings newton"
assert_line "newton: host-up for einstein" "$NR" "host-up $NB $EINSTEIN"
assert_line "newton: subnet-up for einstein's 10.30.1.0/24#5" "$NR" \
	"subnet-up $NB $EINSTEIN SUBNET=10.30.1.0/24 WEIGHT=5"

# ---- a slow host-up does not stall the traffic ----

mvd_start penrose
if wait_for 15 test -e "$MVD_DIR/slow.start"; then
	pass "einstein runs penrose's slow hosts/penrose-up"
else
	fail "einstein runs penrose's slow hosts/penrose-up" "$(cat "$ER")"
fi
mvd_ping_stats einstein 10.10.0.4 10 0.2 >"$MVD_DIR/ping.penrose" &
ping_pid=$!
newton_ping=$(mvd_ping_stats einstein 10.10.0.2 10 0.2)
wait "$ping_pid"
penrose_ping=$(cat "$MVD_DIR/ping.penrose")
assert "the pings ran while the script slept" test ! -e "$MVD_DIR/slow.end"
read -r got max <<<"$newton_ping"
if ((got == 10 && max < 500)); then
	pass "pings to newton during the slow script: $got/10, max ${max} ms"
else
	fail "pings to newton during the slow script: $got/10, max ${max} ms"
fi
read -r got max <<<"$penrose_ping"
if ((got == 10 && max < 500)); then
	pass "pings to penrose during its own slow script: $got/10, max ${max} ms"
else
	fail "pings to penrose during its own slow script: $got/10, max ${max} ms"
fi
assert "control requests are answered during the slow script" \
	test "$(mvd_field einstein penrose reachable)" = true
assert_line "einstein: host-up for penrose" "$ER" "host-up $EB $PENROSE"
assert_line "einstein: subnet-up for penrose after its slow script" "$ER" \
	"subnet-up $EB $PENROSE SUBNET=10.30.4.0/24 WEIGHT=5" 10
assert_before "einstein: host-up penrose before hosts/penrose-up" "$ER" \
	"host-up $EB $PENROSE" "hosts/penrose-up $EB $PENROSE"
assert_before "einstein: penrose's subnet-up waited for hosts/penrose-up" "$ER" \
	"hosts/penrose-up done" "subnet-up $EB $PENROSE SUBNET=10.30.4.0/24 WEIGHT=5"

assert "the slow script ends" wait_for 10 test -e "$MVD_DIR/slow.end"

# ---- newton stops: down scripts at einstein ----

mvd_stop newton
assert "newton stopped" mvd__gone newton
assert_line "einstein: host-down for newton" "$ER" "host-down $EB $NEWTON" 3
assert_line "einstein: hosts/newton-down" "$ER" "hosts/newton-down $EB $NEWTON"
assert_line "einstein: subnet-down for newton's 10.30.2.0/24#5" "$ER" \
	"subnet-down $EB $NEWTON SUBNET=10.30.2.0/24 WEIGHT=5" 3
assert_before "einstein: host-down newton before newton's subnet-down" "$ER" \
	"host-down $EB $NEWTON" "subnet-down $EB $NEWTON SUBNET=10.30.2.0/24 WEIGHT=5"
assert "einstein: newton is unreachable" test "$(mvd_field einstein newton reachable)" = false

# What newton ran on its way out: as tinc, the -down scripts of everything
# that was up, then tinc-down last.
assert "newton: tinc-down ran last" \
	wait_for 2 eval 'test "$(tail -1 "$NR")" = "tinc-down $NB"'
assert_line "newton (stopping): host-down for einstein" "$NR" "host-down $NB $EINSTEIN"
assert_line "newton (stopping): subnet-down for einstein's 10.30.1.0/24#5" "$NR" \
	"subnet-down $NB $EINSTEIN SUBNET=10.30.1.0/24 WEIGHT=5"
assert_before "newton (stopping): host-down einstein before einstein's subnet-down" "$NR" \
	"host-down $NB $EINSTEIN" "subnet-down $NB $EINSTEIN SUBNET=10.30.1.0/24 WEIGHT=5"
assert_before "newton (stopping): host-down before tinc-down" "$NR" \
	"host-down $NB $EINSTEIN" "tinc-down $NB"

# ---- einstein stops ----

mvd_stop einstein
assert "einstein stopped" mvd__gone einstein
assert "einstein: meshvpn-down ran last" \
	wait_for 2 eval 'test "$(tail -1 "$ER")" = "meshvpn-down $EB"'
assert_line "einstein (stopping): host-down for penrose" "$ER" "host-down $EB $PENROSE"
assert_line "einstein (stopping): subnet-down for penrose's 10.30.4.0/24#5" "$ER" \
	"subnet-down $EB $PENROSE SUBNET=10.30.4.0/24 WEIGHT=5"
assert_line "einstein (stopping): subnet-down for its own 10.30.1.0/24#5" "$ER" \
	"subnet-down $EB NODE=einstein SUBNET=10.30.1.0/24 WEIGHT=5"
assert_before "einstein (stopping): host-down penrose before penrose's subnet-down" "$ER" \
	"host-down $EB $PENROSE" "subnet-down $EB $PENROSE SUBNET=10.30.4.0/24 WEIGHT=5"

if ((TOPO_COUNT[fail])); then
	for f in "$ER" "$NR"; do
		echo "---- $f"
		cat "$f"
	done
fi
mvd_assert_clean
summary
