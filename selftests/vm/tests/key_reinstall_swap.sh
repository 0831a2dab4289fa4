#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# After meshvpn.ko refused key material it holds already (EEXIST: the
# daemon retrying a key-new whose answer it lost, key_reinstall.sh), the
# peers move on to NEW material: installed in the next slot and swapped in
# on both sides, it carries the traffic, and its counter starts afresh at 0
# (a new key, so no nonce is reused), with no decrypt error nor replay drop
# at the receiver. The first DATA message A sends under the new key is
# captured on B's veth and its header read.
# vm-timeout: 300
source "$TOP/selftests/vm/lib/mesh.sh"

TOOL=$TOP/selftests/hostile/session_tool.py
mesh_pair
mesh_keys a 1 b 2 chacha20-poly1305
echo "$MESH_K12" >/tmp/krs12
echo "$MESH_K21" >/tmp/krs21
trap 'rm -f /tmp/krs12 /tmp/krs21 /tmp/krs.hex; mesh_cleanup' EXIT

mesh_step "traffic under the first key, then its material again for next"
expect_eq "replies" "$(mesh_ping a 20 10.10.0.2)" 20
if out=$(mvx a key add mv0 2 slot next cipher chacha20-poly1305 phase 1 \
	tx-key /tmp/krs12 rx-key /tmp/krs21 2>&1); then
	mesh_fail "the installed key material was taken again for next"
fi
check_eq "refused as installed already (EEXIST)" \
	"$(grep -c 'installed already' <<<"$out")" 1

mesh_step "new material for next, swapped in on both sides"
mesh_keys a 1 b 2 chacha20-poly1305 next 1
mvx b key swap mv0 1
mvx a key swap mv0 2
ip netns exec b "$PY" "$TOOL" sniff /tmp/krs.hex 10.0.0.1 1 0 20 &
SNIFFER=$!
sleep 1
expect_eq "replies under the new key" "$(mesh_ping a 5 10.10.0.2)" 5
wait "$SNIFFER" || mesh_fail "no DATA from A captured at B"
read -r phase counter < <("$PY" -S -c '
import sys
m = bytes.fromhex(open(sys.argv[1]).read().strip())
print(m[1] & 1, int.from_bytes(m[16:24], "big"))' /tmp/krs.hex)
check_eq "A's first message after the swap is under the new key's phase" "$phase" 1
check_eq "... with a fresh counter" "$counter" 0
check_eq "B decrypt errors from A" "$(mesh_counter b 1 rx_decrypt_errors)" 0
check_eq "B replay drops from A" "$(mesh_counter b 1 rx_replay_drops)" 0
check_eq "B packets from A" "$(mesh_counter b 1 rx_packets)" 25
mesh_done
