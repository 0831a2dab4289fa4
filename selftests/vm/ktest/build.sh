#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build the unit-test module build/vm/ktest/meshvpn_ktest.ko against the VM
# kernel (KDIR overrides), for selftests/vm/tests/ktest_units.sh.
#
# Kbuild writes its objects next to the sources, which must stay clean, so
# the sources are copied to build/vm/ktest/ first. That folder is exactly
# as deep as this one, so meshvpn_ktest.c's #include "../../../kmod/..."
# still reaches the real kmod/ (and kbuild rebuilds when those files change).
#
# Usage: selftests/vm/ktest/build.sh [make arguments, e.g. C=2 for sparse]
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
src=$top/selftests/vm/ktest
out=$top/build/vm/ktest
kdir=${KDIR:-$(cat "$top/build/vm/kdir" 2>/dev/null || true)}
[[ -n $kdir ]] || { echo "ktest: no kernel headers: run 'make deps' or set KDIR" >&2; exit 1; }

mkdir -p "$out"
# Copy only what changed, so that an unchanged tree does not rebuild.
for f in Kbuild meshvpn_ktest.c; do
	cmp -s "$src/$f" "$out/$f" || cp "$src/$f" "$out/$f"
done
[[ -f $out/../../../kmod/route.c ]] || { echo "ktest: $out is not three levels below the top" >&2; exit 1; }
make -s -C "$kdir" M="$out" "$@" modules
echo "ktest: built $out/meshvpn_ktest.ko"
