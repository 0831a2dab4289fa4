#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# meshvpnd@office from the Debian package, under the package root's own
# systemd, on the kernel data path with the module DKMS built there.
# selftests/package/test_debian.sh runs it with MESHVPN_KO pointing at
# that module and build/package-root at that root; without them it skips.
#
# The root's systemd boots in systemd-nspawn on the guest's own network
# namespace (no --private-network), so the daemon's link (office) is the
# guest's, on the module the harness loaded. Its peer bob is the tree's
# meshvpnd in a netns of the guest, pinging alice across the mesh:
#
#   guest (alice, systemd)  192.0.2.1 --veth-- 192.0.2.2  netns bob
#   10.20.0.1 on office                                   10.20.0.2
#
# systemctl reload (good and broken), "meshvpn restart" in place (no ping
# lost, same MainPID, same link), the package upgraded under it (its
# postinst restarts it in place onto the new binary), a plain "systemctl
# restart" for contrast (a new process and a new link, pings lost), stop
# (the link goes) and start.
# vm-timeout: 900
set -uo pipefail

pkgroot=$TOP/build/package-root
if [[ ! -x $pkgroot/usr/sbin/meshvpnd ]]; then
	echo "SKIP: no package root (selftests/package/test_debian.sh provides it)"
	exit 4
fi
command -v systemd-nspawn >/dev/null || { echo "SKIP: no systemd-nspawn"; exit 4; }
[[ -d /sys/module/meshvpn ]] || { echo "SKIP: meshvpn.ko is not loaded"; exit 4; }

passed=0 failed=0
ok() { echo "ok   - $1"; passed=$((passed + 1)); }
bad() {
	echo "FAIL - $1"
	failed=$((failed + 1))
	[[ -z ${2:-} ]] || sed 's/^/       /' <<<"$2"
}
check() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then ok "$name"; else bad "$name" "$(tail -n 30 <<<"$out")"; fi
}

work=$(mktemp -d /tmp/pkgsystemd.XXXXXX)
root=$work/root
bob=$work/bob
ns=pkgbob
# The daemon's link is named after the network (tinc's default Interface).
iface=office
spawn_pid='' bob_pid=''
cleanup() {
	if ((failed)); then
		echo "== alice's journal"
		in_spawn journalctl -q -o cat -u meshvpnd@office | tail -n 60
		echo "== bob's log"
		tail -n 40 "$bob.log" "$bob.stderr"
	fi
	if [[ -n $spawn_pid ]]; then
		in_spawn systemctl poweroff >/dev/null 2>&1
		for _ in $(seq 100); do kill -0 "$spawn_pid" 2>/dev/null || break; sleep 0.3; done
		kill "$spawn_pid" 2>/dev/null
		wait "$spawn_pid" 2>/dev/null
	fi
	[[ -z $bob_pid ]] || kill "$bob_pid" 2>/dev/null
	[[ -z $bob_pid ]] || wait "$bob_pid" 2>/dev/null
	ip netns del "$ns" 2>/dev/null
	ip link del "$iface" 2>/dev/null
	mountpoint -q "$root" && umount "$root"
	rm -rf "$work"
}
trap cleanup EXIT

# ---- the package root, writable through an overlay ----

check "the loaded meshvpn.ko is the one DKMS built in the package root" bash -c \
	"[[ \$(cat /sys/module/meshvpn/srcversion) == \$(modinfo -F srcversion \
	  $pkgroot/lib/modules/\$(uname -r)/updates/dkms/meshvpn.ko) ]]"
mkdir -p "$work/upper" "$work/overlay-work" "$root"
modprobe overlay
if ! mount -t overlay overlay \
	-o "lowerdir=$pkgroot,upperdir=$work/upper,workdir=$work/overlay-work" "$root"; then
	bad "an overlay on the package root"
	exit 1
fi
etc=$root/etc/meshvpn/office
# The package, for the upgrade: test_debian.sh built it next to the root.
cp "$(dirname "$(realpath "$pkgroot")")"/meshvpn_*_amd64.deb "$root/root/meshvpn.deb"
cat >"$etc/meshvpn.conf" <<-EOF
	Name = alice
	ConnectTo = bob
	DataPlane = kernel
EOF

# ---- bob: the tree's meshvpnd in a netns ----

ip netns add "$ns"
ip link add mvpkg0 type veth peer name eth0 netns "$ns"
ip addr add 192.0.2.1/24 dev mvpkg0
ip link set mvpkg0 up
ip -n "$ns" addr add 192.0.2.2/24 dev eth0
ip -n "$ns" link set eth0 up
ip -n "$ns" link set lo up
mkdir -p "$bob/hosts"
printf 'Name = bob\nDataPlane = kernel\n' >"$bob/meshvpn.conf"
printf '#!/bin/sh\nip addr add 10.20.0.2/16 dev "$INTERFACE"\nip link set "$INTERFACE" up\n' \
	>"$bob/meshvpn-up"
