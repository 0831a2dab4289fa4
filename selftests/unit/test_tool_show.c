// SPDX-License-Identifier: GPL-2.0
/*
 * What link show and route show print (tools/link_print.c, link_json.c),
 * text and JSON, for a link made up here: every line and key as users
 * and their scripts see them, fixed before tools/link.c was split up.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "link_info.h"
#include "link_json.h"
#include "link_print.h"

#include "test.h"

static struct mv_node_info nodes[2];
static struct mv_meshvpn_route routes[3];

static void put_route(struct mv_meshvpn_route *r, uint64_t node, int family,
		      const char *addr, unsigned int len)
{
	r->node_id = node;
	r->prefix.family = family;
	inet_pton(family, addr, r->prefix.addr);
	r->prefix.len = len;
}

/*
 * A link with a direct node and a node sent through the daemon, their
 * keys and routes; the name has a control character in it.
 */
static void make_link(struct mv_link_info *li)
{
	struct mv_meshvpn_node *a = &nodes[0].node, *b = &nodes[1].node;

	memset(li, 0, sizeof(*li));
	memset(nodes, 0, sizeof(nodes));
	li->ifindex = 5;
	snprintf(li->name, sizeof(li->name), "mv\x01" "0");
	li->dev = (struct mv_meshvpn_dev){
		.has_local_id = true, .local_id = 0x123,
		.has_port = true, .port = 655,
		.has_node_count = true, .node_count = 2,
		.has_route_count = true, .route_count = 3,
	};
	li->have_nodes = li->have_routes = li->have_keys = true;

	a->id = 0x456;
	a->has_endpoint = true;
	a->endpoint.family = AF_INET;
	inet_pton(AF_INET, "192.0.2.1", a->endpoint.addr);
	a->endpoint.port = 655;
	a->has_keepalive = true;
	a->keepalive = 1;
	a->has_last_rx = true;
	a->rx_bytes = 1536;
	a->rx_packets = 2;
	a->tx_bytes = 100;
	a->tx_packets = 1;
	a->rx_decrypt_errors = 11;
	a->rx_replay_drops = 12;
	a->rx_rpf_drops = 13;
	a->tx_no_key_drops = 14;
	a->relay_packets = 15;
	a->relay_bytes = 2u << 20;
	nodes[0].key[0] = (struct mv_key_info){ MV_KEY_SET, 1, 0 };
	nodes[0].key[1].state = MV_KEY_EMPTY;

	b->id = 0x789;
	b->has_endpoint = true;
	b->endpoint.family = AF_INET6;
	inet_pton(AF_INET6, "fe80::7", b->endpoint.addr);
	b->endpoint.port = 1;
	/* No such interface: the number is printed. */
	b->endpoint.scope_id = 123456;
	b->next_hop = 0x123;
	b->has_keepalive = true;
	b->tx_bytes = (uint64_t)3 << 40;
	b->daemon_packets = 7;
	b->daemon_drops = 1;
	nodes[1].key[0] = (struct mv_key_info){ MV_KEY_SET, 9, 1 };
	nodes[1].key[1] = (struct mv_key_info){ MV_KEY_SET, 2, 0 };

	put_route(&routes[0], 0x456, AF_INET, "10.1.0.0", 16);
	put_route(&routes[1], 0x456, AF_INET6, "fd00:1::", 64);
	put_route(&routes[2], 0x789, AF_INET, "10.2.0.0", 16);
	li->nodes = nodes;
	li->n_nodes = 2;
	li->routes = routes;
	li->n_routes = 3;
}

/* route show's text. */
static void print_routes(const struct mv_link_info *li)
{
	mv_link_print_routes(li->routes, li->n_routes, "");
}

/* What @print writes to stdout for @li (freed by the caller). */
static char *print_text(void (*print)(const struct mv_link_info *li),
			const struct mv_link_info *li)
{
	FILE *f = tmpfile();
	char *text = calloc(1, 8192);
	int saved;

	if (!f || !text)
		abort();
	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	dup2(fileno(f), STDOUT_FILENO);
	print(li);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	rewind(f);
	if (fread(text, 1, 8191, f) == 0)
		text[0] = '\0';
	fclose(f);
	return text;
}

/* The compact JSON of @li as link show --json writes it (in an array). */
static char *print_json(const struct mv_link_info *li)
{
	struct mv_json j;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		abort();
	mv_json_init(&j, f, false);
	mv_json_begin_array(&j);
	mv_link_json(&j, li);
	mv_json_end_array(&j);
	if (mv_link_json_done("test", &j))
		abort();
	fclose(f);
	return text;
}

