# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
# What the unit tests written in shell share: one "ok NAME" / "not ok NAME"
# line per case, the failure's text indented below it, and the summary
# line selftests/unit/run adds up. Source it; then report, then finish.

passed=0 failed=0

# report NAME STATUS [MESSAGE]: STATUS 0 passes.
report() {
	local line msg=${3:-}
	if (($2 == 0)); then
		echo "ok $1"
		passed=$((passed + 1))
	else
		echo "not ok $1"
		failed=$((failed + 1))
		[[ -n $msg ]] || return 0
		while IFS= read -r line; do
			echo "    $line"
		done <<<"${msg%$'\n'}"
	fi
}

# report_file NAME STATUS FILE: the same, with FILE's first lines as the text.
report_file() {
	local text=
	[[ -s $3 ]] && text=$(head -n 60 "$3")
	report "$1" "$2" "$text"
}

# finish: the summary line, and the exit status of the whole test.
finish() {
	echo "$passed passed, $failed failed"
	((failed == 0))
}

# unit_tool TOP: the meshvpn tool to test: $MESHVPN_TOOL, else the newer
# of TOP/build/meshvpn and the sanitizer build TOP/build/san/meshvpn.
unit_tool() {
	local tool=${MESHVPN_TOOL:-$1/build/meshvpn}
	[[ -z ${MESHVPN_TOOL:-} && -x $1/build/san/meshvpn &&
	   $1/build/san/meshvpn -nt $tool ]] && tool=$1/build/san/meshvpn
	echo "$tool"
}
