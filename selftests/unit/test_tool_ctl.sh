#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The meshvpn tool's meshvpnd commands against a fake daemon (python3,
# a UNIX socket in a temporary folder) that records each request line and
# answers with a canned reply: the request of every command, with and
# without --json; OK bodies printed as they are; ERROR answers on stderr
# with exit status 1; usage errors sending nothing; a missing or dead
# daemon explained; and the socket path derived as Documentation/control.md
# says.
#
# Environment: MESHVPN_TOOL, the run_tool to test; by default the newer of
# build/meshvpn and build/san/meshvpn (which make check-unit builds).
set -uo pipefail

top=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
tool=${MESHVPN_TOOL:-}
if [[ -z $tool ]]; then
	tool=$top/build/meshvpn
	[[ -x $top/build/san/meshvpn && ( ! -x $tool ||
	   $top/build/san/meshvpn -nt $tool ) ]] && tool=$top/build/san/meshvpn
fi
tmp=$(mktemp -d)
servers=()
cleanup() {
	local pid
	for pid in "${servers[@]}"; do
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	rm -rf "$tmp"
	[[ -z ${run_sock:-} ]] || rm -f "$run_sock"
}
trap cleanup EXIT

if [[ ! -x $tool ]]; then
	echo "not ok tool_built"
	echo "    no run_tool at $tool: build it (make tools) or set MESHVPN_TOOL"
	exit 1
fi

cat >"$tmp/server.py" <<'EOF'
# The fake meshvpnd: one request line per connection, appended to LOG,
# answered with the bytes of REPLY, then the connection is closed.
import socketserver
import sys

sock, log, reply = sys.argv[1:4]


class Handler(socketserver.StreamRequestHandler):
    def handle(self):
        line = self.rfile.readline(4096)
        with open(log, 'ab') as f:
            f.write(line)
        with open(reply, 'rb') as f:
            self.wfile.write(f.read())


with socketserver.UnixStreamServer(sock, Handler) as server:
    server.serve_forever()
EOF

# start_server SOCKET: a fake daemon recording into $tmp/requests.
start_server() {
	local i
	python3 "$tmp/server.py" "$1" "$tmp/requests" "$tmp/reply" &
	servers+=($!)
	for ((i = 0; i < 100; i++)); do
		[[ -S $1 ]] && return 0
		sleep 0.05
	done
	echo "    fake server at $1 did not start" >&2
	return 1
}

# shellcheck source=selftests/unit/lib.sh
. "$top/selftests/unit/lib.sh"

# run_tool ARGS...: run the tool, stdout in $tmp/out, stderr in $tmp/err,
# exit status in $status; the recorded requests are reset first.
run_tool() {
	: >"$tmp/requests"
	"$tool" "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
	status=$?
}

# expect NAME WANT_STATUS WANT_REQUEST WANT_STDOUT WANT_STDERR
expect() {
	local got_req got_out got_err msg=""
	got_req=$(cat "$tmp/requests"; echo x)
	got_out=$(cat "$tmp/out"; echo x)
	got_err=$(cat "$tmp/err"; echo x)
	((status == $2)) || msg+="exit status $status, want $2"$'\n'
	[[ $got_req == "$3"x ]] ||
		msg+="request \"${got_req%x}\", want \"$3\""$'\n'
	[[ $got_out == "$4"x ]] ||
		msg+="stdout \"${got_out%x}\", want \"$4\""$'\n'
	[[ $got_err == "$5"x ]] ||
		msg+="stderr \"${got_err%x}\", want \"$5\""$'\n'
	report "$1" "$([[ -z $msg ]]; echo $?)" "$msg"
}

sock=$tmp/ctl.sock
start_server "$sock" || exit 1
ctl=(--control "$sock")
nl=$'\n'

# ---- every command's request line, text and JSON ----

