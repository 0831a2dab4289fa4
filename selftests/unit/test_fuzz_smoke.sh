#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Every parser has a libFuzzer target (selftests/fuzz/). Long runs are
# `make fuzz`; here each target builds and survives a fixed number of
# random inputs, so a parser change that crashes is caught at once.
set -uo pipefail

top=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
out=$(mktemp)
trap 'rm -f "$out"' EXIT

if ! make -s -C "$top" fuzzers >"$out" 2>&1; then
	echo "not ok fuzzers_build"
	sed 's/^/    /' "$out"
	exit 0
fi
echo "ok fuzzers_build"
for bin in "$top"/build/fuzz/fuzz_*; do
	[[ -x $bin ]] || continue
	name=$(basename "$bin")
	if "$bin" -runs=20000 -seed=1 >"$out" 2>&1; then
		echo "ok $name"
	else
		echo "not ok $name"
		tail -n 30 "$out" | sed 's/^/    /'
	fi
done
