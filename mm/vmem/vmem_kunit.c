// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for vmem's pure logic (pool.c): range parsing and checks,
 * the chunk pool's lists and counters, and the poisoned-page bitmaps.
 * The chunks here have no memory behind them.
 */
#include <kunit/test.h>
#include <linux/bitmap.h>

#include "vmem.h"

#define G BIT_ULL(30)

static void vmem_parse_good(struct kunit *test)
{
	struct vmem_span s[4];

	KUNIT_EXPECT_EQ(test, vmem_parse_spans("4G@4G", s, 4), 1);
	KUNIT_EXPECT_EQ(test, s[0].start, 4 * G);
	KUNIT_EXPECT_EQ(test, s[0].size, 4 * G);
	KUNIT_EXPECT_EQ(test, vmem_parse_spans("1G@0x100000000,2048M@8G\n", s, 4), 2);
	KUNIT_EXPECT_EQ(test, s[0].start, 4 * G);
	KUNIT_EXPECT_EQ(test, s[0].size, G);
	KUNIT_EXPECT_EQ(test, s[1].start, 8 * G);
	KUNIT_EXPECT_EQ(test, s[1].size, 2 * G);
	KUNIT_EXPECT_EQ(test, vmem_parse_spans("", s, 4), 0);
	KUNIT_EXPECT_EQ(test, vmem_parse_spans(NULL, s, 4), 0);
}

static void vmem_parse_bad(struct kunit *test)
{
	struct vmem_span s[2];

	KUNIT_EXPECT_EQ(test, vmem_parse_spans("4G", s, 2), -EINVAL);
	KUNIT_EXPECT_EQ(test, vmem_parse_spans("4G@", s, 2), -EINVAL);
	KUNIT_EXPECT_EQ(test, vmem_parse_spans("@4G", s, 2), -EINVAL);
	KUNIT_EXPECT_EQ(test, vmem_parse_spans("4G@4G,", s, 2), -EINVAL);
	KUNIT_EXPECT_EQ(test, vmem_parse_spans("4G$4G", s, 2), -EINVAL);
	KUNIT_EXPECT_EQ(test, vmem_parse_spans("4G@4Gx", s, 2), -EINVAL);
	KUNIT_EXPECT_EQ(test, vmem_parse_spans("1G@1G,1G@2G,1G@3G", s, 2), -E2BIG);
}

static void vmem_check(struct kunit *test)
{
	struct vmem_span taken[] = { { 4 * G, 4 * G }, { 16 * G, G } };
	struct vmem_span s;

	s = (struct vmem_span){ 8 * G, 8 * G };	/* between, touching both */
	KUNIT_EXPECT_EQ(test, vmem_check_span(&s, taken, 2), 0);
	s = (struct vmem_span){ 7 * G, 2 * G };
	KUNIT_EXPECT_EQ(test, vmem_check_span(&s, taken, 2), -EEXIST);
	s = (struct vmem_span){ 16 * G, G };
	KUNIT_EXPECT_EQ(test, vmem_check_span(&s, taken, 2), -EEXIST);
	s = (struct vmem_span){ 0, 32 * G };
	KUNIT_EXPECT_EQ(test, vmem_check_span(&s, taken, 2), -EEXIST);
	s = (struct vmem_span){ 4 * G + 4096, G };
	KUNIT_EXPECT_EQ(test, vmem_check_span(&s, NULL, 0), -EINVAL);
	s = (struct vmem_span){ 4 * G, G / 2 };
	KUNIT_EXPECT_EQ(test, vmem_check_span(&s, NULL, 0), -EINVAL);
	s = (struct vmem_span){ 4 * G, 0 };
	KUNIT_EXPECT_EQ(test, vmem_check_span(&s, NULL, 0), -EINVAL);
	s = (struct vmem_span){ ~0ULL & ~(G - 1), 2 * G };
	KUNIT_EXPECT_EQ(test, vmem_check_span(&s, NULL, 0), -ERANGE);
}