printf 'OK\n' >"$tmp/reply"
while IFS='|' read -r name args request; do
	read -ra words <<<"$args"
	out=""
	# debug says the level it set (the daemon answers the previous one).
	[[ $name != debug ]] || out="debug level 5$nl"
	run_tool "${ctl[@]}" "${words[@]}"
	expect "request_$name" 0 "$request$nl" "$out" ""
	run_tool "${ctl[@]}" --json "${words[@]}"
	expect "request_${name}_json" 0 "$request json$nl" "$out" ""
done <<'EOF'
dump_nodes|dump nodes|dump nodes
dump_edges|dump edges|dump edges
dump_subnets|dump subnets|dump subnets
dump_connections|dump connections|dump connections
dump_stats|dump stats|dump stats
info|info alice_1|info alice_1
status|status|status
stop|stop|stop
reload|reload|reload
retry|retry|retry
debug|debug 5|debug 5
purge|purge|purge
EOF

run_tool "${ctl[@]}" dump nodes -j
expect request_json_after_words 0 "dump nodes json$nl" "" ""
run_tool -j "${ctl[@]}" info bob --json
expect request_json_twice 0 "info bob json$nl" "" ""
run_tool "${ctl[@]}" debug 007
expect request_debug_canonical 0 "debug 7$nl" "debug level 7$nl" ""
run_tool "${ctl[@]}" debug 0
expect request_debug_zero 0 "debug 0$nl" "debug level 0$nl" ""
printf 'OK\n3\n' >"$tmp/reply"
run_tool "${ctl[@]}" debug 5
expect debug_old_and_new 0 "debug 5$nl" "debug level 3 -> 5$nl" ""
printf 'OK\n' >"$tmp/reply"

# The longest request is 1024 bytes with its newline.
name=$(printf 'n%.0s' {1..1018})
run_tool "${ctl[@]}" info "$name"
expect request_longest 0 "info $name$nl" "" ""
run_tool "${ctl[@]}" info "${name}x"
[[ $status == 2 && ! -s $tmp/requests ]] &&
	grep -q "too long" "$tmp/err"
report request_too_long $? "$(cat "$tmp/err")"

# ---- answers ----

printf 'OK\nnode alice reachable\n\tindented line\nlast line without newline' \
	>"$tmp/reply"
run_tool "${ctl[@]}" dump nodes
expect answer_ok_body_as_is 0 "dump nodes$nl" \
	"node alice reachable$nl	indented line${nl}last line without newline" ""

printf 'OK\n{"nodes": [\n  {"name": "alice"}\n]}\n' >"$tmp/reply"
run_tool "${ctl[@]}" dump nodes --json
expect answer_ok_json 0 "dump nodes json$nl" \
	"{\"nodes\": [$nl  {\"name\": \"alice\"}$nl]}$nl" ""

printf 'OK\n' >"$tmp/reply"
run_tool "${ctl[@]}" reload
expect answer_ok_empty 0 "reload$nl" "" ""

{ printf 'OK\n'; seq 1 50000; } >"$tmp/reply"
run_tool "${ctl[@]}" dump edges
seq 1 50000 | cmp -s - "$tmp/out" && ((status == 0))
report answer_large_body $? "status $status, $(wc -c <"$tmp/out") bytes"

printf 'ERROR no node named alice\n' >"$tmp/reply"
run_tool "${ctl[@]}" info alice
expect answer_error 1 "info alice$nl" "" "meshvpn: no node named alice$nl"

printf 'ERROR cannot purge now\ndetail line\n' >"$tmp/reply"
run_tool "${ctl[@]}" purge
expect answer_error_with_detail 1 "purge$nl" "" \
	"meshvpn: cannot purge now${nl}detail line$nl"

printf 'ERROR\n' >"$tmp/reply"
run_tool "${ctl[@]}" stop
expect answer_error_bare 1 "stop$nl" "" "meshvpn: meshvpnd reported an error$nl"

printf 'HELLO\nbody\n' >"$tmp/reply"
run_tool "${ctl[@]}" retry
expect answer_malformed 1 "retry$nl" "" \
	"meshvpn: meshvpnd at $sock sent a malformed answer: \"HELLO\"$nl"

