// SPDX-License-Identifier: GPL-2.0
/*
 * The meshvpn family's requests and reply policies (userspace/netlink/meshvpn_nl.c),
 * which meshvpnd and the tool share: the attributes each builder puts, as
 * kmod/netlink.c takes them, and the sizes the policies hold replies to.
 * Nothing here needs meshvpn.ko: messages are built in memory and read back.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>

#include <linux/genetlink.h>

#include "netlink/meshvpn_nl.h"

#include "test.h"

#define MAX_ATTRS	32

/* The attributes of a message's (or a nest's) payload, by type. */
struct attrs {
	const struct nlattr *tb[MAX_ATTRS];
	int count;
};

static void read_attrs(const void *payload, size_t len, struct attrs *a)
{
	const struct nlattr *attr;

	memset(a, 0, sizeof(*a));
	mnl_attr_for_each_payload(payload, len) {
		if (mnl_attr_get_type(attr) < MAX_ATTRS)
			a->tb[mnl_attr_get_type(attr)] = attr;
		a->count++;
	}
}

static void read_nest(const struct nlattr *nest, struct attrs *a)
{
	read_attrs(mnl_attr_get_payload(nest), mnl_attr_get_payload_len(nest), a);
}

/* The top level attributes of a request. */
static void read_msg(const struct nlmsghdr *nlh, struct attrs *a)
{
	read_attrs((const char *)mnl_nlmsg_get_payload(nlh) + GENL_HDRLEN,
		   mnl_nlmsg_get_payload_len(nlh) - GENL_HDRLEN, a);
}

/* The attributes in nest @type of a request; a count of -1 if none. */
static void read_request_nest(const struct nlmsghdr *nlh, uint16_t type,
			      struct attrs *nest)
{
	struct attrs top;

	read_msg(nlh, &top);
	if (type < MAX_ATTRS && top.tb[type]) {
		read_nest(top.tb[type], nest);
	} else {
		memset(nest, 0, sizeof(*nest));
		nest->count = -1;
	}
}

static void open_fake(struct mv_nl *nl)
{
	memset(nl, 0, sizeof(*nl));
	nl->req = calloc(1, MV_NL_REQ_SIZE);
	nl->family = GENL_MIN_ID;
}

TEST(request_header_names_the_device)
{
	struct mv_nl nl;
	struct nlmsghdr *nlh;
	struct attrs a;

	open_fake(&nl);
	nlh = mv_meshvpn_msg(&nl, MESHVPN_CMD_NODE_GET, NLM_F_DUMP, 7);
	EXPECT_EQ(nlh->nlmsg_type, GENL_MIN_ID);
	EXPECT_EQ(nlh->nlmsg_flags & NLM_F_DUMP, NLM_F_DUMP);
	EXPECT_EQ(((struct genlmsghdr *)mnl_nlmsg_get_payload(nlh))->cmd,
		  MESHVPN_CMD_NODE_GET);
	read_msg(nlh, &a);
	EXPECT_EQ(a.count, 1);
	EXPECT(a.tb[MESHVPN_A_IFINDEX] && mnl_attr_get_u32(a.tb[MESHVPN_A_IFINDEX]) == 7);
	free(nl.req);
}

TEST(dev_set_leaves_out_what_is_not_given)
{
	struct mv_nl nl;
	struct nlmsghdr *nlh;
	struct attrs d;

	open_fake(&nl);
	nlh = mv_meshvpn_msg(&nl, MESHVPN_CMD_DEV_SET, 0, 7);
	mv_meshvpn_put_dev(nlh, 0x123456789abcULL, 0);
	read_request_nest(nlh, MESHVPN_A_DEV, &d);
	EXPECT_EQ(d.count, 2);
	EXPECT_EQ(mnl_attr_get_u64(d.tb[MESHVPN_A_DEVICE_LOCAL_NODE_ID]),
		  0x123456789abcULL);
	EXPECT_EQ(mnl_attr_get_u32(d.tb[MESHVPN_A_DEVICE_SOCKET]), 0);

	nlh = mv_meshvpn_msg(&nl, MESHVPN_CMD_DEV_SET, 0, 7);
	mv_meshvpn_put_dev(nlh, 0, -1);
	read_request_nest(nlh, MESHVPN_A_DEV, &d);
	EXPECT_EQ(d.count, 0);
	free(nl.req);
}

