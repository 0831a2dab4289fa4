# shellcheck shell=bash
#
# selftests/lib/netns.sh - throw-away network topologies for meshvpn tests.
#
# A topology is a set of Linux network namespaces on the host:
#
#   node    a namespace standing for one machine; its interfaces are named
#           eth0, eth1, ... in the order they were attached.
#   switch  a namespace holding one bridge (br0): an L2 segment that nodes
#           plug into.  Keeping the bridge in its own namespace means that
#           nothing of the test is ever visible in the host namespace.
#   link    a veth pair straight between two nodes (no switch).
#   NAT     a node with an outside and an inside interface that forwards
#           and masquerades IPv4 (nftables), with a stateful filter that
#           drops unsolicited inbound traffic, like a home router.
#
# Namespace names are "mv<pid>-<node>" and "mv<pid>-sw.<switch>", <pid> being
# the shell that called topo_init.  The pid keeps parallel runs apart, and it
# lets anyone find the leftovers of a crashed run: a namespace whose owner pid
# is gone is stale (topo_cleanup_stale).
#
# Usage:
#   source "$TOP/selftests/lib/netns.sh"
#   topo_init
#   topo_switch wan
#   topo_node einstein wan 198.51.100.1/24 2001:db8::1/64
#   topo_switch lan1
#   topo_nat nat1 wan 198.51.100.11/24 lan1 192.168.1.1/24
#   topo_node hawking lan1 192.168.1.2/24 --gw 192.168.1.1
#   assert_ping hawking 198.51.100.1
#   summary
#
# API (see each function's comment for details):
#   topo_init                     start a run: prefix, teardown traps
#   topo_switch NAME              create a switch (bridge in its own netns)
#   topo_node NAME [SW [ADDR...]] [--gw GW]...
#                                 create a node / attach it to a switch
#   topo_link A B [ADDRS_A [ADDRS_B]]
#                                 veth straight between two nodes
#   topo_nat NAME OUTSW OUTADDRS INSW INADDRS [--gw GW] [--symmetric]
#            [--no-filter] [--forward PROTO:PORT:ADDR[:PORT]]...
#                                 NAT router between two switches
#   topo_forward NODE             make a node a plain (non-NAT) router
#   topo_rate NODE IFACE RATE [BURST [LATENCY]]
#                                 rate-limit a node's egress (tc tbf)
#   topo_loss NODE IFACE PERCENT  drop PERCENT% of a node's egress IP packets
#   topo_exec NODE CMD...         run a command in a node
#   topo_bg NODE CMD...           start a tracked background command ($!)
#   topo_defer CMD...             run CMD at teardown (instead of own traps)
#   topo_ns [-s] NAME             print a node's (-s: switch's) netns name
#   topo_teardown                 kill processes, delete namespaces (auto)
#   topo_cleanup_stale            remove namespaces of runs that are gone
#   wait_for TIMEOUT CMD...       poll CMD until it succeeds or TIMEOUT secs
#   assert NAME CMD...            record pass if CMD succeeds, else fail
#   assert_ping NODE ADDR [COUNT [NAME]]
#                                 record pass if NODE gets COUNT replies
#   assert_no_ping NODE ADDR [SECS [NAME]]
#                                 record pass if NODE gets no reply
#   pass NAME / fail NAME MSG / skip NAME MSG
#                                 record and print one result
#   summary                       print "N passed, N failed, N skipped"
#   skip_all MSG                  skip the whole test (exit 4)
#   topo_require CMD...           skip_all unless all commands exist
#
# Addresses are given with their prefix length; several may be given as a
# comma-separated list ("10.0.0.1/24,fd00::1/64").  IPv6 addresses are added
# with nodad and DAD is off in every node, so they are usable at once.
#
# Do not install EXIT/INT/TERM/HUP traps in a test after topo_init: they
# would replace the teardown.  Use topo_defer for extra cleanup.
#
# Tunables (environment): TOPO_KILL_GRACE (seconds between SIGTERM and
# SIGKILL at teardown, default 2), TOPO_POLL (wait_for interval, default
# 0.1).  TOPO_REGISTRY is set by selftests/netns/run for its leak check.

# Sourcing twice in one shell must not wipe the state of a running topology.
if declare -F topo_init >/dev/null; then
	return 0
fi

# The whole state of the library.  Declared global explicitly so that
# sourcing from inside a function still works.
declare -g TOPO_PREFIX=""   # "mv<pid>-" once topo_init ran
declare -g TOPO_OWNER=""    # $BASHPID of the shell that ran topo_init
declare -ga TOPO_NS=()      # namespaces of this run, in creation order
declare -ga TOPO_PIDS=()    # processes started by topo_bg
declare -ga TOPO_DEFER=()   # commands registered with topo_defer
declare -gA TOPO_COUNT=([pass]=0 [fail]=0 [skip]=0 [summary]=0)

# Linux limits interface names to 15 bytes (IFNAMSIZ - 1).
readonly TOPO__IFNAMSIZ=15

# ---------------------------------------------------------------------------
# Internal helpers (topo__*).

