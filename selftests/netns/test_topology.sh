#!/usr/bin/env bash
#
# Self-test of selftests/lib/netns.sh: build the standard "server on the
# internet, two clients behind their own NATs" topology and check that it
# behaves like the real thing, then check that teardown removes everything
# when a test fails half way, is interrupted, or is killed outright.
#
#            server 198.51.100.1
#                  |
#   ----------------------------------- wan (198.51.100.0/24)
#        | .11                  | .12
#      nat1                   nat2
#        | 192.168.1.1          | 192.168.2.1
#   ------------ lan1       ------------ lan2
#        | .2                   | .2
#     client1                client2
#
#   v6a fd00:1::1 ---- direct veth ---- v6b fd00:1::2

set -euo pipefail
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source-path=SCRIPTDIR/../.. source=selftests/lib/netns.sh
source "$TOP/selftests/lib/netns.sh"

topo_require ss
# The distribution's python: a version-manager shim can take seconds to
# start, longer than the timeouts below.
PY=/usr/bin/python3
[[ -x $PY ]] || PY=$(command -v python3) || skip_all "python3 is not installed"
topo_init
tmp=$(mktemp -d)
topo_defer rm -rf "$tmp"

topo_switch wan
topo_node server wan 198.51.100.1/24
topo_switch lan1
topo_nat nat1 wan 198.51.100.11/24 lan1 192.168.1.1/24
topo_node client1 lan1 192.168.1.2/24 --gw 192.168.1.1
topo_switch lan2
topo_nat nat2 wan 198.51.100.12/24 lan2 192.168.2.1/24
topo_node client2 lan2 192.168.2.2/24 --gw 192.168.2.1
topo_link v6a v6b fd00:1::1/64 fd00:1::2/64

# --- naming: what later tests rely on --------------------------------------

# Print the namespaces of this run without the prefix, sorted.
run_namespaces() {
	ip netns list | awk -v p="$TOPO_PREFIX" \
		'index($1, p) == 1 { print substr($1, length(p) + 1) }' | sort | xargs
}
expect_eq() {
	[[ $1 == "$2" ]] || {
		echo "got '$1', want '$2'"
		return 1
	}
}
assert "prefix is mv<pid>-" expect_eq "$TOPO_PREFIX" "mv$$-"
assert "namespaces of the run" expect_eq "$(run_namespaces)" \
	"client1 client2 nat1 nat2 server sw.lan1 sw.lan2 sw.wan v6a v6b"
assert "topo_ns NODE" expect_eq "$(topo_ns client1)" "${TOPO_PREFIX}client1"
assert "topo_ns -s SWITCH" expect_eq "$(topo_ns -s wan)" "${TOPO_PREFIX}sw.wan"

# Interfaces are named in order of attachment: the NAT's outside is eth0.
has_addr() {
	topo_exec "$1" ip -o addr show dev "$2" | grep -q " $3 " ||
		topo_exec "$1" ip -br addr
}
assert "nat1 eth0 is the outside" has_addr nat1 eth0 198.51.100.11/24
assert "nat1 eth1 is the inside" has_addr nat1 eth1 192.168.1.1/24
assert "client1 eth0" has_addr client1 eth0 192.168.1.2/24
assert "v6b eth0" has_addr v6b eth0 fd00:1::2/64

lo_up_everywhere() {
	local ns rc=0
	for ns in $(run_namespaces); do
		ip -n "$TOPO_PREFIX$ns" link show lo | grep -q LOWER_UP ||
			{ echo "lo down in $ns"; rc=1; }
	done
	return "$rc"
}
assert "lo up everywhere" lo_up_everywhere

# --- reachability ----------------------------------------------------------

assert_ping client1 198.51.100.1
assert_ping client2 198.51.100.1 3
assert_ping nat1 192.168.1.2

# The server sees the client's traffic from the NAT's outside address, and
# the reply finds its way back in through the NAT.
udp_server='
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", int(sys.argv[1])))
while True:
    data, peer = s.recvfrom(2048)
    print("from %s:%d" % peer, flush=True)
    s.sendto(("%s:%d" % peer).encode(), peer)
'
# Send until a reply arrives (the first datagram may race the server or
# neighbour resolution); print the address the server saw.
udp_client='
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(0.25)
for _ in range(20):
    s.sendto(b"hello", (sys.argv[1], int(sys.argv[2])))
    try:
        print(s.recv(2048).decode())
        sys.exit(0)
    except socket.timeout:
        pass
sys.exit(1)
'
udp_listening() {
	topo_exec "$1" ss -Hlun "sport = :$2" | grep -q .
}

# The reply from the server says which address it saw.
seen_as() {
	local seen
	seen=$(topo_exec "$1" "$PY" -c "$udp_client" 198.51.100.1 5000) || {
		echo "no reply from the server; server log:"
		cat "$tmp/server.log"
		return 1
	}
	[[ $seen == "$2:"* ]] || {
		echo "server saw $seen, want $2"
		return 1
	}
}

topo_bg server "$PY" -c "$udp_server" 5000 >"$tmp/server.log" 2>&1
assert "UDP server listening" wait_for 5 udp_listening server 5000
assert "server sees client1 as nat1's outside address" seen_as client1 198.51.100.11
assert "server sees client2 as nat2's outside address" seen_as client2 198.51.100.12

# --- isolation -------------------------------------------------------------

