#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Strangers on the meta port and a member that floods: what they can make
# einstein do is bounded, and counted in "meshvpn dump stats".
#
#  - a connection storm from one address: MaxConnectionBurst refuses it;
#  - a storm from 64 addresses holding connections open without a word:
#    MaxPreAuthConnections drops the oldest, and penrose, starting in the
#    middle of it, still connects;
#  - descriptors run out (RLIMIT_NOFILE lowered with prlimit): the
#    listener pauses instead of spinning on accept() failing with EMFILE,
#    and accepts again once descriptors are free;
#  - a HELLO naming a known node from someone without its key: einstein
#    answers with its HELLO only, and signs nothing;
#  - penrose flapping 100 subnets: einstein's script queue for it merges
#    up/down pairs and stays within ScriptQueueLimit;
#  - the control request "\0\n" is refused, and the daemon lives on.
#
#   einstein  198.51.100.1   hub: MaxPreAuthConnections = 16,
#                            ScriptQueueLimit = 40, slow subnet scripts
#   hawking   198.51.100.3   ConnectTo einstein                10.10.0.3
#   penrose   198.51.100.4   ConnectTo einstein                10.10.0.4
#   mallory   198.51.100.66  and 198.51.100.100-163: raw TCP clients
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
source "$TOP/selftests/lib/netns.sh"
source "$TOP/selftests/lib/meshvpnd.sh"
source "$TOP/selftests/lib/seed.sh"

topo_require prlimit

topo_init
mvd_init

star_build --conf einstein "MaxPreAuthConnections = 16" \
	--conf einstein "ScriptQueueLimit = 40" hawking penrose
topo_node mallory wan 198.51.100.66/24
dev=$(topo_exec mallory ip -o -4 addr show | awk '/198\.51\.100\.66/ { print $2 }')
for i in $(seq 100 163); do
	topo_exec mallory ip addr add "198.51.100.$i/24" dev "$dev"
done

# Each subnet script of einstein takes a while, so that flapping subnets
# queue up behind it; each run leaves a line.
for s in subnet-up subnet-down; do
	cat >"$MVD_DIR/einstein/$s" <<-EOF
		#!/bin/sh
		echo "$s \$SUBNET" >>"$MVD_DIR/einstein.scripts"
		sleep 0.1
	EOF
	chmod 755 "$MVD_DIR/einstein/$s"
done

cat >"$MVD_DIR/client.py" <<'EOF'
import os, select, socket, struct, sys, time

HOST, PORT = "198.51.100.1", 655

def hello(name):
    n = name.encode()
    return b"MVPN" + bytes([1, 0, len(n)]) + n + os.urandom(64)

def records(s, secs):
    """How many whole records arrived within secs, until the peer closes."""
    return len(bodies(s, secs))

def bodies(s, secs):
    """The bodies of the whole records received within secs."""
    buf, end = b"", time.time() + secs
    while time.time() < end:
        r, _, _ = select.select([s], [], [], max(0, end - time.time()))
        if not r:
            break
        try:
            d = s.recv(65536)
        except ConnectionResetError:
            break
        if not d:
            break
        buf += d
    got = []
    while len(buf) >= 2 and len(buf) >= 2 + struct.unpack(">H", buf[:2])[0]:
        n = struct.unpack(">H", buf[:2])[0]
        got.append(buf[2:2 + n])
        buf = buf[2 + n:]
    return got

def connect(src=None):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if src:
        s.bind((src, 0))
    s.settimeout(3)
    s.connect((HOST, PORT))
    return s

mode = sys.argv[1]
if mode == "burst":
    # N connections at once from one address: how many got einstein's
    # HELLO, and how many a REFUSE saying "too many connections" (code 5).
    socks = [connect() for _ in range(int(sys.argv[2]))]
    first = [(bodies(s, 0.5) or [b""])[0] for s in socks]
    print(sum(1 for b in first if b.startswith(b"MVPN")),
          sum(1 for b in first if b == b"MVRF\x05"))
elif mode == "storm":
    # SECS seconds of connections from the 64 addresses in turn, RATE a
    # second, all held open and silent; a line when done.
    secs, rate = float(sys.argv[2]), float(sys.argv[3])
    socks, i, end = [], 0, time.time() + secs
    while time.time() < end:
        try:
            socks.append(connect("198.51.100.%d" % (100 + i % 64)))
        except OSError:
            pass
        i += 1
        time.sleep(1 / rate)
    print("opened", i)
elif mode == "hold":
    # N silent connections from different addresses, held until killed.
    socks = [connect("198.51.100.%d" % (100 + i)) for i in range(int(sys.argv[2]))]
    print("holding", len(socks), flush=True)
    time.sleep(3600)
