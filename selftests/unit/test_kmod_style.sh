#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The module follows the kernel's style: sparse-clean (make C=2) and
# checkpatch --strict clean. Both need the VM kernel's headers from make deps.
set -uo pipefail

top=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
kdir=${KDIR:-$(cat "$top/build/vm/kdir" 2>/dev/null)}
out=$(mktemp)
trap 'rm -f "$out"' EXIT

if [[ -z $kdir || ! -d $kdir ]]; then
	echo "not ok sparse (no kernel headers: run make deps)"
	exit 1
fi

# Sparse runs on every source (C=2), whether or not it needs rebuilding; its
# findings are the lines that are not kbuild's own progress output.
if make -s -C "$kdir" M="$top" C=2 CF=-D__CHECK_ENDIAN__ modules >"$out" 2>&1 &&
   ! grep -vE '^(make|  (CHECK|CC|LD|MODPOST|BTF)|Skipping BTF)' "$out" | grep -q .; then
	echo "ok sparse"
else
	echo "not ok sparse"
	sed 's/^/    /' "$out"
fi

if "$top/scripts/checkpatch.sh" >"$out" 2>&1; then
	echo "ok checkpatch"
else
	echo "not ok checkpatch"
	grep -v '^total: 0 errors, 0 warnings, 0 checks' "$out" | sed 's/^/    /'
fi
