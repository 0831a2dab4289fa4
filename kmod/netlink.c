// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink family "meshvpn". The operations, their attribute policies
 * and the multicast groups are generated from
 * Documentation/netlink/specs/meshvpn.yaml into netlink-gen.c; this file
 * holds the family, the configuration handlers and the notifications of the
 * "events" group. The packet channel to the daemon (the "packets" group and
 * the daemon's answers) is daemon_channel.c. Every rejection carries an
 * extack message, and a rejected request changes nothing: requests are
 * checked completely before anything is applied.
 *
 * The spec puts every do handler between two hooks that find the device the
 * request names: meshvpn_nl_lock_dev() and meshvpn_nl_unlock_dev() around
 * configuration, which also hold the device's update_lock, and
 * meshvpn_nl_hold_dev() and meshvpn_nl_put_dev() around the packets the
 * daemon hands back (daemon_channel.c). Handlers find the device in
 * info->user_ptr[0].
 */

#include <linux/netdevice.h>
#include <linux/timekeeping.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include <linux/meshvpn.h>

#include "compat.h"
#include "device.h"
#include "netlink.h"
#include "netlink-gen.h"
#include "node.h"
#include "route.h"
#include "send.h"
#include "socket.h"

/**
 * meshvpn_nl_dev_get() - find the meshvpn device a request names
 * @net: the requester's network namespace
 * @attrs: the request's top-level attributes
 * @extack: where to report why the lookup failed
 * @tracker: tracker for the reference taken on success
 *
 * Return: the device's state with a reference held on the device (release
 * with netdev_put()), or an ERR_PTR.
 */
static struct meshvpn_device *
meshvpn_nl_dev_get(struct net *net, struct nlattr **attrs,
		   struct netlink_ext_ack *extack, netdevice_tracker *tracker)
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
	return netdev_priv(dev);
}

/*
 * Between the hooks of a do handler, info->user_ptr[0] is the device's state
 * and user_ptr[1] the tracker of the reference on it.
 */
static_assert(sizeof(netdevice_tracker) <= sizeof(void *));

static netdevice_tracker *meshvpn_nl_tracker(struct genl_info *info)
{
	return (netdevice_tracker *)&info->user_ptr[1];
}

int meshvpn_nl_hold_dev(const struct genl_split_ops *ops, struct sk_buff *skb,
			struct genl_info *info)
{
	struct meshvpn_device *mv;

	mv = meshvpn_nl_dev_get(genl_info_net(info), info->attrs, info->extack,
				meshvpn_nl_tracker(info));
	if (IS_ERR(mv))
		return PTR_ERR(mv);
	info->user_ptr[0] = mv;
	return 0;
}

/* Only called after meshvpn_nl_hold_dev() succeeded: user_ptr[0] is set. */
void meshvpn_nl_put_dev(const struct genl_split_ops *ops, struct sk_buff *skb,
			struct genl_info *info)
{
	struct meshvpn_device *mv = info->user_ptr[0];

	netdev_put(mv->dev, meshvpn_nl_tracker(info));
}

/* Configuration requests are serialised per device by its update_lock. */
int meshvpn_nl_lock_dev(const struct genl_split_ops *ops, struct sk_buff *skb,
			struct genl_info *info)
{
	struct meshvpn_device *mv;
	int ret;

	ret = meshvpn_nl_hold_dev(ops, skb, info);
	if (ret)
		return ret;
	mv = info->user_ptr[0];
	mutex_lock(&mv->update_lock);
	return 0;
}

void meshvpn_nl_unlock_dev(const struct genl_split_ops *ops,
			   struct sk_buff *skb, struct genl_info *info)
{
	struct meshvpn_device *mv = info->user_ptr[0];

	mutex_unlock(&mv->update_lock);
	meshvpn_nl_put_dev(ops, skb, info);
}

/*
 * Dumps get no pre_doit: each part of a dump finds, holds and locks its
 * device the same way itself.
 */
static struct meshvpn_device *meshvpn_nl_dump_lock(struct netlink_callback *cb,
						   netdevice_tracker *tracker)
{
	struct meshvpn_device *mv;

	mv = meshvpn_nl_dev_get(sock_net(cb->skb->sk), meshvpn_dump_attrs(cb),
				cb->extack, tracker);
	if (!IS_ERR(mv))
		mutex_lock(&mv->update_lock);
	return mv;
}

static void meshvpn_nl_dump_unlock(struct meshvpn_device *mv,
				   netdevice_tracker *tracker)
{
	mutex_unlock(&mv->update_lock);
	netdev_put(mv->dev, tracker);
}

/**
 * meshvpn_nl_parse_nest() - parse a required nested attribute of a request
 * @info: the request
 * @attr: the top-level attribute holding the nest
 * @max: the highest attribute of the nested set
 * @policy: the nested set's policy for this request
 * @tb: where the nested attributes go, @max + 1 entries
 *
 * Return: 0, or a negative errno with an extack message.
 */
int meshvpn_nl_parse_nest(struct genl_info *info, int attr, int max,
			  const struct nla_policy *policy, struct nlattr **tb)
{
	if (MESHVPN_NL_REQUIRE(info->extack, NULL, info->attrs, attr,
			       "attribute nest"))
		return -EINVAL;
	return nla_parse_nested(tb, max, info->attrs[attr], policy,
				info->extack);
}

/* Lookup of a node a request names by id, with the reason if it fails. */
static struct meshvpn_node *meshvpn_nl_node(struct meshvpn_device *mv,
					    struct nlattr **tb, int attr,
					    struct netlink_ext_ack *extack)
{
	struct meshvpn_node *node;

