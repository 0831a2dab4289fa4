// SPDX-License-Identifier: GPL-2.0
/*
 * Crypto on every CPU, delivery in order. One TCP flow is one outer UDP
 * flow, so the network stack hands all of its packets to a single CPU. To
 * use more than one core, each direction of a device has one ring of crypto
 * jobs, drained by a worker on every CPU; submitters kick the workers round
 * robin. Each node also keeps its jobs of a direction in a list, in the
 * order they were submitted. Whoever completes a job then hands on the
 * finished jobs at the head of that list (sends or delivers them), so a
 * node's packets leave and arrive in the order they came, without a
 * separate work item per batch and without a lock held across the crypto.
 * This is WireGuard's queueing model, with the serial step run by the CPU
 * that completes the head instead of a dedicated worker.
 */

#include <linux/cpumask.h>
#include <linux/slab.h>

#include "crypto.h"
#include "device.h"
#include "parallel.h"

/*
 * Jobs a node may have in flight per direction (MESHVPN_JOBS_PER_NODE), and
 * jobs a device's ring holds (MESHVPN_RING_SIZE), both in the uapi header
 * so that the daemon shows them with what they refused. A transmit job is
 * up to one GSO packet's segments: this bounds what a flow can queue ahead
 * of the CPUs while keeping them all busy.
 */

/* Jobs a worker does before it lets softirqs and other tasks run. */
#define MESHVPN_CRYPT_BATCH	32

#define MESHVPN_QUEUE_DRAINING	0

static struct workqueue_struct *meshvpn_crypt_wq;
static struct kmem_cache *meshvpn_job_cache;

int __init meshvpn_parallel_init(void)
{
	meshvpn_job_cache = KMEM_CACHE(meshvpn_crypt_job, 0);
	if (!meshvpn_job_cache)
		return -ENOMEM;
	/* Bound per CPU, so that a worker runs where it was kicked; crypto
	 * is CPU bound and must not hold other work of that CPU back.
	 */
	meshvpn_crypt_wq = alloc_workqueue("meshvpn-crypt",
					   WQ_CPU_INTENSIVE | WQ_MEM_RECLAIM, 0);
	if (!meshvpn_crypt_wq) {
		kmem_cache_destroy(meshvpn_job_cache);
		return -ENOMEM;
	}
	return 0;
}

void meshvpn_parallel_uninit(void)
{
	destroy_workqueue(meshvpn_crypt_wq);
	kmem_cache_destroy(meshvpn_job_cache);
}

/* Hand on the finished jobs at the head of @queue, in order. */
static void meshvpn_job_queue_drain(struct meshvpn_job_queue *queue,
				    struct meshvpn_crypt_ring *ring)
{
	struct meshvpn_crypt_job *job;
	bool more;

	do {
		/* One drainer at a time keeps the order. */
		if (test_and_set_bit_lock(MESHVPN_QUEUE_DRAINING,
					  &queue->flags))
			return;
		for (;;) {
			spin_lock(&queue->lock);
			job = list_first_entry_or_null(&queue->jobs,
						       struct meshvpn_crypt_job,
						       list);
			if (!job || atomic_read_acquire(&job->state) ==
				    MESHVPN_JOB_QUEUED) {
				spin_unlock(&queue->lock);
				break;
			}
			list_del(&job->list);
			queue->len--;
			spin_unlock(&queue->lock);
			ring->finish(job);
		}
		clear_bit_unlock(MESHVPN_QUEUE_DRAINING, &queue->flags);
		/*
		 * A job completed while this CPU held the bit found it taken
		 * and left its job to us: look at the head once more. Pairs
		 * with the barrier in meshvpn_job_complete().
		 */
		smp_mb__after_atomic();
		spin_lock(&queue->lock);
		job = list_first_entry_or_null(&queue->jobs,
					       struct meshvpn_crypt_job, list);
		more = job && atomic_read_acquire(&job->state) !=
			      MESHVPN_JOB_QUEUED;
		spin_unlock(&queue->lock);
	} while (more);
}

/* Called with bottom halves disabled. */
static void meshvpn_job_complete(struct meshvpn_crypt_job *job,
				 enum meshvpn_job_state state)
{
	struct meshvpn_job_queue *queue = job->queue;
	struct meshvpn_crypt_ring *ring = job->ring;
	/* The job, and its reference, may be gone once it is marked. */
	struct meshvpn_node *node = meshvpn_node_get(job->node);

	atomic_set_release(&job->state, state);
	/*
	 * Pairs with the barrier after the drain bit is cleared: either this
	 * CPU gets the bit, or the CPU that holds it sees the new state.
	 */
	smp_mb__before_atomic();
	meshvpn_job_queue_drain(queue, ring);
	meshvpn_node_put(node);
}

/*
 * Bottom halves stay disabled over a batch of jobs: what the batch sends or
 * delivers then waits in the softirq queues until the batch ends, and GRO
 * merges the segments of a flow instead of passing each up the stack alone.
 * The batch ends early when the ring runs dry, so a lone packet (a ping)
 * does not wait.
 */
