// SPDX-License-Identifier: GPL-2.0
/*
 * The meshvpn family's requests, reply policies and decoders
 * (userspace/netlink/meshvpn_nl.c), which meshvpnd and the tool share: the
 * attributes each builder puts, as kmod/netlink.c takes them, the sizes the
 * policies hold replies to, and what the decoders make of replies as
 * meshvpn.ko sends them, and of malformed ones. Nothing here needs
 * meshvpn.ko: messages are built in memory and read back.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>

#include <linux/genetlink.h>

#include "lib/array.h"
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

	/* KernelUpcallRate alone, as a reload sends it. */
	nlh = mv_meshvpn_msg(&nl, MESHVPN_CMD_DEV_SET, 0, 7);
	mv_meshvpn_put_dev_upcall(nlh, 0, -1, 75);
	read_request_nest(nlh, MESHVPN_A_DEV, &d);
	EXPECT_EQ(d.count, 1);
	EXPECT_EQ(mnl_attr_get_u32(d.tb[MESHVPN_A_DEVICE_UPCALL_RATE]), 75);
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

/* ---- decoders ---- */

/* A reply of @cmd about device 7, for the nest to be added. */
static struct nlmsghdr *reply(struct mv_nl *nl, uint8_t cmd)
{
	return mv_meshvpn_msg(nl, cmd, 0, 7);
}

/* A node-get reply about device 7 with a node of id 42 and nothing else. */
static struct nlmsghdr *bare_node_reply(struct mv_nl *nl)
{
	struct nlmsghdr *nlh = reply(nl, MESHVPN_CMD_NODE_GET);

	mv_meshvpn_put_node_id(nlh, 42);
	return nlh;
}

/* The reason of the last rejection contains @what. */
static bool rejected_for(const struct mv_nl *nl, const char *what)
{
	return !strncmp(nl->msg, "malformed reply from the kernel: ", 33) &&
	       strstr(nl->msg, what);
}

/* Decoding with @call fails as malformed, for reason @why. */
#define EXPECT_REJECTED(call, nl, why)			\
	do {						\
		EXPECT_EQ(call, -EBADMSG);		\
		EXPECT(rejected_for(nl, why));		\
	} while (0)

TEST(node_decoder_reads_every_attribute)
{
	static const uint8_t v6[16] = { 0xfe, 0x80, [15] = 1 };
	struct mv_meshvpn_node n;
	struct mv_nl nl;
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	uint16_t a;

	open_fake(&nl);
	nlh = reply(&nl, MESHVPN_CMD_NODE_GET);
	nest = mnl_attr_nest_start(nlh, MESHVPN_A_NODE);
	mnl_attr_put_u64(nlh, MESHVPN_A_NODE_ID, 42);
	mv_meshvpn_put_endpoint(nlh, AF_INET6, v6, htons(655), 3);
	mnl_attr_put_u64(nlh, MESHVPN_A_NODE_NEXT_HOP, 43);
	mnl_attr_put_u32(nlh, MESHVPN_A_NODE_KEEPALIVE, 25);
	mnl_attr_put_u64(nlh, MESHVPN_A_NODE_LAST_RX, 1000);
	/* Counter n is n + 1, as 4 bytes if even, 8 if odd ("uint"). */
	for (a = MESHVPN_A_NODE_RX_BYTES; a <= MESHVPN_A_NODE_DAEMON_DROPS; a++) {
		if (a == MESHVPN_A_NODE_LAST_RX || a == MESHVPN_A_NODE_PAD)
			continue;
		if (a & 1)
			mnl_attr_put_u64(nlh, a, a + 1);
		else
			mnl_attr_put_u32(nlh, a, a + 1);
	}
	mnl_attr_nest_end(nlh, nest);
	EXPECT_EQ(mv_meshvpn_node_reply(&nl, nlh, 7, &n), 0);
	EXPECT_EQ(n.id, 42);
	EXPECT(n.has_endpoint);
	EXPECT_EQ(n.endpoint.family, AF_INET6);
	EXPECT(!memcmp(n.endpoint.addr, v6, 16));
	EXPECT_EQ(n.endpoint.port, 655);
	EXPECT_EQ(n.endpoint.scope_id, 3);
	EXPECT_EQ(n.next_hop, 43);
	EXPECT(n.has_keepalive);
	EXPECT_EQ(n.keepalive, 25);
	EXPECT(n.has_last_rx);
	EXPECT_EQ(n.last_rx, 1000);
	EXPECT_EQ(n.rx_bytes, MESHVPN_A_NODE_RX_BYTES + 1);
	EXPECT_EQ(n.rx_packets, MESHVPN_A_NODE_RX_PACKETS + 1);
	EXPECT_EQ(n.tx_bytes, MESHVPN_A_NODE_TX_BYTES + 1);
	EXPECT_EQ(n.tx_packets, MESHVPN_A_NODE_TX_PACKETS + 1);
	EXPECT_EQ(n.rx_decrypt_errors, MESHVPN_A_NODE_RX_DECRYPT_ERRORS + 1);
	EXPECT_EQ(n.rx_replay_drops, MESHVPN_A_NODE_RX_REPLAY_DROPS + 1);
	EXPECT_EQ(n.rx_rpf_drops, MESHVPN_A_NODE_RX_RPF_DROPS + 1);
	EXPECT_EQ(n.tx_no_key_drops, MESHVPN_A_NODE_TX_NO_KEY_DROPS + 1);
	EXPECT_EQ(n.relay_packets, MESHVPN_A_NODE_RELAY_PACKETS + 1);
	EXPECT_EQ(n.relay_bytes, MESHVPN_A_NODE_RELAY_BYTES + 1);
	EXPECT_EQ(n.daemon_packets, MESHVPN_A_NODE_DAEMON_PACKETS + 1);
	EXPECT_EQ(n.daemon_drops, MESHVPN_A_NODE_DAEMON_DROPS + 1);

	/* Any device will do when none is asked for. */
	EXPECT_EQ(mv_meshvpn_node_reply(&nl, nlh, 0, &n), 0);
	free(nl.req);
}

