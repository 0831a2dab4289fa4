# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
#
# Path plug-in "veth": no tunnel at all, the traffic goes straight over the
# underlay veth pair.  The physical limit every tunnel is compared with.
# See Documentation/performance.md for the plug-in interface.

# shellcheck disable=SC2034 # read by the framework
DESC="plain veth, no tunnel (the physical limit)"
# shellcheck disable=SC2034
SUITES="host vm"

setup() {
	TUN_A=$UL_A
	TUN_B=$UL_B
}
