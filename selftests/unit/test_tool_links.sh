#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The meshvpn tool is built from tools/ and userspace/'s lib, netlink and
# config folders only (ARCHITECTURE.md): not one global symbol of the
# daemon's folders (crypto, mesh, proto, dataplane, daemon) is in it. The
# Makefile does not even offer it their libraries; this says so per folder.
#
# Environment: MESHVPN_TOOL, the tool to test; by default the newer of
# build/meshvpn and build/san/meshvpn. The folders' libraries are read from
# the build folder holding the tool.
set -uo pipefail

top=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
tool=${MESHVPN_TOOL:-}
if [[ -z $tool ]]; then
	tool=$top/build/meshvpn
	[[ -x $top/build/san/meshvpn && ( ! -x $tool ||
	   $top/build/san/meshvpn -nt $tool ) ]] && tool=$top/build/san/meshvpn
fi
build=$(dirname "$tool")

passed=0 failed=0

# Global symbols defined in object or archive $1, but for the ones the
# compiler and sanitizers emit in every object (leading underscore).
defined() {
	nm --defined-only -g "$1" | awk 'NF == 3 && $3 !~ /^_/ { print $3 }' | sort -u
}

if [[ ! -x $tool ]]; then
	echo "not ok tool_built"
	echo "    no tool at $tool: build it (make tools) or set MESHVPN_TOOL"
	exit 1
fi
defined "$tool" >"${TMPDIR:-/tmp}/tool_links.$$"
trap 'rm -f "${TMPDIR:-/tmp}/tool_links.$$"' EXIT

for dir in crypto mesh proto dataplane daemon; do
	lib=$build/libmv-$dir.a
	if [[ ! -f $lib ]]; then
		echo "not ok tool_has_nothing_of_$dir"
		echo "    no $lib: build userspace first"
		failed=$((failed + 1))
		continue
	fi
	found=$(comm -12 <(defined "$lib") "${TMPDIR:-/tmp}/tool_links.$$")
	if [[ -z $found ]]; then
		echo "ok tool_has_nothing_of_$dir"
		passed=$((passed + 1))
	else
		echo "not ok tool_has_nothing_of_$dir"
		sed 's/^/    /' <<<"$found"
		failed=$((failed + 1))
	fi
done

echo "$passed passed, $failed failed"
((failed == 0))
