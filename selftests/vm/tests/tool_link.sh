#!/usr/bin/env bash
# vm-timeout: 900
# The meshvpn tool against meshvpn.ko: link set/show (text and JSON), the
# kernel's extack reason and exit status 1 on errors, exit status 2 and a
# usage line on bad arguments, node ids out of range refused, and every
# other command either working or failing with one clean error line (the
# module does not implement them all yet: nothing here depends on that).
# Needs build/meshvpn (make tools); MESHVPN=path tests another binary.
set -uo pipefail

MESHVPN=${MESHVPN:-$TOP/build/meshvpn}
TMP=$(mktemp -d /tmp/tool_link.XXXXXX)

fail() { echo "FAIL: $*" >&2; exit 1; }

cleanup() {
	ip link del mv0 2>/dev/null
	ip link del mv1 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

if [[ ! -x $MESHVPN ]]; then
	echo "SKIP: $MESHVPN is not built (make tools)"
	exit 4
fi

# run CMD...: runs the tool with CMD, sets $rc, $out and $err.
run() {
	"$MESHVPN" "$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	out=$(<"$TMP/out")
	err=$(<"$TMP/err")
}

# expect RC CMD...: runs CMD, which must exit with RC.
expect() {
	local want=$1
	shift
	run "$@"
	((rc == want)) ||
		fail "'meshvpn $*' exited $rc, want $want; stdout: [$out] stderr: [$err]"
}

# expect_err PATTERN: stderr is exactly one line, matching PATTERN (ERE).
expect_err() {
	[[ $(wc -l <"$TMP/err") -eq 1 ]] || fail "want one line on stderr, got: [$err]"
	grep -Eq -- "$1" <<<"$err" || fail "stderr [$err] does not match /$1/"
}

# expect_usage PATTERN CMD...: exit status 2, the reason, then usage.
expect_usage() {
	local pattern=$1
	shift
	expect 2 "$@"
	grep -Eq -- "$pattern" <<<"$err" || fail "'meshvpn $*': stderr [$err] lacks /$pattern/"
	grep -q '^Usage: meshvpn ' <<<"$err" || fail "'meshvpn $*': no usage line in [$err]"
	[[ -z $out ]] || fail "'meshvpn $*' wrote to stdout: [$out]"
}

# expect_clean WHAT CMD...: works, or fails with one "meshvpn: WHAT: ..."
# line and exit status 1 (an operation the module does not have yet).
expect_clean() {
	local what=$1
	shift
	run "$@"
	case $rc in
	0) echo "ok: meshvpn $* (supported)" ;;
	1)
		expect_err "^meshvpn: $what: [^ ].*\(.+\)$"
		! grep -q malformed <<<"$err" || fail "'meshvpn $*': $err"
		echo "ok: meshvpn $* -> $err"
		;;
	*) fail "'meshvpn $*' exited $rc; stdout: [$out] stderr: [$err]" ;;
	esac
}

# json_get EXPR: evaluates python EXPR on the JSON in $out ("d").
json_get() {
	python3 -c 'import json, sys; d = json.load(sys.stdin); print(eval(sys.argv[1]))' \
		"$1" <<<"$out"
}

check_basics() {
	expect 0 --version
	grep -q '^meshvpn ' <<<"$out" || fail "--version: [$out]"
	expect 0 help
	grep -q 'meshvpn link show' <<<"$out" || fail "help lacks link show"
	expect 0 help key
	# One line and a hint, no usage screen (ticket 19).
	expect 2 bogus
	[[ $err == 'meshvpn: unknown command "bogus" (meshvpn help lists them)' ]] ||
		fail "'meshvpn bogus': stderr [$err]"
	expect_usage 'unknown command "frob"' link frob
	expect_usage 'unknown option' --frob link show
	expect 2
	echo "ok: help, version, unknown commands"
}

