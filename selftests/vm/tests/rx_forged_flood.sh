#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Forged DATA with a node's (public) source id, from an address that is not
# the node's endpoint, costs the receiver a decryption each before it is
# found out. A flood of them must not fill the node's decryption queue and
# push out the node's real messages: those from off the node's path get a
# small share of the queue (kmod/receive.c). A pings B while two senders
# from another address flood B with 60000-byte forgeries claiming to be A
# (one sendmmsg slot each for the flooder, a long decryption for B).
# vm-timeout: 300
source "$TOP/selftests/vm/lib/mesh.sh"

PINGS=20
# A Python loop under TCG sends slower than B decrypts: a compiled sender.
cc -O2 -o /tmp/rx_forged_flood "$TOP/selftests/vm/lib/flood.c"
mesh_pair
mesh_keys a 1 b 2 chacha20-poly1305
ip -n a addr add 10.0.0.9/24 dev to-b
ip -n a link set to-b mtu 65000
ip -n b link set to-a mtu 65000
expect_eq "pings before the flood" "$(mesh_ping a 5 10.10.0.2)" 5

mesh_step "$PINGS pings A -> B under a flood of forgeries from 10.0.0.9"
# flood PORT: forgeries claiming to be A, from 10.0.0.9:PORT, for 12 s.
flood() {
	ip netns exec a /tmp/rx_forged_flood 10.0.0.9 "$1" 10.0.0.2 655 2 1 60000 12
}
flood 40001 >/tmp/flood1.out &
F1=$!
flood 40002 >/tmp/flood2.out &
F2=$!
sleep 2
replies=$(mesh_ping a $PINGS 10.10.0.2 -i 0.3)
wait $F1 $F2
echo "flood: $(cat /tmp/flood1.out) $(cat /tmp/flood2.out)"
forged=$(mesh_counter b 1 rx_decrypt_errors)
echo "B: decrypt errors from the forgeries $forged," \
	"mv0 rx_dropped $(mesh_dev_stat b mv0 rx.dropped), replies $replies of $PINGS"
check_true "the forgeries reached B's decryption" test "$forged" -gt 0
check_eq "pings that came through" "$replies" $PINGS
expect_eq "pings after the flood" "$(mesh_ping a 5 10.10.0.2)" 5
rm -f /tmp/flood1.out /tmp/flood2.out /tmp/rx_forged_flood
mesh_done
