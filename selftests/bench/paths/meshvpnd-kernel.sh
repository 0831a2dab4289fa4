# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
#
# Path plug-in "meshvpnd-kernel": the whole system, meshvpnd driving
# meshvpn.ko (DataPlane = kernel), chacha20-poly1305. Compare with
# meshvpn-ko (the module configured by hand) and wireguard.

# shellcheck disable=SC2034 # read by the framework and meshvpnd.sh
MESHVPND_DATAPLANE=kernel
# shellcheck source-path=SCRIPTDIR source=meshvpnd.sh
source "$BENCH_DIR/paths/meshvpnd.sh"
# shellcheck disable=SC2034
DESC="meshvpnd + meshvpn.ko (DataPlane = kernel), chacha20-poly1305"
# shellcheck disable=SC2034
SUITES="vm"
# shellcheck disable=SC2034 # read by run-vm: load kmod/meshvpn.ko
NEEDS_MESHVPN_KO=1
