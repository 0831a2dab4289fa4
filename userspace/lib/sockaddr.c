// SPDX-License-Identifier: GPL-2.0
/*
 * Socket addresses as the daemon keeps them: every address, IPv4 or IPv6,
 * in one struct sockaddr_in6 (IPv4 as a v4-mapped address), so that one
 * comparison and one hash serve both families.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "lib/sockaddr.h"

static const struct in6_addr *v4mapped(const struct sockaddr_in6 *sa)
{
	return IN6_IS_ADDR_V4MAPPED(&sa->sin6_addr) ? &sa->sin6_addr : NULL;
}

void mv_sockaddr_format(const struct sockaddr_in6 *sa, char *buf, size_t len)
{
	char host[INET6_ADDRSTRLEN];

	if (v4mapped(sa)) {
		inet_ntop(AF_INET, &sa->sin6_addr.s6_addr[12], host, sizeof(host));
		snprintf(buf, len, "%s:%u", host, ntohs(sa->sin6_port));
	} else {
		inet_ntop(AF_INET6, &sa->sin6_addr, host, sizeof(host));
		snprintf(buf, len, "[%s]:%u", host, ntohs(sa->sin6_port));
	}
}

void mv_sockaddr_host(const struct sockaddr_in6 *sa, char *buf, size_t len)
{
	if (v4mapped(sa))
		inet_ntop(AF_INET, &sa->sin6_addr.s6_addr[12], buf, len);
	else
		inet_ntop(AF_INET6, &sa->sin6_addr, buf, len);
}

void mv_sockaddr_tinc(const struct sockaddr_in6 *sa, char *buf, size_t len)
{
	char host[INET6_ADDRSTRLEN];

	mv_sockaddr_host(sa, host, sizeof(host));
	snprintf(buf, len, "%s port %u", host, ntohs(sa->sin6_port));
}

void mv_sockaddr_to_wire(const struct sockaddr_in6 *sa, struct mv_wire_addr *w)
{
	memset(w, 0, sizeof(*w));
	if (v4mapped(sa)) {
		w->family = 4;
		memcpy(w->addr, &sa->sin6_addr.s6_addr[12], 4);
	} else {
		w->family = 6;
		memcpy(w->addr, &sa->sin6_addr, 16);
	}
	w->port = ntohs(sa->sin6_port);
}

void mv_wire_to_sockaddr(const struct mv_wire_addr *w, struct sockaddr_in6 *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sin6_family = AF_INET6;
	sa->sin6_port = htons(w->port);
	if (w->family == 4) {
		sa->sin6_addr.s6_addr[10] = 0xff;
		sa->sin6_addr.s6_addr[11] = 0xff;
		memcpy(&sa->sin6_addr.s6_addr[12], w->addr, 4);
	} else {
		memcpy(&sa->sin6_addr, w->addr, 16);
	}
}

bool mv_sockaddr_equal(const struct sockaddr_in6 *a, const struct sockaddr_in6 *b)
{
	return a->sin6_port == b->sin6_port &&
	       !memcmp(&a->sin6_addr, &b->sin6_addr, sizeof(a->sin6_addr));
}
