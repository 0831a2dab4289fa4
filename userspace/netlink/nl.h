/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small netlink layer over libmnl for the meshvpn tool and meshvpnd: open
 * a socket, resolve a generic netlink family and its multicast groups, send a
 * request and process its replies until the ack or the end of the dump,
 * subscribe to events, and validate every attribute of what the kernel
 * sends back before anything reads it.
 *
 * Functions return 0 or a negative errno. When the kernel explains a
 * failure (extended ack), or a reply is rejected as malformed, the reason
 * is kept in nl->msg until the next request; mv_nl_perror() prints it.
 */
#ifndef MESHVPN_NL_H
#define MESHVPN_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libmnl/libmnl.h>

/*
 * The kernel sizes a dump message to the reader's buffer, up to 32 KiB;
 * a smaller buffer would see dumps truncated.
 */
#define MV_NL_RECV_SIZE		32768
/* Largest request: a node or a key with all its attributes is far less. */
#define MV_NL_REQ_SIZE		4096
#define MV_NL_MSGLEN		256

struct mv_nl {
	struct mnl_socket *sock;
	int bus;		/* NETLINK_ROUTE, NETLINK_GENERIC */
	uint32_t portid;
	uint32_t seq;
	const char *name;	/* generic netlink family name, or NULL */
	uint16_t family;	/* generic netlink family id; 0 on rtnetlink */
	uint32_t version;	/* the family's version */
	uint32_t events_group;	/* id of its "events" group, 0 if it has none */
	void *req;		/* MV_NL_REQ_SIZE bytes, the request being built */
	void *buf;		/* MV_NL_RECV_SIZE bytes for replies */
	char msg[MV_NL_MSGLEN];	/* why the last request failed, or "" */
};

/* Open a netlink socket on @bus (NETLINK_ROUTE, NETLINK_GENERIC). */
int mv_nl_open(struct mv_nl *nl, int bus);
/*
 * Open a generic netlink socket and resolve family @name, and the id of
 * its multicast group @group when not NULL. -ENOENT: no such family.
 */
int mv_genl_open(struct mv_nl *nl, const char *name, const char *group);
/* Close and wipe the buffers: requests and replies may have held keys. */
void mv_nl_close(struct mv_nl *nl);

/* Start a request in nl->req: a netlink header of @type and @flags. */
struct nlmsghdr *mv_nl_msg(struct mv_nl *nl, uint16_t type, uint16_t flags);
/* Start a generic netlink request of command @cmd to nl->family. */
struct nlmsghdr *mv_genl_msg(struct mv_nl *nl, uint8_t cmd, uint16_t flags);

/*
 * Called for each data message of a reply. Returns 0 or a negative errno.
 * After an error the rest of the reply is dropped together with the
 * socket, which is replaced by a fresh one: a reply that does not end
 * (a kernel bug) cannot hold the tool, nor reach the next request.
 */
typedef int (*mv_nl_cb)(const struct nlmsghdr *nlh, void *data);

/*
 * Send @nlh (built with mv_nl_msg()/mv_genl_msg()) and process its
 * replies with @cb until the ack (NLM_F_ACK is added to non-dump
 * requests) or the end of the dump. Returns 0, the kernel's error, the
 * callback's error, or -EINTR for a dump that raced with a change
 * (NLM_F_DUMP_INTR): run it again.
 */
int mv_nl_request(struct mv_nl *nl, struct nlmsghdr *nlh, mv_nl_cb cb,
		  void *data);

/* Join multicast group @group. */
int mv_nl_subscribe(struct mv_nl *nl, uint32_t group);
/*
 * Read one datagram of notifications, if one is queued, and pass each
 * message to @cb. -EAGAIN: none was queued; -EINTR: a signal arrived;
 * -ENOBUFS: notifications were lost.
 */
int mv_nl_recv_events(struct mv_nl *nl, mv_nl_cb cb, void *data);

/* Print "meshvpn: WHAT: MSG (ERRNO TEXT)", or without MSG if none. */
void mv_nl_perror(const struct mv_nl *nl, const char *what, int err);
/* Record why a reply is unusable (shown by mv_nl_perror()). */
__attribute__((format(printf, 2, 3)))
void mv_nl_set_msg(struct mv_nl *nl, const char *fmt, ...);
/*
 * Record "malformed reply from the kernel: REASON" in nl->msg; returns
 * -EBADMSG, for the reader to return.
 */
__attribute__((format(printf, 2, 3)))
int mv_nl_malformed(struct mv_nl *nl, const char *fmt, ...);

/* ---- attribute validation ---- */

enum mv_nla_kind {
	MV_NLA_IGNORE = 0,	/* not read: any length (pad, input only) */
	MV_NLA_U8,
	MV_NLA_U16,
	MV_NLA_U32,
	MV_NLA_U64,
	MV_NLA_UINT,		/* 4 or 8 bytes (the spec's "uint") */
	MV_NLA_BINARY,		/* exactly .len bytes */
	MV_NLA_BYTES,		/* at least .len bytes */
	MV_NLA_STRING,		/* NUL-terminated, at most .len bytes with it */
	MV_NLA_NESTED,		/* attributes, parsed by the reader */
};

struct mv_nla_policy {
	uint8_t kind;
	uint16_t len;
};

/*
 * Fill @tb[0..@max] from the attributes in @payload, checking each one
 * against @pol[0..@max]. Attributes above @max (added by a newer kernel)
 * are skipped. -EBADMSG, with the reason in nl->msg, on a bad length.
 */
int mv_nla_parse(struct mv_nl *nl, const void *payload, size_t len,
		 const struct mv_nla_policy *pol, unsigned int max,
		 const struct nlattr **tb);
int mv_nla_parse_nested(struct mv_nl *nl, const struct nlattr *nest,
			const struct mv_nla_policy *pol, unsigned int max,
			const struct nlattr **tb);
/*
 * Check that @nlh is a message of nl->family with command @cmd and parse
 * its attributes.
 */
int mv_genl_parse(struct mv_nl *nl, const struct nlmsghdr *nlh, uint8_t cmd,
		  const struct mv_nla_policy *pol, unsigned int max,
		  const struct nlattr **tb);
/* Value of a validated MV_NLA_UINT attribute. */
uint64_t mv_nla_get_uint(const struct nlattr *attr);

#endif /* MESHVPN_NL_H */
