// SPDX-License-Identifier: GPL-2.0
/*
 * The UDP socket is created by userspace and handed over by file
 * descriptor, as ovpn does: the daemon keeps using it for probes, hole
 * punching and handshakes, so the NAT mappings it punches are the ones the
 * kernel sends on. The module hooks the socket's encapsulation receive
 * handler; DATA messages and relayed traffic stop in the kernel, everything
 * else reaches the daemon's recvmsg() unchanged.
 */

#include <linux/file.h>
#include <linux/net.h>
#include <linux/slab.h>
#include <linux/udp.h>
#include <net/dst_cache.h>
#include <net/ip.h>
#include <net/ip6_route.h>
#include <net/ipv6_stubs.h>
#include <net/route.h>
#include <net/udp.h>
#include <net/udp_tunnel.h>

#include "device.h"
#include "node.h"
#include "receive.h"
#include "socket.h"

/* Any non-zero value: it only tells the UDP stack to call encap_rcv. */
#define MESHVPN_UDP_ENCAP_TYPE 1

static void meshvpn_socket_unhook(struct meshvpn_socket *ms)
{
	struct sock *sk = ms->sock->sk;

	/* Give the socket back to plain UDP: every message reaches
	 * userspace again. The file stays userspace's.
	 */
	lock_sock(sk);
	rcu_assign_sk_user_data(sk, NULL);
	WRITE_ONCE(udp_sk(sk)->encap_rcv, NULL);
	WRITE_ONCE(udp_sk(sk)->encap_destroy, NULL);
	WRITE_ONCE(udp_sk(sk)->encap_type, 0);
	release_sock(sk);
}

static void meshvpn_socket_free_rcu(struct rcu_head *rcu)
{
	struct meshvpn_socket *ms = container_of(rcu, struct meshvpn_socket,
						 rcu);

	sockfd_put(ms->sock);
	kfree(ms);
}

/**
 * meshvpn_socket_attach() - start receiving and sending on a UDP socket
 * @mv: the device, update_lock held
 * @fd: the socket's file descriptor in the calling process
 * @extack: why it was refused
 *
 * A previously attached socket is released; the one attached already is
 * kept as it is (a daemon restarted in place hands its socket over).
 *
 * Return: 0 or a negative errno.
 */
int meshvpn_socket_attach(struct meshvpn_device *mv, int fd,
			  struct netlink_ext_ack *extack)
{
	struct udp_tunnel_sock_cfg cfg = {
		.encap_type = MESHVPN_UDP_ENCAP_TYPE,
		.encap_rcv = meshvpn_udp_encap_recv,
	};
	struct meshvpn_socket *ms, *old, *cur;
	struct socket *sock;
	int ret;

	lockdep_assert_held(&mv->update_lock);
	sock = sockfd_lookup(fd, &ret);
	if (!sock) {
		NL_SET_ERR_MSG_MOD(extack, "socket fd is not an open socket");
		return ret;
	}
	if (sock->sk->sk_protocol != IPPROTO_UDP ||
	    sock->sk->sk_type != SOCK_DGRAM ||
	    (sock->sk->sk_family != AF_INET &&
	     sock->sk->sk_family != AF_INET6)) {
		NL_SET_ERR_MSG_MOD(extack, "socket is not an IPv4/IPv6 UDP socket");
		ret = -EINVAL;
		goto err_put;
	}
	if (!inet_sk(sock->sk)->inet_sport) {
		NL_SET_ERR_MSG_MOD(extack, "socket is not bound to a port");
		ret = -EINVAL;
		goto err_put;
	}
	cur = rcu_dereference_protected(mv->sock,
					lockdep_is_held(&mv->update_lock));
	if (cur && cur->sock == sock) {
		/* Its daemon restarted in place and kept the socket. */
		sockfd_put(sock);
		return 0;
	}
	if (rcu_access_pointer(__sk_user_data(sock->sk)) ||
	    READ_ONCE(udp_sk(sock->sk)->encap_type)) {
		NL_SET_ERR_MSG_MOD(extack, "socket is already in use by a tunnel");
		ret = -EBUSY;
		goto err_put;
	}

	ms = kzalloc(sizeof(*ms), GFP_KERNEL);
	if (!ms) {
		ret = -ENOMEM;
		goto err_put;
	}
	ms->sock = sock;
	ms->mv = mv;
	cfg.sk_user_data = ms;
	setup_udp_tunnel_sock(sock_net(sock->sk), sock, &cfg);

	old = rcu_replace_pointer(mv->sock, ms,
				  lockdep_is_held(&mv->update_lock));
	if (old) {
		meshvpn_socket_unhook(old);
		call_rcu(&old->rcu, meshvpn_socket_free_rcu);
	}
	return 0;

err_put:
	sockfd_put(sock);
	return ret;
}

/**
 * meshvpn_socket_detach() - stop using the attached socket, if any
 * @mv: the device, update_lock held
 */
void meshvpn_socket_detach(struct meshvpn_device *mv)
{
	struct meshvpn_socket *ms;

	lockdep_assert_held(&mv->update_lock);
	ms = rcu_replace_pointer(mv->sock, NULL,
				 lockdep_is_held(&mv->update_lock));
	if (!ms)
		return;
	meshvpn_socket_unhook(ms);
	call_rcu(&ms->rcu, meshvpn_socket_free_rcu);
}

