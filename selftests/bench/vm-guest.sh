#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# selftests/bench/vm-guest.sh - the VM half of `make bench-vm`: runs inside
# the guest of selftests/vm/run, started by selftests/bench/run-vm, never by
# hand.  The guest's environment is reset by the harness, so the settings
# come from the request file named by "mvbench=FILE" on the kernel command
# line (run-vm writes it, the guest reads it over the read-only 9p share).
# Results go to the harness's writable output share ("mvout=DIR", visible
# on the host at the same path) under DIR/bench/, and are also printed on
# stdout with a "bench-file: NAME: " prefix in case the share is unusable.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SKIP_RC=4

# cmdline_value NAME: the value of NAME=... on the kernel command line.
cmdline_value() {
	local word
	for word in $(</proc/cmdline); do
		[[ $word == "$1="* ]] && printf '%s\n' "${word#*=}"
	done
	return 0
}

main() {
	local request out rc=0 f
	request=$(cmdline_value mvbench)
	out=$(cmdline_value mvout)
	if [[ -z $request || ! -f $request ]]; then
		echo "SKIP: not started by selftests/bench/run-vm (no mvbench= request file)"
		exit "$SKIP_RC"
	fi
	[[ -n $out && -d $out ]] || {
		echo "bench: ERROR: no writable output share (mvout=) in the guest"
		exit 1
	}
	# shellcheck source=/dev/null
	source "$request"
	export BENCH_SUITE=vm BENCH_OUT=$out/bench
	"$HERE/run" --measure-only || rc=$?
	for f in meta.txt status.tsv raw.csv; do
		[[ -f $BENCH_OUT/$f ]] || continue
		sed "s|^|bench-file: $f: |" "$BENCH_OUT/$f"
	done
	sync
	exit "$rc"
}

main "$@"
