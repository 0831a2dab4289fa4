// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink family "meshvpn". The operations, their attribute policies
 * and the multicast group are generated from
 * Documentation/netlink/specs/meshvpn.yaml into netlink-gen.c; this file
 * holds the handlers and the notifications. Every rejection carries an
 * extack message, and a rejected request changes nothing: requests are
 * checked completely before anything is applied.
 */

#include <linux/netdevice.h>
#include <linux/timekeeping.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include <linux/meshvpn.h>

#include "device.h"
#include "netlink.h"
#include "netlink-gen.h"

static struct genl_family meshvpn_nl_family;

/**
 * meshvpn_nl_dev_get_held() - find the meshvpn device a request names
 * @net: the requester's network namespace
 * @attrs: the request's top-level attributes
 * @extack: where to report why the lookup failed
 * @tracker: tracker for the reference taken on success
 *
 * Return: the device with a reference held (release with netdev_put()), or
 * an ERR_PTR.
 */
static struct net_device *
meshvpn_nl_dev_get_held(struct net *net, struct nlattr **attrs,
			struct netlink_ext_ack *extack,
			netdevice_tracker *tracker)
{
	struct net_device *dev;

	if (!attrs[MESHVPN_A_IFINDEX]) {
		NL_SET_ERR_ATTR_MISS(extack, NULL, MESHVPN_A_IFINDEX);
		NL_SET_ERR_MSG_MOD(extack, "missing ifindex");
		return ERR_PTR(-EINVAL);
	}
	dev = dev_get_by_index(net, nla_get_u32(attrs[MESHVPN_A_IFINDEX]));
	if (!dev) {
		NL_SET_ERR_MSG_ATTR(extack, attrs[MESHVPN_A_IFINDEX],
				    "no interface with this ifindex");
		return ERR_PTR(-ENODEV);
	}
	if (!meshvpn_dev_is_meshvpn(dev)) {
		NL_SET_ERR_MSG_ATTR(extack, attrs[MESHVPN_A_IFINDEX],
				    "interface is not a meshvpn link");
		dev_put(dev);
		return ERR_PTR(-EINVAL);
	}
	netdev_tracker_alloc(dev, tracker, GFP_KERNEL);
	return dev;
}

/* Parse a required nested attribute of the request into @tb. */
static int meshvpn_nl_parse_nest(struct genl_info *info, int attr, int max,
				 const struct nla_policy *policy,
				 struct nlattr **tb)
{
	if (GENL_REQ_ATTR_CHECK(info, attr))
		return -EINVAL;
	return nla_parse_nested(tb, max, info->attrs[attr], policy,
				info->extack);
}

static int meshvpn_nl_put_node_id(struct sk_buff *skb, int attr, u64 id,
				  int pad)
{
	return nla_put_u64_64bit(skb, attr, id, pad);
}

/* ---- device ---- */

static int meshvpn_nl_fill_dev(struct sk_buff *skb, struct meshvpn_device *mv)
{
	struct nlattr *nest;

	if (nla_put_u32(skb, MESHVPN_A_IFINDEX, mv->dev->ifindex))
		return -EMSGSIZE;
	nest = nla_nest_start(skb, MESHVPN_A_DEV);
	if (!nest)
		return -EMSGSIZE;
	if ((mv->local_node_id &&
	     meshvpn_nl_put_node_id(skb, MESHVPN_A_DEVICE_LOCAL_NODE_ID,
				    mv->local_node_id, MESHVPN_A_DEVICE_PAD)) ||
	    nla_put_u32(skb, MESHVPN_A_DEVICE_NODE_COUNT, 0) ||
	    nla_put_u32(skb, MESHVPN_A_DEVICE_ROUTE_COUNT, 0)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

int meshvpn_nl_dev_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	netdevice_tracker tracker;
	struct meshvpn_device *mv;
	struct net_device *dev;
	struct sk_buff *msg;
	void *hdr;
	int ret;

	dev = meshvpn_nl_dev_get_held(genl_info_net(info), info->attrs,
				      info->extack, &tracker);
	if (IS_ERR(dev))
		return PTR_ERR(dev);
	mv = netdev_priv(dev);

	msg = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg) {
		ret = -ENOMEM;
		goto out;
	}
	hdr = genlmsg_put_reply(msg, info, &meshvpn_nl_family, 0,
				MESHVPN_CMD_DEV_GET);
	if (!hdr) {
		ret = -EMSGSIZE;
		goto err_free;
	}
	mutex_lock(&mv->update_lock);
	ret = meshvpn_nl_fill_dev(msg, mv);
	mutex_unlock(&mv->update_lock);
	if (ret)
		goto err_free;
	genlmsg_end(msg, hdr);
	ret = genlmsg_reply(msg, info);
	goto out;

err_free:
	nlmsg_free(msg);
out:
	netdev_put(dev, &tracker);
	return ret;
}

