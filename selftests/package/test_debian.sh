#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The Debian packages, end to end (slow: minutes; needs root, the Debian
# mirror, and the VM kernel's headers from make deps):
#   - dpkg-buildpackage -us -uc -b builds meshvpn and meshvpn-dkms from a
#     copy of the tree, and lintian finds no error in them;
#   - both install into a fresh Debian 12 root (mmdebstrap) with their
#     dependencies, with exactly the expected files, and man renders
#     every page there;
#   - meshvpnd from the package runs in that root: makes the example
#     network's keys, starts, answers meshvpn, and refuses a second start;
#   - meshvpnd@office runs under the root's own systemd (systemd-nspawn):
#     Type=notify, reload good and broken, restart, stop (systemd_nspawn.sh);
#   - DKMS, on installation, builds meshvpn.ko against the VM kernel's
#     headers installed in that root;
#   - in the VM, with that module loaded, meshvpnd@office on the kernel
#     data path under the root's systemd: reload, "meshvpn restart" and a
#     package upgrade without a ping lost, systemctl restart, stop and
#     start (selftests/vm/tests/package_systemd.sh).
# Prints one line per check and "N passed, N failed, N skipped".
#
#   selftests/package/test_debian.sh [-k]    -k: keep the work folder
set -uo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
keep=0
[[ ${1:-} == -k ]] && keep=1
passed=0 failed=0 skipped=0

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
summary() {
	echo "$passed passed, $failed failed, $skipped skipped"
	((failed == 0))
}

((EUID == 0)) || { echo "SKIP: needs root"; exit 4; }
for c in dpkg-buildpackage lintian mmdebstrap; do
	command -v "$c" >/dev/null || { echo "SKIP: $c is missing (make deps)"; exit 4; }
done

