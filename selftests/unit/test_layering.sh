#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# scripts/layering.py, first on tiny synthetic trees built here (a few .c
# files in userspace/lib, mesh, daemon and friends, compiled with cc -c),
# where every rule is broken on purpose once; then on the real tree, which
# must pass with no exception.
#
# Environment: MESHVPN_LAYERING_BUILD, the build folder holding the real
# objects; by default build/san, which make check-unit builds.
set -uo pipefail

top=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
layering=$top/scripts/layering.py
real_build=${MESHVPN_LAYERING_BUILD:-$top/build/san}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# shellcheck source=selftests/unit/lib.sh
. "$top/selftests/unit/lib.sh"

# put TREE FILE CODE: write TREE's source FILE (relative to its top); a .c
# file is compiled into TREE's build folder, as the Makefile would.
put() {
	local src=$tmp/$1/src build=$tmp/$1/build file=$2
	mkdir -p "$(dirname "$src/$file")" "$(dirname "$build/$file")"
	printf '%s\n' "$3" >"$src/$file"
	if [[ $file == *.c ]]; then
		cc -c -I"$src/userspace" -o "$build/${file%.c}.o" "$src/$file" ||
			echo "    cannot compile $1/$file" >&2
	fi
}

# new_tree NAME: a copy of the clean tree to break.
new_tree() {
	cp -r "$tmp/clean" "$tmp/$1"
}

# check TREE [OPTION...]: run layering.py on TREE; output in $out, exit
# status in $status.
check() {
	local tree=$tmp/$1
	shift
	out=$(python3 "$layering" "$@" "$tree/build" "$tree/src" 2>&1)
	status=$?
}

# has LINE: whether $out has exactly this line.
has() {
	grep -qxF -- "$1" <<<"$out"
}

# ---- a clean tree: daemon uses mesh, mesh uses lib ----

put clean userspace/lib/log.h 'void lib_log(const char *msg);'
put clean userspace/lib/log.c '#include "lib/log.h"
void lib_log(const char *msg) { (void)msg; }'
put clean userspace/mesh/graph.h 'void mesh_update(void);'
put clean userspace/mesh/graph.c '#include "lib/log.h"
#include "mesh/graph.h"
void mesh_update(void) { lib_log("update"); }'
put clean userspace/daemon/daemon.h 'void daemon_run(void);
void daemon_stop(void);'
put clean userspace/daemon/daemon.c '#include "daemon/daemon.h"
#include "mesh/graph.h"
void daemon_run(void) { mesh_update(); }
void daemon_stop(void) { }'
# An empty layer folder, and most others missing, must not matter.
mkdir -p "$tmp/clean/src/userspace/proto" "$tmp/clean/build/userspace/proto"

check clean
((status == 0)) && has "layering: 3 modules in 3 folders, 2 module-to-module uses, 5 includes; 0 violations, 0 allowed by scripts/layering.allow, 0 stale allow-list entries, 0 small cycles"
report clean_tree_passes $? "status $status: $out"

# ---- each rule broken once ----

new_tree up_call
put up_call userspace/mesh/graph.c '#include "lib/log.h"
void daemon_run(void);
void mesh_update(void);
void mesh_update(void) { lib_log("update"); daemon_run(); }'
check up_call
((status == 1)) &&
	has "userspace/mesh/graph.o -> userspace/daemon/daemon.o: daemon_run (mesh calls daemon)" &&
	[[ $(grep -c ' -> ' <<<"$out") == 1 ]]
report upward_call_fails $? "status $status: $out"

# daemon and mesh now call each other: two files, a tolerated cycle.
check up_call -v
has "small cycle (allowed): userspace/daemon/daemon.o userspace/mesh/graph.o"
report small_cycle_listed_with_v $? "$out"

new_tree up_include
put up_include userspace/lib/log.c '#include "lib/log.h"
#include "mesh/graph.h"
void lib_log(const char *msg) { (void)msg; }'
check up_include
((status == 1)) &&
	has 'userspace/lib/log.c -> userspace/mesh/graph.h (lib includes mesh, line 2)'
report upward_include_fails $? "status $status: $out"

# ring TREE N: N daemon files, each calling the next, the last the first.
ring() {
	local i
	for ((i = 0; i < $2; i++)); do
		put "$1" "userspace/daemon/ring$i.c" "void ring$i(void);
void ring$(((i + 1) % $2))(void);
void ring$i(void) { ring$(((i + 1) % $2))(); }"
	done
}

new_tree cycle5
ring cycle5 5
check cycle5
((status == 1)) &&
	has "cycle: userspace/daemon/ring0.o userspace/daemon/ring1.o userspace/daemon/ring2.o userspace/daemon/ring3.o userspace/daemon/ring4.o (5 modules call each other in a circle, at most 4 may)"
report cycle_of_5_fails $? "status $status: $out"

new_tree cycle3
ring cycle3 3
check cycle3 -v
((status == 0)) &&
	has "small cycle (allowed): userspace/daemon/ring0.o userspace/daemon/ring1.o userspace/daemon/ring2.o"
report cycle_of_3_passes $? "status $status: $out"

new_tree same_rank
put same_rank userspace/crypto/seal.c 'void crypto_seal(void);
void crypto_seal(void) { }'
put same_rank userspace/netlink/nl.c 'void crypto_seal(void);
void nl_send(void);
void nl_send(void) { crypto_seal(); }'
check same_rank
((status == 1)) &&
	has "userspace/netlink/nl.o -> userspace/crypto/seal.o: crypto_seal (netlink calls crypto, same rank)"
