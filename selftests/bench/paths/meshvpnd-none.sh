# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
#
# Path plug-in "meshvpnd-none": meshvpnd.sh with Cipher = none (IP in UDP):
# the cost of the userspace forwarding alone.

# shellcheck disable=SC2034 # read by the framework and meshvpnd.sh
MESHVPND_CIPHER=none
# shellcheck source-path=SCRIPTDIR source=meshvpnd.sh
source "$BENCH_DIR/paths/meshvpnd.sh"
# shellcheck disable=SC2034
DESC="meshvpnd userspace data path (TUN), Cipher = none"
