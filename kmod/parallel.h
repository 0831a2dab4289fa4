/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MESHVPN_PARALLEL_H
#define _MESHVPN_PARALLEL_H

#include <linux/list.h>
#include <linux/ptr_ring.h>
#include <linux/skbuff.h>
#include <linux/workqueue.h>

#include "node.h"

struct meshvpn_crypt_ring;
struct meshvpn_key;

/**
 * enum meshvpn_job_state - where a job is on its way
 * @MESHVPN_JOB_QUEUED: waiting for, or in, the crypto step
 * @MESHVPN_JOB_DONE: crypto done (job->err says how it went)
 * @MESHVPN_JOB_DEAD: never reached the crypto ring; dropped in its turn
 */
enum meshvpn_job_state {
	MESHVPN_JOB_QUEUED,
	MESHVPN_JOB_DONE,
	MESHVPN_JOB_DEAD,
};

/**
 * struct meshvpn_crypt_job - one message on its way through the crypto
 * @list: entry in its node's queue of the direction, in submission order
 * @state: enum meshvpn_job_state, set with release semantics
 * @ring: the ring that does its crypto and knows how to finish it
 * @queue: its node's queue
 * @skb: the message, header first; on transmit a list (skb->next) of them
 * @node: the node it is sent to or came from (reference held)
 * @key: the key it is encrypted or decrypted with (reference held)
 * @counter: its counter; on transmit the last one of the list
 * @err: result of the crypto step; on transmit, how many were dropped
 * @ttl: receive: the TTL the message arrived with
 * @xnet: receive: the socket lives in another network namespace
 * @from: receive: the outer source address
 * @off_path: receive: @from is not the sender's path, the job counts in
 *	the node's and the device's rx_off_path
 */
struct meshvpn_crypt_job {
	struct list_head list;
	atomic_t state;
	struct meshvpn_crypt_ring *ring;
	struct meshvpn_job_queue *queue;
	struct sk_buff *skb;
	struct meshvpn_node *node;
	struct meshvpn_key *key;
	u64 counter;
	int err;
	u8 ttl;
	bool xnet;
	struct meshvpn_endpoint from;
	bool off_path;
};

/**
 * struct meshvpn_crypt_worker - one CPU's worker of a ring
 * @work: drains the ring on its CPU
 * @ring: the ring
 */
struct meshvpn_crypt_worker {
	struct work_struct work;
	struct meshvpn_crypt_ring *ring;
};

/**
 * struct meshvpn_crypt_ring - the crypto jobs of one direction of a device
 * @jobs: jobs waiting for a CPU, in no particular order
 * @workers: one worker per CPU, all taking from @jobs
 * @crypt: the crypto step; runs on any CPU, in process context
 * @finish: the step after it, called in each node's submission order with
 *	bottom halves disabled; it consumes the job
 * @last_cpu: the CPU kicked last, for a round-robin spread
 */
struct meshvpn_crypt_ring {
	struct ptr_ring jobs;
	struct meshvpn_crypt_worker __percpu *workers;
	void (*crypt)(struct meshvpn_crypt_job *job);
	void (*finish)(struct meshvpn_crypt_job *job);
	int last_cpu;
};

int meshvpn_parallel_init(void);
void meshvpn_parallel_uninit(void);
int meshvpn_crypt_ring_init(struct meshvpn_crypt_ring *ring,
			    void (*crypt)(struct meshvpn_crypt_job *job),
			    void (*finish)(struct meshvpn_crypt_job *job));
void meshvpn_crypt_ring_uninit(struct meshvpn_crypt_ring *ring);
void meshvpn_job_queue_init(struct meshvpn_job_queue *queue);

struct meshvpn_crypt_job *meshvpn_crypt_job_new(struct meshvpn_node *node,
						struct meshvpn_key *key,
						struct sk_buff *skb,
						u64 counter);
void meshvpn_crypt_job_free(struct meshvpn_crypt_job *job);
int meshvpn_crypt_job_submit(struct meshvpn_crypt_ring *ring,
			     struct meshvpn_job_queue *queue,
			     struct meshvpn_crypt_job *job);

#endif /* _MESHVPN_PARALLEL_H */
