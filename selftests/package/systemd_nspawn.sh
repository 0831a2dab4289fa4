# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
#
# Sourced by test_debian.sh: the installed meshvpnd@office under a real
# systemd, booted by systemd-nspawn in $root (systemd installed there, the
# example network in /etc/meshvpn/office with its keys). Type=notify
# start, status text, reload good and broken, restart, stop through
# meshvpn.target. Uses check/ok/bad, $root and $work from test_debian.sh.
# shellcheck disable=SC2154

nspawn_ns=mvspawn$$
ip netns add "$nspawn_ns"
rm -f "$root/run/meshvpn.office.pid" "$root/run/meshvpn.office.socket"
chroot "$root" systemctl enable meshvpnd@office >/dev/null 2>&1
# No systemd on the host: nothing to register with, no scope to allocate.
timeout 300 systemd-nspawn -D "$root" -b --register=no --keep-unit \
	--network-namespace-path="/run/netns/$nspawn_ns" \
	--capability=CAP_NET_ADMIN,CAP_NET_RAW --bind=/dev/net/tun \
	--console=pipe >"$work/nspawn.log" 2>&1 &
nspawn_pid=$!

# The container's systemd: the child of systemd-nspawn (timeout's child).
nspawn_init() {
	local nspawn
	nspawn=$(pgrep -P "$nspawn_pid" -x systemd-nspawn) &&
		pgrep -P "$nspawn" -x systemd
}
in_spawn() {
	nsenter -t "$(nspawn_init)" -a "$@"
}
spawn_running() {
	[[ -n $(nspawn_init) ]] &&
		[[ $(in_spawn systemctl is-system-running 2>/dev/null) == @(running|degraded) ]]
}
prop() {
	in_spawn systemctl show -P "$1" meshvpnd@office
}

for _ in $(seq 120); do spawn_running && break; sleep 0.5; done
check "systemd boots in the root (systemd-nspawn)" spawn_running
check "meshvpnd@office is active, Type=notify said READY" \
	bash -c "[[ \$(nsenter -t $(nspawn_init) -a systemctl is-active meshvpnd@office) == active ]]"
check "its status text is Ready" test "$(prop StatusText)" = Ready
check "its watchdog is 30 s" test "$(prop WatchdogUSec)" = 30s
check "meshvpn dump nodes answers inside" in_spawn meshvpn -n office dump nodes
check "systemctl reload" in_spawn systemctl reload meshvpnd@office
echo "PingInterval = often" >>"$root/etc/meshvpn/office/meshvpn.conf"
in_spawn systemctl reload meshvpnd@office 2>/dev/null
check "systemctl reload of a broken meshvpn.conf fails (the job)" test $? = 1
check "the status text names file and line" \
	bash -c "[[ '$(prop StatusText)' == *'meshvpn.conf:'*': invalid PingInterval'* ]]"
check "the service stays active" test "$(prop ActiveState)" = active
sed -i '$d' "$root/etc/meshvpn/office/meshvpn.conf"
pid=$(prop MainPID)
check "systemctl restart" in_spawn systemctl restart meshvpnd@office
check "a new daemon runs" bash -c "[[ -n '$pid' && '$pid' != 0 && '$(prop MainPID)' != '$pid' ]]"
check "systemctl stop meshvpn.target stops it" in_spawn systemctl stop meshvpn.target
check "inactive, not failed" test "$(prop ActiveState)" = inactive
check "it stopped cleanly (STOPPING, then exit 0)" test "$(prop ExecMainStatus)" = 0
in_spawn systemctl poweroff >/dev/null 2>&1
wait "$nspawn_pid" 2>/dev/null
ip netns del "$nspawn_ns"
