/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Growable output buffers (struct mv_buf) and bounds-checked readers over
 * received bytes (struct mv_reader). Integers are big-endian on the wire.
 */
#ifndef MESHVPN_BUF_H
#define MESHVPN_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Growable output buffer. */
struct mv_buf {
	uint8_t *data;
	size_t len;
	size_t cap;
};

void mv_buf_init(struct mv_buf *b);
void mv_buf_free(struct mv_buf *b);
void mv_buf_reset(struct mv_buf *b);	/* len = 0, memory kept */
/* Room for @n more bytes; sizes that would overflow are -ENOMEM. */
int mv_buf_reserve(struct mv_buf *b, size_t n);
int mv_buf_put(struct mv_buf *b, const void *p, size_t n);
int mv_buf_put_u8(struct mv_buf *b, uint8_t v);
int mv_buf_put_u16(struct mv_buf *b, uint16_t v);
int mv_buf_put_u32(struct mv_buf *b, uint32_t v);
int mv_buf_put_u64(struct mv_buf *b, uint64_t v);
/* u8 len || bytes; -EINVAL when longer than 255. */
int mv_buf_put_str(struct mv_buf *b, const char *s);
/* u16 len || bytes; -EINVAL when longer than 65535. */
int mv_buf_put_blob(struct mv_buf *b, const void *p, size_t n);

/*
 * Bounds-checked reader over a received buffer. Once a read fails, every
 * later read fails too and returns zeroes, so a run of reads can be
 * checked once at its end.
 */
struct mv_reader {
	const uint8_t *p;
	size_t left;
	bool failed;	/* sticky: a read past the end or an invalid value */
};

void mv_reader_init(struct mv_reader *r, const void *p, size_t n);
/* The next @n bytes, or NULL (and the reader failed) if there are fewer. */
const uint8_t *mv_read_take(struct mv_reader *r, size_t n);
uint8_t mv_read_u8(struct mv_reader *r);
uint16_t mv_read_u16(struct mv_reader *r);
uint32_t mv_read_u32(struct mv_reader *r);
uint64_t mv_read_u64(struct mv_reader *r);
/* Copy @n bytes; zeroes on failure. */
void mv_read_bytes(struct mv_reader *r, void *out, size_t n);
/* A u16-length blob: pointer into the input (NULL on failure). */
const uint8_t *mv_read_blob(struct mv_reader *r, size_t *len);

#endif /* MESHVPN_BUF_H */
