#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test_mesh_restart_inplace.sh again with every daemon detached (no -D), as
# a server runs them: the restarted image must not detach again.
MVD_DETACH=1 exec "$(dirname "$0")/test_mesh_restart_inplace.sh"
