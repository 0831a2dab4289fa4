# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
#
# Path plug-in "meshvpnd-aes": meshvpnd.sh with Cipher = aes-256-gcm.

# shellcheck disable=SC2034 # read by the framework and meshvpnd.sh
MESHVPND_CIPHER=aes-256-gcm
# shellcheck source-path=SCRIPTDIR source=meshvpnd.sh
source "$BENCH_DIR/paths/meshvpnd.sh"
# shellcheck disable=SC2034
DESC="meshvpnd userspace data path (TUN), aes-256-gcm, Ed25519 keys"