TEST(endpoint_scope_id_only_when_set)
{
	static const uint8_t v4[4] = { 192, 0, 2, 1 };
	static const uint8_t v6[16] = { 0xfe, 0x80, [15] = 1 };
	struct mv_nl nl;
	struct nlmsghdr *nlh;
	struct attrs a;

	open_fake(&nl);
	nlh = mv_nl_msg(&nl, 0, 0);
	mv_meshvpn_put_endpoint(nlh, AF_INET, v4, htons(655), 0);
	read_attrs(mnl_nlmsg_get_payload(nlh), mnl_nlmsg_get_payload_len(nlh), &a);
	EXPECT_EQ(a.count, 2);
	EXPECT(!memcmp(mnl_attr_get_payload(a.tb[MESHVPN_A_NODE_REMOTE_IPV4]), v4, 4));
	EXPECT_EQ(mnl_attr_get_u16(a.tb[MESHVPN_A_NODE_REMOTE_PORT]), htons(655));

	nlh = mv_nl_msg(&nl, 0, 0);
	mv_meshvpn_put_endpoint(nlh, AF_INET6, v6, htons(655), 3);
	read_attrs(mnl_nlmsg_get_payload(nlh), mnl_nlmsg_get_payload_len(nlh), &a);
	EXPECT_EQ(a.count, 3);
	EXPECT(!memcmp(mnl_attr_get_payload(a.tb[MESHVPN_A_NODE_REMOTE_IPV6]), v6, 16));
	EXPECT_EQ(mnl_attr_get_u32(a.tb[MESHVPN_A_NODE_REMOTE_IPV6_SCOPE_ID]), 3);

	nlh = mv_nl_msg(&nl, 0, 0);
	mv_meshvpn_put_endpoint(nlh, AF_INET6, v6, htons(655), 0);
	read_attrs(mnl_nlmsg_get_payload(nlh), mnl_nlmsg_get_payload_len(nlh), &a);
	EXPECT_EQ(a.count, 2);
	free(nl.req);
}

TEST(key_new_has_key_material_only_for_an_aead)
{
	uint8_t tx[MESHVPN_KEY_LEN], rx[MESHVPN_KEY_LEN];
	struct mv_nl nl;
	struct nlmsghdr *nlh;
	struct attrs k, dir;

	memset(tx, 0x11, sizeof(tx));
	memset(rx, 0x22, sizeof(rx));
	open_fake(&nl);
	nlh = mv_meshvpn_msg(&nl, MESHVPN_CMD_KEY_NEW, 0, 7);
	mv_meshvpn_put_key(nlh, 42, MESHVPN_KEY_SLOT_NEXT,
			   MESHVPN_CIPHER_ALG_AES_256_GCM, 1, tx, rx);
	read_request_nest(nlh, MESHVPN_A_KEYCONF, &k);
	EXPECT_EQ(k.count, 6);
	EXPECT_EQ(mnl_attr_get_u64(k.tb[MESHVPN_A_KEYCONF_NODE_ID]), 42);
	EXPECT_EQ(mnl_attr_get_u32(k.tb[MESHVPN_A_KEYCONF_SLOT]), MESHVPN_KEY_SLOT_NEXT);
	EXPECT_EQ(mnl_attr_get_u32(k.tb[MESHVPN_A_KEYCONF_CIPHER_ALG]),
		  MESHVPN_CIPHER_ALG_AES_256_GCM);
	EXPECT_EQ(mnl_attr_get_u8(k.tb[MESHVPN_A_KEYCONF_PHASE]), 1);
	read_nest(k.tb[MESHVPN_A_KEYCONF_ENCRYPT_DIR], &dir);
	EXPECT_EQ(mnl_attr_get_payload_len(dir.tb[MESHVPN_A_KEYDIR_CIPHER_KEY]),
		  MESHVPN_KEY_LEN);
	EXPECT(!memcmp(mnl_attr_get_payload(dir.tb[MESHVPN_A_KEYDIR_CIPHER_KEY]),
		       tx, sizeof(tx)));
	read_nest(k.tb[MESHVPN_A_KEYCONF_DECRYPT_DIR], &dir);
	EXPECT(!memcmp(mnl_attr_get_payload(dir.tb[MESHVPN_A_KEYDIR_CIPHER_KEY]),
		       rx, sizeof(rx)));

	/* meshvpn.ko refuses cipher none with even empty key nests. */
	nlh = mv_meshvpn_msg(&nl, MESHVPN_CMD_KEY_NEW, 0, 7);
	mv_meshvpn_put_key(nlh, 42, MESHVPN_KEY_SLOT_CURRENT,
			   MESHVPN_CIPHER_ALG_NONE, 0, tx, rx);
	read_request_nest(nlh, MESHVPN_A_KEYCONF, &k);
	EXPECT_EQ(k.count, 4);
	EXPECT(!k.tb[MESHVPN_A_KEYCONF_ENCRYPT_DIR]);
	EXPECT(!k.tb[MESHVPN_A_KEYCONF_DECRYPT_DIR]);
	free(nl.req);
}

