#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# checkpatch --strict over the module's sources. checkpatch.pl ships only in
# the kernel source package, so take it (and the data files it reads) from
# Debian's linux-source tarball once and keep it under build/.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
dir=$top/build/checkpatch

if [[ ! -x $dir/scripts/checkpatch.pl ]]; then
	if ! compgen -G '/usr/src/linux-source-*.tar.xz' >/dev/null; then
		pkg=$(apt-cache depends linux-source 2>/dev/null |
		      sed -n 's/.*Depends: \(linux-source-[0-9.]*\)$/\1/p' | head -n 1)
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o DPkg::Lock::Timeout=300 \
			--no-install-recommends "${pkg:-linux-source-6.1}" >/dev/null
	fi
	tarball=$(compgen -G '/usr/src/linux-source-*.tar.xz' | sort -V | tail -n 1)
	mkdir -p "$dir"
	tar -C "$dir" --strip-components=1 -xJf "$tarball" \
		--wildcards '*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
		'*/scripts/const_structs.checkpatch'
fi

cd "$top"
checkpatch() {
	"$dir/scripts/checkpatch.pl" --strict --no-tree --terse --show-types \
		--ignore FILE_PATH_CHANGES "$@"
}
status=0
# compat.h is the one place allowed to test LINUX_VERSION_CODE: the module
# builds against every kernel from 6.1 on.
mapfile -t sources < <(ls kmod/*.[ch] | grep -v -e '^kmod/compat.h$' -e '\.mod\.c$')
checkpatch -f "${sources[@]}" || status=1
checkpatch --ignore LINUX_VERSION_CODE,CONSTANT_COMPARISON -f kmod/compat.h || status=1
# The wire header is shared with userspace and BPF, without kernel macros.
checkpatch --ignore PREFER_DEFINED_ATTRIBUTE_MACRO,BIT_MACRO,CAMELCASE \
	-f include/meshvpn/wire.h || status=1
exit $status
