// SPDX-License-Identifier: GPL-2.0
/*
 * meshvpn: the kernel data plane of a tinc-style mesh VPN. meshvpnd (or the
 * `meshvpn` tool) configures nodes, keys and routes over generic netlink; the
 * module encrypts, decrypts and relays the tunnel traffic.
 */

#include <linux/module.h>
#include <net/genetlink.h>
#include <net/rtnetlink.h>

#include <linux/meshvpn.h>

#include "main.h"
#include "device.h"
#include "netlink.h"
#include "parallel.h"

static int __init meshvpn_init(void)
{
	int ret;

	ret = meshvpn_parallel_init();
	if (ret < 0)
		return ret;

	ret = meshvpn_device_init();
	if (ret < 0)
		goto err_parallel;

	ret = meshvpn_netlink_init();
	if (ret < 0)
		goto err_device;

	pr_info("meshvpn " MESHVPN_VERSION " loaded\n");
	return 0;

err_device:
	meshvpn_device_uninit();
err_parallel:
	meshvpn_parallel_uninit();
	return ret;
}

static void __exit meshvpn_exit(void)
{
	/* Netlink first, so no request can find a device that is going away. */
	meshvpn_netlink_uninit();
	meshvpn_device_uninit();
	meshvpn_parallel_uninit();
}

module_init(meshvpn_init);
module_exit(meshvpn_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("meshvpn mesh VPN data plane");
MODULE_VERSION(MESHVPN_VERSION);
MODULE_ALIAS_RTNL_LINK(KBUILD_MODNAME);
MODULE_ALIAS_GENL_FAMILY(MESHVPN_FAMILY_NAME);
