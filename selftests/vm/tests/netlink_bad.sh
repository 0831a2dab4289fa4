#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Bad netlink requests: each must fail with a non-empty extack message and
# change nothing (netlink.c: "Every rejection carries an extack message,
# and a rejected request changes nothing"). Requests the meshvpn tool
# refuses on the command line are sent raw from python (mvnl.py); the
# others also through the tool, which must exit 1 with the kernel's reason.
# The whole state (device, nodes with counters, routes, key slots) is
# compared before and after every request.
# vm-timeout: 300
source "$TOP/selftests/vm/lib/mesh.sh"

mesh_ns n
mesh_link n 1 655 10.10.0.1/24
ip -n n link add mv1 type meshvpn
mvx n node add mv0 2 endpoint 10.0.0.2:655 keepalive 25
mvx n node add mv0 3 via 2
mvx n node add mv0 4 endpoint '[fd00::4]:655'
mesh_random_key >/tmp/nlbad.key
mvx n key add mv0 2 slot current cipher chacha20-poly1305 phase 0 \
	tx-key /tmp/nlbad.key rx-key /tmp/nlbad.key
mvx n route add mv0 10.10.2.0/24 node 2
mvx n route add mv0 fd10::/64 node 3
before=$(mvx n --json link show mv0)

echo "== through the tool: exit 1 and the kernel's reason"
# tool_expect PATTERN ARGS...: exit status 1, one line matching PATTERN.
tool_expect() {
	local pattern=$1 rc=0 err
	shift
	err=$(mvx n "$@" 2>&1 >/dev/null) || rc=$?
	if [[ $rc != 1 ]] || ! grep -Eq -- "$pattern" <<<"$err" || [[ $(wc -l <<<"$err") != 1 ]]; then
		mesh_fail "meshvpn $*: exit $rc, stderr [$err], want 1 and /$pattern/"
	else
		echo "ok: meshvpn $* -> $err"
	fi
}
printf '%064x\n' 1 >/tmp/nlbad.key
tool_expect '^meshvpn: node set: no node with this id \(No such file or directory\)$' \
	node set mv0 7 keepalive 5
tool_expect '^meshvpn: node set: next hop is neither a known node nor this node \(No such file or directory\)$' \
	node set mv0 2 via 8
tool_expect '^meshvpn: node del: no node with this id \(No such file or directory\)$' node del mv0 7
tool_expect '^meshvpn: node del: node is the next hop of another node \(Device or resource busy\)$' \
	node del mv0 2
tool_expect '^meshvpn: node add: a node with this id exists \(File exists\)$' node add mv0 2
tool_expect "^meshvpn: node add: this id is the local node's \(Invalid argument\)$" node add mv0 1
tool_expect '^meshvpn: key add: no node with this id \(No such file or directory\)$' \
	key add mv0 7 slot current cipher chacha20-poly1305 phase 0 \
	tx-key /tmp/nlbad.key rx-key /tmp/nlbad.key
tool_expect '^meshvpn: key add: no node with this id \(No such file or directory\)$' \
	key add mv0 7 slot next cipher none phase 1
tool_expect '^meshvpn: key swap: no node with this id \(No such file or directory\)$' key swap mv0 7
tool_expect '^meshvpn: key swap: no next key to swap in \(No such file or directory\)$' key swap mv0 2
tool_expect '^meshvpn: key del: no node with this id \(No such file or directory\)$' \
	key del mv0 7 slot current
tool_expect '^meshvpn: key del: no key in this slot \(No such file or directory\)$' \
	key del mv0 3 slot current
tool_expect '^meshvpn: route add: no node with this id \(No such file or directory\)$' \
	route add mv0 10.9.0.0/16 node 7
tool_expect '^meshvpn: route del: no such route \(to this node\) \(No such file or directory\)$' \
	route del mv0 10.10.2.0/24 node 4
tool_expect '^meshvpn: route del: no such route' route del mv0 10.77.0.0/16
tool_expect '^meshvpn: node add: interface is not a meshvpn link \(Invalid argument\)$' node add lo 5
tool_expect '^meshvpn: route add: interface is not a meshvpn link \(Invalid argument\)$' \
	route add lo 10.0.0.0/8 node 2
