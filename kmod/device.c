// SPDX-License-Identifier: GPL-2.0
/*
 * The meshvpn link: an L3 point-to-multipoint device without ARP. Inner IPv4
 * and IPv6 packets leave it encrypted in UDP (send.c) and arrive through the
 * attached socket (receive.c). Its MTU leaves room for the worst-case outer
 * headers, IPv6 + UDP + meshvpn header + tag.
 */

#include <linux/if_arp.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <net/ip.h>
#include <net/rtnetlink.h>

#include <meshvpn/wire.h>

#include "compat.h"
#include "device.h"
#include "node.h"
#include "parallel.h"
#include "receive.h"
#include "send.h"
#include "socket.h"

/* Worst case around an inner packet: IPv6 + UDP outside, header and tag. */
#define MESHVPN_ENCAP_OVERHEAD						\
	(sizeof(struct ipv6hdr) + sizeof(struct udphdr) + MESHVPN_DATA_OVERHEAD)

static int meshvpn_dev_init(struct net_device *dev)
{
	struct meshvpn_device *mv = netdev_priv(dev);
	int ret;

#ifndef MESHVPN_HAVE_CORE_TSTATS
	/* Before 6.6 the core does not allocate per-CPU stats for drivers. */
	dev->tstats = netdev_alloc_pcpu_stats(struct pcpu_sw_netstats);
	if (!dev->tstats)
		return -ENOMEM;
#endif
	ret = meshvpn_send_init(mv);
	if (ret)
		goto err_stats;
	ret = meshvpn_receive_init(mv);
	if (ret)
		goto err_send;
	ret = gro_cells_init(&mv->gro_cells, dev);
	if (ret)
		goto err_receive;
	return 0;

err_receive:
	meshvpn_crypt_ring_uninit(&mv->rx_ring);
err_send:
	meshvpn_crypt_ring_uninit(&mv->tx_ring);
err_stats:
#ifndef MESHVPN_HAVE_CORE_TSTATS
	free_percpu(dev->tstats);
#endif
	return ret;
}

/* Unregistering the link (or its namespace going away) frees everything. */
static void meshvpn_dev_uninit(struct net_device *dev)
{
	struct meshvpn_device *mv = netdev_priv(dev);

	mutex_lock(&mv->update_lock);
	meshvpn_socket_detach(mv);
	meshvpn_node_remove_all(mv);
	meshvpn_routes_free(&mv->routes, &mv->update_lock);
	mutex_unlock(&mv->update_lock);
	/* The link is down: jobs still in flight drop their packets. */
	gro_cells_destroy(&mv->gro_cells);
}

/* Runs once the last reference is gone, so no crypto job is in flight. */
static void meshvpn_dev_destruct(struct net_device *dev)
{
	struct meshvpn_device *mv = netdev_priv(dev);

	meshvpn_crypt_ring_uninit(&mv->rx_ring);
	meshvpn_crypt_ring_uninit(&mv->tx_ring);
	meshvpn_ratelimit_free(&mv->upcall);
#ifndef MESHVPN_HAVE_CORE_TSTATS
	free_percpu(dev->tstats);
#endif
}

static const struct net_device_ops meshvpn_netdev_ops = {
	.ndo_init		= meshvpn_dev_init,
	.ndo_uninit		= meshvpn_dev_uninit,
#ifndef MESHVPN_HAVE_CORE_TSTATS
	.ndo_get_stats64	= dev_get_tstats64,
#endif
	.ndo_start_xmit		= meshvpn_xmit,
};

static void meshvpn_setup(struct net_device *dev)
{
	struct meshvpn_device *mv = netdev_priv(dev);
	const netdev_features_t features = NETIF_F_SG | NETIF_F_HW_CSUM |
					   NETIF_F_HIGHDMA | NETIF_F_GSO_SOFTWARE;

	dev->netdev_ops = &meshvpn_netdev_ops;
	dev->header_ops = NULL;
	dev->type = ARPHRD_NONE;
	/* Multicast like tinc's TUN: the daemon floods it along the mesh. */
	dev->flags = IFF_POINTOPOINT | IFF_NOARP | IFF_MULTICAST;
	dev->priv_flags |= IFF_NO_QUEUE;
	dev->hard_header_len = 0;
	dev->addr_len = 0;
	dev->needed_headroom = LL_MAX_HEADER + MESHVPN_ENCAP_OVERHEAD -
			       MESHVPN_AEAD_TAG_LEN;
	dev->needed_tailroom = MESHVPN_AEAD_TAG_LEN;
	dev->mtu = ETH_DATA_LEN - MESHVPN_ENCAP_OVERHEAD;
	dev->min_mtu = IPV4_MIN_MTU;
	dev->max_mtu = IP_MAX_MTU - MESHVPN_ENCAP_OVERHEAD;
	dev->features |= features;
	dev->hw_features |= features;
	dev->hw_enc_features |= features;
#ifdef MESHVPN_HAVE_DEV_LLTX
	dev->lltx = true;
#else
	dev->features |= NETIF_F_LLTX;
#endif
#ifdef MESHVPN_HAVE_CORE_TSTATS
	dev->pcpu_stat_type = NETDEV_PCPU_STAT_TSTATS;
#endif
	dev->needs_free_netdev = true;
	dev->priv_destructor = meshvpn_dev_destruct;
	/* Route lookups for the outer packet need the inner dst's MTU. */
	netif_keep_dst(dev);

	memset(mv, 0, sizeof(*mv));
	mv->dev = dev;
	mutex_init(&mv->update_lock);
	spin_lock_init(&mv->endpoint_lock);
	hash_init(mv->nodes_by_id);
	hash_init(mv->nodes_by_endpoint);
	INIT_LIST_HEAD(&mv->nodes);
	meshvpn_routes_init(&mv->routes);
	mv->upcall_rate = MESHVPN_UPCALL_RATE_DEFAULT;
	meshvpn_ratelimit_init(&mv->upcall);
}

struct rtnl_link_ops meshvpn_link_ops __read_mostly = {
	.kind		= KBUILD_MODNAME,
	.priv_size	= sizeof(struct meshvpn_device),
	.setup		= meshvpn_setup,
};

int __init meshvpn_device_init(void)
{
	return rtnl_link_register(&meshvpn_link_ops);
}

void meshvpn_device_uninit(void)
{
	rtnl_link_unregister(&meshvpn_link_ops);
}
