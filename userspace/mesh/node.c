// SPDX-License-Identifier: GPL-2.0
/*
 * The node table: every node the daemon knows of, from host files and from
 * the graph, found by name or by wire id, and the trust in their keys.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <meshvpn/wire.h>

#include "crypto/crypto.h"
#include "crypto/identity.h"
#include "lib/log.h"
#include "lib/sockaddr.h"
#include "mesh/node.h"

uint64_t mv_node_id_of(const char *name)
{
	struct mv_iov part = { name, strlen(name) };
	uint8_t hash[MV_HASH_LEN];

	if (mv_sha256(&part, 1, hash))
		return MESHVPN_NODE_ID_NONE;
	return meshvpn_node_id_get(hash);
}

static size_t hash_name(const char *name, size_t buckets)
{
	uint64_t h = 1469598103934665603ull;

	while (*name)
		h = (h ^ (unsigned char)*name++) * 1099511628211ull;
	return h % buckets;
}

static size_t hash_id(uint64_t id, size_t buckets)
{
	/* Ids are SHA-256 output: already uniform. */
	return id % buckets;
}

static size_t hash_endpoint(const struct sockaddr_in6 *sa, size_t buckets)
{
	const uint8_t *a = sa->sin6_addr.s6_addr;
	uint64_t h = 1469598103934665603ull;
	size_t i;

	for (i = 0; i < sizeof(sa->sin6_addr); i++)
		h = (h ^ a[i]) * 1099511628211ull;
	h = (h ^ sa->sin6_port) * 1099511628211ull;
	return h % buckets;
}

struct mv_node *mv_node_find(const struct mv_nodes *d, const char *name)
{
	struct mv_node *n;

	for (n = d->by_name[hash_name(name, d->n_buckets)]; n;
	     n = n->next_by_name)
		if (!strcmp(n->name, name))
			return n;
	return NULL;
}

struct mv_node *mv_node_find_id(const struct mv_nodes *d, uint64_t id)
{
	struct mv_node *n;

	for (n = d->by_id[hash_id(id, d->n_buckets)]; n; n = n->next_by_id)
		if (n->id == id)
			return n;
	return NULL;
}

struct mv_node *mv_node_find_endpoint(const struct mv_nodes *d,
				      const struct sockaddr_in6 *sa)
{
	struct mv_node *n;

	if (!d->n_buckets)
		return NULL;
	for (n = d->by_endpoint[hash_endpoint(sa, d->n_buckets)]; n;
	     n = n->next_by_endpoint)
		if (n->udp.direct && mv_sockaddr_equal(&n->udp.endpoint, sa))
			return n;
	return NULL;
}

static int grow(struct mv_nodes *d)
{
	size_t buckets = d->n_buckets ? 4 * d->n_buckets : 256;
	struct mv_node **by_name = calloc(buckets, sizeof(*by_name));
	struct mv_node **by_id = calloc(buckets, sizeof(*by_id));
	struct mv_node **by_endpoint = calloc(buckets, sizeof(*by_endpoint));
	struct mv_node *n;

	if (!by_name || !by_id || !by_endpoint) {
		free(by_name);
		free(by_id);
		free(by_endpoint);
		return -ENOMEM;
	}
	for (n = d->all; n; n = n->next) {
		size_t a = hash_name(n->name, buckets), b = hash_id(n->id, buckets);

		n->next_by_name = by_name[a];
		by_name[a] = n;
		if (!n->id_lost) {
			n->next_by_id = by_id[b];
			by_id[b] = n;
		}
		if (n->endpoint_indexed) {
			a = hash_endpoint(&n->indexed_endpoint, buckets);
			n->next_by_endpoint = by_endpoint[a];
			by_endpoint[a] = n;
		}
	}
	free(d->by_name);
	free(d->by_id);
	free(d->by_endpoint);
	d->by_name = by_name;
	d->by_id = by_id;
	d->by_endpoint = by_endpoint;
	d->n_buckets = buckets;
	return 0;
}

