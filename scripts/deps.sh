#!/usr/bin/env bash
# Install everything meshvpn needs to build and test, and fetch the Debian 6.1
# kernel that the VM tests boot (the host kernel cannot load modules).
#
# Idempotent and fast when nothing is missing: one dpkg-query call plus a few
# stat calls. apt is only consulted when the package lists or the set of
# installed packages changed.
#
# Outputs (build/ is relative to the repository top):
#   build/vm/kernel/   unpacked linux-image-<abi> with decompressed modules + depmod
#   build/vm/abi       the kernel ABI string, e.g. 6.1.0-56-amd64
#   build/vm/kdir      the matching headers, /usr/src/linux-headers-<abi>
set -euo pipefail

# Debian packages needed on the host. Extend here.
PACKAGES=(
	build-essential make gcc clang clang-16 llvm pkg-config
	libmnl-dev libnl-3-dev libnl-genl-3-dev libnl-route-3-dev libssl-dev
	libbpf-dev bpftool libelf-dev
	python3 python3-yaml
	qemu-system-x86 busybox-static cpio xz-utils kmod
	iproute2 iputils-ping iperf3 tcpdump nftables ethtool procps psmisc socat
	tinc wireguard-tools wireguard-go
	sparse shellcheck valgrind gnuplot-nox
	# `meshvpn dump graph` is DOT: its test has graphviz parse it.
	graphviz
	linux-source
	# The kernel's YNL CLI (tools/net/ynl), for the VM test ynl_cli: 6.1's
	# source has none; jsonschema lets it validate the spec too.
	linux-source-6.12 python3-jsonschema
	# meshvpnd@.service's sd_notify (READY, RELOADING, STOPPING, watchdog).
	libsystemd-dev
	# The man pages, rendered from Documentation/man/*.md at build time.
	go-md2man
	# Packages (debian/) and their tests: dpkg-buildpackage, lintian, a
	# fresh Debian root to install them into, DKMS, a real systemd.
	debhelper dh-dkms dkms lintian mmdebstrap systemd-container
)

# The metapackage whose dependency names the current Debian kernel ABI.
KERNEL_METAPACKAGE=linux-image-amd64

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VM_DIR=$TOP/build/vm
KERNEL_DIR=$VM_DIR/kernel

APT_LOG=$VM_DIR/apt.log
apt_updated=0

say() { printf 'deps: %s\n' "$*"; }
die() { printf 'deps: ERROR: %s\n' "$*" >&2; exit 1; }

# Run apt-get quietly into $APT_LOG; show the log's tail if it fails.
# The lock timeout waits for a concurrent apt/dpkg run instead of failing.
apt_get() {
	if ! DEBIAN_FRONTEND=noninteractive apt-get -q -y -o DPkg::Lock::Timeout=600 \
		"$@" >>"$APT_LOG" 2>&1; then
		printf 'deps: apt-get %s failed; last lines of %s:\n' "$*" "$APT_LOG" >&2
		tail -n 15 "$APT_LOG" >&2
		return 1
	fi
}

apt_update_once() {
	[[ $apt_updated -eq 1 ]] && return 0
	say "apt-get update"
	apt_get update || die "apt-get update failed"
	apt_updated=1
}