# Not under /tmp: the VM step's guest sees the host's files but for /tmp,
# /run and /var/tmp. Not under build/ either: make reads every *.d there
# (and the root has /etc/rc2.d).
work=$(mktemp -d /var/cache/meshvpn-package.XXXXXX)
root=$work/root
unmount_root() {
	local m
	for m in proc dev; do
		if mountpoint -q "$root/$m"; then umount -l "$root/$m"; fi
	done
}
cleanup() {
	unmount_root
	if ((keep)); then
		echo "kept $work"
	elif grep -q " $root/" /proc/mounts; then
		# Never rm -rf through a mount of the host's /dev.
		echo "mounts left under $root: not removing $work"
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT
version=$(dpkg-parsechangelog -l "$TOP/debian/changelog" -SVersion)

# ---- build ----

src=$work/meshvpn-$version
mkdir -p "$src"
git -C "$TOP" ls-files -co --exclude-standard -z |
	(cd "$TOP" && xargs -0 tar cf -) | tar xf - -C "$src"
check "dpkg-buildpackage -us -uc -b" \
	bash -c "cd '$src' && dpkg-buildpackage -us -uc -b -j2"
debs=("$work/meshvpn_${version}_amd64.deb" "$work/meshvpn-dkms_${version}_all.deb")
check "both packages built" test -s "${debs[0]}" -a -s "${debs[1]}"
lintian --tag-display-limit 0 "$work/meshvpn_${version}_amd64.changes" >"$work/lintian.log" 2>&1
if grep -q '^E: ' "$work/lintian.log"; then
	bad "lintian: no errors" "$(grep '^E: ' "$work/lintian.log")"
else
	ok "lintian: no errors"
fi

# ---- a fresh Debian 12 root with both installed ----

check "mmdebstrap: a fresh bookworm root" \
	mmdebstrap --variant=apt --include=man-db,iproute2,systemd,systemd-sysv,dbus \
	bookworm "$root"
# apt installs local packages with their dependencies (dkms and the
# compiler for meshvpn-dkms), as an administrator would.
# DKMS builds the module on installation for every kernel whose headers
# are there: the VM kernel's are installed first.
abi=$(cat "$TOP/build/vm/abi" 2>/dev/null)
cp "${debs[@]}" "$root/tmp/"
cp /etc/resolv.conf "$root/etc/resolv.conf"
mount -t proc proc "$root/proc"
mount --rbind /dev "$root/dev"
check "apt-get install of both packages, and linux-headers-$abi, in the root" \
	chroot "$root" sh -c "apt-get update -q && DEBIAN_FRONTEND=noninteractive \
	apt-get install -y -q linux-headers-$abi /tmp/${debs[0]##*/} /tmp/${debs[1]##*/}"
files=$(chroot "$root" dpkg -L meshvpn | sort | while read -r f; do
	[[ -f $root$f ]] && echo "$f"; done)
expected="/lib/systemd/system/meshvpn.target
/lib/systemd/system/meshvpnd@.service
/usr/sbin/meshvpn
/usr/sbin/meshvpnd
/usr/share/bash-completion/completions/meshvpn
/usr/share/bash-completion/completions/meshvpnd
/usr/share/doc/meshvpn/changelog.gz
/usr/share/doc/meshvpn/copyright
/usr/share/doc/meshvpn/examples/office/hosts/alice
/usr/share/doc/meshvpn/examples/office/hosts/bob
/usr/share/doc/meshvpn/examples/office/meshvpn-down
/usr/share/doc/meshvpn/examples/office/meshvpn-up
/usr/share/doc/meshvpn/examples/office/meshvpn.conf
/usr/share/man/man8/meshvpn.8.gz
/usr/share/man/man8/meshvpnd.8.gz"
check "meshvpn's installed files" diff <(echo "$expected") <(echo "$files")
check "meshvpn-dkms installs the module source and dkms.conf" \
	test -f "$root/usr/src/meshvpn-$version/dkms.conf" -a -f "$root/usr/src/meshvpn-$version/kmod/main.c"
for page in meshvpn meshvpnd; do
	check "man $page renders in the root" bash -c \
		"out=\$(chroot '$root' env MANWIDTH=80 man --warnings $page 2>&1 >/dev/null) &&
		 test -z \"\$out\" && chroot '$root' man $page | grep -q '^SYNOPSIS' || { echo \"\$out\"; false; }"
done

# ---- the packaged daemon runs there ----

mkdir -p "$root/etc/meshvpn"
cp -r "$root/usr/share/doc/meshvpn/examples/office" "$root/etc/meshvpn/office"
sed -i 's/^ConnectTo/#ConnectTo/' "$root/etc/meshvpn/office/meshvpn.conf"
check "meshvpnd -n office -K" chroot "$root" meshvpnd -n office -K
ns=mvpkg$$
ip netns add "$ns"
in_root() { ip netns exec "$ns" chroot "$root" "$@"; }
check "meshvpnd -n office starts detached" in_root meshvpnd -n office \
	-o DataPlane=userspace --logfile=/var/log/meshvpn.log
check "meshvpn -n office dump nodes answers" bash -c \
	"for i in \$(seq 50); do ip netns exec $ns chroot '$root' meshvpn -n office dump nodes && exit 0; sleep 0.1; done; exit 1"
second=$(in_root meshvpnd -n office 2>&1)
rc=$?
if ((rc != 0)) && [[ $second =~ meshvpnd\ for\ office\ is\ already\ running\ \(pid\ [0-9]+\) ]]; then
	ok "a second meshvpnd -n office is refused"
else
	bad "a second meshvpnd -n office is refused" "exit status $rc: $second"
fi
check "meshvpn -n office stop" in_root meshvpn -n office stop
check "it is gone" bash -c "for i in \$(seq 50); do test -e '$root/run/meshvpn.office.pid' || exit 0; sleep 0.1; done; exit 1"
ip netns del "$ns"
unmount_root

# ---- DKMS built the module for the VM kernel on installation ----

ko=$root/lib/modules/$abi/updates/dkms/meshvpn.ko
check "DKMS built meshvpn.ko for $abi" test -s "$ko"
check "the module's vermagic is $abi" bash -c "modinfo -F vermagic '$ko' | grep -q '^$abi '"

# ---- meshvpnd@office under a real systemd ----

if command -v systemd-nspawn >/dev/null; then
	# shellcheck source=selftests/package/systemd_nspawn.sh
	source "$TOP/selftests/package/systemd_nspawn.sh"
else
	echo "skip - systemd-nspawn is missing (make deps)"
	skipped=$((skipped + 1))
fi

# ---- on meshvpn.ko, under systemd, in the VM ----

# The VM test finds the root through this link; one qemu at a time.
ln -sfn "$root" "$TOP/build/package-root"
if ! flock /tmp/meshvpn-vm.lock env MESHVPN_KO="$ko" "$TOP/selftests/vm/run" \
	"$TOP/selftests/vm/tests/package_systemd.sh" >"$work/vm.log" 2>&1; then
	bad "meshvpnd@office under systemd on the DKMS-built meshvpn.ko (VM)" \
		"$(tail -n 80 "$work/vm.log")"
elif grep -q '^SKIP package_systemd' "$work/vm.log"; then
	echo "skip - meshvpnd@office under systemd on meshvpn.ko: $(grep '^SKIP' "$work/vm.log")"
	skipped=$((skipped + 1))
else
	ok "meshvpnd@office under systemd on the DKMS-built meshvpn.ko (VM)"
fi
rm -f "$TOP/build/package-root"

summary
