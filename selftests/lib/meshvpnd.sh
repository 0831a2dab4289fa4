# shellcheck shell=bash
#
# selftests/lib/meshvpnd.sh - meshvpnd nodes on top of netns.sh topologies.
#
# Each node gets a configuration directory under $MVD_DIR/NAME (as a user
# would write it: meshvpn.conf, hosts/, meshvpn-up), an Ed25519 key made by
# "meshvpnd -K", and runs in the netns node of the same name, logging to
# $MVD_DIR/NAME.log; the tool reaches it through $MVD_DIR/NAME.pid.
#
#   source "$TOP/selftests/lib/netns.sh"
#   source "$TOP/selftests/lib/meshvpnd.sh"
#   topo_init; mvd_init
#   mvd_node einstein 10.10.0.1 "Port = 655"   # VPN address, extra lines
#   mvd_host einstein "Address = 198.51.100.1"  # lines for hosts/einstein
#   mvd_share einstein hawking                   # hawking gets hosts/einstein
#   mvd_start einstein; mvd_wait_ready einstein
#   mvd_field hawking penrose path               # from "dump nodes --json"
#
# API:
#   mvd_init                    temp dir, binaries, teardown of daemons
#   mvd_node NAME VPNADDR [LINE...]   config dir, key, up script, Subnet
#   mvd_host NAME LINE...       append lines to NAME's own hosts/NAME
#   mvd_conf NAME LINE...       append lines to NAME's meshvpn.conf
#   mvd_share FROM TO...        copy hosts/FROM into each TO's hosts/
#   mvd_start NAME [ARGS...]    start meshvpnd in netns NAME (-D -d3)
#   mvd_stop NAME               SIGTERM and wait for it to exit
#   mvd_kill NAME               SIGKILL (a crash)
#   mvd_wait_ready NAME         wait until the log says Ready
#   mvd_ctl NAME ARGS...        the meshvpn tool against NAME's daemon
#   mvd_field NAME NODE KEY     one field of NODE in NAME's node dump
#   mvd_wait_field T NAME NODE KEY VALUE   poll until it has VALUE
#   mvd_log NAME                the path of NAME's log
#   mvd_show_logs               print every log (for failures)

MVD_PY=/usr/bin/python3

mvd_init() {
	MVD_DIR=$(mktemp -d "${TMPDIR:-/tmp}/meshvpnd-test.XXXXXX")
	MESHVPND=${MESHVPND:-$TOP/build/meshvpnd}
	MESHVPN_TOOL=${MESHVPN_TOOL:-$TOP/build/meshvpn}
	[[ -x $MESHVPND && -x $MESHVPN_TOOL ]] ||
		skip_all "meshvpnd or meshvpn not built (make userspace)"
	declare -gA MVD_PID=()
	topo_defer rm -rf "$MVD_DIR"
	topo_defer mvd__stop_all
	# Logs of a failing run are the first thing anyone wants.
	topo_defer mvd__logs_on_failure
}

mvd__logs_on_failure() {
	((TOPO_COUNT[fail] == 0)) || mvd_show_logs
}

mvd__stop_all() {
	local n
	for n in "${!MVD_PID[@]}"; do
		kill -TERM "${MVD_PID[$n]}" 2>/dev/null || true
	done
	for n in "${!MVD_PID[@]}"; do
		wait_for 5 mvd__gone "$n" || kill -KILL "${MVD_PID[$n]}" 2>/dev/null || true
	done
}

mvd__gone() {
	! kill -0 "${MVD_PID[$1]}" 2>/dev/null
}

mvd_node() {
	local name=$1 addr=$2 dir
	shift 2
	dir=$MVD_DIR/$name
	mkdir -p "$dir/hosts"
	{
		echo "Name = $name"
		printf '%s\n' "$@"
	} >"$dir/meshvpn.conf"
	cat >"$dir/meshvpn-up" <<-UP
		#!/bin/sh
		ip addr add $addr/16 dev "\$INTERFACE"
		ip link set "\$INTERFACE" up
	UP
	chmod 755 "$dir/meshvpn-up"
	echo "Subnet = $addr/32" >"$dir/hosts/$name"
	"$MESHVPND" -c "$dir" -K >"$dir/keygen.log" 2>&1 ||
		topo__die "meshvpnd -K failed for $name: $(cat "$dir/keygen.log")"
}

mvd_host() {
	local name=$1
	shift
	printf '%s\n' "$@" >>"$MVD_DIR/$name/hosts/$name"
}

mvd_conf() {
	local name=$1
	shift
	printf '%s\n' "$@" >>"$MVD_DIR/$name/meshvpn.conf"
}

mvd_share() {
	local from=$1 to
	shift
	for to in "$@"; do
		cp "$MVD_DIR/$from/hosts/$from" "$MVD_DIR/$to/hosts/$from"
	done
}

mvd_start() {
	local name=$1
	shift
	topo_bg "$name" "$MESHVPND" -c "$MVD_DIR/$name" -D -d3 \
		--pidfile "$MVD_DIR/$name.pid" --logfile="$MVD_DIR/$name.log" "$@" \
		>>"$MVD_DIR/$name.stderr" 2>&1
	MVD_PID[$name]=$!
}

mvd_log() {
	echo "$MVD_DIR/$1.log"
}

mvd_ready() {
	grep -q 'Ready' "$MVD_DIR/$1.log" 2>/dev/null
}

mvd_wait_ready() {
	wait_for 10 mvd_ready "$1" ||
		topo__die "meshvpnd $1 did not get ready: $(tail -20 "$MVD_DIR/$1.log" "$MVD_DIR/$1.stderr" 2>&1)"
}

mvd_stop() {
	kill -TERM "${MVD_PID[$1]}" 2>/dev/null || true
	wait_for 10 mvd__gone "$1"
}

mvd_kill() {
	kill -KILL "${MVD_PID[$1]}" 2>/dev/null || true
	wait_for 5 mvd__gone "$1"
}

mvd_ctl() {
	local name=$1
	shift
	"$MESHVPN_TOOL" --pidfile "$MVD_DIR/$name.pid" "$@"
}

# mvd_field NAME NODE KEY: NODE's KEY in NAME's "dump nodes --json".
mvd_field() {
	mvd_ctl "$1" dump nodes --json 2>/dev/null | "$MVD_PY" -c '
import json, sys
node, key = sys.argv[1], sys.argv[2]
for n in json.load(sys.stdin):
    if n["name"] == node:
        v = n.get(key)
        print("null" if v is None else str(v).lower() if isinstance(v, bool) else v)
        break
' "$2" "$3"
}

mvd__field_is() {
	[[ $(mvd_field "$2" "$3" "$4") == "$5" ]]
}

# mvd_wait_field TIMEOUT NAME NODE KEY VALUE
mvd_wait_field() {
	wait_for "$1" mvd__field_is "$@"
}

mvd_show_logs() {
	local f
	for f in "$MVD_DIR"/*.log "$MVD_DIR"/*.stderr; do
		[[ -s $f ]] || continue
		echo "---- $f"
		tail -n 60 "$f"
	done
}
