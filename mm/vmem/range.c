// SPDX-License-Identifier: GPL-2.0
/*
 * VMEM ranges: claiming boot-reserved memory as ZONE_DEVICE memory, the
 * background scrubber, chunk allocation, and memory-failure handling.
 *
 * A range is memremap_pages()'d as MEMORY_DEVICE_GENERIC with 1 GiB
 * compound pages (vmemmap_shift), so its vmemmap is deduplicated to a few
 * KiB per GiB while memory_failure() still finds our dev_pagemap_ops.
 *
 * The struct pages of a range are shared between many page frames (the
 * deduplicated vmemmap): never set a flag on one. Poison lives in our own
 * per-chunk bitmaps.
 *
 * A file can free a chunk whose pages a past user still references (an
 * io_uring fixed buffer, a vmsplice into a pipe kept open). Such a chunk
 * is parked on pool->pinned until the references go, polled once a
 * second, and while any chunk is parked the module holds a reference to
 * itself: unloading would free the pgmap ops, the resource name and the
 * pool those pages point to. Only file operations park (a mounted vmemfs
 * holds the module), never the scrubber. Nothing maps a free chunk, so
 * no lasting reference can appear once it is on a free list.
 *
 * "Referenced" is 6.12's devmap refcounting: an idle MEMORY_DEVICE_GENERIC
 * folio holds one reference, mappings take none, GUP and pipes take more.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/ioport.h>
#include <linux/memory_hotplug.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/numa.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>

#include "vmem.h"

DEFINE_MUTEX(vmem_mutex);		/* ranges: add, delete, walk */
LIST_HEAD(vmem_ranges);
struct vmem_pool **vmem_pools;		/* [nr_node_ids] */
bool vmem_scrub_enabled = true;
static struct workqueue_struct *vmem_wq;
static atomic_t vmem_nr_parked;		/* chunks on any pool->pinned */

static bool vmem_chunk_pinned(struct vmem_chunk *chunk)
{
	/* Idle ZONE_DEVICE generic pages hold one reference; GUP adds more. */
	return folio_ref_count(page_folio(pfn_to_page(chunk->pfn))) > 1;
}

/*
 * One more parked chunk, counted before it is on pool->pinned so that the
 * unpin work never releases more than the count holds. The first keeps
 * the module loaded; the caller already holds it (a mounted vmemfs).
 */
static void vmem_parked_get(void)
{
	if (atomic_inc_return(&vmem_nr_parked) == 1)
		__module_get(THIS_MODULE);
}

/*
 * @nr parked chunks were released. Called last by the unpin work: the
 * module may go once the count is zero, and its exit waits for this work.
 */
static void vmem_parked_put(unsigned int nr)
{
	if (nr && atomic_sub_and_test(nr, &vmem_nr_parked))
		module_put(THIS_MODULE);
}

/* @chunk (IN_USE, no longer in a file) is still referenced: park it. */
static void vmem_park(struct vmem_pool *pool, struct vmem_chunk *chunk)
{
	vmem_parked_get();
	spin_lock(&pool->lock);
	vmem_pool_park_locked(pool, chunk);
	spin_unlock(&pool->lock);
	queue_delayed_work(vmem_wq, &pool->unpin, HZ);
}

static void vmem_unpin_work(struct work_struct *work)
{
	struct vmem_pool *pool = container_of(to_delayed_work(work),
					      struct vmem_pool, unpin);
	struct vmem_chunk *chunk, *tmp;
	unsigned int released = 0;
	bool more;

	spin_lock(&pool->lock);
	list_for_each_entry_safe(chunk, tmp, &pool->pinned, node) {
		if (vmem_chunk_pinned(chunk))
			continue;
		vmem_pool_unpark_locked(pool, chunk);
		released++;
	}
	more = pool->nr_pinned;
	spin_unlock(&pool->lock);
	if (released)
		vmem_scrub_kick(pool);
	if (more)
		queue_delayed_work(vmem_wq, &pool->unpin, HZ);
	vmem_parked_put(released);
}

void vmem_zero_chunk(struct vmem_chunk *chunk)
{
	unsigned long i;

	for (i = 0; i < VMEM_CHUNK_PAGES; i++) {
		/* A poisoned page may not even be in the direct map any more. */
		if (!vmem_chunk_bad(chunk, i))
			clear_page(pfn_to_kaddr(chunk->pfn + i));
		if ((i & 511) == 511)
			cond_resched();
	}
}

