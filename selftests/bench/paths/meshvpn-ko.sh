# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
#
# Path plug-in "meshvpn-ko": meshvpn.ko, chacha20-poly1305, configured by hand.
# VM suite only: the host kernel has no modules.

# shellcheck disable=SC2034 # read by the framework
DESC="meshvpn.ko, chacha20-poly1305"
MESHVPN_CIPHER=chacha20-poly1305
# shellcheck source=selftests/bench/meshvpn-ko.bash
source "$BENCH_DIR/meshvpn-ko.bash"
