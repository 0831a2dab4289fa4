# SPDX-License-Identifier: GPL-2.0
"""Minimal generic netlink client for the meshvpn family, for VM tests.

It talks to meshvpn.ko directly, so a test can send requests the meshvpn
tool refuses on the command line (ids out of range, oversized keys, missing
attributes) and pipeline thousands of requests without a process per
request. Attribute and command numbers are those of
include/uapi/linux/meshvpn.h (generated from the YAML spec).

Import it with sys.path.insert(0, "$TOP/selftests/vm/lib"); run with
/usr/bin/python3 -S (the site import alone costs ~0.5 s under TCG).
"""

import os
import socket
import struct

NETLINK_GENERIC = 16
SOL_NETLINK = 270
NETLINK_ADD_MEMBERSHIP = 1
NETLINK_CAP_ACK = 10
NETLINK_EXT_ACK = 11

NLM_F_REQUEST = 0x1
NLM_F_MULTI = 0x2
NLM_F_ACK = 0x4
NLM_F_DUMP = 0x300
NLM_F_DUMP_INTR = 0x10
NLM_F_CAPPED = 0x100
NLM_F_ACK_TLVS = 0x200
NLMSG_ERROR = 2
NLMSG_DONE = 3
NLMSGERR_ATTR_MSG = 1
NLMSGERR_ATTR_OFFS = 2
NLMSGERR_ATTR_MISS_TYPE = 5
NLMSGERR_ATTR_MISS_NEST = 6
NLA_F_NESTED = 0x8000
NLA_TYPE_MASK = 0x3fff

GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2
CTRL_ATTR_MCAST_GROUPS = 7
CTRL_ATTR_MCAST_GRP_NAME = 1
CTRL_ATTR_MCAST_GRP_ID = 2

# Commands
CMD_DEV_GET = 1
CMD_DEV_SET = 2
CMD_NODE_NEW = 3
CMD_NODE_SET = 4
CMD_NODE_GET = 5
CMD_NODE_DEL = 6
CMD_KEY_NEW = 7
CMD_KEY_GET = 8
CMD_KEY_SWAP = 9
CMD_KEY_DEL = 10
CMD_ROUTE_NEW = 11
CMD_ROUTE_DEL = 12
CMD_ROUTE_GET = 13
CMD_KEY_NEEDED_NTF = 14
CMD_ENDPOINT_MOVED_NTF = 15
CMD_REKEY_DUE_NTF = 16
CMD_MSG_NTF = 17
CMD_MSG_INJECT = 18
CMD_PACKET_NTF = 19
CMD_PACKET_SEND = 20

# Top level
A_IFINDEX = 1
A_DEV = 2
A_NODE = 3
A_KEYCONF = 4
A_ROUTE = 5
A_MSG = 6
A_PACKET = 7
# device
A_DEVICE_LOCAL_NODE_ID = 1
A_DEVICE_SOCKET = 2
A_DEVICE_PORT = 3
A_DEVICE_NODE_COUNT = 4
A_DEVICE_ROUTE_COUNT = 5
A_DEVICE_PAD = 6
A_DEVICE_UPCALL_RATE = 7
# then one refusal counter per limit, in this order
A_DEVICE_UPCALL_REFUSED = 8
DEVICE_LIMITS = ("upcall_rate", "upcall_sources", "upcall_strangers",
                 "off_path_node", "off_path", "rx_jobs", "tx_jobs",
                 "ring_full", "staged", "nodes", "routes")
# node
A_NODE_ID = 1
A_NODE_REMOTE_IPV4 = 2
A_NODE_REMOTE_IPV6 = 3
A_NODE_REMOTE_IPV6_SCOPE_ID = 4
A_NODE_REMOTE_PORT = 5
A_NODE_NEXT_HOP = 6
A_NODE_KEEPALIVE = 7
NODE_COUNTERS = ["rx_bytes", "rx_packets", "tx_bytes", "tx_packets",
                 "rx_decrypt_errors", "rx_replay_drops", "rx_rpf_drops",
                 "tx_no_key_drops", "relay_packets", "relay_bytes"]