/*
 * One chunk per run, then queued again: whoever cancels the scrubber
 * (range removal, under vmem_mutex) waits for one chunk to be zeroed, not
 * for the whole dirty pool.
 */
static void vmem_scrub_work(struct work_struct *work)
{
	struct vmem_pool *pool = container_of(to_delayed_work(work),
					      struct vmem_pool, scrub);
	struct vmem_chunk *chunk;
	bool pinned;

	if (!READ_ONCE(vmem_scrub_enabled))
		return;
	chunk = vmem_pool_start_scrub(pool);
	if (!chunk)
		return;
	/*
	 * A transient reference (GUP-fast racing the unmap): later. The
	 * scrubber holds no module reference, so it never parks.
	 */
	pinned = vmem_chunk_pinned(chunk);
	if (!pinned)
		vmem_zero_chunk(chunk);
	vmem_pool_end_scrub(pool, chunk, !pinned);
	if (READ_ONCE(vmem_scrub_enabled) && READ_ONCE(pool->nr_dirty))
		queue_delayed_work(vmem_wq, &pool->scrub, pinned ? HZ : 0);
}

void vmem_scrub_kick(struct vmem_pool *pool)
{
	if (READ_ONCE(vmem_scrub_enabled))
		mod_delayed_work(vmem_wq, &pool->scrub, 0);
}

void vmem_scrub_set(bool on)
{
	int nid;

	WRITE_ONCE(vmem_scrub_enabled, on);
	if (!on)
		return;
	for_each_node(nid)
		vmem_scrub_kick(vmem_pools[nid]);
}

struct vmem_pool *vmem_pool_get(int nid)
{
	if (nid < 0 || nid >= nr_node_ids || !node_possible(nid))
		return NULL;
	return vmem_pools[nid];
}

u64 vmem_capacity(int nid)
{
	u64 chunks = 0;
	int n;

	for_each_node(n) {
		if (nid == NUMA_NO_NODE || nid == n)
			chunks += READ_ONCE(vmem_pools[n]->nr_total);
	}
	return chunks << VMEM_CHUNK_SHIFT;
}

/*
 * One chunk from @nid's pool, or from any pool (the local one first) for
 * NUMA_NO_NODE. Waits for the scrubber when only chunks being scrubbed are
 * left. Return: the chunk (IN_USE, @dirty says whether it needs zeroing),
 * ERR_PTR(-ENOSPC) or ERR_PTR(-EINTR).
 */
static struct vmem_chunk *vmem_take_one(int nid, bool *dirty)
{
	int first = nid == NUMA_NO_NODE ? numa_node_id() : nid;
	struct vmem_pool *wait_on;
	struct vmem_chunk *chunk;
	int i, n;

	for (;;) {
		wait_on = NULL;
		for (i = 0; i < nr_node_ids; i++) {
			n = (first + i) % nr_node_ids;
			if (!node_possible(n) || (nid != NUMA_NO_NODE && n != nid))
				continue;
			/* Parked, a pinned chunk no longer hides the others. */
			while ((chunk = vmem_pool_take(vmem_pools[n], dirty)) &&
			       *dirty && vmem_chunk_pinned(chunk))
				vmem_park(vmem_pools[n], chunk);
			if (chunk)
				return chunk;
			if (READ_ONCE(vmem_pools[n]->nr_scrubbing))
				wait_on = vmem_pools[n];
		}
		if (!wait_on)
			return ERR_PTR(-ENOSPC);
		if (wait_event_killable(wait_on->wait,
					!READ_ONCE(wait_on->nr_scrubbing) ||
					READ_ONCE(wait_on->nr_zeroed)))
			return ERR_PTR(-EINTR);
	}
}

/**
 * vmem_alloc_chunks - take @nr zeroed chunks for a file
 * @nid: pool node, or NUMA_NO_NODE for any
 * @out: the chunks
 * @nr: how many
 *
 * Zeroes dirty chunks synchronously when no zeroed one is left.
 * Return: 0, -ENOSPC or -EINTR; on error nothing is taken.
 */
int vmem_alloc_chunks(int nid, struct vmem_chunk **out, unsigned int nr)
{
	struct vmem_chunk *chunk;
	unsigned int i;
	bool dirty;

	for (i = 0; i < nr; i++) {
		chunk = vmem_take_one(nid, &dirty);
		if (IS_ERR(chunk))
			goto undo;
		if (dirty)
			vmem_zero_chunk(chunk);
		out[i] = chunk;
	}
	return 0;
undo:
	while (i--)
		vmem_pool_put(out[i]->range->pool, out[i], true);
	return PTR_ERR(chunk);
}

