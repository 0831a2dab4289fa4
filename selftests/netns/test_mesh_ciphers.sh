#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Every session cipher carries traffic, on whichever data plane the suite
# runs (the VM runs this again with DataPlane = kernel): two nodes that both
# ask for AES-256-GCM get it, two with Cipher = none get none, and a pair
# that disagrees gets ChaCha20-Poly1305 (Documentation/user-guide.md,
# section 7).
#
#   einstein  hub, Cipher = aes-256-gcm   10.10.0.1
#   newton    Cipher = aes-256-gcm        10.10.0.2
#   hawking   Cipher = none               10.10.0.3
#   penrose   Cipher = none               10.10.0.4
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
source "$TOP/selftests/lib/netns.sh"
source "$TOP/selftests/lib/meshvpnd.sh"
source "$TOP/selftests/lib/seed.sh"

topo_init
mvd_init

star_build --conf einstein "Cipher = aes-256-gcm" \
	--conf newton "Cipher = aes-256-gcm" \
	--conf hawking "Cipher = none" \
	--conf penrose "Cipher = none" \
	newton hawking penrose
star_start
for n in newton hawking penrose; do
	assert "einstein sees $n" mvd_wait_field 15 einstein "$n" reachable true
done
assert "hawking sees penrose" mvd_wait_field 15 hawking penrose reachable true

# check_pair A B ADDR_OF_B CIPHER: A reaches B and their session uses CIPHER
# at both ends, on the data plane the suite asked for.
check_pair() {
	local a=$1 b=$2 addr=$3 cipher=$4
	assert_ping "$a" "$addr" 3 "$a pings $b"
	assert "$a's session with $b uses $cipher" \
		mvd_wait_field 10 "$a" "$b" cipher "$cipher"
	assert "... and $b's with $a too" \
		mvd_wait_field 5 "$b" "$a" cipher "$cipher"
	assert "... on the ${MVD_DATAPLANE:-userspace} data path" \
		mvd_wait_field 5 "$a" "$b" dataplane "${MVD_DATAPLANE:-userspace}"
}

check_pair einstein newton 10.10.0.2 aes-256-gcm
check_pair hawking penrose 10.10.0.4 none
check_pair newton hawking 10.10.0.3 chacha20-poly1305
check_pair einstein penrose 10.10.0.4 chacha20-poly1305

summary
