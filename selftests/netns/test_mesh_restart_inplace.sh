#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# "meshvpn restart": the daemon runs itself again in the same process
# (userspace data path here; the VM's systemd test does the kernel path).
# The pid stays, and so do the pid file and its lock: a second meshvpnd is
# refused while the new image starts and after. The tool answers with the
# new image's verdict; the control socket answers and pings flow after.
# A configuration that does not load is refused before anything stops;
# a restart after an upgrade runs the new file; a new image that does not
# come back makes the tool fail. test_mesh_restart_inplace_detached.sh
# runs it all again detached.
#
#   alice  198.51.100.1   10.10.0.1   (an up script that takes 1 s)
#   bob    198.51.100.2   10.10.0.2   ConnectTo alice
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
source "$TOP/selftests/lib/netns.sh"
source "$TOP/selftests/lib/meshvpnd.sh"
source "$TOP/selftests/lib/seed.sh"

topo_init
mvd_init
# A copy of the daemon that the test can "upgrade" under the running one.
cp "$MESHVPND" "$MVD_DIR/meshvpnd"
MESHVPND=$MVD_DIR/meshvpnd

pair_build
# The new image's start takes a second: the window in which the lock must
# still be held.
sed -i '2i sleep 1' "$MVD_DIR/alice/meshvpn-up"
mvd_start alice
mvd_start bob
mvd_wait_ready alice
mvd_wait_ready bob
assert "alice reaches bob" mvd_wait_field 15 alice bob reachable true
assert_ping alice 10.10.0.2 2 "pings flow before the restart"

pid=${MVD_PID[alice]}
fds() {
	ls "/proc/$pid/fd" | wc -l
}
readies() {
	grep -c 'Ready' "$(mvd_log alice)"
}
second_refused() {
	local out
	out=$(topo_exec alice "$MESHVPND" -c "$MVD_DIR/alice" -D \
		--pidfile "$MVD_DIR/alice.pid" --logfile="$MVD_DIR/alice-2.log" 2>&1)
	[[ $? -ne 0 && $out == *"is already running (pid $pid)"* ]] || {
		echo "$out"
		return 1
	}
}
restarting() {
	(($(grep -c 'Restarting in place' "$(mvd_log alice)") >= $1))
}
# The data path's UDP socket (port 655, 028F in /proc/net/udp*): its inode
# is the same after the restart, so that the port never closes and
# meshvpn.ko forwards through it. (/proc, not ss: the VM's kernel cannot
# load the sock_diag modules ss needs.)
udp_socket() {
	topo_exec alice awk '$2 ~ /:028F$/ { print $10; exit }' /proc/net/udp6 /proc/net/udp
}
udp_before=$(udp_socket)
fds_before=$(fds)
# A second name for the pid file: the same file after, or a new one.
ln "$MVD_DIR/alice.pid" "$MVD_DIR/alice.pid.before"

# ---- a broken configuration: refused, nothing stops ----
cp "$MVD_DIR/alice/meshvpn.conf" "$MVD_DIR/alice.conf.good"
echo "Port = seventy" >>"$MVD_DIR/alice/meshvpn.conf"
if answer=$(mvd_ctl alice restart 2>&1); then
	fail "a restart with a broken configuration fails" "$answer"
else
	pass "a restart with a broken configuration fails"
fi
assert "and says where, and that it did not restart" \
	eval '[[ $answer == *"meshvpn.conf:"*"not restarting"* ]]'
assert "the daemon is the same and never stopped" \
	eval 'kill -0 $pid && [[ $(readies) -eq 1 ]]'
cp "$MVD_DIR/alice.conf.good" "$MVD_DIR/alice/meshvpn.conf"

# ---- the restart ----
mvd_ctl alice restart >"$MVD_DIR/restart.out" 2>&1 &
tool=$!
wait_for 10 restarting 1 || fail "alice logs the restart"
# The new image is in its up script now (a second): the lock is held.
assert "a second meshvpnd is refused while the new image starts" second_refused
if wait "$tool"; then
	pass "meshvpn restart exits 0"
else
	fail "meshvpn restart exits 0" "$(cat "$MVD_DIR/restart.out")"
fi
assert "it prints the new image's verdict" \
	grep -q "meshvpnd restarted in place (pid $pid)" "$MVD_DIR/restart.out"
assert "the same process runs" kill -0 "$pid"
assert "the new image got ready" eval '[[ $(readies) -eq 2 ]]'
assert "the pid file still names it" eval '[[ $(<"$MVD_DIR/alice.pid") == "$pid" ]]'
assert "it is the same file: the lock was handed over, not dropped and taken again" \
	test "$MVD_DIR/alice.pid" -ef "$MVD_DIR/alice.pid.before"
assert "a second meshvpnd is still refused" second_refused
assert "no descriptor crossed the exec but the lock ($fds_before before, $(fds) after)" \
	eval '[[ $(fds) -eq $fds_before ]]'
assert "the UDP socket crossed the exec ($udp_before)" \
	eval '[[ -n $udp_before && $(udp_socket) == "$udp_before" ]]'
assert "the control socket answers" mvd_ctl alice dump nodes
assert "alice reaches bob again" mvd_wait_field 15 alice bob reachable true
assert_ping alice 10.10.0.2 3 "pings flow after the restart"

# ---- after an upgrade: the new file runs ----
cp "$TOP/build/meshvpnd" "$MVD_DIR/meshvpnd.new"
mv "$MVD_DIR/meshvpnd.new" "$MVD_DIR/meshvpnd"
assert "the old binary is gone from under the daemon" \
	eval '[[ $(readlink /proc/$pid/exe) == *"(deleted)" ]]'
assert "meshvpn restart after the upgrade" mvd_ctl alice restart
assert "the upgraded file runs now" \
	test "/proc/$pid/exe" -ef "$MVD_DIR/meshvpnd"
assert_ping alice 10.10.0.2 3 "pings flow after the second restart"

# ---- a new image that does not come back ----
printf '#!/bin/sh\nexit 1\n' >"$MVD_DIR/meshvpnd.new"
chmod 755 "$MVD_DIR/meshvpnd.new"
mv "$MVD_DIR/meshvpnd.new" "$MVD_DIR/meshvpnd"
if answer=$(mvd_ctl alice restart 2>&1); then
	fail "the tool fails when the daemon does not come back" "$answer"
else
	pass "the tool fails when the daemon does not come back"
fi
assert "and says so ($answer)" eval '[[ $answer == *"without an answer"* ]]'

summary