A_NODE_RX_BYTES = 8
A_NODE_LAST_RX = 18
A_NODE_DAEMON_PACKETS = 20
A_NODE_DAEMON_DROPS = 21
A_NODE_BROADCAST_VIA = 22
# keyconf
A_KEYCONF_NODE_ID = 1
A_KEYCONF_SLOT = 2
A_KEYCONF_CIPHER_ALG = 3
A_KEYCONF_PHASE = 4
A_KEYCONF_ENCRYPT_DIR = 5
A_KEYCONF_DECRYPT_DIR = 6
A_KEYCONF_REKEY_REASON = 7
A_KEYDIR_CIPHER_KEY = 1
# route
A_ROUTE_NODE_ID = 1
A_ROUTE_IPV4 = 2
A_ROUTE_IPV6 = 3
A_ROUTE_PREFIX_LEN = 4

CIPHERS = {"none": 0, "chacha20-poly1305": 1, "aes-256-gcm": 2}
SLOTS = {"current": 0, "next": 1}


# ---- attribute encoding ----

def attr(atype, data):
    """One attribute, padded to 4 bytes."""
    hdr = struct.pack("=HH", 4 + len(data), atype)
    return hdr + data + b"\0" * (-len(data) % 4)


def nest(atype, *attrs):
    return attr(atype | NLA_F_NESTED, b"".join(attrs))


def u8(atype, v):
    return attr(atype, struct.pack("=B", v))


def u32(atype, v):
    return attr(atype, struct.pack("=I", v))


def u64(atype, v):
    return attr(atype, struct.pack("=Q", v))


def be16(atype, v):
    return attr(atype, struct.pack(">H", v))


def in4(atype, addr):
    return attr(atype, socket.inet_pton(socket.AF_INET, addr))


def in6(atype, addr):
    return attr(atype, socket.inet_pton(socket.AF_INET6, addr))


def parse(data):
    """Attributes of a buffer: {type: payload}, the last one of a type wins."""
    out = {}
    off = 0
    while off + 4 <= len(data):
        alen, atype = struct.unpack_from("=HH", data, off)
        if alen < 4:
            break
        out[atype & NLA_TYPE_MASK] = data[off + 4:off + alen]
        off += (alen + 3) & ~3
    return out


def get_uint(b):
    """A u8/u16/u32/u64 or variable width uint, host order."""
    return int.from_bytes(b, "little")


class NlError(Exception):
    def __init__(self, errno, msg):
        super().__init__("%s (%s)" % (msg or "-", os.strerror(errno)))
        self.errno = errno
        self.msg = msg