chmod 755 "$bob/meshvpn-up"
printf 'Address = 192.0.2.2\nSubnet = 10.20.0.2/32\n' >"$bob/hosts/bob"
check "bob's keys" "$TOP/build/meshvpnd" -c "$bob" -K
cp "$bob/hosts/bob" "$etc/hosts/bob"
{ echo "Address = 192.0.2.1"; cat "$etc/hosts/alice"; } >"$bob/hosts/alice"
ip netns exec "$ns" "$TOP/build/meshvpnd" -c "$bob" -D -d2 --pidfile "$work/bob.pid" \
	--logfile="$bob.log" 2>"$bob.stderr" &
bob_pid=$!

# ---- alice: meshvpnd@office under the root's systemd ----

rm -f "$root/run/meshvpn.office.pid" "$root/run/meshvpn.office.socket"
chroot "$root" systemctl enable meshvpnd@office >/dev/null 2>&1
systemd-nspawn -D "$root" -b --register=no --keep-unit \
	--capability=CAP_NET_ADMIN,CAP_NET_RAW --console=pipe \
	>"$work/nspawn.log" 2>&1 &
spawn_pid=$!

# The container's systemd: the child of systemd-nspawn.
spawn_init() {
	pgrep -P "$spawn_pid" -x systemd
}
# A command in the container (-r: nspawn cannot pivot_root in the guest, whose
# / is a chroot, so the mount namespace alone does not give its root);
# none may hang the test (a systemctl that
# waits for a systemd still booting would).
in_spawn() {
	local init
	init=$(spawn_init) || return 1
	timeout 120 nsenter -t "$init" -a -r -w "$@"
}
# Booted as far as the service: the rest of the boot does not matter.
spawn_running() {
	[[ $(timeout 20 nsenter -t "$(spawn_init)" -a -r -w \
		systemctl is-active meshvpnd@office 2>/dev/null) == active ]]
}
prop() {
	in_spawn systemctl show -P "$1" meshvpnd@office
}
ifindex() {
	cat "/sys/class/net/$iface/ifindex" 2>/dev/null
}
alice_sees_bob() {
	in_spawn meshvpn -n office dump nodes 2>/dev/null | grep -q '^bob .*direct'
}
journal() {
	in_spawn journalctl -q -o cat -u meshvpnd@office
}

echo "# booting the package root's systemd"
deadline=$((SECONDS + 240))
while ((SECONDS < deadline)) && kill -0 "$spawn_pid" 2>/dev/null && ! spawn_running; do
	sleep 2
done
if ! spawn_running; then
	bad "systemd boots in the package root and starts meshvpnd@office" \
		"$(in_spawn systemctl list-jobs 2>&1; in_spawn systemctl status meshvpnd@office 2>&1;
		   tail -n 60 "$work/nspawn.log")"
	exit 1
fi
ok "systemd boots in the package root (systemd-nspawn, the guest's network)"
ok "meshvpnd@office is active"
check "on the kernel data path: $iface is a meshvpn link in the guest" \
	bash -c "ip -d link show $iface | grep -qw meshvpn"
for _ in $(seq 150); do alice_sees_bob && break; sleep 0.2; done
check "alice and bob go direct" alice_sees_bob
check "bob pings alice across the mesh" \
	ip netns exec "$ns" ping -n -q -c 3 -i 0.2 -w 20 10.20.0.1

# ping_through NAME SECS CMD...: bob pings alice every 0.1 s for SECS,
# CMD running from the second second on, and it must be over before the
# pings are; sets $lost (pings without an answer) and $sent. A fixed count,
# not an interrupted ping: every echo gets its time to come back.
ping_through() {
	local name=$1 secs=$2 ping_pid out received
	shift 2
	ip netns exec "$ns" ping -n -q -i 0.1 -W 3 -c $((secs * 10)) 10.20.0.1 \
		>"$work/ping.out" 2>&1 &
	ping_pid=$!
	sleep 2
	if out=$("$@" 2>&1); then ok "$name"; else bad "$name" "$out"; fi
	echo "$out" >"$work/cmd.out"
	if kill -0 "$ping_pid" 2>/dev/null; then
		ok "the pings went on after it"
	else
		bad "the pings went on after it" "$(cat "$work/ping.out")"
	fi
	wait "$ping_pid"
	sent=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' "$work/ping.out")
	received=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$work/ping.out")
	lost=$((${sent:-0} - ${received:-0}))
}