static void meshvpn_crypt_worker(struct work_struct *work)
{
	struct meshvpn_crypt_ring *ring =
		container_of(work, struct meshvpn_crypt_worker, work)->ring;
	struct meshvpn_crypt_job *job;
	unsigned int batch = 0;

	local_bh_disable();
	while ((job = ptr_ring_consume(&ring->jobs))) {
		ring->crypt(job);
		meshvpn_job_complete(job, MESHVPN_JOB_DONE);
		if (++batch == MESHVPN_CRYPT_BATCH) {
			batch = 0;
			local_bh_enable();
			cond_resched();
			local_bh_disable();
		}
	}
	local_bh_enable();
}

/**
 * meshvpn_crypt_ring_init() - set up one direction of a device
 * @ring: the ring
 * @crypt: the crypto step, see struct meshvpn_crypt_ring
 * @finish: the in-order step, see struct meshvpn_crypt_ring
 *
 * Return: 0 or -ENOMEM.
 */
int meshvpn_crypt_ring_init(struct meshvpn_crypt_ring *ring,
			    void (*crypt)(struct meshvpn_crypt_job *job),
			    void (*finish)(struct meshvpn_crypt_job *job))
{
	int cpu;

	if (ptr_ring_init(&ring->jobs, MESHVPN_RING_SIZE, GFP_KERNEL))
		return -ENOMEM;
	ring->workers = alloc_percpu(struct meshvpn_crypt_worker);
	if (!ring->workers) {
		ptr_ring_cleanup(&ring->jobs, NULL);
		return -ENOMEM;
	}
	for_each_possible_cpu(cpu) {
		struct meshvpn_crypt_worker *w = per_cpu_ptr(ring->workers, cpu);

		INIT_WORK(&w->work, meshvpn_crypt_worker);
		w->ring = ring;
	}
	ring->crypt = crypt;
	ring->finish = finish;
	ring->last_cpu = -1;
	return 0;
}

/**
 * meshvpn_crypt_ring_uninit() - free a ring
 * @ring: the ring; no job may exist any more (each holds the device)
 *
 * Waits for workers that were kicked but found nothing left to do.
 */
void meshvpn_crypt_ring_uninit(struct meshvpn_crypt_ring *ring)
{
	int cpu;

	for_each_possible_cpu(cpu)
		flush_work(&per_cpu_ptr(ring->workers, cpu)->work);
	free_percpu(ring->workers);
	WARN_ON(!__ptr_ring_empty(&ring->jobs));
	ptr_ring_cleanup(&ring->jobs, NULL);
}

void meshvpn_job_queue_init(struct meshvpn_job_queue *queue)
{
	spin_lock_init(&queue->lock);
	INIT_LIST_HEAD(&queue->jobs);
	queue->len = 0;
	queue->flags = 0;
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

/* The next online CPU after the last one kicked, wrapping around. */
static int meshvpn_next_cpu(struct meshvpn_crypt_ring *ring)
{
	int cpu = cpumask_next(READ_ONCE(ring->last_cpu), cpu_online_mask);

	if (cpu >= nr_cpu_ids)
		cpu = cpumask_first(cpu_online_mask);
	WRITE_ONCE(ring->last_cpu, cpu);
	return cpu;
}

/**
 * meshvpn_crypt_job_submit() - queue a job for parallel crypto
 * @ring: the device's ring for the job's direction
 * @queue: the job's node's queue for that direction
 * @job: the job
 *
 * Return: 0, the job then belongs to the queue and is finished in its
 * turn (dropped if the ring was full); or -EBUSY when the node has too
 * many jobs in flight, then the caller still owns the job.
 */
int meshvpn_crypt_job_submit(struct meshvpn_crypt_ring *ring,
			     struct meshvpn_job_queue *queue,
			     struct meshvpn_crypt_job *job)
{
	int cpu;

	job->ring = ring;
	job->queue = queue;
	atomic_set(&job->state, MESHVPN_JOB_QUEUED);

	spin_lock_bh(&queue->lock);
	if (unlikely(queue->len >= MESHVPN_JOBS_PER_NODE)) {
		spin_unlock_bh(&queue->lock);
		return -EBUSY;
	}
	list_add_tail(&job->list, &queue->jobs);
	queue->len++;
	spin_unlock_bh(&queue->lock);

	if (unlikely(ptr_ring_produce_bh(&ring->jobs, job))) {
		meshvpn_limit_refused(job->node->mv, MESHVPN_LIMIT_RING_FULL);
		local_bh_disable();
		meshvpn_job_complete(job, MESHVPN_JOB_DEAD);
		local_bh_enable();
		return 0;
	}
	cpu = meshvpn_next_cpu(ring);
	queue_work_on(cpu, meshvpn_crypt_wq,
		      &per_cpu_ptr(ring->workers, cpu)->work);
	return 0;
}
