#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The session attacks of selftests/netns/test_hostile_session.sh against
# daemons on the kernel data path: replayed and forged INITs, SESSION
# floods and cookies reach meshvpnd through meshvpn.ko's socket, forged
# DATA reaches the module.
# vm-timeout: 900
set -uo pipefail

export MVD_DATAPLANE=kernel
"$TOP/selftests/netns/run" -t 600 test_hostile_session