# Say which test line called the failing library function: a bare "command
# failed" is useless in a 200-line test.
topo__err() {
	local i=1
	# Walk up to the first frame outside this file.
	while [[ ${BASH_SOURCE[i]:-} == "${BASH_SOURCE[0]}" ]]; do
		i=$((i + 1))
	done
	printf 'netns.sh: %s: %s (called from %s:%s)\n' \
		"${FUNCNAME[i - 1]:-?}" "$*" \
		"${BASH_SOURCE[i]:-?}" "${BASH_LINENO[i - 1]:-?}" >&2
}

# A broken topology makes every later assertion meaningless, so setup errors
# end the test (the EXIT trap tears down what was built so far) instead of
# relying on the caller having set -e.
topo__die() {
	topo__err "$@"
	exit 1
}

topo__run() {
	"$@" || topo__die "command failed: $*"
}

topo__need_init() {
	[[ -n $TOPO_PREFIX ]] || topo__die "call topo_init first"
}

topo__check_name() {
	# No dots: "sw." marks switch namespaces, so node and switch names can
	# never produce the same namespace name.
	[[ $1 =~ ^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$ ]] ||
		topo__die "bad name '$1' (letters, digits, _ and -, at most 32)"
}

topo__ns_exists() {
	[[ -e /run/netns/$1 ]]
}

# topo__node_ns NODE VAR: store the namespace of an existing node in VAR;
# die if there is none.  Results go through variables, not $( ), here and
# below: every fork costs, and a topology makes hundreds of these calls.
topo__node_ns() {
	topo__need_init
	topo__ns_exists "${TOPO_PREFIX}$1" || topo__die "no such node '$1'"
	printf -v "$2" '%s' "${TOPO_PREFIX}$1"
}

topo__switch_ns() {
	topo__need_init
	topo__ns_exists "${TOPO_PREFIX}sw.$1" || topo__die "no such switch '$1'"
	printf -v "$2" '%s' "${TOPO_PREFIX}sw.$1"
}

# Microseconds since the epoch, into variable $1.  EPOCHREALTIME's decimal
# point follows the locale, so strip every non-digit rather than parse it.
topo__now_us() {
	printf -v "$1" '%s' "${EPOCHREALTIME//[!0-9]/}"
}

