# shellcheck shell=bash
#
# selftests/lib/meshvpnd.sh - meshvpnd nodes on top of netns.sh topologies.
#
# Each node gets a configuration directory under $MVD_DIR/NAME (as a user
# would write it: meshvpn.conf, hosts/, meshvpn-up), an Ed25519 key made by
# "meshvpnd -K", and runs in the netns node of the same name, logging to
# $MVD_DIR/NAME.log; the tool reaches it through $MVD_DIR/NAME.pid.
# MVD_DATAPLANE=kernel (set by the VM suite) puts "DataPlane = kernel" in
# every meshvpn.conf. MVD_DETACH=1 (the DETACH option) starts every daemon
# as a server runs it: without -D, detached, its pid read from its pid
# file; a test runs both ways by being started with and without it.
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
#   $MVD_IFACE                  the VPN interface's name in every node
#   mvd_init                    temp dir, binaries, teardown of daemons
#   mvd_node NAME VPNADDR [LINE...]   config dir, key, up script, Subnet
#   mvd_host NAME LINE...       append lines to NAME's own hosts/NAME
#   mvd_conf NAME LINE...       append lines to NAME's meshvpn.conf
#   mvd_share FROM TO...        copy hosts/FROM into each TO's hosts/
#   mvd_start NAME [ARGS...]    start meshvpnd in netns NAME (-d3; -D
#                               unless MVD_DETACH=1)
#   mvd_detached                true when daemons run detached
#   mvd_stop NAME               SIGTERM and wait for it to exit
#   mvd_assert_exit_status NAME STATUS   it exited with STATUS (skipped
#                               when detached)
#   mvd_kill NAME               SIGKILL (a crash)
#   mvd_wait_ready NAME         wait until the log says Ready
#   mvd_ctl NAME ARGS...        the meshvpn tool against NAME's daemon
#   mvd_field NAME NODE KEY     one field of NODE in NAME's node dump
#   mvd_wait_field T NAME NODE KEY VALUE   poll until it has VALUE
#   mvd_log NAME                the path of NAME's log
#   mvd_show_logs               print every log (for failures)

MVD_PY=/usr/bin/python3
# The interface meshvpnd makes when meshvpn.conf names none: a TUN device,
# or the meshvpn link of the kernel data path.
if [[ ${MVD_DATAPLANE:-} == kernel ]]; then
	MVD_IFACE=meshvpn0
else
	MVD_IFACE=tun0
fi

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
		# The VM runs these tests again on meshvpn.ko.
		[[ -z ${MVD_DATAPLANE:-} ]] || echo "DataPlane = $MVD_DATAPLANE"
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

mvd_detached() {
	[[ ${MVD_DETACH:-0} == 1 ]]
}

mvd_start() {
	local name=$1
	shift
	if ! mvd_detached; then
		topo_bg "$name" "$MESHVPND" -c "$MVD_DIR/$name" -D -d3 \
			--pidfile "$MVD_DIR/$name.pid" --logfile="$MVD_DIR/$name.log" "$@" \
			>>"$MVD_DIR/$name.stderr" 2>&1
		MVD_PID[$name]=$!
		return
	fi
	# The parent returns once the daemon has started and forked; the
	# child then writes its own pid over the parent's.
	MVD_PID[$name]=
	topo_exec "$name" "$MESHVPND" -c "$MVD_DIR/$name" -d3 \
		--pidfile "$MVD_DIR/$name.pid" --logfile="$MVD_DIR/$name.log" "$@" \
		>>"$MVD_DIR/$name.stderr" 2>&1 || return 0
	wait_for 5 mvd__pidfile_alive "$name" &&
		MVD_PID[$name]=$(<"$MVD_DIR/$name.pid")
}

mvd__pidfile_alive() {
	local pid
	read -r pid 2>/dev/null <"$MVD_DIR/$1.pid" && [[ -n $pid ]] && topo__alive "$pid"
}

# mvd_assert_exit_status NAME STATUS: the daemon, gone, exited with
# STATUS. A detached daemon's parent is init, which keeps it to itself.
mvd_assert_exit_status() {
	local status=0
	if mvd_detached; then
		skip "$1's exit status is $2" "detached: only init sees it"
		return 0
	fi
	wait "${MVD_PID[$1]}" || status=$?
	assert "$1's exit status is $2" test "$status" = "$2"
}

mvd_log() {
	echo "$MVD_DIR/$1.log"
}

mvd_ready() {
	grep -q 'Ready' "$MVD_DIR/$1.log" 2>/dev/null
}