	if (!tb[attr]) {
		NL_SET_ERR_MSG_MOD(extack, "missing node id");
		return ERR_PTR(-EINVAL);
	}
	node = meshvpn_node_lookup(mv, nla_get_u64(tb[attr]));
	if (!node) {
		NL_SET_ERR_MSG_ATTR(extack, tb[attr], "no node with this id");
		return ERR_PTR(-ENOENT);
	}
	return node;
}

/* ---- device ---- */

static_assert(MESHVPN_A_DEVICE_UPCALL_REFUSED + MESHVPN_LIMIT_COUNT - 1 ==
	      MESHVPN_A_DEVICE_ROUTES_REFUSED);

static int meshvpn_nl_fill_dev(struct sk_buff *skb, struct meshvpn_device *mv)
{
	struct nlattr *nest;
	int i;

	if (nla_put_u32(skb, MESHVPN_A_IFINDEX, mv->dev->ifindex))
		return -EMSGSIZE;
	nest = nla_nest_start(skb, MESHVPN_A_DEV);
	if (!nest)
		return -EMSGSIZE;
	if ((mv->local_node_id &&
	     meshvpn_nl_put_node_id(skb, MESHVPN_A_DEVICE_LOCAL_NODE_ID,
				    mv->local_node_id, MESHVPN_A_DEVICE_PAD)) ||
	    (meshvpn_socket_port(mv) &&
	     nla_put_be16(skb, MESHVPN_A_DEVICE_PORT, meshvpn_socket_port(mv))) ||
	    nla_put_u32(skb, MESHVPN_A_DEVICE_NODE_COUNT, mv->node_count) ||
	    nla_put_u32(skb, MESHVPN_A_DEVICE_ROUTE_COUNT,
			meshvpn_routes_count(&mv->routes)) ||
	    nla_put_u32(skb, MESHVPN_A_DEVICE_UPCALL_RATE,
			READ_ONCE(mv->upcall_rate)))
		goto cancel;
	for (i = 0; i < MESHVPN_LIMIT_COUNT; i++)
		if (meshvpn_nla_put_uint(skb, MESHVPN_A_DEVICE_UPCALL_REFUSED + i,
					 atomic64_read(&mv->limit_refused[i])))
			goto cancel;
	nla_nest_end(skb, nest);
	return 0;

cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

int meshvpn_nl_dev_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct meshvpn_device *mv = info->user_ptr[0];
	struct sk_buff *msg;
	void *hdr;

	msg = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &meshvpn_nl_family, 0,
				MESHVPN_CMD_DEV_GET);
	if (!hdr || meshvpn_nl_fill_dev(msg, mv)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

int meshvpn_nl_dev_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[MESHVPN_A_DEVICE_MAX + 1];
	struct meshvpn_device *mv = info->user_ptr[0];
	int ret;

	ret = meshvpn_nl_parse_nest(info, MESHVPN_A_DEV, MESHVPN_A_DEVICE_MAX,
				    meshvpn_device_set_input_nl_policy, tb);
	if (ret)
		return ret;
	if (tb[MESHVPN_A_DEVICE_LOCAL_NODE_ID] &&
	    meshvpn_node_lookup(mv, nla_get_u64(tb[MESHVPN_A_DEVICE_LOCAL_NODE_ID]))) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[MESHVPN_A_DEVICE_LOCAL_NODE_ID],
				    "local node id is in use by a remote node");
		return -EEXIST;
	}
	if (tb[MESHVPN_A_DEVICE_SOCKET]) {
		ret = meshvpn_socket_attach(mv, nla_get_u32(tb[MESHVPN_A_DEVICE_SOCKET]),
					    info->extack);
		if (ret)
			return ret;
	}
	if (tb[MESHVPN_A_DEVICE_LOCAL_NODE_ID])
		WRITE_ONCE(mv->local_node_id,
			   nla_get_u64(tb[MESHVPN_A_DEVICE_LOCAL_NODE_ID]));
	/* The policy holds it to 1..MESHVPN_UPCALL_RATE_MAX. */
	if (tb[MESHVPN_A_DEVICE_UPCALL_RATE])
		WRITE_ONCE(mv->upcall_rate,
			   nla_get_u32(tb[MESHVPN_A_DEVICE_UPCALL_RATE]));
	return 0;
}

/* ---- nodes ---- */

static_assert(MESHVPN_A_NODE_RX_BYTES + MESHVPN_STAT_RELAY_BYTES ==
	      MESHVPN_A_NODE_RELAY_BYTES);
static_assert(MESHVPN_A_NODE_DAEMON_PACKETS + 1 == MESHVPN_A_NODE_DAEMON_DROPS &&
	      MESHVPN_STAT_DAEMON_PACKETS + 1 == MESHVPN_STAT_DAEMON_DROPS &&
	      MESHVPN_STAT_DAEMON_DROPS + 1 == MESHVPN_STAT_COUNT);

/* The attribute a counter is dumped in. */
static int meshvpn_nl_stat_attr(int stat)
{
	if (stat >= MESHVPN_STAT_DAEMON_PACKETS)
		return MESHVPN_A_NODE_DAEMON_PACKETS +
		       stat - MESHVPN_STAT_DAEMON_PACKETS;
	return MESHVPN_A_NODE_RX_BYTES + stat;
}

/**
 * struct meshvpn_node_cfg - a node request, checked before it is applied
 * @has_endpoint: the request sets the endpoint
 * @endpoint: the endpoint to set
 * @has_next_hop: the request sets the next hop
 * @next_hop: the next hop's id
 * @has_keepalive: the request sets the keepalive interval
 * @keepalive: the interval in seconds
 * @has_broadcast_via: the request sets where broadcasts come from
 * @broadcast_via: the id of the node they come from
 */
