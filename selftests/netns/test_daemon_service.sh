#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# meshvpnd as a service runs it: detached (no -D). Every signal of
# "meshvpnd -k" acts, scripts are reaped over many host-up/down cycles,
# a second daemon for the same network is refused and touches nothing,
# a crashed daemon's pid file and socket are taken over (and never used
# to signal a stranger), and "meshvpn reload" reports a broken
# configuration on the tool's stderr with a non-zero exit.
#
#   einstein  198.51.100.1   hub, detached       10.10.0.1
#   newton    198.51.100.2   ConnectTo einstein  10.10.0.2
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
source "$TOP/selftests/lib/netns.sh"
source "$TOP/selftests/lib/meshvpnd.sh"
source "$TOP/selftests/lib/seed.sh"

MVD_DETACH=1
CYCLES=50

topo_init
mvd_init

star_build newton
E=$MVD_DIR/einstein
for s in host-up host-down; do
	printf '#!/bin/sh\necho "%s $NODE" >>%q\n' "$s" "$MVD_DIR/einstein.hosts" >"$E/$s"
	chmod 755 "$E/$s"
done

# kill_opt SIGNAL: "meshvpnd -kSIGNAL" against einstein's daemon.
kill_opt() {
	"$MESHVPND" -c "$E" --pidfile "$MVD_DIR/einstein.pid" "-k$1"
}

logged_after() {
	mvd_wait_log_since 5 einstein "$1" "$2"
}

# Children of einstein's daemon that are zombies (scripts never reaped).
zombies() {
	ps -o stat= --ppid "${MVD_PID[einstein]}" | grep -c '^Z' || true
}

star_start
assert "einstein runs detached (its parent is not this shell)" \
	test "$(ps -o ppid= -p "${MVD_PID[einstein]}" | tr -d ' ')" != "$$"
assert "einstein sees newton" mvd_wait_field 10 einstein newton reachable true

# ---- meshvpnd -k, every signal ----

mark=$(mvd_log_mark einstein)
assert "-kHUP" kill_opt HUP
assert "HUP: reloaded" logged_after "$mark" "Got SIGHUP, reloading the configuration"
mark=$(mvd_log_mark einstein)
assert "-kINT" kill_opt INT
assert "INT: debug level 5" logged_after "$mark" "Temporarily setting debug level to 5"
kill_opt INT
mark=$(mvd_log_mark einstein)
assert "-kUSR1" kill_opt USR1
assert "USR1: connections dumped" logged_after "$mark" "Connections:"
mark=$(mvd_log_mark einstein)
assert "-kUSR2" kill_opt USR2
assert "USR2: nodes dumped" logged_after "$mark" "Nodes:"
mark=$(mvd_log_mark einstein)
assert "-kALRM" kill_opt ALRM
assert "ALRM: retrying" logged_after "$mark" "Got ALRM signal, retrying connections now"
assert "no signal left pending" eval \
	'! grep -E "^(SigPnd|ShdPnd):\s*0*[1-9a-f]" /proc/${MVD_PID[einstein]}/status'

# ---- scripts reaped: host-up/down cycles ----

# newton comes and goes; einstein runs host-up and host-down each time.
for ((i = 1; i <= CYCLES; i++)); do
	mvd_wait_field 10 einstein newton reachable true || break
	mvd_stop newton
	mvd_wait_field 10 einstein newton reachable false || break
	((i == CYCLES)) || mvd_start newton
done
assert "$CYCLES cycles completed" test "$i" -gt "$CYCLES"
assert "host-up ran $CYCLES times" wait_for 10 eval \
	'test "$(grep -c "^host-up newton$" "$MVD_DIR/einstein.hosts")" = $CYCLES'
assert "host-down ran $CYCLES times" wait_for 10 eval \
	'test "$(grep -c "^host-down newton$" "$MVD_DIR/einstein.hosts")" = $CYCLES'
assert "no zombie script under einstein" wait_for 5 eval 'test "$(zombies)" = 0'
mvd_start newton
mvd_wait_ready newton
assert "newton is back" mvd_wait_field 10 einstein newton reachable true

# ---- a second daemon for the same network ----

