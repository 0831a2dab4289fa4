/* SPDX-License-Identifier: GPL-2.0 */
/*
 * STATE records (protocol.md 9.3 and 9.4): this node's own, signed and
 * announced; everyone else's, verified, flooded with duplicate suppression
 * and aged out, and fed to the topology as links and claimed subnets.
 */
#ifndef MESHVPN_STATE_H
#define MESHVPN_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/event.h"
#include "lib/sockaddr.h"
#include "mesh/node.h"

/*
 * As OSPF's MaxAge (1 h, refreshed every 30 min): a STATE that nothing
 * changes costs one flood every 15-20 min; nodes that leave are dropped
 * 60 s after they became unreachable, not by expiry.
 */
#define MV_STATE_LIFETIME	3600	/* seconds */
#define MV_UNREACHABLE_FORGET	60	/* seconds before an absent node's state goes */

struct mv_conn;
struct mv_proto;

/* STATEs refused by a limit of protocol.md 9.4, for `meshvpn dump stats`. */
struct mv_state_refusals {
	uint64_t forged_own;	/* our origin, not signed by us */
	uint64_t clock;		/* MaxClockSkew: seq far from our clock */
	uint64_t voucher;	/* a neighbour whose own key was vouched */
	uint64_t quota;		/* VouchQuota */
	uint64_t rate;		/* VouchRate */
};

/* What the STATE flood cost and refused, for `meshvpn dump stats`. */
struct mv_state_stats {
	uint64_t originated;		/* our own records announced */
	uint64_t received;		/* records of others that arrived */
	uint64_t accepted;		/* new ones, taken and flooded on */
	uint64_t rate_refused;		/* over their origin's StateFloodRate */
};

/* This node's own announcement, and the limits on everyone else's. */
struct mv_announcer {
	uint64_t seq;
	bool dirty;			/* to be announced again */
	uint64_t announce_tat;		/* ms: STATE_BURST's pacing (GCRA) */
	uint64_t weights_next;		/* ms: weights alone may go out again */
	uint64_t refresh_at;		/* ms: announced again even unchanged */
	struct mv_state_stats stats;
	struct mv_timer timer;		/* refresh and rate limit */
	struct mv_timer age_timer;
	struct mv_wire_addr reflexive[4];	/* as peers see us, newest first */
	size_t n_reflexive;
	/* VouchRate: a token bucket of new keys, refilled each second. */
	uint64_t vouch_tokens;
	uint64_t vouch_refilled;	/* ms */
	struct mv_state_refusals refused;
};

void mv_state_init(struct mv_proto *p);
void mv_state_changed(struct mv_proto *p);	/* own state: re-announce */
/* An address a peer saw our packets come from: a candidate to announce. */
void mv_state_add_reflexive(struct mv_proto *p, const struct mv_wire_addr *w);
void mv_state_receive(struct mv_conn *c, const uint8_t *pt, size_t len);
void mv_state_sync(struct mv_conn *c);		/* send everything we hold */
void mv_state_announce_gone(struct mv_proto *p);
void mv_state_after_events(struct mv_proto *p);	/* batched work */
void mv_state_forget(struct mv_proto *p, struct mv_node *n);
/*
 * The age timer's work at @now (ms): forget expired and long unreachable
 * STATEs, free the nodes known only from them once their time is up.
 */
void mv_state_age(struct mv_proto *p, uint64_t now);
/* Room for a node's STATE: made with the node, freed with it. */
int mv_state_node_init(struct mv_node *n);
void mv_state_node_free(struct mv_node *n);

#endif /* MESHVPN_STATE_H */