struct meshvpn_node_cfg {
	bool has_endpoint;
	struct meshvpn_endpoint endpoint;
	bool has_next_hop;
	u64 next_hop;
	bool has_keepalive;
	u32 keepalive;
	bool has_broadcast_via;
	u64 broadcast_via;
};

static int meshvpn_nl_node_cfg(struct meshvpn_device *mv, u64 id,
			       struct nlattr **tb, struct meshvpn_node_cfg *cfg,
			       struct netlink_ext_ack *extack)
{
	struct nlattr *v4 = tb[MESHVPN_A_NODE_REMOTE_IPV4];
	struct nlattr *v6 = tb[MESHVPN_A_NODE_REMOTE_IPV6];
	struct nlattr *port = tb[MESHVPN_A_NODE_REMOTE_PORT];

	memset(cfg, 0, sizeof(*cfg));
	if (v4 && v6) {
		NL_SET_ERR_MSG_ATTR(extack, v6,
				    "an endpoint is either IPv4 or IPv6");
		return -EINVAL;
	}
	if ((v4 || v6) && !port) {
		NL_SET_ERR_ATTR_MISS(extack, NULL, MESHVPN_A_NODE_REMOTE_PORT);
		NL_SET_ERR_MSG_MOD(extack, "an endpoint needs a port");
		return -EINVAL;
	}
	if (port && !v4 && !v6) {
		NL_SET_ERR_MSG_ATTR(extack, port, "a port needs an address");
		return -EINVAL;
	}
	if (tb[MESHVPN_A_NODE_REMOTE_IPV6_SCOPE_ID] && !v6) {
		NL_SET_ERR_MSG_ATTR(extack, tb[MESHVPN_A_NODE_REMOTE_IPV6_SCOPE_ID],
				    "a scope id needs an IPv6 address");
		return -EINVAL;
	}
	if (v4) {
		cfg->has_endpoint = true;
		cfg->endpoint.addr.sin.sin_family = AF_INET;
		cfg->endpoint.addr.sin.sin_addr.s_addr = nla_get_in_addr(v4);
		cfg->endpoint.addr.sin.sin_port = nla_get_be16(port);
	} else if (v6) {
		cfg->has_endpoint = true;
		cfg->endpoint.addr.sin6.sin6_family = AF_INET6;
		cfg->endpoint.addr.sin6.sin6_addr = nla_get_in6_addr(v6);
		cfg->endpoint.addr.sin6.sin6_port = nla_get_be16(port);
		if (tb[MESHVPN_A_NODE_REMOTE_IPV6_SCOPE_ID])
			cfg->endpoint.addr.sin6.sin6_scope_id =
				nla_get_u32(tb[MESHVPN_A_NODE_REMOTE_IPV6_SCOPE_ID]);
	}

	if (tb[MESHVPN_A_NODE_NEXT_HOP]) {
		cfg->has_next_hop = true;
		cfg->next_hop = nla_get_u64(tb[MESHVPN_A_NODE_NEXT_HOP]);
		/* This node's own id: the daemon carries the messages. */
		if (cfg->next_hop != id &&
		    cfg->next_hop != READ_ONCE(mv->local_node_id) &&
		    !meshvpn_node_lookup(mv, cfg->next_hop)) {
			NL_SET_ERR_MSG_ATTR(extack, tb[MESHVPN_A_NODE_NEXT_HOP],
					    "next hop is neither a known node nor this node");
			return -ENOENT;
		}
	}
	if (tb[MESHVPN_A_NODE_KEEPALIVE]) {
		cfg->has_keepalive = true;
		cfg->keepalive = nla_get_u32(tb[MESHVPN_A_NODE_KEEPALIVE]);
	}
	if (tb[MESHVPN_A_NODE_BROADCAST_VIA]) {
		cfg->has_broadcast_via = true;
		cfg->broadcast_via = nla_get_u64(tb[MESHVPN_A_NODE_BROADCAST_VIA]);
		/* Broadcasts arrive from a node, never from the daemon. */
		if (cfg->broadcast_via != id &&
		    !meshvpn_node_lookup(mv, cfg->broadcast_via)) {
			NL_SET_ERR_MSG_ATTR(extack, tb[MESHVPN_A_NODE_BROADCAST_VIA],
					    "broadcast-via is neither this node nor a known node");
			return -ENOENT;
		}
	}
	return 0;
}

/* Return: 0, or -ENOMEM before anything changed. */
static int meshvpn_nl_node_apply(struct meshvpn_node *node,
				 const struct meshvpn_node_cfg *cfg)
{
	if (cfg->has_endpoint &&
	    meshvpn_node_set_endpoint(node, &cfg->endpoint, GFP_KERNEL))
		return -ENOMEM;
	if (cfg->has_next_hop)
		WRITE_ONCE(node->next_hop, cfg->next_hop);
	if (cfg->has_keepalive)
		meshvpn_node_set_keepalive(node, cfg->keepalive);
	if (cfg->has_broadcast_via)
		WRITE_ONCE(node->broadcast_via, cfg->broadcast_via);
	node->mv->generation++;
	return 0;
}