pid=${MVD_PID[einstein]}
second=$MVD_DIR/second.stderr
emark=$(mvd_log_mark einstein)
nmark=$(mvd_log_mark newton)
topo_exec einstein "$MESHVPND" -c "$E" -D --pidfile "$MVD_DIR/einstein.pid" \
	--logfile="$MVD_DIR/einstein.log" >"$second" 2>&1
assert "a second daemon fails" test $? -ne 0
assert "it says which daemon runs" grep -qx \
	"meshvpnd: meshvpnd for $E is already running (pid $pid)" "$second"
assert "the first one's pid file is untouched" test "$(<"$MVD_DIR/einstein.pid")" = "$pid"
assert "the first one's socket still answers" mvd_ctl einstein dump nodes
assert "the first one's log got nothing" eval \
	'! mvd_logged_since einstein "$emark" "starting|Listening|Terminating"'
sleep 1
assert "no meta connection flapped" eval \
	'! mvd_logged_since newton "$nmark" "Closing connection with einstein"'
assert "newton still connected" test "$(mvd_field einstein newton connected)" = true

# ---- reload errors reach the tool ----

cp "$E/meshvpn.conf" "$MVD_DIR/einstein.conf.good"
line=$(($(wc -l <"$E/meshvpn.conf") + 1))
echo "PingInterval = often" >>"$E/meshvpn.conf"
mvd_ctl einstein reload >"$MVD_DIR/reload.out" 2>"$MVD_DIR/reload.err"
assert "reload of a broken meshvpn.conf exits non-zero" test $? -ne 0
assert "its error names the file and line" \
	grep -q "meshvpn: .*meshvpn.conf:$line: " "$MVD_DIR/reload.err"
assert "nothing on stdout" test ! -s "$MVD_DIR/reload.out"
assert "the old configuration is kept" mvd_logged einstein "Keeping the old configuration"
assert "still serving" mvd_ctl einstein dump nodes
cp "$MVD_DIR/einstein.conf.good" "$E/meshvpn.conf"
printf 'Subnet = 10.99.0.0/33\n' >>"$E/hosts/newton"
mvd_ctl einstein reload 2>"$MVD_DIR/reload.err"
assert "reload of a broken host file exits non-zero" test $? -ne 0
assert "its error names hosts/newton" grep -q "hosts/newton:[0-9]*: " "$MVD_DIR/reload.err"
sed -i '$d' "$E/hosts/newton"
assert "a good reload exits 0" mvd_ctl einstein reload
assert "newton still reachable" test "$(mvd_field einstein newton reachable)" = true

# ---- a crash: stale pid file and socket ----

mvd_kill einstein
assert "the crash left the pid file" test -e "$MVD_DIR/einstein.pid"
assert "the crash left the socket" test -S "$MVD_DIR/einstein.socket"
# A stranger now has the pid in the stale file: -k must not signal it.
sleep 60 &
stranger=$!
echo "$stranger" >"$MVD_DIR/einstein.pid"
assert "-k with a stale pid file fails" eval '! kill_opt TERM 2>"$MVD_DIR/k.err"'
assert "-k says the pid file is stale" grep -q "is not running (.*stale)" "$MVD_DIR/k.err"
assert "-k signalled nobody" topo__alive "$stranger"
kill "$stranger"
wait "$stranger" 2>/dev/null
mvd_start einstein
mvd_wait_ready einstein
assert "einstein starts over the stale files" mvd_alive einstein
assert "the pid file has the new pid" \
	test "$(<"$MVD_DIR/einstein.pid")" = "${MVD_PID[einstein]}"
assert "the socket answers" mvd_ctl einstein dump nodes
assert "newton comes back" mvd_wait_field 15 einstein newton reachable true

# ---- TERM last ----

assert "-kTERM" kill_opt TERM
assert "TERM: einstein exits" wait_for 10 mvd__gone einstein
assert "its pid file is removed" test ! -e "$MVD_DIR/einstein.pid"
assert "its socket is removed" test ! -e "$MVD_DIR/einstein.socket"
assert "host-down ran for newton at exit" wait_for 5 eval \
	'test "$(grep -c "^host-down newton$" "$MVD_DIR/einstein.hosts")" = $((CYCLES + 1))'

mvd_assert_clean
summary