check_link_set_show() {
	ip link add mv0 type meshvpn || fail "ip link add mv0 type meshvpn"
	ip link add mv1 type meshvpn || fail "ip link add mv1 type meshvpn"

	expect 0 link show mv0
	grep -Eq '^  node id: +\(none\)$' <<<"$out" || fail "fresh mv0 has a node id: [$out]"

	expect 0 link set mv0 node-id 0x123
	[[ -z $out && -z $err ]] || fail "link set printed: [$out] [$err]"
	expect 0 link show mv0
	echo "$out"
	grep -q '^link: mv0$' <<<"$out" || fail "link show mv0: no 'link: mv0' in [$out]"
	grep -Eq '^  node id: +000000000123$' <<<"$out" ||
		fail "link show mv0 does not show node id 000000000123: [$out]"

	# Without DEV: every meshvpn link, and nothing else.
	expect 0 link show
	grep -q '^link: mv0$' <<<"$out" || fail "link show lacks mv0"
	grep -q '^link: mv1$' <<<"$out" || fail "link show lacks mv1"
	! grep -q '^link: lo$' <<<"$out" || fail "link show lists lo"
	echo "ok: link set node-id, link show [DEV]"
}

check_json() {
	local d
	for args in "link show mv0 --json" "--json link show mv0" "-j link show mv0"; do
		# shellcheck disable=SC2086
		expect 0 $args
		python3 -m json.tool <<<"$out" >/dev/null || fail "'$args' is not JSON: [$out]"
		[[ $(json_get 'len(d)') == 1 ]] || fail "'$args': want one link: [$out]"
		[[ $(json_get 'd[0]["ifname"]') == mv0 ]] || fail "'$args': ifname: [$out]"
		[[ $(json_get 'd[0]["node_id"]') == 000000000123 ]] ||
			fail "'$args': node_id is not 000000000123: [$out]"
		[[ $(json_get 'd[0]["ifindex"]') == "$(cat /sys/class/net/mv0/ifindex)" ]] ||
			fail "'$args': wrong ifindex: [$out]"
	done
	echo "$out"
	expect 0 link show --json
	python3 -m json.tool <<<"$out" >/dev/null || fail "link show --json is not JSON: [$out]"
	d=$(json_get '" ".join(sorted(l["ifname"] for l in d))')
	[[ $d == "mv0 mv1" ]] || fail "link show --json lists [$d], want mv0 mv1"
	[[ $(json_get '[l for l in d if l["ifname"] == "mv1"][0]["node_id"]') == None ]] ||
		fail "mv1 has a node id: [$out]"
	echo "ok: --json parses and carries the node id"
}

check_errors() {
	# A device that is not meshvpn: the kernel's extack reason, exit 1.
	expect 1 link show lo
	expect_err '^meshvpn: link show: interface is not a meshvpn link \(Invalid argument\)$'
	[[ -z $out ]] || fail "link show lo wrote to stdout: [$out]"
	expect 1 link set lo node-id 1
	expect_err '^meshvpn: link set: interface is not a meshvpn link \(Invalid argument\)$'
	expect 1 link show --json lo
	expect_err '^meshvpn: link show: interface is not a meshvpn link'
	# The JSON document stays valid even when a link fails.
	python3 -m json.tool <<<"$out" >/dev/null || fail "link show --json lo: [$out]"
	expect 1 link show nosuchdev0
	expect_err '^meshvpn: link show: nosuchdev0: no such device$'
	expect 1 node add nosuchdev0 1
	expect_err '^meshvpn: node add: nosuchdev0: no such device$'
	echo "ok: errors carry the kernel's reason, exit 1"
}