tool_expect '^meshvpn: link set: local node id is in use by a remote node \(File exists\)$' \
	link set mv0 node-id 2
rm -f /tmp/nlbad.key
after=$(mvx n --json link show mv0)
if [[ $before != "$after" ]]; then
	mesh_fail "the tool's refused commands changed the link:"$'\n'"$before"$'\n'"$after"
else
	echo "ok: link show --json unchanged by the refused commands"
fi

echo "== raw requests"
ip netns exec n env PYTHONPATH="$MESH_LIB" "$PY" -S -u - <<'PY' || MESH_FAILS=$((MESH_FAILS + 1))
import errno, socket, sys
from mvnl import *

g = Genl()
MV0 = socket.if_nametoindex("mv0")
fails = 0


def state():
    """Everything a request could change, as comparable data."""
    s = {"dev": dev_info(g, "mv0")}
    s["nodes"] = sorted((node_info(tb) for tb in g.dump(CMD_NODE_GET, ifidx(MV0))),
                        key=lambda n: n["id"])
    s["routes"] = sorted(str(sorted((k, v.hex()) for k, v in parse(tb[A_ROUTE]).items()))
                         for tb in g.dump(CMD_ROUTE_GET, ifidx(MV0)))
    keys = []
    for n in s["nodes"]:
        for slot in (0, 1):
            try:
                r = parse(g.do(CMD_KEY_GET, ifidx(MV0),
                               nest(A_KEYCONF, u64(A_KEYCONF_NODE_ID, n["id"]),
                                    u32(A_KEYCONF_SLOT, slot)))[0][4:])
                k = parse(r[A_KEYCONF])
                keys.append((n["id"], slot, get_uint(k[A_KEYCONF_CIPHER_ALG]),
                             get_uint(k[A_KEYCONF_PHASE])))
            except NlError as e:
                keys.append((n["id"], slot, -e.errno))
    s["keys"] = keys
    s["mv1"] = dev_info(g, "mv1")
    return s


def bad(what, cmd, *attrs, want=None):
    global fails
    before = state()
    err, msg = g.try_do(cmd, *attrs)
    after = state()
    problems = []
    if err == 0:
        problems.append("accepted")
    elif want is not None and err != want:
        problems.append("errno %s, want %s" % (errno.errorcode.get(err, err),
                                              errno.errorcode.get(want, want)))
    if err and not msg.split(" [missing attribute")[0].strip():
        problems.append("KERNEL: rejected without an extack message%s; netlink.c promises"
                        " one for every rejection" % (" (only the" + msg + " TLV)" if msg else ""))
    if before != after:
        problems.append("state changed:\n   before %s\n   after  %s" % (before, after))
    if problems:
        fails += 1
        print("FAIL: %s: %s" % (what, "; ".join(problems)), file=sys.stderr)
    else:
        print("ok: %s -> %s (%s)" % (what, errno.errorcode.get(err, err), msg))


KEY = b"\x11" * 32


def key(node=2, slot=1, alg=1, phase=1, tx=KEY, rx=KEY, extra=b""):
    a = [u64(A_KEYCONF_NODE_ID, node), u32(A_KEYCONF_SLOT, slot),
         u32(A_KEYCONF_CIPHER_ALG, alg), u8(A_KEYCONF_PHASE, phase)]
    if tx is not None:
        a.append(nest(A_KEYCONF_ENCRYPT_DIR, attr(A_KEYDIR_CIPHER_KEY, tx)))
    if rx is not None:
        a.append(nest(A_KEYCONF_DECRYPT_DIR, attr(A_KEYDIR_CIPHER_KEY, rx)))
    return nest(A_KEYCONF, *a, extra)


def node(*a):
    return nest(A_NODE, *a)


def route(*a):
    return nest(A_ROUTE, *a)