elif mode == "probe":
    # Does einstein answer a new connection with its HELLO?
    s = connect("198.51.100.164" if len(sys.argv) < 3 else sys.argv[2])
    print("hello" if records(s, 5) >= 1 else "silent")
elif mode == "hello":
    # A HELLO naming a known node, and then nothing: the records einstein
    # sends back within 2 s (its HELLO, and an AUTH if it signs).
    s = connect("198.51.100.165")
    s.sendall(struct.pack(">H", len(h := hello(sys.argv[2]))) + h)
    print(records(s, 2))
elif mode == "control":
    # Raw bytes to a control socket; its answer.
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(3)
    s.connect(sys.argv[2])
    s.sendall(sys.argv[3].encode().decode("unicode_escape").encode("latin-1"))
    try:
        print(s.recv(4096).decode(errors="replace").strip() or "no answer")
    except OSError as e:
        print("no answer", e)
EOF
topo_exec mallory ip addr add 198.51.100.164/24 dev "$dev"
topo_exec mallory ip addr add 198.51.100.165/24 dev "$dev"

client() {
	topo_exec mallory "$MVD_PY" "$MVD_DIR/client.py" "$@" 2>&1
}

# dstat GROUP NAME [FIELD]: one number of einstein's "dump stats --json".
dstat() {
	mvd_ctl einstein dump stats --json | "$MVD_PY" -c '
import json, sys
v = json.load(sys.stdin)[sys.argv[1]][sys.argv[2]]
print(v[sys.argv[3]] if len(sys.argv) > 3 else v)' "$@"
}

# cpu_ticks PID: user + system time of PID so far, in clock ticks.
cpu_ticks() {
	awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"
}

mvd_start einstein
mvd_wait_ready einstein
mvd_start hawking
mvd_start penrose
mvd_wait_ready hawking
mvd_wait_ready penrose
assert "einstein has hawking" mvd_wait_field 10 einstein hawking connected true
assert "einstein has penrose" mvd_wait_field 10 einstein penrose connected true
# Connected is not yet known everywhere: hawking learns penrose from
# einstein's flood; until then its packets are refused as unreachable.
assert "hawking knows penrose" mvd_wait_field 10 hawking penrose reachable true
assert_ping hawking 10.10.0.4 2 "hawking pings penrose"
EPID=$(cat "$MVD_DIR/einstein.pid")

# ---- a HELLO as penrose, from someone without penrose's key ----

signed0=$(dstat meta auth_signed)
n=$(client hello penrose)
assert "a stranger's HELLO as penrose gets einstein's HELLO and no AUTH" \
	test "$n" = 1
signed1=$(dstat meta auth_signed)
assert "einstein signed nothing for it ($signed0 signatures before, $signed1 after)" \
	eval '[[ $signed0 =~ ^[0-9]+$ && $signed1 == "$signed0" ]]'

# ---- a storm from one address ----

mark=$(mvd_log_mark einstein)
read -r got told < <(client burst 40)
# 10 at once, then one a second: a slow machine may take a few seconds.
assert "of 40 connections at once from one address, about 10 are served ($got)" \
	test "${got:-99}" -le 15
refused=$(dstat limits MaxConnectionBurst refused)
assert "the rest is refused as MaxConnectionBurst ($refused)" \
	test "${refused:-0}" -ge 25
assert "each refused one is told why, with a REFUSE ($told of $refused)" \
	test "${told:-0}" -eq "${refused:-1}"
lines=$(tail -c "+$((mark + 1))" "$(mvd_log einstein)" |
	grep -c 'Refused connection from 198\.51\.100\.66 port [0-9]*: more than MaxConnectionBurst 10')
assert "the refusals are logged, a line a second at most ($lines lines)" \
	test "$lines" -ge 1 -a "$lines" -le 5
assert "the limit and its value are in dump stats" \
	eval 'mvd_ctl einstein dump stats | grep -E "^limit MaxConnectionBurst 10 refused [0-9]+$"'

# ---- a storm from many addresses, while penrose reconnects ----

mvd_stop penrose
mark=$(mvd_log_mark einstein)
client storm 8 60 >"$MVD_DIR/storm.out" &
storm=$!
sleep 3
pre=$(mvd_ctl einstein dump connections | grep -c '<unknown>')
assert "at most 16 unauthenticated connections at einstein during the storm ($pre)" \
	test "$pre" -le 16
mvd_start penrose
assert "penrose connects during the storm" \
	mvd_wait_field 10 einstein penrose connected true
