// SPDX-License-Identifier: GPL-2.0
/*
 * Netlink plumbing for the meshvpn tool; see nl.h. The receive loop is
 * written out here rather than left to mnl_cb_run(): libmnl drops the
 * error code and extended ack a failed dump puts in NLMSG_DONE, and stops
 * at NLM_F_DUMP_INTR leaving the rest of the dump in the socket.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>

#include <openssl/crypto.h>

#include "netlink/nl.h"

void mv_nl_set_msg(struct mv_nl *nl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(nl->msg, sizeof(nl->msg), fmt, ap);
	va_end(ap);
}

int mv_nl_malformed(struct mv_nl *nl, const char *fmt, ...)
{
	char reason[MV_NL_MSGLEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	mv_nl_set_msg(nl, "malformed reply from the kernel: %s", reason);
	return -EBADMSG;
}

/* Open and bind nl->sock on nl->bus. */
static int open_socket(struct mv_nl *nl)
{
	int one = 1;

	nl->sock = mnl_socket_open(nl->bus);
	if (!nl->sock)
		return -errno;
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		int err = -errno;

		mnl_socket_close(nl->sock);
		nl->sock = NULL;
		return err;
	}
	nl->portid = mnl_socket_get_portid(nl->sock);
	/*
	 * Extended acks carry the kernel's reason for a failure. Capped acks
	 * do not echo the request back, which for key-new would put a copy
	 * of the keys into our receive buffer. Both are best effort: an old
	 * kernel still reports errno.
	 */
	mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl->sock, NETLINK_CAP_ACK, &one, sizeof(one));
	return 0;
}

int mv_nl_open(struct mv_nl *nl, int bus)
{
	int err;

	memset(nl, 0, sizeof(*nl));
	nl->bus = bus;
	nl->req = calloc(1, MV_NL_REQ_SIZE);
	nl->buf = calloc(1, MV_NL_RECV_SIZE);
	if (!nl->req || !nl->buf) {
		err = -ENOMEM;
		goto fail;
	}
	err = open_socket(nl);
	if (err)
		goto fail;
	return 0;

fail:
	mv_nl_close(nl);
	return err;
}

void mv_nl_close(struct mv_nl *nl)
{
	if (nl->sock)
		mnl_socket_close(nl->sock);
	if (nl->req)
		OPENSSL_cleanse(nl->req, MV_NL_REQ_SIZE);
	if (nl->buf)
		OPENSSL_cleanse(nl->buf, MV_NL_RECV_SIZE);
	free(nl->req);
	free(nl->buf);
	memset(nl, 0, sizeof(*nl));
}

struct nlmsghdr *mv_nl_msg(struct mv_nl *nl, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh;

	memset(nl->req, 0, MV_NL_REQ_SIZE);
	nlh = mnl_nlmsg_put_header(nl->req);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	return nlh;
}

struct nlmsghdr *mv_genl_msg(struct mv_nl *nl, uint8_t cmd, uint16_t flags)
{
	struct nlmsghdr *nlh = mv_nl_msg(nl, nl->family, flags);
	struct genlmsghdr *genl;

	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = 1;
	return nlh;
}

/* ---- attribute validation ---- */

struct parse_ctx {
	struct mv_nl *nl;
	const struct mv_nla_policy *pol;
	unsigned int max;
	const struct nlattr **tb;
};

static bool attr_ok(const struct mv_nla_policy *p, const struct nlattr *attr)
{
	uint16_t len = mnl_attr_get_payload_len(attr);
	const char *s = mnl_attr_get_payload(attr);

	switch (p->kind) {
	case MV_NLA_U8:
		return len == 1;
	case MV_NLA_U16:
		return len == 2;
	case MV_NLA_U32:
		return len == 4;
	case MV_NLA_U64:
		return len == 8;
	case MV_NLA_UINT:
		return len == 4 || len == 8;
	case MV_NLA_BINARY:
		return len == p->len;
	case MV_NLA_BYTES:
		return len >= p->len;
	case MV_NLA_STRING:
		return len > 0 && s[len - 1] == '\0' &&
		       (!p->len || len <= p->len);
	case MV_NLA_NESTED:
		/* Its attributes are checked when the reader parses it. */
		return true;
	default:
		return true;
	}
}

