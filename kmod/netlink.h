/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MESHVPN_NETLINK_H
#define _MESHVPN_NETLINK_H

#include <linux/types.h>
#include <net/genetlink.h>
#include <net/netlink.h>

struct meshvpn_node;

extern struct genl_family meshvpn_nl_family;

int meshvpn_netlink_init(void);
void meshvpn_netlink_uninit(void);

void meshvpn_nl_notify_key_needed(struct meshvpn_node *node);
void meshvpn_nl_notify_endpoint_moved(struct meshvpn_node *node);
void meshvpn_nl_notify_rekey_due(struct meshvpn_node *node, u32 slot,
				 u32 reason);

/*
 * A required attribute is missing: point at it (NL_REQ_ATTR_CHECK) and say
 * so in words, as every rejection carries a message.
 */
#define MESHVPN_NL_REQUIRE(extack, nest, tb, type, what) ({		\
	struct netlink_ext_ack *__ack = (extack);			\
	bool __missing = NL_REQ_ATTR_CHECK(__ack, nest, tb, type);	\
									\
	if (__missing)							\
		NL_SET_ERR_MSG_MOD(__ack, "missing " what);		\
	__missing;							\
})

int meshvpn_nl_parse_nest(struct genl_info *info, int attr, int max,
			  const struct nla_policy *policy, struct nlattr **tb);

static inline int meshvpn_nl_put_node_id(struct sk_buff *skb, int attr, u64 id,
					 int pad)
{
	return nla_put_u64_64bit(skb, attr, id, pad);
}

#endif /* _MESHVPN_NETLINK_H */
