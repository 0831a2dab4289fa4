#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# A relay carries only messages the protocol defines (Documentation/
# protocol.md section 2): one with an unknown type, an unknown flag bit or
# a non-zero reserved byte is dropped and counted (rx_errors of mv0), not
# relayed. A - B - C, B relays between A and C; the crafted messages come
# from A's real endpoint, so only the header decides.
# vm-timeout: 300
source "$TOP/selftests/vm/lib/mesh.sh"

mesh_ns a
mesh_ns b
mesh_ns c
mesh_veth a b 10.0.1.1/24 10.0.1.2/24
mesh_veth c b 10.0.2.3/24 10.0.2.2/24
mesh_link a 1 655
mesh_link b 2 655
mesh_link c 3 655
mvx b node add mv0 1 endpoint 10.0.1.1:655
mvx b node add mv0 3 endpoint 10.0.2.3:655
mesh_nft_counters c "c_udp=udp dport 655"

# send TYPE FLAGS RESERVED...: one message A -> C per argument triple.
send() {
	mesh_nspy a - "$@" <<'PY'
import sys, mvpkt as p
a = [int(x, 0) for x in sys.argv[1:]]
msgs = [p.hdr(a[i], 3, 1, 10**6 + i, flags=a[i + 1], reserved=a[i + 2]) +
        p.random_bytes(64) for i in range(0, len(a), 3)]
p.send_spoofed(msgs, "10.0.1.2", 655, 655)
PY
	sleep 0.5
}

mesh_step "control: every defined type with known flags is relayed"
send 1 0 0 1 1 0 2 0 0 3 0 0 4 0 0
check_eq "B relay_packets towards C" "$(mesh_counter b 3 relay_packets)" 5
check_eq "C received" "$(mesh_nft_count c c_udp)" 5
errors0=$(mesh_dev_stat b mv0 rx.errors)

mesh_step "unknown types, flags and reserved bytes are not relayed"
send 0 0 0 5 0 0 0xff 0 0 1 0x02 0 1 0x80 0 4 0xfe 0 1 0 1 2 0 0xff
check_eq "B relay_packets towards C" "$(mesh_counter b 3 relay_packets)" 5
check_eq "C received" "$(mesh_nft_count c c_udp)" 5
check_eq "B rx_errors" "$(mesh_dev_stat b mv0 rx.errors)" $((errors0 + 8))
mesh_done
