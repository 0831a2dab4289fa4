#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The kernel's own YNL CLI drives meshvpn.ko from the spec alone
# (Documentation/netlink/specs/meshvpn.yaml), as Documentation/netlink/README.md
# shows: dev-set and dev-get on a meshvpn link, node-new, node-get as do and
# as dump, and rejected requests, whose extack message the CLI prints. What
# it created is also what the meshvpn tool sees. The spec is checked against
# the kernel's schema (genetlink.yaml) when python3-jsonschema is installed.
#
# selftests/vm/run unpacks the CLI from Debian's kernel source tarball
# ("vm-needs: ynl"); the test skips when that tarball has none (6.1's).
# vm-needs: ynl
# vm-timeout: 300
source "$TOP/selftests/vm/lib/mesh.sh"

YNL_DIR=$TOP/build/vm/ynl
SPEC=$TOP/Documentation/netlink/specs/meshvpn.yaml
CLI=
# tools/net/ynl/cli.py in 6.12; later kernels moved it to pyynl/.
for f in "$YNL_DIR"/tools/net/ynl/pyynl/cli.py "$YNL_DIR"/tools/net/ynl/cli.py; do
	[[ -f $f ]] && CLI=$f && break
done
if [[ -z $CLI ]]; then
	echo "SKIP: no YNL CLI in $YNL_DIR: Debian's linux-source-6.1 has none; install" \
		"linux-source-6.12 (bookworm-security) for this test"
	exit 4
fi
echo "YNL CLI: $CLI"

SCHEMA=(--no-schema)
if "$PY" -c 'import jsonschema' 2>/dev/null && [[ -f $YNL_DIR/Documentation/netlink/genetlink.yaml ]]; then
	SCHEMA=(--schema "$YNL_DIR/Documentation/netlink/genetlink.yaml")
	echo "the CLI validates the spec against the kernel's genetlink.yaml"
else
	echo "note: python3-jsonschema is not installed: the spec is not checked against the schema"
fi

# ynl ARGS...: the CLI in namespace n, JSON output.
ynl() { ip netns exec n "$PY" "$CLI" --spec "$SPEC" "${SCHEMA[@]}" --output-json "$@"; }

# json_get JSON EXPR: a python expression on the parsed JSON ("j").
json_get() { "$PY" -S -c 'import json, sys; j = json.loads(sys.argv[1]); print(eval(sys.argv[2]))' "$1" "$2"; }

# ynl_refused WHAT WANT-ERRNO-TEXT WANT-EXTACK ARGS...: the CLI exits 1 and
# prints the kernel's errno and extack message.
ynl_refused() {
	local what=$1 errtext=$2 msg=$3 out rc=0
	shift 3
	out=$(ynl "$@" 2>&1) || rc=$?
	if [[ $rc != 1 ]] || ! grep -qF "$errtext" <<<"$out" || ! grep -qF "'msg': '$msg'" <<<"$out"; then
		mesh_fail "$what: exit $rc, output [$out], want 1, \"$errtext\" and extack '$msg'"
	else
		echo "ok: $what refused: $(tr '\n' ' ' <<<"$out")"
	fi
}

mesh_ns n
ip -n n link add mv0 type meshvpn
IFX=$(ip netns exec n cat /sys/class/net/mv0/ifindex)
LO=$(ip netns exec n cat /sys/class/net/lo/ifindex)

mesh_step "dev-set and dev-get"
ynl --do dev-set --json "{\"ifindex\": $IFX, \"dev\": {\"local-node-id\": 1}}" >/dev/null
out=$(ynl --do dev-get --json "{\"ifindex\": $IFX}")
echo "$out"
check_eq "dev-get ifindex" "$(json_get "$out" 'j["ifindex"]')" "$IFX"
check_eq "dev-get local-node-id" "$(json_get "$out" 'j["dev"]["local-node-id"]')" 1
check_eq "dev-get node-count" "$(json_get "$out" 'j["dev"]["node-count"]')" 0
# The command of Documentation/netlink/README.md, as written there.
out=$(ip netns exec n "$PY" "$CLI" --spec "$SPEC" --no-schema --do dev-get \
	--json "{\"ifindex\": $IFX}")
echo "$out"
check_true "the README's dev-get prints the local node id" grep -qF "'local-node-id': 1" <<<"$out"

mesh_step "node-new, node-get, dump"
# remote-ipv4 is a big-endian u32: 192.0.2.2 = 0xc0000202
ynl --do node-new --json "{\"ifindex\": $IFX, \"node\": {\"id\": 2,
	\"remote-ipv4\": $((0xc0000202)), \"remote-port\": 655, \"keepalive\": 25}}" >/dev/null
ynl --do node-new --json "{\"ifindex\": $IFX, \"node\": {\"id\": 3, \"next-hop\": 2}}" >/dev/null
out=$(ynl --do node-get --json "{\"ifindex\": $IFX, \"node\": {\"id\": 2}}")
echo "$out"
check_eq "node-get id" "$(json_get "$out" 'j["node"]["id"]')" 2
check_eq "node-get endpoint" \
	"$(json_get "$out" 'j["node"]["remote-ipv4"] + " " + str(j["node"]["remote-port"])')" \
	"192.0.2.2 655"
check_eq "node-get keepalive" "$(json_get "$out" 'j["node"]["keepalive"]')" 25
check_eq "node-get rx-packets (uint)" "$(json_get "$out" 'j["node"]["rx-packets"]')" 0
out=$(ynl --dump node-get --json "{\"ifindex\": $IFX}")
echo "$out"
check_eq "dump: ids and next hops" \
	"$(json_get "$out" '" ".join("%d>%d" % (m["node"]["id"], m["node"]["next-hop"]) for m in j)')" \
	"2>2 3>2"
out=$(ynl --do dev-get --json "{\"ifindex\": $IFX}")
check_eq "dev-get node-count" "$(json_get "$out" 'j["dev"]["node-count"]')" 2
check_eq "the meshvpn tool sees node 2's endpoint" "$(mesh_node n 2 'n["endpoint"]')" \
	"192.0.2.2:655"

mesh_step "rejected requests: the kernel's reason"
ynl_refused "node-new of an existing id" "File exists" "a node with this id exists" \
	--do node-new --json "{\"ifindex\": $IFX, \"node\": {\"id\": 2}}"
ynl_refused "node-get of an unknown id" "No such file or directory" "no node with this id" \
	--do node-get --json "{\"ifindex\": $IFX, \"node\": {\"id\": 7}}"
ynl_refused "dev-get on lo" "Invalid argument" "interface is not a meshvpn link" \
	--do dev-get --json "{\"ifindex\": $LO}"
# Refused by the policy, before the handler: the CLI names the attribute.
out=$(ynl --do node-new --json "{\"ifindex\": $IFX, \"node\": {\"id\": 0}}" 2>&1) || true
echo "$out"
check_true "node-new with id 0: out of range, at .node.id" \
	grep -qF "'bad-attr': '.node.id'" <<<"$out"
out=$(ynl --dump node-get --json "{\"ifindex\": $IFX}")
check_eq "nodes after the refused requests" "$(json_get "$out" 'len(j)')" 2

mesh_done
