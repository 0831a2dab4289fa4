#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The meshvpn tool is built from tools/ and userspace/'s lib, netlink,
# crypto (the key pair `meshvpn init` makes) and config folders only
# (ARCHITECTURE.md): not one global symbol of the daemon's folders (mesh,
# proto, dataplane, daemon) is in it. The Makefile does not even offer it
# their libraries; this says so per folder.
#
# Environment: MESHVPN_TOOL, the tool to test; by default every one built
# (build/meshvpn, build/san/meshvpn). The folders' libraries are read from
# the build folder holding the tool.
set -uo pipefail

top=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
if [[ -n ${MESHVPN_TOOL:-} ]]; then
	tools=("$MESHVPN_TOOL")
else
	tools=()
	for t in "$top/build/meshvpn" "$top/build/san/meshvpn"; do
		[[ -x $t ]] && tools+=("$t")
	done
fi
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT

passed=0 failed=0

# Global symbols defined in object or archive $1, but for the ones the
# compiler and sanitizers emit in every object (leading underscore).
defined() {
	nm --defined-only -g "$1" | awk 'NF == 3 && $3 !~ /^_/ { print $3 }' | sort -u
}

if ((${#tools[@]} == 0)); then
	echo "not ok tool_built"
	echo "    no tool in $top/build: build it (make tools) or set MESHVPN_TOOL"
	exit 1
fi

for tool in "${tools[@]}"; do
	build=$(dirname "$tool")
	defined "$tool" >"$tmp"
	for dir in mesh proto dataplane daemon; do
		suffix=${build#"$top/build"}
		name=tool_has_nothing_of_${dir}${suffix//\//_}
		lib=$build/libmv-$dir.a
		if [[ ! -f $lib ]]; then
			echo "not ok $name"
			echo "    no $lib: build userspace first"
			failed=$((failed + 1))
			continue
		fi
		found=$(comm -12 <(defined "$lib") "$tmp")
		if [[ -z $found ]]; then
			echo "ok $name"
			passed=$((passed + 1))
		else
			echo "not ok $name"
			sed 's/^/    /' <<<"$found"
			failed=$((failed + 1))
		fi
	done
done

echo "$passed passed, $failed failed"
((failed == 0))