static int parse_cb(const struct nlattr *attr, void *data)
{
	struct parse_ctx *ctx = data;
	uint16_t type = mnl_attr_get_type(attr);

	if (type > ctx->max || ctx->pol[type].kind == MV_NLA_IGNORE)
		return MNL_CB_OK;
	if (!attr_ok(&ctx->pol[type], attr)) {
		errno = -mv_nl_malformed(ctx->nl, "attribute %u has %u bytes", type,
					 mnl_attr_get_payload_len(attr));
		return MNL_CB_ERROR;
	}
	ctx->tb[type] = attr;
	return MNL_CB_OK;
}

int mv_nla_parse(struct mv_nl *nl, const void *payload, size_t len,
		 const struct mv_nla_policy *pol, unsigned int max,
		 const struct nlattr **tb)
{
	struct parse_ctx ctx = { nl, pol, max, tb };

	memset(tb, 0, (max + 1) * sizeof(*tb));
	if (mnl_attr_parse_payload(payload, len, parse_cb, &ctx) < 0)
		return -EBADMSG;
	return 0;
}

int mv_nla_parse_nested(struct mv_nl *nl, const struct nlattr *nest,
			const struct mv_nla_policy *pol, unsigned int max,
			const struct nlattr **tb)
{
	return mv_nla_parse(nl, mnl_attr_get_payload(nest),
			    mnl_attr_get_payload_len(nest), pol, max, tb);
}

int mv_genl_parse(struct mv_nl *nl, const struct nlmsghdr *nlh, uint8_t cmd,
		  const struct mv_nla_policy *pol, unsigned int max,
		  const struct nlattr **tb)
{
	const struct genlmsghdr *genl;

	if (nlh->nlmsg_type != nl->family ||
	    mnl_nlmsg_get_payload_len(nlh) < GENL_HDRLEN)
		return mv_nl_malformed(nl, "not a generic netlink message of the family");
	genl = mnl_nlmsg_get_payload(nlh);
	if (genl->cmd != cmd)
		return mv_nl_malformed(nl, "command %u, expected %u", genl->cmd, cmd);
	return mv_nla_parse(nl, (const char *)genl + GENL_HDRLEN,
			    mnl_nlmsg_get_payload_len(nlh) - GENL_HDRLEN,
			    pol, max, tb);
}

uint64_t mv_nla_get_uint(const struct nlattr *attr)
{
	if (mnl_attr_get_payload_len(attr) == 4)
		return mnl_attr_get_u32(attr);
	return mnl_attr_get_u64(attr);
}

/* ---- requests ---- */

/* Kernel strings go to a terminal: keep only printable ASCII. */
static void copy_printable(char *dst, size_t dstlen, const char *src)
{
	size_t i;

	for (i = 0; i + 1 < dstlen && src[i]; i++)
		dst[i] = (src[i] >= 0x20 && src[i] < 0x7f) ? src[i] : '?';
	dst[i] = '\0';
}

/*
 * Take the message of an extended ack: the attributes that follow the
 * first @off bytes of @nlh's payload.
 */
static void take_extack(struct mv_nl *nl, const struct nlmsghdr *nlh,
			size_t off)
{
	static const struct mv_nla_policy pol[NLMSGERR_ATTR_MAX + 1] = {
		[NLMSGERR_ATTR_MSG] = { MV_NLA_STRING, 0 },
		[NLMSGERR_ATTR_OFFS] = { MV_NLA_U32, 0 },
	};
	const struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t len = mnl_nlmsg_get_payload_len(nlh);
	struct mv_nl scratch = { 0 };
	const char *msg;
	size_t n;

	nl->msg[0] = '\0';
	off = MNL_ALIGN(off);
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || off > len)
		return;
	/* A malformed ack loses its message, not the error code. */
	if (mv_nla_parse(&scratch, (const char *)mnl_nlmsg_get_payload(nlh) + off,
			 len - off, pol, NLMSGERR_ATTR_MAX, tb))
		return;
	if (!tb[NLMSGERR_ATTR_MSG])
		return;
	msg = mnl_attr_get_str(tb[NLMSGERR_ATTR_MSG]);
	/*
	 * NL_SET_ERR_MSG_MOD() starts messages with "meshvpn: ", which after
	 * our own "meshvpn: " prefix would only stutter.
	 */
	n = nl->name ? strlen(nl->name) : 0;
	if (n && !strncmp(msg, nl->name, n) && msg[n] == ':' && msg[n + 1] == ' ')
		msg += n + 2;
	copy_printable(nl->msg, sizeof(nl->msg), msg);
}