/* Common part of node-new and node-set. */
static int meshvpn_nl_node_change(struct genl_info *info, bool create,
				  const struct nla_policy *policy)
{
	struct nlattr *tb[MESHVPN_A_NODE_MAX + 1];
	struct meshvpn_device *mv = info->user_ptr[0];
	struct meshvpn_node_cfg cfg;
	struct meshvpn_node *node;
	u64 id;
	int ret;

	ret = meshvpn_nl_parse_nest(info, MESHVPN_A_NODE, MESHVPN_A_NODE_MAX,
				    policy, tb);
	if (ret)
		return ret;
	if (MESHVPN_NL_REQUIRE(info->extack, info->attrs[MESHVPN_A_NODE], tb,
			       MESHVPN_A_NODE_ID, "node id"))
		return -EINVAL;
	id = nla_get_u64(tb[MESHVPN_A_NODE_ID]);

	node = meshvpn_node_lookup(mv, id);
	if (create && node) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[MESHVPN_A_NODE_ID],
				    "a node with this id exists");
		return -EEXIST;
	}
	if (!create && !node) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[MESHVPN_A_NODE_ID],
				    "no node with this id");
		return -ENOENT;
	}
	if (create && id == mv->local_node_id) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[MESHVPN_A_NODE_ID],
				    "this id is the local node's");
		return -EINVAL;
	}
	ret = meshvpn_nl_node_cfg(mv, id, tb, &cfg, info->extack);
	if (ret)
		return ret;
	if (create) {
		node = meshvpn_node_create(mv, id);
		if (IS_ERR(node)) {
			if (PTR_ERR(node) == -ENOSPC)
				NL_SET_ERR_MSG_MOD(info->extack, "too many nodes");
			return PTR_ERR(node);
		}
	}
	ret = meshvpn_nl_node_apply(node, &cfg);
	if (ret && create)
		meshvpn_node_remove(node);
	return ret;
}

int meshvpn_nl_node_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	return meshvpn_nl_node_change(info, true,
				      meshvpn_node_new_input_nl_policy);
}

int meshvpn_nl_node_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	return meshvpn_nl_node_change(info, false,
				      meshvpn_node_set_input_nl_policy);
}

static int meshvpn_nl_put_endpoint(struct sk_buff *skb,
				   const struct meshvpn_endpoint *ep)
{
	switch (ep->addr.sa.sa_family) {
	case AF_INET:
		if (nla_put_in_addr(skb, MESHVPN_A_NODE_REMOTE_IPV4,
				    ep->addr.sin.sin_addr.s_addr) ||
		    nla_put_be16(skb, MESHVPN_A_NODE_REMOTE_PORT,
				 ep->addr.sin.sin_port))
			return -EMSGSIZE;
		break;
	case AF_INET6:
		if (nla_put_in6_addr(skb, MESHVPN_A_NODE_REMOTE_IPV6,
				     &ep->addr.sin6.sin6_addr) ||
		    (ep->addr.sin6.sin6_scope_id &&
		     nla_put_u32(skb, MESHVPN_A_NODE_REMOTE_IPV6_SCOPE_ID,
				 ep->addr.sin6.sin6_scope_id)) ||
		    nla_put_be16(skb, MESHVPN_A_NODE_REMOTE_PORT,
				 ep->addr.sin6.sin6_port))
			return -EMSGSIZE;
		break;
	}
	return 0;
}

static int meshvpn_nl_put_node(struct sk_buff *skb, struct meshvpn_node *node,
			       bool with_stats)
{
	u64 st[MESHVPN_STAT_COUNT];
	struct meshvpn_endpoint ep;
	struct nlattr *nest;
	int i;

	nest = nla_nest_start(skb, MESHVPN_A_NODE);
	if (!nest)
		return -EMSGSIZE;
	spin_lock_bh(&node->endpoint_lock);
	ep = node->endpoint;
	spin_unlock_bh(&node->endpoint_lock);
	if (meshvpn_nl_put_node_id(skb, MESHVPN_A_NODE_ID, node->id,
				   MESHVPN_A_NODE_PAD) ||
	    meshvpn_nl_put_endpoint(skb, &ep))
		goto err;
	if (!with_stats)
		goto out;
	meshvpn_node_stats_read(node, st);
	if (meshvpn_nl_put_node_id(skb, MESHVPN_A_NODE_NEXT_HOP,
				   READ_ONCE(node->next_hop), MESHVPN_A_NODE_PAD) ||
	    nla_put_u32(skb, MESHVPN_A_NODE_KEEPALIVE, READ_ONCE(node->keepalive)) ||
	    meshvpn_nl_put_node_id(skb, MESHVPN_A_NODE_BROADCAST_VIA,
				   READ_ONCE(node->broadcast_via),
				   MESHVPN_A_NODE_PAD))
		goto err;
	for (i = 0; i < MESHVPN_STAT_COUNT; i++)
		if (meshvpn_nla_put_uint(skb, meshvpn_nl_stat_attr(i), st[i]))
			goto err;
	if (READ_ONCE(node->last_rx) &&
	    nla_put_u64_64bit(skb, MESHVPN_A_NODE_LAST_RX,
			      READ_ONCE(node->last_rx), MESHVPN_A_NODE_PAD))
		goto err;
out:
	nla_nest_end(skb, nest);
	return 0;
err:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

int meshvpn_nl_node_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[MESHVPN_A_NODE_MAX + 1];
	struct meshvpn_device *mv = info->user_ptr[0];
	struct meshvpn_node *node;
	struct sk_buff *msg;
	void *hdr;
	int ret;

	ret = meshvpn_nl_parse_nest(info, MESHVPN_A_NODE, MESHVPN_A_NODE_MAX,
				    meshvpn_node_nl_policy, tb);
	if (ret)
		return ret;
	node = meshvpn_nl_node(mv, tb, MESHVPN_A_NODE_ID, info->extack);
	if (IS_ERR(node))
		return PTR_ERR(node);
	msg = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &meshvpn_nl_family, 0,
				MESHVPN_CMD_NODE_GET);
	if (!hdr || nla_put_u32(msg, MESHVPN_A_IFINDEX, mv->dev->ifindex) ||
	    meshvpn_nl_put_node(msg, node, true)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/*
 * Dumps resume from an index into the device's ordered list; a change of
 * the device's generation between the parts of a dump marks it
 * NLM_F_DUMP_INTR, so userspace knows to start again.
 */
int meshvpn_nl_node_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	long skip = cb->args[0], idx = 0;
	netdevice_tracker tracker;
	struct meshvpn_device *mv;
	struct meshvpn_node *node;
	void *hdr;

	mv = meshvpn_nl_dump_lock(cb, &tracker);
	if (IS_ERR(mv))
		return PTR_ERR(mv);
	cb->seq = mv->generation;
	list_for_each_entry(node, &mv->nodes, list) {
		if (idx++ < skip)
			continue;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &meshvpn_nl_family,
				  NLM_F_MULTI, MESHVPN_CMD_NODE_GET);
		if (!hdr)
			break;
		genl_dump_check_consistent(cb, hdr);
		if (nla_put_u32(skb, MESHVPN_A_IFINDEX, mv->dev->ifindex) ||
		    meshvpn_nl_put_node(skb, node, true)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		cb->args[0] = idx;
	}
	meshvpn_nl_dump_unlock(mv, &tracker);
	return skb->len;
}