TEST(key_slot_and_route_leave_out_what_is_not_given)
{
	static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8 };
	struct mv_nl nl;
	struct nlmsghdr *nlh;
	struct attrs n;

	open_fake(&nl);
	nlh = mv_meshvpn_msg(&nl, MESHVPN_CMD_KEY_SWAP, 0, 7);
	mv_meshvpn_put_key_slot(nlh, 42, -1);
	read_request_nest(nlh, MESHVPN_A_KEYCONF, &n);
	EXPECT_EQ(n.count, 1);
	EXPECT_EQ(mnl_attr_get_u64(n.tb[MESHVPN_A_KEYCONF_NODE_ID]), 42);

	nlh = mv_meshvpn_msg(&nl, MESHVPN_CMD_KEY_DEL, 0, 7);
	mv_meshvpn_put_key_slot(nlh, 42, MESHVPN_KEY_SLOT_CURRENT);
	read_request_nest(nlh, MESHVPN_A_KEYCONF, &n);
	EXPECT_EQ(n.count, 2);
	EXPECT_EQ(mnl_attr_get_u32(n.tb[MESHVPN_A_KEYCONF_SLOT]),
		  MESHVPN_KEY_SLOT_CURRENT);

	nlh = mv_meshvpn_msg(&nl, MESHVPN_CMD_ROUTE_DEL, 0, 7);
	mv_meshvpn_put_route(nlh, 0, AF_INET6, v6, 32);
	read_request_nest(nlh, MESHVPN_A_ROUTE, &n);
	EXPECT_EQ(n.count, 2);
	EXPECT(!memcmp(mnl_attr_get_payload(n.tb[MESHVPN_A_ROUTE_IPV6]), v6, 16));
	EXPECT_EQ(mnl_attr_get_u8(n.tb[MESHVPN_A_ROUTE_PREFIX_LEN]), 32);

	nlh = mv_meshvpn_msg(&nl, MESHVPN_CMD_NODE_DEL, 0, 7);
	mv_meshvpn_put_node_id(nlh, 42);
	read_request_nest(nlh, MESHVPN_A_NODE, &n);
	EXPECT_EQ(n.count, 1);
	EXPECT_EQ(mnl_attr_get_u64(n.tb[MESHVPN_A_NODE_ID]), 42);
	free(nl.req);
}

/* A node nest as meshvpn.ko sends it, with @last_rx_len bytes of last-rx. */
static void put_kernel_node(struct nlmsghdr *nlh, size_t last_rx_len)
{
	static const uint8_t zero[8];
	struct nlattr *nest = mnl_attr_nest_start(nlh, MESHVPN_A_NODE);

	mnl_attr_put_u64(nlh, MESHVPN_A_NODE_ID, 42);
	mnl_attr_put_u32(nlh, MESHVPN_A_NODE_REMOTE_IPV4, htonl(0xc0000201));
	mnl_attr_put_u16(nlh, MESHVPN_A_NODE_REMOTE_PORT, htons(655));
	mnl_attr_put_u64(nlh, MESHVPN_A_NODE_NEXT_HOP, 42);
	mnl_attr_put_u32(nlh, MESHVPN_A_NODE_KEEPALIVE, 25);
	mnl_attr_put_u32(nlh, MESHVPN_A_NODE_RX_BYTES, 1);	/* uint: 4 */
	mnl_attr_put_u64(nlh, MESHVPN_A_NODE_TX_BYTES, 2);	/* or 8 */
	mnl_attr_put(nlh, MESHVPN_A_NODE_LAST_RX, last_rx_len, zero);
	mnl_attr_put(nlh, MESHVPN_A_NODE_MAX + 1, 3, zero);	/* a newer kernel's */
	mnl_attr_nest_end(nlh, nest);
}