TEST(node_decoder_leaves_out_what_is_absent)
{
	struct mv_meshvpn_node n;
	struct mv_nl nl;
	struct nlmsghdr *nlh;

	open_fake(&nl);
	nlh = bare_node_reply(&nl);
	memset(&n, 0xff, sizeof(n));
	EXPECT_EQ(mv_meshvpn_node_reply(&nl, nlh, 7, &n), 0);
	EXPECT_EQ(n.id, 42);
	EXPECT(!n.has_endpoint && !n.has_keepalive && !n.has_last_rx);
	EXPECT_EQ(n.next_hop, 0);
	EXPECT_EQ(n.rx_bytes, 0);
	EXPECT_EQ(n.daemon_drops, 0);
	free(nl.req);
}

/* Node nests the kernel must never send. */
enum bad_node {
	ID_ZERO, ID_TOO_BIG, TWO_FAMILIES, NO_PORT, BAD_NEXT_HOP, SHORT_COUNTER,
	N_BAD_NODES
};

static void put_bad_node(struct nlmsghdr *nlh, enum bad_node bad)
{
	static const uint8_t v4[4] = { 192, 0, 2, 1 }, v6[16] = { 0x20, 0x01 };
	struct nlattr *nest = mnl_attr_nest_start(nlh, MESHVPN_A_NODE);

	mnl_attr_put_u64(nlh, MESHVPN_A_NODE_ID, bad == ID_ZERO ? 0 :
			 bad == ID_TOO_BIG ? MESHVPN_NODE_ID_MAX + 1 : 42);
	if (bad == TWO_FAMILIES) {
		mv_meshvpn_put_endpoint(nlh, AF_INET, v4, htons(655), 0);
		mnl_attr_put(nlh, MESHVPN_A_NODE_REMOTE_IPV6, 16, v6);
	}
	if (bad == NO_PORT)
		mnl_attr_put(nlh, MESHVPN_A_NODE_REMOTE_IPV4, 4, v4);
	if (bad == BAD_NEXT_HOP)
		mnl_attr_put_u64(nlh, MESHVPN_A_NODE_NEXT_HOP, 0);
	if (bad == SHORT_COUNTER)
		mnl_attr_put_u16(nlh, MESHVPN_A_NODE_RX_BYTES, 1);
	mnl_attr_nest_end(nlh, nest);
}

TEST(node_decoder_rejects_malformed_nodes)
{
	static const char *const why[N_BAD_NODES] = {
		[ID_ZERO] = "node without a valid id",
		[ID_TOO_BIG] = "node without a valid id",
		[TWO_FAMILIES] = "both an IPv4 and an IPv6 endpoint",
		[NO_PORT] = "endpoint without port",
		[BAD_NEXT_HOP] = "invalid next hop",
		[SHORT_COUNTER] = "attribute 8 has 2 bytes",
	};
	struct mv_meshvpn_node n;
	struct mv_nl nl;
	struct nlmsghdr *nlh;
	int bad;

	open_fake(&nl);
	for (bad = 0; bad < N_BAD_NODES; bad++) {
		nlh = reply(&nl, MESHVPN_CMD_NODE_GET);
		put_bad_node(nlh, bad);
		EXPECT_REJECTED(mv_meshvpn_node_reply(&nl, nlh, 7, &n), &nl, why[bad]);
	}
	free(nl.req);
}