/* An errno the kernel sent, made safe to pass on and to print. */
static int kernel_errno(int32_t error)
{
	if (error >= 0 || error < -4095)
		return -EPROTO;
	return error;
}

struct req_state {
	uint32_t seq;
	bool done;		/* the ack, error or NLMSG_DONE arrived */
	bool intr;		/* the dump raced with a change */
	bool abandon;		/* the callback failed: drop the rest */
	int err;		/* first error */
};

static void set_err(struct req_state *st, int err)
{
	if (!st->err)
		st->err = err;
}

static void handle_error(struct mv_nl *nl, const struct nlmsghdr *nlh,
			 struct req_state *st)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	size_t off = sizeof(*e);

	st->done = true;
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*e)) {
		mv_nl_set_msg(nl, "malformed netlink error message");
		set_err(st, -EBADMSG);
		return;
	}
	if (e->error == 0)
		return;		/* the ack */
	/* Uncapped acks echo the request between the header and the TLVs. */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED) &&
	    e->msg.nlmsg_len >= sizeof(e->msg))
		off += e->msg.nlmsg_len - sizeof(e->msg);
	if (!st->err)
		take_extack(nl, nlh, off);
	set_err(st, kernel_errno(e->error));
}

static void handle_done(struct mv_nl *nl, const struct nlmsghdr *nlh,
			struct req_state *st)
{
	int32_t error;

	st->done = true;
	/* Some families end a dump with an NLMSG_DONE without payload. */
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(error))
		return;
	memcpy(&error, mnl_nlmsg_get_payload(nlh), sizeof(error));
	if (error == 0)
		return;
	if (!st->err)
		take_extack(nl, nlh, sizeof(error));
	set_err(st, kernel_errno(error));
}

/*
 * Receive one datagram into nl->buf. Returns its length, 0 for a datagram
 * not from the kernel (ignored), or a negative errno.
 */
static ssize_t recv_one(struct mv_nl *nl, int flags)
{
	struct sockaddr_nl sa;
	struct iovec iov = { nl->buf, MV_NL_RECV_SIZE };
	struct msghdr msg = {
		.msg_name = &sa,
		.msg_namelen = sizeof(sa),
		.msg_iov = &iov,
		.msg_iovlen = 1,
	};
	ssize_t n;

	n = recvmsg(mnl_socket_get_fd(nl->sock), &msg, flags);
	if (n < 0)
		return -errno;
	if (msg.msg_flags & MSG_TRUNC) {
		mv_nl_set_msg(nl, "netlink message larger than the receive buffer");
		return -EMSGSIZE;
	}
	/* Only root can send to our port, but only the kernel is heard. */
	if (msg.msg_namelen != sizeof(sa) || sa.nl_family != AF_NETLINK ||
	    sa.nl_pid != 0)
		return 0;
	return n;
}

/*
 * Is a whole message at @nlh, within @len bytes? libmnl's mnl_nlmsg_ok()
 * compares the message's length as an int: one that claims 2 GiB or more
 * passes, and the walk to the next message leaves the buffer.
 */
static bool msg_ok(const struct nlmsghdr *nlh, int len)
{
	return len >= (int)sizeof(*nlh) && nlh->nlmsg_len >= sizeof(*nlh) &&
	       nlh->nlmsg_len <= (uint32_t)len;
}

static void process(struct mv_nl *nl, size_t len, mv_nl_cb cb, void *data,
		    struct req_state *st)
{
	const struct nlmsghdr *nlh = nl->buf;
	int n = (int)len, ret;

