// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for STATE records (proto/state.c), as a neighbour sends
 * them: each record goes to mv_state_receive() on alice's active meta
 * connection from bob, then the daemon's after-events work runs (own
 * announcement, topology recomputation, the nodes and subnets that come
 * and go, the data plane's routes).
 *
 * Input: one byte of options (bit 0: StrictKeys), then records of a flag
 * byte, a u16 length and the STATE plaintext. Flag bit 0 has the harness
 * sign the record again with its origin's key (bob, carol or dave, whose
 * private keys it holds; alice's own too, as a hijacker would need), so
 * that what lies behind the signature check is reached: key learning,
 * sequence numbers, edges, claimed subnets, reachability.
 *
 * Checked besides memory errors and leaks: a record that decodes with a
 * sequence number above what alice held for its origin is taken or
 * refused, never half taken (the node's raw copy and its STATE agree);
 * alice's own sequence number never goes backwards; and a connection
 * that was closed for a bad record stays closed.
 */
#include <string.h>

#include "harness.h"

static void check_node_consistent(const struct mv_node *n)
{
	if (!n->have_state) {
		CHECK(!n->state_raw.len);
		return;
	}
	CHECK(n->state_raw.len > 0);
	CHECK(!strcmp(n->state->origin, n->name));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size };
	struct fuzz_mesh m;
	const uint8_t *rec;
	uint64_t own_seq;
	struct mv_node *n;
	struct mv_buf b;
	uint8_t opts, flags;
	size_t len;

	fuzz_setup();
	if (!fuzz_take_u8(&in, &opts))
		return 0;
	CHECK(!fuzz_mesh_init(&m, opts & 1, true));
	mv_buf_init(&b);
	own_seq = m.d.proto.own.seq;
	while (m.bob_conn && fuzz_take_record(&in, &flags, &rec, &len)) {
		if ((flags & 1) && !fuzz_resign_state(rec, len, &b)) {
			rec = b.data;
			len = b.len;
		}
		mv_state_receive(m.bob_conn, rec, len);
		fuzz_mesh_after_events(&m);
		CHECK(m.d.proto.own.seq >= own_seq);
		own_seq = m.d.proto.own.seq;
		for (n = m.d.nodes.all; n; n = n->next)
			if (n != m.d.nodes.self)
				check_node_consistent(n);
	}
	mv_buf_free(&b);
	fuzz_mesh_free(&m);
	return 0;
}