TEST(replies_must_be_the_command_and_device_asked)
{
	struct mv_meshvpn_node n;
	struct mv_nl nl;
	struct nlmsghdr *nlh;

	open_fake(&nl);
	nlh = bare_node_reply(&nl);
	EXPECT_REJECTED(mv_meshvpn_node_reply(&nl, nlh, 8, &n), &nl,
			"reply for ifindex 7, asked for 8");

	nlh = reply(&nl, MESHVPN_CMD_ROUTE_GET);
	mv_meshvpn_put_node_id(nlh, 42);
	EXPECT_REJECTED(mv_meshvpn_node_reply(&nl, nlh, 7, &n), &nl,
			"command 13, expected 5");

	nlh = mv_genl_msg(&nl, MESHVPN_CMD_NODE_GET, 0);
	mv_meshvpn_put_node_id(nlh, 42);
	EXPECT_REJECTED(mv_meshvpn_node_reply(&nl, nlh, 7, &n), &nl, "no ifindex");

	nlh = reply(&nl, MESHVPN_CMD_NODE_GET);
	EXPECT_REJECTED(mv_meshvpn_node_reply(&nl, nlh, 7, &n), &nl,
			"reply without a node");

	nlh = mv_nl_msg(&nl, GENL_MIN_ID + 1, 0);
	EXPECT_REJECTED(mv_meshvpn_node_reply(&nl, nlh, 7, &n), &nl,
			"not a generic netlink message of the family");
	free(nl.req);
}

TEST(dev_decoder)
{
	struct mv_meshvpn_dev d;
	struct mv_nl nl;
	struct nlmsghdr *nlh;
	struct nlattr *nest;

	open_fake(&nl);
	nlh = reply(&nl, MESHVPN_CMD_DEV_GET);
	nest = mnl_attr_nest_start(nlh, MESHVPN_A_DEV);
	mnl_attr_put_u64(nlh, MESHVPN_A_DEVICE_LOCAL_NODE_ID, 0x123456789abcULL);
	mnl_attr_put_u16(nlh, MESHVPN_A_DEVICE_PORT, htons(655));
	mnl_attr_put_u32(nlh, MESHVPN_A_DEVICE_NODE_COUNT, 3);
	mnl_attr_put_u32(nlh, MESHVPN_A_DEVICE_ROUTE_COUNT, 4);
	mnl_attr_nest_end(nlh, nest);
	EXPECT_EQ(mv_meshvpn_dev_reply(&nl, nlh, 7, &d), 0);
	EXPECT(d.has_local_id && d.local_id == 0x123456789abcULL);
	EXPECT(d.has_port && d.port == 655);
	EXPECT(d.has_node_count && d.node_count == 3);
	EXPECT(d.has_route_count && d.route_count == 4);

	/* An unset id and no socket read as 0: not there. */
	nlh = reply(&nl, MESHVPN_CMD_DEV_GET);
	nest = mnl_attr_nest_start(nlh, MESHVPN_A_DEV);
	mnl_attr_put_u64(nlh, MESHVPN_A_DEVICE_LOCAL_NODE_ID, 0);
	mnl_attr_put_u16(nlh, MESHVPN_A_DEVICE_PORT, 0);
	mnl_attr_nest_end(nlh, nest);
	EXPECT_EQ(mv_meshvpn_dev_reply(&nl, nlh, 7, &d), 0);
	EXPECT(!d.has_local_id && !d.has_port);
	EXPECT(!d.has_node_count && !d.has_route_count);

	nlh = reply(&nl, MESHVPN_CMD_DEV_GET);
	nest = mnl_attr_nest_start(nlh, MESHVPN_A_DEV);
	mnl_attr_put_u64(nlh, MESHVPN_A_DEVICE_LOCAL_NODE_ID, MESHVPN_NODE_ID_MAX + 1);
	mnl_attr_nest_end(nlh, nest);
	EXPECT_REJECTED(mv_meshvpn_dev_reply(&nl, nlh, 7, &d), &nl,
			"invalid local node id");

	nlh = reply(&nl, MESHVPN_CMD_DEV_GET);
	EXPECT_REJECTED(mv_meshvpn_dev_reply(&nl, nlh, 7, &d), &nl,
			"reply without device attributes");
	free(nl.req);
}

