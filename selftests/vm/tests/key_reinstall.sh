#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# A key-new repeated with the same key material (the daemon retrying a
# request whose acknowledgement it did not get) must not start the key's
# counter again at 0: that would send a second time with nonces already
# used under that key (Documentation/protocol.md section 5), and the peer
# would drop them all as replays. The module keeps the installed key when
# the same key comes again for its slot, and refuses it for the other slot
# or another phase.
# vm-timeout: 300
source "$TOP/selftests/vm/lib/mesh.sh"

mesh_pair
mesh_keys a 1 b 2 chacha20-poly1305
echo "$MESH_K12" >/tmp/kr12
echo "$MESH_K21" >/tmp/kr21
trap 'rm -f /tmp/kr12 /tmp/kr21; mesh_cleanup' EXIT
again() {
	mvx a key add mv0 2 slot "$1" cipher chacha20-poly1305 phase "$2" \
		tx-key /tmp/kr12 rx-key /tmp/kr21
}

mesh_step "5 pings with the key"
expect_eq "replies" "$(mesh_ping a 5 10.10.0.2)" 5

mesh_step "the same key-new again, for the same slot"
again current 0
expect_eq "replies after the repeated key-new" "$(mesh_ping a 5 10.10.0.2)" 5
check_eq "B replay drops from A" "$(mesh_counter b 1 rx_replay_drops)" 0
check_eq "B packets from A" "$(mesh_counter b 1 rx_packets)" 10

mesh_step "the same key material for the next slot, or with another phase"
for args in "next 0" "next 1" "current 1"; do
	if out=$(again $args 2>&1); then
		mesh_fail "key add $args with installed key material succeeded"
	else
		check_eq "key add $args refused" \
			"$(grep -c 'installed already' <<<"$out")" 1
	fi
done
expect_eq "replies after the refusals" "$(mesh_ping a 5 10.10.0.2)" 5
check_eq "B replay drops from A" "$(mesh_counter b 1 rx_replay_drops)" 0
mesh_done
