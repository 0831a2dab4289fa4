# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
#
# Path plug-in "meshvpnd-kernel-aes": meshvpnd-kernel.sh with Cipher = aes-256-gcm.
# Compare with meshvpn-ko-aes (the module configured by hand).

# shellcheck disable=SC2034 # read by the framework and meshvpnd.sh
MESHVPND_CIPHER=aes-256-gcm
# shellcheck source-path=SCRIPTDIR source=meshvpnd-kernel.sh
source "$BENCH_DIR/paths/meshvpnd-kernel.sh"
# shellcheck disable=SC2034
DESC="meshvpnd + meshvpn.ko (DataPlane = kernel), aes-256-gcm"
