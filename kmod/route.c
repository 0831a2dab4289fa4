// SPDX-License-Identifier: GPL-2.0
/*
 * The route table: which node owns the inner address of a packet.
 *
 * Every route of a family sits in one hash table keyed by (prefix length,
 * masked address), and a bitmap records which prefix lengths are in use. A
 * lookup probes the table once per length in the bitmap, longest first, and
 * stops at the first hit. Why this and not a binary trie like WireGuard's
 * allowedips:
 *
 * - A lookup costs one probe per distinct prefix length in use, however many
 *   routes there are: a mask, jhash2() over two (IPv4) or five (IPv6) words
 *   and, at a load factor of at most one, usually one bucket and one entry.
 *   A mesh uses few lengths (host routes, a subnet or two per site, perhaps
 *   a default route), so that is 1-4 probes, where a trie walks one
 *   dependent pointer per level, about log2(n) levels for n random routes.
 * - The worst case is bounded like a trie's depth: 33 probes for IPv4 and
 *   129 for IPv6, when every length is in use.
 * - Changes touch one entry and at most a bitmap word; there are no inner
 *   nodes to split or merge under readers.
 *
 * The costs: an address that matches no route pays for every length in use;
 * a route takes a 96-byte allocation (two hash links, the key, the node,
 * the by-node link) plus one to four bucket pointers; and the table resizes, which is
 * done by the writer under the caller's mutex (see meshvpn_route_resize()),
 * so changes may sleep.
 *
 * Routes are also kept in a tree ordered by node, because nodes are opaque
 * here: removing all routes of a node must not scan the whole table. Dumps
 * walk the hash table bucket by bucket; the walk position stays exact as
 * long as the generation does not change, and the caller's dump reports
 * NLM_F_DUMP_INTR when it does.
 */

#include <linux/bitops.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/jhash.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/overflow.h>
#include <linux/random.h>
#include <linux/rculist.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <net/ipv6.h>

#include "route.h"

/* Buckets of a fresh table; it never shrinks below this. */
#define MESHVPN_ROUTE_MIN_BUCKETS	16

/* Key size in 32-bit words: prefix length plus one or four address words. */
#define MESHVPN_ROUTE_KEY_WORDS_V4	2
#define MESHVPN_ROUTE_KEY_WORDS_V6	5

/*
 * meshvpn_routes_next() position: bit 63 selects the family (0 = IPv4),
 * bits 32-62 the bucket, bits 0-31 the index within the bucket's chain, so
 * that the position after a route is simply the position of the route + 1.
 */
#define MESHVPN_ROUTE_POS_V6		BIT_ULL(63)
#define MESHVPN_ROUTE_POS_BUCKET_SHIFT	32
#define MESHVPN_ROUTE_POS_BUCKET_MASK	0x7fffffffULL

/**
 * struct meshvpn_route_key - what a route is hashed and compared by
 * @prefix_len: prefix length
 * @addr: the prefix with host bits zero; IPv4 uses @addr[0] only
 *
 * Whole 32-bit words, so that jhash2() hashes it and the first
 * MESHVPN_ROUTE_KEY_WORDS_V4 words are the complete IPv4 key.
 */
struct meshvpn_route_key {
	u32 prefix_len;
	__be32 addr[4];
};

/**
 * struct meshvpn_route - one prefix and the node it routes to
 * @hnode: links in the family's hash tables; a table chains through
 *	@hnode[table->link], so a resize can link every route into the new
 *	table while readers still walk the old one
 * @key: prefix length and masked address
 * @family: AF_INET or AF_INET6
 * @node: the node; readers use rcu_dereference()
 * @by_node: entry in meshvpn_routes.by_node while the route is in the table
 * @rcu: deferred free; shares memory with @by_node, which nothing reads
 *	once the route is unlinked
 */
struct meshvpn_route {
	struct hlist_node hnode[2];
	struct meshvpn_route_key key;
	u16 family;
	struct meshvpn_node __rcu *node;
	union {
		struct rb_node by_node;
		struct rcu_head rcu;
	};
};

/**
 * struct meshvpn_route_table - hash buckets of one family
 * @rcu: deferred free after a resize or meshvpn_routes_free()
 * @mask: number of buckets - 1 (a power of two - 1)
 * @seed: hash seed, random per table so that nobody can aim routes at one
 *	bucket
 * @link: which of meshvpn_route.hnode this table chains through
 * @buckets: the chains
 */
