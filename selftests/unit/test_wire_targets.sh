#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The wire header must compile unchanged for every consumer: userspace C11
# (gcc and clang, strict) and BPF (clang -target bpf). The kernel build of
# meshvpn.ko includes it as well.
set -uo pipefail

top=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cat >"$tmp/wire.c" <<'EOC'
#include <meshvpn/wire.h>
int meshvpn_hdr_len(void);
int meshvpn_hdr_len(void) { return (int)sizeof(struct meshvpn_hdr); }
EOC

check() {
	local name=$1
	shift
	if "$@" -I"$top/include" -c -o "$tmp/wire.o" "$tmp/wire.c" 2>"$tmp/err"; then
		echo "ok $name"
	else
		echo "not ok $name"
		sed 's/^/    /' "$tmp/err"
	fi
}

check gcc-c11 gcc -std=c11 -pedantic -Wall -Wextra -Werror
check clang-c11 clang -std=c11 -Wall -Wextra -Werror
bpf_clang=$(command -v clang-16 || command -v clang)
check bpf "$bpf_clang" -target bpf -O2 -Wall -Werror \
	-I"/usr/include/$(gcc -print-multiarch)"
