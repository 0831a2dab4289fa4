#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Choosing the data plane: without meshvpn.ko, DataPlane = auto falls back
# to the userspace path and says so, DataPlane = kernel refuses to start
# with a clear message, and DataPlane = bpf is refused as not there yet.
# With the module loaded (the VM), auto takes the kernel, but not for a
# node with TCPOnly (meshvpn.ko carries UDP only), which DataPlane = kernel
# refuses.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
source "$TOP/selftests/lib/netns.sh"
source "$TOP/selftests/lib/meshvpnd.sh"

unset MVD_DATAPLANE
topo_init
mvd_init
topo_switch wan
topo_node a wan 198.51.100.1/24
mvd_node a 10.10.0.1

# start_with VALUE: run meshvpnd with DataPlane = VALUE for a moment; the
# exit status (124: still running after 5 s) and log are left behind.
start_with() {
	sed -i '/^DataPlane/d' "$MVD_DIR/a/meshvpn.conf"
	echo "DataPlane = $1" >>"$MVD_DIR/a/meshvpn.conf"
	rm -f "$MVD_DIR/a.log"
	topo_exec a timeout 5 "$MESHVPND" -c "$MVD_DIR/a" -D -d2 \
		--pidfile "$MVD_DIR/a.pid" --logfile="$MVD_DIR/a.log" \
		>"$MVD_DIR/a.out" 2>&1
}

if [[ -d /sys/module/meshvpn ]]; then
	start_with auto
	assert "auto takes meshvpn.ko when it is loaded" \
		grep -q "kernel data path" "$MVD_DIR/a.log"
	# Every packet of a TCPOnly node goes over the meta connections.
	mvd_host a "TCPOnly = yes"
	start_with auto
	assert "with TCPOnly, auto keeps to the userspace data path" \
		grep -q "TCPOnly = yes: using the userspace data path" "$MVD_DIR/a.log"
	start_with kernel
	rc=$?
	assert "DataPlane = kernel takes TCPOnly too (timeout 124: still running; $rc)" \
		test "$rc" = 124
	assert "... on meshvpn.ko" grep -q "kernel data path" "$MVD_DIR/a.log"
	sed -i '/^TCPOnly/d' "$MVD_DIR/a/hosts/a"
else
	start_with auto
	assert "auto runs without meshvpn.ko (timeout 124: still running)" \
		test $? = 124
	assert "... and says it uses the userspace data path" \
		grep -q "meshvpn.ko is not loaded: using the userspace data path" \
		"$MVD_DIR/a.log"
	assert "... on a TUN device" grep -q "is a TUN device" "$MVD_DIR/a.log"
	start_with kernel
	rc=$?
	assert "DataPlane = kernel refuses to start without the module ($rc)" \
		test "$rc" = 1
	assert "... and says why" grep -q "meshvpn.ko is not loaded" "$MVD_DIR/a.log"
fi
start_with bpf
rc=$?
assert "DataPlane = bpf is refused ($rc)" test "$rc" = 1
assert "... as not available yet" \
	grep -q "DataPlane = bpf is not available" "$MVD_DIR/a.log"

summary
