#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The link's MTU and its end (issue: "MTU changes; deleting the link or the
# namespace frees everything"): a lower MTU is honoured at once (a DF ping
# above it fails, one at it passes, and the peer still gets it), a higher
# one too; deleting a namespace that holds a busy, fully configured link
# (socket, nodes, keys, routes, traffic in flight) releases everything: the
# module's reference count returns to where it was, and the harness checks
# that rmmod works and the kernel logged no warning or leak.
# vm-timeout: 200
source "$TOP/selftests/vm/lib/mesh.sh"

refcnt() { cat /sys/module/meshvpn/refcnt; }
base=$(refcnt)

mesh_pair
mesh_keys a 1 b 2 chacha20-poly1305
check_eq "default MTU" "$(ip -n a -o link show mv0 | sed -n 's/.* mtu \([0-9]*\) .*/\1/p')" 1412

dfping() {	# SIZE: one DF ping of SIZE bytes of payload, replies received
	mesh_ping a 1 10.10.0.2 -M do -s "$1"
}
check_eq "a full-size DF ping at 1412" "$(dfping 1384)" 1
ip -n a link set mv0 mtu 1300
ip -n b link set mv0 mtu 1300
check_eq "the new MTU shows" "$(ip -n a -o link show mv0 | sed -n 's/.* mtu \([0-9]*\) .*/\1/p')" 1300
check_eq "a DF ping above 1300 does not leave" "$(dfping 1300)" 0
check_eq "a DF ping at 1300 passes" "$(dfping 1272)" 1
ip -n a link set mv0 mtu 4000 && ip -n b link set mv0 mtu 4000
check_eq "a larger MTU works too (4000)" "$(dfping 3972)" 1
check_true "an MTU below IPv4's minimum is refused" \
	bash -c '! ip -n a link set mv0 mtu 60 2>/dev/null'

# Delete a namespace with everything in use.
ip netns exec a ping -q -f -c 2000 10.10.0.2 >/dev/null 2>&1 &
sleep 1
ip netns del a
wait
check_true "b's link is still there" ip -n b link show mv0
ip netns del b
MESH_NS=()	# gone already: nothing left for the teardown
for _ in $(seq 50); do
	[[ $(refcnt) == "$base" ]] && break
	sleep 0.2
done
check_eq "every reference to the module is gone" "$(refcnt)" "$base"
mesh_done
