/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Socket addresses: IPv4 and IPv6 both kept in a struct sockaddr_in6, IPv4
 * as a v4-mapped address; conversion to and from the wire format's
 * address (include/meshvpn/wire.h) and to text.
 */
#ifndef MESHVPN_SOCKADDR_H
#define MESHVPN_SOCKADDR_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* addr of protocol.md 9.3: family 4 or 6, 16 bytes, port. */
struct mv_wire_addr {
	uint8_t family;		/* 4 or 6 */
	uint8_t addr[16];	/* IPv4 in the first 4 bytes, rest zero */
	uint16_t port;
};

/* "1.2.3.4:655" or "[2001:db8::1]:655". */
void mv_sockaddr_format(const struct sockaddr_in6 *sa, char *buf, size_t len);
/* The address alone, without port: "1.2.3.4" or "2001:db8::1". */
void mv_sockaddr_host(const struct sockaddr_in6 *sa, char *buf, size_t len);
/* "ADDRESS port PORT", tinc's way of naming an address in logs. */
void mv_sockaddr_tinc(const struct sockaddr_in6 *sa, char *buf, size_t len);
void mv_sockaddr_to_wire(const struct sockaddr_in6 *sa, struct mv_wire_addr *w);
void mv_wire_to_sockaddr(const struct mv_wire_addr *w, struct sockaddr_in6 *sa);
bool mv_sockaddr_equal(const struct sockaddr_in6 *a, const struct sockaddr_in6 *b);

#endif /* MESHVPN_SOCKADDR_H */