EP = [in4(A_NODE_REMOTE_IPV4, "10.0.0.9"), be16(A_NODE_REMOTE_PORT, 655)]
LO = socket.if_nametoindex("lo")

# Which device
bad("dev-get: no such ifindex", CMD_DEV_GET, u32(A_IFINDEX, 99999), want=errno.ENODEV)
bad("node-new: ifindex of lo", CMD_NODE_NEW, ifidx(LO), node_attrs(9), want=errno.EINVAL)
bad("node-new: no ifindex", CMD_NODE_NEW, node_attrs(9), want=errno.EINVAL)
bad("route-new: no ifindex", CMD_ROUTE_NEW, route_attrs("10.5.0.0/16", 2), want=errno.EINVAL)
bad("key-new: ifindex of lo", CMD_KEY_NEW, ifidx(LO), key(), want=errno.EINVAL)

# Missing attributes
bad("node-new: no node nest", CMD_NODE_NEW, ifidx(MV0), want=errno.EINVAL)
bad("node-new: no id", CMD_NODE_NEW, ifidx(MV0), node(*EP), want=errno.EINVAL)
bad("node-set: no id", CMD_NODE_SET, ifidx(MV0), node(u32(A_NODE_KEEPALIVE, 5)),
    want=errno.EINVAL)
bad("node-del: no id", CMD_NODE_DEL, ifidx(MV0), node(), want=errno.EINVAL)
bad("node-new: address without port", CMD_NODE_NEW, ifidx(MV0),
    node(u64(A_NODE_ID, 9), EP[0]), want=errno.EINVAL)
bad("node-new: port without address", CMD_NODE_NEW, ifidx(MV0),
    node(u64(A_NODE_ID, 9), EP[1]), want=errno.EINVAL)
bad("node-new: IPv4 and IPv6 endpoint", CMD_NODE_NEW, ifidx(MV0),
    node(u64(A_NODE_ID, 9), *EP, in6(A_NODE_REMOTE_IPV6, "fd00::9")), want=errno.EINVAL)
bad("node-new: scope id without IPv6", CMD_NODE_NEW, ifidx(MV0),
    node(u64(A_NODE_ID, 9), *EP, u32(A_NODE_REMOTE_IPV6_SCOPE_ID, 1)), want=errno.EINVAL)
bad("key-new: no keyconf", CMD_KEY_NEW, ifidx(MV0), want=errno.EINVAL)
bad("key-new: no node id", CMD_KEY_NEW, ifidx(MV0),
    nest(A_KEYCONF, u32(A_KEYCONF_SLOT, 1), u32(A_KEYCONF_CIPHER_ALG, 0),
         u8(A_KEYCONF_PHASE, 1)), want=errno.EINVAL)
bad("key-new: no slot", CMD_KEY_NEW, ifidx(MV0),
    nest(A_KEYCONF, u64(A_KEYCONF_NODE_ID, 2), u32(A_KEYCONF_CIPHER_ALG, 0),
         u8(A_KEYCONF_PHASE, 1)), want=errno.EINVAL)
bad("key-new: chacha20 without decrypt-dir", CMD_KEY_NEW, ifidx(MV0), key(rx=None),
    want=errno.EINVAL)
bad("key-new: encrypt-dir without cipher-key", CMD_KEY_NEW, ifidx(MV0),
    nest(A_KEYCONF, u64(A_KEYCONF_NODE_ID, 2), u32(A_KEYCONF_SLOT, 1),
         u32(A_KEYCONF_CIPHER_ALG, 1), u8(A_KEYCONF_PHASE, 1),
         nest(A_KEYCONF_ENCRYPT_DIR), nest(A_KEYCONF_DECRYPT_DIR,
                                          attr(A_KEYDIR_CIPHER_KEY, KEY))),
    want=errno.EINVAL)
bad("key-del: no slot", CMD_KEY_DEL, ifidx(MV0), nest(A_KEYCONF, u64(A_KEYCONF_NODE_ID, 2)),
    want=errno.EINVAL)
