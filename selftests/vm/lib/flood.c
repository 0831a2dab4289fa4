// SPDX-License-Identifier: GPL-2.0
/*
 * Sends DATA messages with the given ids as fast as the socket takes them
 * (sendmmsg): the forgeries of selftests/vm/tests/rx_forged_flood.sh, which
 * a Python loop under TCG cannot send faster than the receiver decrypts.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#define BATCH 32

int main(int argc, char **argv)
{
	struct sockaddr_in from = { .sin_family = AF_INET }, to = { .sin_family = AF_INET };
	static unsigned char buf[BATCH][65000];
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	unsigned long long sent = 0, counter = 1000000000ULL;
	size_t len;
	time_t end;
	int s, i, j;

	if (argc != 9) {
		fprintf(stderr, "usage: flood SADDR SPORT DADDR DPORT DST SRC LEN SECONDS\n");
		return 2;
	}
	len = strtoul(argv[7], NULL, 0);
	inet_pton(AF_INET, argv[1], &from.sin_addr);
	from.sin_port = htons(atoi(argv[2]));
	inet_pton(AF_INET, argv[3], &to.sin_addr);
	to.sin_port = htons(atoi(argv[4]));
	s = socket(AF_INET, SOCK_DGRAM, 0);
	if (s < 0 || bind(s, (struct sockaddr *)&from, sizeof(from)) ||
	    connect(s, (struct sockaddr *)&to, sizeof(to)))
		return perror("socket"), 1;
	for (i = 0; i < BATCH; i++) {
		uint64_t dst = strtoull(argv[5], NULL, 0), src = strtoull(argv[6], NULL, 0);

		memset(buf[i], 0x5a, len);
		buf[i][0] = 1;		/* DATA */
		buf[i][1] = 0;
		for (j = 0; j < 6; j++) {
			buf[i][2 + j] = dst >> (40 - 8 * j);
			buf[i][8 + j] = src >> (40 - 8 * j);
		}
		buf[i][14] = 16;
		buf[i][15] = 0;
		iov[i].iov_base = buf[i];
		iov[i].iov_len = len;
		memset(&msgs[i], 0, sizeof(msgs[i]));
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	end = time(NULL) + atoi(argv[8]);
	while (time(NULL) < end) {
		int n;

		for (i = 0; i < BATCH; i++) {
			counter++;
			for (j = 0; j < 8; j++)
				buf[i][16 + j] = counter >> (56 - 8 * j);
		}
		n = sendmmsg(s, msgs, BATCH, 0);
		if (n > 0)
			sent += n;
	}
	printf("sent %llu\n", sent);
	return 0;
}
