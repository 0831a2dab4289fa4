# shellcheck shell=bash
#
# selftests/bench/lib.sh - the benchmark framework's helpers: namespaces,
# processes, CPU accounting, statistics.  Sourced by selftests/bench/run;
# path plug-ins (selftests/bench/paths/*.sh) run inside run and use the
# variables and bench_* functions marked "plug-in API" below.
#
# One *instance* = one path measured once: a subshell that builds two
# namespaces joined by a veth pair (the underlay), lets the plug-in put its
# tunnel on top, measures, and tears everything down from its EXIT trap.
#
#   NS_A  [veth0 10.99.0.1/24] ===== [veth0 10.99.0.2/24]  NS_B
#         [tunnel  TUN_A     ] ----- [tunnel  TUN_B     ]
#
# The benchmark traffic always goes from NS_A (client) to NS_B (server).

# Sourcing twice must not reset the state of a running instance.
if declare -F bench_instance_begin >/dev/null; then
	return 0
fi

declare -g BENCH_DIR
BENCH_DIR=${BENCH_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}

# ---------------------------------------------------------------------------
# Plug-in API: constants.  Only used inside namespaces the bench creates.
# (SC2034 below: used by the plug-ins, which shellcheck does not see here.)

declare -gr BENCH_NS_PREFIX=mvbench
declare -gr UL_DEV=veth0        # underlay interface, in both namespaces
declare -gr UL_A=10.99.0.1      # underlay address of NS_A
declare -gr UL_B=10.99.0.2      # underlay address of NS_B
declare -gr UL_PREFIX=24
# shellcheck disable=SC2034
declare -gr TUN_A_ADDR=10.100.0.1 # tunnel addresses plug-ins should use
# shellcheck disable=SC2034
declare -gr TUN_B_ADDR=10.100.0.2
# shellcheck disable=SC2034
declare -gr TUN_PREFIX=24

# Plug-in API: per-instance state, set by bench_instance_begin.
declare -g NS_A="" NS_B=""      # the two namespaces
declare -g WORK=""              # private temp dir (keys, configs), removed at the end
declare -g LOGDIR=""            # kept after the run: put daemon logs here
# shellcheck disable=SC2034
declare -g TUN_A="" TUN_B=""    # the plug-in's setup sets these

# Framework-internal per-instance state.
declare -ga BENCH_PIDS=()       # every process started with bench_bg
declare -ga BENCH_DAEMON_PIDS=() # the tunnel's daemons (CPU accounting)
declare -ga BENCH_NS=()         # namespaces created by this instance
declare -g BENCH_SETUP_CALLED=0
declare -g BENCH_PHASE=start     # what the instance is doing, for errors
declare -g BENCH_KILL_GRACE=${BENCH_KILL_GRACE:-2}

# ---------------------------------------------------------------------------
# Messages.

bench_say() { printf 'bench: %s\n' "$*" >&2; }
bench_warn() { printf 'bench: WARNING: %s\n' "$*" >&2; }
bench_die() {
	printf 'bench: ERROR: %s\n' "$*" >&2
	exit 1
}

# Plug-in API: bench_fail MSG - the path cannot be measured (a daemon did
# not start, a command failed).  Ends the instance: the path is an ERROR.
bench_fail() {
	printf '%s\n' "$*" >"$WORK/.error" 2>/dev/null || true
	printf 'bench: ERROR: %s\n' "$*" >&2
	exit 1
}

# ---------------------------------------------------------------------------
# Time.

