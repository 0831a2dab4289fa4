// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for subnets. An input whose first byte is even is a
 * Subnet string: parse, and if it parses, format/parse must round-trip.
 * An odd first byte makes the rest a program of table operations, run
 * against the table and a brute-force model of tinc's lookup rule; any
 * difference traps.
 *
 * clang -fsanitize=fuzzer,address,undefined -Iuserspace \
 *	selftests/fuzz/fuzz_subnet.c userspace/lib/subnet.c
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/subnet.h"

#define CHECK(cond)				\
	do {					\
		if (!(cond))			\
			__builtin_trap();	\
	} while (0)

static void fuzz_string(const uint8_t *data, size_t size)
{
	char str[256], buf[MV_SUBNET_STRLEN], err[MV_SUBNET_ERRLEN];
	struct mv_subnet s, again, built;

	if (size >= sizeof(str))
		size = sizeof(str) - 1;
	memcpy(str, data, size);
	str[size] = '\0';
	if (mv_subnet_parse(str, &s, err, sizeof(err))) {
		CHECK(err[0]);
		return;
	}
	CHECK(mv_subnet_format(&s, buf, sizeof(buf), 0) > 0);
	CHECK(!mv_subnet_parse(buf, &again, NULL, 0));
	CHECK(!mv_subnet_cmp(&s, &again));
	CHECK(mv_subnet_format(&s, buf, sizeof(buf), MV_SUBNET_FMT_FULL) > 0);
	CHECK(!mv_subnet_parse(buf, &again, NULL, 0));
	CHECK(!mv_subnet_cmp(&s, &again));
	CHECK(!mv_subnet_init(&built, s.type, s.addr, s.prefixlen, s.weight));
	CHECK(!mv_subnet_cmp(&s, &built));
	/* A network contains its own address. */
	CHECK(mv_subnet_contains(&s, s.type, s.addr));
}

#define MAX_ENTRIES 64

struct model {
	struct mv_subnet s;
	uintptr_t owner;
	unsigned long seq;
};

static bool usable(void *owner, void *ctx)
{
	(void)ctx;
	return (uintptr_t)owner & 1;
}

static const struct model *model_lookup(const struct model *m, size_t n,
					enum mv_subnet_type type,
					const uint8_t *addr, bool filter)
{
	const struct model *best = NULL;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!mv_subnet_contains(&m[i].s, type, addr))
			continue;
		if (filter && !(m[i].owner & 1))
			continue;
		if (best && (best->s.prefixlen > m[i].s.prefixlen ||
			     (best->s.prefixlen == m[i].s.prefixlen &&
			      (best->s.weight < m[i].s.weight ||
			       (best->s.weight == m[i].s.weight &&
				best->seq < m[i].seq)))))
			continue;
		best = &m[i];
	}
	return best;
}

static void fuzz_table(const uint8_t *p, size_t size)
{
	struct mv_subnet_table *t = mv_subnet_table_new();
	struct model m[MAX_ENTRIES];
	size_t n = 0, i;
	unsigned long seq = 0;

	CHECK(t);
	/* op, type/plen, weight, owner, address: 20 bytes per operation. */
	while (size >= 20) {
		static const enum mv_subnet_type types[] = {
			MV_SUBNET_IPV4, MV_SUBNET_IPV6, MV_SUBNET_MAC,
			MV_SUBNET_IPV4,
		};
		enum mv_subnet_type type = types[p[1] & 3];
		unsigned int max = mv_subnet_max_prefix(type);
		unsigned int plen = (p[1] >> 2) % (max + 1);
		int weight = (int8_t)p[2];
		uintptr_t owner = p[3] & 7;
		uint8_t addr[16] = { 0 };
		struct mv_subnet s;
		int ret;

		memcpy(addr, p + 4, mv_subnet_addr_len(type));
		if (type == MV_SUBNET_MAC)
			plen = 48;
		/* Mask so that most operations are on valid subnets. */
		if (!(p[0] & 0x80) && type != MV_SUBNET_MAC) {
			for (i = 0; i < 16; i++) {
				unsigned int keep = plen > i * 8 ? plen - i * 8 : 0;

				if (keep < 8)
					addr[i] &= (uint8_t)(0xff00u >> keep);
			}
		}

		switch (p[0] & 3) {
		case 0:
			ret = mv_subnet_init(&s, type, addr, plen, weight);
			if (ret) {
				s.type = type;
				s.prefixlen = plen;
				s.weight = weight;
				memcpy(s.addr, addr, 16);
				CHECK(mv_subnet_table_add(t, &s, (void *)owner) ==
				      -EINVAL);
				break;
			}
			ret = mv_subnet_table_add(t, &s, (void *)owner);
			for (i = 0; i < n; i++)
				if (m[i].owner == owner &&
				    !mv_subnet_cmp(&m[i].s, &s))
					break;
			if (i < n) {
				CHECK(ret == -EEXIST);
			} else if (n < MAX_ENTRIES) {
				CHECK(!ret);
				m[n].s = s;
				m[n].owner = owner;
				m[n].seq = seq++;
				n++;
			} else {
				/* Keep the model bounded: undo. */
				CHECK(!ret);
				CHECK(!mv_subnet_table_del(t, &s,
							   (void *)owner));
			}
			break;
		case 1:
			/* Delete an existing entry, or try a missing one. */
			if (n && !(p[0] & 4)) {
				i = p[4] % n;
				CHECK(!mv_subnet_table_del(t, &m[i].s,
							   (void *)m[i].owner));
				m[i] = m[--n];
			} else if (!mv_subnet_init(&s, type, addr, plen,
						   weight)) {
				for (i = 0; i < n; i++)
					if (m[i].owner == owner &&
					    !mv_subnet_cmp(&m[i].s, &s))
						break;
				ret = mv_subnet_table_del(t, &s,
							  (void *)owner);
				CHECK(ret == (i < n ? 0 : -ENOENT));
				if (i < n)
					m[i] = m[--n];
			}
			break;
		case 2: {
			const struct mv_subnet_route *got;
			const struct model *want;
			bool f = p[0] & 4;

			memcpy(addr, p + 4, 16);
			got = mv_subnet_table_lookup(t, type, addr,
						     f ? usable : NULL, NULL);
			want = model_lookup(m, n, type, addr, f);
			CHECK(!got == !want);
			if (got) {
				CHECK((uintptr_t)got->owner == want->owner);
				CHECK(!mv_subnet_cmp(&got->subnet, &want->s));
			}
			break;
		}
		case 3: {
			size_t removed = 0, k = 0;

			for (i = 0; i < n; i++) {
				if (m[i].owner == owner)
					removed++;
				else
					m[k++] = m[i];
			}
			CHECK(mv_subnet_table_del_owner(t, (void *)owner) ==
			      removed);
			n = k;
			break;
		}
		}
		CHECK(mv_subnet_table_count(t) == n);
		p += 20;
		size -= 20;
	}
	mv_subnet_table_free(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	if (data[0] & 1)
		fuzz_table(data + 1, size - 1);
	else
		fuzz_string(data + 1, size - 1);
	return 0;
}
