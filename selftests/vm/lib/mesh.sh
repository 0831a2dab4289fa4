#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Helpers for meshvpn.ko tests in the VM: namespaces joined by veth, meshvpn
# links configured by hand with the `meshvpn` tool, and counter checks.
# Source it from a test; every namespace is removed when the test exits.

set -euo pipefail

MV=${MV:-$TOP/build/meshvpn}
PY=/usr/bin/python3
MESH_NS=()

mesh_cleanup() {
	local ns
	for ns in "${MESH_NS[@]}"; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
		ip netns del "$ns" 2>/dev/null || true
	done
}
trap mesh_cleanup EXIT

mesh_ns() {
	ip netns add "$1"
	MESH_NS+=("$1")
	ip -n "$1" link set lo up
}

# mesh_veth NS1 NS2 ADDR1 ADDR2: a veth between two namespaces ("-" = none).
mesh_veth() {
	local a=$1 b=$2 i
	i=$(( ${#MESH_NS[@]} * 10 + RANDOM % 10 ))
	ip link add "v$i-a" netns "$a" type veth peer "v$i-b" netns "$b"
	ip -n "$a" link set "v$i-a" name "to-$b" up
	ip -n "$b" link set "v$i-b" name "to-$a" up
	[[ $3 == - ]] || ip -n "$a" addr add "$3" dev "to-$b" $([[ $3 == *:* ]] && echo nodad)
	[[ $4 == - ]] || ip -n "$b" addr add "$4" dev "to-$a" $([[ $4 == *:* ]] && echo nodad)
}

mvx() { local ns=$1; shift; ip netns exec "$ns" "$MV" "$@"; }

# mesh_link NS ID PORT [INNER_ADDR...]: mv0 with node id ID, listening on
# PORT through a dual-stack UDP socket that the tool hands to the kernel.
mesh_link() {
	local ns=$1 id=$2 port=$3 addr
	shift 3
	ip -n "$ns" link add mv0 type meshvpn
	for addr in "$@"; do
		# nodad is for IPv6 only (ip warns about it on IPv4)
		ip -n "$ns" addr add "$addr" dev mv0 $([[ $addr == *:* ]] && echo nodad)
	done
	ip -n "$ns" link set mv0 up
	ip netns exec "$ns" "$PY" -S -c '
import os, socket, sys
mv, port, node = sys.argv[1], int(sys.argv[2]), sys.argv[3]
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
s.bind(("::", port))
os.set_inheritable(s.fileno(), True)
os.execv(mv, [mv, "link", "set", "mv0", "node-id", node,
              "socket-fd", str(s.fileno())])' "$MV" "$port" "$id"
}

# mesh_pair: the two-node setup most tests start from: namespaces a and b
# on one veth (10.0.0.1, 10.0.0.2), node ids 1 and 2 on port 655, VPN
# addresses 10.10.0.1 and 10.10.0.2, each the other's node with endpoint
# and route. No keys yet (mesh_keys).
mesh_pair() {
	mesh_ns a
	mesh_ns b
	mesh_veth a b 10.0.0.1/24 10.0.0.2/24
	mesh_link a 1 655 10.10.0.1/24
	mesh_link b 2 655 10.10.0.2/24
	mvx a node add mv0 2 endpoint 10.0.0.2:655
	mvx b node add mv0 1 endpoint 10.0.0.1:655
	mvx a route add mv0 10.10.0.2/32 node 2
	mvx b route add mv0 10.10.0.1/32 node 1
}

mesh_random_key() { od -An -N32 -tx1 /dev/urandom | tr -d ' \n'; }

# mesh_keys NS1 ID1 NS2 ID2 CIPHER [SLOT [PHASE]]: a fresh session between
# two nodes: one key per direction, installed on both sides.
mesh_keys() {
	local ns1=$1 id1=$2 ns2=$3 id2=$4 cipher=$5 slot=${6:-current}
	local phase=${7:-0} k12 k21
	if [[ $cipher == none ]]; then
		mvx "$ns1" key add mv0 "$id2" slot "$slot" cipher none phase "$phase"
		mvx "$ns2" key add mv0 "$id1" slot "$slot" cipher none phase "$phase"
		return
	fi
	k12=$(mesh_random_key)
	k21=$(mesh_random_key)
	# The last session's keys, for tests that build packets themselves.
	MESH_K12=$k12 MESH_K21=$k21
	echo "$k12" >/tmp/k12
	echo "$k21" >/tmp/k21
	mvx "$ns1" key add mv0 "$id2" slot "$slot" cipher "$cipher" phase "$phase" \
		tx-key /tmp/k12 rx-key /tmp/k21
	mvx "$ns2" key add mv0 "$id1" slot "$slot" cipher "$cipher" phase "$phase" \
		tx-key /tmp/k21 rx-key /tmp/k12
	rm -f /tmp/k12 /tmp/k21
}

# mesh_counter NS NODE-ID FIELD: one counter of a node, from the JSON dump.
mesh_counter() {
	mvx "$1" --json link show mv0 | "$PY" -S -c '
import json, sys
node, field = int(sys.argv[1], 16), sys.argv[2]
doc = json.load(sys.stdin)
links = doc if isinstance(doc, list) else doc.get("links", [doc])
for link in links:
    for n in link.get("nodes", []):
        nid = n["id"]
        if (int(nid, 16) if isinstance(nid, str) else nid) == node:
            c = n.get("counters", n)
            print(c[field])
            sys.exit(0)
sys.exit("node %x not found" % node)' "$2" "$3"
}

# expect_eq WHAT GOT WANT
expect_eq() {
	if [[ $2 != "$3" ]]; then
		echo "FAIL: $1: got $2, want $3" >&2
		return 1
	fi
	echo "ok: $1 = $2"
}

# ---- additions for the relay, replay, passthrough, netlink and scale tests

MESH_LIB=$TOP/selftests/vm/lib
MESH_FAILS=0

# mesh_py ARGS...: python without the site import (0.5 s less under TCG),
# with mvnl.py and mvpkt.py importable.
mesh_py() { PYTHONPATH=$MESH_LIB "$PY" -S "$@"; }

# mesh_nspy NS ARGS...: mesh_py in network namespace NS.
mesh_nspy() {
	local ns=$1
	shift
	ip netns exec "$ns" env PYTHONPATH="$MESH_LIB" "$PY" -S "$@"
}

# check_eq WHAT GOT WANT: like expect_eq, but the test goes on; mesh_done
# fails it at the end. For tests that should report every broken step.
check_eq() {
	if [[ $2 != "$3" ]]; then
		echo "FAIL: $1: got $2, want $3" >&2
		MESH_FAILS=$((MESH_FAILS + 1))
		return 0
	fi
	echo "ok: $1 = $2"
}

# check_true WHAT CMD...: CMD must succeed; recorded like check_eq.
check_true() {
	local what=$1
	shift
	if "$@"; then
		echo "ok: $what"
	else
		echo "FAIL: $what" >&2
		MESH_FAILS=$((MESH_FAILS + 1))
	fi
}

# mesh_fail MESSAGE: record a failed step and go on.
mesh_fail() {
	echo "FAIL: $*" >&2
	MESH_FAILS=$((MESH_FAILS + 1))
}

# mesh_step TEXT: a section header with the seconds the test has run.
mesh_step() { echo "== [${SECONDS}s] $*"; }

mesh_done() {
	if ((MESH_FAILS)); then
		echo "$MESH_FAILS step(s) failed" >&2
		exit 1
	fi
	echo "ok: all (${SECONDS}s)"
}

# mesh_node NS NODE-ID EXPR: a python expression on one node's JSON object
# ("n") from `meshvpn --json link show mv0`, e.g. 'n["endpoint"]' or
# 'n["keys"]["current"]["phase"]'.
mesh_node() {
	mvx "$1" --json link show mv0 | "$PY" -S -c '
import json, sys
node, expr = int(sys.argv[1], 16), sys.argv[2]
for link in json.load(sys.stdin):
    for n in link.get("nodes", []):
        if int(n["id"], 16) == node:
            print(eval(expr))
            sys.exit(0)
sys.exit("node %x not found" % node)' "$2" "$3"
}

# mesh_counters NS NODE-ID FIELD...: several counters of a node in one
# dump, space separated, in the order asked.
mesh_counters() {
	local ns=$1 node=$2
	shift 2
	mvx "$ns" --json link show mv0 | "$PY" -S -c '
import json, sys
node = int(sys.argv[1], 16)
for link in json.load(sys.stdin):
    for n in link.get("nodes", []):
        if int(n["id"], 16) == node:
            print(" ".join(str(n[f]) for f in sys.argv[2:]))
            sys.exit(0)
sys.exit("node %x not found" % node)' "$node" "$@"
}

# mesh_snap ARRAY NS: every scalar field of every node of NS's mv0 in one
# dump, into the associative array ARRAY (declare -A it first), keyed
# "NODE:FIELD" with NODE in hex without leading zeros: ${S[3:rx_packets]}.
mesh_snap() {
	local -n _snap=$1
	local k v
	_snap=()
	while read -r k v; do
		_snap[$k]=$v
	done < <(mvx "$2" --json link show mv0 | "$PY" -S -c '
import json, sys
for link in json.load(sys.stdin):
    for n in link.get("nodes", []):
        i = "%x" % int(n["id"], 16)
        for k, v in n.items():
            if not isinstance(v, (dict, list)):
                print("%s:%s %s" % (i, k, v))')
	((${#_snap[@]})) || { echo "mesh_snap: no nodes on $2" >&2; return 1; }
}

# mesh_dev_stat NS DEV FIELD: a device counter from `ip -s -j link`, e.g.
# rx.errors, rx.dropped, tx.packets.
mesh_dev_stat() {
	ip -n "$1" -s -j link show "$2" | "$PY" -S -c '
import json, sys
d = json.load(sys.stdin)[0]["stats64"]
a, b = sys.argv[1].split(".")
print(d[a][b])' "$3"
}

# mesh_ping NS COUNT TARGET [PING-ARGS...]: number of replies received.
mesh_ping() {
	local ns=$1 count=$2 target=$3
	shift 3
	ip netns exec "$ns" ping -n -q -c "$count" -i 0.2 -W 2 "$@" "$target" 2>/dev/null |
		sed -n 's/.* \([0-9][0-9]*\) \(packets \)\{0,1\}received.*/\1/p' || true
}

# mesh_nft_counters NS NAME=MATCH...: an inet table "mvtest" in NS whose input
# chain counts the packets MATCH (nft syntax) selects into counter NAME.
mesh_nft_counters() {
	local ns=$1 spec rules="" counters=""
	shift
	# The guest cannot autoload modules: named counters need nft_objref.
	modprobe -q nft_objref
	for spec in "$@"; do
		counters+="counter ${spec%%=*} {}"$'\n'
		rules+="${spec#*=} counter name ${spec%%=*}"$'\n'
	done
	ip netns exec "$ns" nft -f - <<-EOF
	table inet mvtest {
	$counters
	chain in {
	type filter hook input priority 0; policy accept;
	$rules
	}
	}
	EOF
}

# mesh_nft_nat: load what nft nat chains and snat/dnat statements need.
mesh_nft_nat() { modprobe -q -a nf_nat nft_chain_nat nft_nat; }

# mesh_nft_count NS NAME: packets counted so far by counter NAME.
mesh_nft_count() {
	ip netns exec "$1" nft list counter inet mvtest "$2" |
		sed -n 's/.*packets \([0-9]*\).*/\1/p'
}

# mesh_poll SECONDS CMD...: retry CMD every 0.2 s until it succeeds.
mesh_poll() {
	local i n=$(($1 * 5))
	shift
	for ((i = 0; i < n; i++)); do
		"$@" && return 0
		sleep 0.2
	done
	return 1
}

# mesh_wait_file FILE PATTERN [SECONDS]: wait until FILE contains PATTERN.
mesh_wait_file() {
	local i
	for ((i = 0; i < ${3:-10} * 10; i++)); do
		grep -q -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "timed out waiting for '$2' in $1" >&2
	return 1
}