struct mv_node *mv_node_get(struct mv_nodes *d, const char *name)
{
	struct mv_node *n = d->n_buckets ? mv_node_find(d, name) : NULL;
	struct mv_node *other;
	uint64_t id;
	size_t a, b;

	if (n)
		return n;
	if (!mv_config_valid_name(name) || strlen(name) > MV_NAME_MAX)
		return NULL;
	id = mv_node_id_of(name);
	if (id == MESHVPN_NODE_ID_NONE || id == MESHVPN_NODE_ID_RESERVED) {
		mv_err("Node name %s maps to a reserved id; rename it", name);
		return NULL;
	}
	other = d->n_buckets ? mv_node_find_id(d, id) : NULL;
	if (other) {
		d->id_collisions++;
		mv_err("node id collision: %s and %s both map to %012llx; rename one",
		       other->name, name, (unsigned long long)id);
		return NULL;
	}
	if (d->n_nodes >= d->n_buckets && grow(d))
		return NULL;
	n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	n->table = d;
	strcpy(n->name, name);
	n->id = id;
	n->vertex = -1;
	n->nexthop = n->via = NULL;
	n->udp.queue_tail = &n->udp.queue;
	mv_buf_init(&n->state_raw);
	if (d->ops && d->ops->init && d->ops->init(d->ops_ctx, n)) {
		free(n);
		return NULL;
	}
	a = hash_name(name, d->n_buckets);
	b = hash_id(id, d->n_buckets);
	n->next_by_name = d->by_name[a];
	d->by_name[a] = n;
	n->next_by_id = d->by_id[b];
	d->by_id[b] = n;
	n->next = d->all;
	if (d->all)
		d->all->prev = n;
	d->all = n;
	d->n_nodes++;
	return n;
}

static void unlink_chain(struct mv_node **head, struct mv_node *n,
			 size_t next_off)
{
	struct mv_node **link = head;

	while (*link && *link != n)
		link = (struct mv_node **)((char *)*link + next_off);
	if (*link)
		*link = *(struct mv_node **)((char *)n + next_off);
}

static void free_node(struct mv_nodes *d, struct mv_node *n)
{
	if (d->ops && d->ops->release)
		d->ops->release(d->ops_ctx, n);
	mv_identity_free(n->host_key);
	mv_identity_free(n->vouched_key);
	if (n->host) {
		mv_host_config_free(n->host);
		free(n->host);
	}
	mv_buf_free(&n->state_raw);
	free(n->subnets);
	free(n->claimed);
	while (n->udp.queue) {
		struct mv_queued *q = n->udp.queue;

		n->udp.queue = q->next;
		free(q);
	}
	free(n);
}

static void unindex_endpoint(struct mv_nodes *d, struct mv_node *n)
{
	if (!n->endpoint_indexed)
		return;
	unlink_chain(&d->by_endpoint[hash_endpoint(&n->indexed_endpoint,
						   d->n_buckets)], n,
		     offsetof(struct mv_node, next_by_endpoint));
	n->endpoint_indexed = false;
}

void mv_node_endpoint_moved(struct mv_nodes *d, struct mv_node *n)
{
	size_t b;

	if (n->endpoint_indexed &&
	    mv_sockaddr_equal(&n->indexed_endpoint, &n->udp.endpoint))
		return;
	unindex_endpoint(d, n);
	n->indexed_endpoint = n->udp.endpoint;
	b = hash_endpoint(&n->indexed_endpoint, d->n_buckets);
	n->next_by_endpoint = d->by_endpoint[b];
	d->by_endpoint[b] = n;
	n->endpoint_indexed = true;
}