# Fingerprint of the apt package lists: the kernel ABI can only change when
# these change (apt-get update), so it is the cache key for the ABI lookup.
# apt-cache has no binary cache on this machine and costs ~1 s per call.
apt_lists_fingerprint() {
	local f
	{
		for f in /var/lib/apt/lists/*_Packages* /etc/apt/sources.list /etc/apt/sources.list.d/*; do
			[[ -e $f ]] && stat -c '%n %s %Y' "$f"
		done
		true
	} | sha256sum | cut -d' ' -f1
}

# Print the kernel ABI (e.g. 6.1.0-56-amd64) that linux-image-amd64 depends on.
# The dependency may be linux-image-<abi> or linux-image-<abi>-unsigned.
lookup_kernel_abi() {
	apt-cache depends "$KERNEL_METAPACKAGE" 2>/dev/null |
		sed -n 's/^ *Depends: <\{0,1\}linux-image-\([^ >]*\)>\{0,1\}$/\1/p' |
		sed 's/-unsigned$//' | head -n1
}

# Sets KERNEL_ABI and LISTS_FINGERPRINT. Reuses build/vm/abi when the apt
# lists are the same as when it was resolved.
resolve_kernel_abi() {
	LISTS_FINGERPRINT=$(apt_lists_fingerprint)
	if [[ -s $VM_DIR/abi && -f $VM_DIR/abi.lists &&
		$(<"$VM_DIR/abi.lists") == "$LISTS_FINGERPRINT" ]]; then
		KERNEL_ABI=$(<"$VM_DIR/abi")
		return 0
	fi
	KERNEL_ABI=$(lookup_kernel_abi)
	if [[ -z $KERNEL_ABI ]]; then
		apt_update_once
		LISTS_FINGERPRINT=$(apt_lists_fingerprint)
		KERNEL_ABI=$(lookup_kernel_abi)
	fi
	[[ -n $KERNEL_ABI ]] ||
		die "cannot resolve the kernel ABI from 'apt-cache depends $KERNEL_METAPACKAGE'"
}

# Install whichever of "$@" is not installed, with a single dpkg-query call.
install_missing_packages() {
	local -a missing=()
	local status pkg
	declare -A installed=()
	while read -r status pkg; do
		# db:Status-Abbrev is "ii " for a correctly installed package.
		[[ $status == ii ]] && installed[$pkg]=1
	done < <(dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' "$@" 2>/dev/null || true)
	for pkg in "$@"; do
		[[ -n ${installed[$pkg]:-} ]] || missing+=("$pkg")
	done
	[[ ${#missing[@]} -eq 0 ]] && return 0

	say "installing: ${missing[*]} (log: $APT_LOG)"
	# Stale lists make downloads fail with 404; update once and retry then.
	if ! apt_get install --no-install-recommends "${missing[@]}" 2>/dev/null; then
		apt_update_once
		apt_get install --no-install-recommends "${missing[@]}" ||
			die "apt-get install failed for: ${missing[*]}"
	fi
}

# True when build/vm/kernel holds a complete unpack of the given ABI.
kernel_is_unpacked() {
	[[ -f $KERNEL_DIR/.complete && $(<"$KERNEL_DIR/.complete") == "$1" ]]
}

# Print the package name that ships the kernel image for ABI $1.
kernel_image_package() {
	local name
	for name in "linux-image-$1" "linux-image-$1-unsigned"; do
		if apt-cache show "$name" >/dev/null 2>&1; then
			echo "$name"
			return 0
		fi
	done
	return 1
}

# Download linux-image-<abi>, unpack it, decompress modules, run depmod.
fetch_kernel() {
	local abi=$1 pkg deb
	say "fetching Debian kernel $abi for the VM tests"
	pkg=$(kernel_image_package "$abi") || {
		apt_update_once
		pkg=$(kernel_image_package "$abi")
	} || die "no package linux-image-${abi} or linux-image-${abi}-unsigned in apt"

	rm -rf "$KERNEL_DIR" "$VM_DIR"/linux-image-*.deb
	mkdir -p "$VM_DIR"
	# apt-get download writes into the current directory.
	(cd "$VM_DIR" && apt_get download "$pkg") || die "apt-get download $pkg failed"
	deb=$(find "$VM_DIR" -maxdepth 1 -name "${pkg}_*.deb" | head -n1)
	[[ -n $deb ]] || die "apt-get download $pkg produced no .deb in $VM_DIR"

	say "unpacking $(basename "$deb")"
	dpkg -x "$deb" "$KERNEL_DIR"
	[[ -f $KERNEL_DIR/boot/vmlinuz-$abi ]] || die "$deb has no boot/vmlinuz-$abi"
	local moddir=$KERNEL_DIR/lib/modules/$abi
	[[ -d $moddir ]] || die "$deb has no lib/modules/$abi"

	# busybox insmod and the guest's modprobe want plain .ko files.
	find "$moddir" -name '*.ko.xz' -print0 | xargs -0 -r -P "$(nproc)" -n 64 xz -d
	depmod -b "$KERNEL_DIR" "$abi" || die "depmod -b $KERNEL_DIR $abi failed"
	echo "$abi" >"$KERNEL_DIR/.complete"
}

main() {
	[[ $EUID -eq 0 ]] || die "must run as root (installs packages with apt-get)"
	mkdir -p "$VM_DIR"
	resolve_kernel_abi
	install_missing_packages "${PACKAGES[@]}" "linux-headers-$KERNEL_ABI"

	local kdir=/usr/src/linux-headers-$KERNEL_ABI
	[[ -f $kdir/Makefile ]] || die "linux-headers-$KERNEL_ABI is installed but $kdir/Makefile is missing"
	kernel_is_unpacked "$KERNEL_ABI" || fetch_kernel "$KERNEL_ABI"

	# Write the results last so a failed run leaves no half-valid state.
	[[ -f $VM_DIR/abi && $(<"$VM_DIR/abi") == "$KERNEL_ABI" ]] || echo "$KERNEL_ABI" >"$VM_DIR/abi"
	[[ -f $VM_DIR/kdir && $(<"$VM_DIR/kdir") == "$kdir" ]] || echo "$kdir" >"$VM_DIR/kdir"
	# Cache the ABI only if no apt-get update ran after it was resolved;
	# otherwise the next run resolves it again from the new lists.
	if [[ $(apt_lists_fingerprint) == "$LISTS_FINGERPRINT" ]] &&
		[[ ! -f $VM_DIR/abi.lists || $(<"$VM_DIR/abi.lists") != "$LISTS_FINGERPRINT" ]]; then
		echo "$LISTS_FINGERPRINT" >"$VM_DIR/abi.lists"
	fi
	return 0
}

main "$@"
