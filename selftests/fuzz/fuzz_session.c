// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for session handshake messages (proto/session.c): each
 * record is a SESSION meta message handed to mv_session_receive(), as it
 * comes from a meta connection or inside a UDP SESSION message; those for
 * other nodes are forwarded, those for alice answered or installed.
 *
 * Input: one byte of options (bit 0: StrictKeys; bit 1: alice has started
 * a handshake with bob, so an answer has something to match; bit 2: a
 * STATE of bob's makes him reachable first), then records of a flag byte,
 * a u16 length and the message. Flag bit 0 has the harness sign the
 * handshake inside again as its sender (bob, carol or dave): an INIT over
 * its signed part, a RESP over the transcript with alice's pending INIT,
 * so that the code behind the signature checks is reached (key
 * derivation, key slots, generations, crossing handshakes).
 *
 * Checked besides memory errors and leaks: a session alice sends with
 * always has a valid slot, and its generation never goes backwards.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/handshake.h"
#include "harness.h"

static int sign_blob(const char *from, const struct mv_buf *msg,
		     const struct mv_handshake *h, const uint8_t *body,
		     struct mv_buf *blob)
{
	const struct mv_identity *key = fuzz_key_of(from);
	uint8_t *sig = NULL;
	size_t sig_len;
	int err;

	if (!key)
		return -ENOKEY;
	mv_buf_reset(blob);
	err = mv_buf_put(blob, body, h->unsigned_len);
	err = err ?: mv_identity_sign(key, msg->data, msg->len, &sig, &sig_len);
	err = err ?: mv_buf_put_blob(blob, sig, sig_len);
	free(sig);
	return err;
}

/* The signature a RESP from @n must carry for alice's pending INIT. */
static int resp_signed_part(struct mv_node *n, const struct mv_meta_session *m,
			    const struct mv_handshake *h, struct mv_buf *msg)
{
	uint8_t th[MV_HASH_LEN];
	int err;

	if (!n || !n->session->pending)
		return -ENOENT;
	err = mv_transcript_hash(n->session->init_blob.data,
				 n->session->init_blob.len, m->handshake,
				 h->unsigned_len, th);
	return err ?: mv_buf_put(msg, MV_HANDSHAKE_RESP_CONTEXT,
				 strlen(MV_HANDSHAKE_RESP_CONTEXT)) ?:
		      mv_buf_put(msg, th, sizeof(th));
}

static int resign(struct fuzz_mesh *fm, const uint8_t *pt, size_t len,
		  struct mv_buf *out)
{
	char err[MV_META_ERRLEN];
	struct mv_meta_session m;
	struct mv_handshake h;
	struct mv_buf msg, blob;
	int ret;

	if (mv_meta_session_decode(pt, len, &m, err) ||
	    mv_handshake_decode(m.handshake, m.handshake_len, &h, err))
		return -EBADMSG;
	mv_buf_init(&msg);
	mv_buf_init(&blob);
	if (h.kind == MV_HANDSHAKE_INIT)
		ret = mv_handshake_init_signed_part(&msg, m.from, m.to,
						    m.handshake, h.unsigned_len);
	else
		ret = resp_signed_part(mv_node_find(&fm->d.nodes, m.from), &m,
				       &h, &msg);
	ret = ret ?: sign_blob(m.from, &msg, &h, m.handshake, &blob);
	if (!ret) {
		m.handshake = blob.data;
		m.handshake_len = blob.len;
		mv_buf_reset(out);
		ret = mv_meta_session_encode(out, &m);
	}
	mv_buf_free(&msg);
	mv_buf_free(&blob);
	return ret;
}

static void check_sessions(struct fuzz_mesh *fm, uint32_t *last_gen)
{
	struct mv_node *n;
	size_t i;

	for (n = fm->d.nodes.all; n; n = n->next) {
		struct mv_session *s = n->session;

		CHECK(s->tx_phase < 0 || s->slot[s->tx_phase].valid);
	}
	for (i = FUZZ_BOB; i < FUZZ_PEERS; i++) {
		n = mv_node_find(&fm->d.nodes, fuzz_peer_names[i]);
		if (!n)
			continue;
		CHECK(n->session->last_generation >= last_gen[i]);
		last_gen[i] = n->session->last_generation;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum fuzz_peer bob_links[] = { FUZZ_ALICE };
	uint32_t last_gen[FUZZ_PEERS] = { 0 };
	struct fuzz_input in = { data, size };
	struct fuzz_mesh m;
	const uint8_t *rec;
	struct mv_buf b;
	uint8_t opts, flags;
	size_t len;

	fuzz_setup();
	if (!fuzz_take_u8(&in, &opts))
		return 0;
	CHECK(!fuzz_mesh_init(&m, opts & 1, true));
	mv_buf_init(&b);
	if (opts & 4) {
		/* Bob names his link to alice: he is reachable. */
		CHECK(!fuzz_mesh_state(&b, FUZZ_BOB, 1, bob_links, 1, NULL, 0));
		mv_state_receive(m.bob_conn, b.data, b.len);
		fuzz_mesh_after_events(&m);
	}
	if (opts & 2) {
		mv_session_start(m.peer[FUZZ_BOB]);
		fuzz_mesh_after_events(&m);
	}
	while (fuzz_take_record(&in, &flags, &rec, &len)) {
		if ((flags & 1) && !resign(&m, rec, len, &b)) {
			rec = b.data;
			len = b.len;
		}
		mv_session_receive(&m.d.proto, rec, len);
		fuzz_mesh_after_events(&m);
		check_sessions(&m, last_gen);
	}
	mv_buf_free(&b);
	fuzz_mesh_free(&m);
	return 0;
}