	for (; msg_ok(nlh, n) && !st->done; nlh = mnl_nlmsg_next(nlh, &n)) {
		/* Leftovers of an earlier request, or not for us. */
		if (nlh->nlmsg_seq != st->seq || nlh->nlmsg_pid != nl->portid)
			continue;
		if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
			st->intr = true;
		switch (nlh->nlmsg_type) {
		case NLMSG_ERROR:
			handle_error(nl, nlh, st);
			continue;
		case NLMSG_DONE:
			handle_done(nl, nlh, st);
			continue;
		case NLMSG_OVERRUN:
			mv_nl_set_msg(nl, "netlink overrun");
			set_err(st, -EPROTO);
			st->done = true;
			continue;
		}
		if (nlh->nlmsg_type < NLMSG_MIN_TYPE || !cb)
			continue;
		ret = cb(nlh, data);
		if (ret < 0) {
			set_err(st, ret);
			st->abandon = true;
			st->done = true;
		}
	}
}

int mv_nl_request(struct mv_nl *nl, struct nlmsghdr *nlh, mv_nl_cb cb,
		  void *data)
{
	struct req_state st = { 0 };
	ssize_t n;

	nl->msg[0] = '\0';
	if (!nl->sock)
		return -ENOTCONN;
	/*
	 * NLM_F_DUMP is two bits, one of which (NLM_F_MATCH) is NLM_F_EXCL
	 * of a "new" request: only both together make a dump.
	 */
	if ((nlh->nlmsg_flags & NLM_F_DUMP) != NLM_F_DUMP)
		nlh->nlmsg_flags |= NLM_F_ACK;
	nlh->nlmsg_seq = st.seq = ++nl->seq;
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return -errno;

	while (!st.done) {
		n = recv_one(nl, 0);
		if (n == -EINTR)
			continue;
		if (n < 0)
			return (int)n;
		process(nl, (size_t)n, cb, data, &st);
	}
	/*
	 * Whatever of the reply is still queued, or still to be dumped, goes
	 * with the old socket. If no new one opens, later requests fail.
	 */
	if (st.abandon) {
		mnl_socket_close(nl->sock);
		nl->sock = NULL;
		open_socket(nl);
	}
	if (st.err)
		return st.err;
	if (st.intr) {
		mv_nl_set_msg(nl, "the dump raced with a change");
		return -EINTR;
	}
	return 0;
}

/* ---- generic netlink controller ---- */

struct family_ctx {
	struct mv_nl *nl;
	const char *name;
	const char *group;
};

