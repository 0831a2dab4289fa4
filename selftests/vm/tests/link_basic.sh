#!/usr/bin/env bash
# meshvpn.ko basics: the module is loaded, a meshvpn link can be created and
# deleted, and the "meshvpn" generic netlink family is registered.
# Runs in the test VM (selftests/vm/run), which loads meshvpn.ko first.
set -euo pipefail

fail() { echo "FAIL: $*" >&2; exit 1; }

check_module_loaded() {
	[[ -d /sys/module/meshvpn ]] || fail "/sys/module/meshvpn missing"
	lsmod | grep -qw '^meshvpn' || fail "lsmod does not list meshvpn"
	echo "ok: meshvpn is loaded"
}

check_link_lifecycle() {
	local details
	ip link add mv0 type meshvpn || fail "ip link add mv0 type meshvpn"
	# Delete the link even if a check below fails.
	trap 'ip link del mv0 2>/dev/null || true' EXIT
	details=$(ip -d link show mv0) || fail "ip -d link show mv0"
	echo "$details"
	grep -q meshvpn <<<"$details" || fail "'ip -d link show mv0' does not mention meshvpn"
	ip link del mv0 || fail "ip link del mv0"
	trap - EXIT
	if ip link show mv0 >/dev/null 2>&1; then
		fail "mv0 still exists after ip link del"
	fi
	echo "ok: mv0 created, shown as meshvpn, deleted"
}

check_genl_family() {
	local family
	family=$(genl ctrl get name meshvpn) || fail "genl ctrl get name meshvpn"
	echo "$family"
	grep -q 'Name: meshvpn' <<<"$family" || fail "genl family meshvpn not listed"
	echo "ok: generic netlink family meshvpn is registered"
}

check_module_loaded
check_link_lifecycle
check_genl_family
