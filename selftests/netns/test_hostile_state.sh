#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# A member node turned hostile (selftests/hostile/mallory) against STATE
# records (ticket 14, findings 2, 3, 5, 9, 15, 18): it authenticates to
# einstein with a key einstein holds, then forges einstein's own STATE,
# announces seqs far ahead of any clock, floods new origins (vouched for
# and unsigned), sends RSA keys too costly to check, announces an edge
# to an address of its choosing, and squats a name a host file later gives
# another key.  Each is refused with a log line and a
# counter in `meshvpn dump stats`; einstein's memory stays bounded and the
# mesh carries on.
#
#   einstein  198.51.100.1   hub, VouchRate = 10, VouchQuota = 150,
#                            ConnectTo = penrose (penrose never runs, its
#                            host file has no Address)    10.10.0.1
#   hawking   198.51.100.3   ConnectTo einstein           10.10.0.3
#   mallory   198.51.100.66  a member: einstein has hosts/mallory; also
#                            sybil, whose key only mallory vouches for
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
source "$TOP/selftests/lib/netns.sh"
source "$TOP/selftests/lib/meshvpnd.sh"
source "$TOP/selftests/lib/seed.sh"

MALLORY=${MALLORY:-$TOP/build/selftests/hostile/mallory}
[[ -x $MALLORY ]] || skip_all "mallory not built (make hostile)"

topo_init
mvd_init

star_build --conf einstein "VouchRate = 10" --conf einstein "VouchQuota = 150" \
	--conf einstein "ConnectTo = penrose" hawking penrose
topo_node mallory wan 198.51.100.66/24
mvd_node mallory 10.10.0.66
mvd_share mallory einstein

# sybil: a key pair of mallory's making, which einstein has no host file of.
mvd_node sybil 10.10.0.67

# mallory ATTACK [ARG]...: one connection to einstein; prints open/closed.
# As another member: MALLORY_NAME=sybil mallory ...
mallory() {
	local name=${MALLORY_NAME:-mallory}
	topo_exec mallory "$MALLORY" -k "$MVD_DIR/$name/ed25519_key.priv" \
		-n "$name" -t einstein -a 198.51.100.1 -w 1 "$@" 2>&1
}

# stat PATH: a number from einstein's `dump stats --json`, e.g. limits.VouchRate.refused
stat() {
	mvd_ctl einstein dump stats --json | "$MVD_PY" -c '
import json, sys
v = json.load(sys.stdin)
for k in sys.argv[1].split("."):
    v = v[k]
print(v)' "$1"
}

# not CMD...: assert's command for "never happened".
not() {
	! "$@"
}

# give_host_file FROM NAME: einstein's operator installs FROM's host file
# as hosts/NAME and reloads.
give_host_file() {
	cp "$MVD_DIR/$1/hosts/$1" "$MVD_DIR/einstein/hosts/$2" &&
		mvd_ctl einstein reload
}

rss_kb() {
	awk '/^VmRSS:/ { print $2 }' "/proc/${MVD_PID[einstein]}/status"
}

node_count() {
	mvd_ctl einstein dump nodes --json | "$MVD_PY" -c '
import json, sys
print(len(json.load(sys.stdin)))'
}

mvd_start einstein
mvd_start hawking
mvd_wait_ready einstein
mvd_wait_ready hawking
assert "hawking sees einstein" mvd_wait_field 10 hawking einstein reachable true
assert "mallory authenticates as a member" test "$(mallory future-seq "$(($(date +%s) * 1000))")" = open
assert "... and einstein takes its STATE" mvd_wait_log 3 einstein "Got STATE of mallory seq"

# ---- finding 15: an edge nobody confirms ----

mark=$(mvd_log_mark einstein)
mallory edge penrose 198.51.100.66 7777 >/dev/null
mvd_wait_log_since 3 einstein "$mark" "Got STATE of mallory seq" >/dev/null
mvd_ctl einstein retry
sleep 2
assert "einstein does not connect to the address mallory's edge gives for penrose" \
	not mvd_logged_since einstein "$mark" "Trying to connect to penrose \(198\.51\.100\.66 port 7777\)"

# An edge to hawking at an address of mallory's choosing: while einstein
# looks for a direct path to a restarted hawking, it probes hawking's
# candidate addresses, never one that hawking does not announce too.
topo_udp_count mallory 198.51.100.66 7777 15 >"$MVD_DIR/probes-at-7777"
listener=$!
mark=$(mvd_log_mark einstein)
mallory -w 10 edge hawking 198.51.100.66 7777 >/dev/null &
announcer=$!
mvd_wait_log_since 3 einstein "$mark" "Got STATE of mallory seq" >/dev/null
mvd_stop hawking
mvd_start hawking
mvd_wait_ready hawking
assert "hawking comes back direct" mvd_wait_field 10 einstein hawking path direct
wait "$announcer" "$listener"
assert "einstein sent no probe to the address mallory's edge gives for hawking" \
	test "$(cat "$MVD_DIR/probes-at-7777")" = 0

