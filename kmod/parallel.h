/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MESHVPN_PARALLEL_H
#define _MESHVPN_PARALLEL_H

#include <linux/padata.h>
#include <linux/skbuff.h>

#include "node.h"

struct meshvpn_device;
struct meshvpn_key;

/**
 * struct meshvpn_crypt_job - one message on its way through the crypto
 * @padata: padata's bookkeeping; parallel and serial callbacks set by the user
 * @skb: the message, header first; on transmit a list (skb->next) of them
 * @node: the node it is sent to or came from (reference held)
 * @key: the key it is encrypted or decrypted with (reference held)
 * @counter: its counter; on transmit the last one of the list
 * @err: result of the parallel step; on transmit, how many were dropped
 * @ttl: receive: the TTL the message arrived with
 * @xnet: receive: the socket lives in another network namespace
 * @from: receive: the outer source address
 */
struct meshvpn_crypt_job {
	struct padata_priv padata;
	struct sk_buff *skb;
	struct meshvpn_node *node;
	struct meshvpn_key *key;
	u64 counter;
	int err;
	u8 ttl;
	bool xnet;
	struct meshvpn_endpoint from;
};

int meshvpn_parallel_init(void);
void meshvpn_parallel_uninit(void);
int meshvpn_parallel_dev_init(struct meshvpn_device *mv);
void meshvpn_parallel_dev_uninit(struct meshvpn_device *mv);

struct meshvpn_crypt_job *meshvpn_crypt_job_new(struct meshvpn_node *node,
						struct meshvpn_key *key,
						struct sk_buff *skb,
						u64 counter);
void meshvpn_crypt_job_free(struct meshvpn_crypt_job *job);
int meshvpn_crypt_job_submit(struct padata_shell *shell,
			     struct meshvpn_crypt_job *job);

#endif /* _MESHVPN_PARALLEL_H */