/* Record @chunk as page range @index of file @vi (for memory failures). */
void vmem_chunk_own(struct vmem_chunk *chunk, struct vmem_inode *vi,
		    pgoff_t index)
{
	struct vmem_pool *pool = chunk->range->pool;

	spin_lock(&pool->lock);
	chunk->owner = vi;
	chunk->index = index;
	spin_unlock(&pool->lock);
}

void vmem_free_chunk(struct vmem_chunk *chunk)
{
	struct vmem_pool *pool = chunk->range->pool;

	if (vmem_chunk_pinned(chunk)) {
		vmem_park(pool, chunk);
		return;
	}
	vmem_pool_put(pool, chunk, false);
	vmem_scrub_kick(pool);
}

static int vmem_poison_pfn(struct vmem_range *range, unsigned long pfn,
			   int mf_flags)
{
	unsigned long idx = (pfn - PHYS_PFN(range->start)) >> VMEM_CHUNK_ORDER;
	struct vmem_chunk *chunk = &range->chunks[idx];
	unsigned long page = pfn - chunk->pfn;
	struct vmem_pool *pool = range->pool;
	unsigned int signalled = 0;
	struct inode *inode = NULL;
	unsigned long *new = NULL;
	pgoff_t pgoff = 0;
	bool already;
	int ret = 0;

	if (!READ_ONCE(chunk->bad)) {
		new = bitmap_zalloc(VMEM_CHUNK_PAGES, GFP_KERNEL);
		if (!new)
			return -ENOMEM;
	}

	spin_lock(&pool->lock);
	if (!chunk->bad) {
		/* Pairs with vmem_chunk_bad_map(): zeroes before pointer. */
		smp_store_release(&chunk->bad, new);
		new = NULL;
		pool->meta_bytes += BITS_TO_LONGS(VMEM_CHUNK_PAGES) * sizeof(long);
	}
	already = test_and_set_bit(page, chunk->bad);
	if (!already) {
		chunk->nr_bad++;
		pool->nr_bad++;
	}
	if (chunk->state == VMEM_CHUNK_IN_USE && chunk->owner) {
		inode = igrab(&chunk->owner->vfs_inode);
		pgoff = chunk->index * VMEM_CHUNK_PAGES + page;
	}
	spin_unlock(&pool->lock);
	bitmap_free(new);

	/*
	 * A second report for a page we already isolated only matters to a
	 * task that consumed it again (action required).
	 */
	if (inode && (!already || (mf_flags & MF_ACTION_REQUIRED)))
		ret = vmem_poison_file(VMEM_I(inode), pgoff, mf_flags,
				       &signalled);
	if (!already) {
		if (inode)
			pr_warn("memory error at pfn %#lx: file %lu offset %#llx, %u processes signalled\n",
				pfn, inode->i_ino, (u64)pgoff << PAGE_SHIFT,
				signalled);
		else
			pr_warn("memory error at pfn %#lx: free chunk, page retired\n",
				pfn);
		vmem_nl_poison_event(chunk, pfn, inode ? inode->i_sb->s_dev : 0,
				     inode ? inode->i_ino : 0,
				     (u64)pgoff << PAGE_SHIFT, signalled);
	}
	iput(inode);
	return ret;
}

static int vmem_memory_failure(struct dev_pagemap *pgmap, unsigned long pfn,
			       unsigned long nr_pages, int mf_flags)
{
	struct vmem_range *range = container_of(pgmap, struct vmem_range, pgmap);
	unsigned long i;
	int ret = 0, err;

	for (i = 0; i < nr_pages; i++) {
		err = vmem_poison_pfn(range, pfn + i, mf_flags);
		if (err && !ret)
			ret = err;
	}
	return ret;
}

static const struct dev_pagemap_ops vmem_pgmap_ops = {
	.memory_failure = vmem_memory_failure,
};

/**
 * vmem_range_add - claim boot-reserved memory
 * @start: physical address, 1 GiB aligned
 * @size: bytes, a multiple of 1 GiB
 * @why: set to a message for the operator on failure
 *
 * Return: 0 or a negative errno.
 */