# No route at all to the private network.
assert_no_ping server 192.168.1.2 1 "no ping server -> 192.168.1.2 (no route)"
# Even an attacker on the wan who routes the private prefix to the NAT gets
# nothing in: the NAT drops unsolicited inbound traffic.
topo_exec server ip route add 192.168.1.0/24 via 198.51.100.11
assert_no_ping server 192.168.1.2 1 "no ping server -> 192.168.1.2 (routed via nat1)"
topo_exec server ip route del 192.168.1.0/24 via 198.51.100.11
# Clients on different LANs cannot reach each other's private addresses.
assert_no_ping client1 192.168.2.2
assert_no_ping client2 192.168.1.2

# --- IPv6 on a direct link -------------------------------------------------

# nodad and DAD off: usable at once, no "tentative" address (link-local
# ones included).
no_tentative() {
	local out
	out=$(topo_exec "$1" ip -6 addr show tentative)
	[[ -z $out ]] || {
		echo "$out"
		return 1
	}
}
assert "no tentative IPv6 address on v6a" no_tentative v6a
assert "no tentative IPv6 address on v6b" no_tentative v6b
assert_ping v6a fd00:1::2 3
assert_ping v6b fd00:1::1

# --- teardown --------------------------------------------------------------

# A child test builds a topology with a background process that ignores
# SIGTERM (to exercise the SIGKILL escalation), writes "prefix pid" to a
# state file, then ends in the given way.  The parent checks that nothing
# of it survives.
cat >"$tmp/child.sh" <<'EOF'
set -euo pipefail
source "$1"
mode=$2 state=$3
TOPO_KILL_GRACE=0.3
topo_init
topo_switch sw
topo_node a sw 10.9.0.1/24
topo_node b sw 10.9.0.2/24 fd09::2/64
topo_link a b
topo_bg b bash -c 'trap "" TERM HUP; exec sleep 1000'
echo "$TOPO_PREFIX $!" >"$state.tmp"
mv "$state.tmp" "$state"
case $mode in
fail) false ;;             # set -e abort
unbound) echo "$nope" ;;   # set -u abort
exit) exit 3 ;;
*) sleep 1000 ;;           # wait for a signal
esac
echo "not reached"
EOF

ready() { [[ -s $1 ]]; }
# If this test is interrupted while a child runs, the child (in a process
# group of its own, so not hit by the same Ctrl-C) must be torn down too.
child_pid=""
stop_child() {
	[[ -n $child_pid ]] || return 0
	kill -TERM -- "-$child_pid" 2>/dev/null || true
	wait "$child_pid" 2>/dev/null || true
}
topo_defer stop_child
ns_count() { ip netns list | awk -v p="$1" 'index($1, p) == 1' | wc -l; }

# check_teardown MODE SIGNAL WANT_STATUS
check_teardown() {
	local mode=$1 sig=$2 want=$3 name="teardown after $1${2:+ (SIG$2)}"
	local state="$tmp/state.$mode$sig" log="$tmp/child.$mode$sig.log"
	local pid rc prefix bgpid before
	# Own process group, as a shell gives a foreground job: a signal
	# can go to the whole group like Ctrl-C does, and SIGINT is not
	# ignored as it would be in a plain background job.
	set -m
	bash "$tmp/child.sh" "$TOP/selftests/lib/netns.sh" "$mode" "$state" >"$log" 2>&1 &
	pid=$!
	child_pid=$pid
	set +m
	if ! wait_for 10 ready "$state"; then
		kill -KILL -- "-$pid" 2>/dev/null || true
		fail "$name" "child did not build its topology: $(cat "$log")"
		return
	fi
	read -r prefix bgpid <"$state"
	before=$(ns_count "$prefix")
	if [[ -n $sig ]]; then
		kill -s "$sig" -- "-$pid"
	fi
	rc=0
	# 2>: no "Killed" job report from this shell in the log.
	wait "$pid" 2>/dev/null || rc=$?
	child_pid=""
	if [[ $sig == KILL ]]; then
		# Nothing can run on SIGKILL: the namespaces are stale now and
		# topo_cleanup_stale must find them and kill what is inside.
		# (Any run starting in parallel may beat us to it: fine.)
		topo_cleanup_stale 2>>"$log"
	fi
	if [[ $prefix != "mv$pid-" ]]; then
		fail "$name" "prefix '$prefix' for pid $pid"
	elif ((rc != want)); then
		fail "$name" "exit status $rc, want $want: $(cat "$log")"
	elif ((before != 3)); then
		fail "$name" "child had $before namespaces, want 3"
	elif (($(ns_count "$prefix") != 0)); then
		fail "$name" "left: $(ip netns list | grep "^$prefix" | xargs)"
	elif topo__alive "$bgpid"; then
		fail "$name" "background process $bgpid still running"
		kill -KILL "$bgpid"
	elif grep -q "not reached" "$log"; then
		fail "$name" "child went on after the failure"
	elif [[ $sig != KILL ]] && ! grep -q "ignored SIGTERM, sending SIGKILL" "$log"; then
		fail "$name" "no SIGKILL escalation reported: $(cat "$log")"
	else
		pass "$name"
	fi
}

check_teardown fail "" 1
check_teardown unbound "" 1
check_teardown exit "" 3
check_teardown wait INT 130
check_teardown wait TERM 143
check_teardown wait HUP 129
check_teardown wait KILL 137

summary