int meshvpn_nl_dev_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[MESHVPN_A_DEVICE_MAX + 1];
	netdevice_tracker tracker;
	struct meshvpn_device *mv;
	struct net_device *dev;
	int ret;

	ret = meshvpn_nl_parse_nest(info, MESHVPN_A_DEV, MESHVPN_A_DEVICE_MAX,
				    meshvpn_device_set_input_nl_policy, tb);
	if (ret)
		return ret;
	dev = meshvpn_nl_dev_get_held(genl_info_net(info), info->attrs,
				      info->extack, &tracker);
	if (IS_ERR(dev))
		return PTR_ERR(dev);
	mv = netdev_priv(dev);

	mutex_lock(&mv->update_lock);
	if (tb[MESHVPN_A_DEVICE_SOCKET]) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[MESHVPN_A_DEVICE_SOCKET],
				    "attaching a socket is not supported yet");
		ret = -EOPNOTSUPP;
		goto out;
	}
	if (tb[MESHVPN_A_DEVICE_LOCAL_NODE_ID])
		WRITE_ONCE(mv->local_node_id,
			   nla_get_u64(tb[MESHVPN_A_DEVICE_LOCAL_NODE_ID]));
	ret = 0;
out:
	mutex_unlock(&mv->update_lock);
	netdev_put(dev, &tracker);
	return ret;
}

/*
 * Nodes, keys and routes arrive with the data path. Until then their
 * operations exist, with their policies, and refuse with a reason.
 */
static int meshvpn_nl_not_yet(struct netlink_ext_ack *extack)
{
	NL_SET_ERR_MSG_MOD(extack,
			   "operation not supported by this meshvpn module yet");
	return -EOPNOTSUPP;
}

#define MESHVPN_NL_NOT_YET_DOIT(op)					\
int meshvpn_nl_##op##_doit(struct sk_buff *skb, struct genl_info *info) \
{									\
	return meshvpn_nl_not_yet(info->extack);			\
}

MESHVPN_NL_NOT_YET_DOIT(node_new)
MESHVPN_NL_NOT_YET_DOIT(node_set)
MESHVPN_NL_NOT_YET_DOIT(node_get)
MESHVPN_NL_NOT_YET_DOIT(node_del)
MESHVPN_NL_NOT_YET_DOIT(key_new)
MESHVPN_NL_NOT_YET_DOIT(key_get)
MESHVPN_NL_NOT_YET_DOIT(key_swap)
MESHVPN_NL_NOT_YET_DOIT(key_del)
MESHVPN_NL_NOT_YET_DOIT(route_new)
MESHVPN_NL_NOT_YET_DOIT(route_del)

int meshvpn_nl_node_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	return meshvpn_nl_not_yet(cb->extack);
}

int meshvpn_nl_route_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	return meshvpn_nl_not_yet(cb->extack);
}

static struct genl_family meshvpn_nl_family __ro_after_init = {
	.name		= MESHVPN_FAMILY_NAME,
	.version	= MESHVPN_FAMILY_VERSION,
	.maxattr	= MESHVPN_A_MAX,
	.netnsok	= true,
	.parallel_ops	= true,
	.module		= THIS_MODULE,
	.ops		= meshvpn_nl_ops,
	.n_ops		= ARRAY_SIZE(meshvpn_nl_ops),
	.resv_start_op	= MESHVPN_CMD_MAX + 1,
	.mcgrps		= meshvpn_nl_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(meshvpn_nl_mcgrps),
};

int __init meshvpn_netlink_init(void)
{
	return genl_register_family(&meshvpn_nl_family);
}

void meshvpn_netlink_uninit(void)
{
	genl_unregister_family(&meshvpn_nl_family);
}
