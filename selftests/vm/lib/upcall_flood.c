// SPDX-License-Identifier: GPL-2.0
/*
 * Floods a node's UDP port with messages it does not consume in the kernel
 * (type TYPE: 2 probe, 3 probe reply, 4 SESSION, anything else junk) from
 * forged sources: every message from another address of SPREFIX.0/24 (.100
 * to .254, random port), as fast as the raw socket takes them. For
 * selftests/vm/tests/upcall_flood.sh; a Python loop under TCG is too slow.
 *
 * Usage: upcall_flood SPREFIX DADDR TYPE DST_ID SRC_ID SECONDS
 *   e.g. upcall_flood 198.51.100 198.51.100.4 4 0x1234 0x5678 20
 * Prints the number of messages sent.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#define BATCH	64
#define PAYLOAD	(24 + 64)	/* a message header and some body */
#define PORT	655

struct forged {
	struct iphdr ip;
	struct udphdr udp;
	uint8_t msg[PAYLOAD];
} __attribute__((packed));

static void put_id(uint8_t *at, uint64_t id)
{
	int i;

	for (i = 0; i < 6; i++)
		at[i] = id >> (40 - 8 * i);
}

int main(int argc, char **argv)
{
	static struct forged pkts[BATCH];
	struct sockaddr_in to = { .sin_family = AF_INET };
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	unsigned long long sent = 0;
	struct in_addr prefix;
	char net[32];
	time_t end;
	int s, i, j, n;

	if (argc != 7) {
		fprintf(stderr, "usage: upcall_flood SPREFIX DADDR TYPE DST_ID SRC_ID SECONDS\n");
		return 2;
	}
	snprintf(net, sizeof(net), "%s.0", argv[1]);
	if (!inet_pton(AF_INET, net, &prefix) || !inet_pton(AF_INET, argv[2], &to.sin_addr))
		return fprintf(stderr, "bad address\n"), 2;
	s = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	if (s < 0)
		return perror("socket"), 1;
	srandom(time(NULL));
	for (i = 0; i < BATCH; i++) {
		struct forged *p = &pkts[i];

		p->ip.version = 4;
		p->ip.ihl = 5;
		p->ip.ttl = 64;
		p->ip.protocol = IPPROTO_UDP;
		p->ip.tot_len = htons(sizeof(*p));
		p->ip.daddr = to.sin_addr.s_addr;
		p->udp.dest = htons(PORT);
		p->udp.len = htons(sizeof(p->udp) + PAYLOAD);
		p->msg[0] = atoi(argv[3]);
		put_id(p->msg + 2, strtoull(argv[4], NULL, 0));
		put_id(p->msg + 8, strtoull(argv[5], NULL, 0));
		p->msg[14] = 16;	/* TTL */
		for (j = 24; j < PAYLOAD; j++)
			p->msg[j] = random();
		iov[i].iov_base = p;
		iov[i].iov_len = sizeof(*p);
		memset(&msgs[i], 0, sizeof(msgs[i]));
		msgs[i].msg_hdr.msg_name = &to;
		msgs[i].msg_hdr.msg_namelen = sizeof(to);
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	end = time(NULL) + atoi(argv[6]);
	while (time(NULL) < end) {
		for (i = 0; i < BATCH; i++) {
			pkts[i].ip.saddr = prefix.s_addr | htonl(100 + random() % 155);
			pkts[i].udp.source = htons(1024 + random() % 60000);
		}
		n = sendmmsg(s, msgs, BATCH, 0);
		if (n > 0)
			sent += n;
	}
	printf("%llu\n", sent);
	return 0;
}
