#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Rekeying under load (Documentation/protocol.md section 5): an iperf3 TCP
# transfer runs while both ends install a next key (phase 1) and swap it
# in, B first, then A. Nothing may be lost: a receiver accepts both phases
# once the next key is in, and after its own swap still decrypts what the
# peer sends under the old key. The key phase of every DATA message each
# end receives is watched on the veths (packet sockets with kernel
# timestamps), so the checks do not depend on how fast the emulated
# machine is: B receives phase 0 after its swap and delivers it, A
# receives phase 1 once B swapped, B receives phase 1 once A swapped and
# no phase 0 after the first phase 1 message; no decrypt error, no replay
# drop, and the transfer completes without error.
# vm-timeout: 300
source "$TOP/selftests/vm/lib/mesh.sh"

CIPHER=chacha20-poly1305
# Rate limited, so that the emulated CPUs can still run the tool while the
# transfer goes on; long enough for both swaps even on a loaded host.
SECONDS_IPERF=20
RATE=4M

mesh_pair
mesh_keys a 1 b 2 $CIPHER current 0
expect_eq "ping before the rekey" "$(mesh_ping a 3 10.10.0.2)" 3

# The next session's keys.
mesh_random_key >/tmp/key_swap.k12
mesh_random_key >/tmp/key_swap.k21

ip netns exec b iperf3 -s -1 -D -p 5201 >/dev/null
sleep 0.5
ip netns exec a iperf3 -c 10.10.0.2 -p 5201 -t $SECONDS_IPERF -b $RATE -J \
	>/tmp/key_swap.json 2>&1 &
IPERF=$!

mesh_py -u - "$MV" $CIPHER <<'PY' || mesh_fail "rekey under load"
import ctypes, os, socket, struct, subprocess, sys, threading, time
import mvnl

MV, CIPHER = sys.argv[1], sys.argv[2]
libc = ctypes.CDLL(None, use_errno=True)
fails = 0


def setns(name):
    fd = os.open("/run/netns/" + name, os.O_RDONLY)
    if libc.setns(fd, 0x40000000):
        raise OSError(ctypes.get_errno(), "setns " + name)
    os.close(fd)


def check(ok, what):
    global fails
    print(("ok: " if ok else "FAIL: ") + what, flush=True)
    fails += not ok


class Watch(threading.Thread):
    """Key phases of the DATA messages a veth receives, with kernel times."""

    def __init__(self, ns, dev):
        super().__init__(daemon=True)
        setns(ns)
        self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800))
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 23)
        self.sock.setsockopt(socket.SOL_SOCKET, 35, 1)   # SO_TIMESTAMPNS
        self.sock.bind((dev, 0x0800))
        self.genl = mvnl.Genl()
        self.ifindex = socket.if_nametoindex("mv0")
        self.seen = []          # (time, phase)
        self.start()

    def run(self):
        while True:
            frame, anc, _, addr = self.sock.recvmsg(2048, 64)
            if addr[2] != socket.PACKET_HOST:
                continue
            ip = frame[14:]
            if ip[9] != 17:
                continue
            udp = ip[(ip[0] & 15) * 4:]
            if struct.unpack("!H", udp[2:4])[0] != 655 or udp[8] != 1:
                continue
            t = time.time()
            for level, typ, data in anc:
                if typ == 35:
                    s, ns = struct.unpack("qq", data[:16])
                    t = s + ns / 1e9
            self.seen.append((t, udp[9] & 1))

    def count(self, phase, after=0.0, before=float("inf")):
        return sum(1 for t, p in list(self.seen) if p == phase and after < t < before)

    def node(self, nid):
        for tb in self.genl.dump(mvnl.CMD_NODE_GET, mvnl.ifidx(self.ifindex)):
            n = mvnl.node_info(tb)
            if n["id"] == nid:
                return n


def wait_for(what, cond, timeout=20):
    end = time.time() + timeout
    while time.time() < end:
        if cond():
            return True
        time.sleep(0.1)
    check(False, "timed out waiting: " + what)
    return False


def mv(ns, *args):
    subprocess.run(["ip", "netns", "exec", ns, MV] + list(args), check=True)


atb = Watch("a", "to-b")   # what A receives (from B)
bta = Watch("b", "to-a")   # what B receives (from A)
wait_for("the transfer to start", lambda: bta.count(0) > 100)

