#!/usr/bin/env bash
# Self-test of the VM harness (selftests/vm/run): it must catch a kernel WARN
# in a test that exits 0, exit codes, skips, timeouts and a guest panic.
#
# Runs without meshvpn.ko (MESHVPN_KO=none), so the harness is checked
# independently of the module's state. Prints "PASS|FAIL check" per check and
# "N passed, N failed"; exits non-zero if any check fails.
set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE=$TOP/selftests/vm
CASES=$HERE/selftest
WARN_INJECT_SRC=$HERE/warn_inject
WARN_INJECT_BUILD=$TOP/build/vm/warn_inject

passed=0
failed=0

say() { printf 'selftest: %s\n' "$*"; }

check() {
	local name=$1
	shift
	if "$@"; then
		echo "PASS $name"
		passed=$((passed + 1))
	else
		echo "FAIL $name"
		failed=$((failed + 1))
	fi
}

# Build the test-only WARN module out of tree in build/vm/warn_inject (kbuild
# writes its objects next to the sources, which must stay clean).
build_warn_inject() {
	local kdir ko=$WARN_INJECT_BUILD/warn_inject.ko
	[[ -s $TOP/build/vm/kdir ]] || { say "no build/vm/kdir: run scripts/deps.sh"; return 1; }
	kdir=$(<"$TOP/build/vm/kdir")
	if [[ -f $ko && $ko -nt $WARN_INJECT_SRC/warn_inject.c && $ko -nt $WARN_INJECT_SRC/Kbuild &&
		$ko -nt $TOP/build/vm/kdir ]]; then
		return 0
	fi
	say "building warn_inject.ko against $kdir"
	rm -rf "$WARN_INJECT_BUILD"
	mkdir -p "$WARN_INJECT_BUILD"
	cp "$WARN_INJECT_SRC/warn_inject.c" "$WARN_INJECT_SRC/Kbuild" "$WARN_INJECT_BUILD/"
	if ! make -s -C "$kdir" M="$WARN_INJECT_BUILD" modules >"$WARN_INJECT_BUILD/build.log" 2>&1; then
		cat "$WARN_INJECT_BUILD/build.log" >&2
		return 1
	fi
}

# Run the harness; sets RUN_OUTPUT (its stdout+stderr) and RUN_RC.
run_harness() {
	RUN_RC=0
	RUN_OUTPUT=$(MESHVPN_KO=none "$HERE/run" "$@" 2>&1) || RUN_RC=$?
	# Show the harness output, indented, under this script's own lines.
	# shellcheck disable=SC2001 # per-line prefix; sed is clearer here
	sed 's/^/  | /' <<<"$RUN_OUTPUT"
}

has_line() { grep -qxF -- "$1" <<<"$RUN_OUTPUT"; }
has_text() { grep -qF -- "$1" <<<"$RUN_OUTPUT"; }
exited_nonzero() { [[ $RUN_RC -ne 0 ]]; }
last_line_is() { [[ $(tail -n 1 <<<"$RUN_OUTPUT") == "$1" ]]; }

catches_warn() {
	has_line "FAIL inject_warn" && has_text "WARNING:" && has_text "warn_inject: deliberate warning"
}

# One boot, --keep-going: every kind of result, and kernel log isolation
# (pass runs right after inject_warn).
check_results_in_one_boot() {
	say "boot 1: warn, exit code, skip, timeout, clean test"
	run_harness --keep-going "$CASES/inject_warn.sh" "$CASES/pass.sh" "$CASES/exit_fail.sh" \
		"$CASES/skip.sh" "$CASES/timeout.sh"
	check harness-catches-warn catches_warn
	check harness-passes-clean-test has_line "PASS pass"
	check harness-catches-exit-code has_line "FAIL exit_fail"
	check harness-reports-skip has_line "SKIP skip"
	check harness-enforces-timeout has_line "FAIL timeout"
	check harness-summary-line last_line_is "1 passed, 3 failed, 1 skipped"
	check harness-exits-nonzero exited_nonzero
}

# Without --keep-going the run stops at the first failure.
check_stop_at_first_failure() {
	say "boot 2: stop after the first failure"
	run_harness "$CASES/exit_fail.sh" "$CASES/pass.sh"
	check harness-stops-after-failure has_line "SKIP pass"
	check harness-stop-summary-line last_line_is "0 passed, 1 failed, 1 skipped"
}

check_panic() {
	say "boot 3: kernel panic"
	run_harness "$CASES/panic.sh" "$CASES/pass.sh"
	check harness-catches-panic has_line "FAIL panic"
	check harness-shows-console-on-panic has_text "Kernel panic"
	check harness-panic-exits-nonzero exited_nonzero
}

main() {
	if ! build_warn_inject; then
		echo "FAIL build-warn-inject"
		echo "0 passed, 1 failed"
		exit 1
	fi
	check_results_in_one_boot
	check_stop_at_first_failure
	check_panic
	echo "$passed passed, $failed failed"
	[[ $failed -eq 0 ]]
}

main "$@"
