# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
#
# Path plug-in "tinc-none": tinc 1.0 as in tinc.sh, but without encryption
# or authentication of the packets (Cipher = none, Digest = none): tinc's
# own forwarding cost.

# shellcheck source-path=SCRIPTDIR source=tinc.sh
source "$BENCH_DIR/paths/tinc.sh"

# shellcheck disable=SC2034 # read by the framework and tinc.sh
DESC="tinc 1.0, Cipher = none, Digest = none, Mode = router"
# shellcheck disable=SC2034
TINC_HOST_OPTIONS=$'Cipher = none\nDigest = none'
