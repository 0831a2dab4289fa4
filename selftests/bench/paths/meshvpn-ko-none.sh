# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
#
# Path plug-in "meshvpn-ko-none": meshvpn.ko, none, configured by hand.
# VM suite only: the host kernel has no modules.

# shellcheck disable=SC2034 # read by the framework
DESC="meshvpn.ko, none"
MESHVPN_CIPHER=none
# shellcheck source=selftests/bench/meshvpn-ko.bash
source "$BENCH_DIR/meshvpn-ko.bash"
