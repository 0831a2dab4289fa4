#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The seed article's Pacific story: two laptops far from the hub but close
# to each other. The hub links take 150 ms each way, the direct link 20 ms
# round trip; the first replies come the long way through einstein, then
# the RTT drops to about the direct figure. Needs sch_netem (the VM has it;
# this host kernel does not).
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
source "$TOP/selftests/lib/netns.sh"
source "$TOP/selftests/lib/meshvpnd.sh"
source "$TOP/selftests/lib/seed.sh"

topo_init
topo_node einstein
topo_node hawking
topo_node penrose
topo_link hawking einstein 10.1.1.2/24 10.1.1.1/24
topo_link penrose einstein 10.1.2.2/24 10.1.2.1/24
topo_link hawking penrose 10.1.3.2/24 10.1.3.3/24
delay() {
	topo_exec "$1" tc qdisc add dev "$2" root netem delay "$3" 2>/dev/null
}
delay hawking eth0 75ms || skip_all "no sch_netem in this kernel"
delay einstein eth0 75ms
delay penrose eth0 75ms
delay einstein eth1 75ms
delay hawking eth1 10ms
delay penrose eth1 10ms

mvd_init
star_build --no-topo \
	--host einstein "Address = 10.1.1.1" --host einstein "Address = 10.1.2.1" \
	hawking penrose
star_start
mvd_wait_field 20 hawking penrose reachable true ||
	fail "hawking sees penrose" "$(mvd_ctl hawking dump nodes)"

out=$(topo_exec hawking ping -c 10 -i 0.5 -W 3 10.10.0.4 2>&1)
mapfile -t rtts < <(sed -n 's/.*time=\([0-9.]*\) ms/\1/p' <<<"$out")
slow=0
for r in "${rtts[@]}"; do
	# A relayed reply takes four 75 ms hops; a direct one two 10 ms hops.
	[[ ${r%.*} -lt 100 ]] || slow=$((slow + 1))
done
if ((${#rtts[@]} >= 9)); then
	pass "hawking pings penrose across the Pacific (${#rtts[@]}/10 replies)"
else
	fail "hawking pings penrose across the Pacific (${#rtts[@]}/10 replies)" "$out"
fi
if ((slow <= 2)); then
	pass "at most 2 replies came the long way ($slow; RTTs ${rtts[*]})"
else
	fail "at most 2 replies came the long way ($slow)" "$out"
fi
last=${rtts[${#rtts[@]} - 1]:-999}
assert "the last RTT is about the direct link's 20 ms (${last} ms)" \
	test "${last%.*}" -lt 40
assert "hawking's path to penrose is direct" \
	test "$(mvd_field hawking penrose path)" = direct
assert "over the direct link" \
	test "$(mvd_field hawking penrose endpoint)" = "10.1.3.3:655"

summary
