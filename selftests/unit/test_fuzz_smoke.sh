#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Every parser has a libFuzzer target (selftests/fuzz/). Long runs are
# `make fuzz`; here each target builds, runs every input of its committed
# corpus (selftests/fuzz/corpus/NAME) and a fixed number of mutations of
# them, with leak checks, so that a parser change that crashes, leaks or
# breaks a seed is caught at once. The corpus is copied: the tree stays as
# it is.
set -uo pipefail

top=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
runs=${FUZZ_SMOKE_RUNS:-2000}
# The build directory make was given (make exports a BUILD=... of its
# command line), else the tree's own.
build=${BUILD:-$top/build}
out=$(mktemp)
work=$(mktemp -d)
trap 'rm -rf "$out" "$work"' EXIT

if ! make -s -C "$top" BUILD="$build" fuzzers >"$out" 2>&1; then
	echo "not ok fuzzers_build"
	sed 's/^/    /' "$out"
	exit 0
fi
echo "ok fuzzers_build"
for src in "$top"/selftests/fuzz/fuzz_*.c; do
	name=$(basename "$src" .c)
	bin=$build/fuzz/$name
	corpus=$top/selftests/fuzz/corpus/$name
	if ! compgen -G "$corpus/*" >/dev/null; then
		echo "not ok $name (no seed corpus in selftests/fuzz/corpus/$name)"
		continue
	fi
	mkdir -p "$work/$name"
	cp "$corpus"/* "$work/$name"/
	if (cd "$work" && "$bin" -runs="$runs" -seed=1 "$work/$name") >"$out" 2>&1; then
		echo "ok $name"
	else
		echo "not ok $name"
		grep -E 'ERROR|runtime error|Test unit written|==[0-9]+==' "$out" |
			head -n 10 | sed 's/^/    /'
		tail -n 20 "$out" | sed 's/^/    /'
	fi
done
