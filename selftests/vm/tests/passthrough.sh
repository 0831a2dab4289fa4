#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The socket the daemon hands to meshvpn.ko stays the daemon's
# (Documentation/protocol.md section 3): every message that is not DATA
# for this node (probes, replies, session messages, anything shorter than
# the header) reaches recvfrom() unchanged, while DATA for this node and
# relay traffic stop in the kernel. A link without a node id passes
# everything up; a socket replaced by another, or whose link is deleted,
# is plain UDP again. python creates the sockets and keeps them open while
# the meshvpn tool attaches them (socket-fd, passed with pass_fds).
# vm-timeout: 300
source "$TOP/selftests/vm/lib/mesh.sh"

mesh_ns p
for dev in mv0 mv1; do
	ip -n p link add $dev type meshvpn
	ip -n p link set $dev up
done

ip netns exec p env PYTHONPATH="$MESH_LIB" "$PY" -S - "$MV" <<'PY'
import os, socket, subprocess, sys
import mvnl, mvpkt as p

MV = sys.argv[1]
fails = 0
serial = 0


def mv(*args, fds=()):
    subprocess.run([MV] + [str(a) for a in args], pass_fds=fds, check=True)


def udp6(port):
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.bind(("::", port))
    return s


def report(ok, what):
    global fails
    if ok:
        print("ok: " + what)
    else:
        print("FAIL: " + what, file=sys.stderr)
        fails += 1


def deliver(name, msg, delivered, rcv, port, sender=None, dst="127.0.0.1"):
    """Send @msg, then a short marker (which always goes up); check what
    recvfrom() returns first: @msg unchanged, or (not delivered) the marker."""
    global serial
    serial += 1
    marker = b"mark%d" % serial
    sender = sender or tx4
    sender.sendto(msg, (dst, port))
    sender.sendto(marker, (dst, port))
    rcv.settimeout(5)
    try:
        data, addr = rcv.recvfrom(65536)
    except socket.timeout:
        report(False, "%s: nothing reached the socket, not even the marker" % name)
        return None
    if delivered is None:
        print("info: %s: %s" % (name, "reaches userspace" if data == msg else
                                "stops in the kernel" if data == marker else "changed"))
        if data != marker:
            rcv.recvfrom(65536)
        return data != marker
    if delivered:
        want_port = sender.getsockname()[1]
        ok = data == msg and addr[1] == want_port
        report(ok, "%s: %d bytes reach userspace unchanged from %s" % (name, len(msg), addr[:2]))
        if not ok and data != msg:
            print("   got %d bytes: %s" % (len(data), data[:48].hex()), file=sys.stderr)
        if data == msg:
            data, addr = rcv.recvfrom(65536)
            report(data == marker, "%s: then the marker" % name)
        return True
    report(data == marker, "%s: %d bytes stop in the kernel" % (name, len(msg)))
    if data != marker:
        print("   got %d bytes: %s" % (len(data), data[:48].hex()), file=sys.stderr)
        rcv.recvfrom(65536)
    return data != marker


def node(nid):
    g = mvnl.Genl()
    for tb in g.dump(mvnl.CMD_NODE_GET, mvnl.ifidx("mv0")):
        n = mvnl.node_info(tb)
        if n["id"] == nid:
            return n


def rx_errors(dev="mv0"):
    return int(open("/sys/class/net/%s/statistics/rx_errors" % dev).read())


srv = udp6(655)
mv("link", "set", "mv0", "node-id", 2, "socket-fd", srv.fileno(), fds=(srv.fileno(),))
mv("node", "add", "mv0", 1, "endpoint", "192.0.2.1:655")   # known, no key
tx4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
tx4.bind(("127.0.0.1", 0))
tx6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
tx6.bind(("::1", 0))
rnd = p.random_bytes