/* Each refused counter lands on its limit, named as dump stats shows it. */
TEST(dev_limits)
{
	struct mv_meshvpn_dev d;
	const char *name;
	uint64_t value, refused;
	struct mv_nl nl;
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	unsigned int i;

	open_fake(&nl);
	nlh = reply(&nl, MESHVPN_CMD_DEV_GET);
	nest = mnl_attr_nest_start(nlh, MESHVPN_A_DEV);
	mnl_attr_put_u32(nlh, MESHVPN_A_DEVICE_UPCALL_RATE, 50);
	for (i = 0; i < MV_MESHVPN_LIMITS; i++)
		mnl_attr_put_u64(nlh, MESHVPN_A_DEVICE_UPCALL_REFUSED + i, 100 + i);
	mnl_attr_nest_end(nlh, nest);
	EXPECT_EQ(mv_meshvpn_dev_reply(&nl, nlh, 7, &d), 0);

	mv_meshvpn_dev_limit(&d, 0, &name, &value, &refused);
	EXPECT_STREQ(name, "KernelUpcallRate");
	EXPECT_EQ(value, 50);
	EXPECT_EQ(refused, 100);
	mv_meshvpn_dev_limit(&d, 1, &name, &value, &refused);
	EXPECT_STREQ(name, "kernel.upcall_sources");
	EXPECT_EQ(value, MESHVPN_UPCALL_SOURCES);
	EXPECT_EQ(refused, 101);
	mv_meshvpn_dev_limit(&d, 2, &name, &value, &refused);
	EXPECT_STREQ(name, "kernel.upcall_strangers");
	EXPECT_EQ(value, 500);
	EXPECT_EQ(refused, 102);
	mv_meshvpn_dev_limit(&d, 5, &name, &value, &refused);
	EXPECT_STREQ(name, "kernel.rx_queue_per_node");
	EXPECT_EQ(value, 1024);
	EXPECT_EQ(refused, 105);
	mv_meshvpn_dev_limit(&d, MV_MESHVPN_LIMITS - 1, &name, &value, &refused);
	EXPECT_STREQ(name, "kernel.routes");
	EXPECT_EQ(value, MESHVPN_ROUTES_MAX);
	EXPECT_EQ(refused, 100 + MV_MESHVPN_LIMITS - 1);
	free(nl.req);
}

TEST(key_decoder)
{
	const struct nlattr *tb[MESHVPN_A_MAX + 1];
	struct mv_meshvpn_key k;
	struct mv_nl nl;
	struct nlmsghdr *nlh;
	struct nlattr *nest;

	open_fake(&nl);
	nlh = reply(&nl, MESHVPN_CMD_KEY_GET);
	nest = mnl_attr_nest_start(nlh, MESHVPN_A_KEYCONF);
	mnl_attr_put_u64(nlh, MESHVPN_A_KEYCONF_NODE_ID, 42);
	mnl_attr_put_u32(nlh, MESHVPN_A_KEYCONF_SLOT, MESHVPN_KEY_SLOT_NEXT);
	mnl_attr_put_u32(nlh, MESHVPN_A_KEYCONF_CIPHER_ALG,
			 MESHVPN_CIPHER_ALG_AES_256_GCM);
	mnl_attr_put_u8(nlh, MESHVPN_A_KEYCONF_PHASE, 1);
	mnl_attr_nest_end(nlh, nest);
	EXPECT_EQ(mv_meshvpn_key_reply(&nl, nlh, 7, &k), 0);
	EXPECT_EQ(k.node_id, 42);
	EXPECT(k.has_slot && k.slot == MESHVPN_KEY_SLOT_NEXT);
	EXPECT(k.has_cipher && k.cipher_alg == MESHVPN_CIPHER_ALG_AES_256_GCM);
	EXPECT(k.has_phase && k.phase == 1);
	EXPECT(!k.has_rekey_reason);

	/* rekey-due-ntf: a node, a slot and why. */
	nlh = reply(&nl, MESHVPN_CMD_REKEY_DUE_NTF);
	nest = mnl_attr_nest_start(nlh, MESHVPN_A_KEYCONF);
	mnl_attr_put_u64(nlh, MESHVPN_A_KEYCONF_NODE_ID, 42);
	mnl_attr_put_u32(nlh, MESHVPN_A_KEYCONF_SLOT, MESHVPN_KEY_SLOT_CURRENT);
	mnl_attr_put_u32(nlh, MESHVPN_A_KEYCONF_REKEY_REASON, MESHVPN_REKEY_REASON_TIME);
	mnl_attr_nest_end(nlh, nest);
	EXPECT_EQ(mv_meshvpn_parse(&nl, nlh, MESHVPN_CMD_REKEY_DUE_NTF, 0, tb), 0);
	EXPECT_EQ(mv_meshvpn_decode_key(&nl, tb[MESHVPN_A_KEYCONF], &k), 0);
	EXPECT(k.has_slot && k.slot == MESHVPN_KEY_SLOT_CURRENT);
	EXPECT(!k.has_cipher && !k.has_phase);
	EXPECT(k.has_rekey_reason && k.rekey_reason == MESHVPN_REKEY_REASON_TIME);

	nlh = reply(&nl, MESHVPN_CMD_KEY_GET);
	nest = mnl_attr_nest_start(nlh, MESHVPN_A_KEYCONF);
	mnl_attr_put_u32(nlh, MESHVPN_A_KEYCONF_SLOT, MESHVPN_KEY_SLOT_NEXT);
	mnl_attr_nest_end(nlh, nest);
	EXPECT_REJECTED(mv_meshvpn_key_reply(&nl, nlh, 7, &k), &nl,
			"key without a valid node id");

	nlh = reply(&nl, MESHVPN_CMD_KEY_GET);
	nest = mnl_attr_nest_start(nlh, MESHVPN_A_KEYCONF);
	mnl_attr_put_u64(nlh, MESHVPN_A_KEYCONF_NODE_ID, 42);
	mnl_attr_put_u32(nlh, MESHVPN_A_KEYCONF_PHASE, 1);
	mnl_attr_nest_end(nlh, nest);
	EXPECT_REJECTED(mv_meshvpn_key_reply(&nl, nlh, 7, &k), &nl, "has 4 bytes");
	free(nl.req);
}