TEST(reply_policies_hold_the_kernel_to_the_spec)
{
	const struct nlattr *tb[MESHVPN_A_MAX + 1];
	const struct nlattr *nt[MESHVPN_A_NODE_MAX + 1];
	struct mv_nl nl;
	struct nlmsghdr *nlh;

	open_fake(&nl);
	nlh = mv_meshvpn_msg(&nl, MESHVPN_CMD_NODE_GET, 0, 7);
	put_kernel_node(nlh, 8);
	EXPECT_EQ(mv_genl_parse(&nl, nlh, MESHVPN_CMD_NODE_GET, mv_meshvpn_top_pol,
				MESHVPN_A_MAX, tb), 0);
	EXPECT_EQ(mv_nla_parse_nested(&nl, tb[MESHVPN_A_NODE], mv_meshvpn_node_pol,
				      MESHVPN_A_NODE_MAX, nt), 0);
	EXPECT_EQ(mv_nla_get_uint(nt[MESHVPN_A_NODE_RX_BYTES]), 1);
	EXPECT_EQ(mv_nla_get_uint(nt[MESHVPN_A_NODE_TX_BYTES]), 2);
	EXPECT(nt[MESHVPN_A_NODE_LAST_RX] != NULL);

	nlh = mv_meshvpn_msg(&nl, MESHVPN_CMD_NODE_GET, 0, 7);
	put_kernel_node(nlh, 4);
	EXPECT_EQ(mv_genl_parse(&nl, nlh, MESHVPN_CMD_NODE_GET, mv_meshvpn_top_pol,
				MESHVPN_A_MAX, tb), 0);
	EXPECT_EQ(mv_nla_parse_nested(&nl, tb[MESHVPN_A_NODE], mv_meshvpn_node_pol,
				      MESHVPN_A_NODE_MAX, nt), -EBADMSG);
	free(nl.req);
}

/* msg-ntf and packet-ntf carry a whole message or packet: at least a header. */
TEST(messages_and_packets_are_at_least_a_header)
{
	const struct nlattr *tb[MESHVPN_A_MAX + 1];
	uint8_t buf[MESHVPN_MSG_LEN_MIN] = { 0 };
	struct mv_nl nl;
	struct nlmsghdr *nlh;

	open_fake(&nl);
	nlh = mv_meshvpn_msg(&nl, MESHVPN_CMD_MSG_NTF, 0, 7);
	mnl_attr_put(nlh, MESHVPN_A_MSG, MESHVPN_MSG_LEN_MIN, buf);
	EXPECT_EQ(mv_genl_parse(&nl, nlh, MESHVPN_CMD_MSG_NTF, mv_meshvpn_top_pol,
				MESHVPN_A_MAX, tb), 0);
	EXPECT_EQ(mnl_attr_get_payload_len(tb[MESHVPN_A_MSG]), MESHVPN_MSG_LEN_MIN);

	nlh = mv_meshvpn_msg(&nl, MESHVPN_CMD_MSG_NTF, 0, 7);
	mnl_attr_put(nlh, MESHVPN_A_MSG, MESHVPN_MSG_LEN_MIN - 1, buf);
	EXPECT_EQ(mv_genl_parse(&nl, nlh, MESHVPN_CMD_MSG_NTF, mv_meshvpn_top_pol,
				MESHVPN_A_MAX, tb), -EBADMSG);

	nlh = mv_meshvpn_msg(&nl, MESHVPN_CMD_PACKET_NTF, 0, 7);
	mnl_attr_put(nlh, MESHVPN_A_PACKET, MESHVPN_PACKET_LEN_MIN - 1, buf);
	EXPECT_EQ(mv_genl_parse(&nl, nlh, MESHVPN_CMD_PACKET_NTF, mv_meshvpn_top_pol,
				MESHVPN_A_MAX, tb), -EBADMSG);
	nlh = mv_meshvpn_msg(&nl, MESHVPN_CMD_PACKET_NTF, 0, 7);
	mnl_attr_put(nlh, MESHVPN_A_PACKET, MESHVPN_PACKET_LEN_MIN, buf);
	EXPECT_EQ(mv_genl_parse(&nl, nlh, MESHVPN_CMD_PACKET_NTF, mv_meshvpn_top_pol,
				MESHVPN_A_MAX, tb), 0);
	free(nl.req);
}

TEST(cipher_alg_names_are_the_specs)
{
	EXPECT_STREQ(mv_cipher_alg_name(MESHVPN_CIPHER_ALG_NONE), "none");
	EXPECT_STREQ(mv_cipher_alg_name(MESHVPN_CIPHER_ALG_CHACHA20_POLY1305),
		     "chacha20-poly1305");
	EXPECT_STREQ(mv_cipher_alg_name(MESHVPN_CIPHER_ALG_AES_256_GCM),
		     "aes-256-gcm");
	EXPECT(mv_cipher_alg_name(MESHVPN_CIPHER_ALG_AES_256_GCM + 1) == NULL);
}

TEST_MAIN()