wait "$storm"
assert "the storm from 64 addresses ran" grep -q opened "$MVD_DIR/storm.out"
assert "MaxPreAuthConnections dropped the oldest strangers" \
	test "$(dstat limits MaxPreAuthConnections refused)" -ge 100
assert "... with a log line" \
	mvd_logged_since einstein "$mark" \
	'Too many unauthenticated connections \(MaxPreAuthConnections 16\): dropping the oldest, from <unknown> \(198\.51\.100\.1[0-6][0-9] port'
assert_ping hawking 10.10.0.4 3 "hawking pings penrose after the storms"

# ---- out of descriptors ----

# Room for 3 more descriptors: held connections take them, the next
# accept() fails with EMFILE.
assert "the storm's connections are gone" \
	wait_for 5 eval '! mvd_ctl einstein dump connections | grep -F "<unknown>" >/dev/null'
nfd=$(ls "/proc/$EPID/fd" | wc -l)
prlimit --pid "$EPID" --nofile=$((nfd + 3)):4096
mark=$(mvd_log_mark einstein)
# (topo_bg: $! is python itself, to be killed below.)
topo_bg mallory "$MVD_PY" "$MVD_DIR/client.py" hold 6 >"$MVD_DIR/hold.out" 2>&1
hold=$!
# Measured before einstein's 10 s authentication timeout frees any.
wait_for 5 grep -q holding "$MVD_DIR/hold.out"
# A control client waits in the backlog of the other listener meanwhile.
client control "$MVD_DIR/einstein.socket" 'dump stats\n' >"$MVD_DIR/ctl.out" &
ctl=$!
t0=$(cpu_ticks "$EPID")
sleep 3
t1=$(cpu_ticks "$EPID")
hz=$(getconf CLK_TCK)
assert "einstein does not spin on EMFILE ($((t1 - t0)) ticks of CPU in 3 s, want < $((hz / 10)))" \
	test $((t1 - t0)) -lt $((hz / 10))
assert "it ran out of descriptors, and said so" \
	mvd_logged_since einstein "$mark" \
	'Cannot accept connections: Too many open files; pausing the listener for a second'
assert "... for the control socket too" \
	mvd_logged_since einstein "$mark" \
	'Cannot accept control clients: Too many open files; pausing for a second'
wait "$ctl"
prlimit --pid "$EPID" --nofile=4096:4096
kill "$hold" 2>/dev/null
wait "$hold" 2>/dev/null
assert "it accepts again once descriptors are free" \
	test "$(client probe)" = hello
assert "the pauses are counted" test "$(dstat meta accept_paused)" -ge 1
assert "hawking still reaches penrose" mvd_wait_field 10 einstein hawking connected true
assert_ping hawking 10.10.0.4 2 "hawking pings penrose after the descriptor drought"

# ---- penrose flaps 100 subnets ----

subnets=$(for i in $(seq 0 99); do echo "Subnet = 10.20.$i.0/24"; done)
cp "$MVD_DIR/penrose/hosts/penrose" "$MVD_DIR/penrose.host"
merged0=$(dstat scripts merged)
mark=$(mvd_log_mark einstein)
for round in 1 2 3 4 5; do
	{ cat "$MVD_DIR/penrose.host"; echo "$subnets"; } >"$MVD_DIR/penrose/hosts/penrose"
	mvd_ctl penrose reload
	sleep 0.4
	cp "$MVD_DIR/penrose.host" "$MVD_DIR/penrose/hosts/penrose"
	mvd_ctl penrose reload
	sleep 0.4
done
assert "einstein saw the subnets come and go" \
	mvd_logged_since einstein "$mark" 'Script queue of penrose is full \(ScriptQueueLimit 40\): dropped .*/subnet-(up|down)'
assert "queued up/down pairs were merged" \
	test "$(dstat scripts merged)" -gt "$merged0"
assert "past ScriptQueueLimit, scripts were dropped and counted" \
	test "$(dstat limits ScriptQueueLimit refused)" -gt 0
pending=$(dstat scripts pending)
assert "at most one script runs and 40 wait for penrose ($pending pending after 1000 events)" \
	test "$pending" -le 41
assert "the queue drains" wait_for 15 eval 'test "$(dstat scripts pending)" = 0'
assert_ping hawking 10.10.0.4 2 "hawking pings penrose after the flapping"

# ---- the control socket ----

answer=$(client control "$MVD_DIR/einstein.socket" '\0\n')
assert "the control request \"\\0\\n\" is refused ($answer)" \
	test "$answer" = "ERROR request contains control character 0x00"
assert "einstein lives on" mvd_alive einstein
assert "and answers the next request" mvd_ctl einstein dump stats

mvd_assert_clean
summary