TEST(route_decoder)
{
	static const uint8_t v4[4] = { 10, 1, 0, 0 }, v6[16] = { 0x20, 0x01 };
	struct mv_meshvpn_route r;
	struct mv_nl nl;
	struct nlmsghdr *nlh;
	struct nlattr *nest;

	open_fake(&nl);
	nlh = reply(&nl, MESHVPN_CMD_ROUTE_GET);
	mv_meshvpn_put_route(nlh, 42, AF_INET, v4, 16);
	EXPECT_EQ(mv_meshvpn_route_reply(&nl, nlh, 7, &r), 0);
	EXPECT_EQ(r.node_id, 42);
	EXPECT_EQ(r.prefix.family, AF_INET);
	EXPECT(!memcmp(r.prefix.addr, v4, 4));
	EXPECT_EQ(r.prefix.len, 16);

	nlh = reply(&nl, MESHVPN_CMD_ROUTE_GET);
	mv_meshvpn_put_route(nlh, 42, AF_INET6, v6, 128);
	EXPECT_EQ(mv_meshvpn_route_reply(&nl, nlh, 7, &r), 0);
	EXPECT_EQ(r.prefix.family, AF_INET6);
	EXPECT(!memcmp(r.prefix.addr, v6, 16));
	EXPECT_EQ(r.prefix.len, 128);

	nlh = reply(&nl, MESHVPN_CMD_ROUTE_GET);
	mv_meshvpn_put_route(nlh, 42, AF_INET, v4, 33);
	EXPECT_REJECTED(mv_meshvpn_route_reply(&nl, nlh, 7, &r), &nl,
			"invalid node id or prefix length");

	nlh = reply(&nl, MESHVPN_CMD_ROUTE_GET);
	mv_meshvpn_put_route(nlh, 0, AF_INET, v4, 8);
	EXPECT_REJECTED(mv_meshvpn_route_reply(&nl, nlh, 7, &r), &nl,
			"route without node id or prefix length");

	nlh = reply(&nl, MESHVPN_CMD_ROUTE_GET);
	nest = mnl_attr_nest_start(nlh, MESHVPN_A_ROUTE);
	mnl_attr_put_u64(nlh, MESHVPN_A_ROUTE_NODE_ID, 42);
	mnl_attr_put(nlh, MESHVPN_A_ROUTE_IPV4, 4, v4);
	mnl_attr_put(nlh, MESHVPN_A_ROUTE_IPV6, 16, v6);
	mnl_attr_put_u8(nlh, MESHVPN_A_ROUTE_PREFIX_LEN, 8);
	mnl_attr_nest_end(nlh, nest);
	EXPECT_REJECTED(mv_meshvpn_route_reply(&nl, nlh, 7, &r), &nl,
			"exactly one of ipv4 and ipv6");
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