int vmem_range_add(u64 start, u64 size, const char **why)
{
	struct vmem_span span = { .start = start, .size = size };
	struct vmem_range *range;
	struct vmem_pool *pool;
	unsigned int i, n;
	void *addr;
	int nid, ret;

	mutex_lock(&vmem_mutex);
	list_for_each_entry(range, &vmem_ranges, node) {
		struct vmem_span t = { .start = range->start, .size = range->size };

		ret = vmem_check_span(&span, &t, 1);
		if (ret == -EEXIST) {
			*why = "range overlaps a range vmem already manages";
			goto out;
		}
	}
	ret = vmem_check_span(&span, NULL, 0);
	if (ret) {
		*why = ret == -ERANGE ? "range wraps around the address space" :
			"start and size must be non-zero multiples of 1 GiB";
		ret = -EINVAL;
		goto out;
	}
	if (start + size > BIT_ULL(MAX_PHYSMEM_BITS)) {
		*why = "range is beyond the physical address space";
		ret = -ERANGE;
		goto out;
	}
	if (region_intersects(start, size, IORESOURCE_SYSTEM_RAM,
			      IORES_DESC_NONE) != REGION_DISJOINT) {
		*why = "range overlaps System RAM";
		ret = -EBUSY;
		goto out;
	}
	if (region_intersects(start, size, IORESOURCE_MEM,
			      IORES_DESC_RESERVED) != REGION_INTERSECTS) {
		*why = "range is not all reserved memory (boot with memmap=SIZE$START)";
		ret = -EINVAL;
		goto out;
	}

	n = size >> VMEM_CHUNK_SHIFT;
	range = kvzalloc(struct_size(range, chunks, n), GFP_KERNEL);
	if (!range) {
		ret = -ENOMEM;
		goto out;
	}
	range->nr_chunks = n;
	range->start = start;
	range->size = size;
	range->res = request_mem_region(start, size, "vmem");
	if (!range->res) {
		*why = "range is claimed by another driver";
		ret = -EBUSY;
		goto free;
	}

	nid = phys_to_target_node(start);
	if (nid == NUMA_NO_NODE)
		nid = memory_add_physaddr_to_nid(start);
	pool = vmem_pool_get(nid) ?: vmem_pools[first_node(node_possible_map)];
	range->pool = pool;

	/* Ready before memremap_pages(): a memory failure may come at once. */
	for (i = 0; i < n; i++) {
		range->chunks[i].range = range;
		range->chunks[i].pfn = PHYS_PFN(start) + i * VMEM_CHUNK_PAGES;
		INIT_LIST_HEAD(&range->chunks[i].node);
	}

	range->pgmap.type = MEMORY_DEVICE_GENERIC;
	range->pgmap.range.start = start;
	range->pgmap.range.end = start + size - 1;
	range->pgmap.nr_range = 1;
	range->pgmap.vmemmap_shift = VMEM_CHUNK_ORDER;
	range->pgmap.ops = &vmem_pgmap_ops;
	addr = memremap_pages(&range->pgmap, pool->nid);
	if (IS_ERR(addr)) {
		*why = "memremap_pages() failed";
		ret = PTR_ERR(addr);
		goto release;
	}

	for (i = 0; i < n; i++)
		vmem_pool_add_chunk(pool, &range->chunks[i]);
	spin_lock(&pool->lock);
	pool->meta_bytes += struct_size(range, chunks, n);
	spin_unlock(&pool->lock);
	list_add_tail(&range->node, &vmem_ranges);
	vmem_scrub_kick(pool);
	pr_info("claimed %#llx-%#llx (%llu GiB) for node %d\n", start,
		start + size - 1, size >> VMEM_CHUNK_SHIFT, pool->nid);
	mutex_unlock(&vmem_mutex);
	return 0;

release:
	release_mem_region(start, size);
	for (i = 0; i < n; i++)
		bitmap_free(range->chunks[i].bad);
free:
	kvfree(range);
out:
	mutex_unlock(&vmem_mutex);
	return ret;
}

/* Caller holds vmem_mutex; the range's chunks are all free. */
static void vmem_range_free(struct vmem_range *range)
{
	struct vmem_pool *pool = range->pool;
	unsigned int i;

	memunmap_pages(&range->pgmap);
	release_mem_region(range->start, range->size);
	spin_lock(&pool->lock);
	for (i = 0; i < range->nr_chunks; i++) {
		if (range->chunks[i].bad)
			pool->meta_bytes -= BITS_TO_LONGS(VMEM_CHUNK_PAGES) *
					    sizeof(long);
	}
	pool->meta_bytes -= struct_size(range, chunks, range->nr_chunks);
	spin_unlock(&pool->lock);
	for (i = 0; i < range->nr_chunks; i++)
		bitmap_free(range->chunks[i].bad);
	pr_info("released %#llx-%#llx\n", range->start,
		range->start + range->size - 1);
	kvfree(range);
}