bad("route-new: no prefix length", CMD_ROUTE_NEW, ifidx(MV0),
    route(u64(A_ROUTE_NODE_ID, 2), in4(A_ROUTE_IPV4, "10.5.0.0")), want=errno.EINVAL)
bad("route-new: no address", CMD_ROUTE_NEW, ifidx(MV0),
    route(u64(A_ROUTE_NODE_ID, 2), u8(A_ROUTE_PREFIX_LEN, 16)), want=errno.EINVAL)
bad("route-new: no node id", CMD_ROUTE_NEW, ifidx(MV0), route_attrs("10.5.0.0/16"),
    want=errno.EINVAL)
bad("dev-set: no dev nest", CMD_DEV_SET, ifidx(MV0), want=errno.EINVAL)

# Unknown nodes
bad("node-set: unknown node", CMD_NODE_SET, ifidx(MV0), node_attrs(7, keepalive=5),
    want=errno.ENOENT)
bad("node-del: unknown node", CMD_NODE_DEL, ifidx(MV0), node_attrs(7), want=errno.ENOENT)
bad("node-get: unknown node", CMD_NODE_GET, ifidx(MV0), node_attrs(7), want=errno.ENOENT)
bad("key-new: unknown node", CMD_KEY_NEW, ifidx(MV0), key(node=7), want=errno.ENOENT)
bad("key-swap: unknown node", CMD_KEY_SWAP, ifidx(MV0),
    nest(A_KEYCONF, u64(A_KEYCONF_NODE_ID, 7)), want=errno.ENOENT)
bad("key-del: unknown node", CMD_KEY_DEL, ifidx(MV0),
    nest(A_KEYCONF, u64(A_KEYCONF_NODE_ID, 7), u32(A_KEYCONF_SLOT, 0)), want=errno.ENOENT)
bad("route-new: unknown node", CMD_ROUTE_NEW, ifidx(MV0), route_attrs("10.5.0.0/16", 7),
    want=errno.ENOENT)
bad("node-new: unknown next hop", CMD_NODE_NEW, ifidx(MV0), node_attrs(9, via=8),
    want=errno.ENOENT)

# Out of range
bad("node-new: id 0", CMD_NODE_NEW, ifidx(MV0), node_attrs(0), want=errno.ERANGE)
bad("node-new: id ffffffffffff", CMD_NODE_NEW, ifidx(MV0), node_attrs(0xffffffffffff),
    want=errno.ERANGE)
bad("node-new: id 2^48", CMD_NODE_NEW, ifidx(MV0), node_attrs(1 << 48), want=errno.ERANGE)
bad("node-new: port 0", CMD_NODE_NEW, ifidx(MV0), node_attrs(9, endpoint="10.0.0.9:0"),
    want=errno.ERANGE)
bad("node-set: port 0", CMD_NODE_SET, ifidx(MV0), node_attrs(2, endpoint="10.0.0.9:0"),
    want=errno.ERANGE)
bad("node-new: keepalive 3601", CMD_NODE_NEW, ifidx(MV0), node_attrs(9, keepalive=3601),
    want=errno.ERANGE)
bad("node-set: keepalive 3601", CMD_NODE_SET, ifidx(MV0), node_attrs(2, keepalive=3601),
    want=errno.ERANGE)
bad("node-new: next hop 0", CMD_NODE_NEW, ifidx(MV0), node_attrs(9, via=0), want=errno.ERANGE)
bad("node-set: IPv6 endpoint of 15 bytes", CMD_NODE_SET, ifidx(MV0),
    node(u64(A_NODE_ID, 4), attr(A_NODE_REMOTE_IPV6, bytes(15)), be16(A_NODE_REMOTE_PORT, 1)),
    want=errno.ERANGE)
bad("dev-set: local node id 0", CMD_DEV_SET, ifidx(MV0),
    nest(A_DEV, u64(A_DEVICE_LOCAL_NODE_ID, 0)), want=errno.ERANGE)
bad("route-new: IPv4 /33", CMD_ROUTE_NEW, ifidx(MV0), route_attrs("10.5.0.0/33", 2),
    want=errno.EINVAL)