class Genl:
    """A generic netlink socket talking to one family."""

    def __init__(self, family="meshvpn"):
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                                  NETLINK_GENERIC)
        self.sock.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        self.sock.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
        self.sock.bind((0, 0))
        self.seq = 0
        self.fam_id = GENL_ID_CTRL
        self.mcgrps = {}
        msgs = self._transact(CTRL_CMD_GETFAMILY,
                              attr(CTRL_ATTR_FAMILY_NAME, family.encode() + b"\0"),
                              version=1)
        tb = parse(msgs[0][4:])
        self.fam_id = struct.unpack("=H", tb[CTRL_ATTR_FAMILY_ID])[0]
        if CTRL_ATTR_MCAST_GROUPS in tb:
            for grp in parse(tb[CTRL_ATTR_MCAST_GROUPS]).values():
                g = parse(grp)
                name = g[CTRL_ATTR_MCAST_GRP_NAME].rstrip(b"\0").decode()
                self.mcgrps[name] = struct.unpack("=I", g[CTRL_ATTR_MCAST_GRP_ID])[0]

    def close(self):
        self.sock.close()

    def subscribe(self, group="events"):
        self.sock.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
                             self.mcgrps[group])

    def _msg(self, cmd, payload, flags, version=1):
        self.seq += 1
        body = struct.pack("=BBH", cmd, version, 0) + payload
        return self.seq, struct.pack("=IHHII", 16 + len(body), self.fam_id,
                                     flags, self.seq, 0) + body

    @staticmethod
    def _error(data, off, mflags):
        """errno and extack message of an NLMSG_ERROR at @off."""
        err = -struct.unpack_from("=i", data, off + 16)[0]
        inner_len = struct.unpack_from("=I", data, off + 20)[0]
        tlv_off = off + 20 + (16 if mflags & NLM_F_CAPPED else inner_len)
        mlen = struct.unpack_from("=I", data, off)[0]
        ext = {}
        if mflags & NLM_F_ACK_TLVS:
            ext = parse(data[tlv_off:off + mlen])
        msg = ext.get(NLMSGERR_ATTR_MSG, b"").rstrip(b"\0").decode()
        miss = ext.get(NLMSGERR_ATTR_MISS_TYPE)
        if miss is not None:
            msg += " [missing attribute %d]" % get_uint(miss)
        return err, msg

    def _recv(self):
        """Yield (type, flags, seq, payload) or ("error", err, seq, msg)."""
        data = self.sock.recv(1 << 20)
        off = 0
        while off + 16 <= len(data):
            mlen, mtype, mflags, mseq, _ = struct.unpack_from("=IHHII", data, off)
            if mtype == NLMSG_ERROR:
                err, msg = self._error(data, off, mflags)
                yield ("error", err, mseq, msg)
            else:
                yield (mtype, mflags, mseq, data[off + 16:off + mlen])
            off += (mlen + 3) & ~3

    def _transact(self, cmd, payload, dump=False, version=1):
        flags = NLM_F_REQUEST | NLM_F_ACK | (NLM_F_DUMP if dump else 0)
        seq, msg = self._msg(cmd, payload, flags, version)
        self.sock.send(msg)
        out = []
        while True:
            for m in self._recv():
                if m[2] != seq:
                    continue
                if m[0] == "error":
                    if m[1]:
                        raise NlError(m[1], m[3])
                    if not dump:
                        return out
                    continue
                if m[0] == NLMSG_DONE:
                    # A dump's final message carries its status.
                    err = -struct.unpack_from("=i", m[3], 0)[0] if len(m[3]) >= 4 else 0
                    if err:
                        raise NlError(err, "")
                    return out
                if m[1] & NLM_F_DUMP_INTR:
                    raise NlError(11, "dump interrupted")
                out.append(m[3])

    def do(self, cmd, *attrs):
        """One request: its reply payloads (genl header included)."""
        return self._transact(cmd, b"".join(attrs))

    def try_do(self, cmd, *attrs):
        """(errno, extack message); errno 0 on success."""
        try:
            self.do(cmd, *attrs)
            return 0, ""
        except NlError as e:
            return e.errno, e.msg

    def dump(self, cmd, *attrs):
        return [parse(p[4:]) for p in self._transact(cmd, b"".join(attrs), dump=True)]

    def pipeline(self, reqs, window=256):
        """Send [(cmd, attrs bytes)] with at most @window unanswered.

        Returns the list of (errno, extack) in request order.
        """
        results = {}
        seqs = []
        pending = set()
        it = iter(reqs)
        done = False
        while not done or pending:
            while not done and len(pending) < window:
                try:
                    cmd, payload = next(it)
                except StopIteration:
                    done = True
                    break
                seq, msg = self._msg(cmd, payload, NLM_F_REQUEST | NLM_F_ACK)
                self.sock.send(msg)
                seqs.append(seq)
                pending.add(seq)
            if not pending:
                break
            for m in self._recv():
                if m[0] == "error" and m[2] in pending:
                    pending.discard(m[2])
                    results[m[2]] = (m[1], m[3])
        return [results[s] for s in seqs]

    def recv_ntf(self, timeout):
        """Notifications until @timeout seconds pass without one."""
        self.sock.settimeout(timeout)
        out = []
        try:
            while True:
                for m in self._recv():
                    if m[0] != "error" and m[0] == self.fam_id:
                        out.append((m[3][0], parse(m[3][4:])))
        except socket.timeout:
            pass
        self.sock.settimeout(None)
        return out


