/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VMEM internals: ranges of boot-reserved memory become ZONE_DEVICE memory
 * with 1 GiB compound pages, split into 1 GiB chunks that per-node pools
 * hand to vmemfs files.
 */
#ifndef _VMEM_H
#define _VMEM_H

#include <linux/fs.h>
#include <linux/list.h>
#include <linux/memremap.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <vmhost/vmem.h>

#define VMEM_CHUNK_ORDER	(VMEM_CHUNK_SHIFT - PAGE_SHIFT)
#define VMEM_CHUNK_PAGES	BIT(VMEM_CHUNK_ORDER)
#define VMEM_MAX_SPANS		16

enum vmem_chunk_state {
	VMEM_CHUNK_ZEROED,	/* on pool->zeroed */
	VMEM_CHUNK_DIRTY,	/* on pool->dirty */
	VMEM_CHUNK_SCRUBBING,	/* being zeroed by the scrubber */
	VMEM_CHUNK_IN_USE,	/* owned by a file */
	VMEM_CHUNK_PINNED,	/* freed, pages still referenced: pool->pinned */
};

struct vmem_inode;
struct vmem_range;

/*
 * One 1 GiB chunk. @bad is a bitmap of poisoned 4 KiB pages, allocated on
 * the first poison only; it is published with smp_store_release() and read
 * without the pool lock by the fault path.
 */
struct vmem_chunk {
	struct list_head node;		/* pool->zeroed, ->dirty or ->pinned */
	struct vmem_range *range;
	unsigned long pfn;		/* first page frame */
	unsigned long *bad;
	unsigned int nr_bad;
	u8 state;			/* enum vmem_chunk_state */
	struct vmem_inode *owner;	/* IN_USE: the file, under pool->lock */
	pgoff_t index;			/* IN_USE: chunk index in the file */
};

/* The free chunks of one NUMA node and their counters. */
struct vmem_pool {
	int nid;
	spinlock_t lock;		/* lists, counters, chunk state/owner */
	struct list_head zeroed;
	struct list_head dirty;
	struct list_head pinned;
	unsigned int nr_total;
	unsigned int nr_zeroed;
	unsigned int nr_dirty;
	unsigned int nr_scrubbing;
	unsigned int nr_in_use;
	unsigned int nr_pinned;
	u64 nr_bad;
	u64 meta_bytes;
	wait_queue_head_t wait;		/* a scrub finished */
	struct delayed_work scrub;
	struct delayed_work unpin;	/* polls pool->pinned */
};

/* A claimed physical range: its own dev_pagemap and chunk descriptors. */
struct vmem_range {
	struct list_head node;		/* vmem_ranges */
	struct vmem_pool *pool;
	phys_addr_t start;
	phys_addr_t size;
	struct resource *res;
	struct dev_pagemap pgmap;
	unsigned int nr_chunks;
	struct vmem_chunk chunks[] __counted_by(nr_chunks);
};

/* A physical span before it is claimed (module parameter, netlink). */
struct vmem_span {
	u64 start;
	u64 size;
};

struct vmem_inode {
	struct inode vfs_inode;
	struct list_head files;		/* vmem_files, under vmem_files_lock */
	int nid;			/* NUMA_NO_NODE: any pool */
	unsigned int nr_chunks;		/* == i_size >> VMEM_CHUNK_SHIFT */
	struct vmem_chunk **chunks;	/* under invalidate_lock */
	struct xarray repl;		/* file page index -> clean page */
	spinlock_t vmas_lock;
	struct list_head vmas;		/* struct vmem_vma */
	atomic64_t maps_1g;
	atomic64_t maps_2m;
	atomic64_t maps_4k;
};

static inline struct vmem_inode *VMEM_I(struct inode *inode)
{
	return container_of(inode, struct vmem_inode, vfs_inode);
}

/* pool.c: pure logic, covered by KUnit (vmem_kunit.c) */
int vmem_parse_spans(const char *s, struct vmem_span *spans, int max);
int vmem_check_span(const struct vmem_span *span, const struct vmem_span *taken,
		    int nr_taken);
void vmem_pool_init(struct vmem_pool *pool, int nid);
void vmem_pool_add_chunk(struct vmem_pool *pool, struct vmem_chunk *chunk);
void vmem_pool_remove_chunk_locked(struct vmem_pool *pool,
				   struct vmem_chunk *chunk);
struct vmem_chunk *vmem_pool_take(struct vmem_pool *pool, bool *dirty);
void vmem_pool_put(struct vmem_pool *pool, struct vmem_chunk *chunk,
		   bool zeroed);
struct vmem_chunk *vmem_pool_start_scrub(struct vmem_pool *pool);
void vmem_pool_end_scrub(struct vmem_pool *pool, struct vmem_chunk *chunk,
			 bool zeroed);
void vmem_pool_park_locked(struct vmem_pool *pool, struct vmem_chunk *chunk);
void vmem_pool_unpark_locked(struct vmem_pool *pool, struct vmem_chunk *chunk);
bool vmem_chunk_bad_any(const struct vmem_chunk *chunk, unsigned long first,
			unsigned long nr);
bool vmem_chunk_bad(const struct vmem_chunk *chunk, unsigned long page);

/* The poison bitmap of @chunk, or NULL while it has no poison. */
static inline const unsigned long *
vmem_chunk_bad_map(const struct vmem_chunk *chunk)
{
	/* Pairs with smp_store_release() in vmem_poison_pfn(). */
	return smp_load_acquire(&chunk->bad);
}

/* range.c */
extern struct mutex vmem_mutex;
extern struct list_head vmem_ranges;
extern struct vmem_pool **vmem_pools;
extern bool vmem_scrub_enabled;
int vmem_pools_init(void);
void vmem_pools_exit(void);
struct vmem_pool *vmem_pool_get(int nid);
int vmem_range_add(u64 start, u64 size, const char **why);
int vmem_range_del(u64 start, const char **why);
void vmem_ranges_exit(void);
void vmem_scrub_kick(struct vmem_pool *pool);
void vmem_scrub_set(bool on);
void vmem_zero_chunk(struct vmem_chunk *chunk);
int vmem_alloc_chunks(int nid, struct vmem_chunk **out, unsigned int nr);
void vmem_chunk_own(struct vmem_chunk *chunk, struct vmem_inode *vi,
		    pgoff_t index);
void vmem_free_chunk(struct vmem_chunk *chunk);
u64 vmem_capacity(int nid);

/* fs.c */
extern spinlock_t vmem_files_lock;
extern struct list_head vmem_files;
int vmem_fs_init(void);
void vmem_fs_exit(void);
int vmem_poison_file(struct vmem_inode *vi, pgoff_t pgoff, int mf_flags,
		     unsigned int *signalled);
unsigned int vmem_file_unrepaired(struct vmem_inode *vi);
bool vmem_file_repaired(struct vmem_inode *vi, pgoff_t pgoff);

/* netlink.c */
int vmem_nl_init(void);
void vmem_nl_exit(void);
void vmem_nl_poison_event(struct vmem_chunk *chunk, unsigned long pfn,
			  dev_t dev, unsigned long ino, u64 offset,
			  unsigned int signalled);

#endif /* _VMEM_H */
