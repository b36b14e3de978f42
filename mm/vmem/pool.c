// SPDX-License-Identifier: GPL-2.0
/*
 * VMEM pure logic: range parsing and checks, the per-node chunk pool, and
 * the poisoned-page bitmaps. Nothing here touches the memory itself, so
 * vmem_kunit.c drives it with chunks that have no memory behind them.
 */
#include <linux/bitmap.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/lockdep.h>
#include <linux/overflow.h>
#include <linux/string.h>
#include <kunit/visibility.h>

#include "vmem.h"

/**
 * vmem_parse_spans - parse "SIZE@START[,SIZE@START...]"
 * @s: the string; sizes and addresses take K/M/G/T suffixes (memparse)
 * @spans: filled with the spans found
 * @max: capacity of @spans
 *
 * Return: the number of spans, or -EINVAL for a malformed string and
 * -E2BIG for more than @max spans. Alignment is vmem_check_span()'s job.
 */
int vmem_parse_spans(const char *s, struct vmem_span *spans, int max)
{
	int n = 0;
	char *end;

	if (!s)
		return 0;
	while (*s) {
		u64 size, start;

		if (n == max)
			return -E2BIG;
		size = memparse(s, &end);
		if (end == s || *end != '@')
			return -EINVAL;
		s = end + 1;
		start = memparse(s, &end);
		if (end == s || (*end && *end != ',' && *end != '\n'))
			return -EINVAL;
		spans[n].start = start;
		spans[n].size = size;
		n++;
		s = end;
		if (*s == ',') {
			s++;
			if (!*s)
				return -EINVAL;
		} else if (*s == '\n') {
			s++;
		}
	}
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(vmem_parse_spans);

/**
 * vmem_check_span - may @span become a range?
 * @span: the candidate
 * @taken: ranges already claimed
 * @nr_taken: entries in @taken
 *
 * Return: 0, -EINVAL when empty or not 1 GiB aligned, -ERANGE when it
 * wraps around, -EEXIST when it overlaps a claimed range.
 */
int vmem_check_span(const struct vmem_span *span, const struct vmem_span *taken,
		    int nr_taken)
{
	u64 end;
	int i;

	if (!span->size || !IS_ALIGNED(span->start, VMEM_CHUNK_SIZE) ||
	    !IS_ALIGNED(span->size, VMEM_CHUNK_SIZE))
		return -EINVAL;
	if (check_add_overflow(span->start, span->size, &end))
		return -ERANGE;
	for (i = 0; i < nr_taken; i++) {
		if (span->start < taken[i].start + taken[i].size &&
		    taken[i].start < end)
			return -EEXIST;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vmem_check_span);

void vmem_pool_init(struct vmem_pool *pool, int nid)
{
	memset(pool, 0, sizeof(*pool));
	pool->nid = nid;
	spin_lock_init(&pool->lock);
	INIT_LIST_HEAD(&pool->zeroed);
	INIT_LIST_HEAD(&pool->dirty);
	INIT_LIST_HEAD(&pool->pinned);
	init_waitqueue_head(&pool->wait);
}
EXPORT_SYMBOL_IF_KUNIT(vmem_pool_init);

/* Chunks with poison go to the tail: clean ones keep their 1 GiB mapping. */
static void vmem_pool_queue(struct list_head *list, struct vmem_chunk *chunk)
{
	if (chunk->nr_bad)
		list_add_tail(&chunk->node, list);
	else
		list_add(&chunk->node, list);
}

/* Put a free chunk on the zeroed or the dirty list. */
static void vmem_pool_free_locked(struct vmem_pool *pool,
				  struct vmem_chunk *chunk, bool zeroed)
{
	if (zeroed) {
		chunk->state = VMEM_CHUNK_ZEROED;
		vmem_pool_queue(&pool->zeroed, chunk);
		pool->nr_zeroed++;
	} else {
		chunk->state = VMEM_CHUNK_DIRTY;
		vmem_pool_queue(&pool->dirty, chunk);
		pool->nr_dirty++;
	}
}

/* A new chunk's contents are unknown: it starts dirty. */
void vmem_pool_add_chunk(struct vmem_pool *pool, struct vmem_chunk *chunk)
{
	spin_lock(&pool->lock);
	chunk->owner = NULL;
	vmem_pool_free_locked(pool, chunk, false);
	pool->nr_total++;
	pool->nr_bad += chunk->nr_bad;
	spin_unlock(&pool->lock);
}
EXPORT_SYMBOL_IF_KUNIT(vmem_pool_add_chunk);

/* Only free chunks can leave: the caller checked them under pool->lock. */
void vmem_pool_remove_chunk_locked(struct vmem_pool *pool,
				   struct vmem_chunk *chunk)
{
	lockdep_assert_held(&pool->lock);
	list_del_init(&chunk->node);
	if (chunk->state == VMEM_CHUNK_ZEROED)
		pool->nr_zeroed--;
	else
		pool->nr_dirty--;
	pool->nr_total--;
	pool->nr_bad -= chunk->nr_bad;
}
EXPORT_SYMBOL_IF_KUNIT(vmem_pool_remove_chunk_locked);

/**
 * vmem_pool_take - take a free chunk, zeroed ones first
 * @pool: the pool
 * @dirty: set when the chunk must be zeroed before use
 *
 * Return: the chunk, now IN_USE, or NULL when neither list has one (the
 * caller may wait for pool->nr_scrubbing to drop).
 */
struct vmem_chunk *vmem_pool_take(struct vmem_pool *pool, bool *dirty)
{
	struct vmem_chunk *chunk;

	spin_lock(&pool->lock);
	chunk = list_first_entry_or_null(&pool->zeroed, struct vmem_chunk, node);
	*dirty = false;
	if (chunk) {
		pool->nr_zeroed--;
	} else {
		chunk = list_first_entry_or_null(&pool->dirty,
						 struct vmem_chunk, node);
		if (chunk) {
			pool->nr_dirty--;
			*dirty = true;
		}
	}
	if (chunk) {
		list_del_init(&chunk->node);
		chunk->state = VMEM_CHUNK_IN_USE;
		pool->nr_in_use++;
	}
	spin_unlock(&pool->lock);
	return chunk;
}
EXPORT_SYMBOL_IF_KUNIT(vmem_pool_take);

/* Give back an IN_USE chunk; @zeroed when nobody ever wrote to it. */
void vmem_pool_put(struct vmem_pool *pool, struct vmem_chunk *chunk,
		   bool zeroed)
{
	spin_lock(&pool->lock);
	chunk->owner = NULL;
	pool->nr_in_use--;
	vmem_pool_free_locked(pool, chunk, zeroed);
	spin_unlock(&pool->lock);
}
EXPORT_SYMBOL_IF_KUNIT(vmem_pool_put);

/* The scrubber's next chunk: the first dirty one, now SCRUBBING. */
struct vmem_chunk *vmem_pool_start_scrub(struct vmem_pool *pool)
{
	struct vmem_chunk *chunk;

	spin_lock(&pool->lock);
	chunk = list_first_entry_or_null(&pool->dirty, struct vmem_chunk, node);
	if (chunk) {
		list_del_init(&chunk->node);
		chunk->state = VMEM_CHUNK_SCRUBBING;
		pool->nr_dirty--;
		pool->nr_scrubbing++;
	}
	spin_unlock(&pool->lock);
	return chunk;
}
EXPORT_SYMBOL_IF_KUNIT(vmem_pool_start_scrub);

/* Done (@zeroed) or given up (still referenced), wake waiters. */
void vmem_pool_end_scrub(struct vmem_pool *pool, struct vmem_chunk *chunk,
			 bool zeroed)
{
	spin_lock(&pool->lock);
	pool->nr_scrubbing--;
	if (zeroed) {
		vmem_pool_free_locked(pool, chunk, true);
	} else {
		/* Behind the other dirty chunks, not in front. */
		chunk->state = VMEM_CHUNK_DIRTY;
		list_add_tail(&chunk->node, &pool->dirty);
		pool->nr_dirty++;
	}
	spin_unlock(&pool->lock);
	wake_up_all(&pool->wait);
}
EXPORT_SYMBOL_IF_KUNIT(vmem_pool_end_scrub);

/*
 * Park an IN_USE chunk whose pages someone still references, so that
 * neither allocation nor the scrubber meets it until they are released.
 */
void vmem_pool_park_locked(struct vmem_pool *pool, struct vmem_chunk *chunk)
{
	lockdep_assert_held(&pool->lock);
	chunk->owner = NULL;
	pool->nr_in_use--;
	chunk->state = VMEM_CHUNK_PINNED;
	list_add_tail(&chunk->node, &pool->pinned);
	pool->nr_pinned++;
}
EXPORT_SYMBOL_IF_KUNIT(vmem_pool_park_locked);

/* A parked chunk was released: it is dirty now. */
void vmem_pool_unpark_locked(struct vmem_pool *pool, struct vmem_chunk *chunk)
{
	lockdep_assert_held(&pool->lock);
	list_del_init(&chunk->node);
	pool->nr_pinned--;
	vmem_pool_free_locked(pool, chunk, false);
}
EXPORT_SYMBOL_IF_KUNIT(vmem_pool_unpark_locked);

/* Is any of pages [@first, @first + @nr) of @chunk poisoned? */
bool vmem_chunk_bad_any(const struct vmem_chunk *chunk, unsigned long first,
			unsigned long nr)
{
	const unsigned long *bad = vmem_chunk_bad_map(chunk);

	if (!bad)
		return false;
	return find_next_bit(bad, first + nr, first) < first + nr;
}
EXPORT_SYMBOL_IF_KUNIT(vmem_chunk_bad_any);

bool vmem_chunk_bad(const struct vmem_chunk *chunk, unsigned long page)
{
	const unsigned long *bad = vmem_chunk_bad_map(chunk);

	return bad && test_bit(page, bad);
}
EXPORT_SYMBOL_IF_KUNIT(vmem_chunk_bad);
