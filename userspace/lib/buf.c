// SPDX-License-Identifier: GPL-2.0
/*
 * Growable output buffers and bounds-checked readers: what every encoder
 * and decoder of the wire and meta formats builds on.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"

/* First allocation of a buffer: a typical STATE fits without regrowing. */
#define BUF_MIN_CAP		256

/* ---- output buffer ---- */

void mv_buf_init(struct mv_buf *b)
{
	memset(b, 0, sizeof(*b));
}

void mv_buf_free(struct mv_buf *b)
{
	free(b->data);
	mv_buf_init(b);
}

void mv_buf_reset(struct mv_buf *b)
{
	b->len = 0;
}

int mv_buf_reserve(struct mv_buf *b, size_t n)
{
	size_t need, cap;
	uint8_t *p;

	if (n > SIZE_MAX - b->len)
		return -ENOMEM;
	need = b->len + n;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : BUF_MIN_CAP;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	p = realloc(b->data, cap);
	if (!p)
		return -ENOMEM;
	b->data = p;
	b->cap = cap;
	return 0;
}

int mv_buf_put(struct mv_buf *b, const void *p, size_t n)
{
	int ret;

	/* memcpy() from a NULL @p is undefined even for no bytes. */
	if (!n)
		return 0;
	ret = mv_buf_reserve(b, n);
	if (ret)
		return ret;
	memcpy(b->data + b->len, p, n);
	b->len += n;
	return 0;
}

int mv_buf_put_u8(struct mv_buf *b, uint8_t v)
{
	return mv_buf_put(b, &v, 1);
}

int mv_buf_put_u16(struct mv_buf *b, uint16_t v)
{
	uint8_t be[2] = { v >> 8, v };

	return mv_buf_put(b, be, sizeof(be));
}

int mv_buf_put_u32(struct mv_buf *b, uint32_t v)
{
	uint8_t be[4] = { v >> 24, v >> 16, v >> 8, v };

	return mv_buf_put(b, be, sizeof(be));
}

int mv_buf_put_u64(struct mv_buf *b, uint64_t v)
{
	uint8_t be[8];
	int i;

	for (i = 7; i >= 0; i--, v >>= 8)
		be[i] = (uint8_t)v;
	return mv_buf_put(b, be, sizeof(be));
}

/*
 * Length and bytes are reserved together, so that a failure never leaves
 * a length without its bytes behind.
 */
int mv_buf_put_str(struct mv_buf *b, const char *s)
{
	size_t len = strlen(s);
	int ret;

	if (len > UINT8_MAX)
		return -EINVAL;
	ret = mv_buf_reserve(b, 1 + len);
	if (!ret)
		ret = mv_buf_put_u8(b, (uint8_t)len);
	if (!ret)
		ret = mv_buf_put(b, s, len);
	return ret;
}

int mv_buf_put_blob(struct mv_buf *b, const void *p, size_t n)
{
	int ret;

	if (n > UINT16_MAX)
		return -EINVAL;
	ret = mv_buf_reserve(b, 2 + n);
	if (!ret)
		ret = mv_buf_put_u16(b, (uint16_t)n);
	if (!ret)
		ret = mv_buf_put(b, p, n);
	return ret;
}

/* ---- reader ---- */

void mv_reader_init(struct mv_reader *r, const void *p, size_t n)
{
	r->p = p;
	r->left = n;
	r->failed = false;
}

const uint8_t *mv_read_take(struct mv_reader *r, size_t n)
{
	const uint8_t *p = r->p;

	if (r->failed || n > r->left) {
		r->failed = true;
		return NULL;
	}
	/* No arithmetic on a NULL pointer (an empty input), even + 0. */
	if (n) {
		r->p += n;
		r->left -= n;
	}
	return p;
}

uint8_t mv_read_u8(struct mv_reader *r)
{
	const uint8_t *p = mv_read_take(r, 1);

	return p ? p[0] : 0;
}

uint16_t mv_read_u16(struct mv_reader *r)
{
	const uint8_t *p = mv_read_take(r, 2);

	return p ? (uint16_t)(p[0] << 8 | p[1]) : 0;
}

uint32_t mv_read_u32(struct mv_reader *r)
{
	const uint8_t *p = mv_read_take(r, 4);

	if (!p)
		return 0;
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

uint64_t mv_read_u64(struct mv_reader *r)
{
	const uint8_t *p = mv_read_take(r, 8);
	uint64_t v = 0;
	int i;

	for (i = 0; p && i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

void mv_read_bytes(struct mv_reader *r, void *out, size_t n)
{
	const uint8_t *p = mv_read_take(r, n);

	if (!n)
		return;
	if (p)
		memcpy(out, p, n);
	else
		memset(out, 0, n);
}

const uint8_t *mv_read_blob(struct mv_reader *r, size_t *len)
{
	size_t n = mv_read_u16(r);
	const uint8_t *p = mv_read_take(r, n);

	/* After a successful length read, p is never NULL, even for n == 0. */
	*len = p ? n : 0;
	return p;
}
