#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: the seed article's mesh on this machine, with real daemons in
# network namespaces (selftests/lib/seed.sh): einstein and newton are hubs
# with public addresses, hawking and penrose sit behind their own NAT
# routers and have never exchanged host files. hawking pings penrose: the
# first replies come through einstein, then directly. Everything is removed
# at the end.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
source "$TOP/selftests/lib/netns.sh"
source "$TOP/selftests/lib/meshvpnd.sh"
source "$TOP/selftests/lib/seed.sh"

if ((EUID != 0)); then
	echo "make demo creates network namespaces: run it as root" >&2
	exit 1
fi
[[ -x $TOP/build/meshvpnd ]] || {
	echo "build first: make userspace" >&2
	exit 1
}

say() {
	printf '\n\033[1m== %s\033[0m\n' "$*"
}

topo_init
mvd_init
say "Building the network: einstein, newton (public), hawking and penrose behind NAT"
seed_build >/dev/null

say "Starting einstein, then penrose and hawking"
seed_start
wait_for 15 mvd__field_is 0 hawking penrose reachable true
grep -h "Learned the key" "$(mvd_log hawking)" "$(mvd_log penrose)" | sed 's/^/  /'

say "hawking pings penrose (10.10.0.4): relayed by einstein first, then direct"
topo_exec hawking ping -c 6 -i 0.5 10.10.0.4 | sed 's/^/  /'
grep -h "Direct path to penrose\|Direct path to hawking" \
	"$(mvd_log hawking)" "$(mvd_log penrose)" | sed 's/^/  /'

say "newton starts late; hawking connects to it"
mvd_start newton
mvd_wait_ready newton
kill -ALRM "${MVD_PID[hawking]}"
wait_for 20 mvd__field_is 0 hawking newton reachable true

say "The node table at hawking (meshvpn dump nodes)"
mvd_ctl hawking dump nodes | sed 's/^/  /'
say "The node table at penrose"
mvd_ctl penrose dump nodes | sed 's/^/  /'
say "What einstein relayed"
mvd_ctl einstein dump nodes | sed 's/^/  /'

say "Done; cleaning up"
topo_teardown