TEST(link_show_text)
{
	struct mv_link_info li;
	char *text;

	make_link(&li);
	text = print_text(mv_link_print, &li);
	EXPECT_STREQ(text,
		     "link: mv?0\n"
		     "  node id:         000000000123\n"
		     "  listening port:  655\n"
		     "  nodes:           2\n"
		     "  routes:          3\n"
		     "\n"
		     "node: 000000000456\n"
		     "  endpoint:        192.0.2.1:655\n"
		     "  next hop:        direct\n"
		     "  routes:          10.1.0.0/16, fd00:1::/64\n"
		     "  keepalive:       every 1 second\n"
		     "  last rx:         never\n"
		     "  transfer:        1.50 KiB received (2 packets), 100 B sent (1 packets)\n"
		     "  drops:           11 decrypt, 12 replay, 13 rpf, 14 no key\n"
		     "  relayed:         2.00 MiB (15 packets)\n"
		     "  current key:     chacha20-poly1305, phase 0\n"
		     "  next key:        (empty)\n"
		     "\n"
		     "node: 000000000789\n"
		     "  endpoint:        [fe80::7%123456]:1\n"
		     "  next hop:        the daemon (meta connections)\n"
		     "  routes:          10.2.0.0/16\n"
		     "  keepalive:       off\n"
		     "  transfer:        0 B received (0 packets), 3.00 TiB sent (0 packets)\n"
		     "  drops:           0 decrypt, 0 replay, 0 rpf, 0 no key\n"
		     "  relayed:         0 B (0 packets)\n"
		     "  to the daemon:   7 packets, 1 dropped\n"
		     "  current key:     cipher 9, phase 1\n"
		     "  next key:        aes-256-gcm, phase 0\n");
	free(text);
}

TEST(link_show_text_without_nodes)
{
	struct mv_link_info li;
	char *text;

	make_link(&li);
	li.have_nodes = li.have_keys = false;
	li.n_nodes = 0;
	li.dev.has_local_id = li.dev.has_port = li.dev.has_node_count = false;
	text = print_text(mv_link_print, &li);
	EXPECT_STREQ(text,
		     "link: mv?0\n"
		     "  node id:         (none)\n"
		     "  listening port:  (no socket)\n"
		     "  routes:          3\n"
		     "\n"
		     "routes:\n"
		     "  10.1.0.0/16 node 000000000456\n"
		     "  fd00:1::/64 node 000000000456\n"
		     "  10.2.0.0/16 node 000000000789\n");
	free(text);
}

TEST(link_show_json)
{
	struct mv_link_info li;
	char *text;

	make_link(&li);
	text = print_json(&li);
	EXPECT_STREQ(text,
		     "[{\"ifname\":\"mv\\u00010\",\"ifindex\":5,\"node_id\":\"000000000123\","
		     "\"port\":655,\"node_count\":2,\"route_count\":3,"
		     "\"nodes\":[{\"id\":\"000000000456\",\"endpoint\":\"192.0.2.1:655\","
		     "\"next_hop\":\"000000000456\",\"keepalive\":1,\"last_rx\":0,"
		     "\"rx_bytes\":1536,\"rx_packets\":2,\"tx_bytes\":100,\"tx_packets\":1,"
		     "\"rx_decrypt_errors\":11,\"rx_replay_drops\":12,\"rx_rpf_drops\":13,"
		     "\"tx_no_key_drops\":14,\"relay_packets\":15,\"relay_bytes\":2097152,"
		     "\"daemon_packets\":0,\"daemon_drops\":0,"
		     "\"keys\":{\"current\":{\"cipher\":\"chacha20-poly1305\",\"phase\":0},"
		     "\"next\":null}},{\"id\":\"000000000789\","
		     "\"endpoint\":\"[fe80::7%123456]:1\",\"next_hop\":\"000000000123\","
		     "\"keepalive\":0,\"rx_bytes\":0,\"rx_packets\":0,"
		     "\"tx_bytes\":3298534883328,\"tx_packets\":0,\"rx_decrypt_errors\":0,"
		     "\"rx_replay_drops\":0,\"rx_rpf_drops\":0,\"tx_no_key_drops\":0,"
		     "\"relay_packets\":0,\"relay_bytes\":0,\"daemon_packets\":7,"
		     "\"daemon_drops\":1,\"keys\":{\"current\":{\"cipher\":\"9\",\"phase\":1},"
		     "\"next\":{\"cipher\":\"aes-256-gcm\",\"phase\":0}}}],"
		     "\"routes\":[{\"prefix\":\"10.1.0.0/16\",\"node\":\"000000000456\"},"
		     "{\"prefix\":\"fd00:1::/64\",\"node\":\"000000000456\"},"
		     "{\"prefix\":\"10.2.0.0/16\",\"node\":\"000000000789\"}]}]\n");
	free(text);

	/* Parts the module could not report are left out. */
	li.have_keys = li.have_routes = false;
	text = print_json(&li);
	EXPECT(strstr(text, "\"nodes\":[{\"id\":\"000000000456\","));
	EXPECT(!strstr(text, "\"keys\""));
	EXPECT(!strstr(text, "\"routes\""));
	free(text);
}

TEST(route_show_text_and_json)
{
	struct mv_link_info li;
	struct mv_json j;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	make_link(&li);
	text = print_text(print_routes, &li);
	EXPECT_STREQ(text,
		     "10.1.0.0/16 node 000000000456\n"
		     "fd00:1::/64 node 000000000456\n"
		     "10.2.0.0/16 node 000000000789\n");
	free(text);
	text = NULL;
	f = open_memstream(&text, &len);
	if (!f)
		abort();
	mv_json_init(&j, f, false);
	mv_link_json_routes(&j, li.routes, li.n_routes);
	EXPECT_EQ(mv_link_json_done("test", &j), 0);
	fclose(f);
	EXPECT_STREQ(text,
		     "[{\"prefix\":\"10.1.0.0/16\",\"node\":\"000000000456\"},"
		     "{\"prefix\":\"fd00:1::/64\",\"node\":\"000000000456\"},"
		     "{\"prefix\":\"10.2.0.0/16\",\"node\":\"000000000789\"}]\n");
	free(text);
}

TEST_MAIN()
