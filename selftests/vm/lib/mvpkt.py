# SPDX-License-Identifier: GPL-2.0
"""meshvpn UDP messages for VM tests: headers, DATA sealing, pcap reading
and sending from an arbitrary or spoofed outer source.

The layout is Documentation/protocol.md sections 2-4 (include/meshvpn/wire.h).
"""

import os
import socket
import struct
import sys

HDR_LEN = 24
TTL_OFFSET = 14
TAG_LEN = 16
DEFAULT_TTL = 16
DATA, PROBE, PROBE_REPLY, SESSION = 1, 2, 3, 4


def hdr(mtype, dst, src, counter=0, flags=0, ttl=DEFAULT_TTL, reserved=0):
    return (struct.pack("BB", mtype, flags) + dst.to_bytes(6, "big") +
            src.to_bytes(6, "big") + struct.pack(">BBQ", ttl, reserved, counter))


def parse_hdr(msg):
    mtype, flags = msg[0], msg[1]
    dst = int.from_bytes(msg[2:8], "big")
    src = int.from_bytes(msg[8:14], "big")
    ttl, reserved, counter = struct.unpack(">BBQ", msg[14:24])
    return {"type": mtype, "flags": flags, "dst": dst, "src": src,
            "ttl": ttl, "reserved": reserved, "counter": counter}


def with_counter(msg, counter):
    return msg[:16] + struct.pack(">Q", counter) + msg[24:]


def with_ttl(msg, ttl):
    return msg[:TTL_OFFSET] + bytes([ttl]) + msg[TTL_OFFSET + 1:]


def flip(msg, off):
    return msg[:off] + bytes([msg[off] ^ 0x01]) + msg[off + 1:]


def _aead(cipher, key):
    sys.path.append("/usr/lib/python3/dist-packages")
    from cryptography.hazmat.primitives.ciphers import aead
    if cipher == "chacha20-poly1305":
        return aead.ChaCha20Poly1305(key)
    if cipher == "aes-256-gcm":
        return aead.AESGCM(key)
    raise ValueError(cipher)


def seal(cipher, key_hex, dst, src, counter, inner, flags=0, ttl=DEFAULT_TTL):
    """A DATA message as the sender with @key_hex (its tx key) builds it."""
    h = hdr(DATA, dst, src, counter, flags, ttl)
    if cipher == "none":
        return h + inner
    ad = with_ttl(h, 0)
    nonce = b"\0" * 4 + struct.pack("<Q", counter)
    return h + _aead(cipher, bytes.fromhex(key_hex)).encrypt(nonce, inner, ad)


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def icmp_echo(src, dst, ident=0x4d56, seq=1, payload=b"meshvpn test"):
    """An IPv4 ICMP echo request with correct checksums."""
    icmp = struct.pack("!BBHHH", 8, 0, 0, ident, seq) + payload
    icmp = icmp[:2] + struct.pack("!H", csum(icmp)) + icmp[4:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(icmp), 0x1234, 0, 64, 1,
                     0, socket.inet_aton(src), socket.inet_aton(dst))
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return ip + icmp


def read_pcap(path):
    """UDP datagrams of a pcap (Ethernet, IPv4/IPv6), as dicts."""
    data = open(path, "rb").read()
    magic = struct.unpack_from("<I", data, 0)[0]
    endian = "<" if magic in (0xa1b2c3d4, 0xa1b23c4d) else ">"
    linktype = struct.unpack_from(endian + "I", data, 20)[0]
    off = 24
    out = []
    while off + 16 <= len(data):
        _, _, caplen, _ = struct.unpack_from(endian + "IIII", data, off)
        frame = data[off + 16:off + 16 + caplen]
        off += 16 + caplen
        if linktype == 1:
            etype = struct.unpack_from("!H", frame, 12)[0]
            pkt = frame[14:]
        elif linktype == 113:  # Linux cooked (any)
            etype = struct.unpack_from("!H", frame, 14)[0]
            pkt = frame[16:]
        else:
            raise ValueError("linktype %d" % linktype)
        if etype == 0x0800 and pkt[9] == 17:
            ihl = (pkt[0] & 15) * 4
            saddr = socket.inet_ntop(socket.AF_INET, pkt[12:16])
            daddr = socket.inet_ntop(socket.AF_INET, pkt[16:20])
            udp = pkt[ihl:]
        elif etype == 0x86dd and pkt[6] == 17:
            saddr = socket.inet_ntop(socket.AF_INET6, pkt[8:24])
            daddr = socket.inet_ntop(socket.AF_INET6, pkt[24:40])
            udp = pkt[40:]
        else:
            continue
        sport, dport, ulen = struct.unpack_from("!HHH", udp, 0)
        out.append({"src": saddr, "sport": sport, "dst": daddr, "dport": dport,
                    "payload": udp[8:ulen]})
    return out


def send_from(msgs, dst, sport=0, saddr="0.0.0.0"):
    """Send @msgs to @dst (addr, port) from a UDP socket bound to (saddr, sport)."""
    fam = socket.AF_INET6 if ":" in dst[0] else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((saddr, sport))
    for m in msgs:
        s.sendto(m, dst)
    s.close()


def send_spoofed(msgs, daddr, dport, sport, saddr=None):
    """Send IPv4 UDP datagrams with source port @sport although another
    socket holds it (a raw socket; the kernel fills in the IP header with
    @saddr or the routed source address; a zero UDP checksum means none)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_UDP)
    if saddr:
        s.bind((saddr, 0))
    for m in msgs:
        s.sendto(struct.pack("!HHHH", sport, dport, 8 + len(m), 0) + m, (daddr, 0))
    s.close()


def random_bytes(n):
    return os.urandom(n)
