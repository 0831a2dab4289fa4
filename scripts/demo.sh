#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The seed article's mesh on this machine. It needs meshvpnd, the controller,
# which does not exist yet: say so rather than pretend.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
if [[ ! -x $top/build/meshvpnd ]]; then
	echo "make demo: meshvpnd (the mesh controller) is not built yet;" >&2
	echo "the demo arrives with it. 'make check' shows what works today." >&2
	exit 1
fi
