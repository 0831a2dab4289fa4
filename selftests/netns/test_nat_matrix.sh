#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The NAT matrix: a hub (einstein, public) and two leaves, each behind a
# NAT lab preset (selftests/lib/nat.sh), for pairs of presets.  Per cell:
# the first ping is answered (relayed if need be), the path is direct or
# relayed as the user guide's table ("NAT traversal") says, and once
# direct the hub relays nothing more.  Prints the matrix: direct/relayed
# and the time from the first ping to the direct path.
#
# By default a representative subset (every preset once, and the pairs
# that need the low-TTL probes); NAT_MATRIX=full runs every pair.  Each
# cell is a topology of its own (this script run with --cell), two at a
# time.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
source "$TOP/selftests/lib/netns.sh"
source "$TOP/selftests/lib/nat.sh"
source "$TOP/selftests/lib/meshvpnd.sh"
source "$TOP/selftests/lib/seed.sh"

# expected A B: what the user guide's table says for leaves behind A and B
# ("lan": both behind one home router).
expected() {
	case " $1 $2 " in
	*" public "* | *" fullcone "* | " lan lan ") echo direct ;;
	*" symmetric "* | *" cgnat "*) echo relayed ;;
	*) echo direct ;;
	esac
}

# cell A B: one cell; prints "RESULT A B PATH SECONDS REPLIES RELAYED_AFTER".
cell() {
	local a=$1 b=$2 start now t="-" path out got before after
	topo_init
	mvd_init
	nat_init
	nat_site hub public
	nat_host einstein hub
	nat_site sa "${a/lan/home}"
	nat_host hawking sa
	if [[ $a == lan ]]; then
		nat_host penrose sa 3
	else
		nat_site sb "$b"
		nat_host penrose sb
	fi
	seed_trio "${NAT_ADDR[einstein]}"
	seed_start
	mvd_wait_field 15 hawking penrose reachable true || {
		echo "RESULT $a $b unreachable - 0 -"
		return 0
	}
	topo_bg hawking ping -n -c 15 -i 0.2 -W 2 10.10.0.4 >"$MVD_DIR/ping" 2>&1
	topo__now_us start
	path=relayed
	for _ in {1..30}; do
		if [[ $(mvd_field hawking penrose path) == direct &&
			$(mvd_field penrose hawking path) == direct ]]; then
			topo__now_us now
			t=$(printf '%d.%d' $(((now - start) / 1000000)) \
				$(((now - start) / 100000 % 10)))
			path=direct
			break
		fi
		sleep 0.1
	done
	wait_for 10 eval "! kill -0 $! 2>/dev/null"
	got=$(grep -c 'bytes from' "$MVD_DIR/ping")
	before=$(($(mvd_field einstein penrose relayed_packets) +
		$(mvd_field einstein hawking relayed_packets)))
	out=$(topo_exec hawking ping -n -c 5 -i 0.2 -W 2 10.10.0.4 2>&1)
	got=$((got + $(grep -c 'bytes from' <<<"$out")))
	after=$(($(mvd_field einstein penrose relayed_packets) +
		$(mvd_field einstein hawking relayed_packets) - before))
	echo "RESULT $a $b $path $t $got $after"
}

if [[ ${1:-} == --cell ]]; then
	cell "$2" "$3"
	exit 0
fi

presets=(public home plain fullcone symmetric cgnat)
if [[ ${NAT_MATRIX:-} == full ]]; then
	pairs=()
	for ((i = 0; i < ${#presets[@]}; i++)); do
		for ((j = i; j < ${#presets[@]}; j++)); do
			pairs+=("${presets[i]} ${presets[j]}")
		done
	done
	pairs+=("lan lan")
else
	pairs=("public plain" "home home" "plain plain" "home plain"
		"fullcone symmetric" "symmetric cgnat" "home symmetric" "lan lan")
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
k=0
for pair in "${pairs[@]}"; do
	read -r a b <<<"$pair"
	bash "$0" --cell "$a" "$b" >"$tmp/cell.$k" 2>&1 &
	k=$((k + 1))
	# Two cells at a time: the daemons are light, the topologies not.
	((k % 2)) || wait
done
wait

table=$(printf '%-10s %-10s %-8s %-9s %s' A B path "to direct" expected)
k=0
for pair in "${pairs[@]}"; do
	read -r a b <<<"$pair"
	want=$(expected "$a" "$b")
	read -r _ _ _ path t got after < <(grep '^RESULT' "$tmp/cell.$k" ||
		echo "RESULT - - none - 0 -")
	[[ $t == - ]] || t+=s
	table+=$'\n'$(printf '%-10s %-10s %-8s %-9s %s' "$a" "$b" "$path" "$t" "$want")
	name="$a x $b: $want"
	if [[ $path != "$want" ]]; then
		fail "$name" "$path; $(tail -n 40 "$tmp/cell.$k")"
	elif ((got < 19)); then
		fail "$name" "only $got of 20 pings answered"
	elif [[ $path == direct && $after != 0 ]]; then
		fail "$name" "the hub relayed $after packets after the switch"
	else
		pass "$name"
	fi
	k=$((k + 1))
done
echo "$table"
summary