struct meshvpn_route_table {
	struct rcu_head rcu;
	u32 mask;
	u32 seed;
	unsigned int link;
	struct hlist_head buckets[];
};

/*
 * The family's half of the table and its key size, or NULL for a family the
 * table does not hold.
 */
static struct meshvpn_route_family *
meshvpn_route_family(struct meshvpn_routes *routes, int family,
		     unsigned int *key_words)
{
	switch (family) {
	case AF_INET:
		*key_words = MESHVPN_ROUTE_KEY_WORDS_V4;
		return &routes->v4;
	case AF_INET6:
		*key_words = MESHVPN_ROUTE_KEY_WORDS_V6;
		return &routes->v6;
	}
	return NULL;
}

static unsigned int meshvpn_route_max_prefix(unsigned int key_words)
{
	return (key_words - 1) * 32;
}

/* Network-order mask of the prefix bits that fall into address word @word. */
static __be32 meshvpn_route_word_mask(unsigned int prefix_len,
				      unsigned int word)
{
	int bits = (int)prefix_len - 32 * (int)word;

	if (bits <= 0)
		return 0;
	if (bits >= 32)
		return htonl(~0U);
	return htonl(~0U << (32 - bits));
}

/* Build the key of @addr (@key_words - 1 words) cut to @prefix_len bits. */
static void meshvpn_route_key_set(struct meshvpn_route_key *key,
				  const __be32 *addr, unsigned int key_words,
				  unsigned int prefix_len)
{
	unsigned int i;

	key->prefix_len = prefix_len;
	for (i = 0; i < ARRAY_SIZE(key->addr); i++)
		key->addr[i] = i < key_words - 1 ?
			       addr[i] & meshvpn_route_word_mask(prefix_len, i) :
			       0;
}

static u32 meshvpn_route_hash(const struct meshvpn_route_table *tbl,
			      const struct meshvpn_route_key *key,
			      unsigned int key_words)
{
	return jhash2((const u32 *)key, key_words, tbl->seed) & tbl->mask;
}

static struct meshvpn_route *meshvpn_route_of(struct hlist_node *pos,
					      unsigned int link)
{
	return link ? container_of(pos, struct meshvpn_route, hnode[1]) :
		      container_of(pos, struct meshvpn_route, hnode[0]);
}

/*
 * Exact match of @key in @tbl. Readers call it under rcu_read_lock(); so do
 * writers, whose mutex keeps the result alive after they unlock.
 */
static struct meshvpn_route *
meshvpn_route_find(const struct meshvpn_route_table *tbl,
		   const struct meshvpn_route_key *key, unsigned int key_words)
{
	const struct hlist_head *head;
	struct meshvpn_route *route;
	struct hlist_node *pos;

	head = &tbl->buckets[meshvpn_route_hash(tbl, key, key_words)];
	for (pos = rcu_dereference(hlist_first_rcu(head)); pos;
	     pos = rcu_dereference(hlist_next_rcu(pos))) {
		route = meshvpn_route_of(pos, tbl->link);
		if (!memcmp(&route->key, key, key_words * sizeof(u32)))
			return route;
	}
	return NULL;
}

static struct meshvpn_route *
meshvpn_route_find_locked(const struct meshvpn_route_table *tbl,
			  const struct meshvpn_route_key *key,
			  unsigned int key_words)
{
	struct meshvpn_route *route;

	rcu_read_lock();
	route = meshvpn_route_find(tbl, key, key_words);
	rcu_read_unlock();
	return route;
}

static struct meshvpn_route_table *meshvpn_route_table_alloc(u32 buckets,
							     unsigned int link)
{
	struct meshvpn_route_table *tbl;

	/* Callers cope with failure (a grow is simply retried later). */
	tbl = kvzalloc(struct_size(tbl, buckets, buckets),
		       GFP_KERNEL | __GFP_NOWARN);
	if (!tbl)
		return NULL;
	tbl->mask = buckets - 1;
	tbl->seed = get_random_u32();
	tbl->link = link;
	return tbl;
}

/**
 * meshvpn_route_resize() - move a family's routes into a table of a new size
 * @fam: the family; the caller holds the routes' mutex
 * @old: the family's current table
 * @buckets: the new number of buckets, a power of two
 * @key_words: the family's key size
 *
 * Readers keep walking @old through one link of each route while the routes
 * are chained into the new table through the other, then the new table is
 * published and @old freed after a grace period. The link the new table uses
 * was last used by the table before @old, so first wait until no reader can
 * still be on that one; as resizes are rare, that grace period has almost
 * always passed already.
 *
 * On allocation failure the old table stays: its chains get longer, lookups
 * stay correct, and the next change tries again.
 */