report same_rank_call_fails $? "status $status: $out"

new_tree tools
put tools tools/ctl.c '#include "lib/log.h"
#include "mesh/graph.h"
void ctl_run(void);
void ctl_run(void) { lib_log("ctl"); mesh_update(); }'
check tools
((status == 1)) &&
	has "tools/ctl.o -> userspace/mesh/graph.o: mesh_update (tools calls mesh; tools may use lib, netlink, crypto and config only)" &&
	has "tools/ctl.c -> userspace/mesh/graph.h (tools includes mesh; tools may use lib, netlink, crypto and config only, line 2)" &&
	! grep -q 'lib/log' <<<"$out"
report tools_above_config_fails $? "status $status: $out"

new_tree new_folder
put new_folder userspace/util/util.c 'void util(void);
void util(void) { }'
put new_folder userspace/mesh/graph.c 'void util(void);
void mesh_update(void);
void mesh_update(void) { util(); }'
check new_folder
((status == 1)) && grep -q "util has no rank: add it to RANKS" <<<"$out"
report unranked_folder_fails $? "status $status: $out"

# ---- the allow-list ----

# The violation line as printed, pasted with its reason and a comment.
cat >"$tmp/up_call.allow" <<'EOF'
# mesh calls daemon until the callback lands
userspace/mesh/graph.o -> userspace/daemon/daemon.o: daemon_run (mesh calls daemon)
EOF
check up_call --allow "$tmp/up_call.allow"
((status == 0)) && grep -q "; 0 violations, 1 allowed by $tmp/up_call.allow, 0 stale" <<<"$out"
report allowed_violation_passes $? "status $status: $out"

new_tree up_call2
put up_call2 userspace/mesh/graph.c 'void daemon_run(void);
void daemon_stop(void);
void mesh_update(void);
void mesh_update(void) { daemon_run(); daemon_stop(); }'
check up_call2 --allow "$tmp/up_call.allow"
((status == 1)) &&
	has "userspace/mesh/graph.o -> userspace/daemon/daemon.o: daemon_stop (mesh calls daemon)"
report new_call_on_allowed_edge_fails $? "status $status: $out"

check clean --allow "$tmp/up_call.allow"
((status == 1)) &&
	has "stale entry in $tmp/up_call.allow, line 2: userspace/mesh/graph.o -> userspace/daemon/daemon.o"
report stale_entry_fails $? "status $status: $out"

printf '%s\n' 'userspace/mesh/graph.o -> userspace/daemon/daemon.o: daemon_run, daemon_stop' \
	>"$tmp/two_calls.allow"
check up_call --allow "$tmp/two_calls.allow"
((status == 1)) &&
	has "stale entry in $tmp/two_calls.allow, line 1: userspace/mesh/graph.o -> userspace/daemon/daemon.o: daemon_stop (no longer called: remove from the entry)"
report stale_call_in_entry_fails $? "status $status: $out"

printf '%s\n' 'cycle: userspace/daemon/ring4.o userspace/daemon/ring3.o userspace/daemon/ring2.o userspace/daemon/ring1.o userspace/daemon/ring0.o' \
	>"$tmp/cycle5.allow"
check cycle5 --allow "$tmp/cycle5.allow"
((status == 0))
report allowed_cycle_passes $? "status $status: $out"

printf '%s\n' 'userspace/mesh/graph.o -> userspace/daemon/daemon.o' >"$tmp/bad.allow"
check up_call --allow "$tmp/bad.allow"
((status == 2)) && grep -q "a call needs its symbols" <<<"$out"
report call_entry_without_symbols_rejected $? "status $status: $out"

# ---- what the check reads ----

# An object whose source is gone (a renamed file) is left over, not a module.
new_tree leftover
put leftover userspace/mesh/old.c 'void daemon_run(void);
void old(void);
void old(void) { daemon_run(); }'
rm "$tmp/leftover/src/userspace/mesh/old.c"
check leftover -v
((status == 0)) && grep -q "skipped userspace/mesh/old.o" <<<"$out"
report leftover_object_ignored $? "status $status: $out"

# A source without its object would hide its calls: the check cannot run.
new_tree unbuilt
printf 'void late(void) { }\n' >"$tmp/unbuilt/src/userspace/mesh/late.c"
check unbuilt
((status == 2)) && grep -q "not built in .*: userspace/mesh/late.c" <<<"$out"
report unbuilt_source_stops $? "status $status: $out"

check up_call --dot "$tmp/layers.dot"
grep -qF '"daemon" -> "mesh" [label="1 call, 1 include", color=black];' "$tmp/layers.dot" &&
	grep -qF '"mesh" -> "daemon" [label="1 call", color=red];' "$tmp/layers.dot" &&
	grep -qF '"mesh" -> "lib" [label="1 call, 1 include", color=black];' "$tmp/layers.dot"
report dot_folder_graph $? "$(cat "$tmp/layers.dot" 2>&1)"

# ---- the real tree ----

if [[ -d $real_build/userspace ]]; then
	out=$(python3 "$layering" "$real_build" "$top" 2>&1)
	status=$?
	report real_tree "$status" "$out"
else
	report real_tree 1 "no objects in $real_build: build them (make check-unit) or set MESHVPN_LAYERING_BUILD"
fi

finish