: >"$tmp/reply"
run_tool "${ctl[@]}" retry
expect answer_none 1 "retry$nl" "" \
	"meshvpn: meshvpnd at $sock closed the connection without an answer$nl"

printf 'OK' >"$tmp/reply"
run_tool "${ctl[@]}" retry
expect answer_truncated 1 "retry$nl" "" \
	"meshvpn: meshvpnd at $sock closed the connection without a complete answer$nl"

# ---- usage errors send nothing ----

printf 'OK\n' >"$tmp/reply"
while IFS='|' read -r name args want; do
	read -ra words <<<"$args"
	run_tool "${ctl[@]}" "${words[@]}"
	[[ $status == 2 && ! -s $tmp/requests && ! -s $tmp/out ]] &&
		grep -qF -- "$want" "$tmp/err" && grep -q "^Usage: " "$tmp/err"
	report "usage_$name" $? "status $status: $(cat "$tmp/err")"
done <<'EOF'
dump_nothing|dump|meshvpn: dump: what to dump?
dump_unknown|dump tables|meshvpn: dump: cannot dump "tables"
dump_graph_json|dump graph --json|meshvpn: dump: the graph is DOT, not JSON
dump_extra|dump nodes edges|meshvpn: dump: too many arguments
info_missing|info|meshvpn: info: missing NODE
info_bad_name|info al-ice|meshvpn: info: "al-ice" is neither a node name
info_space|info a b|meshvpn: info: too many arguments
debug_missing|debug|meshvpn: debug: missing LEVEL
debug_range|debug 11|meshvpn: debug: invalid level: 11 is out of range (0..10)
debug_word|debug high|meshvpn: debug: invalid level
debug_negative|debug -1|meshvpn: debug: invalid level
stop_extra|stop now|meshvpn: stop: unexpected argument "now"
reload_extra|reload all|meshvpn: reload: unexpected argument "all"
EOF

run_tool --control
[[ $status == 2 ]] && grep -q 'option "--control" needs a value' "$tmp/err"
report usage_option_without_value $? "$(cat "$tmp/err")"

# ---- no daemon ----

run_tool --control "$tmp/none.sock" stop
expect no_socket 1 "" "" \
	"meshvpn: cannot reach meshvpnd at $tmp/none.sock: No such file or directory (is it running?)$nl"

python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' \
	"$tmp/dead.sock"
run_tool --control "$tmp/dead.sock" stop
expect dead_socket 1 "" "" \
	"meshvpn: cannot reach meshvpnd at $tmp/dead.sock: Connection refused (is it running?)$nl"

long=$tmp/$(printf 'd%.0s' {1..120}).sock
run_tool --control "$long" stop
expect socket_path_too_long 1 "" "" \
	"meshvpn: control socket path too long: $long$nl"

# ---- which socket ----

start_server "$tmp/daemon.socket" || exit 1
run_tool --pidfile "$tmp/daemon.pid" dump subnets
expect path_from_pidfile 0 "dump subnets$nl" "" ""
start_server "$tmp/other.socket" || exit 1
run_tool --pidfile="$tmp/other" stop
expect path_from_pidfile_without_pid 0 "stop$nl" "" ""
run_tool -n ignored --pidfile "$tmp/x.pid" --control "$tmp/daemon.socket" stop
expect path_control_wins 0 "stop$nl" "" ""