static void meshvpn_route_resize(struct meshvpn_route_family *fam,
				 struct meshvpn_route_table *old, u32 buckets,
				 unsigned int key_words)
{
	struct meshvpn_route_table *new;
	struct meshvpn_route *route;
	struct hlist_node *pos;
	u32 i, hash;

	new = meshvpn_route_table_alloc(buckets, !old->link);
	if (!new)
		return;

	cond_synchronize_rcu(fam->resize_state);
	for (i = 0; i <= old->mask; i++) {
		/* Writers are serialised, so plain loads see the chain. */
		for (pos = old->buckets[i].first; pos; pos = pos->next) {
			route = meshvpn_route_of(pos, old->link);
			hash = meshvpn_route_hash(new, &route->key, key_words);
			hlist_add_head(&route->hnode[new->link],
				       &new->buckets[hash]);
		}
	}
	rcu_assign_pointer(fam->table, new);
	fam->resize_state = get_state_synchronize_rcu();
	kvfree_rcu(old, rcu);
}

/*
 * Keep the load factor between 1/4 and 1: grow to the next power of two
 * above the count, shrink to twice that. The gap between the two limits
 * keeps a table that hovers around one size from resizing back and forth.
 */
static void meshvpn_route_fit(struct meshvpn_route_family *fam,
			      unsigned int key_words, struct mutex *lock)
{
	struct meshvpn_route_table *tbl;
	u32 buckets, want;

	tbl = rcu_dereference_protected(fam->table, lockdep_is_held(lock));
	if (!tbl)
		return;
	buckets = tbl->mask + 1;
	if (fam->count > buckets) {
		want = roundup_pow_of_two(fam->count);
	} else if (buckets > MESHVPN_ROUTE_MIN_BUCKETS &&
		   fam->count < buckets / 4) {
		want = fam->count ? roundup_pow_of_two(fam->count) * 2 : 0;
		want = max_t(u32, want, MESHVPN_ROUTE_MIN_BUCKETS);
	} else {
		return;
	}
	meshvpn_route_resize(fam, tbl, want, key_words);
}

/*
 * A reader loads a bitmap word once and probes the lengths it names, so
 * the word is only ever stored whole.
 */
static void meshvpn_route_mark_len(struct meshvpn_route_family *fam,
				   unsigned int prefix_len, bool used)
{
	unsigned long *word = &fam->used[BIT_WORD(prefix_len)];

	if (used)
		WRITE_ONCE(*word, *word | BIT_MASK(prefix_len));
	else
		WRITE_ONCE(*word, *word & ~BIT_MASK(prefix_len));
}

static void meshvpn_routes_changed(struct meshvpn_routes *routes)
{
	u32 gen = routes->generation + 1;

	/* 0 would disable the netlink dump consistency check. */
	WRITE_ONCE(routes->generation, gen ?: 1);
}

/* Order of meshvpn_routes.by_node: by node, then by route address. */
static bool meshvpn_route_by_node_less(struct rb_node *a,
				       const struct rb_node *b)
{
	const struct meshvpn_route *ra, *rb;
	unsigned long na, nb;

	ra = rb_entry(a, struct meshvpn_route, by_node);
	rb = rb_entry(b, struct meshvpn_route, by_node);
	na = (unsigned long)rcu_access_pointer(ra->node);
	nb = (unsigned long)rcu_access_pointer(rb->node);
	if (na != nb)
		return na < nb;
	return (unsigned long)ra < (unsigned long)rb;
}

/* rb_find_first() comparison: @key is the node whose first route we want. */
static int meshvpn_route_by_node_cmp(const void *key, const struct rb_node *n)
{
	const struct meshvpn_route *route;
	unsigned long want = (unsigned long)key, have;

	route = rb_entry(n, struct meshvpn_route, by_node);
	have = (unsigned long)rcu_access_pointer(route->node);
	if (want < have)
		return -1;
	return want > have;
}

/*
 * Take @route out of its hash table, the tree and the counts, and free it
 * once no reader can see it. The caller fits the table afterwards.
 */