static int group_cb(struct mv_nl *nl, const struct nlattr *groups,
		    const char *want)
{
	static const struct mv_nla_policy pol[CTRL_ATTR_MCAST_GRP_MAX + 1] = {
		[CTRL_ATTR_MCAST_GRP_NAME] = { MV_NLA_STRING, GENL_NAMSIZ },
		[CTRL_ATTR_MCAST_GRP_ID] = { MV_NLA_U32, 0 },
	};
	const struct nlattr *tb[CTRL_ATTR_MCAST_GRP_MAX + 1];
	const struct nlattr *grp;
	int ret;

	mnl_attr_for_each_nested(grp, groups) {
		ret = mv_nla_parse_nested(nl, grp, pol, CTRL_ATTR_MCAST_GRP_MAX, tb);
		if (ret)
			return ret;
		if (!tb[CTRL_ATTR_MCAST_GRP_NAME] || !tb[CTRL_ATTR_MCAST_GRP_ID])
			continue;
		if (!strcmp(mnl_attr_get_str(tb[CTRL_ATTR_MCAST_GRP_NAME]), want)) {
			nl->events_group = mnl_attr_get_u32(tb[CTRL_ATTR_MCAST_GRP_ID]);
			return 0;
		}
	}
	return 0;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	static const struct mv_nla_policy pol[CTRL_ATTR_MAX + 1] = {
		[CTRL_ATTR_FAMILY_ID] = { MV_NLA_U16, 0 },
		[CTRL_ATTR_FAMILY_NAME] = { MV_NLA_STRING, GENL_NAMSIZ },
		[CTRL_ATTR_VERSION] = { MV_NLA_U32, 0 },
		[CTRL_ATTR_MCAST_GROUPS] = { MV_NLA_NESTED, 0 },
	};
	const struct nlattr *tb[CTRL_ATTR_MAX + 1];
	struct family_ctx *ctx = data;
	struct mv_nl *nl = ctx->nl;
	int ret;

	ret = mv_genl_parse(nl, nlh, CTRL_CMD_NEWFAMILY, pol, CTRL_ATTR_MAX, tb);
	if (ret)
		return ret;
	if (!tb[CTRL_ATTR_FAMILY_ID] || !tb[CTRL_ATTR_FAMILY_NAME] ||
	    strcmp(mnl_attr_get_str(tb[CTRL_ATTR_FAMILY_NAME]), ctx->name) ||
	    mnl_attr_get_u16(tb[CTRL_ATTR_FAMILY_ID]) < GENL_MIN_ID) {
		mv_nl_set_msg(nl, "malformed reply from the generic netlink controller");
		return -EBADMSG;
	}
	nl->family = mnl_attr_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	nl->name = ctx->name;
	if (tb[CTRL_ATTR_VERSION])
		nl->version = mnl_attr_get_u32(tb[CTRL_ATTR_VERSION]);
	if (ctx->group && tb[CTRL_ATTR_MCAST_GROUPS])
		return group_cb(nl, tb[CTRL_ATTR_MCAST_GROUPS], ctx->group);
	return 0;
}

int mv_genl_open(struct mv_nl *nl, const char *name, const char *group)
{
	struct family_ctx ctx = { nl, name, group };
	struct nlmsghdr *nlh;
	int ret;

	ret = mv_nl_open(nl, NETLINK_GENERIC);
	if (ret)
		return ret;
	nl->family = GENL_ID_CTRL;
	nlh = mv_genl_msg(nl, CTRL_CMD_GETFAMILY, 0);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, name);
	ret = mv_nl_request(nl, nlh, family_cb, &ctx);
	if (ret == 0 && nl->family == GENL_ID_CTRL) {
		mv_nl_set_msg(nl, "no reply from the generic netlink controller");
		ret = -EPROTO;
	}
	if (ret == -ENOENT)
		mv_nl_set_msg(nl, "generic netlink family \"%s\" not found, is meshvpn.ko loaded?",
			      name);
	if (ret) {
		/* Keep the reason for the caller's message. */
		char msg[MV_NL_MSGLEN];

		memcpy(msg, nl->msg, sizeof(msg));
		mv_nl_close(nl);
		memcpy(nl->msg, msg, sizeof(msg));
	}
	return ret;
}

/* ---- notifications ---- */

int mv_nl_subscribe(struct mv_nl *nl, uint32_t group)
{
	if (mnl_socket_setsockopt(nl->sock, NETLINK_ADD_MEMBERSHIP, &group,
				  sizeof(group)) < 0)
		return -errno;
	return 0;
}

int mv_nl_recv_events(struct mv_nl *nl, mv_nl_cb cb, void *data)
{
	const struct nlmsghdr *nlh;
	ssize_t n;
	int len, ret;

	nl->msg[0] = '\0';
	n = recv_one(nl, MSG_DONTWAIT);
	if (n == -EWOULDBLOCK)
		return -EAGAIN;
	if (n < 0)
		return (int)n;
	len = (int)n;
	for (nlh = nl->buf; msg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
		if (nlh->nlmsg_type < NLMSG_MIN_TYPE)
			continue;
		ret = cb(nlh, data);
		if (ret < 0)
			return ret;
	}
	return 0;
}

void mv_nl_perror(const struct mv_nl *nl, const char *what, int err)
{
	if (nl && nl->msg[0])
		fprintf(stderr, "meshvpn: %s: %s (%s)\n", what, nl->msg,
			strerror(-err));
	else
		fprintf(stderr, "meshvpn: %s: %s\n", what, strerror(-err));
}