bad("route-new: IPv6 /129", CMD_ROUTE_NEW, ifidx(MV0), route_attrs("fd10:5::/129", 2),
    want=errno.ERANGE)
bad("route-new: IPv4 and IPv6", CMD_ROUTE_NEW, ifidx(MV0),
    route(u64(A_ROUTE_NODE_ID, 2), in4(A_ROUTE_IPV4, "10.5.0.0"),
          in6(A_ROUTE_IPV6, "fd10:5::"), u8(A_ROUTE_PREFIX_LEN, 16)), want=errno.EINVAL)
bad("route-new: node id 0", CMD_ROUTE_NEW, ifidx(MV0), route_attrs("10.5.0.0/16", 0),
    want=errno.ERANGE)
bad("key-new: key of 33 bytes", CMD_KEY_NEW, ifidx(MV0), key(tx=KEY + b"\0"),
    want=errno.ERANGE)
bad("key-new: key of 31 bytes", CMD_KEY_NEW, ifidx(MV0), key(rx=KEY[:31]), want=errno.ERANGE)
bad("key-new: key of 64 bytes", CMD_KEY_NEW, ifidx(MV0), key(tx=KEY * 2, rx=KEY * 2),
    want=errno.ERANGE)
bad("key-new: cipher 3", CMD_KEY_NEW, ifidx(MV0), key(alg=3), want=errno.ERANGE)
bad("key-new: phase 2", CMD_KEY_NEW, ifidx(MV0), key(phase=2), want=errno.ERANGE)
bad("key-new: slot 2", CMD_KEY_NEW, ifidx(MV0), key(slot=2), want=errno.ERANGE)
bad("key-new: none with key material", CMD_KEY_NEW, ifidx(MV0), key(alg=0), want=errno.EINVAL)

# Conflicts
bad("node-new: existing id", CMD_NODE_NEW, ifidx(MV0), node_attrs(2), want=errno.EEXIST)
bad("node-new: local id", CMD_NODE_NEW, ifidx(MV0), node_attrs(1), want=errno.EINVAL)
bad("node-del: next hop of another node", CMD_NODE_DEL, ifidx(MV0), node_attrs(2),
    want=errno.EBUSY)
bad("key-swap: no next key", CMD_KEY_SWAP, ifidx(MV0),
    nest(A_KEYCONF, u64(A_KEYCONF_NODE_ID, 2)), want=errno.ENOENT)
bad("key-del: empty slot", CMD_KEY_DEL, ifidx(MV0),
    nest(A_KEYCONF, u64(A_KEYCONF_NODE_ID, 3), u32(A_KEYCONF_SLOT, 0)), want=errno.ENOENT)
bad("key-get: empty slot", CMD_KEY_GET, ifidx(MV0),
    nest(A_KEYCONF, u64(A_KEYCONF_NODE_ID, 3), u32(A_KEYCONF_SLOT, 1)), want=errno.ENOENT)
bad("route-del: no such route", CMD_ROUTE_DEL, ifidx(MV0), route_attrs("10.77.0.0/16"),
    want=errno.ENOENT)
bad("route-del: route of another node", CMD_ROUTE_DEL, ifidx(MV0),
    route_attrs("10.10.2.0/24", 4), want=errno.ENOENT)
bad("dev-set: local id of a remote node", CMD_DEV_SET, ifidx(MV0),
    nest(A_DEV, u64(A_DEVICE_LOCAL_NODE_ID, 2)), want=errno.EEXIST)

# Partly valid: the valid part must not be applied either
bad("node-set: new endpoint and an unknown next hop", CMD_NODE_SET, ifidx(MV0),
    node_attrs(2, endpoint="10.0.0.99:1000", via=8, keepalive=7), want=errno.ENOENT)
bad("node-set: new keepalive and an endpoint without port", CMD_NODE_SET, ifidx(MV0),
    node(u64(A_NODE_ID, 2), u32(A_NODE_KEEPALIVE, 7), EP[0]), want=errno.EINVAL)
