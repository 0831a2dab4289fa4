#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The systemd units as make install writes them: systemd-analyze verify
# says nothing about them (every key known, the daemon, the tool and the
# man pages they name exist), and the service keeps its contract: one
# instance per network, Type=notify with a watchdog, reload through the
# tool, and the hardening of Documentation/user-guide.md.
set -uo pipefail

top=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=selftests/unit/lib.sh
source "$top/selftests/unit/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if ! command -v systemd-analyze >/dev/null || ! command -v go-md2man >/dev/null; then
	report systemd_tools 1 "systemd-analyze or go-md2man is missing: make deps"
	finish
	exit
fi

# Installed under a real prefix (no DESTDIR), so that the paths the units
# name exist for systemd-analyze.
prefix=$tmp/usr
make -C "$top" --no-print-directory install PREFIX="$prefix" SYSCONFDIR="$tmp/etc" \
	>"$tmp/install.log" 2>&1
report_file install_for_verify $? "$tmp/install.log"

units=$prefix/lib/systemd/system
ln -s meshvpnd@.service "$units/meshvpnd@office.service"
(cd "$units" && MANPATH=$prefix/share/man systemd-analyze verify \
	./meshvpnd@office.service ./meshvpn.target) >"$tmp/verify.log" 2>&1
rc=$?
[[ -s $tmp/verify.log ]] && rc=1
report_file systemd_analyze_verify_clean $rc "$tmp/verify.log"

# The service's contract, line by line.
show() {
	grep -qx -- "$1" "$units/meshvpnd@.service"
}
missing=""
for line in 'Type=notify' 'WatchdogSec=30' \
	"ExecStart=$prefix/sbin/meshvpnd -n %i -D" \
	"ExecReload=$prefix/sbin/meshvpn -n %i reload" \
	'CapabilityBoundingSet=CAP_NET_ADMIN CAP_NET_RAW CAP_NET_BIND_SERVICE CAP_IPC_LOCK' \
	'ProtectSystem=strict' "ReadWritePaths=$tmp/etc/meshvpn /run" \
	'NoNewPrivileges=yes' 'PartOf=meshvpn.target' 'WantedBy=meshvpn.target'; do
	show "$line" >/dev/null || missing+="$line"$'\n'
done
report unit_contract "$([[ -z $missing ]]; echo $?)" "missing: $missing"
grep -qx 'WantedBy=multi-user.target' "$units/meshvpn.target"
report target_wanted_by_multi_user $?

finish