int meshvpn_nl_node_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[MESHVPN_A_NODE_MAX + 1];
	struct meshvpn_device *mv = info->user_ptr[0];
	struct meshvpn_node *node, *other;
	int ret;

	ret = meshvpn_nl_parse_nest(info, MESHVPN_A_NODE, MESHVPN_A_NODE_MAX,
				    meshvpn_node_del_input_nl_policy, tb);
	if (ret)
		return ret;
	node = meshvpn_nl_node(mv, tb, MESHVPN_A_NODE_ID, info->extack);
	if (IS_ERR(node))
		return PTR_ERR(node);
	/* Nodes relaying through this one would be left without a path. */
	list_for_each_entry(other, &mv->nodes, list) {
		if (other != node && READ_ONCE(other->next_hop) == node->id) {
			NL_SET_ERR_MSG_MOD(info->extack,
					   "node is the next hop of another node");
			return -EBUSY;
		}
	}
	meshvpn_node_remove(node);
	return 0;
}

/* ---- keys ---- */

static int meshvpn_nl_keydir(struct nlattr *nest, u8 *raw,
			     struct netlink_ext_ack *extack)
{
	struct nlattr *tb[MESHVPN_A_KEYDIR_MAX + 1];
	int ret;

	ret = nla_parse_nested(tb, MESHVPN_A_KEYDIR_MAX, nest,
			       meshvpn_keydir_nl_policy, extack);
	if (ret)
		return ret;
	if (MESHVPN_NL_REQUIRE(extack, nest, tb, MESHVPN_A_KEYDIR_CIPHER_KEY,
			       "cipher key"))
		return -EINVAL;
	nla_memcpy(raw, tb[MESHVPN_A_KEYDIR_CIPHER_KEY], MESHVPN_KEY_LEN);
	return 0;
}

int meshvpn_nl_key_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[MESHVPN_A_KEYCONF_MAX + 1];
	u8 tx[MESHVPN_KEY_LEN], rx[MESHVPN_KEY_LEN];
	struct nlattr *nest = info->attrs[MESHVPN_A_KEYCONF];
	struct meshvpn_device *mv = info->user_ptr[0];
	struct meshvpn_node *node;
	struct meshvpn_key *key;
	u32 alg, slot;
	int ret;

	ret = meshvpn_nl_parse_nest(info, MESHVPN_A_KEYCONF, MESHVPN_A_KEYCONF_MAX,
				    meshvpn_keyconf_new_input_nl_policy, tb);
	if (ret)
		return ret;
	if (MESHVPN_NL_REQUIRE(info->extack, nest, tb, MESHVPN_A_KEYCONF_NODE_ID,
			       "node id") ||
	    MESHVPN_NL_REQUIRE(info->extack, nest, tb, MESHVPN_A_KEYCONF_SLOT,
			       "key slot") ||
	    MESHVPN_NL_REQUIRE(info->extack, nest, tb, MESHVPN_A_KEYCONF_CIPHER_ALG,
			       "cipher") ||
	    MESHVPN_NL_REQUIRE(info->extack, nest, tb, MESHVPN_A_KEYCONF_PHASE,
			       "key phase"))
		return -EINVAL;
	alg = nla_get_u32(tb[MESHVPN_A_KEYCONF_CIPHER_ALG]);
	slot = nla_get_u32(tb[MESHVPN_A_KEYCONF_SLOT]);
	if (alg != MESHVPN_CIPHER_ALG_NONE) {
		if (MESHVPN_NL_REQUIRE(info->extack, nest, tb,
				       MESHVPN_A_KEYCONF_ENCRYPT_DIR, "encrypt-dir") ||
		    MESHVPN_NL_REQUIRE(info->extack, nest, tb,
				       MESHVPN_A_KEYCONF_DECRYPT_DIR, "decrypt-dir"))
			return -EINVAL;
		ret = meshvpn_nl_keydir(tb[MESHVPN_A_KEYCONF_ENCRYPT_DIR], tx,
					info->extack);
		if (!ret)
			ret = meshvpn_nl_keydir(tb[MESHVPN_A_KEYCONF_DECRYPT_DIR],
						rx, info->extack);
		if (ret)
			goto wipe;
	} else if (tb[MESHVPN_A_KEYCONF_ENCRYPT_DIR] ||
		   tb[MESHVPN_A_KEYCONF_DECRYPT_DIR]) {
		NL_SET_ERR_MSG_MOD(info->extack, "cipher none takes no key material");
		return -EINVAL;
	}

	node = meshvpn_nl_node(mv, tb, MESHVPN_A_KEYCONF_NODE_ID, info->extack);
	if (IS_ERR(node)) {
		ret = PTR_ERR(node);
		goto wipe;
	}
	key = meshvpn_key_create(alg, nla_get_u8(tb[MESHVPN_A_KEYCONF_PHASE]),
				 tx, rx, info->extack);
	if (IS_ERR(key)) {
		ret = PTR_ERR(key);
		goto wipe;
	}
	ret = meshvpn_keys_install(&node->keys, slot, key, info->extack);
	if (!ret && slot == MESHVPN_KEY_SLOT_CURRENT)
		meshvpn_send_staged(node);