__be16 meshvpn_socket_port(struct meshvpn_device *mv)
{
	struct meshvpn_socket *ms;
	__be16 port = 0;

	rcu_read_lock();
	ms = rcu_dereference(mv->sock);
	if (ms)
		port = inet_sk(ms->sock->sk)->inet_sport;
	rcu_read_unlock();
	return port;
}

static int meshvpn_send4(struct meshvpn_device *mv, struct sock *sk,
			 struct meshvpn_node *via,
			 const struct meshvpn_endpoint *ep, struct sk_buff *skb)
{
	struct flowi4 fl4 = {
		.daddr = ep->addr.sin.sin_addr.s_addr,
		.fl4_dport = ep->addr.sin.sin_port,
		.fl4_sport = inet_sk(sk)->inet_sport,
		.flowi4_proto = IPPROTO_UDP,
		.flowi4_oif = sk->sk_bound_dev_if,
		.flowi4_mark = sk->sk_mark,
	};
	struct rtable *rt;

	rt = dst_cache_get_ip4(&via->dst_cache, &fl4.saddr);
	if (!rt) {
		rt = ip_route_output_flow(sock_net(sk), &fl4, sk);
		if (IS_ERR(rt))
			return PTR_ERR(rt);
		/* A route back into the tunnel would loop forever. */
		if (unlikely(rt->dst.dev == mv->dev)) {
			ip_rt_put(rt);
			return -ELOOP;
		}
		dst_cache_set_ip4(&via->dst_cache, &rt->dst, fl4.saddr);
	}
	skb->ignore_df = 1;
	udp_tunnel_xmit_skb(rt, sk, skb, fl4.saddr, fl4.daddr, 0,
			    ip4_dst_hoplimit(&rt->dst), 0, fl4.fl4_sport,
			    fl4.fl4_dport, !net_eq(sock_net(sk), dev_net(mv->dev)),
			    false);
	return 0;
}

static int meshvpn_send6(struct meshvpn_device *mv, struct sock *sk,
			 struct meshvpn_node *via,
			 const struct meshvpn_endpoint *ep, struct sk_buff *skb)
{
#if IS_ENABLED(CONFIG_IPV6)
	struct flowi6 fl6 = {
		.daddr = ep->addr.sin6.sin6_addr,
		.fl6_dport = ep->addr.sin6.sin6_port,
		.fl6_sport = inet_sk(sk)->inet_sport,
		.flowi6_proto = IPPROTO_UDP,
		.flowi6_oif = ep->addr.sin6.sin6_scope_id ?: sk->sk_bound_dev_if,
		.flowi6_mark = sk->sk_mark,
	};
	struct dst_entry *dst;

	if (sk->sk_family != AF_INET6)
		return -EAFNOSUPPORT;
	dst = dst_cache_get_ip6(&via->dst_cache, &fl6.saddr);
	if (!dst) {
		dst = ipv6_stub->ipv6_dst_lookup_flow(sock_net(sk), sk, &fl6,
						      NULL);
		if (IS_ERR(dst))
			return PTR_ERR(dst);
		if (unlikely(dst->dev == mv->dev)) {
			dst_release(dst);
			return -ELOOP;
		}
		dst_cache_set_ip6(&via->dst_cache, dst, &fl6.saddr);
	}
	skb->ignore_df = 1;
	udp_tunnel6_xmit_skb(dst, sk, skb, mv->dev, &fl6.saddr, &fl6.daddr, 0,
			     ip6_dst_hoplimit(dst), 0, fl6.fl6_sport,
			     fl6.fl6_dport, false);
	return 0;
#else
	return -EAFNOSUPPORT;
#endif
}

/**
 * meshvpn_socket_send() - send a message to a node's endpoint
 * @mv: the device
 * @via: the node whose endpoint receives the message (the next hop)
 * @skb: the message, header first; consumed in every case
 *
 * Return: 0 when handed to the IP stack, or a negative errno.
 */
int meshvpn_socket_send(struct meshvpn_device *mv, struct meshvpn_node *via,
			struct sk_buff *skb)
{
	struct meshvpn_endpoint ep;
	struct meshvpn_socket *ms;
	struct sock *sk;
	int ret;

	rcu_read_lock_bh();
	ms = rcu_dereference_bh(mv->sock);
	if (unlikely(!ms)) {
		ret = -ENOTCONN;
		goto err;
	}
	sk = ms->sock->sk;

	spin_lock_bh(&via->endpoint_lock);
	ep = via->endpoint;
	spin_unlock_bh(&via->endpoint_lock);

	ret = skb_cow_head(skb, LL_MAX_HEADER + sizeof(struct ipv6hdr) +
				sizeof(struct udphdr));
	if (unlikely(ret))
		goto err;
	skb_dst_drop(skb);
	skb->mark = sk->sk_mark;
	skb->ip_summed = CHECKSUM_NONE;

	switch (ep.addr.sa.sa_family) {
	case AF_INET:
		ret = meshvpn_send4(mv, sk, via, &ep, skb);
		break;
	case AF_INET6:
		ret = meshvpn_send6(mv, sk, via, &ep, skb);
		break;
	default:
		ret = -EDESTADDRREQ;
	}
	if (ret)
		goto err;
	rcu_read_unlock_bh();
	return 0;

err:
	rcu_read_unlock_bh();
	kfree_skb(skb);
	return ret;
}
