#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# One TCP flow is one outer UDP flow, which the stack handles on one CPU;
# meshvpn.ko must still spread its crypto over every CPU and keep each
# node's packets in order. Observed with the workqueue trace events: during
# one iperf3 flow, the module's crypto workers ran on every CPU, the
# transfer completed, and no message was lost to the replay window or the
# tag check (which reordering past the window or a mixed-up job would
# show).
# vm-timeout: 300
source "$TOP/selftests/vm/lib/mesh.sh"

cpus=$(nproc)
if ((cpus < 2)); then
	echo "SKIP: one CPU, nothing to spread over"
	exit 4
fi
TRACE=/sys/kernel/tracing
[[ -d $TRACE/events ]] || mount -t tracefs nodev "$TRACE" 2>/dev/null
if [[ ! -e $TRACE/events/workqueue/workqueue_execute_start/enable ]]; then
	echo "SKIP: no workqueue trace events in this kernel"
	exit 4
fi

mesh_pair
mesh_keys a 1 b 2 chacha20-poly1305

ip netns exec b iperf3 -s -D -1 -p 5201 >/dev/null
sleep 0.5

echo 0 >"$TRACE/tracing_on"
echo >"$TRACE/trace"
echo 1 >"$TRACE/events/workqueue/workqueue_execute_start/enable"
echo 1 >"$TRACE/tracing_on"
ip netns exec a iperf3 -c 10.10.0.2 -p 5201 -t 4 -J >/tmp/iperf.json
echo 0 >"$TRACE/tracing_on"
echo 0 >"$TRACE/events/workqueue/workqueue_execute_start/enable"

# "kworker/1:2-123 [001] ...: workqueue_execute_start: work struct ...:
# function meshvpn_crypt_worker" -> the CPU of each run of a crypto worker.
used=$(grep 'function meshvpn_crypt_worker' "$TRACE/trace" |
	sed -n 's/.*\[0*\([0-9][0-9]*\)\].*/\1/p' | sort -u | wc -l)
echo >"$TRACE/trace"
expect_eq "CPUs that ran meshvpn.ko's crypto during one flow" "$used" "$cpus" ||
	exit 1

"$PY" - <<'PY' || exit 1
import json
r = json.load(open("/tmp/iperf.json"))
bps = r["end"]["sum_received"]["bits_per_second"]
print("ok: one flow moved %.1f Mbit/s" % (bps / 1e6))
assert bps > 0, "no data moved"
PY
for ns_peer in "b 1" "a 2"; do
	read -r ns peer <<<"$ns_peer"
	expect_eq "$ns: decrypt errors" "$(mesh_counter "$ns" "$peer" rx_decrypt_errors)" 0 ||
		exit 1
	expect_eq "$ns: replay drops" "$(mesh_counter "$ns" "$peer" rx_replay_drops)" 0 ||
		exit 1
done
echo "ok: all"