static void vmem_pool_lists(struct kunit *test)
{
	struct vmem_chunk c[3] = {};
	struct vmem_pool *pool;
	struct vmem_chunk *got;
	bool dirty;
	int i;

	pool = kunit_kzalloc(test, sizeof(*pool), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pool);
	vmem_pool_init(pool, 0);
	for (i = 0; i < 3; i++)
		vmem_pool_add_chunk(pool, &c[i]);
	KUNIT_EXPECT_EQ(test, pool->nr_total, 3);
	KUNIT_EXPECT_EQ(test, pool->nr_dirty, 3);
	KUNIT_EXPECT_EQ(test, pool->nr_zeroed, 0);

	/* The scrubber turns one dirty chunk into a zeroed one. */
	got = vmem_pool_start_scrub(pool);
	KUNIT_ASSERT_NOT_NULL(test, got);
	KUNIT_EXPECT_EQ(test, got->state, VMEM_CHUNK_SCRUBBING);
	KUNIT_EXPECT_EQ(test, pool->nr_scrubbing, 1);
	vmem_pool_end_scrub(pool, got, true);
	KUNIT_EXPECT_EQ(test, pool->nr_scrubbing, 0);
	KUNIT_EXPECT_EQ(test, pool->nr_zeroed, 1);

	/* Zeroed chunks are handed out first, then dirty ones. */
	KUNIT_EXPECT_PTR_EQ(test, vmem_pool_take(pool, &dirty), got);
	KUNIT_EXPECT_FALSE(test, dirty);
	KUNIT_EXPECT_NOT_NULL(test, vmem_pool_take(pool, &dirty));
	KUNIT_EXPECT_TRUE(test, dirty);
	KUNIT_EXPECT_NOT_NULL(test, vmem_pool_take(pool, &dirty));
	KUNIT_EXPECT_NULL(test, vmem_pool_take(pool, &dirty));
	KUNIT_EXPECT_EQ(test, pool->nr_in_use, 3);

	/* Freed chunks are dirty; a never-used one goes back zeroed. */
	vmem_pool_put(pool, &c[0], false);
	vmem_pool_put(pool, &c[1], true);
	KUNIT_EXPECT_EQ(test, pool->nr_dirty, 1);
	KUNIT_EXPECT_EQ(test, pool->nr_zeroed, 1);
	KUNIT_EXPECT_EQ(test, pool->nr_in_use, 1);
	KUNIT_EXPECT_EQ(test, c[0].state, VMEM_CHUNK_DIRTY);

	/* A chunk the scrubber gives up on goes back dirty. */
	got = vmem_pool_start_scrub(pool);
	KUNIT_EXPECT_PTR_EQ(test, got, &c[0]);
	vmem_pool_end_scrub(pool, got, false);
	KUNIT_EXPECT_EQ(test, pool->nr_dirty, 1);
	KUNIT_EXPECT_EQ(test, pool->nr_scrubbing, 0);

	/*
	 * A file frees a chunk still referenced: parked, neither free nor
	 * in use, and out of allocation's way; then released, dirty.
	 */
	spin_lock(&pool->lock);
	vmem_pool_park_locked(pool, &c[2]);
	spin_unlock(&pool->lock);
	KUNIT_EXPECT_EQ(test, pool->nr_in_use, 0);
	KUNIT_EXPECT_EQ(test, pool->nr_pinned, 1);
	KUNIT_EXPECT_EQ(test, c[2].state, VMEM_CHUNK_PINNED);
	KUNIT_EXPECT_PTR_EQ(test, vmem_pool_take(pool, &dirty), &c[1]);
	KUNIT_EXPECT_PTR_EQ(test, vmem_pool_take(pool, &dirty), &c[0]);
	KUNIT_EXPECT_NULL(test, vmem_pool_take(pool, &dirty));
	KUNIT_EXPECT_EQ(test, pool->nr_in_use, 2);
	vmem_pool_put(pool, &c[1], true);
	vmem_pool_put(pool, &c[0], false);
	spin_lock(&pool->lock);
	vmem_pool_unpark_locked(pool, &c[2]);
	spin_unlock(&pool->lock);
	KUNIT_EXPECT_EQ(test, pool->nr_pinned, 0);
	KUNIT_EXPECT_EQ(test, pool->nr_dirty, 2);
	KUNIT_EXPECT_EQ(test, pool->nr_zeroed, 1);
	KUNIT_EXPECT_EQ(test, pool->nr_in_use, 0);
	KUNIT_EXPECT_EQ(test, c[2].state, VMEM_CHUNK_DIRTY);
	KUNIT_EXPECT_EQ(test, pool->nr_total, 3);

	spin_lock(&pool->lock);
	vmem_pool_remove_chunk_locked(pool, &c[2]);
	vmem_pool_remove_chunk_locked(pool, &c[0]);
	vmem_pool_remove_chunk_locked(pool, &c[1]);
	spin_unlock(&pool->lock);
	KUNIT_EXPECT_EQ(test, pool->nr_total, 0);
	KUNIT_EXPECT_EQ(test, pool->nr_dirty + pool->nr_zeroed, 0);
}