# Milliseconds since the epoch, into variable $1 (no fork).
bench_now_ms() {
	local t=${EPOCHREALTIME//[!0-9]/}
	printf -v "$1" '%d' "$((10#$t / 1000))"
}

# Plug-in API: bench_wait_for TIMEOUT CMD... - run CMD every 50 ms until it
# succeeds (0) or TIMEOUT seconds passed (1).
bench_wait_for() {
	local timeout_ms=$(($1 * 1000)) start now
	shift
	bench_now_ms start
	while :; do
		"$@" && return 0
		bench_now_ms now
		((now - start < timeout_ms)) || return 1
		sleep 0.05
	done
}

# ---------------------------------------------------------------------------
# Processes.

# True if the process exists and is not a zombie.
bench_alive() {
	local stat rest
	read -r stat 2>/dev/null <"/proc/$1/stat" || return 1
	rest=${stat##*) }
	[[ ${rest%% *} != [ZX] ]]
}

# Print the pids of all processes inside any of the given namespaces.
bench_ns_pids() {
	(($#)) || return 0
	local ns ino path link
	local -A want=()
	for ns in "$@"; do
		ino=$(stat -L -c %i "/run/netns/$ns" 2>/dev/null) || continue
		want[$ino]=1
	done
	((${#want[@]})) || return 0
	while read -r path link; do
		ino=${link#net:[}
		ino=${ino%]}
		[[ -n $ino && -n ${want[$ino]:-} ]] || continue
		path=${path#/proc/}
		printf '%s\n' "${path%%/*}"
	done < <(find /proc/[0-9]*/ns/net -maxdepth 0 -printf '%p %l\n' 2>/dev/null)
	return 0
}

# SIGTERM the given processes, SIGKILL what is left after BENCH_KILL_GRACE s.
bench_kill_pids() {
	local pid i
	local -a live=()
	for pid in "$@"; do
		bench_alive "$pid" && live+=("$pid")
	done
	((${#live[@]})) || return 0
	kill -TERM "${live[@]}" 2>/dev/null || true
	for ((i = 0; i < BENCH_KILL_GRACE * 20; i++)); do
		local -a left=()
		for pid in "${live[@]}"; do
			bench_alive "$pid" && left+=("$pid")
		done
		((${#left[@]})) || return 0
		live=("${left[@]}")
		sleep 0.05
	done
	kill -KILL "${live[@]}" 2>/dev/null || true
	for ((i = 0; i < 40; i++)); do
		local -a still=()
		for pid in "${live[@]}"; do
			bench_alive "$pid" && still+=("$pid")
		done
		((${#still[@]})) || return 0
		live=("${still[@]}")
		sleep 0.05
	done
}

# Remove namespaces and everything running in them.
bench_ns_remove() {
	(($#)) || return 0
	local ns
	local -a pids
	mapfile -t pids < <(bench_ns_pids "$@")
	bench_kill_pids "${pids[@]}"
	for ns in "$@"; do
		[[ -e /run/netns/$ns ]] && ip netns del "$ns" 2>/dev/null
	done
	return 0
}

# Remove the namespaces of bench runs whose owner process is gone (a run
# killed with SIGKILL).  Live runs are never touched.
bench_cleanup_stale() {
	local f ns owner
	local -a stale=()
	for f in /run/netns/"$BENCH_NS_PREFIX"-*; do
		[[ -e $f ]] || continue
		ns=${f##*/}
		[[ $ns =~ ^$BENCH_NS_PREFIX-([0-9]+)- ]] || continue
		owner=${BASH_REMATCH[1]}
		bench_alive "$owner" && continue
		bench_warn "removing stale namespace $ns (pid $owner is gone)"
		stale+=("$ns")
	done
	bench_ns_remove "${stale[@]}"
}

# Plug-in API: bench_bg NS CMD... - start CMD in namespace NS in the
# background, in the foreground mode of the program (no daemonizing: the
# framework must be able to find and kill it).  $! is its pid afterwards.
# Killed at teardown.  Redirect the call to keep the output:
#   bench_bg "$NS_A" tincd -D ... >"$LOGDIR/tincd-a.log" 2>&1
# Never call it inside $( ): the subshell would lose the pid.
bench_bg() {
	local ns=$1
	shift
	# ip netns exec execs CMD: $! is CMD itself.
	ip netns exec "$ns" "$@" &
	BENCH_PIDS+=("$!")
}

# Plug-in API: bench_daemon NS CMD... - like bench_bg, for the tunnel's
# own daemons: their CPU time is reported as "daemon CPU per GB", and a
# daemon that exits early fails the path.
bench_daemon() {
	bench_bg "$@"
	BENCH_DAEMON_PIDS+=("$!")
}

# True if every daemon of the instance is still running; else say which one
# died and fail.
bench_check_daemons() {
	local pid
	for pid in "${BENCH_DAEMON_PIDS[@]}"; do
		bench_alive "$pid" || return 1
	done
	return 0
}

# ---------------------------------------------------------------------------
# Instances.

# bench_instance_begin PATHNAME ROUND OUTDIR: set up the instance state and
# the teardown traps.  Must run in the instance's own subshell.
bench_instance_begin() {
	local path=$1 round=$2 outdir=$3
	NS_A="$BENCH_NS_PREFIX-$BASHPID-a"
	NS_B="$BENCH_NS_PREFIX-$BASHPID-b"
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/mvbench.XXXXXX")
	LOGDIR=$outdir/logs/$path.r$round
	rm -rf "$LOGDIR"
	mkdir -p "$LOGDIR"
	trap bench_instance_end EXIT
	trap 'exit 129' HUP
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

# Build the two namespaces and the veth pair between them.
bench_underlay() {
	local ns
	for ns in "$NS_A" "$NS_B"; do
		BENCH_NS+=("$ns") # registered first: a signal cannot leak it
		ip netns add "$ns" || bench_fail "ip netns add $ns failed"
		ip -n "$ns" link set lo up || bench_fail "lo up in $ns failed"
	done
	ip link add name "$UL_DEV" netns "$NS_A" type veth \
		peer name "$UL_DEV" netns "$NS_B" ||
		bench_fail "cannot create the veth pair"
	ip -n "$NS_A" -batch - <<-EOF || bench_fail "cannot configure $NS_A"
		addr add $UL_A/$UL_PREFIX dev $UL_DEV
		link set $UL_DEV up
	EOF
	ip -n "$NS_B" -batch - <<-EOF || bench_fail "cannot configure $NS_B"
		addr add $UL_B/$UL_PREFIX dev $UL_DEV
		link set $UL_DEV up
	EOF
}

# EXIT trap of an instance: plug-in teardown, then kill every process the
# instance started or that runs in its namespaces, delete the namespaces and
# the work dir.  Runs whatever happened before; never fails.
bench_instance_end() {
	local rc=$?
	set +e
	trap '' INT TERM HUP
	if ((BENCH_SETUP_CALLED)) && declare -F teardown >/dev/null; then
		teardown >>"$LOGDIR/teardown.log" 2>&1
	fi
	local -a nspids
	mapfile -t nspids < <(bench_ns_pids "${BENCH_NS[@]}")
	bench_kill_pids "${BENCH_PIDS[@]}" "${nspids[@]}"
	bench_ns_remove "${BENCH_NS[@]}"
	# Reap our dead children (not a bare wait: one stuck in D state would
	# hang the teardown).
	local pid
	for pid in "${BENCH_PIDS[@]}"; do
		bench_alive "$pid" || wait "$pid" 2>/dev/null
	done
	if ((rc != 0)); then
		if [[ -s $WORK/.error ]]; then
			cp "$WORK/.error" "$LOGDIR/error" 2>/dev/null
		else
			echo "failed during $BENCH_PHASE (exit status $rc; logs: $LOGDIR)" >"$LOGDIR/error"
		fi
	fi
	[[ -n $WORK && -d $WORK ]] && rm -rf "$WORK"
	exit "$rc"
}

# ---------------------------------------------------------------------------
# CPU accounting.

# bench_machine_ticks VAR: "BUSY TOTAL" clock ticks (USER_HZ) of all CPUs
# from /proc/stat into VAR; busy = user, nice, system, irq, softirq and
# steal, total = busy + idle + iowait.  No fork.
bench_machine_ticks() {
	local _cpu user nice system idle iowait irq softirq steal _rest
	read -r _cpu user nice system idle iowait irq softirq steal _rest </proc/stat
	local busy=$((user + nice + system + irq + softirq + steal))
	printf -v "$1" '%d %d' "$busy" "$((busy + idle + iowait))"
}

# bench_machine_cpu_seconds BEFORE AFTER SECONDS: busy CPU seconds of the
# whole machine between two bench_machine_ticks samples taken SECONDS of
# wall time apart.  The busy share of the ticks is scaled to the wall time
# and the CPU count, rather than trusting the tick count itself: under
# emulation the guest's ticks run late, and /proc/stat then falls short of
# the time that really passed.
bench_machine_cpu_seconds() {
	local b0 t0 b1 t1
	read -r b0 t0 <<<"$1"
	read -r b1 t1 <<<"$2"
	awk -v b=$((b1 - b0)) -v t=$((t1 - t0)) -v s="$3" -v n="$(nproc)" \
		'BEGIN { printf "%.4f", (t > 0 ? b / t : 0) * n * s }'
}

# User + system CPU time of the given processes (all their threads) in
# clock ticks, from /proc/PID/stat.  Gone processes count 0.
bench_pids_ticks() {
	local pid stat sum=0
	local -a f
	for pid in "$@"; do
		read -r stat 2>/dev/null <"/proc/$pid/stat" || continue
		# Fields after "comm)": state is [0], utime [11], stime [12].
		read -ra f <<<"${stat##*) }"
		sum=$((sum + f[11] + f[12]))
	done
	echo "$sum"
}

# bench_children_ticks VAR: user + system time of this shell's terminated
# and waited-for children (and their waited-for descendants), in clock
# ticks, into VAR.  No fork, so no child of its own is counted.
bench_children_ticks() {
	local _stat
	local -a _f
	read -r _stat <"/proc/$BASHPID/stat"
	read -ra _f <<<"${_stat##*) }"
	printf -v "$1" '%d' "$((_f[13] + _f[14]))"
}

# ---------------------------------------------------------------------------
# Statistics.

# bench_percentile P: the P-th percentile (nearest rank; P=50 is the lower
# median for an even count) of the numbers on stdin, one per line.
bench_percentile() {
	sort -g | awk -v p="$1" '
		{ v[NR] = $1 }
		END {
			if (NR == 0) exit 1
			r = int((p / 100) * NR + 0.999999)
			if (r < 1) r = 1
			if (r > NR) r = NR
			print v[r]
		}'
}

# ---------------------------------------------------------------------------
# Plug-ins.

# bench_plugin_file NAME: print the plug-in file of path NAME.
bench_plugin_file() {
	printf '%s/paths/%s.sh\n' "$BENCH_DIR" "$1"
}

# bench_plugin_var NAME VAR [DEFAULT]: print variable VAR of plug-in NAME
# (sourced in a subshell, so nothing of it leaks here).
bench_plugin_var() {
	(
		# shellcheck source=/dev/null
		source "$(bench_plugin_file "$1")" >/dev/null 2>&1 || exit 1
		printf '%s\n' "${!2:-${3:-}}"
	)
}

# bench_plugin_available NAME: true if the plug-in can run here; else
# print why not.
bench_plugin_available() {
	(
		# shellcheck source=/dev/null
		source "$(bench_plugin_file "$1")" || {
			echo "cannot source $(bench_plugin_file "$1")"
			exit 1
		}
		declare -F setup >/dev/null || {
			echo "the plug-in defines no setup function"
			exit 1
		}
		if declare -F available >/dev/null; then
			available
		fi
	)
}

# bench_sort_paths NAME...: print the names in report order: the physical
# limit (veth) first, then alphabetically.
bench_sort_paths() {
	local p
	for p in "$@"; do
		[[ $p == veth ]] && printf '%s\n' "$p"
	done
	for p in "$@"; do
		[[ $p == veth ]] || printf '%s\n' "$p"
	done | sort
}

# bench_suite_paths SUITE: print the names of the plug-ins that declare
# SUITE in their SUITES variable, in report order.
bench_suite_paths() {
	local f name suites
	local -a names=()
	for f in "$BENCH_DIR"/paths/*.sh; do
		[[ -e $f ]] || continue
		name=${f##*/}
		name=${name%.sh}
		suites=$(bench_plugin_var "$name" SUITES "host vm")
		[[ " $suites " == *" $1 "* ]] && names+=("$name")
	done
	((${#names[@]})) || return 0
	bench_sort_paths "${names[@]}"
}
