#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test_mesh_signals.sh again with every daemon detached (no -D), as a
# server runs them: signals, meshvpnd -k, dumps, reload and stop must
# behave the same.
MVD_DETACH=1 exec "$(dirname "$0")/test_mesh_signals.sh"