mvd_wait_ready() {
	wait_for 10 mvd_ready "$1" ||
		topo__die "meshvpnd $1 did not get ready: $(tail -n 20 "$MVD_DIR/$1.log" "$MVD_DIR/$1.stderr" 2>&1)"
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

# ---------------------------------------------------------------------------
# More helpers for the test_mesh_*.sh tests.
#
#   mvd_logged NAME ERE         NAME's log has a line matching ERE
#   mvd_wait_log T NAME ERE     poll until it has
#   mvd_log_mark NAME           the log's size now, for mvd_logged_since
#   mvd_logged_since NAME MARK ERE    a line matching ERE after MARK
#   mvd_wait_log_since T NAME MARK ERE
#   mvd_log_count NAME ERE      how many lines match ERE
#   mvd_alive NAME              the daemon is running (not a zombie)
#   mvd_json NAME ARGS...       the tool's output with --json, checked to
#                               be JSON (fails otherwise)
#   mvd_subnet_owner NAME SUBNET      SUBNET's owner in NAME's subnet dump
#   mvd_has_subnet NAME SUBNET OWNER  SUBNET is in NAME's dump, owned so
#   mvd_sum NAME KEY NODE...    sum of KEY over NODEs in NAME's node dump
#   mvd_ping_stats NODE ADDR COUNT [INTERVAL]
#                               ping, print "RECEIVED MAXRTT_MS" (0 0)

# (No grep -q after a pipe: under pipefail the writer's SIGPIPE would turn
# a match into a failure.)
mvd_logged() {
	grep -Eq -- "$2" "$MVD_DIR/$1.log" 2>/dev/null
}

mvd_wait_log() {
	wait_for "$1" mvd_logged "$2" "$3"
}

mvd_log_mark() {
	stat -c %s "$MVD_DIR/$1.log" 2>/dev/null || echo 0
}

mvd_logged_since() {
	tail -c "+$(($2 + 1))" "$MVD_DIR/$1.log" 2>/dev/null | grep -E -- "$3" >/dev/null
}

mvd_wait_log_since() {
	wait_for "$1" mvd_logged_since "$2" "$3" "$4"
}

mvd_log_count() {
	grep -Ec -- "$2" "$MVD_DIR/$1.log" 2>/dev/null
}

mvd_alive() {
	[[ -n ${MVD_PID[$1]:-} ]] && topo__alive "${MVD_PID[$1]}"
}

mvd_json() {
	local name=$1 out
	shift
	out=$(mvd_ctl "$name" "$@" --json) || return 1
	"$MVD_PY" -c 'import json, sys; json.loads(sys.stdin.read())' <<<"$out" ||
		return 1
	printf '%s\n' "$out"
}

mvd_subnet_owner() {
	mvd_ctl "$1" dump subnets --json 2>/dev/null | "$MVD_PY" -c '
import json, sys
owners = [s["owner"] for s in json.load(sys.stdin) if s["subnet"] == sys.argv[1]]
print(" ".join(owners))
' "$2"
}

mvd_has_subnet() {
	[[ " $(mvd_subnet_owner "$1" "$2") " == *" $3 "* ]]
}

mvd_sum() {
	local name=$1 key=$2
	shift 2
	mvd_ctl "$name" dump nodes --json 2>/dev/null | "$MVD_PY" -c '
import json, sys
key, names = sys.argv[1], sys.argv[2:]
print(sum(n.get(key) or 0 for n in json.load(sys.stdin) if n["name"] in names))
' "$key" "$@"
}

mvd_ping_stats() {
	local out
	out=$(topo_exec "$1" ping -n -c "$3" -i "${4:-0.2}" -W 2 "$2" 2>&1)
	"$MVD_PY" -c '
import re, sys
t = [float(x) for x in re.findall(r"time=([0-9.]+) ms", sys.stdin.read())]
print(len(t), int(max(t)) if t else 0)
' <<<"$out"
}

# mvd_assert_clean: stop every daemon still running (SIGTERM) and record
# a failure for each one that did not exit, exited non-zero, or left a
# sanitizer report (build with SAN=1) in its NAME.stderr.  The last
# assertion of a test, as leak reports only come at exit.
mvd_assert_clean() {
	local n rc f bad=""
	for n in "${!MVD_PID[@]}"; do
		mvd_alive "$n" || continue
		kill -TERM "${MVD_PID[$n]}" 2>/dev/null
		if ! wait_for 10 mvd__gone "$n"; then
			bad+="$n did not exit on SIGTERM"$'\n'
			continue
		fi
		# A detached daemon's status goes to init, not to us.
		mvd_detached && continue
		wait "${MVD_PID[$n]}" 2>/dev/null
		rc=$?
		# 143: killed by the SIGTERM before its handler was set up.
		((rc == 0 || rc == 143)) || bad+="$n exited with status $rc"$'\n'
	done
	for f in "$MVD_DIR"/*.stderr; do
		[[ -e $f ]] || continue
		if grep -Eq 'Sanitizer|runtime error:|AddressSanitizer|LeakSanitizer' "$f"; then
			bad+="$(basename "$f"):"$'\n'"$(grep -E -A12 'Sanitizer|runtime error:' "$f" | head -40)"$'\n'
		fi
	done
	if [[ -z $bad ]]; then
		pass "daemons exit cleanly, no sanitizer reports"
	else
		fail "daemons exit cleanly, no sanitizer reports" "$bad"
	fi
}