static void meshvpn_route_unlink(struct meshvpn_routes *routes,
				 struct meshvpn_route *route,
				 struct mutex *lock)
{
	unsigned int prefix_len = route->key.prefix_len, key_words;
	struct meshvpn_route_family *fam;
	struct meshvpn_route_table *tbl;

	fam = meshvpn_route_family(routes, route->family, &key_words);
	tbl = rcu_dereference_protected(fam->table, lockdep_is_held(lock));
	hlist_del_rcu(&route->hnode[tbl->link]);
	rb_erase(&route->by_node, &routes->by_node);
	if (!--fam->per_len[prefix_len])
		meshvpn_route_mark_len(fam, prefix_len, false);
	fam->count--;
	WRITE_ONCE(routes->count, routes->count - 1);
	meshvpn_routes_changed(routes);
	/* @rcu overlays @by_node, which rb_erase() was the last to use. */
	kfree_rcu(route, rcu);
}

/**
 * meshvpn_routes_init() - initialise an empty route table
 * @routes: the table, typically embedded in the device
 *
 * Allocates nothing; the hash tables come with the first route.
 */
void meshvpn_routes_init(struct meshvpn_routes *routes)
{
	memset(routes, 0, sizeof(*routes));
	routes->by_node = RB_ROOT;
	routes->generation = 1;
}

static void meshvpn_route_family_free(struct meshvpn_route_family *fam,
				      struct mutex *lock)
{
	struct meshvpn_route_table *tbl;
	struct hlist_node *pos, *next;
	unsigned int i;
	u32 b;

	tbl = rcu_dereference_protected(fam->table, lockdep_is_held(lock));
	/*
	 * New lookups find nothing from here on; lookups under way finish
	 * on the old table, which therefore goes away only after a grace
	 * period, like its routes.
	 */
	RCU_INIT_POINTER(fam->table, NULL);
	for (i = 0; i < ARRAY_SIZE(fam->used); i++)
		WRITE_ONCE(fam->used[i], 0);
	memset(fam->per_len, 0, sizeof(fam->per_len));
	fam->count = 0;
	if (!tbl)
		return;
	/*
	 * kfree_rcu() may scribble over by_node, which shares memory with
	 * rcu; the caller drops the whole tree without walking it.
	 */
	for (b = 0; b <= tbl->mask; b++) {
		for (pos = tbl->buckets[b].first; pos; pos = next) {
			next = pos->next;
			kfree_rcu(meshvpn_route_of(pos, tbl->link), rcu);
		}
	}
	kvfree_rcu(tbl, rcu);
}

/**
 * meshvpn_routes_free() - remove and free every route
 * @routes: the table
 * @lock: the mutex that serialises changes to @routes, held
 *
 * Lookups may run concurrently: they see either the old routes or none, and
 * the memory goes away after an RCU grace period. The table is empty and
 * usable again afterwards.
 */
void meshvpn_routes_free(struct meshvpn_routes *routes, struct mutex *lock)
{
	lockdep_assert_held(lock);
	meshvpn_route_family_free(&routes->v4, lock);
	meshvpn_route_family_free(&routes->v6, lock);
	routes->by_node = RB_ROOT;
	WRITE_ONCE(routes->count, 0);
	meshvpn_routes_changed(routes);
}

/**
 * meshvpn_routes_insert() - route a prefix to a node
 * @routes: the table
 * @family: AF_INET or AF_INET6
 * @addr: the prefix, network order, 4 or 16 bytes; need not be aligned
 * @prefix_len: prefix length, at most 32 or 128
 * @node: the node; it must outlive its routes (remove them before freeing
 *	it, and free it only after a grace period, as lookups return it)
 * @lock: the mutex that serialises changes to @routes, held
 *
 * Host bits beyond @prefix_len are cleared, as a route covers the whole
 * prefix: 10.1.2.3/24 is stored, reported and removed as 10.1.2.0/24. A
 * prefix that is already routed is re-pointed to @node; inserting the same
 * route twice is not an error. May sleep.
 *
 * Return: 0, -EAFNOSUPPORT for another family, -EINVAL for a prefix length
 * out of range or no node, -ENOSPC when the table already holds
 * MESHVPN_MAX_ROUTES routes, -ENOMEM.
 */
int meshvpn_routes_insert(struct meshvpn_routes *routes, int family,
			  const void *addr, u8 prefix_len,
			  struct meshvpn_node *node, struct mutex *lock)
{
	struct meshvpn_route_family *fam;
	struct meshvpn_route_table *tbl;
	struct meshvpn_route_key key;
	struct meshvpn_route *route;
	unsigned int key_words;
	__be32 raw[4];
	u32 hash;