/* Detach every chunk of @range from its pool, or none (-EBUSY). */
static int vmem_range_detach(struct vmem_range *range, const char **why)
{
	struct vmem_pool *pool = range->pool;
	unsigned int i;
	int ret = 0;

	/* The scrubber holds chunks outside the lists: let it finish. */
	cancel_delayed_work_sync(&pool->scrub);
	spin_lock(&pool->lock);
	for (i = 0; i < range->nr_chunks; i++) {
		struct vmem_chunk *chunk = &range->chunks[i];

		if (chunk->state == VMEM_CHUNK_IN_USE) {
			*why = "range has memory in use by vmemfs files";
			ret = -EBUSY;
			break;
		}
		if (chunk->state == VMEM_CHUNK_PINNED) {
			*why = "range has pages still referenced by a past user (GUP, vmsplice)";
			ret = -EBUSY;
			break;
		}
		if (chunk->state == VMEM_CHUNK_SCRUBBING) {
			*why = "range is being scrubbed; try again";
			ret = -EAGAIN;
			break;
		}
		if (vmem_chunk_pinned(chunk)) {
			*why = "range has pages still pinned (GUP) by a past user";
			ret = -EBUSY;
			break;
		}
	}
	if (!ret) {
		for (i = 0; i < range->nr_chunks; i++)
			vmem_pool_remove_chunk_locked(pool, &range->chunks[i]);
	}
	spin_unlock(&pool->lock);
	vmem_scrub_kick(pool);
	return ret;
}

int vmem_range_del(u64 start, const char **why)
{
	struct vmem_range *range;
	int ret = -ENOENT;

	*why = "no vmem range starts at that address";
	mutex_lock(&vmem_mutex);
	list_for_each_entry(range, &vmem_ranges, node) {
		if (range->start != start)
			continue;
		ret = vmem_range_detach(range, why);
		if (!ret) {
			list_del(&range->node);
			vmem_range_free(range);
		}
		break;
	}
	mutex_unlock(&vmem_mutex);
	return ret;
}

/* Module exit: vmemfs is gone, so no chunk is in use any more. */
void vmem_ranges_exit(void)
{
	struct vmem_range *range, *tmp;
	const char *why;

	mutex_lock(&vmem_mutex);
	list_for_each_entry_safe(range, tmp, &vmem_ranges, node) {
		if (vmem_range_detach(range, &why)) {
			/* Leak the range rather than unmap memory in use. */
			pr_err("cannot release %#llx: %s\n", range->start, why);
			continue;
		}
		list_del(&range->node);
		vmem_range_free(range);
	}
	mutex_unlock(&vmem_mutex);
}

int vmem_pools_init(void)
{
	int nid;

	vmem_wq = alloc_workqueue("vmem_scrub", WQ_UNBOUND, 0);
	if (!vmem_wq)
		return -ENOMEM;
	vmem_pools = kcalloc(nr_node_ids, sizeof(*vmem_pools), GFP_KERNEL);
	if (!vmem_pools)
		goto err;
	for_each_node(nid) {
		vmem_pools[nid] = kzalloc(sizeof(*vmem_pools[nid]), GFP_KERNEL);
		if (!vmem_pools[nid])
			goto err;
		vmem_pool_init(vmem_pools[nid], nid);
		INIT_DELAYED_WORK(&vmem_pools[nid]->scrub, vmem_scrub_work);
		INIT_DELAYED_WORK(&vmem_pools[nid]->unpin, vmem_unpin_work);
	}
	return 0;
err:
	vmem_pools_exit();
	return -ENOMEM;
}

void vmem_pools_exit(void)
{
	int nid;

	if (vmem_pools) {
		for_each_node(nid) {
			if (vmem_pools[nid]) {
				cancel_delayed_work_sync(&vmem_pools[nid]->scrub);
				cancel_delayed_work_sync(&vmem_pools[nid]->unpin);
			}
			kfree(vmem_pools[nid]);
		}
		kfree(vmem_pools);
		vmem_pools = NULL;
	}
	destroy_workqueue(vmem_wq);
}
