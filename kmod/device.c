// SPDX-License-Identifier: GPL-2.0
/*
 * The meshvpn link: an L3 point-to-multipoint device without ARP. Its MTU
 * leaves room for the worst-case outer headers, IPv6 + UDP + meshvpn header
 * + tag. The data path arrives with the node and key tables; until then
 * transmitted packets are counted and dropped.
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

/* Worst case around an inner packet: IPv6 + UDP outside, header and tag. */
#define MESHVPN_ENCAP_OVERHEAD						\
	(sizeof(struct ipv6hdr) + sizeof(struct udphdr) + MESHVPN_DATA_OVERHEAD)

static netdev_tx_t meshvpn_xmit(struct sk_buff *skb, struct net_device *dev)
{
	DEV_STATS_INC(dev, tx_dropped);
	kfree_skb(skb);
	return NETDEV_TX_OK;
}

#ifndef MESHVPN_HAVE_CORE_TSTATS
/* Before 6.6 the core does not allocate per-CPU stats for drivers. */
static int meshvpn_dev_init(struct net_device *dev)
{
	dev->tstats = netdev_alloc_pcpu_stats(struct pcpu_sw_netstats);
	return dev->tstats ? 0 : -ENOMEM;
}

static void meshvpn_dev_uninit(struct net_device *dev)
{
	free_percpu(dev->tstats);
}
#endif

static const struct net_device_ops meshvpn_netdev_ops = {
#ifndef MESHVPN_HAVE_CORE_TSTATS
	.ndo_init		= meshvpn_dev_init,
	.ndo_uninit		= meshvpn_dev_uninit,
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
	dev->flags = IFF_POINTOPOINT | IFF_NOARP;
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
	/* Route lookups for the outer packet need the inner dst's MTU. */
	netif_keep_dst(dev);

	memset(mv, 0, sizeof(*mv));
	mv->dev = dev;
	mutex_init(&mv->update_lock);
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