# Paths under /run are only named, never created: the message shows them.
net=mvtest$$
unreachable() {
	echo "meshvpn: cannot reach meshvpnd at $1: No such file or directory (is it running?)"
}
run_tool -n "$net" stop
expect path_from_netname 1 "" "" "$(unreachable "/run/meshvpn.$net.socket")$nl"
run_tool --net="$net" stop
expect path_from_netname_long 1 "" "" "$(unreachable "/run/meshvpn.$net.socket")$nl"
run_tool "-n$net" stop
expect path_from_netname_attached 1 "" "" "$(unreachable "/run/meshvpn.$net.socket")$nl"
run_tool dump nodes -n "$net"
expect path_option_after_the_command 1 "" "" "$(unreachable "/run/meshvpn.$net.socket")$nl"
run_tool info --net="$net" alice --json
expect path_option_among_the_words 1 "" "" "$(unreachable "/run/meshvpn.$net.socket")$nl"
NETNAME=$net run_tool stop
expect path_from_env 1 "" "" "$(unreachable "/run/meshvpn.$net.socket")$nl"
NETNAME=$net run_tool -n "${net}b" stop
expect path_option_beats_env 1 "" "" "$(unreachable "/run/meshvpn.${net}b.socket")$nl"
NETNAME='' run_tool -n . -c /etc/meshvpn/x stop
expect path_without_netname 1 "" "" "$(unreachable /run/meshvpn.socket)$nl"
run_tool -n ../etc stop
[[ $status == 2 ]] && grep -q 'invalid netname "../etc"' "$tmp/err"
report path_bad_netname $? "$(cat "$tmp/err")"

# ---- the rest of the run_tool is unchanged ----

"$tool" help >"$tmp/out" 2>&1
grep -q "meshvpn link show" "$tmp/out" && grep -q "meshvpn \[OPTIONS\] dump" "$tmp/out"
report help_lists_both $? "$(cat "$tmp/out")"
# The daemon's commands, which most users run, come first.
(($(grep -n -m1 "meshvpn \[OPTIONS\] dump" "$tmp/out" | cut -d: -f1) <
  $(grep -n -m1 "meshvpn link show" "$tmp/out" | cut -d: -f1)))
report help_daemon_commands_first $? "$(cat "$tmp/out")"
# An unknown command: one line, with the likely one.
run_tool dumb nodes
[[ $status == 2 && ! -s $tmp/out && $(wc -l <"$tmp/err") == 1 ]] &&
	grep -qF 'unknown command "dumb"; did you mean "dump"?' "$tmp/err"
report unknown_command_one_line_and_hint $? "$(cat "$tmp/err")"
run_tool frobnicate
[[ $status == 2 && $(wc -l <"$tmp/err") == 1 ]] &&
	grep -qF 'unknown command "frobnicate" (meshvpn help lists them)' "$tmp/err"
report unknown_command_without_hint $? "$(cat "$tmp/err")"
"$tool" help info >"$tmp/out" 2>&1 && grep -q "info NODE" "$tmp/out"
report help_ctl_command $? "$(cat "$tmp/out")"
"$tool" help route >"$tmp/out" 2>&1 && grep -q "route show DEV" "$tmp/out"
report help_kernel_command $? "$(cat "$tmp/out")"
"$tool" -n x node add >"$tmp/out" 2>&1
[[ $? == 2 ]] && grep -q "meshvpn node add|set DEV ID" "$tmp/out"
report kernel_command_with_options $? "$(cat "$tmp/out")"

# ---- link show names a daemon's TUN device ----

# A meshvpnd on the userspace path, found by its socket in /run: link
# show says that its TUN device is not a meshvpn link (ticket 19).
if ((EUID == 0)) && [[ -d /run ]]; then
	run_sock=/run/meshvpn.unittest$$.socket
	printf 'OK\nuserspace tun7\n' >"$tmp/reply"
	if start_server "$run_sock"; then
		run_tool link show
		[[ $status == 0 ]] && grep -q '^dataplane$' "$tmp/requests" &&
			grep -qF "tun7: TUN device of meshvpnd ($run_sock): the userspace data path, not a meshvpn link" "$tmp/out"
		report link_show_names_the_tun_device $? "status $status: $(cat "$tmp/out" "$tmp/err")"
		printf 'OK\nkernel meshvpn0\n' >"$tmp/reply"
		run_tool link show
		! grep -q "meshvpn0: TUN" "$tmp/out"
		report link_show_no_tun_note_for_the_kernel_path $? "$(cat "$tmp/out")"
	else
		report link_show_names_the_tun_device 1 "no fake daemon at $run_sock"
	fi
fi

finish
