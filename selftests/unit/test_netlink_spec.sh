#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The generic netlink contract: Documentation/netlink/specs/meshvpn.yaml is
# sound, the generated include/uapi/linux/meshvpn.h, kmod/netlink-gen.{c,h}
# and userspace/netlink/meshvpn_nl-gen.{c,h} are what the spec produces, the
# uapi header's numbers and the userspace reply policies agree with what an
# independent script computes from the YAML, the header compiles for
# userspace, and the kernel code compiles (and registers a family, statically
# checked) against every kernel header tree found.
#
# Environment: KDIRS="dir ..." kernel build trees to compile against (default:
# every /usr/src/linux-headers-*-amd64); KDIRS=none skips the kernel build.
set -uo pipefail

top=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
here=$top/selftests/unit
gen=$top/scripts/ynl-gen.py
spec=$top/Documentation/netlink/specs/meshvpn.yaml
helper=$here/netlink_spec_check.py
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# shellcheck source=selftests/unit/lib.sh
. "$top/selftests/unit/lib.sh"

run() {		# run NAME COMMAND...: one case from a command's exit status
	local name=$1
	shift
	"$@" >"$tmp/out" 2>&1
	report_file "$name" $? "$tmp/out"
}

tally() {	# tally NAME COMMAND...: a command printing its own ok/not ok lines
	local name=$1 out status p f
	shift
	out=$("$@" 2>&1)
	status=$?
	grep -v '^[0-9]* passed, [0-9]* failed$' <<<"$out"
	p=$(grep -c '^ok ' <<<"$out")
	f=$(grep -c '^not ok ' <<<"$out")
	if ((status != 0 && f == 0)); then
		echo "not ok $name (exit status $status)"
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
}

# 1. The spec obeys the generator's rules, and the structural rules checked
#    independently by the helper; broken specs are rejected.
run spec_validates python3 "$gen" --validate
tally spec_structure python3 "$helper" structure "$spec"
tally spec_mutations python3 "$helper" mutations "$gen" "$spec" "$tmp"

# 2. The committed generated files are what the spec produces.
run generated_files_up_to_date python3 "$gen" --check

# ... and --check notices a stale file.
mkdir -p "$tmp/tree/scripts" "$tmp/tree/Documentation/netlink/specs" \
	"$tmp/tree/include/uapi/linux" "$tmp/tree/kmod" "$tmp/tree/userspace/netlink"
cp "$gen" "$tmp/tree/scripts/"
cp "$spec" "$tmp/tree/Documentation/netlink/specs/"
cp "$top/include/uapi/linux/meshvpn.h" "$tmp/tree/include/uapi/linux/"
cp "$top/kmod/netlink-gen.h" "$top/kmod/netlink-gen.c" "$tmp/tree/kmod/"
cp "$top/userspace/netlink/meshvpn_nl-gen.h" "$top/userspace/netlink/meshvpn_nl-gen.c" \
	"$tmp/tree/userspace/netlink/"
sed -i 's/MESHVPN_A_NODE_ID = 1,/MESHVPN_A_NODE_ID = 2,/' \
	"$tmp/tree/include/uapi/linux/meshvpn.h"
python3 "$tmp/tree/scripts/ynl-gen.py" --check >"$tmp/diff" 2>&1
status=$?
((status == 1)) && grep -q '^-	MESHVPN_A_NODE_ID = 2,' "$tmp/diff"
report_file check_mode_detects_stale_header $? "$tmp/diff"

# 3. The uapi header compiles for userspace and agrees with the YAML.
printf '#include <linux/meshvpn.h>\nint meshvpn_uapi_dummy;\n' >"$tmp/inc.c"
run uapi_header_gcc_c11 gcc -std=c11 -pedantic -Wall -Wextra -Werror \
	-I"$top/include/uapi" -c -o "$tmp/inc.o" "$tmp/inc.c"
if command -v clang >/dev/null; then
	run uapi_header_clang_c11 clang -std=c11 -Wall -Wextra -Werror \
		-I"$top/include/uapi" -c -o "$tmp/inc.o" "$tmp/inc.c"