	lockdep_assert_held(lock);
	fam = meshvpn_route_family(routes, family, &key_words);
	if (!fam)
		return -EAFNOSUPPORT;
	if (prefix_len > meshvpn_route_max_prefix(key_words) || !node)
		return -EINVAL;
	memcpy(raw, addr, (key_words - 1) * sizeof(u32));
	meshvpn_route_key_set(&key, raw, key_words, prefix_len);

	tbl = rcu_dereference_protected(fam->table, lockdep_is_held(lock));
	route = tbl ? meshvpn_route_find_locked(tbl, &key, key_words) : NULL;
	if (route) {
		if (rcu_access_pointer(route->node) == node)
			return 0;
		/* The tree is ordered by node: take it out while it moves. */
		rb_erase(&route->by_node, &routes->by_node);
		rcu_assign_pointer(route->node, node);
		rb_add(&route->by_node, &routes->by_node,
		       meshvpn_route_by_node_less);
		meshvpn_routes_changed(routes);
		return 0;
	}

	if (routes->count >= MESHVPN_MAX_ROUTES)
		return -ENOSPC;
	if (!tbl) {
		tbl = meshvpn_route_table_alloc(MESHVPN_ROUTE_MIN_BUCKETS, 0);
		if (!tbl)
			return -ENOMEM;
		rcu_assign_pointer(fam->table, tbl);
		/*
		 * Its routes are all new, so no reader can be on their
		 * other link: the first resize need not wait.
		 */
		fam->resize_state = get_completed_synchronize_rcu();
	}
	route = kzalloc(sizeof(*route), GFP_KERNEL);
	if (!route)
		return -ENOMEM;
	route->key = key;
	route->family = family;
	RCU_INIT_POINTER(route->node, node);

	/* Publishing the route also publishes its fields (release). */
	hash = meshvpn_route_hash(tbl, &key, key_words);
	hlist_add_head_rcu(&route->hnode[tbl->link], &tbl->buckets[hash]);
	rb_add(&route->by_node, &routes->by_node, meshvpn_route_by_node_less);
	/* Set the length after linking, so a reader that sees it finds it. */
	if (!fam->per_len[prefix_len]++)
		meshvpn_route_mark_len(fam, prefix_len, true);
	fam->count++;
	WRITE_ONCE(routes->count, routes->count + 1);
	meshvpn_routes_changed(routes);
	meshvpn_route_fit(fam, key_words, lock);
	return 0;
}

/**
 * meshvpn_routes_remove() - remove the route of one prefix
 * @routes: the table
 * @family: AF_INET or AF_INET6
 * @addr: the prefix, network order, 4 or 16 bytes; host bits are ignored,
 *	as by meshvpn_routes_insert()
 * @prefix_len: prefix length
 * @only_if_node: remove the route only if it points to this node; NULL
 *	removes it whatever it points to
 * @lock: the mutex that serialises changes to @routes, held
 *
 * May sleep.
 *
 * Return: 0, -ENOENT if there is no such route or it points to another node
 * than @only_if_node, -EAFNOSUPPORT or -EINVAL for an impossible prefix.
 */
int meshvpn_routes_remove(struct meshvpn_routes *routes, int family,
			  const void *addr, u8 prefix_len,
			  struct meshvpn_node *only_if_node, struct mutex *lock)
{
	struct meshvpn_route_family *fam;
	struct meshvpn_route_table *tbl;
	struct meshvpn_route_key key;
	struct meshvpn_route *route;
	unsigned int key_words;
	__be32 raw[4];

	lockdep_assert_held(lock);
	fam = meshvpn_route_family(routes, family, &key_words);
	if (!fam)
		return -EAFNOSUPPORT;
	if (prefix_len > meshvpn_route_max_prefix(key_words))
		return -EINVAL;
	tbl = rcu_dereference_protected(fam->table, lockdep_is_held(lock));
	if (!tbl)
		return -ENOENT;
	memcpy(raw, addr, (key_words - 1) * sizeof(u32));
	meshvpn_route_key_set(&key, raw, key_words, prefix_len);
	route = meshvpn_route_find_locked(tbl, &key, key_words);
	if (!route)
		return -ENOENT;
	if (only_if_node && rcu_access_pointer(route->node) != only_if_node)
		return -ENOENT;
	meshvpn_route_unlink(routes, route, lock);
	meshvpn_route_fit(fam, key_words, lock);
	return 0;
}