wipe:
	memzero_explicit(tx, sizeof(tx));
	memzero_explicit(rx, sizeof(rx));
	return ret;
}

int meshvpn_nl_key_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[MESHVPN_A_KEYCONF_MAX + 1];
	struct meshvpn_device *mv = info->user_ptr[0];
	struct meshvpn_node *node;
	struct meshvpn_key *key;
	struct sk_buff *msg;
	struct nlattr *nest;
	void *hdr;
	u32 slot;
	int ret;

	ret = meshvpn_nl_parse_nest(info, MESHVPN_A_KEYCONF, MESHVPN_A_KEYCONF_MAX,
				    meshvpn_keyconf_get_nl_policy, tb);
	if (ret)
		return ret;
	if (MESHVPN_NL_REQUIRE(info->extack, info->attrs[MESHVPN_A_KEYCONF], tb,
			       MESHVPN_A_KEYCONF_SLOT, "key slot"))
		return -EINVAL;
	slot = nla_get_u32(tb[MESHVPN_A_KEYCONF_SLOT]);
	node = meshvpn_nl_node(mv, tb, MESHVPN_A_KEYCONF_NODE_ID, info->extack);
	if (IS_ERR(node))
		return PTR_ERR(node);
	key = meshvpn_keys_get(&node->keys, slot);
	if (!key) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[MESHVPN_A_KEYCONF_SLOT],
				    "no key in this slot");
		return -ENOENT;
	}
	ret = -ENOMEM;
	msg = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		goto out_key;
	ret = -EMSGSIZE;
	hdr = genlmsg_put_reply(msg, info, &meshvpn_nl_family, 0,
				MESHVPN_CMD_KEY_GET);
	if (!hdr || nla_put_u32(msg, MESHVPN_A_IFINDEX, mv->dev->ifindex))
		goto err_free;
	nest = nla_nest_start(msg, MESHVPN_A_KEYCONF);
	/* Key material never leaves the kernel. */
	if (!nest ||
	    meshvpn_nl_put_node_id(msg, MESHVPN_A_KEYCONF_NODE_ID, node->id,
				   MESHVPN_A_KEYCONF_PAD) ||
	    nla_put_u32(msg, MESHVPN_A_KEYCONF_SLOT, slot) ||
	    nla_put_u32(msg, MESHVPN_A_KEYCONF_CIPHER_ALG, key->alg) ||
	    nla_put_u8(msg, MESHVPN_A_KEYCONF_PHASE, key->phase))
		goto err_free;
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	ret = genlmsg_reply(msg, info);
	goto out_key;

err_free:
	nlmsg_free(msg);
out_key:
	meshvpn_key_put(key);
	return ret;
}

/* key-swap and key-del: look the node up, then act on its slots. */
static int meshvpn_nl_key_op(struct genl_info *info,
			     const struct nla_policy *policy, bool swap)
{
	struct nlattr *tb[MESHVPN_A_KEYCONF_MAX + 1];
	struct meshvpn_device *mv = info->user_ptr[0];
	struct meshvpn_node *node;
	int ret;

	ret = meshvpn_nl_parse_nest(info, MESHVPN_A_KEYCONF, MESHVPN_A_KEYCONF_MAX,
				    policy, tb);
	if (ret)
		return ret;
	if (!swap && MESHVPN_NL_REQUIRE(info->extack, info->attrs[MESHVPN_A_KEYCONF],
					tb, MESHVPN_A_KEYCONF_SLOT, "key slot"))
		return -EINVAL;
	node = meshvpn_nl_node(mv, tb, MESHVPN_A_KEYCONF_NODE_ID, info->extack);
	if (IS_ERR(node))
		return PTR_ERR(node);
	if (swap) {
		ret = meshvpn_keys_swap(&node->keys);
		if (ret)
			NL_SET_ERR_MSG_MOD(info->extack, "no next key to swap in");
		else
			meshvpn_send_staged(node);
	} else {
		ret = meshvpn_keys_delete(&node->keys,
					  nla_get_u32(tb[MESHVPN_A_KEYCONF_SLOT]));
		if (ret)
			NL_SET_ERR_MSG_ATTR(info->extack, tb[MESHVPN_A_KEYCONF_SLOT],
					    "no key in this slot");
	}
	return ret;
}

int meshvpn_nl_key_swap_doit(struct sk_buff *skb, struct genl_info *info)
{
	return meshvpn_nl_key_op(info, meshvpn_keyconf_swap_input_nl_policy, true);
}

int meshvpn_nl_key_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	return meshvpn_nl_key_op(info, meshvpn_keyconf_del_input_nl_policy, false);
}

