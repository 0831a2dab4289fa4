#!/usr/bin/env bash
#
# Self-test of the smaller promises of selftests/lib/netns.sh: result
# helpers and summary, wait_for, argument errors, interface naming,
# subshell safety, topo_defer, explicit teardown, topo_cleanup_stale and
# parallel runs.

set -euo pipefail
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LIB="$TOP/selftests/lib/netns.sh"
# shellcheck source-path=SCRIPTDIR/../.. source=selftests/lib/netns.sh
source "$LIB"

topo_init
tmp=$(mktemp -d)
topo_defer rm -rf "$tmp"

expect() {
	[[ $1 == "$2" ]] || {
		printf 'got:  %s\nwant: %s\n' "$1" "$2"
		return 1
	}
}

# child NAME BODY: run BODY in a fresh bash that has sourced the library;
# its stdout, stderr, exit status and pid go to $tmp/NAME.{out,err,rc,pid}.
child() {
	local rc=0 pid
	printf 'set -euo pipefail\nsource %q\n%s\n' "$LIB" "$2" >"$tmp/$1.sh"
	bash "$tmp/$1.sh" >"$tmp/$1.out" 2>"$tmp/$1.err" &
	pid=$!
	wait "$pid" || rc=$?
	echo "$rc" >"$tmp/$1.rc"
	echo "$pid" >"$tmp/$1.pid"
}
# child_clean NAME: no namespace of the child's run is left.
child_clean() {
	local left
	left=$(ip netns list | grep "^mv$(cat "$tmp/$1.pid")-" || true)
	[[ -z $left ]] || { echo "left: $left"; return 1; }
}
# child_is NAME RC LASTLINE: the child exited with RC, last stdout line.
child_is() {
	expect "$(cat "$tmp/$1.rc") $(tail -n1 "$tmp/$1.out")" "$2 $3" ||
		{ cat "$tmp/$1.err"; return 1; }
}

# --- results and summary ---------------------------------------------------

child mixed 'pass a; fail b "why
on two lines"; skip c "no tool"; summary'
assert "summary with a failure returns 1" child_is mixed 1 "1 passed, 1 failed, 1 skipped"
assert "fail prints its message indented" grep -qx '       on two lines' "$tmp/mixed.out"
child allskip 'skip a; skip b; summary'
assert "summary of skips only returns 4" child_is allskip 4 "0 passed, 0 failed, 2 skipped"
child allpass 'pass a; pass b; summary'
assert "summary of passes returns 0" child_is allpass 0 "2 passed, 0 failed, 0 skipped"
child skipall 'skip_all "no widget here"; echo not reached'
assert "skip_all exits 4" child_is skipall 4 "SKIP: no widget here"
child require 'topo_require sh no-such-command-here; echo not reached'
assert "topo_require skips on a missing command" child_is require 4 \
	"SKIP: 'no-such-command-here' is not installed"
child asserts 'assert yes true; assert no sh -c "echo because; exit 1"; summary'
assert "assert records pass and fail, with output" child_is asserts 1 \
	"1 passed, 1 failed, 0 skipped"
assert "assert shows the failing command's output" grep -q 'because' "$tmp/asserts.out"
child aborted 'topo_init; pass a; false; summary'
assert "abort before summary is reported" grep -q \
	'exited with status 1 before summary (1 passed' "$tmp/aborted.err"

# --- wait_for --------------------------------------------------------------

