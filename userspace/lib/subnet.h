/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tinc-compatible Subnet values and a longest-prefix-match table.
 *
 * Text syntax (the value of a "Subnet =" line, and of subnets carried in
 * meta messages):
 *
 *	IPv4	a.b.c.d[/len][#weight]		len 0-32, default 32
 *	IPv6	addr[/len][#weight]		len 0-128, default 128
 *	MAC	xx:xx:xx:xx:xx:xx[#weight]	no prefix (switch mode)
 *
 * The weight defaults to MV_SUBNET_DEFAULT_WEIGHT; a lower weight is
 * preferred when several nodes own the same subnet. Host bits beyond the
 * prefix must be zero: "10.1.2.3/8" is rejected rather than silently
 * widened, because it is almost always a typo for a host route.
 */
#ifndef MESHVPN_SUBNET_H
#define MESHVPN_SUBNET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Values double as the first sort key: MAC < IPv4 < IPv6, as in tinc. */
enum mv_subnet_type {
	MV_SUBNET_MAC = 1,
	MV_SUBNET_IPV4 = 2,
	MV_SUBNET_IPV6 = 3,
};

#define MV_SUBNET_DEFAULT_WEIGHT	10
/* Enough for the longest IPv6 text, "/128" and "#-2147483648". */
#define MV_SUBNET_STRLEN		64
/* Enough for every message mv_subnet_parse() writes. */
#define MV_SUBNET_ERRLEN		160

/*
 * addr holds the address in network byte order: 6 bytes for MAC, 4 for
 * IPv4, 16 for IPv6. Unused trailing bytes and host bits are always zero,
 * which lets comparison and hashing work on the whole array.
 */
struct mv_subnet {
	enum mv_subnet_type type;
	unsigned int prefixlen;
	int weight;
	uint8_t addr[16];
};

/* Address length in bytes of a type (6, 4, 16), or 0 for an invalid type. */
size_t mv_subnet_addr_len(enum mv_subnet_type type);
/* Maximum (and for MAC, the only) prefix length of a type: 48, 32, 128. */
unsigned int mv_subnet_max_prefix(enum mv_subnet_type type);

/*
 * Parse @str. Returns 0, or -EINVAL with a one-line reason (without the
 * input) in @err when @err is not NULL. @out is written only on success.
 */
int mv_subnet_parse(const char *str, struct mv_subnet *out,
		    char *err, size_t errlen);

/*
 * Build a subnet from binary parts, with the same checks as the parser.
 * Returns 0 or -EINVAL.
 */
int mv_subnet_init(struct mv_subnet *out, enum mv_subnet_type type,
		   const void *addr, unsigned int prefixlen, int weight);

/* By default the format omits a full-length prefix and the default weight,
 * like tinc 1.1, so parse and format round-trip to the shortest text.
 */
#define MV_SUBNET_FMT_FULL		0x1	/* always print /len and #weight */
#define MV_SUBNET_FMT_NO_WEIGHT		0x2	/* never print #weight ($SUBNET) */

/*
 * Write @s as text into @buf (MV_SUBNET_STRLEN is always enough). Returns
 * the length of the text, like snprintf(), or -EINVAL for a bad subnet.
 */
int mv_subnet_format(const struct mv_subnet *s, char *buf, size_t len,
		     unsigned int flags);

/*
 * Total order for sorted tables and dumps:
 *   1. type: MAC, then IPv4, then IPv6;
 *   2. prefix length, longest first (so a linear scan meets the most
 *      specific match first);
 *   3. address, as unsigned bytes in network order (numeric order);
 *   4. weight, lowest (most preferred) first.
 * Returns <0, 0, >0 like strcmp(). Two subnets compare equal exactly when
 * they are the same network with the same weight.
 */
int mv_subnet_cmp(const struct mv_subnet *a, const struct mv_subnet *b);

/* Does @s contain the address @addr (mv_subnet_addr_len(@type) bytes,
 * network order)? False when the types differ.
 */
bool mv_subnet_contains(const struct mv_subnet *s, enum mv_subnet_type type,
			const void *addr);

/*
 * Longest-prefix-match table: subnet -> owner.
 *
 * The same subnet may be owned by several nodes (tinc's anycast and
 * failover), and one owner may register it with different weights.
 *
 * Structure: one hash table keyed by (type, prefix length, network), plus
 * per-type counters of the prefix lengths in use. A lookup tries only the
 * lengths in use, longest first, with one hash probe each.
 *
 * Complexity (n entries, L distinct prefix lengths in use for the family,
 * L <= 33 for IPv4, 129 for IPv6, 1 for MAC):
 *   add, del, has		O(1) expected (amortised for add)
 *   lookup			O(L) expected
 *   del_owner			O(n)
 *   foreach (sorted)		O(n log n), O(n) extra memory
 *   memory			O(n)
 * The hash is keyed with a per-table random seed so that subnets announced
 * by remote nodes cannot be chosen to collide into one bucket.
 */
struct mv_subnet_table;

struct mv_subnet_route {
	struct mv_subnet subnet;
	void *owner;
};

struct mv_subnet_table *mv_subnet_table_new(void);
void mv_subnet_table_free(struct mv_subnet_table *t);

/* 0, -EEXIST (same subnet, weight and owner already present), -EINVAL
 * (a subnet mv_subnet_init() would reject) or -ENOMEM.
 */
int mv_subnet_table_add(struct mv_subnet_table *t, const struct mv_subnet *s,
			void *owner);
/* Remove the entry with exactly this subnet, weight and owner: 0 or -ENOENT. */
int mv_subnet_table_del(struct mv_subnet_table *t, const struct mv_subnet *s,
			void *owner);
/* Remove every entry of @owner (a node that went away); returns how many. */
size_t mv_subnet_table_del_owner(struct mv_subnet_table *t, const void *owner);
/* Is exactly this subnet and weight registered for @owner (StrictSubnets)? */
bool mv_subnet_table_has(const struct mv_subnet_table *t,
			 const struct mv_subnet *s, const void *owner);
size_t mv_subnet_table_count(const struct mv_subnet_table *t);
/*
 * An owner other than @owner of @s's network, whatever its weight, or
 * NULL: two nodes claiming one subnet is worth a warning. O(1) expected.
 */
void *mv_subnet_table_other_owner(const struct mv_subnet_table *t,
				  const struct mv_subnet *s,
				  const void *owner);

/*
 * Best route for @addr: among the entries containing it, and accepted by
 * @usable (NULL accepts all), the one with the longest prefix; among equal
 * prefixes the lowest weight; among equal weights the one added first.
 * A shorter prefix with a usable owner thus beats a longer one without,
 * which is how tinc fails over to a backup route when an owner becomes
 * unreachable. Returns NULL if nothing matches; to tell "no route" from
 * "no usable route", look up again with @usable NULL.
 *
 * The pointer stays valid until the table is next modified.
 */
const struct mv_subnet_route *
mv_subnet_table_lookup(const struct mv_subnet_table *t,
		       enum mv_subnet_type type, const void *addr,
		       bool (*usable)(void *owner, void *ctx), void *ctx);

/*
 * Call @fn for every entry in mv_subnet_cmp() order (ties in insertion
 * order). A non-zero return from @fn stops the walk and is returned;
 * -ENOMEM if the sorted snapshot cannot be allocated. @fn must not modify
 * the table.
 */
int mv_subnet_table_foreach(const struct mv_subnet_table *t,
			    int (*fn)(const struct mv_subnet_route *r,
				      void *ctx),
			    void *ctx);

#endif /* MESHVPN_SUBNET_H */
