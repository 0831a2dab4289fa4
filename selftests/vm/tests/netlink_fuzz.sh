#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Spec-driven netlink fuzzing of meshvpn.ko: selftests/vm/netlink_fuzz.py
# sends, for every operation of Documentation/netlink/specs/meshvpn.yaml,
# a valid request, variants with each attribute missing, out of range,
# mis-sized, doubled or of the wrong kind, and random mutations, to a
# meshvpn link that has nodes, a key and routes. Every request must be
# answered, every refusal must carry an extack message, and the link must
# still answer afterwards; the harness fails the test on any kernel
# WARNING/BUG/Oops and checks that the module unloads. With kmemleak in
# the kernel (Debian's 6.1 has none) the run is also scanned for leaks.
# NETLINK_FUZZ_ROUNDS (random mutations per operation, default 100) and
# NETLINK_FUZZ_SEED (default 1) make longer or other runs.
# vm-timeout: 900
source "$TOP/selftests/vm/lib/mesh.sh"

ROUNDS=${NETLINK_FUZZ_ROUNDS:-100}
SEED=${NETLINK_FUZZ_SEED:-1}
KMEMLEAK=/sys/kernel/debug/kmemleak

if [[ -w $KMEMLEAK ]]; then
	echo clear >"$KMEMLEAK"
fi

mesh_step "a link with nodes, a key and routes"
mesh_ns n
mesh_link n 1 655 10.10.0.1/24
mvx n node add mv0 2 endpoint 10.0.0.2:655 keepalive 25
mvx n node add mv0 3 via 2
mvx n node add mv0 4 endpoint '[fd00::4]:655'
mesh_random_key >/tmp/nlfuzz.key
mvx n key add mv0 2 slot current cipher chacha20-poly1305 phase 0 \
	tx-key /tmp/nlfuzz.key rx-key /tmp/nlfuzz.key
mvx n route add mv0 10.10.2.0/24 node 2
mvx n route add mv0 fd10::/64 node 3

mesh_step "fuzzing: seed $SEED, $ROUNDS random requests per operation"
if ! ip netns exec n "$PY" -S "$TOP/selftests/vm/netlink_fuzz.py" mv0 "$SEED" "$ROUNDS"; then
	mesh_fail "netlink fuzzer"
fi

mesh_step "the link goes away cleanly"
check_true "link deleted" ip -n n link del mv0
rm -f /tmp/nlfuzz.key

if [[ -w $KMEMLEAK ]]; then
	mesh_step "kmemleak"
	echo scan >"$KMEMLEAK"
	if grep -q meshvpn "$KMEMLEAK"; then
		grep -A20 meshvpn "$KMEMLEAK" | head -60
		mesh_fail "kmemleak reports meshvpn objects"
	fi
else
	echo "kmemleak: not in this kernel"
fi
mesh_done
