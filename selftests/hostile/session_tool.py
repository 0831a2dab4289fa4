#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A hostile party on the UDP port of meshvpnd (protocol.md, sections 2 and
10), for selftests/netns/test_hostile_session.sh. Runs inside a network
namespace, as root.

  sniff OUT SRC_IP TYPE [UDP_LEN] [TIMEOUT]
      capture the first meshvpn message of TYPE (1 DATA, 4 SESSION) that
      SRC_IP sends to port 655 here (UDP length UDP_LEN if not 0) and write
      its UDP payload to OUT in hex; exit 1 on timeout
  replay HEXFILE DST_IP COUNT [SPOOF_IP]
      send the captured message COUNT times to DST_IP port 655, from our
      own address or, spoofed, from SPOOF_IP port 655
  data DST_IP DST_ID SRC_ID PHASE COUNT [SPOOF_IP]
      forged DATA messages claiming SRC_ID: a well-formed header with the
      key phase PHASE, random ciphertext
  inits HEXFILE DST_IP COUNT SPOOF_IP
      forged INITs made from a captured one: each with a timestamp newer
      than the original's, so none is a plain replay, and a signature that
      cannot verify
"""
import os
import socket
import struct
import sys
import time

PORT = 655
HDR_LEN = 24
TS_AT = 1 + 8 + 8 + 4 + 1 + 32  # of the handshake blob (section 10)
TS_LEN = 12


def udp_packet(src, dst, payload):
    udp = struct.pack(">HHHH", PORT, PORT, 8 + len(payload), 0) + payload
    # The kernel fills in the IP checksum and id of a raw IP_HDRINCL packet.
    ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0,
                     socket.inet_aton(src), socket.inet_aton(dst))
    return ip + udp


def send(dst, payloads, spoof=None):
    if spoof:
        s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
        for p in payloads:
            s.sendto(udp_packet(spoof, dst, p), (dst, 0))
    else:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        for p in payloads:
            s.sendto(p, (dst, PORT))


def sniff(out, src_ip, msg_type, udp_len=0, timeout=30.0):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(0x0800))
    s.settimeout(1.0)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            pkt, addr = s.recvfrom(65535)
        except socket.timeout:
            continue
        if addr[2] == socket.PACKET_OUTGOING or len(pkt) < 28:
            continue
        ihl = (pkt[0] & 0x0f) * 4
        if pkt[9] != 17 or socket.inet_ntoa(pkt[12:16]) != src_ip:
            continue
        dport, length = struct.unpack(">2xHH", pkt[ihl:ihl + 6])
        payload = pkt[ihl + 8:ihl + length]
        if dport != PORT or not payload or payload[0] != msg_type:
            continue
        if udp_len and length != udp_len:
            continue
        with open(out + ".tmp", "w") as f:
            f.write(payload.hex() + "\n")
        os.rename(out + ".tmp", out)
        return 0
    return 1


def read_hex(path):
    with open(path) as f:
        return bytes.fromhex(f.read().strip())


def handshake_at(msg):
    """Offset of the handshake blob in a UDP SESSION message."""
    p = HDR_LEN + 1                 # the SESSION meta message's type
    p += 1 + msg[p]                 # from
    p += 1 + msg[p]                 # to
    p += 1                          # ttl
    return p + 2                    # the blob's length


def forged_inits(msg, count):
    hs = handshake_at(msg)
    ts = int.from_bytes(msg[hs + TS_AT:hs + TS_AT + TS_LEN], "big")
    sig_at = hs + TS_AT + TS_LEN + 2
    for i in range(count):
        m = bytearray(msg)
        m[hs + TS_AT:hs + TS_AT + TS_LEN] = (ts + 10**6 + i).to_bytes(TS_LEN, "big")
        m[sig_at:] = os.urandom(len(m) - sig_at)
        yield bytes(m)


def forged_data(dst_id, src_id, phase, count):
    for _ in range(count):
        yield (bytes([1, phase]) + bytes.fromhex(dst_id) + bytes.fromhex(src_id) +
               bytes([16, 0]) + os.urandom(8) + os.urandom(80))


def main(argv):
    cmd, args = argv[1], argv[2:]
    if cmd == "sniff":
        return sniff(args[0], args[1], int(args[2]),
                     int(args[3]) if len(args) > 3 else 0,
                     float(args[4]) if len(args) > 4 else 30.0)
    if cmd == "replay":
        send(args[1], [read_hex(args[0])] * int(args[2]),
             args[3] if len(args) > 3 else None)
    elif cmd == "data":
        send(args[0], forged_data(args[1], args[2], int(args[3]), int(args[4])),
             args[5] if len(args) > 5 else None)
    elif cmd == "inits":
        send(args[1], forged_inits(read_hex(args[0]), int(args[2])), args[3])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
