#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Steering a running daemon, tinc 1.0's way (signals, "meshvpnd -k") and
# tinc 1.1's way (the meshvpn tool): dumps into the log, the debug level
# toggle, reload, retry, stop, and JSON that parses.
#
#   einstein  198.51.100.1   hub                     10.10.0.1
#   newton    198.51.100.2   ConnectTo einstein      10.10.0.2
#   penrose   198.51.100.4   ConnectTo einstein      10.10.0.4
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
source "$TOP/selftests/lib/netns.sh"
source "$TOP/selftests/lib/meshvpnd.sh"
source "$TOP/selftests/lib/seed.sh"

topo_init
mvd_init

star_build newton penrose
for n in einstein newton penrose; do
	printf '#!/bin/sh\necho "down $NAME $INTERFACE" >>%q\n' "$MVD_DIR/$n.down" \
		>"$MVD_DIR/$n/meshvpn-down"
	chmod 755 "$MVD_DIR/$n/meshvpn-down"
done

# kill_opt NAME SIGNAL: "meshvpnd -kSIGNAL" against NAME's daemon, as
# "tincd -n private -kINT" in the article.
kill_opt() {
	"$MESHVPND" -c "$MVD_DIR/$1" --pidfile "$MVD_DIR/$1.pid" "-k$2"
}

# logged_after MARK ERE: einstein's log has ERE after MARK (waits 5 s).
logged_after() {
	mvd_wait_log_since 5 einstein "$1" "meshvpnd\[[0-9]+\]: $2"
}

star_start
assert "einstein sees newton" mvd_wait_field 10 einstein newton reachable true
assert "einstein sees penrose" mvd_wait_field 10 einstein penrose reachable true
assert "newton sees penrose" mvd_wait_field 10 newton penrose reachable true
assert "einstein-newton is direct" mvd_wait_field 10 einstein newton path direct

# ---- dumps into the log ----

mark=$(mvd_log_mark einstein)
kill -USR1 "${MVD_PID[einstein]}"
assert "SIGUSR1: a connection dump in the log" logged_after "$mark" "Connections:"
assert "SIGUSR1: newton's connection is in it" logged_after "$mark" \
	"newton at 198\.51\.100\.2:[0-9]+ incoming active"
assert "SIGUSR1: penrose's connection is in it" logged_after "$mark" \
	"penrose at 198\.51\.100\.4:[0-9]+ incoming active"
assert "SIGUSR1 dumps no nodes" eval '! mvd_logged_since einstein "$mark" "Nodes:"'

mark=$(mvd_log_mark einstein)
assert "meshvpnd -kUSR2 works" kill_opt einstein USR2
assert "SIGUSR2: a node dump in the log" logged_after "$mark" "Nodes:"
assert "SIGUSR2: newton in the node dump" logged_after "$mark" \
	"newton +[0-9a-f]{12} direct +198\.51\.100\.2:655"
assert "SIGUSR2: einstein itself in the node dump" logged_after "$mark" \
	"einstein +[0-9a-f]{12} self"
assert "SIGUSR2: the edges" logged_after "$mark" "Edges:"
assert "SIGUSR2: the edge einstein-newton" logged_after "$mark" \
	"einstein to newton at 198\.51\.100\.2:655 weight [0-9]+$"
assert "SIGUSR2: the edge newton-einstein" logged_after "$mark" \
	"newton to einstein at 198\.51\.100\.1:655 weight [0-9]+$"
assert "SIGUSR2: the subnets" logged_after "$mark" "Subnets:"
assert "SIGUSR2: newton's subnet" logged_after "$mark" "10\.10\.0\.2 owner newton"
assert "SIGUSR2: einstein's own subnet" logged_after "$mark" "10\.10\.0\.1 owner einstein"

# ---- debug levels ----