bad("node-new: good node with an unknown next hop", CMD_NODE_NEW, ifidx(MV0),
    node_attrs(9, endpoint="10.0.0.9:655", via=8), want=errno.ENOENT)
bad("route-new: existing prefix to an unknown node", CMD_ROUTE_NEW, ifidx(MV0),
    route_attrs("10.10.2.0/24", 7), want=errno.ENOENT)
bad("key-new: good current key for an unknown node", CMD_KEY_NEW, ifidx(MV0),
    key(node=7, slot=0), want=errno.ENOENT)

# Sockets
tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
unbound = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
taken = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
taken.bind(("127.0.0.1", 0))
unix = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
bad("dev-set: fd that is not open", CMD_DEV_SET, ifidx(MV0),
    nest(A_DEV, u32(A_DEVICE_SOCKET, 999)), want=errno.EBADF)
bad("dev-set: fd of a file", CMD_DEV_SET, ifidx(MV0),
    nest(A_DEV, u32(A_DEVICE_SOCKET, sys.stdout.fileno())), want=errno.ENOTSOCK)
bad("dev-set: TCP socket", CMD_DEV_SET, ifidx(MV0),
    nest(A_DEV, u32(A_DEVICE_SOCKET, tcp.fileno())), want=errno.EINVAL)
bad("dev-set: unix socket", CMD_DEV_SET, ifidx(MV0),
    nest(A_DEV, u32(A_DEVICE_SOCKET, unix.fileno())), want=errno.EINVAL)
bad("dev-set: unbound UDP socket", CMD_DEV_SET, ifidx(MV0),
    nest(A_DEV, u32(A_DEVICE_SOCKET, unbound.fileno())), want=errno.EINVAL)
g.do(CMD_DEV_SET, u32(A_IFINDEX, socket.if_nametoindex("mv1")),
     nest(A_DEV, u32(A_DEVICE_SOCKET, taken.fileno())))
bad("dev-set: socket in use by another link", CMD_DEV_SET, ifidx(MV0),
    nest(A_DEV, u32(A_DEVICE_SOCKET, taken.fileno())), want=errno.EBUSY)
bad("dev-set: good id with a bad socket", CMD_DEV_SET, ifidx(MV0),
    nest(A_DEV, u64(A_DEVICE_LOCAL_NODE_ID, 0x99), u32(A_DEVICE_SOCKET, tcp.fileno())),
    want=errno.EINVAL)
bad("dev-set: good id with a socket in use", CMD_DEV_SET, ifidx(MV0),
    nest(A_DEV, u64(A_DEVICE_LOCAL_NODE_ID, 0x99), u32(A_DEVICE_SOCKET, taken.fileno())),
    want=errno.EBUSY)

# Attributes the operation does not take
bad("node-new: unknown attribute in node", CMD_NODE_NEW, ifidx(MV0),
    node(u64(A_NODE_ID, 9), attr(30, b"\0\0\0\0")), want=errno.EINVAL)
bad("node-new: output-only counter", CMD_NODE_NEW, ifidx(MV0),
    node(u64(A_NODE_ID, 9), u64(A_NODE_RX_BYTES, 5)), want=errno.EINVAL)
bad("node-new: route nest at top level", CMD_NODE_NEW, ifidx(MV0), node_attrs(9),
    route_attrs("10.5.0.0/16", 9), want=errno.EINVAL)
bad("dev-set: port (output only)", CMD_DEV_SET, ifidx(MV0),
    nest(A_DEV, be16(A_DEVICE_PORT, 1)), want=errno.EINVAL)
bad("key-new: rekey-reason (notifications only)", CMD_KEY_NEW, ifidx(MV0),
    key(extra=u32(A_KEYCONF_REKEY_REASON, 0)), want=errno.EINVAL)

if fails:
    sys.exit("%d bad request(s) not refused cleanly" % fails)
print("ok: every bad request refused with a reason, nothing changed")
PY
after=$(mvx n --json link show mv0)
check_eq "link show --json unchanged by all refused requests" "$([[ $before == "$after" ]] && echo same || echo changed)" same
mesh_done