/**
 * meshvpn_routes_remove_by_node() - remove every route of a node
 * @routes: the table
 * @node: the node
 * @lock: the mutex that serialises changes to @routes, held
 *
 * Costs O(k log n) for the node's k routes out of n. After this, and a
 * grace period, lookups can no longer return @node. May sleep.
 */
void meshvpn_routes_remove_by_node(struct meshvpn_routes *routes,
				   struct meshvpn_node *node,
				   struct mutex *lock)
{
	struct meshvpn_route *route;
	struct rb_node *rb, *next;

	lockdep_assert_held(lock);
	rb = rb_find_first(node, &routes->by_node, meshvpn_route_by_node_cmp);
	for (; rb; rb = next) {
		route = rb_entry(rb, struct meshvpn_route, by_node);
		if (rcu_access_pointer(route->node) != node)
			break;
		next = rb_next(rb);
		meshvpn_route_unlink(routes, route, lock);
	}
	/* Shrink once at the end rather than after every route. */
	meshvpn_route_fit(&routes->v4, MESHVPN_ROUTE_KEY_WORDS_V4, lock);
	meshvpn_route_fit(&routes->v6, MESHVPN_ROUTE_KEY_WORDS_V6, lock);
}

/**
 * meshvpn_routes_lookup() - the node the longest matching prefix routes to
 * @routes: the table
 * @family: AF_INET or AF_INET6
 * @addr: the address, network order, 4 or 16 bytes; need not be aligned
 *
 * The caller holds rcu_read_lock(). The node is only valid until it drops
 * it, unless the caller takes a reference of its own.
 *
 * Return: the node, or NULL if no route matches.
 */
struct meshvpn_node *meshvpn_routes_lookup(struct meshvpn_routes *routes,
					   int family, const void *addr)
{
	const struct meshvpn_route_table *tbl;
	struct meshvpn_route_family *fam;
	struct meshvpn_route_key key;
	struct meshvpn_route *route;
	unsigned int key_words, w, bit;
	unsigned long used;
	__be32 raw[4];

	fam = meshvpn_route_family(routes, family, &key_words);
	if (unlikely(!fam))
		return NULL;
	tbl = rcu_dereference(fam->table);
	if (!tbl)
		return NULL;
	memcpy(raw, addr, (key_words - 1) * sizeof(u32));

	/* Bitmap words from the longest prefixes down, bits likewise. */
	w = BIT_WORD(meshvpn_route_max_prefix(key_words)) + 1;
	while (w--) {
		used = READ_ONCE(fam->used[w]);
		while (used) {
			bit = __fls(used);
			used &= ~BIT(bit);
			meshvpn_route_key_set(&key, raw, key_words,
					      w * BITS_PER_LONG + bit);
			route = meshvpn_route_find(tbl, &key, key_words);
			if (route)
				return rcu_dereference(route->node);
		}
	}
	return NULL;
}

/**
 * meshvpn_routes_lookup_dst() - the node an inner packet is sent to
 * @routes: the table
 * @skb: an IPv4 or IPv6 packet, skb->protocol set and the network header
 *	in the linear area
 *
 * The caller holds rcu_read_lock(), see meshvpn_routes_lookup().
 *
 * Return: the node the destination address routes to, or NULL.
 */
struct meshvpn_node *meshvpn_routes_lookup_dst(struct meshvpn_routes *routes,
					       const struct sk_buff *skb)
{
	switch (skb->protocol) {
	case htons(ETH_P_IP):
		return meshvpn_routes_lookup(routes, AF_INET,
					     &ip_hdr(skb)->daddr);
	case htons(ETH_P_IPV6):
		return meshvpn_routes_lookup(routes, AF_INET6,
					     &ipv6_hdr(skb)->daddr);
	}
	return NULL;
}

/**
 * meshvpn_routes_lookup_src() - the node an inner packet's source routes to
 * @routes: the table
 * @skb: a decrypted IPv4 or IPv6 packet, skb->protocol set and the network
 *	header in the linear area
 *
 * The reverse-path check on receive: the packet is accepted only if this is
 * the node it came from. The caller holds rcu_read_lock().
 *
 * Return: the node the source address routes to, or NULL.
 */
