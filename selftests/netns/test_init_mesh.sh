#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Two nodes set up with the meshvpn tool alone (ticket 19, items 1 and 4):
# `init` gives each its key, meshvpn.conf, hosts/NAME and an up script
# giving its interface the address from --subnet; the host files are
# swapped and `add ConnectTo alice` tells bob where to connect; they ping
# each other across the mesh, with no file written by hand.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
source "$TOP/selftests/lib/netns.sh"
source "$TOP/selftests/lib/meshvpnd.sh"

topo_require dot
topo_init
mvd_init
topo_switch wan
topo_node alice wan 198.51.100.1/24
topo_node bob wan 198.51.100.2/24

assert "meshvpn init makes alice's network" \
	"$MESHVPN_TOOL" -c "$MVD_DIR/alice" init alice --address 198.51.100.1 \
	--subnet 10.66.0.1/16
assert "... and bob's" \
	"$MESHVPN_TOOL" -c "$MVD_DIR/bob" init bob --subnet 10.66.0.2/16
cp "$MVD_DIR/alice/hosts/alice" "$MVD_DIR/bob/hosts/"
cp "$MVD_DIR/bob/hosts/bob" "$MVD_DIR/alice/hosts/"
assert "meshvpn add ConnectTo alice (bob)" \
	"$MESHVPN_TOOL" -c "$MVD_DIR/bob" add ConnectTo alice
# The VM runs the netns tests again on meshvpn.ko.
if [[ -n ${MVD_DATAPLANE:-} ]]; then
	for n in alice bob; do
		"$MESHVPN_TOOL" -c "$MVD_DIR/$n" set DataPlane "$MVD_DATAPLANE"
	done
fi

mvd_start alice
mvd_start bob
mvd_wait_ready alice
mvd_wait_ready bob
assert "bob reaches alice" mvd_wait_field 15 bob alice reachable true
assert "alice's up script gave her interface 10.66.0.1/16" \
	eval 'topo_exec alice ip -o addr show | grep -q "inet 10.66.0.1/16"'
assert_ping bob 10.66.0.1 3 "bob pings alice across the mesh"
assert_ping alice 10.66.0.2 3 "alice pings bob across the mesh"
# One screen on a node (ticket 19, item 5).
mvd_ctl bob status >"$MVD_DIR/status" 2>&1
assert "status: bob, connected to alice, who is direct" \
	eval 'grep -q "^node bob (id " "$MVD_DIR/status" &&
	      grep -q "^connections: alice$" "$MVD_DIR/status" &&
	      grep -q "^  alice  *direct  *[0-9.]*ms$" "$MVD_DIR/status"'

# The graph as graphviz takes it (ticket 19, item 5).
mvd_ctl bob dump graph >"$MVD_DIR/graph.dot"
assert "dump graph is DOT that graphviz parses" dot -Tsvg -o /dev/null "$MVD_DIR/graph.dot"
assert "... with both nodes and the edges between them" \
	eval 'grep -q "^	\"alice\" \[label=\"alice\\\\ndirect\"" "$MVD_DIR/graph.dot" &&
	      grep -q "^	\"bob\" -> \"alice\" \[label=\"[0-9]* ms\"\];" "$MVD_DIR/graph.dot" &&
	      grep -q "^	\"alice\" -> \"bob\"" "$MVD_DIR/graph.dot"'
mvd_assert_clean
summary