# ---- convenience for the meshvpn family ----

def ifidx(dev):
    return u32(A_IFINDEX, socket.if_nametoindex(dev) if isinstance(dev, str) else dev)


def node_attrs(nid, endpoint=None, via=None, keepalive=None, broadcast_via=None):
    a = [u64(A_NODE_ID, nid)]
    if endpoint:
        host, port = endpoint.rsplit(":", 1)
        if host.startswith("["):
            a.append(in6(A_NODE_REMOTE_IPV6, host[1:-1]))
        else:
            a.append(in4(A_NODE_REMOTE_IPV4, host))
        a.append(be16(A_NODE_REMOTE_PORT, int(port)))
    if via is not None:
        a.append(u64(A_NODE_NEXT_HOP, via))
    if keepalive is not None:
        a.append(u32(A_NODE_KEEPALIVE, keepalive))
    if broadcast_via is not None:
        a.append(u64(A_NODE_BROADCAST_VIA, broadcast_via))
    return nest(A_NODE, *a)


def route_attrs(prefix, nid=None):
    addr, plen = prefix.split("/")
    a = []
    if nid is not None:
        a.append(u64(A_ROUTE_NODE_ID, nid))
    if ":" in addr:
        a.append(in6(A_ROUTE_IPV6, addr))
    else:
        a.append(in4(A_ROUTE_IPV4, addr))
    a.append(u8(A_ROUTE_PREFIX_LEN, int(plen)))
    return nest(A_ROUTE, *a)


def node_info(tb):
    """A node of a node-get reply as a dict."""
    n = parse(tb[A_NODE])
    d = {"id": get_uint(n[A_NODE_ID])}
    if A_NODE_REMOTE_IPV4 in n:
        d["endpoint"] = "%s:%d" % (socket.inet_ntop(socket.AF_INET, n[A_NODE_REMOTE_IPV4]),
                                   struct.unpack(">H", n[A_NODE_REMOTE_PORT])[0])
    elif A_NODE_REMOTE_IPV6 in n:
        d["endpoint"] = "[%s]:%d" % (socket.inet_ntop(socket.AF_INET6, n[A_NODE_REMOTE_IPV6]),
                                     struct.unpack(">H", n[A_NODE_REMOTE_PORT])[0])
    if A_NODE_NEXT_HOP in n:
        d["next_hop"] = get_uint(n[A_NODE_NEXT_HOP])
    if A_NODE_KEEPALIVE in n:
        d["keepalive"] = get_uint(n[A_NODE_KEEPALIVE])
    if A_NODE_BROADCAST_VIA in n:
        d["broadcast_via"] = get_uint(n[A_NODE_BROADCAST_VIA])
    for i, name in enumerate(NODE_COUNTERS):
        if A_NODE_RX_BYTES + i in n:
            d[name] = get_uint(n[A_NODE_RX_BYTES + i])
    for a, name in ((A_NODE_DAEMON_PACKETS, "daemon_packets"),
                    (A_NODE_DAEMON_DROPS, "daemon_drops")):
        if a in n:
            d[name] = get_uint(n[a])
    return d


def dev_info(g, dev):
    tb = parse(g.do(CMD_DEV_GET, ifidx(dev))[0][4:])
    d = parse(tb[A_DEV])
    out = {}
    if A_DEVICE_LOCAL_NODE_ID in d:
        out["node_id"] = get_uint(d[A_DEVICE_LOCAL_NODE_ID])
    if A_DEVICE_PORT in d:
        out["port"] = struct.unpack(">H", d[A_DEVICE_PORT])[0]
    out["node_count"] = get_uint(d[A_DEVICE_NODE_COUNT])
    out["route_count"] = get_uint(d[A_DEVICE_ROUTE_COUNT])
    if A_DEVICE_UPCALL_RATE in d:
        out["upcall_rate"] = get_uint(d[A_DEVICE_UPCALL_RATE])
        out["refused"] = {name: get_uint(d[A_DEVICE_UPCALL_REFUSED + i])
                          for i, name in enumerate(DEVICE_LIMITS)}
    return out