mv("a", "key", "add", "mv0", "2", "slot", "next", "cipher", CIPHER, "phase", "1",
   "tx-key", "/tmp/key_swap.k12", "rx-key", "/tmp/key_swap.k21")
mv("b", "key", "add", "mv0", "1", "slot", "next", "cipher", CIPHER, "phase", "1",
   "tx-key", "/tmp/key_swap.k21", "rx-key", "/tmp/key_swap.k12")
print("next keys installed on both ends", flush=True)

mv("b", "key", "swap", "mv0", "1")
t_b = time.time()
rx_b = bta.node(1)["rx_packets"]
print("B swapped", flush=True)
wait_for("B to receive 100 phase 0 messages after its swap",
         lambda: bta.count(0, after=t_b) >= 100)
wait_for("A to receive 100 phase 1 messages", lambda: atb.count(1) >= 100)
time.sleep(0.5)     # let the receive path deliver what arrived
rx_b2 = bta.node(1)["rx_packets"]
check(bta.count(0, after=t_b) >= 100,
      "B received %d phase 0 messages after its swap" % bta.count(0, after=t_b))
# Only the old key (now in the next slot) can decrypt them; decrypt errors
# are checked to be 0 at the end.
check(rx_b2 - rx_b >= 50,
      "B delivered them: rx_packets %d -> %d (the old key still decrypts)" % (rx_b, rx_b2))
check(atb.count(1) >= 100, "A received %d phase 1 messages (its next key decrypts)"
      % atb.count(1))
check(atb.count(0, after=min([t for t, p in atb.seen if p == 1] or [0])) == 0,
      "A received no phase 0 message after B's first phase 1 message")
check(bta.count(1) == 0, "B received no phase 1 message before A swapped")

mv("a", "key", "swap", "mv0", "2")
t_a = time.time()
print("A swapped", flush=True)
wait_for("B to receive 100 phase 1 messages", lambda: bta.count(1) >= 100)
first1 = min(t for t, p in bta.seen if p == 1)
late0 = bta.count(0, after=first1)
check(bta.count(1) >= 100, "B received %d phase 1 messages after A's swap" % bta.count(1))
check(late0 == 0, "B received %d phase 0 messages after A's first phase 1 message" % late0)
print("phase 0/1 received: by A %d/%d, by B %d/%d; A swapped %.1f s after B" %
      (atb.count(0), atb.count(1), bta.count(0), bta.count(1), t_a - t_b), flush=True)
for w, nid, name in ((atb, 2, "A"), (bta, 1, "B")):
    n = w.node(nid)
    check((n["rx_decrypt_errors"], n["rx_replay_drops"]) == (0, 0),
          "%s: decrypt errors %d, replay drops %d" % (name, n["rx_decrypt_errors"],
                                                       n["rx_replay_drops"]))
sys.exit(1 if fails else 0)
PY
rm -f /tmp/key_swap.k12 /tmp/key_swap.k21

wait $IPERF || mesh_fail "iperf3 client exited $?"
mesh_py - <<'PY' || mesh_fail "iperf3 transfer"
import json, sys
r = json.load(open("/tmp/key_swap.json"))
if "error" in r:
    sys.exit("iperf3 error: %s" % r["error"])
sent = r["end"]["sum_sent"]["bytes"]
recv = r["end"]["sum_received"]["bytes"]
print("iperf3: %d bytes sent, %d received, %d retransmits, %.1f Mbit/s" %
      (sent, recv, r["end"]["sum_sent"].get("retransmits", -1),
       r["end"]["sum_received"]["bits_per_second"] / 1e6))
assert recv > 0, "no data moved"
PY

for ns_id in "a 2" "b 1"; do
	set -- $ns_id
	check_eq "$1: decrypt errors, replay drops" \
		"$(mesh_counters "$1" "$2" rx_decrypt_errors rx_replay_drops)" "0 0"
	check_eq "$1: current key phase" "$(mesh_node "$1" "$2" 'n["keys"]["current"]["phase"]')" 1
	echo "$1: next slot after the swap: $(mesh_node "$1" "$2" 'n["keys"]["next"]')"
done
expect_eq "ping after the rekey" "$(mesh_ping a 3 10.10.0.2)" 3
rm -f /tmp/key_swap.json
mesh_done
