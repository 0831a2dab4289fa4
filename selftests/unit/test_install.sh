#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make install and make uninstall into a staging folder (DESTDIR, PREFIX):
# exactly the expected files with their modes, man pages that man renders
# without a warning, units naming the installed daemon, completion that
# bash loads, an example network meshvpnd accepts; then uninstall leaves
# nothing. And a plain "make" on a host without kernel headers or clang
# builds the rest, says what it skipped, and succeeds.
set -uo pipefail

top=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=selftests/unit/lib.sh
source "$top/selftests/unit/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if ! command -v go-md2man >/dev/null; then
	report install_tools 1 "go-md2man is missing: make deps"
	finish
	exit
fi

# The ordinary build folder: install builds what is missing there.
build=${BUILD:-$top/build}
dest=$tmp/root
mk() {
	make -C "$top" --no-print-directory "$@"
}

mk install DESTDIR="$dest" PREFIX=/usr SYSCONFDIR=/etc >"$tmp/install.log" 2>&1
report install_succeeds $? "$(tail -n 20 "$tmp/install.log")"

expected="755 usr/sbin/meshvpn
755 usr/sbin/meshvpnd
644 usr/share/man/man8/meshvpn.8
644 usr/share/man/man8/meshvpnd.8
644 usr/lib/systemd/system/meshvpn.target
644 usr/lib/systemd/system/meshvpnd@.service
644 usr/share/bash-completion/completions/meshvpn
644 usr/share/bash-completion/completions/meshvpnd
644 usr/share/doc/meshvpn/examples/office/hosts/alice
644 usr/share/doc/meshvpn/examples/office/hosts/bob
755 usr/share/doc/meshvpn/examples/office/meshvpn-down
755 usr/share/doc/meshvpn/examples/office/meshvpn-up
644 usr/share/doc/meshvpn/examples/office/meshvpn.conf"
(cd "$dest" && find . -type f -printf '%m %P\n' | sort) >"$tmp/files"
diff <(sort <<<"$expected") "$tmp/files" >"$tmp/files.diff"
report_file installed_file_list $? "$tmp/files.diff"

for page in "$dest"/usr/share/man/man8/*.8; do
	name=$(basename "$page")
	# Real troff: a .TH header, rendered by man without a single warning.
	LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$page" >"$tmp/$name.txt" 2>"$tmp/$name.err"
	rc=$?
	[[ -s $tmp/$name.err ]] && rc=1
	head -n 3 "$page" | grep -qi '^\.TH '"${name%.8}"' 8 ' || rc=1
	grep -q "^NAME" "$tmp/$name.txt" && grep -q "^SYNOPSIS" "$tmp/$name.txt" || rc=1
	report "man_renders_$name" $rc "$(cat "$tmp/$name.err")"
done

unit=$dest/usr/lib/systemd/system/meshvpnd@.service
grep -qx 'ExecStart=/usr/sbin/meshvpnd -n %i -D' "$unit" &&
	grep -qx 'ExecReload=/usr/sbin/meshvpn -n %i reload' "$unit" &&
	grep -qx 'ReadWritePaths=/etc/meshvpn /run' "$unit" && ! grep -Eq '@[A-Z]+@' "$unit"
report unit_names_installed_paths $? "$(grep -E 'Exec|ReadWrite|@' "$unit")"

for c in meshvpn meshvpnd; do
	out=$(bash -c 'source /usr/share/bash-completion/bash_completion 2>/dev/null
		source "$1" && complete -p "$2"' _ "$dest/usr/share/bash-completion/completions/$c" "$c" 2>&1)
	report "bash_completion_$c" $? "$out"
done

# The example network is one meshvpnd accepts: it makes its keys.
cp -r "$dest/usr/share/doc/meshvpn/examples/office" "$tmp/office"
"$dest/usr/sbin/meshvpnd" -c "$tmp/office" -K >"$tmp/keygen.log" 2>&1 &&
	grep -q '^Ed25519PublicKey = ' "$tmp/office/hosts/alice"
report_file example_network_loads $? "$tmp/keygen.log"

mk uninstall DESTDIR="$dest" PREFIX=/usr SYSCONFDIR=/etc >"$tmp/uninstall.log" 2>&1
rc=$?
(cd "$dest" && find . -type f -printf '%P\n') >"$tmp/left"
[[ -s $tmp/left ]] && rc=1
report uninstall_removes_everything $rc "$(cat "$tmp/uninstall.log" "$tmp/left")"

# Plain make without kernel headers or clang: the rest, a line per skip, 0.
mk KDIR=/nonexistent BPF_CLANG=no-such-clang >"$tmp/make.log" 2>&1
rc=$?
grep -q '^skipped: kmod/meshvpn.ko (no kernel headers' "$tmp/make.log" &&
	grep -q '^skipped: BPF objects (no-such-clang not found' "$tmp/make.log" || rc=1
[[ -x $build/meshvpnd && -x $build/meshvpn && -s $build/man/meshvpnd.8 ]] || rc=1
report_file make_skips_what_it_cannot_build $rc "$tmp/make.log"

finish
