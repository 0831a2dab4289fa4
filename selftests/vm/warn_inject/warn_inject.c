// SPDX-License-Identifier: GPL-2.0
/*
 * Test-only module for the VM harness self-test (selftests/vm/selftest.sh):
 * loading it emits one kernel WARN, which the harness must report as a test
 * failure. Debian's kernel has no lkdtm, hence this module.
 */
#include <linux/bug.h>
#include <linux/module.h>

static int __init warn_inject_init(void)
{
	WARN(1, "warn_inject: deliberate warning for the VM harness self-test\n");
	return 0;
}

static void __exit warn_inject_exit(void)
{
}

module_init(warn_inject_init);
module_exit(warn_inject_exit);
MODULE_DESCRIPTION("Emit a WARN on load (VM harness self-test only)");
MODULE_LICENSE("GPL");
