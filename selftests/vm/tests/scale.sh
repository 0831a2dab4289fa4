#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# 1,000 nodes and 10,000 routes (8,000 IPv4, 2,000 IPv6): added through
# pipelined generic netlink requests (mvnl.py; one tool process per
# request would take minutes under TCG), dumped completely by the meshvpn
# tool (link show --json, route show --json) and by raw multi-part dumps,
# then removed: 1,000 routes one by one, the rest with their nodes (node
# del takes a node's routes along).
# vm-timeout: 300
source "$TOP/selftests/vm/lib/mesh.sh"

NODES=1000
ROUTES=10000

mesh_ns s
ip -n s link add mv0 type meshvpn
ip -n s link set mv0 up
mvx s link set mv0 node-id 1

# Writes the expected state, adds it, and checks it with raw dumps.
ip netns exec s env PYTHONPATH="$MESH_LIB" "$PY" -S - $NODES $ROUTES <<'PY'
import json, sys, time
from mvnl import *

nodes, routes = int(sys.argv[1]), int(sys.argv[2])
g = Genl()
ids = [0x1000 + i for i in range(nodes)]


def endpoint(i):
    return ("10.%d.%d.1:655" % (i >> 8, i & 255)) if i % 2 == 0 else "[fd00::%x]:%d" % (i, 1000 + i)


def prefix(k):
    if k % 5 != 4:      # 4 in 5 IPv4: 10.x.y.0/24 from 10.64.0.0 up
        v = 0x0a400000 + (k << 8)
        return "%d.%d.%d.0/24" % (v >> 24, (v >> 16) & 255, (v >> 8) & 255)
    return "fd20:%x:%x::/64" % (k >> 16, k & 0xffff)


want_nodes = {ids[i]: endpoint(i) for i in range(nodes)}
want_routes = {prefix(k): ids[k % nodes] for k in range(routes)}
assert len(want_routes) == routes
json.dump({"nodes": {"%012x" % k: v for k, v in want_nodes.items()},
           "routes": {k: "%012x" % v for k, v in want_routes.items()}},
          open("/tmp/scale_want.json", "w"))

t = time.time()
res = g.pipeline((CMD_NODE_NEW, ifidx("mv0") + node_attrs(ids[i], endpoint(i), keepalive=0))
                 for i in range(nodes))
bad = [r for r in res if r[0]]
assert not bad, bad[:5]
print("ok: %d nodes added in %.1f s" % (nodes, time.time() - t))

t = time.time()
res = g.pipeline((CMD_ROUTE_NEW, ifidx("mv0") + route_attrs(p, n)) for p, n in want_routes.items())
bad = [r for r in res if r[0]]
assert not bad, bad[:5]
print("ok: %d routes added in %.1f s" % (routes, time.time() - t))

d = dev_info(g, "mv0")
assert (d["node_count"], d["route_count"]) == (nodes, routes), d

t = time.time()
got = {}
for tb in g.dump(CMD_NODE_GET, ifidx("mv0")):
    n = node_info(tb)
    assert n["id"] not in got, "node %x twice in the dump" % n["id"]
    got[n["id"]] = n.get("endpoint")
assert got == want_nodes, "node dump differs"
got = {}
for tb in g.dump(CMD_ROUTE_GET, ifidx("mv0")):
    r = parse(tb[A_ROUTE])
    if A_ROUTE_IPV4 in r:
        p = "%s/%d" % (socket.inet_ntop(socket.AF_INET, r[A_ROUTE_IPV4]), r[A_ROUTE_PREFIX_LEN][0])
    else:
        p = "%s/%d" % (socket.inet_ntop(socket.AF_INET6, r[A_ROUTE_IPV6]), r[A_ROUTE_PREFIX_LEN][0])
    assert p not in got, "route %s twice in the dump" % p
    got[p] = get_uint(r[A_ROUTE_NODE_ID])
assert got == want_routes, "route dump differs: %d vs %d" % (len(got), len(want_routes))
print("ok: raw dumps complete and exact (%.1f s)" % (time.time() - t))
PY

echo "== the tool's dumps"
t0=$EPOCHREALTIME
mvx s --json link show mv0 >/tmp/scale_link.json
mvx s route show mv0 --json >/tmp/scale_routes.json
echo "link show + route show: $(( (${EPOCHREALTIME/./} - ${t0/./}) / 1000 )) ms"
mesh_py - <<'PY'
import json
want = json.load(open("/tmp/scale_want.json"))
link = json.load(open("/tmp/scale_link.json"))
assert len(link) == 1, len(link)
link = link[0]
nodes = {n["id"]: n["endpoint"] for n in link["nodes"]}
routes = {r["prefix"]: r["node"] for r in link["routes"]}
print("link show: node_count %s route_count %s, %d nodes and %d routes listed" %
      (link["node_count"], link["route_count"], len(link["nodes"]), len(link["routes"])))
assert link["node_count"] == len(want["nodes"]) == len(link["nodes"])
assert link["route_count"] == len(want["routes"]) == len(link["routes"])
assert nodes == want["nodes"], "link show nodes differ"
assert routes == want["routes"], "link show routes differ"
shown = json.load(open("/tmp/scale_routes.json"))
if isinstance(shown, dict):
    shown = shown.get("routes", shown)
if shown and isinstance(shown[0], dict) and "routes" in shown[0]:
    shown = shown[0]["routes"]
assert {r["prefix"]: r["node"] for r in shown} == want["routes"], "route show differs"
print("ok: the tool lists every node and route exactly")
PY

echo "== removal"
ip netns exec s env PYTHONPATH="$MESH_LIB" "$PY" -S - <<'PY'
import json, time
from mvnl import *
g = Genl()
want = json.load(open("/tmp/scale_want.json"))
routes = list(want["routes"].items())

t = time.time()
res = g.pipeline((CMD_ROUTE_DEL, ifidx("mv0") + route_attrs(p, int(n, 16)))
                 for p, n in routes[:1000])
assert not [r for r in res if r[0]], [r for r in res if r[0]][:5]
d = dev_info(g, "mv0")
assert (d["node_count"], d["route_count"]) == (len(want["nodes"]), len(routes) - 1000), d
print("ok: 1000 routes deleted in %.1f s: %s" % (time.time() - t, d))

t = time.time()
res = g.pipeline((CMD_NODE_DEL, ifidx("mv0") + node_attrs(int(n, 16))) for n in want["nodes"])
assert not [r for r in res if r[0]], [r for r in res if r[0]][:5]
d = dev_info(g, "mv0")
print("ok: %d nodes deleted in %.1f s: %s" % (len(want["nodes"]), time.time() - t, d))
assert (d["node_count"], d["route_count"]) == (0, 0), d
assert g.dump(CMD_NODE_GET, ifidx("mv0")) == [] and g.dump(CMD_ROUTE_GET, ifidx("mv0")) == []
print("ok: node and route dumps empty")
PY
check_eq "link show route_count/node_count" \
	"$(mvx s --json link show mv0 | mesh_py -c 'import json,sys; l=json.load(sys.stdin)[0]; print(l["node_count"], l["route_count"], len(l.get("nodes", [])), len(l.get("routes", [])))')" \
	"0 0 0 0"
rm -f /tmp/scale_*.json
mesh_done
