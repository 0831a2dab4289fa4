#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Key lifetime on receive (Documentation/protocol.md section 5): a key older
# than REJECT_AFTER_SECONDS (180 s) decrypts nothing, as it encrypts
# nothing. B installs a new key; 181 s later A installs the same key for
# the first time (fresh at A, so A sends with it; the module never gives
# key material it already holds a new counter, protocol.md 5), while B's
# copy is now too old: B must drop A's messages as decrypt errors and
# deliver none of them. New keys at both then let them through again. Slow
# on purpose: the limit is time itself.
# vm-timeout: 400
source "$TOP/selftests/vm/lib/mesh.sh"

CIPHER=chacha20-poly1305

mesh_pair
mesh_random_key >/tmp/kl.k12
mesh_random_key >/tmp/kl.k21
install() {	# NS PEER TX RX
	mvx "$1" key add mv0 "$2" slot current cipher $CIPHER phase 0 \
		tx-key "$3" rx-key "$4"
}
install a 2 /tmp/kl.k12 /tmp/kl.k21
install b 1 /tmp/kl.k21 /tmp/kl.k12
check_eq "ping with fresh keys" "$(mesh_ping a 3 10.10.0.2)" 3

mesh_random_key >/tmp/kl.k12
mesh_random_key >/tmp/kl.k21
install b 1 /tmp/kl.k21 /tmp/kl.k12
sleep 181
install a 2 /tmp/kl.k12 /tmp/kl.k21
rx=$(mesh_counter b 1 rx_packets)
err=$(mesh_counter b 1 rx_decrypt_errors)
check_eq "no reply through B's expired key" "$(mesh_ping a 5 10.10.0.2)" 0
check_eq "B delivered none of A's pings" "$(mesh_counter b 1 rx_packets)" "$rx"
check_eq "B counted them as decrypt errors" \
	"$(($(mesh_counter b 1 rx_decrypt_errors) - err))" 5

mesh_random_key >/tmp/kl.k12
mesh_random_key >/tmp/kl.k21
install a 2 /tmp/kl.k12 /tmp/kl.k21
install b 1 /tmp/kl.k21 /tmp/kl.k12
check_eq "new keys at both: pings again" "$(mesh_ping a 3 10.10.0.2)" 3
rm -f /tmp/kl.k12 /tmp/kl.k21
mesh_done