/* ---- routes ---- */

/**
 * struct meshvpn_prefix - an inner prefix from a route request
 * @family: AF_INET or AF_INET6
 * @addr: the address, network byte order
 * @len: prefix length
 */
struct meshvpn_prefix {
	int family;
	union {
		__be32 v4;
		struct in6_addr v6;
	} addr;
	u8 len;
};

static int meshvpn_nl_prefix(struct nlattr *nest, struct nlattr **tb,
			     struct meshvpn_prefix *p,
			     struct netlink_ext_ack *extack)
{
	if (!!tb[MESHVPN_A_ROUTE_IPV4] == !!tb[MESHVPN_A_ROUTE_IPV6]) {
		NL_SET_ERR_MSG_MOD(extack, "a route needs exactly one of ipv4 and ipv6");
		return -EINVAL;
	}
	if (MESHVPN_NL_REQUIRE(extack, nest, tb, MESHVPN_A_ROUTE_PREFIX_LEN,
			       "prefix length"))
		return -EINVAL;
	p->len = nla_get_u8(tb[MESHVPN_A_ROUTE_PREFIX_LEN]);
	if (tb[MESHVPN_A_ROUTE_IPV4]) {
		p->family = AF_INET;
		p->addr.v4 = nla_get_in_addr(tb[MESHVPN_A_ROUTE_IPV4]);
		if (p->len > 32) {
			NL_SET_ERR_MSG_ATTR(extack, tb[MESHVPN_A_ROUTE_PREFIX_LEN],
					    "an IPv4 prefix is at most 32 bits");
			return -EINVAL;
		}
	} else {
		p->family = AF_INET6;
		p->addr.v6 = nla_get_in6_addr(tb[MESHVPN_A_ROUTE_IPV6]);
	}
	return 0;
}

static int meshvpn_nl_route_change(struct genl_info *info, bool add)
{
	struct nlattr *tb[MESHVPN_A_ROUTE_MAX + 1];
	struct nlattr *nest = info->attrs[MESHVPN_A_ROUTE];
	struct meshvpn_device *mv = info->user_ptr[0];
	struct meshvpn_node *node = NULL;
	struct meshvpn_prefix p;
	int ret;

	ret = meshvpn_nl_parse_nest(info, MESHVPN_A_ROUTE, MESHVPN_A_ROUTE_MAX,
				    add ? meshvpn_route_new_input_nl_policy :
					  meshvpn_route_del_input_nl_policy, tb);
	if (ret)
		return ret;
	ret = meshvpn_nl_prefix(nest, tb, &p, info->extack);
	if (ret)
		return ret;
	if (add || tb[MESHVPN_A_ROUTE_NODE_ID]) {
		node = meshvpn_nl_node(mv, tb, MESHVPN_A_ROUTE_NODE_ID, info->extack);
		if (IS_ERR(node))
			return PTR_ERR(node);
	}
	if (add) {
		ret = meshvpn_routes_insert(&mv->routes, p.family, &p.addr, p.len,
					    node, &mv->update_lock);
		if (ret == -ENOSPC) {
			meshvpn_limit_refused(mv, MESHVPN_LIMIT_ROUTES);
			NL_SET_ERR_MSG_MOD(info->extack, "too many routes");
		} else if (ret) {
			NL_SET_ERR_MSG_MOD(info->extack, "cannot add route");
		}
	} else {
		ret = meshvpn_routes_remove(&mv->routes, p.family, &p.addr, p.len,
					    node, &mv->update_lock);
		if (ret)
			NL_SET_ERR_MSG_MOD(info->extack,
					   "no such route (to this node)");
	}
	return ret;
}

int meshvpn_nl_route_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	return meshvpn_nl_route_change(info, true);
}

int meshvpn_nl_route_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	return meshvpn_nl_route_change(info, false);
}

/**
 * struct meshvpn_route_dump - state of one part of a route dump
 * @skb: the message being filled
 * @cb: the dump's callback state
 * @ifindex: the device's ifindex, repeated in every message
 */
struct meshvpn_route_dump {
	struct sk_buff *skb;
	struct netlink_callback *cb;
	int ifindex;
};

static int meshvpn_nl_route_put(struct meshvpn_route_dump *d,
				const struct meshvpn_route_info *ri)
{
	struct nlattr *nest;
	void *hdr;

	hdr = genlmsg_put(d->skb, NETLINK_CB(d->cb->skb).portid,
			  d->cb->nlh->nlmsg_seq, &meshvpn_nl_family,
			  NLM_F_MULTI, MESHVPN_CMD_ROUTE_GET);
	if (!hdr)
		return -EMSGSIZE;
	genl_dump_check_consistent(d->cb, hdr);
	if (nla_put_u32(d->skb, MESHVPN_A_IFINDEX, d->ifindex))
		goto err;
	nest = nla_nest_start(d->skb, MESHVPN_A_ROUTE);
	if (!nest ||
	    meshvpn_nl_put_node_id(d->skb, MESHVPN_A_ROUTE_NODE_ID, ri->node->id,
				   MESHVPN_A_ROUTE_PAD) ||
	    (ri->family == AF_INET ?
	     nla_put_in_addr(d->skb, MESHVPN_A_ROUTE_IPV4, ri->addr.ip4) :
	     nla_put_in6_addr(d->skb, MESHVPN_A_ROUTE_IPV6, &ri->addr.ip6)) ||
	    nla_put_u8(d->skb, MESHVPN_A_ROUTE_PREFIX_LEN, ri->prefix_len))
		goto err;
	nla_nest_end(d->skb, nest);
	genlmsg_end(d->skb, hdr);
	return 0;
err:
	genlmsg_cancel(d->skb, hdr);
	return -EMSGSIZE;
}

