// SPDX-License-Identifier: GPL-2.0
/*
 * Crypto on every CPU, delivery in order. One TCP flow is one outer UDP
 * flow, so the network stack hands all of its packets to a single CPU; to
 * use more than one core, encryption and decryption run as padata parallel
 * jobs spread round-robin over the CPUs, and padata's serial step hands the
 * results back in submission order, on one CPU per node, so that a node's
 * packets leave and arrive in the order they came.
 */

#include <linux/cpumask.h>
#include <linux/slab.h>

#include "crypto.h"
#include "device.h"
#include "parallel.h"

static struct padata_instance *meshvpn_padata;
static struct kmem_cache *meshvpn_job_cache;

int __init meshvpn_parallel_init(void)
{
	meshvpn_job_cache = KMEM_CACHE(meshvpn_crypt_job, 0);
	if (!meshvpn_job_cache)
		return -ENOMEM;
	meshvpn_padata = padata_alloc(KBUILD_MODNAME);
	if (!meshvpn_padata) {
		kmem_cache_destroy(meshvpn_job_cache);
		return -ENOMEM;
	}
	return 0;
}

void meshvpn_parallel_uninit(void)
{
	/* Destroys padata's workqueues, which waits for the last jobs. */
	padata_free(meshvpn_padata);
	kmem_cache_destroy(meshvpn_job_cache);
}

/* Separate shells per direction: a busy receive side never delays sends. */
int meshvpn_parallel_dev_init(struct meshvpn_device *mv)
{
	mv->tx_shell = padata_alloc_shell(meshvpn_padata);
	if (!mv->tx_shell)
		return -ENOMEM;
	mv->rx_shell = padata_alloc_shell(meshvpn_padata);
	if (!mv->rx_shell) {
		padata_free_shell(mv->tx_shell);
		return -ENOMEM;
	}
	return 0;
}

/* Only called once no job holds the device any more. */
void meshvpn_parallel_dev_uninit(struct meshvpn_device *mv)
{
	padata_free_shell(mv->rx_shell);
	padata_free_shell(mv->tx_shell);
}

/**
 * meshvpn_crypt_job_new() - wrap a message for the parallel crypto
 * @node: the node; a reference is taken
 * @key: the key; the caller's reference moves into the job
 * @skb: the message; it belongs to the job from now on
 * @counter: the message's counter
 *
 * The job holds the device too, so that the device outlives every job.
 *
 * Return: the job, or NULL without memory (then nothing was taken).
 */
struct meshvpn_crypt_job *meshvpn_crypt_job_new(struct meshvpn_node *node,
						struct meshvpn_key *key,
						struct sk_buff *skb,
						u64 counter)
{
	struct meshvpn_crypt_job *job;

	job = kmem_cache_zalloc(meshvpn_job_cache, GFP_ATOMIC);
	if (!job)
		return NULL;
	job->node = meshvpn_node_get(node);
	if (!job->node) {
		kmem_cache_free(meshvpn_job_cache, job);
		return NULL;
	}
	job->key = key;
	job->skb = skb;
	job->counter = counter;
	dev_hold(node->mv->dev);
	return job;
}

/**
 * meshvpn_crypt_job_free() - release a finished job
 * @job: the job; its skb must have been consumed or freed already
 */
void meshvpn_crypt_job_free(struct meshvpn_crypt_job *job)
{
	struct net_device *dev = job->node->mv->dev;

	meshvpn_key_put(job->key);
	meshvpn_node_put(job->node);
	kmem_cache_free(meshvpn_job_cache, job);
	/* Last: the device may go away as soon as this returns. */
	dev_put(dev);
}

/**
 * meshvpn_crypt_job_submit() - queue a job for parallel crypto
 * @shell: the device's shell for the job's direction
 * @job: the job, with its parallel and serial callbacks set
 *
 * Return: 0, or -EBUSY when too many jobs are in flight; then the caller
 * still owns the job.
 */
int meshvpn_crypt_job_submit(struct padata_shell *shell,
			     struct meshvpn_crypt_job *job)
{
	/* All of a node's results are handed back on one CPU, in order. */
	int cb_cpu = cpumask_local_spread(job->node->id % num_online_cpus(),
					  NUMA_NO_NODE);

	return padata_do_parallel(shell, &job->padata, &cb_cpu);
}