# "1.5" -> 1500000, into variable $2.
topo__secs_to_us() {
	local s=$1 int frac="0"
	[[ $s =~ ^[0-9]+(\.[0-9]+)?$ ]] || topo__die "bad number of seconds '$s'"
	int=${s%%.*}
	[[ $s == *.* ]] && frac=${s#*.}
	frac="${frac}000000"
	printf -v "$2" '%d' "$((10#$int * 1000000 + 10#${frac:0:6}))"
}

# True if the process exists and is not a zombie.  kill -0 alone would call
# a zombie alive, and a killed daemon whose parent has not reaped it yet (or
# never will, when PID 1 does not reap) is dead for our purposes.
topo__alive() {
	local stat rest
	read -r stat 2>/dev/null <"/proc/$1/stat" || return 1
	rest=${stat##*) }
	[[ ${rest%% *} != [ZX] ]]
}

# topo__ns_pids NS...: print the pids of the processes inside any of the
# given namespaces.  One scan of /proc for all of them, where "ip netns
# pids" would scan once per namespace.
topo__ns_pids() {
	(($#)) || return 0
	local ns ino path link pid
	local -a files=()
	local -A want=()
	for ns in "$@"; do
		files+=("/run/netns/$ns")
	done
	while read -r ino; do
		want[$ino]=1
	done < <(stat -L -c %i "${files[@]}" 2>/dev/null)
	# The links read "net:[INODE]", INODE being that of the namespace.
	while read -r path link; do
		ino=${link#net:[}
		ino=${ino%]}
		[[ -n $ino && -n ${want[$ino]:-} ]] || continue
		pid=${path#/proc/}
		printf '%s\n' "${pid%%/*}"
	done < <(find /proc/[0-9]*/ns/net -maxdepth 0 -printf '%p %l\n' 2>/dev/null)
	return 0
}

# SIGTERM the given pids, give them TOPO_KILL_GRACE seconds to exit, then
# SIGKILL the rest.  Daemons deserve a chance to exit cleanly (and to show
# in a test that they do), but a hung one must not hang the teardown.
topo__kill_pids() {
	local -a pids=() left=()
	local -A seen=()
	local pid now deadline grace_us
	for pid in "$@"; do
		[[ -z ${seen[$pid]:-} ]] || continue
		seen[$pid]=1
		topo__alive "$pid" && pids+=("$pid")
	done
	((${#pids[@]})) || return 0
	topo__secs_to_us "${TOPO_KILL_GRACE:-2}" grace_us
	topo__now_us now
	deadline=$((now + grace_us))
	# stderr off while our jobs die: bash would report each one of them
	# ("Terminated", "Killed"), which is only noise in a test's log.
	{
		kill -TERM "${pids[@]}" || true
		while :; do
			left=()
			for pid in "${pids[@]}"; do
				topo__alive "$pid" && left+=("$pid")
			done
			((${#left[@]})) || break
			topo__now_us now
			((now < deadline)) || break
			sleep 0.05
		done
	} 2>/dev/null
	((${#left[@]})) || return 0
	for pid in "${left[@]}"; do
		printf 'netns.sh: pid %s (%s) ignored SIGTERM, sending SIGKILL\n' \
			"$pid" "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" >&2
	done
	# SIGKILL is not instantaneous (a process in D state finishes its
	# syscall first); wait up to 2 s so the namespace deletion that
	# follows really frees the interfaces.
	{
		kill -KILL "${left[@]}" || true
		local -a still
		for _ in {1..40}; do
			still=()
			for pid in "${left[@]}"; do
				topo__alive "$pid" && still+=("$pid")
			done
			((${#still[@]})) || break
			left=("${still[@]}")
			sleep 0.05
		done
	} 2>/dev/null
	return 0
}

# topo__ns_remove NS...: remove namespaces including whatever still runs
# inside them: a process keeps its namespace (and the veths in it) alive
# after "ip netns del".
topo__ns_remove() {
	(($#)) || return 0
	local ns batch=""
	local -a pids
	mapfile -t pids < <(topo__ns_pids "$@")
	topo__kill_pids "${pids[@]}"
	for ns in "$@"; do
		batch+="netns del $ns"$'\n'
	done
	# One ip for all; -force: one already gone must not stop the rest.
	ip -force -batch - <<<"$batch" >/dev/null 2>&1 || true
}

# Create a namespace with lo up (and for a switch, its bridge).  It is
# registered before creation so that a signal arriving in between cannot
# leak it.
topo__ns_create() {
	local ns=$1 kind=$2
	TOPO_NS+=("$ns")
	topo__run ip netns add "$ns"
	if [[ $kind == switch ]]; then
		# Before the bridge exists, so that it and its ports inherit it:
		# no IPv6 on ports, which need no addresses (no RS/MLD noise in
		# captures).  br_netfilter must not push bridged frames through
		# this namespace's IP hooks and conntrack.  -e: the bridge keys
		# exist only where br_netfilter is built in or loaded.
		ip netns exec "$ns" sysctl -qw -e \
			net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1 \
			net.bridge.bridge-nf-call-iptables=0 \
			net.bridge.bridge-nf-call-ip6tables=0 \
			net.bridge.bridge-nf-call-arptables=0 >/dev/null 2>&1 || true
		# STP would hold ports in "listening" for seconds; multicast
		# snooping without an MLD querier can silently stop forwarding
		# IPv6 neighbour discovery.
		topo__batch "$ns" "link set lo up
link add name br0 type bridge stp_state 0 forward_delay 0 mcast_snooping 0
link set br0 up"
	else
		# DAD off for every interface created later (they inherit
		# "default"), link-local addresses included; RAs are not ours.
		topo__run ip netns exec "$ns" sysctl -qw \
			net.ipv6.conf.all.accept_dad=0 \
			net.ipv6.conf.default.accept_dad=0 \
			net.ipv6.conf.all.accept_ra=0 \
			net.ipv6.conf.default.accept_ra=0
		topo__run ip -n "$ns" link set lo up
	fi
}

# topo__batch NS COMMANDS: run newline-separated ip commands in NS with a
# single ip process (-batch); die showing them if one fails.
topo__batch() {
	ip -n "$1" -batch - <<<"$2" ||
		topo__die "ip -n $1 -batch failed on:"$'\n'"$2"
}

# topo__node_ensure NAME VAR: create node NAME if needed, store its
# namespace in VAR.  Functions that create things return through a variable
# and are never run inside $( ): a subshell would lose the TOPO_NS entry and
# the namespace would leak.
topo__node_ensure() {
	topo__need_init
	topo__check_name "$1"
	local _ns="${TOPO_PREFIX}$1"
	topo__ns_exists "$_ns" || topo__ns_create "$_ns" node
	printf -v "$2" '%s' "$_ns"
}

# topo__next_if NS VAR: store the first free ethN of NS in VAR.
# Interfaces are named in the order they are attached, so tests can rely on
# eth0 being the first one.
topo__next_if() {
	local _i_out _i_names=" " _i_name _i_n=0
	_i_out=$(ip -n "$1" -o link show) || topo__die "cannot list links of $1"
	# Lines look like "2: eth0@if3: <BROADCAST,...> ...".
	while read -r _ _i_name _; do
		_i_name=${_i_name%:}
		_i_names+="${_i_name%%@*} "
	done <<<"$_i_out"
	while [[ $_i_names == *" eth$_i_n "* ]]; do
		_i_n=$((_i_n + 1))
	done
	printf -v "$2" 'eth%d' "$_i_n"
}

# topo__if_setup NS DEV GWS ADDR...: bring DEV up, add the addresses (each
# argument a comma-separated list, "-" for none) and a default route via
# each gateway in the comma-separated GWS, in one ip process.
topo__if_setup() {
	local ns=$1 dev=$2 gws=$3 arg addr gw batch
	local -a list
	shift 3
	batch="link set $dev up"
	for arg in "$@"; do
		[[ $arg == - ]] && continue
		IFS=, read -ra list <<<"$arg"
		for addr in "${list[@]}"; do
			# Without a prefix length ip assumes /32 or /128 and
			# nothing is on-link: always a mistake in a topology.
			[[ $addr =~ ^[0-9A-Fa-f.:]+/[0-9]+$ ]] ||
				topo__die "bad address '$addr' (want ADDR/PREFIXLEN)"
			batch+=$'\n'"addr add $addr dev $dev"
			[[ $addr == *:* ]] && batch+=" nodad"
		done
	done
	IFS=, read -ra list <<<"$gws"
	for gw in "${list[@]}"; do
		[[ $gw =~ ^[0-9A-Fa-f.:]+$ ]] || topo__die "bad gateway '$gw'"
		# "dev" makes link-local IPv6 gateways work too.
		batch+=$'\n'"route replace default via $gw dev $dev"
	done
	topo__batch "$ns" "$batch"
}

# topo__attach NODE SWITCH VAR: attach NODE to SWITCH with a new veth and
# store the node's interface name in VAR.  Locals are prefixed so that they
# cannot shadow the caller's VAR (printf -v uses dynamic scope).
topo__attach() {
	local _a_node=$1 _a_sw=$2 _a_nns _a_sns _a_ifn _a_port _a_n=0
	topo__switch_ns "$_a_sw" _a_sns
	topo__node_ensure "$_a_node" _a_nns
	topo__next_if "$_a_nns" _a_ifn
	# Name the switch port after its peer so captures in the switch are
	# readable; fall back to pN if truncation made the name collide.
	_a_port="${_a_node:0:$((TOPO__IFNAMSIZ - 1 - ${#_a_ifn}))}-$_a_ifn"
	while ip -n "$_a_sns" link show "$_a_port" >/dev/null 2>&1; do
		_a_port="p$_a_n"
		_a_n=$((_a_n + 1))
	done
	# Both ends are created directly in their namespaces, so the host
	# namespace never sees them (no name clashes between parallel runs).
	# "name" everywhere: ip takes a bare word that is a prefix of one of
	# its keywords ("a", "ad"...) as that keyword.
	topo__run ip link add name "$_a_port" netns "$_a_sns" type veth \
		peer name "$_a_ifn" netns "$_a_nns"
	topo__run ip -n "$_a_sns" link set dev "$_a_port" \
		alias "$_a_node:$_a_ifn" master br0 up
	printf -v "$3" '%s' "$_a_ifn"
}

# ---------------------------------------------------------------------------
# Topology.

# topo_init: start a run.  Picks the prefix "mv<pid>-", removes leftovers
# of an earlier run that had the same pid (it must be dead: we have its
# pid now), and installs the traps that tear everything down on exit,
# set -e abort, Ctrl-C, SIGTERM and SIGHUP.
topo_init() {
	((EUID == 0)) || skip_all "network namespaces need root"
	topo_require ip sysctl
	if [[ $TOPO_OWNER == "$BASHPID" ]]; then
		topo__die "topo_init called twice"
	fi
	# A subshell inherits the parent's arrays; it must never tear down
	# the parent's namespaces.
	TOPO_NS=()
	TOPO_PIDS=()
	TOPO_DEFER=()
	TOPO_OWNER=$BASHPID
	TOPO_PREFIX="mv${BASHPID}-"
	local ns
	local -a old=()
	while read -r ns _; do
		[[ $ns == "$TOPO_PREFIX"* ]] && old+=("$ns")
	done < <(ip netns list 2>/dev/null)
	topo__ns_remove "${old[@]}"
	# Under selftests/netns/run: leave the prefix in the runner's
	# per-test directory, so that a namespace leaked by any process the
	# test started (a nested run, not only the test itself) is found.
	if [[ -n ${TOPO_REGISTRY:-} ]]; then
		: 2>/dev/null >"$TOPO_REGISTRY/$TOPO_PREFIX" || true
	fi
	trap topo__on_exit EXIT
	trap 'topo__on_signal INT' INT
	trap 'topo__on_signal TERM' TERM
	trap 'topo__on_signal HUP' HUP
}

# topo_switch NAME: create an L2 switch: bridge br0 in namespace
# mv<pid>-sw.NAME, where ports are named NODE-ethN (or pN if too long).
topo_switch() {
	(($# == 1)) || topo__die "usage: topo_switch NAME"
	topo__need_init
	topo__check_name "$1"
	local ns="${TOPO_PREFIX}sw.$1"
	topo__ns_exists "$ns" && topo__die "switch '$1' exists"
	topo__ns_create "$ns" switch
}

# topo_node NAME [SWITCH [ADDR...]] [--gw GW]...
# Create node NAME if needed; with SWITCH, attach a new interface (eth0,
# eth1, ... in order of attachment) to it with the given addresses.  --gw
# sets the default route through that interface (give it twice for IPv4
# and IPv6).  Calling it again for an existing node adds an interface.
topo_node() {
	(($# >= 1)) || topo__die "usage: topo_node NAME [SWITCH [ADDR...]] [--gw GW]..."
	local node=$1 sw="" ns ifn gws=""
	local -a addrs=()
	shift
	while (($#)); do
		case $1 in
		--gw)
			(($# >= 2)) || topo__die "--gw needs an address"
			gws+="${gws:+,}$2"
			shift 2
			;;
		-*) topo__die "unknown option '$1'" ;;
		*)
			if [[ -z $sw ]]; then sw=$1; else addrs+=("$1"); fi
			shift
			;;
		esac
	done
	if [[ -z $sw ]]; then
		[[ ${#addrs[@]} == 0 && -z $gws ]] ||
			topo__die "addresses and --gw need a switch"
		topo__node_ensure "$node" ns
		return 0
	fi
	topo__attach "$node" "$sw" ifn
	topo__if_setup "${TOPO_PREFIX}$node" "$ifn" "$gws" "${addrs[@]}"
}

# topo_link A B [ADDRS_A [ADDRS_B]]: a veth straight between nodes A and B
# (created if needed), each end named after the next free ethN.
topo_link() {
	(($# >= 2 && $# <= 4)) || topo__die "usage: topo_link A B [ADDRS_A [ADDRS_B]]"
	local a=$1 b=$2 nsa nsb ifa ifb
	[[ $a != "$b" ]] || topo__die "cannot link '$a' to itself"
	topo__node_ensure "$a" nsa
	topo__node_ensure "$b" nsb
	topo__next_if "$nsa" ifa
	topo__next_if "$nsb" ifb
	topo__run ip link add name "$ifa" netns "$nsa" type veth \
		peer name "$ifb" netns "$nsb"
	topo__if_setup "$nsa" "$ifa" "" "${3:--}"
	topo__if_setup "$nsb" "$ifb" "" "${4:--}"
}

# topo_forward NODE: turn on IPv4 and IPv6 forwarding (a plain router).
topo_forward() {
	(($# == 1)) || topo__die "usage: topo_forward NODE"
	local ns
	topo__node_ns "$1" ns
	topo__run ip netns exec "$ns" sysctl -qw \
		net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
}

# topo_nat NAME OUTSW OUTADDRS INSW INADDRS [options]
# A new node NAME with eth0 on OUTSW (outside) and eth1 on INSW (inside).
# IPv4 from the inside is masqueraded to eth0's address; IPv6 is routed
# without NAT, like most home routers.  Options:
#   --gw GW        default route on the outside (repeat for v4 and v6)
#   --symmetric    "masquerade random,fully-random": every flow gets a
#                  random port, so the mapping depends on the destination
#                  (a symmetric NAT; hole punching by port guess fails)
#   --no-filter    accept unsolicited inbound traffic (by default only
#                  established/related flows, port forwards and pings get
#                  in, through the router or to it; the rest is dropped)
#   --forward PROTO:PORT:ADDR[:PORT]
#                  port forward (DNAT) from eth0 to an inside IPv4 host
# Without --symmetric Linux keeps the inside source port when it is free:
# endpoint-independent mapping with address-and-port-dependent filtering,
# i.e. a port-restricted cone NAT, through which hole punching works.
topo_nat() {
	(($# >= 5)) || topo__die "usage: topo_nat NAME OUTSW OUTADDRS INSW INADDRS [options]"
	local node=$1 osw=$2 oaddrs=$3 isw=$4 iaddrs=$5 ns
	local masq_opts="" filter=1 fw proto port addr dport rules
	local -a gws=() fwds=()
	shift 5
	while (($#)); do
		case $1 in
		--gw)
			(($# >= 2)) || topo__die "--gw needs an address"
			gws+=(--gw "$2")
			shift 2
			;;
		--symmetric)
			masq_opts=" random,fully-random"
			shift
			;;
		--no-filter)
			filter=0
			shift
			;;
		--forward)
			(($# >= 2)) || topo__die "--forward needs PROTO:PORT:ADDR[:PORT]"
			[[ $2 =~ ^(tcp|udp):([0-9]+):([0-9.]+)(:([0-9]+))?$ ]] ||
				topo__die "bad --forward '$2' (PROTO:PORT:IPV4ADDR[:PORT])"
			fwds+=("$2")
			shift 2
			;;
		*) topo__die "unknown option '$1'" ;;
		esac
	done
	topo__need_init
	topo__check_name "$node"
	! topo__ns_exists "${TOPO_PREFIX}$node" || topo__die "node '$node' exists"
	topo_node "$node" "$osw" "$oaddrs" "${gws[@]}"
	topo_node "$node" "$isw" "$iaddrs"
	topo__node_ns "$node" ns
	topo_forward "$node"

	rules=""
	for fw in "${fwds[@]}"; do
		IFS=: read -r proto port addr dport <<<"$fw"
		rules+="		iifname \"eth0\" $proto dport $port dnat ip to $addr:${dport:-$port}"$'\n'
	done
	local filter_rules="" input_rules=""
	if ((filter)); then
		filter_rules='		iifname "eth0" ct state established,related accept
		iifname "eth0" ct status dnat accept
		iifname "eth0" drop'
		# Unsolicited packets to the router itself are dropped too, and
		# that matters for NAT traversal, not just tidiness: delivered
		# (or answered with port-unreachable), such a packet leaves a
		# conntrack entry whose reply tuple is exactly the mapping the
		# inside host is about to create, and the masquerade then picks
		# another port.  Simultaneous UDP hole punching between two of
		# these NATs would fail.  Dropped in "input", the entry is never
		# confirmed.  Ping and neighbour discovery still work.
		input_rules='		iifname "eth0" ct state established,related accept
		iifname "eth0" icmp type echo-request accept
		iifname "eth0" icmpv6 type { echo-request, nd-neighbor-solicit, nd-neighbor-advert, nd-router-solicit, nd-router-advert } accept
		iifname "eth0" drop'
	fi
	topo__run ip netns exec "$ns" nft -f - <<-EOF
		table inet topo_nat {
			chain postrouting {
				type nat hook postrouting priority srcnat; policy accept;
				oifname "eth0" meta nfproto ipv4 masquerade$masq_opts
			}
			chain prerouting {
				type nat hook prerouting priority dstnat; policy accept;
		$rules	}
			chain forward {
				type filter hook forward priority filter; policy accept;
		$filter_rules
			}
			chain input {
				type filter hook input priority filter; policy accept;
		$input_rules
			}
		}
	EOF
}

# topo_rate NODE IFACE RATE [BURST [LATENCY]]: limit the egress of IFACE
# with a token bucket (tc tbf), e.g. topo_rate a eth0 10mbit.  netem is not
# available everywhere, so there is no delay emulation here.
topo_rate() {
	(($# >= 3 && $# <= 5)) || topo__die "usage: topo_rate NODE IFACE RATE [BURST [LATENCY]]"
	local ns
	topo__node_ns "$1" ns
	topo_require tc
	topo__run ip netns exec "$ns" tc qdisc replace dev "$2" root tbf \
		rate "$3" burst "${4:-64kb}" latency "${5:-100ms}"
}

# topo_loss NODE IFACE PERCENT: drop PERCENT% (0-100) of the IP packets
# leaving IFACE, at random.  nftables instead of netem (which may be
# missing).  ARP (not IP) and IPv6 neighbour discovery are spared, so the
# loss hits traffic, not neighbour resolution.  PERCENT 0 removes it.
topo_loss() {
	(($# == 3)) || topo__die "usage: topo_loss NODE IFACE PERCENT"
	local ns chain="loss_$2"
	topo__node_ns "$1" ns
	if ! [[ $3 =~ ^[0-9]+$ ]] || (($3 > 100)); then
		topo__die "bad percentage '$3'"
	fi
	topo_require nft
	topo__run ip netns exec "$ns" nft -f - <<-EOF
		table inet topo_impair {
			chain $chain {
				type filter hook postrouting priority filter; policy accept;
			}
		}
		flush chain inet topo_impair $chain
	EOF
	if (($3 > 0)); then
		local cond=""
		# numgen values are 0-99, so "< 100" is out of range for nft.
		(($3 == 100)) || cond="numgen random mod 100 < $3"
		topo__run ip netns exec "$ns" nft -f - <<-EOF
			add rule inet topo_impair $chain oifname "$2" icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, nd-router-solicit, nd-router-advert } accept
			add rule inet topo_impair $chain oifname "$2" $cond drop
		EOF
	fi
}

# topo_exec NODE CMD...: run CMD inside NODE (foreground).
topo_exec() {
	(($# >= 2)) || topo__die "usage: topo_exec NODE CMD..."
	local ns
	topo__node_ns "$1" ns
	shift
	ip netns exec "$ns" "$@"
}

# topo_bg NODE CMD...: start CMD inside NODE in the background; it is
# killed at teardown (SIGTERM, then SIGKILL after TOPO_KILL_GRACE).  $! is
# its pid afterwards.  Redirect the call to keep its output: topo_bg a cmd
# >"$log" 2>&1.
topo_bg() {
	(($# >= 2)) || topo__die "usage: topo_bg NODE CMD..."
	local ns
	topo__node_ns "$1" ns
	shift
	# ip netns exec execs CMD, so $! is CMD itself, not a wrapper.
	ip netns exec "$ns" "$@" &
	TOPO_PIDS+=("$!")
}

# topo_udp_count NODE ADDR PORT FIRST [QUIET]: in the background, count the
# UDP datagrams NODE receives on ADDR:PORT (ADDR "" for any address) and
# print the count once none came for FIRST seconds before the first one, or
# for QUIET seconds (default FIRST) after one.  $! is its pid afterwards;
# redirect the call to keep the count: topo_udp_count a "" 9 5 >"$file".
topo_udp_count() {
	(($# >= 4)) || topo__die "usage: topo_udp_count NODE ADDR PORT FIRST [QUIET]"
	topo_bg "$1" /usr/bin/python3 -c '
import socket, sys
addr, port, first, quiet = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((addr, port))
s.settimeout(first)
n = 0
try:
    while True:
        s.recv(65536)
        n += 1
        s.settimeout(quiet)
except socket.timeout:
    pass
print(n)' "$2" "$3" "$4" "${5:-$4}"
}

# topo_defer CMD...: run CMD (in LIFO order) at teardown, before processes
# are killed; e.g. to copy logs or remove a temp dir.
topo_defer() {
	(($# >= 1)) || topo__die "usage: topo_defer CMD..."
	local q
	printf -v q '%q ' "$@"
	TOPO_DEFER+=("$q")
}

# topo_ns [-s] NAME: print the namespace name of node NAME (-s: switch),
# for tools that take it directly (ip -n, tcpdump via ip netns exec, ...).
topo_ns() {
	local ns
	if [[ ${1:-} == -s ]]; then
		(($# == 2)) || topo__die "usage: topo_ns [-s] NAME"
		topo__switch_ns "$2" ns
	else
		(($# == 1)) || topo__die "usage: topo_ns [-s] NAME"
		topo__node_ns "$1" ns
	fi
	printf '%s\n' "$ns"
}

# topo_teardown: run deferred commands, kill tracked background processes
# and anything else running inside the run's namespaces, delete the
# namespaces.  Runs from the traps; safe to call early and more than once.
topo_teardown() {
	# Errors here must not abort the cleanup half way, whatever set -e
	# state the caller had; "local -" restores the options on return.
	local -
	set +e
	# Only the shell that ran topo_init owns the topology: a subshell
	# ($(...), ( ), pipelines) exiting must not tear it down.
	[[ -n $TOPO_OWNER && $BASHPID == "$TOPO_OWNER" ]] || return 0
	# A second Ctrl-C must not interrupt the cleanup.
	trap '' INT TERM HUP
	local i
	local -a pids=("${TOPO_PIDS[@]}") nspids
	for ((i = ${#TOPO_DEFER[@]} - 1; i >= 0; i--)); do
		eval "${TOPO_DEFER[i]}"
	done
	TOPO_DEFER=()
	mapfile -t nspids < <(topo__ns_pids "${TOPO_NS[@]}")
	# One grace period for everybody rather than one per process.
	topo__kill_pids "${pids[@]}" "${nspids[@]}"
	# Sweeps again (something may have started meanwhile), then deletes.
	topo__ns_remove "${TOPO_NS[@]}"
	# Reap our own children so no zombies outlive the run.  Only dead
	# ones (one stuck in D state would hang us) and not a bare "wait":
	# that would hang on unrelated jobs of the test.
	for i in "${TOPO_PIDS[@]}"; do
		topo__alive "$i" || wait "$i" 2>/dev/null
	done
	TOPO_NS=()
	TOPO_PIDS=()
	trap 'topo__on_signal INT' INT
	trap 'topo__on_signal TERM' TERM
	trap 'topo__on_signal HUP' HUP
}

topo__on_exit() {
	local rc=$?
	topo_teardown
	# A test that died before summary: say so, with the results so far,
	# so the log shows where it stopped.
	if [[ $BASHPID == "$TOPO_OWNER" ]] && ((TOPO_COUNT[summary] == 0 &&
		TOPO_COUNT[pass] + TOPO_COUNT[fail] + TOPO_COUNT[skip] > 0 && rc != 0)); then
		printf 'netns.sh: test exited with status %d before summary (%d passed, %d failed, %d skipped so far)\n' \
			"$rc" "${TOPO_COUNT[pass]}" "${TOPO_COUNT[fail]}" "${TOPO_COUNT[skip]}" >&2
	fi
	exit "$rc"
}

# On a signal: tear down, then die of the same signal so the parent (a
# shell, the runner) sees the real cause, e.g. Ctrl-C stops a whole loop.
topo__on_signal() {
	local sig=$1
	trap '' INT TERM HUP
	topo_teardown
	trap - EXIT INT TERM HUP
	kill -s "$sig" "$BASHPID"
	# Only reached if the signal is blocked.
	case $sig in
	HUP) exit 129 ;;
	INT) exit 130 ;;
	*) exit 143 ;;
	esac
}

# topo_cleanup_stale: delete the namespaces (and kill the processes in
# them) of runs whose owner process is gone, e.g. killed with SIGKILL.
# Runs that are alive are never touched, so this is safe in parallel.
topo_cleanup_stale() {
	local ns owner
	local -a stale=()
	while read -r ns _; do
		[[ $ns =~ ^mv([0-9]+)- ]] || continue
		owner=${BASH_REMATCH[1]}
		topo__alive "$owner" && continue
		printf 'netns.sh: removing stale namespace %s (pid %s is gone)\n' \
			"$ns" "$owner" >&2
		stale+=("$ns")
	done < <(ip netns list 2>/dev/null)
	topo__ns_remove "${stale[@]}"
}

# ---------------------------------------------------------------------------
# Results and assertions.

# wait_for TIMEOUT CMD...: run CMD every TOPO_POLL seconds until it
# succeeds (return 0) or TIMEOUT seconds (may be fractional) have passed
# (return 1).  Use it instead of fixed sleeps, e.g. for a daemon to listen.
wait_for() {
	(($# >= 2)) || topo__die "usage: wait_for TIMEOUT CMD..."
	local timeout_us now deadline
	topo__secs_to_us "$1" timeout_us
	shift
	topo__now_us now
	deadline=$((now + timeout_us))
	while :; do
		if "$@"; then
			return 0
		fi
		topo__now_us now
		((now < deadline)) || return 1
		sleep "${TOPO_POLL:-0.1}"
	done
}

topo__count() {
	TOPO_COUNT[$1]=$((TOPO_COUNT[$1] + 1))
}

# Print MSG under a result line, indented, so multi-line output (ping,
# daemon logs) stays readable.
topo__detail() {
	local line
	while IFS= read -r line; do
		printf '       %s\n' "$line"
	done <<<"$1"
}

# pass NAME / fail NAME [MSG] / skip NAME [MSG]: record one result and
# print it.  They return 0 so that a failure does not stop the test under
# set -e; summary gives the verdict.
pass() {
	topo__count pass
	printf 'ok   - %s\n' "${1:?pass needs a name}"
}

fail() {
	topo__count fail
	printf 'FAIL - %s\n' "${1:?fail needs a name}"
	[[ -z ${2:-} ]] || topo__detail "$2"
}

skip() {
	topo__count skip
	printf 'skip - %s%s\n' "${1:?skip needs a name}" "${2:+: $2}"
}

# summary: print exactly "N passed, N failed, N skipped" and return 1 if
# anything failed, 4 (the runner's "skipped") if everything was skipped,
# else 0.  Make it the last command of a test.
summary() {
	TOPO_COUNT[summary]=1
	printf '%d passed, %d failed, %d skipped\n' \
		"${TOPO_COUNT[pass]}" "${TOPO_COUNT[fail]}" "${TOPO_COUNT[skip]}"
	((TOPO_COUNT[fail] == 0)) || return 1
	((TOPO_COUNT[pass] > 0 || TOPO_COUNT[skip] == 0)) || return 4
	return 0
}

# skip_all MSG: the whole test cannot run here (no root, missing tool).
skip_all() {
	printf 'SKIP: %s\n' "$*"
	exit 4
}

# topo_require CMD...: skip the test unless every command is installed.
topo_require() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || skip_all "'$c' is not installed"
	done
}

# The assert_* helpers record a result and return 0 either way: like
# pass/fail, a failed check must not end the test under set -e, so that one
# run reports every broken check and summary gives the verdict.  To branch
# on a condition, test it directly and call pass/fail.

# assert NAME CMD...: pass if CMD succeeds, else fail with its output.
# CMD runs in a subshell (to capture that output): it cannot set variables
# of the test or wait for the test's background jobs.
assert() {
	(($# >= 2)) || topo__die "usage: assert NAME CMD..."
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then
		pass "$name"
	else
		fail "$name" "${out:-(\"$*\" failed without output)}"
	fi
	return 0
}

# assert_ping NODE ADDR [COUNT [NAME]]: pass if NODE gets COUNT (default
# 1) echo replies from ADDR (IPv4 or IPv6).  The deadline leaves room for a
# lost first packet and for neighbour resolution.  NAME defaults to
# "ping NODE -> ADDR".
assert_ping() {
	(($# >= 2 && $# <= 4)) || topo__die "usage: assert_ping NODE ADDR [COUNT [NAME]]"
	local node=$1 addr=$2 count=${3:-1} name=${4:-"ping $1 -> $2"} out ns
	# Resolve here, not inside $( ): a typo must die, not "fail to ping".
	topo__node_ns "$node" ns
	if out=$(topo_exec "$node" ping -n -q -c "$count" -i 0.2 \
		-w "$((5 + count / 5))" "$addr" 2>&1); then
		pass "$name"
	else
		fail "$name" "$out"
	fi
	return 0
}

# assert_no_ping NODE ADDR [SECS [NAME]]: pass if NODE gets no echo reply
# at all from ADDR within SECS (whole seconds, default 1) of pinging every
# 0.2 s.  "Network unreachable" counts as no reply.
assert_no_ping() {
	(($# >= 2 && $# <= 4)) || topo__die "usage: assert_no_ping NODE ADDR [SECS [NAME]]"
	local node=$1 addr=$2 secs=${3:-1} name=${4:-"no ping $1 -> $2"} out ns
	topo__node_ns "$node" ns
	out=$(topo_exec "$node" ping -n -q -i 0.2 -w "$secs" "$addr" 2>&1) || true
	if [[ $out =~ ([0-9]+)\ received ]] && ((BASH_REMATCH[1] > 0)); then
		fail "$name" "$out"
	else
		pass "$name"
	fi
	return 0
}