int meshvpn_nl_route_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct meshvpn_route_dump d = { .skb = skb, .cb = cb };
	struct meshvpn_route_info ri;
	netdevice_tracker tracker;
	struct meshvpn_device *mv;
	u64 pos;

	mv = meshvpn_nl_dump_lock(cb, &tracker);
	if (IS_ERR(mv))
		return PTR_ERR(mv);
	d.ifindex = mv->dev->ifindex;
	cb->seq = meshvpn_routes_generation(&mv->routes);
	/* The walk position is 64 bits; args[] may be 32 bits wide. */
	pos = (u64)(u32)cb->args[1] << 32 | (u32)cb->args[0];
	while (meshvpn_routes_next(&mv->routes, &pos, &ri, &mv->update_lock) &&
	       !meshvpn_nl_route_put(&d, &ri)) {
		/* Only advance past a route once it is in the message. */
		pos++;
		cb->args[0] = (u32)pos;
		cb->args[1] = (u32)(pos >> 32);
	}
	meshvpn_nl_dump_unlock(mv, &tracker);
	return skb->len;
}

/* ---- notifications ---- */

/* Start a notification about @node; the caller adds the rest. */
static struct sk_buff *meshvpn_nl_ntf_start(struct meshvpn_node *node, u8 cmd,
					    void **hdr)
{
	struct sk_buff *msg;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_ATOMIC);
	if (!msg)
		return NULL;
	*hdr = genlmsg_put(msg, 0, 0, &meshvpn_nl_family, 0, cmd);
	if (!*hdr || nla_put_u32(msg, MESHVPN_A_IFINDEX, node->mv->dev->ifindex)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static void meshvpn_nl_ntf_send(struct meshvpn_node *node, struct sk_buff *msg,
				void *hdr)
{
	genlmsg_end(msg, hdr);
	genlmsg_multicast_netns(&meshvpn_nl_family, dev_net(node->mv->dev), msg,
				0, MESHVPN_NLGRP_EVENTS, GFP_ATOMIC);
}

/* At most one notification of a kind per node and interval. */
static bool meshvpn_nl_ntf_allowed(unsigned long *stamp)
{
	unsigned long last = READ_ONCE(*stamp);

	return time_after(jiffies, last + MESHVPN_NOTIFY_INTERVAL) &&
	       cmpxchg(stamp, last, jiffies) == last;
}

void meshvpn_nl_notify_key_needed(struct meshvpn_node *node)
{
	struct sk_buff *msg;
	struct nlattr *nest;
	void *hdr;

	if (!meshvpn_nl_ntf_allowed(&node->key_needed_at))
		return;
	msg = meshvpn_nl_ntf_start(node, MESHVPN_CMD_KEY_NEEDED_NTF, &hdr);
	if (!msg)
		return;
	nest = nla_nest_start(msg, MESHVPN_A_KEYCONF);
	if (!nest || meshvpn_nl_put_node_id(msg, MESHVPN_A_KEYCONF_NODE_ID,
					    node->id, MESHVPN_A_KEYCONF_PAD)) {
		nlmsg_free(msg);
		return;
	}
	nla_nest_end(msg, nest);
	meshvpn_nl_ntf_send(node, msg, hdr);
}

void meshvpn_nl_notify_endpoint_moved(struct meshvpn_node *node)
{
	struct sk_buff *msg;
	void *hdr;

	if (!meshvpn_nl_ntf_allowed(&node->moved_at))
		return;
	msg = meshvpn_nl_ntf_start(node, MESHVPN_CMD_ENDPOINT_MOVED_NTF, &hdr);
	if (!msg)
		return;
	if (meshvpn_nl_put_node(msg, node, false)) {
		nlmsg_free(msg);
		return;
	}
	meshvpn_nl_ntf_send(node, msg, hdr);
}

void meshvpn_nl_notify_rekey_due(struct meshvpn_node *node, u32 slot,
				 u32 reason)
{
	struct sk_buff *msg;
	struct nlattr *nest;
	void *hdr;

	msg = meshvpn_nl_ntf_start(node, MESHVPN_CMD_REKEY_DUE_NTF, &hdr);
	if (!msg)
		return;
	nest = nla_nest_start(msg, MESHVPN_A_KEYCONF);
	if (!nest || meshvpn_nl_put_node_id(msg, MESHVPN_A_KEYCONF_NODE_ID,
					    node->id, MESHVPN_A_KEYCONF_PAD) ||
	    nla_put_u32(msg, MESHVPN_A_KEYCONF_SLOT, slot) ||
	    nla_put_u32(msg, MESHVPN_A_KEYCONF_REKEY_REASON, reason)) {
		nlmsg_free(msg);
		return;
	}
	nla_nest_end(msg, nest);
	meshvpn_nl_ntf_send(node, msg, hdr);
}

struct genl_family meshvpn_nl_family __ro_after_init = {
	.name		= MESHVPN_FAMILY_NAME,
	.version	= MESHVPN_FAMILY_VERSION,
	.maxattr	= MESHVPN_A_MAX,
	.netnsok	= true,
	.parallel_ops	= true,
	.module		= THIS_MODULE,
	.ops		= meshvpn_nl_ops,
	.n_ops		= ARRAY_SIZE(meshvpn_nl_ops),
	.resv_start_op	= MESHVPN_CMD_MAX + 1,
	.pre_doit	= meshvpn_nl_pre_doit,
	.post_doit	= meshvpn_nl_post_doit,
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