struct meshvpn_node *meshvpn_routes_lookup_src(struct meshvpn_routes *routes,
					       const struct sk_buff *skb)
{
	switch (skb->protocol) {
	case htons(ETH_P_IP):
		return meshvpn_routes_lookup(routes, AF_INET,
					     &ip_hdr(skb)->saddr);
	case htons(ETH_P_IPV6):
		return meshvpn_routes_lookup(routes, AF_INET6,
					     &ipv6_hdr(skb)->saddr);
	}
	return NULL;
}

/**
 * meshvpn_inner_is_broadcast() - is an inner packet for every node?
 * @skb: the packet, network header and skb->protocol set
 *
 * IPv4 multicast and the limited broadcast, IPv6 multicast: the packets
 * the daemon floods along the mesh's spanning tree, as tinc does with
 * Broadcast = mst.
 *
 * Return: true if it is one of them.
 */
bool meshvpn_inner_is_broadcast(const struct sk_buff *skb)
{
	switch (skb->protocol) {
	case htons(ETH_P_IP):
		return ipv4_is_multicast(ip_hdr(skb)->daddr) ||
		       ipv4_is_lbcast(ip_hdr(skb)->daddr);
	case htons(ETH_P_IPV6):
		return ipv6_addr_is_multicast(&ipv6_hdr(skb)->daddr);
	}
	return false;
}

static void meshvpn_route_info_fill(struct meshvpn_route_info *info,
				    const struct meshvpn_route *route,
				    struct mutex *lock)
{
	memset(info, 0, sizeof(*info));
	info->node = rcu_dereference_protected(route->node,
					       lockdep_is_held(lock));
	info->family = route->family;
	info->prefix_len = route->key.prefix_len;
	if (route->family == AF_INET)
		info->addr.ip4 = route->key.addr[0];
	else
		memcpy(&info->addr.ip6, route->key.addr, sizeof(info->addr.ip6));
}

/**
 * meshvpn_routes_next() - walk the routes, for dumps
 * @routes: the table
 * @pos: where to continue; 0 starts the walk
 * @info: filled with the route found
 * @lock: the mutex that serialises changes to @routes, held
 *
 * Finds the route at @pos or, if there is none, the next one, and sets @pos
 * to its position; @pos + 1 continues after it. A dump keeps @pos across
 * messages, leaving it at the route that did not fit::
 *
 *	for (pos = ctx->pos; meshvpn_routes_next(r, &pos, &info, lock); pos++)
 *		if (fill(skb, &info))
 *			break;
 *	ctx->pos = pos;
 *
 * IPv4 routes come first, then IPv6, otherwise in no particular order. The
 * walk visits every route exactly once if the generation (see
 * meshvpn_routes_generation()) does not change between the calls; otherwise
 * routes may be missed or repeated, and the dump must say so. The table
 * itself is never harmed by a stale @pos.
 *
 * Return: true if a route was found, false at the end of the walk.
 */
bool meshvpn_routes_next(struct meshvpn_routes *routes, u64 *pos,
			 struct meshvpn_route_info *info, struct mutex *lock)
{
	struct meshvpn_route_table *tbl;
	struct meshvpn_route_family *fam;
	struct hlist_node *node;
	u32 bucket, skip, i;
	bool v6;

	lockdep_assert_held(lock);
	for (;;) {
		v6 = *pos & MESHVPN_ROUTE_POS_V6;
		bucket = (*pos >> MESHVPN_ROUTE_POS_BUCKET_SHIFT) &
			 MESHVPN_ROUTE_POS_BUCKET_MASK;
		skip = lower_32_bits(*pos);
		fam = v6 ? &routes->v6 : &routes->v4;
		tbl = rcu_dereference_protected(fam->table,
						lockdep_is_held(lock));
		if (!tbl || bucket > tbl->mask) {
			if (v6) {
				*pos = U64_MAX;
				return false;
			}
			*pos = MESHVPN_ROUTE_POS_V6;
			continue;
		}
		i = 0;
		for (node = tbl->buckets[bucket].first; node; node = node->next) {
			if (i++ == skip) {
				meshvpn_route_info_fill(info,
							meshvpn_route_of(node, tbl->link),
							lock);
				return true;
			}
		}
		*pos = (v6 ? MESHVPN_ROUTE_POS_V6 : 0) |
		       ((u64)(bucket + 1) << MESHVPN_ROUTE_POS_BUCKET_SHIFT);
	}
}