check_node_id_range() {
	local id
	for id in 0 0x0 ffffffffffff 0xffffffffffff 0x1000000000000 -1 12g ""; do
		expect_usage 'invalid node id' link set mv0 node-id "$id"
	done
	expect_usage 'invalid node id' node add mv0 0
	expect_usage 'invalid node id' node add mv0 1 via ffffffffffff
	expect_usage 'invalid node id' route add mv0 10.0.0.0/8 node 0
	expect_usage 'invalid node id' key swap mv0 ffffffffffff
	# Nothing was changed by the refused commands.
	expect 0 link show mv0
	grep -Eq '^  node id: +000000000123$' <<<"$out" || fail "node id changed: [$out]"
	# The largest valid id works end to end.
	expect 0 link set mv0 node-id fffffffffffe
	expect 0 link show mv0
	grep -Eq '^  node id: +fffffffffffe$' <<<"$out" || fail "node id fffffffffffe: [$out]"
	expect 0 link set mv0 node-id 123
	echo "ok: node ids 0, ffffffffffff and > 48 bits refused"
}

check_usage() {
	expect_usage 'nothing to set' link set mv0
	expect_usage 'needs a value' link set mv0 node-id
	expect_usage 'unexpected or repeated "node-id"' link set mv0 node-id 1 node-id 2
	expect_usage 'missing' node add mv0
	expect_usage 'nothing to change' node set mv0 1
	expect_usage 'ADDRESS:PORT' node add mv0 1 endpoint 192.0.2.1
	expect_usage 'brackets' node add mv0 1 endpoint 2001:db8::1:655
	expect_usage 'out of range' node add mv0 1 keepalive 3601
	expect_usage 'needs tx-key and rx-key' \
		key add mv0 1 slot current cipher aes-256-gcm phase 0
	expect_usage 'cipher none takes no keys' \
		key add mv0 1 slot current cipher none phase 0 tx-key -
	expect_usage 'only one of tx-key and rx-key' \
		key add mv0 1 slot current cipher aes-256-gcm phase 0 tx-key - rx-key -
	expect_usage 'unknown cipher' key add mv0 1 slot current cipher aes phase 0
	expect_usage 'out of range' key add mv0 1 slot next cipher none phase 2
	expect_usage 'slot' key del mv0 1
	expect_usage 'did you mean 10.0.0.0/8' route add mv0 10.1.2.3/8 node 1
	expect_usage 'missing node' route add mv0 10.0.0.0/8
	expect_usage 'too many arguments' route show mv0 extra
	expect_usage 'unexpected' monitor mv0 extra
	echo "ok: usage errors exit 2 with a usage line"
}

# Operations the module may not implement yet: they work or fail cleanly.
check_other_commands() {
	printf '%064x\n' 1 >"$TMP/tx.key"
	printf '%064x\n' 2 >"$TMP/rx.key"
	expect_clean 'node add' node add mv0 456 endpoint 192.0.2.1:655 keepalive 25
	expect_clean 'node add' node add mv0 789 endpoint '[2001:db8::1]:655'
	expect_clean 'node set' node set mv0 456 via 789
	expect_clean 'node set' node set mv0 456 via direct
	expect_clean 'key add' key add mv0 456 slot current cipher chacha20-poly1305 \
		phase 0 tx-key "$TMP/tx.key" rx-key "$TMP/rx.key"
	expect_clean 'key add' key add mv0 456 slot next cipher aes-256-gcm \
		phase 1 tx-key "$TMP/tx.key" rx-key - <"$TMP/rx.key"
	expect_clean 'key add' key add mv0 456 slot next cipher none phase 1
	expect_clean 'key swap' key swap mv0 456
	expect_clean 'key del' key del mv0 456 slot next
	expect_clean 'route add' route add mv0 10.1.0.0/16 node 456
	expect_clean 'route add' route add mv0 fd00:1::/64 node 456
	expect_clean 'route show' route show mv0
	expect_clean 'route show' route show mv0 --json
	if ((rc == 0)); then
		python3 -m json.tool <<<"$out" >/dev/null || fail "route show --json: [$out]"
	fi
	expect_clean 'route del' route del mv0 10.1.0.0/16
	expect_clean 'route del' route del mv0 fd00:1::/64 node 456
	# A UDP socket this process holds, passed down by number.
	exec 5<>/dev/udp/127.0.0.1/9
	expect_clean 'link set' link set mv0 socket-fd 5
	exec 5>&-
	expect 1 link set mv0 socket-fd 77
	expect_err '^meshvpn: link set: socket-fd 77: Bad file descriptor$'

	# Key files are checked before the kernel sees anything.
	expect 1 key add mv0 456 slot current cipher aes-256-gcm phase 0 \
		tx-key "$TMP/nonexistent" rx-key "$TMP/rx.key"
	expect_err 'nonexistent: No such file or directory$'
	echo "not hex" >"$TMP/bad.key"
	expect 1 key add mv0 456 slot current cipher aes-256-gcm phase 0 \
		tx-key "$TMP/bad.key" rx-key "$TMP/rx.key"
	expect_err '^meshvpn: key add: key must be 64 hex digits'

	# Whatever of the above the module took, link show shows it (or, if
	# a part of it is not right in the module yet, says so cleanly).
	run link show mv0
	echo "$out"
	[[ -z $err ]] || echo "link show notes: $err"
	expect_clean 'link show' link show mv0 --json
	python3 -m json.tool <<<"$out" >/dev/null || fail "link show --json: [$out]"
	expect_clean 'node del' node del mv0 789
	expect_clean 'node del' node del mv0 456
	echo "ok: other commands work or fail cleanly"
}