(sleep 0.3 && touch "$tmp/flag") &
assert "wait_for sees a condition come true" wait_for 5 test -e "$tmp/flag"
timed_out() {
	local t0=${EPOCHREALTIME//[!0-9]/} t1
	if wait_for 0.5 false; then
		echo "wait_for false succeeded"
		return 1
	fi
	t1=${EPOCHREALTIME//[!0-9]/}
	(((t1 - t0) >= 500000 && (t1 - t0) < 3000000)) ||
		{ echo "took $(((t1 - t0) / 1000)) ms"; return 1; }
}
assert "wait_for gives up after its timeout" timed_out

# --- argument errors die, saying where -------------------------------------

child nosw 'topo_init
topo_node a nowhere 10.0.0.1/24
echo not reached'
assert "unknown switch is fatal" child_is nosw 1 ""
assert "error names the problem and the caller" \
	grep -q "topo_node: no such switch 'nowhere' (called from $tmp/nosw.sh:4)" "$tmp/nosw.err"
child noprefix 'topo_init; topo_switch s; topo_node a s 10.0.0.1; echo not reached'
assert "address without prefix length is fatal" grep -q "bad address '10.0.0.1'" "$tmp/noprefix.err"
child badname 'topo_init; topo_switch "a.b"; echo not reached'
assert "bad name is fatal" grep -q "bad name 'a.b'" "$tmp/badname.err"
child noinit 'topo_switch s; echo not reached'
assert "topo_init is required" grep -q "call topo_init first" "$tmp/noinit.err"
# shellcheck disable=SC2016 # expanded by the child
child nonode 'topo_init; out=$(topo_exec ghost true); echo not reached'
assert "topo_exec on an unknown node is fatal" grep -q "no such node 'ghost'" "$tmp/nonode.err"
for c in nosw noprefix nonode; do
	assert "teardown after a fatal error ($c)" child_clean "$c"
done

# --- naming ----------------------------------------------------------------

topo_switch s1
topo_switch s2
topo_node multi s1 10.1.0.1/24 --gw 10.1.0.254
topo_node multi s2 10.2.0.1/24,fd02::1/64 --gw fd02::fe
topo_link multi peer 10.3.0.1/30 10.3.0.2/30
topo_node averyveryverylongname s1 10.1.0.2/24
topo_node averyveryverylongnamf s1 10.1.0.3/24
if_names() {
	topo_exec "$1" ip -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | xargs
}
assert "interfaces in order of attachment" expect "$(if_names multi)" "lo eth0 eth1 eth2"
assert "addresses on the right interfaces" expect \
	"$(topo_exec multi ip -o addr show scope global | awk '{ print $2, $4 }' | xargs)" \
	"eth0 10.1.0.1/24 eth1 10.2.0.1/24 eth1 fd02::1/64 eth2 10.3.0.1/30"
assert "IPv4 default route" expect "$(topo_exec multi ip -4 route show default | xargs)" \
	"default via 10.1.0.254 dev eth0"
assert "IPv6 default route" expect \
	"$(topo_exec multi ip -6 route show default | awk '{ print $1, $2, $3, $4, $5 }')" \
	"default via fd02::fe dev eth1"
assert "switch ports named after their peers" expect \
	"$(ip -n "$(topo_ns -s s1)" -o link show master br0 | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | xargs)" \
	"multi-eth0 averyveryv-eth0 p0"
assert "switch ports carry node:iface aliases" \
	grep -q 'alias averyveryverylongnamf:eth0' <(ip -n "$(topo_ns -s s1)" -o link show p0)

# --- background processes --------------------------------------------------

topo_bg multi sleep 1000
bgpid=$!
in_ns() {
	expect "$(stat -L -c %i "/proc/$1/ns/net")" "$(stat -L -c %i "/run/netns/$(topo_ns "$2")")"
}
assert "\$! after topo_bg is the process, inside the node" in_ns "$bgpid" multi
assert "topo_bg tracks the pid" expect "${TOPO_PIDS[*]}" "$bgpid"

# --- subshells do not tear down --------------------------------------------

x=$(topo_exec multi echo hi)
(topo_teardown)
(exit 0)
assert "subshells leave the topology alone" expect "$x $(if_names multi)" "hi lo eth0 eth1 eth2"
assert "background process survives subshells" topo__alive "$bgpid"

# --- explicit teardown, defer order, rebuild -------------------------------

# (Outside $tmp: the teardown removes $tmp, deferred by the first lines.)
order="$tmp.order"
topo_defer sh -c "echo first >>'$order'"
topo_defer sh -c "echo second >>'$order'"
topo_teardown
assert "teardown removes all namespaces" expect "$(ip netns list | grep -c "^$TOPO_PREFIX" || true)" 0
assert "teardown kills background processes" sh -c "! kill -0 $bgpid 2>/dev/null"
assert "deferred commands run last-in first-out" expect "$(xargs <"$order")" "second first"
topo_switch again
topo_node n again 10.9.0.1/24
assert "a topology can be rebuilt after teardown" expect "$(if_names n)" "lo eth0"
mkdir -p "$tmp"
topo_defer rm -rf "$tmp" "$order"

# --- topo_cleanup_stale ----------------------------------------------------

# A dead pid: a child that has exited (and been reaped).
sh -c 'exit 0' &
dead=$!
wait "$dead"
stale_ns="mv$dead-leftover"
ip netns add "$stale_ns"
ip netns exec "$stale_ns" sleep 1000 &
stale_pid=$!
# Until it is inside, a sweep of the namespace's processes would miss it.
stale_inside() {
	[[ $(stat -L -c %i "/proc/$stale_pid/ns/net") == $(stat -L -c %i "/run/netns/$stale_ns") ]]
}
wait_for 5 stale_inside 2>/dev/null || fail "stale test process" "never entered $stale_ns"
stale_check() {
	[[ ! -e /run/netns/$stale_ns ]] || { echo "$stale_ns still there"; return 1; }
	! topo__alive "$stale_pid" || { echo "process $stale_pid still alive"; return 1; }
	[[ -e /run/netns/$(topo_ns n) ]] || { echo "removed a live run's namespace"; return 1; }
}
topo_cleanup_stale 2>"$tmp/stale.err"
assert "topo_cleanup_stale removes dead runs only" stale_check
assert "topo_cleanup_stale says what it removed" grep -q "removing stale namespace $stale_ns" "$tmp/stale.err"

# --- parallel runs ---------------------------------------------------------

# Two runs with the same node names at once: prefixes keep them apart.
par=()
for i in 1 2; do
	printf 'set -euo pipefail\nsource %q\n%s\n' "$LIB" '
topo_init
topo_switch lan
topo_node a lan 10.0.0.1/24
topo_node b lan 10.0.0.2/24
assert_ping a 10.0.0.2 3
summary' >"$tmp/par$i.sh"
	bash "$tmp/par$i.sh" >"$tmp/par$i.out" 2>&1 &
	par+=("$!")
done
for pid in "${par[@]}"; do
	if wait "$pid"; then
		pass "parallel run $pid"
	else
		fail "parallel run $pid" "$(cat "$tmp"/par*.out)"
	fi
done

summary