void mv_node_free(struct mv_nodes *d, struct mv_node *n)
{
	unlink_chain(&d->by_name[hash_name(n->name, d->n_buckets)], n,
		     offsetof(struct mv_node, next_by_name));
	unlink_chain(&d->by_id[hash_id(n->id, d->n_buckets)], n,
		     offsetof(struct mv_node, next_by_id));
	unindex_endpoint(d, n);
	if (n->prev)
		n->prev->next = n->next;
	else
		d->all = n->next;
	if (n->next)
		n->next->prev = n->prev;
	d->n_nodes--;
	free_node(d, n);
}

struct mv_identity *mv_node_trusted_key(const struct mv_node *n)
{
	if (n->host_key)
		return n->host_key;
	if (n->table->conf->strict_keys)
		return NULL;
	return n->vouched_key;
}

/*
 * (Re)load every hosts/NAME: their keys are the ones trusted first. On a
 * reload, whatever a node was trusted with under a key we no longer trust
 * (its connection, its STATE, its session) is dropped by the layers above:
 * its key changed, its host file went away, or its host file now gives a
 * key other than the one a neighbour vouched for (a squatter's).
 */
static void untrusted(struct mv_nodes *t, struct mv_node *n, const char *why)
{
	if (n != t->self && t->ops && t->ops->untrusted)
		t->ops->untrusted(t->ops_ctx, n, why);
}

static const char *voucher_name(struct mv_nodes *t, const struct mv_node *n)
{
	struct mv_node *voucher = mv_node_find_id(t, n->vouched_by);

	return voucher ? voucher->name : "a neighbour";
}

/* Forget @n's vouched key; its voucher may vouch for another node. */
static void release_vouched_key(struct mv_nodes *t, struct mv_node *n)
{
	struct mv_node *voucher = mv_node_find_id(t, n->vouched_by);

	if (voucher && voucher->n_vouched)
		voucher->n_vouched--;
	mv_identity_free(n->vouched_key);
	n->vouched_key = NULL;
}

/* A host file now speaks for @n: the vouched key, if any, gives way. */
static void drop_vouched_key(struct mv_nodes *t, struct mv_node *n,
			     const struct mv_identity *host_key)
{
	if (!n->vouched_key)
		return;
	if (!mv_identity_equal(n->vouched_key, host_key)) {
		mv_warn("The host file of %s gives another key than the one %s "
			"vouched for: that one is no longer trusted", n->name,
			voucher_name(t, n));
		untrusted(t, n, "its host file gives another key than the vouched one");
		t->evicted_vouched++;
	}
	release_vouched_key(t, n);
}

/*
 * Node ids are 48 bits of a hash of the name, so a member willing to spend
 * about 2^48 hashes can find a name with the id of one it expects to
 * join, and have it vouched for first. A host file for @name wins that id:
 * the holder without a host file loses it (its connection, STATE and key
 * go, and lookups by id no longer find it) and is refused from then on,
 * until reap_forgotten() frees it.
 */
static void evict_id_squatter(struct mv_nodes *t, const char *name)
{
	uint64_t id = mv_node_id_of(name);
	struct mv_node *other = t->n_buckets ? mv_node_find_id(t, id) : NULL;

	if (!other || other == t->self || other->host || other->host_key ||
	    !strcmp(other->name, name))
		return;
	mv_warn("%s, known from a host file, has the node id of %s (%012llx), "
		"which %s vouched for: %s loses it", name, other->name,
		(unsigned long long)id, voucher_name(t, other), other->name);
	untrusted(t, other, "its node id belongs to a node known from a host file");
	if (other->vouched_key)
		release_vouched_key(t, other);
	unlink_chain(&t->by_id[hash_id(id, t->n_buckets)], other,
		     offsetof(struct mv_node, next_by_id));
	other->id_lost = true;
	t->evicted_id_squatters++;
}