# Wait until process $1 catches SIGINT: the monitor installs its handler
# once it is subscribed, so a signal before that would just kill it.
wait_sigint_caught() {
	local mask i
	for ((i = 0; i < 600; i++)); do
		mask=$(awk '/^SigCgt:/ { print $2 }' "/proc/$1/status" 2>/dev/null) || return
		[[ -n $mask ]] || return
		(((16#$mask & 2) != 0)) && return
		sleep 0.1
	done
}

check_monitor() {
	local mrc pid
	for args in "monitor" "monitor mv0" "monitor --json"; do
		# shellcheck disable=SC2086
		"$MESHVPN" $args >"$TMP/out" 2>"$TMP/err" &
		pid=$!
		wait_sigint_caught "$pid"
		kill -INT "$pid"
		wait "$pid"
		mrc=$?
		((mrc == 0)) || fail "'meshvpn $args' exited $mrc on SIGINT: $(<"$TMP/err")"
		[[ ! -s $TMP/err ]] || fail "'meshvpn $args': $(<"$TMP/err")"
	done
	expect 1 monitor nosuchdev0
	expect_err 'no such device'
	echo "ok: monitor subscribes and stops cleanly on SIGINT"
}

# Memory errors and leaks on the real netlink paths, when valgrind is there.
check_valgrind() {
	local vg=(valgrind -q --error-exitcode=99 --leak-check=full
		"--errors-for-leak-kinds=definite,indirect")
	if ! command -v valgrind >/dev/null; then
		echo "ok: valgrind not installed, skipped"
		return
	fi
	"${vg[@]}" "$MESHVPN" link show --json >/dev/null 2>"$TMP/vg" ||
		fail "valgrind link show --json: $(<"$TMP/vg")"
	"${vg[@]}" "$MESHVPN" link show lo >/dev/null 2>"$TMP/vg"
	(($? == 1)) || fail "valgrind link show lo: $(<"$TMP/vg")"
	"${vg[@]}" "$MESHVPN" key add mv0 456 slot current cipher aes-256-gcm phase 0 \
		tx-key "$TMP/tx.key" rx-key "$TMP/rx.key" >/dev/null 2>"$TMP/vg"
	(($? <= 1)) || fail "valgrind key add: $(<"$TMP/vg")"
	echo "ok: valgrind clean"
}

check_basics
check_link_set_show
check_json
check_errors
check_node_id_range
check_usage
check_other_commands
check_monitor
check_valgrind
echo "ok: all"
