# SPDX-License-Identifier: GPL-2.0
"""Stand-in for meshvpnd's TCP fallback, for VM tests: one end prints the
messages a meshvpn link hands to its daemon, the other injects them into a
link as if they had come over a meta connection. Joined by a shell pipe
across network namespaces:

  ip netns exec a python3 -S msgpipe.py out mv0 |
      ip netns exec b python3 -S msgpipe.py in mv0

"out DEV [DST]" prints one message per line in hex (flushed, so it is a
stream), only those for node DST if given, and writes "ready" to stderr
once it listens; "in DEV" injects each line and reports a refusal on
stderr without stopping. "packets DEV" prints the broadcasts the link hands
over (packet-ntf), one per line: the id of the node it came from ("-" when
this host sent it) and the packet in hex.
"""

import socket
import sys

import mvnl


def link_ntfs(dev, cmd):
    """Attributes of every notification @cmd about link @dev, as they come."""
    g = mvnl.Genl()
    g.subscribe("packets")
    ifindex = socket.if_nametoindex(dev)
    print("ready", file=sys.stderr, flush=True)
    while True:
        for m in g._recv():
            if m[0] != g.fam_id or m[3][0] != cmd:
                continue
            tb = mvnl.parse(m[3][4:])
            if mvnl.get_uint(tb[mvnl.A_IFINDEX]) == ifindex:
                yield tb


def out(dev, dst=None):
    for tb in link_ntfs(dev, mvnl.CMD_MSG_NTF):
        msg = tb[mvnl.A_MSG]
        if dst is None or int.from_bytes(msg[2:8], "big") == int(dst, 16):
            print(msg.hex(), flush=True)


def packets(dev):
    for tb in link_ntfs(dev, mvnl.CMD_PACKET_NTF):
        node = "-"
        if mvnl.A_NODE in tb:
            nid = mvnl.parse(tb[mvnl.A_NODE])[mvnl.A_NODE_ID]
            node = "%012x" % mvnl.get_uint(nid)
        print(node, tb[mvnl.A_PACKET].hex(), flush=True)


def inject(dev):
    g = mvnl.Genl()
    for line in sys.stdin:
        err, msg = g.try_do(mvnl.CMD_MSG_INJECT, mvnl.ifidx(dev),
                            mvnl.attr(mvnl.A_MSG, bytes.fromhex(line.strip())))
        if err:
            print("inject: %s (errno %d)" % (msg, err), file=sys.stderr,
                  flush=True)


if __name__ == "__main__":
    {"out": out, "in": inject, "packets": packets}[sys.argv[1]](*sys.argv[2:])