print("== messages for the daemon on an attached socket (local node 2)")
deliver("PROBE", p.hdr(p.PROBE, 2, 1, 7) + rnd(100), True, srv, 655)
deliver("PROBE_REPLY", p.hdr(p.PROBE_REPLY, 2, 1, 8) + rnd(48), True, srv, 655)
deliver("SESSION", p.hdr(p.SESSION, 2, 1, 9) + rnd(200), True, srv, 655)
deliver("PROBE, header only", p.hdr(p.PROBE, 2, 1, 10), True, srv, 655)
deliver("MTU PROBE", p.hdr(p.PROBE, 2, 1, 11) + bytes(1400), True, srv, 655)
deliver("PROBE with TTL 3 and phase bit", p.hdr(p.PROBE, 2, 1, 12, flags=1, ttl=3) + rnd(33),
        True, srv, 655)
deliver("PROBE over IPv6", p.hdr(p.PROBE, 2, 1, 13) + rnd(64), True, srv, 655, tx6, "::1")
deliver("PROBE from an unknown node id", p.hdr(p.PROBE, 2, 0x55, 14) + rnd(16), True, srv, 655)
deliver("10-byte message", rnd(10), True, srv, 655)
deliver("23 bytes that start like DATA for node 2", p.hdr(p.DATA, 2, 1, 15)[:23], True, srv, 655)
deliver("empty datagram", b"", True, srv, 655)

print("== what the kernel consumes")
dec0 = node(1)["rx_decrypt_errors"]
deliver("DATA from node 1 (no key)", p.hdr(p.DATA, 2, 1, 16) + rnd(100), False, srv, 655)
report(node(1)["rx_decrypt_errors"] == dec0 + 1, "DATA from node 1 counted as a decrypt error")
err0 = rx_errors()
deliver("DATA from an unknown node", p.hdr(p.DATA, 2, 0x55, 17) + rnd(100), False, srv, 655)
deliver("DATA with an unknown flag", p.hdr(p.DATA, 2, 1, 18, flags=2) + rnd(100), False, srv, 655)
report(rx_errors() == err0 + 2, "rx_errors counts the 2 malformed DATA messages (%d -> %d)"
       % (err0, rx_errors()))
deliver("PROBE for node 5 (relay, unknown sender)", p.hdr(p.PROBE, 5, 1, 19) + rnd(40), False,
        srv, 655)
deliver("DATA for node 1 (relay, unknown sender)", p.hdr(p.DATA, 1, 0x55, 20) + rnd(40), False,
        srv, 655)
r = deliver("unknown type 9 for node 2", p.hdr(9, 2, 1, 21) + rnd(20), None, srv, 655)

print("== a link without a node id passes everything up")
srv1 = udp6(656)
mv("link", "set", "mv1", "socket-fd", srv1.fileno(), fds=(srv1.fileno(),))
deliver("mv1: DATA", p.hdr(p.DATA, 2, 1, 22) + rnd(100), True, srv1, 656)
deliver("mv1: PROBE", p.hdr(p.PROBE, 2, 1, 23) + rnd(10), True, srv1, 656)

print("== replacing the socket gives the old one back to plain UDP")
srv2 = udp6(657)
mv("link", "set", "mv0", "socket-fd", srv2.fileno(), fds=(srv2.fileno(),))
deliver("old socket: DATA for node 2", p.hdr(p.DATA, 2, 1, 24) + rnd(100), True, srv, 655)
deliver("new socket: DATA for node 2", p.hdr(p.DATA, 2, 1, 25) + rnd(100), False, srv2, 657)
deliver("new socket: PROBE for node 2", p.hdr(p.PROBE, 2, 1, 26) + rnd(100), True, srv2, 657)

print("== deleting the link gives its socket back")
subprocess.run(["ip", "link", "del", "mv0"], check=True)
deliver("after link del: DATA for node 2", p.hdr(p.DATA, 2, 1, 27) + rnd(100), True, srv2, 657)
deliver("after link del: PROBE", p.hdr(p.PROBE, 2, 1, 28) + rnd(10), True, srv2, 657)
srv2.sendto(b"still a working socket", ("::ffff:127.0.0.1", tx4.getsockname()[1]))
report(tx4.recv(100) == b"still a working socket", "the socket still sends")

if fails:
    sys.exit("%d check(s) failed" % fails)
print("ok: all")
PY