static void vmem_pool_poison_last(struct kunit *test)
{
	struct vmem_chunk c[2] = {};
	struct vmem_pool *pool;
	bool dirty;

	pool = kunit_kzalloc(test, sizeof(*pool), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pool);
	vmem_pool_init(pool, 0);
	c[0].nr_bad = 1;
	vmem_pool_add_chunk(pool, &c[0]);
	vmem_pool_add_chunk(pool, &c[1]);
	KUNIT_EXPECT_EQ(test, pool->nr_bad, 1);
	/* A clean chunk keeps its 1 GiB mapping: hand it out first. */
	KUNIT_EXPECT_PTR_EQ(test, vmem_pool_take(pool, &dirty), &c[1]);
	KUNIT_EXPECT_PTR_EQ(test, vmem_pool_take(pool, &dirty), &c[0]);
}

static void vmem_bad_bits(struct kunit *test)
{
	struct vmem_chunk c = {};
	unsigned long *bad;

	KUNIT_EXPECT_FALSE(test, vmem_chunk_bad_any(&c, 0, VMEM_CHUNK_PAGES));
	KUNIT_EXPECT_FALSE(test, vmem_chunk_bad(&c, 5));
	bad = bitmap_zalloc(VMEM_CHUNK_PAGES, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, bad);
	set_bit(513, bad);
	c.bad = bad;
	KUNIT_EXPECT_TRUE(test, vmem_chunk_bad(&c, 513));
	KUNIT_EXPECT_FALSE(test, vmem_chunk_bad(&c, 512));
	KUNIT_EXPECT_TRUE(test, vmem_chunk_bad_any(&c, 0, VMEM_CHUNK_PAGES));
	KUNIT_EXPECT_TRUE(test, vmem_chunk_bad_any(&c, 512, 512));
	KUNIT_EXPECT_FALSE(test, vmem_chunk_bad_any(&c, 0, 512));
	KUNIT_EXPECT_FALSE(test, vmem_chunk_bad_any(&c, 1024, 512));
	KUNIT_EXPECT_TRUE(test, vmem_chunk_bad_any(&c, 513, 1));
	KUNIT_EXPECT_FALSE(test, vmem_chunk_bad_any(&c, 514, 1));
	bitmap_free(bad);
}

static struct kunit_case vmem_cases[] = {
	KUNIT_CASE(vmem_parse_good),
	KUNIT_CASE(vmem_parse_bad),
	KUNIT_CASE(vmem_check),
	KUNIT_CASE(vmem_pool_lists),
	KUNIT_CASE(vmem_pool_poison_last),
	KUNIT_CASE(vmem_bad_bits),
	{}
};

static struct kunit_suite vmem_suite = {
	.name = "vmem",
	.test_cases = vmem_cases,
};

kunit_test_suite(vmem_suite);

MODULE_DESCRIPTION("KUnit tests for vmem's pool logic");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
