#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Run several test suites (make targets) to the end, even when one fails,
# and total their "N passed, N failed[, N skipped]" summary lines.
#
# usage: check-all.sh MAKE-COMMAND TARGET...
set -uo pipefail

make_cmd=$1
shift

passed=0 failed=0 skipped=0
failed_suites=()

for target in "$@"; do
	echo "=== $target"
	log=$(mktemp)
	# shellcheck disable=SC2086 # make_cmd carries make's own arguments
	$make_cmd "$target" 2>&1 | tee "$log"
	status=${PIPESTATUS[0]}
	summary=$(grep -E '^([A-Za-z-]+: )?[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	rm -f "$log"
	if [[ -z $summary ]]; then
		# A suite that died before its summary still counts as a failure.
		echo "$target: no summary line (exit $status)"
		failed=$((failed + 1))
		failed_suites+=("$target")
		continue
	fi
	read -r p f s < <(sed -E 's/^([A-Za-z-]+: )?([0-9]+) passed, ([0-9]+) failed(, ([0-9]+) skipped)?.*/\2 \3 \5/' <<<"$summary")
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + ${s:-0}))
	if ((status != 0)) && ((f == 0)); then
		failed=$((failed + 1))
	fi
	((status != 0)) && failed_suites+=("$target")
done

echo
((${#failed_suites[@]})) && echo "failed suites: ${failed_suites[*]}"
echo "$passed passed, $failed failed, $skipped skipped"
((failed == 0))