mark=$(mvd_log_mark einstein)
assert "meshvpnd -kINT works" kill_opt einstein INT
assert "SIGINT: debug level 5" logged_after "$mark" "Temporarily setting debug level to 5"
assert "meshvpn debug: the level was 5" test "$(mvd_ctl einstein debug 5)" = "debug level 5 -> 5"
mark=$(mvd_log_mark einstein)
kill -INT "${MVD_PID[einstein]}"
assert "SIGINT again: back to 3" logged_after "$mark" "Reverting to old debug level \(3\)"
assert "meshvpn debug 4: the level was 3 again" test "$(mvd_ctl einstein debug 4)" = "debug level 3 -> 4"
assert "meshvpn debug 4 took" test "$(mvd_ctl einstein debug 4)" = "debug level 4 -> 4"
# The level matters: control requests are logged at level 2.
assert "meshvpn debug 0" test "$(mvd_ctl einstein debug 0)" = "debug level 4 -> 0"
mark=$(mvd_log_mark einstein)
mvd_ctl einstein dump nodes >/dev/null
assert "at level 0, a control request is not logged" \
	eval '! mvd_logged_since einstein "$mark" "Control request: dump nodes"'
assert "meshvpn debug 3 (prints 0)" test "$(mvd_ctl einstein debug 3)" = "debug level 0 -> 3"
mvd_ctl einstein dump nodes >/dev/null
assert "at level 3 it is" logged_after "$mark" "Control request: dump nodes"
assert "meshvpn debug refuses 11" eval '! mvd_ctl einstein debug 11 2>/dev/null'

# ---- control clients side by side ----

# Five clients connect and send half a request each; a sixth is served at
# once all the same, and the five are told after a second that their
# request is incomplete (the daemon never waits on one client).
"$MVD_PY" -c '
import socket, sys
socks = []
for i in range(5):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sys.argv[1])
    s.sendall(b"dump no")
    socks.append(s)
open(sys.argv[2], "w").write("connected\n")
answers = []
for s in socks:
    s.settimeout(5)
    try:
        answers.append(s.recv(100).decode().strip())
    except socket.timeout:
        answers.append("no answer")
open(sys.argv[2], "a").write("\n".join(answers) + "\n")
' "$MVD_DIR/einstein.socket" "$MVD_DIR/silent.out" &
silent=$!
wait_for 5 grep -q connected "$MVD_DIR/silent.out"
assert "a request is served while five clients hold the socket" \
	timeout 2 "$MESHVPN_TOOL" --pidfile "$MVD_DIR/einstein.pid" dump nodes
wait "$silent"
assert "the five are told their request is incomplete" \
	test "$(grep -c '^ERROR request incomplete$' "$MVD_DIR/silent.out")" = 5

# ---- reload and retry ----

mark=$(mvd_log_mark einstein)
mvd_host einstein "Subnet = 10.40.0.0/24"
assert "meshvpn reload" mvd_ctl einstein reload
assert "reload: logged" logged_after "$mark" "[A-Za-z ,]*reloading the configuration"
assert "reload: newton learns einstein's new subnet" \
	wait_for 10 mvd_has_subnet newton 10.40.0.0/24 einstein
mark=$(mvd_log_mark einstein)
kill -HUP "${MVD_PID[einstein]}"
assert "SIGHUP: reload logged" logged_after "$mark" "Got SIGHUP, reloading the configuration"
nmark=$(mvd_log_mark newton)
kill -ALRM "${MVD_PID[newton]}"
assert "SIGALRM: logged" \
	mvd_wait_log_since 5 newton "$nmark" "Got ALRM signal, retrying connections now"
assert "meshvpn retry" mvd_ctl newton retry
assert "newton is still connected" test "$(mvd_field newton einstein connected)" = true

# ---- JSON ----

