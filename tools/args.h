/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Parsers and formatters for the values the meshvpn tool's commands take
 * and print: node ids, numbers, endpoints, prefixes, ciphers, key slots,
 * keys, interface names.
 *
 * Every parser returns 0, or -EINVAL with a one-line reason in @err (when
 * @err is not NULL) and leaves its output untouched. The reasons quote
 * the input, except for key material, which is never repeated anywhere.
 */
#ifndef MESHVPN_TOOL_ARGS_H
#define MESHVPN_TOOL_ARGS_H

#include <stddef.h>
#include <stdint.h>

#include <linux/meshvpn.h>

#include "netlink/meshvpn_nl.h"

/* Enough for every reason a parser writes. */
#define MV_ARG_ERRLEN		160
/* Twelve hex digits and the NUL. */
#define MV_NODE_ID_STRLEN	13
/* "[" IPv6 "%" interface or scope number "]:" port, and the NUL. */
#define MV_ENDPOINT_STRLEN	80
/* IPv6 "/128" and the NUL. */
#define MV_PREFIX_STRLEN	52

/*
 * Node ids are always hexadecimal, as printed (twelve digits), with an
 * optional "0x": "123", "0x123" and "000000000123" are the same node.
 * 0 and ffffffffffff are reserved (include/meshvpn/wire.h).
 */
int mv_parse_node_id(const char *s, uint64_t *out, char *err, size_t errlen);
void mv_format_node_id(uint64_t id, char buf[MV_NODE_ID_STRLEN]);

/* A decimal number 0..@max: digits only, no sign, no spaces. */
int mv_parse_uint(const char *s, uint64_t max, uint64_t *out,
		  char *err, size_t errlen);

/*
 * "A.B.C.D:PORT" or "[IPV6]:PORT" or "[IPV6%SCOPE]:PORT", SCOPE an interface
 * name or index. Addresses only: names are not resolved.
 */
int mv_parse_endpoint(const char *s, struct mv_meshvpn_endpoint *out,
		      char *err, size_t errlen);
/* Returns the length of the text like snprintf(), or -EINVAL. */
int mv_format_endpoint(const struct mv_meshvpn_endpoint *ep, char *buf, size_t len);

/*
 * "ADDR/LEN" or "ADDR" (a host route). Host bits past LEN must be zero:
 * "10.1.2.3/8" is refused as the typo it almost always is.
 */
int mv_parse_prefix(const char *s, struct mv_meshvpn_prefix *out,
		    char *err, size_t errlen);
int mv_format_prefix(const struct mv_meshvpn_prefix *p, char *buf, size_t len);

/*
 * Names as in Documentation/protocol.md; NULL for an unknown value. The
 * cipher names are mv_cipher_alg_name()'s (meshvpn_nl.h), shared with
 * meshvpnd's configuration.
 */
int mv_parse_cipher(const char *s, uint32_t *alg, char *err, size_t errlen);
int mv_parse_slot(const char *s, uint32_t *slot, char *err, size_t errlen);
const char *mv_slot_name(uint32_t slot);
const char *mv_rekey_reason_name(uint32_t reason);

/*
 * A session key as text: exactly 2 * MESHVPN_KEY_LEN hex digits, optionally
 * surrounded by white space (a trailing newline). @text need not be
 * NUL-terminated.
 */
int mv_parse_key_hex(const char *text, size_t len,
		     uint8_t key[MESHVPN_KEY_LEN], char *err, size_t errlen);
/* Read a key in that form from file @path, or from stdin for "-". */
int mv_read_key_file(const char *path, uint8_t key[MESHVPN_KEY_LEN],
		     char *err, size_t errlen);

/*
 * Interface names come from users and the kernel: @s with anything but
 * printable ASCII, spaces too, replaced by '?', into @buf of @len bytes.
 * Returns @buf.
 */
const char *mv_printable(const char *s, char *buf, size_t len);

#endif /* MESHVPN_TOOL_ARGS_H */
