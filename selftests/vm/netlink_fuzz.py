# SPDX-License-Identifier: GPL-2.0
"""Spec-driven netlink fuzzer for meshvpn.ko (selftests/vm/tests/netlink_fuzz.sh).

Every request comes from Documentation/netlink/specs/meshvpn.yaml: for each
operation (do and dump) the attributes its request takes, with their types,
checks, enums and nests. For each one the fuzzer sends a valid request,
then variants with one thing wrong: each attribute left out, out of range
(checks min - 1, max + 1, the type's extremes), too short, too long, empty,
an enum value past the last, a nest flattened or a scalar nested, an
attribute type the set does not have, an attribute twice; then requests
with random mutations of a valid one (bytes flipped, truncated, lengths
rewritten, the NLA_F_NESTED bit toggled, the generic netlink version and
the message flags changed). The random stream has a fixed seed.

What must hold: every request gets its answer (an ack, a dump's end, or an
error) within the timeout; every error carries an extack message; the
errno is one a request can get; the device still answers dev-get. A
mutated request that netlink or genetlink itself drops or refuses (a
length field that does not fit, no room for the generic netlink header,
a dump of an operation without one, a do of one that only dumps) never
reaches meshvpn.ko: the core
sends no extack message for those, and may send no answer at all. The
harness fails the test on any kernel WARNING, BUG or Oops, and checks that
meshvpn.ko unloads; where the kernel has kmemleak the test scans for
leaks after the run.

Run in the guest with: python3 -S netlink_fuzz.py IFNAME [SEED [ROUNDS]]
"""

import errno
import os
import random
import socket
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
sys.path.append("/usr/lib/python3/dist-packages")
import yaml  # noqa: E402
import mvnl  # noqa: E402

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SPEC = os.path.join(TOP, "Documentation/netlink/specs/meshvpn.yaml")

# Errors a request may get; anything else (EFAULT, ENOMEM on a small
# request, ...) points at a bug.
EXPECTED_ERRNOS = {errno.EINVAL, errno.ERANGE, errno.ENOENT, errno.EEXIST,
                   errno.EBUSY, errno.ENODEV, errno.EOPNOTSUPP, errno.EMSGSIZE,
                   errno.ENOSPC, errno.EAFNOSUPPORT, errno.EBADF,
                   errno.ENOTSOCK, errno.EPROTONOSUPPORT, errno.EPERM,
                   errno.EHOSTUNREACH, errno.ENETUNREACH, errno.ENOBUFS,
                   errno.E2BIG, errno.ENOKEY, errno.ESRCH, errno.EALREADY}

INT_SIZES = {"u8": 1, "u16": 2, "u32": 4, "u64": 8, "s8": 1, "s16": 2,
             "s32": 4, "s64": 8}


class Attr:
    def __init__(self, aid, spec, nested):
        self.id = aid
        self.name = spec["name"]
        self.type = spec["type"]
        self.byte_order = spec.get("byte-order", "host")
        self.checks = spec.get("checks", {})
        self.enum = spec.get("enum")
        self.nested = nested


class Spec:
    """The spec's attribute sets (subsets resolved) and operations."""

    def __init__(self, path):
        with open(path) as f:
            self.y = yaml.safe_load(f)
        self.consts = {}
        self.enums = {}
        for d in self.y.get("definitions", []):
            if d["type"] == "const":
                self.consts[d["name"]] = d["value"]
            elif d["type"] == "enum":
                start = d.get("value-start", 0)
                self.enums[d["name"]] = [start + i for i in range(len(d["entries"]))]
        self.raw = {s["name"]: s for s in self.y["attribute-sets"]}

    def value(self, v):
        return self.consts[v] if isinstance(v, str) else v

    def attrs(self, set_name):
        """{name: Attr} of a set, subsets resolved to their parent's ids."""
        s = self.raw[set_name]
        parent = self.raw[s["subset-of"]] if "subset-of" in s else s
        ids, nxt = {}, 1
        for a in parent["attributes"]:
            nxt = a.get("value", nxt)
            ids[a["name"]] = (nxt, a)
            nxt += 1
        out = {}
        for a in s["attributes"]:
            aid, full = ids[a["name"]]
            nested = a.get("nested-attributes", full.get("nested-attributes"))
            out[a["name"]] = Attr(aid, full, nested)
        return out

    def max_id(self, set_name):
        s = self.raw[set_name]
        parent = self.raw[s["subset-of"]] if "subset-of" in s else s
        return len(parent["attributes"])

    def requests(self):
        """(op name, command, dump?, attribute set, [attribute names])."""
        cmd = 0
        for op in self.y["operations"]["list"]:
            cmd = op.get("value", cmd + 1)
            for kind in ("do", "dump"):
                req = op.get(kind, {}).get("request") if op.get(kind) else None
                if req is None:
                    continue
                yield op["name"], cmd, kind == "dump", op["attribute-set"], \
                    req.get("attributes", [])