check_json() {
	"$MVD_PY" -c "
import json, sys
d = json.load(sys.stdin)
assert ($1), d
"
}
j() {
	mvd_json einstein "$@"
}
assert "dump nodes --json" eval 'j dump nodes | check_json \
	"{n[\"name\"]: (n[\"self\"], n[\"reachable\"], n[\"path\"]) for n in d} ==
	 {\"einstein\": (True, True, \"self\"), \"newton\": (False, True, \"direct\"),
	  \"penrose\": (False, True, \"direct\")}"'
assert "dump nodes --json: every field" eval 'j dump nodes | check_json \
	"all(set(n) >= {\"name\", \"id\", \"self\", \"reachable\", \"path\", \"via\",
	 \"nexthop\", \"endpoint\", \"direct\", \"rtt_us\", \"cipher\", \"key_source\",
	 \"connected\", \"subnets\", \"tx_packets\", \"rx_packets\", \"relayed_packets\",
	 \"decrypt_errors\", \"replay_drops\", \"rpf_drops\", \"nokey_drops\"} for n in d)"'
assert "dump edges --json" eval 'j dump edges | check_json \
	"{(e[\"from\"], e[\"to\"]) for e in d if e[\"confirmed\"]} ==
	 {(\"einstein\", \"newton\"), (\"newton\", \"einstein\"),
	  (\"einstein\", \"penrose\"), (\"penrose\", \"einstein\")}"'
assert "dump subnets --json" eval 'j dump subnets | check_json \
	"sorted((s[\"subnet\"], s[\"owner\"]) for s in d) ==
	 [(\"10.10.0.1\", \"einstein\"), (\"10.10.0.2\", \"newton\"),
	  (\"10.10.0.4\", \"penrose\"), (\"10.40.0.0/24\", \"einstein\")]"'
assert "dump connections --json" eval 'j dump connections | check_json \
	"sorted((c[\"name\"], c[\"state\"], c[\"outgoing\"]) for c in d) ==
	 [(\"newton\", \"active\", False), (\"penrose\", \"active\", False)]"'
assert "info newton --json" eval 'j info newton | check_json \
	"d[\"name\"] == \"newton\" and d[\"reachable\"] and d[\"connected\"] and
	 d[\"endpoint\"] == \"198.51.100.2:655\" and d[\"key_source\"] == \"hostfile\""'
assert "info einstein --json (self)" eval 'j info einstein | check_json \
	"d[\"self\"] and d[\"path\"] == \"self\""'
assert "meshvpn --json dump nodes (option first) parses too" \
	eval '"$MESHVPN_TOOL" --pidfile "$MVD_DIR/einstein.pid" --json dump nodes | check_json "len(d) == 3"'
assert "info of an unknown node fails" \
	eval '! mvd_ctl einstein info nobody --json >/dev/null 2>&1'

# ---- stopping: meshvpnd -k, meshvpn stop, SIGQUIT ----

assert "meshvpnd -k stops newton" kill_opt newton TERM
assert "newton exited" wait_for 10 mvd__gone newton
mvd_assert_exit_status newton 0
assert "newton's down script ran" grep -qx "down newton ${MVD_IFACE:-tun0}" "$MVD_DIR/newton.down"
assert "newton's pidfile is removed" test ! -e "$MVD_DIR/newton.pid"
assert "newton's control socket is removed" test ! -e "$MVD_DIR/newton.socket"
assert "meshvpnd -k without a daemon fails" eval '! kill_opt newton TERM 2>/dev/null'
assert "meshvpn without a daemon fails" eval '! mvd_ctl newton dump nodes 2>/dev/null'
assert "einstein sees newton go" mvd_wait_field 10 einstein newton reachable false

assert "meshvpn stop" mvd_ctl einstein stop
assert "einstein exited" wait_for 10 mvd__gone einstein
mvd_assert_exit_status einstein 0
assert "einstein's down script ran" grep -qx "down einstein ${MVD_IFACE:-tun0}" "$MVD_DIR/einstein.down"
assert "einstein's pidfile is removed" test ! -e "$MVD_DIR/einstein.pid"
assert "einstein logged its end" mvd_logged einstein "Terminating"

mark=$(mvd_log_mark penrose)
kill -QUIT "${MVD_PID[penrose]}"
assert "SIGQUIT stops penrose" wait_for 10 mvd__gone penrose
mvd_assert_exit_status penrose 0
assert "SIGQUIT: logged" mvd_logged_since penrose "$mark" "Got Quit signal"
assert "penrose's down script ran" grep -qx "down penrose ${MVD_IFACE:-tun0}" "$MVD_DIR/penrose.down"

mvd_assert_clean
summary