# ---- finding 14: never back to the source, over the meta connection ----

# DATA for mallory in hawking's name, sent by mallory over its meta
# connection: einstein's only way to mallory is that connection, so
# relaying would reflect each message straight back.
refused0=$(stat udp.relay_refused)
out=$(mallory reflect 50 mallory hawking)
assert "einstein sends none of 50 messages back over mallory's connection" \
	test "$(head -n 1 <<<"$out")" = "reflected 0"
assert "... and counts them as refused relays" \
	test "$(stat udp.relay_refused)" -ge $((refused0 + 50))

# ---- finding 9: a node known only through vouching vouches for none ----

mark=$(mvd_log_mark einstein)
mallory introduce sybil "$MVD_DIR/sybil/ed25519_key.priv" >/dev/null
assert "mallory introduces sybil, a key of its own making" \
	mvd_wait_log_since 3 einstein "$mark" "Learned the key of sybil from mallory"
assert "sybil connects to einstein with that key" \
	test "$(MALLORY_NAME=sybil mallory junk 10)" = open
assert "... but vouches for no key (VouchFromVouched = no)" \
	not mvd_logged_since einstein "$mark" "Learned the key of junk[0-9a-f_]* from sybil"
assert "... and einstein counts the 10 refusals" \
	test "$(stat limits.VouchFromVouched.refused)" = 10

# ---- finding 9: a vouched key is kept for its lifetime ----

# sybil's connection is gone; einstein forgets its STATE at once (purge),
# not its key: another key for the name is refused for the key's lifetime.
mvd_node sybil_real 10.10.0.68
assert "sybil is unreachable" mvd_wait_field 5 einstein sybil reachable false
assert "einstein purges what it knows of sybil" mvd_ctl einstein purge
mark=$(mvd_log_mark einstein)
mallory introduce sybil "$MVD_DIR/sybil_real/ed25519_key.priv" >/dev/null
assert "... but another key for sybil is still refused" \
	mvd_wait_log_since 3 einstein "$mark" "mallory announces a different key for sybil than before: refused"

# ---- finding 2: einstein's own STATE, forged ----

mark=$(mvd_log_mark einstein)
hmark=$(mvd_log_mark hawking)
out=$(mallory own-seq)
assert "a STATE of einstein signed by mallory is refused" \
	mvd_wait_log_since 3 einstein "$mark" "STATE of ourselves from mallory is not signed by us: refused"
assert "... and counted" test "$(stat state.forged_own)" = 1
# mallory's connection coming and going changed einstein's edges: hawking
# gets einstein's next STATE, with a seq that is still einstein's clock.
assert "hawking takes einstein's next STATE" \
	mvd_wait_log_since 5 hawking "$hmark" "Got STATE of einstein seq"
seq=$(tail -c "+$((hmark + 1))" "$(mvd_log hawking)" |
	sed -n 's/.*Got STATE of einstein seq \([0-9]*\).*/\1/p' | tail -n 1)
now_ms=$(($(date +%s) * 1000))
assert "... whose seq is einstein's clock, not near 2^64 ($seq)" \
	test "${#seq}" -le 15 -a "${seq:-0}" -le $((now_ms + 60000))
assert "mallory's connection stays open" test "$out" = open

# ---- seq far ahead of any clock ----

mark=$(mvd_log_mark einstein)
mallory future-seq >/dev/null
assert "mallory's own STATE with seq 2^64-2 is refused (MaxClockSkew)" \
	mvd_wait_log_since 3 einstein "$mark" "STATE of mallory from mallory is [0-9]+ s ahead of our clock"
assert "... and counted" test "$(stat limits.MaxClockSkew.refused)" -ge 1
assert "... and not flooded to hawking" \
	not mvd_logged hawking "Got STATE of mallory seq 18446744073709551614"

# ---- finding 5: RSA keys too costly to check ----

mark=$(mvd_log_mark einstein)
mallory rsa-key 8192 65537 >/dev/null
mallory rsa-key 2048 3 >/dev/null
assert "an 8192-bit RSA key is refused before any signature check" \
	mvd_wait_log_since 3 einstein "$mark" "STATE of rsa8192_65537 from mallory carries an invalid key"
