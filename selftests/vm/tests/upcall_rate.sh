#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The device attribute upcall-rate (the daemon's KernelUpcallRate): 50 by
# default, 1 to MESHVPN_UPCALL_RATE_MAX (100000) taken, anything else
# refused by the policy (ERANGE) with an extack message and nothing
# changed; the refusal counters of the device's limits are in dev-get,
# output only, and start at 0.
# vm-timeout: 120
source "$TOP/selftests/vm/lib/mesh.sh"

mesh_ns n
mesh_link n 1 655 10.10.0.1/24
ip netns exec n env PYTHONPATH="$MESH_LIB" "$PY" -S -u - <<'PY' || MESH_FAILS=$((MESH_FAILS + 1))
import errno, sys
from mvnl import *

g = Genl()
fails = 0


def check(ok, what):
    global fails
    print(("ok: " if ok else "FAIL: ") + what, flush=True)
    fails += not ok


def set_rate(attr, value):
    return g.try_do(CMD_DEV_SET, ifidx("mv0"), nest(A_DEV, u32(attr, value)))


d = dev_info(g, "mv0")
check(d.get("upcall_rate") == 50, "upcall-rate is 50 by default (%s)" % d.get("upcall_rate"))
check(d.get("refused") == {name: 0 for name in DEVICE_LIMITS},
      "every limit's refusal counter is there, at 0 (%s)" % d.get("refused"))
for bad in (0, 100001, 0xffffffff):
    err, msg = set_rate(A_DEVICE_UPCALL_RATE, bad)
    check(err == errno.ERANGE and msg.strip(),
          "upcall-rate %d refused with a reason (%s, %r)" % (bad, errno.errorcode.get(err, err), msg))
check(dev_info(g, "mv0")["upcall_rate"] == 50, "... and left unchanged")
err, msg = set_rate(A_DEVICE_UPCALL_REFUSED, 5)
check(err == errno.EINVAL and msg.strip(), "a refusal counter cannot be set (%r)" % msg)
for good in (1, 75, 100000):
    err, msg = set_rate(A_DEVICE_UPCALL_RATE, good)
    check(err == 0 and dev_info(g, "mv0")["upcall_rate"] == good,
          "upcall-rate %d taken (%r)" % (good, msg))
sys.exit(1 if fails else 0)
PY
mesh_done