fi
if command -v g++ >/dev/null; then
	cp "$tmp/inc.c" "$tmp/inc.cc"
	run uapi_header_gxx g++ -std=c++11 -Wall -Wextra -Werror \
		-I"$top/include/uapi" -c -o "$tmp/inc.o" "$tmp/inc.cc"
fi

if python3 "$helper" expect-c "$spec" "$tmp/expect.c" >"$tmp/out" 2>&1 &&
	gcc -std=c11 -Wall -Wextra -Werror -I"$top/include/uapi" -I"$here" \
		-o "$tmp/expect" "$tmp/expect.c" >>"$tmp/out" 2>&1; then
	tally uapi_values_match_spec "$tmp/expect"
else
	report_file uapi_values_match_spec 1 "$tmp/out"
fi

# ... and so do the userspace reply policies.
if python3 "$helper" upolicy "$spec" "$tmp/upolicy.c" >"$tmp/out" 2>&1 &&
	gcc -std=gnu11 -Wall -Wextra -Werror -I"$top/include/uapi" \
		-I"$top/userspace" -I"$here" -o "$tmp/upolicy" "$tmp/upolicy.c" \
		"$top/userspace/netlink/meshvpn_nl-gen.c" >>"$tmp/out" 2>&1; then
	tally userspace_policies_match_spec "$tmp/upolicy"
else
	report_file userspace_policies_match_spec 1 "$tmp/out"
fi

# 4. Generated code: checkpatch-style layout.
python3 - "$top/kmod/netlink-gen.c" "$top/kmod/netlink-gen.h" \
	"$top/include/uapi/linux/meshvpn.h" "$top/userspace/netlink/meshvpn_nl-gen.c" \
	"$top/userspace/netlink/meshvpn_nl-gen.h" >"$tmp/out" 2>&1 <<'EOF'
import sys
bad = 0
for path in sys.argv[1:]:
    for n, line in enumerate(open(path), 1):
        line = line.rstrip('\n')
        why = None
        if len(line.expandtabs(8)) > 100:
            why = 'longer than 100 columns'
        elif line != line.rstrip():
            why = 'trailing whitespace'
        elif line.startswith(' ') and not line.startswith(' *'):
            why = 'indented with spaces'
        elif ' \t' in line:
            why = 'space before tab'
        if why:
            bad += 1
            print('%s:%d: %s' % (path, n, why))
sys.exit(1 if bad else 0)
EOF
report_file generated_code_layout $? "$tmp/out"

# 5. The kernel code builds as a module (stub handlers) for every kernel found.
if [[ ${KDIRS:-} == none ]]; then
	kdirs=()
elif [[ -n ${KDIRS:-} ]]; then
	read -r -a kdirs <<<"$KDIRS"
else
	kdirs=()
	for d in /usr/src/linux-headers-*-amd64 /lib/modules/"$(uname -r)"/build; do
		[[ -f $d/Makefile ]] && kdirs+=("$d")
	done
fi
if ((${#kdirs[@]} == 0)); then
	echo "ok kernel_module_build # SKIP no kernel headers (set KDIRS)"
	passed=$((passed + 1))
fi
for kdir in "${kdirs[@]}"; do
	name=kernel_module_build_$(basename "$(readlink -f "$kdir")")
	mod=$tmp/mod-$((passed + failed))
	mkdir -p "$mod"
	cp "$top/kmod/netlink-gen.c" "$top/kmod/netlink-gen.h" "$top/kmod/compat.h" "$mod/"
	printf 'obj-m := meshvpn_nl_test.o\nmeshvpn_nl_test-y := stub.o netlink-gen.o\n' \
		>"$mod/Kbuild"
	printf 'ccflags-y := -I%s/include -Werror\n' "$top" >>"$mod/Kbuild"
	if python3 "$helper" kstub "$spec" "$mod/netlink-gen.h" "$mod/stub.c" \
		>"$tmp/out" 2>&1 &&
		make -C "$kdir" M="$mod" W=1 CONFIG_DEBUG_INFO_BTF_MODULES= modules >>"$tmp/out" 2>&1 &&
		[[ -f $mod/meshvpn_nl_test.ko ]]; then
		report "$name" 0
	else
		report_file "$name" 1 "$tmp/out"
	fi
done

finish