assert "an RSA key with exponent 3 is refused" \
	mvd_logged_since einstein "$mark" "STATE of rsa2048_3 from mallory carries an invalid key"

# ---- findings 3 and 5: floods of new origins ----

nodes0=$(node_count)
mallory junk 1000 >/dev/null
learned() {
	mvd_log_count einstein "Learned the key of junk"
}
# What mallory vouched for: sybil, then junk.
vouched() {
	mvd_log_count einstein "Learned the key of (junk|sybil)[0-9a-f_]* from mallory"
}
assert "VouchRate: einstein learns a burst of 100 new keys of 1000" test "$(learned)" = 100
assert "... and counts the other 900" test "$(stat limits.VouchRate.refused)" -ge 900
sleep 6
mallory junk 1000 >/dev/null
assert "VouchQuota: mallory vouches for 150 nodes at most" test "$(vouched)" = 150
assert "... and einstein counts the refusals" test "$(stat limits.VouchQuota.refused)" -ge 900
assert "einstein's node table grew by those 149 only" \
	test "$(node_count)" -le $((nodes0 + 149))

# Unsigned junk makes no node at all (nodes without STATE are not in
# dump nodes: memory tells), and costs no memory.
rss0=$(rss_kb)
mallory junk-unsigned 20000 >/dev/null
rss1=$(rss_kb)
assert "... and einstein's memory stays put ($rss0 kB -> $rss1 kB)" \
	test $((rss1 - rss0)) -lt 8192

# ---- finding 18: a host file overrules a vouched key (a squat) ----

# The operator gives einstein a host file for "sybil" with another key than
# the one mallory vouched for (the real sybil's, say). On reload, the
# squatter's connection, STATE and session go, and its key is refused after.
mark=$(mvd_log_mark einstein)
MALLORY_NAME=sybil mallory -w 8 future-seq "$(($(date +%s) * 1000))" >"$MVD_DIR/squat.out" &
squat=$!
assert "sybil, vouched for by mallory, announces itself" \
	mvd_wait_log_since 5 einstein "$mark" "Got STATE of sybil seq"
mark=$(mvd_log_mark einstein)
assert "einstein reloads with the new host file" give_host_file sybil_real sybil
assert "einstein says the host file overrules mallory's word" \
	mvd_wait_log_since 3 einstein "$mark" "The host file of sybil gives another key than the one mallory vouched for"
wait "$squat"
assert "the squatter's connection is closed" test "$(cat "$MVD_DIR/squat.out")" = closed
assert "... its STATE is forgotten" \
	mvd_logged_since einstein "$mark" "No longer trusting what sybil announced"
assert "... and the eviction counted" test "$(stat state.vouched_key_evicted)" = 1
assert "sybil's old key is refused from now on" \
	not test "$(MALLORY_NAME=sybil mallory junk 0)" = open

# Node ids are 48 bits of a hash of the name: squat5312967 and squat30966812
# share d9c0cd279761 (a birthday search of 2^24 names found them). mallory
# has squat5312967 vouched for; a host file for squat30966812 takes the id.
mark=$(mvd_log_mark einstein)
mallory introduce squat5312967 "$MVD_DIR/sybil/ed25519_key.priv" >/dev/null
assert "mallory has squat5312967 vouched for" \
	mvd_wait_log_since 3 einstein "$mark" "Learned the key of squat5312967 from mallory"
mark=$(mvd_log_mark einstein)
assert "einstein reloads with a host file for squat30966812" \
	give_host_file sybil_real squat30966812
assert "the host file wins the id from the squatter" \
	mvd_wait_log_since 3 einstein "$mark" "squat30966812, known from a host file, has the node id of squat5312967 \(d9c0cd279761\), which mallory vouched for"
assert "... with no collision left to refuse it" \
	not mvd_logged_since einstein "$mark" "node id collision"
assert "... squat30966812 is a node now" \
	test "$(mvd_field einstein squat30966812 name)" = squat30966812
assert "... and the eviction counted" test "$(stat state.id_squatter_evicted)" = 1
mark=$(mvd_log_mark einstein)
mallory introduce squat5312967 "$MVD_DIR/sybil/ed25519_key.priv" >/dev/null
assert "the squatter's next STATE is refused" \
	mvd_wait_log_since 3 einstein "$mark" "STATE of squat5312967 from mallory refused: its node id belongs to a node known from a host file"
assert "... and counted" test "$(stat state.id_collision)" -ge 1

# ---- the mesh carries on ----

assert "einstein is still running" mvd_alive einstein
assert_ping hawking 10.10.0.1 3 "hawking still pings einstein"
mvd_assert_clean
summary