# ---- reload, good and broken ----

pid=$(prop MainPID)
link=$(ifindex)
check "systemctl reload" in_spawn systemctl reload meshvpnd@office
echo "PingInterval = often" >>"$etc/meshvpn.conf"
if in_spawn systemctl reload meshvpnd@office >/dev/null 2>&1; then
	bad "systemctl reload of a broken meshvpn.conf fails"
else
	ok "systemctl reload of a broken meshvpn.conf fails"
fi
check "the status text names file and line" \
	bash -c "[[ '$(prop StatusText)' == *'meshvpn.conf:'*'PingInterval'* ]]"
sed -i '$d' "$etc/meshvpn.conf"
check "after both reloads: the same daemon, active, the same link" \
	test "$(prop MainPID)/$(prop ActiveState)/$(ifindex)" = "$pid/active/$link"

# ---- meshvpn restart: in place, without loss ----

takeovers=$(journal | grep -c "Taking over $iface")
ping_through "meshvpn -n office restart" 30 in_spawn meshvpn -n office restart
check "it prints the new image's verdict" \
	grep -q "meshvpnd restarted in place (pid $pid)" "$work/cmd.out"
check "no ping lost across it ($lost of $sent)" test "$sent" -gt 0 -a "$lost" -eq 0
check "the same MainPID ($pid), active" test "$(prop MainPID)/$(prop ActiveState)" = "$pid/active"
check "the status text is Ready again" test "$(prop StatusText)" = Ready
check "the kernel link was kept (ifindex $link)" test -n "$link" -a "$(ifindex)" = "$link"
check "the new image took it over (Taking over $iface in the journal)" \
	test "$(journal | grep -c "Taking over $iface")" -gt "$takeovers"
for _ in $(seq 150); do alice_sees_bob && break; sleep 0.2; done
check "alice and bob are direct again" alice_sees_bob

# ---- the package upgraded: its postinst restarts the daemon in place ----

takeovers=$(journal | grep -c "Taking over $iface")
ping_through "dpkg -i meshvpn.deb (a reinstall: the postinst of an upgrade)" 120 \
	in_spawn dpkg -i /root/meshvpn.deb
check "the postinst restarted meshvpnd@office in place" \
	grep -q "meshvpnd restarted in place (pid $pid)" "$work/cmd.out"
check "no ping lost across the upgrade ($lost of $sent)" test "$sent" -gt 0 -a "$lost" -eq 0
check "the same MainPID, active, the same link" \
	test "$(prop MainPID)/$(prop ActiveState)/$(ifindex)" = "$pid/active/$link"
check "it took the link over again" \
	test "$(journal | grep -c "Taking over $iface")" -gt "$takeovers"
# The replaced file would read "... (deleted)". The path is as the guest's
# nspawn mounted the root (it cannot pivot_root there): /newroot/usr/...
exe=$(in_spawn readlink "/proc/$pid/exe" 2>&1)
check "it runs the unpacked /usr/sbin/meshvpnd, not the replaced one ($exe)" \
	bash -c "[[ '$exe' == */usr/sbin/meshvpnd ]]"

# ---- systemctl restart: a full stop and start, for contrast ----

ping_through "systemctl restart" 30 in_spawn systemctl restart meshvpnd@office
check "a new MainPID" bash -c "[[ '$(prop MainPID)' != '$pid' && '$(prop MainPID)' != 0 ]]"
check "a new kernel link (ifindex $link -> $(ifindex))" \
	bash -c "[[ -n '$(ifindex)' && '$(ifindex)' != '$link' ]]"
check "pings were lost across it ($lost of $sent): what restart in place avoids" \
	test "$lost" -gt 0
for _ in $(seq 150); do alice_sees_bob && break; sleep 0.2; done
check "bob pings alice after it" \
	ip netns exec "$ns" ping -n -q -c 3 -i 0.2 -w 20 10.20.0.1

# ---- stop and start ----

check "systemctl stop" in_spawn systemctl stop meshvpnd@office
check "inactive, not failed" test "$(prop ActiveState)" = inactive
check "the stop removed $iface" bash -c "! ip link show $iface"
check "systemctl start" in_spawn systemctl start meshvpnd@office
check "active again, with $iface" \
	bash -c "[[ '$(prop ActiveState)' == active ]] && ip link show $iface"
for _ in $(seq 150); do alice_sees_bob && break; sleep 0.2; done
check "bob pings alice after the start" \
	ip netns exec "$ns" ping -n -q -c 3 -i 0.2 -w 20 10.20.0.1

echo "$passed passed, $failed failed"
((failed == 0))