int mv_nodes_load_hosts(struct mv_nodes *d, const char *confdir)
{
	struct mv_node *n;
	char **names;
	size_t count, i;
	int err;

	err = mv_config_list_hosts(confdir, &names, &count, NULL);
	if (err)
		return err;
	for (n = d->all; n; n = n->next)
		n->in_hosts = false;
	for (i = 0; i < count; i++) {
		struct mv_identity *key = NULL;
		struct mv_host_config *h;
		struct mv_diag diag;

		if (!mv_node_find(d, names[i]))
			evict_id_squatter(d, names[i]);
		n = mv_node_get(d, names[i]);
		h = n ? calloc(1, sizeof(*h)) : NULL;
		if (!h)
			continue;
		mv_diag_init(&diag);
		if (mv_config_load_host(confdir, names[i], h, &diag)) {
			mv_err("%s", diag.error ? diag.error : "cannot read host file");
			mv_host_config_free(h);
			free(h);
			mv_diag_free(&diag);
			continue;
		}
		if (mv_identity_from_host(h, &key, &diag) && n != d->self)
			mv_info(2, "No public key for %s in its host file: %s",
				n->name, diag.error ? diag.error : "none");
		for (size_t w = 0; w < diag.n_warnings; w++)
			mv_warn("%s", diag.warnings[w]);
		mv_diag_free(&diag);
		n->in_hosts = true;
		if (n->host) {
			mv_host_config_free(n->host);
			free(n->host);
		}
		n->host = h;
		if (n->host_key && (!key || !mv_identity_equal(n->host_key, key)))
			untrusted(d, n, "its host file changed");
		if (key)
			drop_vouched_key(d, n, key);
		mv_identity_free(n->host_key);
		n->host_key = key;
	}
	for (n = d->all; n; n = n->next) {
		if (n->in_hosts || (!n->host && !n->host_key))
			continue;
		untrusted(d, n, "its host file was removed");
		if (n->host) {
			mv_host_config_free(n->host);
			free(n->host);
			n->host = NULL;
		}
		mv_identity_free(n->host_key);
		n->host_key = NULL;
	}
	mv_config_free_names(names, count);
	return 0;
}

void mv_nodes_init(struct mv_nodes *t, const struct mv_config *conf,
		   const struct mv_node_ops *ops, void *ops_ctx)
{
	memset(t, 0, sizeof(*t));
	t->conf = conf;
	t->ops = ops;
	t->ops_ctx = ops_ctx;
}

void mv_nodes_free(struct mv_nodes *d)
{
	struct mv_node *n, *next;

	for (n = d->all; n; n = next) {
		next = n->next;
		free_node(d, n);
	}
	free(d->by_name);
	free(d->by_id);
	free(d->by_endpoint);
	d->all = NULL;
	d->by_name = d->by_id = d->by_endpoint = NULL;
	d->n_buckets = d->n_nodes = 0;
}

const char *mv_path_name(enum mv_path_kind kind)
{
	switch (kind) {
	case MV_PATH_SELF:
		return "self";
	case MV_PATH_DIRECT:
		return "direct";
	case MV_PATH_RELAY:
		return "relay";
	case MV_PATH_TCP:
		return "tcp";
	default:
		return "unreachable";
	}
}

bool mv_node_tcp_only(const struct mv_node *n)
{
	return n->table->conf->self.tcp_only || (n->have_state && n->tcp_only);
}

/* The data paths send the way this says (dataplane/udp.c, kernel.c). */
enum mv_path_kind mv_node_path(const struct mv_node *n)
{
	if (n == n->table->self)
		return MV_PATH_SELF;
	if (!n->reachable && !n->udp.direct)
		return MV_PATH_NONE;
	if (mv_node_tcp_only(n))
		return MV_PATH_TCP;
	if (n->udp.direct)
		return MV_PATH_DIRECT;
	if (n->nexthop && n->nexthop != n && n->nexthop->udp.direct &&
	    !mv_node_tcp_only(n->nexthop))
		return MV_PATH_RELAY;
	return MV_PATH_TCP;
}