class Fuzzer:
    def __init__(self, spec, ifname, seed):
        self.spec = spec
        self.rng = random.Random(seed)
        self.g = mvnl.Genl()
        self.ifindex = socket.if_nametoindex(ifname)
        # A UDP socket whose descriptor dev-set may take.
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind(("127.0.0.1", 0))
        self.sent = self.acked = self.refused = 0
        self.failures = []

    # ---- values ----

    def int_value(self, a, how):
        size = INT_SIZES.get(a.type, 8 if a.type == "uint" else 4)
        top = (1 << (8 * size)) - 1
        lo = self.spec.value(a.checks.get("min", 0))
        hi = self.spec.value(a.checks.get("max", top))
        if a.enum:
            vals = self.spec.enums[a.enum]
            lo, hi = min(vals), max(vals)
        if how == "valid":
            if a.name in ("ifindex",):
                return self.ifindex
            if a.name == "socket":
                return self.udp.fileno()
            if a.name in ("id", "node-id", "next-hop"):
                return self.rng.choice([2, 3, 4, 2, 2])
            if a.name == "remote-port":
                return 655
            return self.rng.randint(lo, min(hi, lo + 200))
        return {"below": lo - 1, "above": hi + 1, "zero": 0, "top": top}[how] & top

    def payload(self, a, how="valid"):
        if a.type in INT_SIZES or a.type == "uint":
            size = INT_SIZES.get(a.type, 8)
            v = self.int_value(a, how)
            order = ">" if a.byte_order == "big-endian" else "<"
            fmt = {1: "B", 2: "H", 4: "I", 8: "Q"}[size]
            return struct.pack(order + fmt, v)
        if a.type == "binary":
            n = self.spec.value(a.checks.get("exact-len",
                                             a.checks.get("min-len", 16)))
            if a.name in ("remote-ipv4", "ipv4"):
                return bytes([10, 0, self.rng.randint(0, 3), 0])
            if a.name == "msg":
                n = max(n, 40)
            if a.name == "packet":
                return bytes([0x45, 0, 0, 28]) + bytes(24)
            return bytes(self.rng.getrandbits(8) for _ in range(n))
        if a.type == "string":
            return b"x\0"
        if a.type == "flag":
            return b""
        if a.type == "nest":
            return b"".join(self.attr_bytes(c) for c in
                            self.spec.attrs(a.nested).values()
                            if c.type != "pad")
        return b""

    def attr_bytes(self, a, how="valid"):
        flag = mvnl.NLA_F_NESTED if a.type == "nest" else 0
        return mvnl.attr(a.id | flag, self.payload(a, how))

    # ---- requests ----

    def message(self, cmd, attrs, dump, version=1, flags=None):
        if flags is None:
            flags = mvnl.NLM_F_REQUEST | mvnl.NLM_F_ACK | \
                (mvnl.NLM_F_DUMP if dump else 0)
        self.g.seq += 1
        body = struct.pack("=BBH", cmd, version, 0) + attrs
        return self.g.seq, bytearray(struct.pack("=IHHII", 16 + len(body),
                                                 self.g.fam_id, flags,
                                                 self.g.seq, 0) + body)

    def core_refuses(self, msg, do_ok, dump_ok):
        """Does netlink or genetlink itself refuse @msg, before meshvpn.ko?

        The core drops a message whose length field does not fit it, and
        refuses without an extack message one too short for the generic
        netlink header, a dump of an operation that has none, and a do of
        an operation that only dumps.
        """
        mlen, _, flags = struct.unpack_from("=IHH", msg, 0)
        if mlen != len(msg) or mlen < 20:
            return True
        dump = flags & mvnl.NLM_F_DUMP
        if dump:
            return dump != mvnl.NLM_F_DUMP or not dump_ok
        return not do_ok

    def send(self, what, seq, msg, core=False):
        """Send one request; its answer must come, and an error explain itself.

        With @core, netlink itself may drop the request or refuse it
        without a message: what matters then is only that nothing breaks.
        """
        self.sent += 1
        self.g.sock.settimeout(1 if core else 10)
        try:
            self.g.sock.send(bytes(msg))
        except OSError as e:
            # The kernel refused the datagram itself (length): fine.
            self.refused += 1
            return
        while True:
            try:
                msgs = list(self.g._recv())
            except socket.timeout:
                if not core:
                    self.failures.append("%s: no answer" % what)
                return
            for m in msgs:
                if m[2] != seq:
                    continue
                if m[0] == "error":
                    if m[1] == 0:
                        self.acked += 1
                        return
                    self.refused += 1
                    if m[1] not in EXPECTED_ERRNOS:
                        self.failures.append("%s: errno %d (%s)" % (
                            what, m[1], os.strerror(m[1])))
                    elif not m[3] and not core:
                        self.failures.append("%s: %s without extack message" % (
                            what, os.strerror(m[1])))
                    return
                if m[0] == mvnl.NLMSG_DONE:
                    self.acked += 1
                    return

    def variants(self, name, set_name, top):
        """(label, attrs bytes) of one request: valid, then one thing wrong."""
        attrs = [a for a in top if a.type != "pad"]
        yield "valid", b"".join(self.attr_bytes(a) for a in attrs)
        for i, a in enumerate(attrs):
            rest = attrs[:i] + attrs[i + 1:]
            others = b"".join(self.attr_bytes(b) for b in rest)
            yield "without %s" % a.name, others
            yield "%s twice" % a.name, others + self.attr_bytes(a) * 2
            if a.type == "nest":
                children = [c for c in self.spec.attrs(a.nested).values()
                            if c.type != "pad"]
                yield "%s flat" % a.name, others + mvnl.attr(a.id, self.payload(a))
                yield "%s empty" % a.name, others + mvnl.attr(a.id | mvnl.NLA_F_NESTED, b"")
                for c in children:
                    for label, inner in self.child_variants(a, c, children):
                        yield "%s.%s %s" % (a.name, c.name, label), \
                            others + mvnl.attr(a.id | mvnl.NLA_F_NESTED, inner)
                unknown = self.spec.max_id(a.nested) + 1
                yield "%s unknown attribute" % a.name, others + mvnl.attr(
                    a.id | mvnl.NLA_F_NESTED, self.payload(a) + mvnl.attr(unknown, b"\0" * 4))
            else:
                for label, p in self.bad_payloads(a):
                    yield "%s %s" % (a.name, label), others + mvnl.attr(a.id, p)
        yield "unknown top attribute", b"".join(self.attr_bytes(a) for a in attrs) + \
            mvnl.attr(self.spec.max_id(set_name) + 1, b"\0" * 8)

    def child_variants(self, parent, c, children):
        rest = b"".join(self.attr_bytes(o) for o in children if o is not c)
        yield "left out", rest
        yield "twice", rest + self.attr_bytes(c) * 2
        if c.type == "nest":
            yield "flat", rest + mvnl.attr(c.id, self.payload(c))
            return
        for label, p in self.bad_payloads(c):
            yield label, rest + mvnl.attr(c.id, p)
        if c.type in INT_SIZES:
            yield "nested", rest + mvnl.attr(c.id | mvnl.NLA_F_NESTED, self.payload(c))

    def bad_payloads(self, a):
        good = self.payload(a)
        if a.type in INT_SIZES or a.type == "uint":
            for how in ("below", "above", "zero", "top"):
                yield how, self.payload(a, how)
        yield "short", good[:-1]
        yield "long", good + b"\0"
        yield "empty", b""
        yield "oversized", good + bytes(self.rng.getrandbits(8) for _ in range(300))

    def mutate(self, msg):
        """One random change to a whole request (header, lengths or bytes)."""
        m = bytearray(msg)
        kind = self.rng.randrange(8)
        if kind == 0 and len(m) > 20:
            for _ in range(self.rng.randint(1, 4)):
                i = self.rng.randrange(20, len(m))
                m[i] ^= 1 << self.rng.randrange(8)
        elif kind == 1 and len(m) > 20:
            del m[self.rng.randrange(20, len(m)):]
            struct.pack_into("=I", m, 0, len(m))
        elif kind == 2 and len(m) > 24:
            i = 20 + 4 * self.rng.randrange((len(m) - 20) // 4)
            struct.pack_into("=H", m, i, self.rng.choice([0, 1, 3, 4, 5, 0xfff, 0xffff]))
        elif kind == 3 and len(m) > 24:
            i = 20 + 4 * self.rng.randrange((len(m) - 20) // 4)
            t = struct.unpack_from("=H", m, i + 2)[0]
            struct.pack_into("=H", m, i + 2, t ^ mvnl.NLA_F_NESTED)
        elif kind == 4:
            m[17] = self.rng.choice([0, 2, 0xff])      # genl version
        elif kind == 5:
            struct.pack_into("=I", m, 0, self.rng.choice([16, 19, len(m) + 8]))
        elif kind == 6:
            struct.pack_into("=H", m, 6, self.rng.choice(
                [mvnl.NLM_F_REQUEST, mvnl.NLM_F_REQUEST | mvnl.NLM_F_ACK | mvnl.NLM_F_DUMP,
                 mvnl.NLM_F_REQUEST | mvnl.NLM_F_ACK | 0x400 | 0x200]))
        else:
            m += bytes(self.rng.getrandbits(8) for _ in range(self.rng.randint(1, 64)))
            struct.pack_into("=I", m, 0, len(m))
        # Every request asks for an ack, so that its answer can be awaited.
        flags = struct.unpack_from("=H", m, 6)[0] | mvnl.NLM_F_REQUEST | mvnl.NLM_F_ACK
        struct.pack_into("=H", m, 6, flags)
        return m

    def run(self, rounds):
        dumps = {cmd for _, cmd, dump, _, _ in self.spec.requests() if dump}
        dos = {cmd for _, cmd, dump, _, _ in self.spec.requests() if not dump}
        for name, cmd, dump, set_name, names in self.spec.requests():
            top_set = self.spec.attrs(set_name)
            top = [top_set[n] for n in names]
            what = "%s%s" % (name, " (dump)" if dump else "")
            valid = None
            for label, attrs in self.variants(name, set_name, top):
                seq, msg = self.message(cmd, attrs, dump)
                if label == "valid":
                    valid = (attrs, dump)
                self.send("%s %s" % (what, label), seq, msg)
            for i in range(rounds):
                seq, msg = self.message(cmd, valid[0], valid[1])
                m = self.mutate(msg)
                self.send("%s random #%d %s" % (what, i, m.hex()[:80]), seq, m,
                          self.core_refuses(m, cmd in dos, cmd in dumps))
        # The device still answers.
        try:
            self.g.do(mvnl.CMD_DEV_GET, mvnl.u32(mvnl.A_IFINDEX, self.ifindex))
        except mvnl.NlError as e:
            self.failures.append("dev-get after the run: %s" % e)


def main():
    ifname = sys.argv[1]
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 100
    f = Fuzzer(Spec(SPEC), ifname, seed)
    f.run(rounds)
    for line in f.failures[:50]:
        print("FAIL: %s" % line)
    print("%d requests: %d acked, %d refused, %d failures" % (
        f.sent, f.acked, f.refused, len(f.failures)))
    return 1 if f.failures else 0


if __name__ == "__main__":
    sys.exit(main())
