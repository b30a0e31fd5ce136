// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the contiguous memory regions best-fit allocator.
 *
 * Every step is checked against a reference model: a bitmap of the
 * region's pages.  The regions use fake physical ranges.
 *
 * Copyright (C) 2026 The CMA regions developers
 */

#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/cma_regions.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/prandom.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include "../internal.h"

/* On a 256 MiB boundary and below 4 GiB. */
#define BF_BASE		((phys_addr_t)0xf0000000)

struct bf_model {
	struct kunit *test;
	struct cma_region *reg;
	unsigned long *used;		/* one bit per page of the region */
	unsigned long pages;
	unsigned int chunks;
	struct cma_region_stats stats;	/* what the region must count */
};

/* Chunks a failed test left keep the core's copy, not this handle. */
static void bf_region_release(void *data)
{
	cma_region_unregister(data);
	kfree(data);
}

static struct bf_model *bf_setup_at(struct kunit *test, phys_addr_t start,
				    size_t size)
{
	struct bf_model *m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, m);
	m->test = test;
	m->pages = size >> PAGE_SHIFT;
	m->used = kunit_kcalloc(test, BITS_TO_LONGS(m->pages),
				sizeof(unsigned long), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m->used);
	m->reg = kzalloc(sizeof(*m->reg), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m->reg);
	m->reg->name = "kt-bf";
	m->reg->start = start;
	m->reg->size = size;
	m->reg->alloc_name = "bf";
	if (cma_region_register(m->reg)) {
		kfree(m->reg);
		KUNIT_FAIL_AND_ABORT(test, "cannot register the test region");
		return NULL;	/* not reached: the test was aborted */
	}
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, bf_region_release,
							m->reg), 0);
	KUNIT_ASSERT_NOT_NULL_MSG(test, m->reg->core->alloc,
				  "the best-fit allocator is not registered");
	return m;
}

static struct bf_model *bf_setup(struct kunit *test, size_t size)
{
	return bf_setup_at(test, BF_BASE, size);
}

static unsigned long bf_page(struct bf_model *m, phys_addr_t addr)
{
	return (addr - m->reg->start) >> PAGE_SHIFT;
}

/* Each hole must be a maximal run of free pages in the model. */
static void bf_check_hole(void *arg, phys_addr_t start, phys_addr_t size)
{
	struct bf_model *m = arg;
	unsigned long first = bf_page(m, start), nr = size >> PAGE_SHIFT;

	KUNIT_EXPECT_EQ(m->test, find_next_bit(m->used, first + nr, first),
			first + nr);
	if (first)
		KUNIT_EXPECT_TRUE(m->test, test_bit(first - 1, m->used));
	if (first + nr < m->pages)
		KUNIT_EXPECT_TRUE(m->test, test_bit(first + nr, m->used));
}

/* The allocator's invariants hold and its holes are the model's. */
static void bf_check(struct bf_model *m)
{
	const char *err = cma_bf_verify(m->reg->core, bf_check_hole, m);
	size_t free = (m->pages - bitmap_weight(m->used, m->pages)) <<
		      PAGE_SHIFT;
	struct cma_region *reg = m->reg->core;
	unsigned long start, end = 0, largest = 0, extents = 0;
	struct cma_free_extents *fe;
	unsigned int i;

	KUNIT_ASSERT_NULL_MSG(m->test, err, "%s", err);
	KUNIT_ASSERT_EQ(m->test, reg->free_space, free);
	fe = kunit_kzalloc(m->test, 2 * sizeof(*fe), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(m->test, fe);
	/* The model's free runs, by size class, in fe[1]. */
	for (;;) {
		start = find_next_zero_bit(m->used, m->pages, end);
		if (start >= m->pages)
			break;
		end = find_next_bit(m->used, m->pages, start);
		largest = max(largest, end - start);
		fe[1].count[ilog2(end - start)]++;
		extents++;
	}
	/* As the allocator reports them. */
	mutex_lock(&reg->lock);
	KUNIT_EXPECT_EQ(m->test, reg->alloc->largest_free(reg),
			(phys_addr_t)largest << PAGE_SHIFT);
	mutex_unlock(&reg->lock);
	KUNIT_ASSERT_EQ(m->test, cma_region_free_extents(reg, &fe[0]), 0);
	KUNIT_EXPECT_EQ(m->test, fe[0].extents, extents);
	KUNIT_EXPECT_EQ(m->test, fe[0].bytes, free);
	KUNIT_EXPECT_EQ(m->test, fe[0].largest,
			(phys_addr_t)largest << PAGE_SHIFT);
	for (i = 0; i < CMA_FREE_CLASSES; i++)
		KUNIT_EXPECT_EQ_MSG(m->test, fe[0].count[i], fe[1].count[i],
				    "free extents of %llu pages or more",
				    1ULL << i);
	kunit_kfree(m->test, fe);

	/* And what the region counted: the model's outcomes. */
	KUNIT_EXPECT_EQ(m->test, reg->users, m->chunks);
	KUNIT_EXPECT_EQ(m->test, reg->stats.allocs, m->stats.allocs);
	KUNIT_EXPECT_EQ(m->test, reg->stats.fail_noroom, m->stats.fail_noroom);
	KUNIT_EXPECT_EQ(m->test, reg->stats.fail_fragmented,
			m->stats.fail_fragmented);
	KUNIT_EXPECT_EQ(m->test, reg->stats.fail_noalloc, 0);
	KUNIT_EXPECT_EQ(m->test, reg->stats.peak_bytes, m->stats.peak_bytes);
	KUNIT_EXPECT_EQ(m->test, reg->stats.peak_chunks, m->stats.peak_chunks);
}

/* Whether the model has an aligned run of @nr free pages. */
static bool bf_model_fits(struct bf_model *m, unsigned long nr,
			  phys_addr_t alignment)
{
	unsigned long mask = (alignment >> PAGE_SHIFT) - 1;

	return bitmap_find_next_zero_area(m->used, m->pages, 0, nr, mask) <
	       m->pages;
}

/* The length of the smallest run of at least @nr free pages. */
static unsigned long bf_model_best(struct bf_model *m, unsigned long nr)
{
	unsigned long best = ULONG_MAX, start, end = 0;

	for (;;) {
		start = find_next_zero_bit(m->used, m->pages, end);
		if (start >= m->pages)
			break;
		end = find_next_bit(m->used, m->pages, start);
		if (end - start >= nr && end - start < best)
			best = end - start;
	}
	return best;
}

static struct cma_chunk *bf_alloc(struct bf_model *m, size_t size,
				  phys_addr_t alignment)
{
	unsigned long nr = PAGE_ALIGN(size) >> PAGE_SHIFT, first;
	phys_addr_t align = max_t(phys_addr_t, alignment, PAGE_SIZE);
	bool fits = bf_model_fits(m, nr, align);
	unsigned long best = bf_model_best(m, nr);
	struct cma_chunk *chunk;

	chunk = cma_alloc_from_region(m->reg, size, alignment);
	if (!fits) {
		KUNIT_EXPECT_EQ(m->test, PTR_ERR_OR_ZERO(chunk), -ENOMEM);
		/* Less free space than asked for, or only in smaller pieces. */
		if (nr > m->pages - bitmap_weight(m->used, m->pages))
			m->stats.fail_noroom++;
		else
			m->stats.fail_fragmented++;
		return NULL;
	}
	KUNIT_ASSERT_FALSE_MSG(m->test, IS_ERR(chunk),
			       "%zu bytes aligned to %pa failed: %ld", size,
			       &align, PTR_ERR(chunk));
	KUNIT_EXPECT_EQ(m->test, chunk->size, nr << PAGE_SHIFT);
	KUNIT_EXPECT_TRUE(m->test, IS_ALIGNED(chunk->start, align));
	KUNIT_ASSERT_GE(m->test, chunk->start, m->reg->start);
	first = bf_page(m, chunk->start);
	KUNIT_ASSERT_LE(m->test, first + nr, m->pages);
	/* No overlap with anything allocated. */
	KUNIT_ASSERT_EQ(m->test, find_next_bit(m->used, first + nr, first),
			first + nr);
	/* Page-aligned requests are exact best fit, at the hole's start. */
	if (align == PAGE_SIZE) {
		unsigned long lo = first ? find_last_bit(m->used, first) : 0;
		unsigned long hole_start, hole_end;

		hole_start = (first && lo < first) ? lo + 1 : 0;
		hole_end = find_next_bit(m->used, m->pages, first);
		KUNIT_EXPECT_EQ(m->test, hole_start, first);
		KUNIT_EXPECT_EQ(m->test, hole_end - hole_start, best);
	}
	bitmap_set(m->used, first, nr);
	m->chunks++;
	m->stats.allocs++;
	m->stats.peak_chunks = max(m->stats.peak_chunks, m->chunks);
	m->stats.peak_bytes = max_t(phys_addr_t, m->stats.peak_bytes,
				    (phys_addr_t)bitmap_weight(m->used, m->pages)
				    << PAGE_SHIFT);
	return chunk;
}

static void bf_free(struct bf_model *m, struct cma_chunk *chunk)
{
	bitmap_clear(m->used, bf_page(m, chunk->start),
		     chunk->size >> PAGE_SHIFT);
	m->chunks--;
	cma_free(chunk);
}

static void cma_regions_test_bf_best_fit(struct kunit *test)
{
	static const unsigned int pages[] = { 1, 4, 1, 2, 1, 3, 1 };
	/* Pages, not bytes: the hole at the end must stay the biggest. */
	struct bf_model *m = bf_setup(test, 64 * PAGE_SIZE);
	phys_addr_t start[ARRAY_SIZE(pages)];
	struct cma_chunk *c[8];
	int i;

	for (i = 0; i < ARRAY_SIZE(pages); i++) {
		c[i] = bf_alloc(m, pages[i] * PAGE_SIZE, 0);
		start[i] = c[i]->start;
	}
	bf_check(m);
	/* Holes of 4, 2 and 3 pages, and the big one at the end. */
	bf_free(m, c[1]);
	bf_free(m, c[3]);
	bf_free(m, c[5]);
	bf_check(m);

	c[7] = bf_alloc(m, 2 * PAGE_SIZE, 0);
	KUNIT_EXPECT_EQ(test, c[7]->start, start[3]);
	bf_check(m);
	c[3] = bf_alloc(m, 3 * PAGE_SIZE, 0);
	KUNIT_EXPECT_EQ(test, c[3]->start, start[5]);
	c[5] = bf_alloc(m, 3 * PAGE_SIZE, 0);
	KUNIT_EXPECT_EQ(test, c[5]->start, start[1]);
	bf_check(m);

	for (i = 0; i < ARRAY_SIZE(c); i++)
		if (i != 1)
			bf_free(m, c[i]);
	bf_check(m);
}

static void cma_regions_test_bf_alignment(struct kunit *test)
{
	struct bf_model *m = bf_setup(test, SZ_4M);
	struct cma_chunk *small, *aligned, *fill;

	small = bf_alloc(m, PAGE_SIZE, 0);
	KUNIT_EXPECT_EQ(test, small->start, BF_BASE);
	aligned = bf_alloc(m, PAGE_SIZE, SZ_1M);
	KUNIT_EXPECT_EQ(test, aligned->start, BF_BASE + SZ_1M);
	/* The skipped head is still free space... */
	bf_check(m);
	KUNIT_EXPECT_EQ(test, m->reg->core->free_space, SZ_4M - 2 * PAGE_SIZE);
	/* ... and is used by the next request that fits it. */
	fill = bf_alloc(m, SZ_1M - PAGE_SIZE, 0);
	KUNIT_EXPECT_EQ(test, fill->start, BF_BASE + PAGE_SIZE);
	bf_check(m);

	/* Larger than the region, or aligned beyond it. */
	KUNIT_EXPECT_NULL(test, bf_alloc(m, SZ_8M, 0));
	KUNIT_EXPECT_NULL(test, bf_alloc(m, PAGE_SIZE, SZ_1G));
	bf_free(m, small);
	bf_free(m, aligned);
	bf_free(m, fill);
	bf_check(m);
}

/*
 * Alignments that leave only a few aligned addresses in a region with a
 * hole at every other page: found by address, and as the model says.
 */
static void cma_regions_test_bf_sparse(struct kunit *test)
{
	struct bf_model *m = bf_setup(test, SZ_4M);
	unsigned long pages = SZ_4M >> PAGE_SHIFT, i;
	struct cma_chunk **c, *a;

	c = kunit_kcalloc(test, pages, sizeof(*c), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c);
	for (i = 0; i < pages; i++) {
		c[i] = bf_alloc(m, PAGE_SIZE, 0);
		KUNIT_ASSERT_NOT_NULL(test, c[i]);
	}
	for (i = 1; i < pages; i += 2) {
		bf_free(m, c[i]);
		c[i] = NULL;
	}
	bf_check(m);
	/* Every 1 MiB boundary is taken: nothing fits, whatever the size. */
	KUNIT_EXPECT_NULL(test, bf_alloc(m, PAGE_SIZE, SZ_1M));
	KUNIT_EXPECT_NULL(test, bf_alloc(m, PAGE_SIZE, SZ_2M));
	KUNIT_EXPECT_NULL(test, bf_alloc(m, PAGE_SIZE, SZ_4M));
	/* 2 MiB in is a hole of three pages now. */
	bf_free(m, c[pages / 2]);
	c[pages / 2] = NULL;
	KUNIT_EXPECT_NULL(test, bf_alloc(m, 3 * PAGE_SIZE, SZ_1M));
	a = bf_alloc(m, 2 * PAGE_SIZE, SZ_1M);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_EXPECT_EQ(test, a->start, BF_BASE + SZ_2M);
	bf_check(m);
	bf_free(m, a);
	a = bf_alloc(m, PAGE_SIZE, SZ_2M);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_EXPECT_EQ(test, a->start, BF_BASE + SZ_2M);
	bf_free(m, a);
	for (i = 0; i < pages; i++)
		if (c[i])
			bf_free(m, c[i]);
	bf_check(m);
}

/*
 * Aligned requests that no hole fits for sure, in a region of 4096 pages
 * with a two-page hole at pages 4k + 1 and 4k + 2, which no request of two
 * pages aligned to four or more fits: 1024 candidates.  Aligned to 16
 * pages (256 aligned addresses) the allocator walks them by size; aligned
 * to 128 pages (32 addresses) it gives up walking and looks the addresses
 * up.  Both must pick the smallest hole that fits, the lowest of equal
 * ones.
 */
static void cma_regions_test_bf_candidates(struct kunit *test)
{
	static const unsigned int aligns[] = { 16, 128 };	/* pages */
	unsigned long pages = 4096, p1 = 1024, p3 = 3072, i;
	struct bf_model *m = bf_setup(test, pages * PAGE_SIZE);
	struct cma_chunk **c, *a;
	int k;

	c = kunit_kcalloc(test, pages, sizeof(*c), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c);
	for (i = 0; i < pages; i++) {
		c[i] = bf_alloc(m, PAGE_SIZE, 0);
		KUNIT_ASSERT_NOT_NULL(test, c[i]);
	}
	for (i = 0; i < pages; i += 4) {
		bf_free(m, c[i + 1]);
		bf_free(m, c[i + 2]);
		c[i + 1] = NULL;
		c[i + 2] = NULL;
	}
	bf_check(m);
	for (k = 0; k < ARRAY_SIZE(aligns); k++)
		KUNIT_EXPECT_NULL(test, bf_alloc(m, 2 * PAGE_SIZE,
						 aligns[k] * PAGE_SIZE));

	/* Holes of three pages at p1 and p3, aligned to 1024 pages. */
	bf_free(m, c[p1]);
	bf_free(m, c[p3]);
	c[p1] = NULL;
	c[p3] = NULL;
	for (k = 0; k < ARRAY_SIZE(aligns); k++) {
		a = bf_alloc(m, 2 * PAGE_SIZE, aligns[k] * PAGE_SIZE);
		KUNIT_ASSERT_NOT_NULL(test, a);
		KUNIT_EXPECT_EQ(test, a->start, BF_BASE + p1 * PAGE_SIZE);
		bf_free(m, a);
	}
	/* The one at p1 grows to four pages: p3 is the better fit. */
	bf_free(m, c[p1 + 3]);
	c[p1 + 3] = NULL;
	bf_check(m);
	for (k = 0; k < ARRAY_SIZE(aligns); k++) {
		a = bf_alloc(m, 2 * PAGE_SIZE, aligns[k] * PAGE_SIZE);
		KUNIT_ASSERT_NOT_NULL(test, a);
		KUNIT_EXPECT_EQ(test, a->start, BF_BASE + p3 * PAGE_SIZE);
		bf_free(m, a);
		/* Only the larger hole holds four pages, and none five. */
		a = bf_alloc(m, 4 * PAGE_SIZE, aligns[k] * PAGE_SIZE);
		KUNIT_ASSERT_NOT_NULL(test, a);
		KUNIT_EXPECT_EQ(test, a->start, BF_BASE + p1 * PAGE_SIZE);
		bf_free(m, a);
		KUNIT_EXPECT_NULL(test, bf_alloc(m, 5 * PAGE_SIZE,
						 aligns[k] * PAGE_SIZE));
	}
	bf_check(m);
	for (i = 0; i < pages; i++)
		if (c[i])
			bf_free(m, c[i]);
	bf_check(m);
	KUNIT_EXPECT_EQ(test, m->reg->core->free_space, pages * PAGE_SIZE);
}

static void bf_coalesce(struct kunit *test, struct bf_model *m)
{
	struct cma_chunk *c[16];
	int i;

	/* Fill the region exactly. */
	for (i = 0; i < ARRAY_SIZE(c); i++)
		c[i] = bf_alloc(m, PAGE_SIZE, 0);
	KUNIT_EXPECT_EQ(test, m->reg->core->free_space, 0);
	KUNIT_EXPECT_NULL(test, bf_alloc(m, PAGE_SIZE, 0));
	bf_check(m);

	/* Free in an order that exercises every merge case. */
	for (i = 1; i < ARRAY_SIZE(c); i += 2)
		bf_free(m, c[i]);
	bf_check(m);
	for (i = 0; i < ARRAY_SIZE(c); i += 4)
		bf_free(m, c[i]);
	bf_check(m);
	for (i = 2; i < ARRAY_SIZE(c); i += 4)
		bf_free(m, c[i]);
	bf_check(m);
	KUNIT_EXPECT_EQ(test, m->reg->core->free_space, 16 * PAGE_SIZE);
}

static void cma_regions_test_bf_coalesce(struct kunit *test)
{
	bf_coalesce(test, bf_setup(test, 16 * PAGE_SIZE));
}

/*
 * A region ending at the very top of the physical address space, whatever
 * the width of phys_addr_t: no end address may wrap to zero (v1 refused to
 * register it; an exclusive end would lose the top hole).
 */
static void cma_regions_test_bf_top(struct kunit *test)
{
	phys_addr_t top = PHYS_ADDR_MAX - 16 * PAGE_SIZE + 1;
	struct bf_model *m = bf_setup_at(test, top, 16 * PAGE_SIZE);
	struct cma_chunk *a, *b, *c[16];
	int i;

	bf_coalesce(test, m);
	/* A page, then the rest up to the very top, then all of it at once. */
	a = bf_alloc(m, PAGE_SIZE, PAGE_SIZE);
	b = bf_alloc(m, 15 * PAGE_SIZE, 0);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	bf_check(m);
	bf_free(m, a);
	bf_free(m, b);
	bf_check(m);
	a = bf_alloc(m, 16 * PAGE_SIZE, 16 * PAGE_SIZE);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_EXPECT_EQ(test, a->start, top);
	bf_free(m, a);
	bf_check(m);

	/*
	 * Looking up aligned addresses must stop at the top: a hole at every
	 * odd page, then one of three pages ending at PHYS_ADDR_MAX.
	 */
	for (i = 0; i < ARRAY_SIZE(c); i++) {
		c[i] = bf_alloc(m, PAGE_SIZE, 0);
		KUNIT_ASSERT_NOT_NULL(test, c[i]);
	}
	for (i = 1; i < ARRAY_SIZE(c); i += 2)
		bf_free(m, c[i]);
	KUNIT_EXPECT_NULL(test, bf_alloc(m, PAGE_SIZE, 2 * PAGE_SIZE));
	bf_free(m, c[14]);
	a = bf_alloc(m, 2 * PAGE_SIZE, 2 * PAGE_SIZE);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_EXPECT_EQ(test, a->start, top + 14 * PAGE_SIZE);
	bf_check(m);
	bf_free(m, a);
	for (i = 0; i < ARRAY_SIZE(c) - 2; i += 2)
		bf_free(m, c[i]);
	bf_check(m);
	KUNIT_EXPECT_EQ(test, m->reg->core->free_space, 16 * PAGE_SIZE);
}

struct bf_random_case {
	const char *desc;
	u64 seed;
	size_t size;
	unsigned int steps;
	unsigned int max_live;
	unsigned int max_order;		/* sizes up to 2^max_order pages */
};

static const struct bf_random_case bf_random_cases[] = {
	{ "16M, small chunks", 1, SZ_16M, 3000, 256, 4 },
	{ "16M, mixed chunks", 2, SZ_16M, 3000, 128, 8 },
	{ "4M, near full", 3, SZ_4M, 3000, 512, 5 },
	{ "64M, large chunks", 4, SZ_64M, 2000, 64, 12 },
};

KUNIT_ARRAY_PARAM_DESC(bf_random, bf_random_cases, desc);

static void cma_regions_test_bf_random(struct kunit *test)
{
	static const phys_addr_t aligns[] = { 0, 0, 0, SZ_8K, SZ_64K, SZ_1M };
	const struct bf_random_case *c = test->param_value;
	struct bf_model *m = bf_setup(test, c->size);
	struct cma_chunk **live;
	unsigned int nlive = 0, step, fails = 0;
	struct rnd_state rnd;

	live = kunit_kcalloc(test, c->max_live, sizeof(*live), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, live);
	prandom_seed_state(&rnd, c->seed);

	for (step = 0; step < c->steps; step++) {
		u32 r = prandom_u32_state(&rnd);

		if (nlive < c->max_live && (!nlive || r % 100 < 55)) {
			unsigned int order = prandom_u32_state(&rnd) %
					     (c->max_order + 1);
			size_t size = ((size_t)1 << order) * PAGE_SIZE;
			struct cma_chunk *chunk;

			/* Log-uniform sizes, not always whole pages. */
			size -= prandom_u32_state(&rnd) % (size / 2 + 1);
			chunk = bf_alloc(m, size, aligns[prandom_u32_state(&rnd) %
						       ARRAY_SIZE(aligns)]);
			if (chunk)
				live[nlive++] = chunk;
			else
				fails++;
		} else {
			unsigned int i = prandom_u32_state(&rnd) % nlive;

			bf_free(m, live[i]);
			live[i] = live[--nlive];
		}
		bf_check(m);
	}
	kunit_info(test, "%u steps, %u live at the end, %u refused\n",
		   c->steps, nlive, fails);

	while (nlive)
		bf_free(m, live[--nlive]);
	bf_check(m);
	/* Everything back: one hole, the whole region. */
	KUNIT_EXPECT_EQ(test, m->reg->core->free_space, c->size);
}

static struct kunit_case cma_bf_cases[] = {
	KUNIT_CASE(cma_regions_test_bf_best_fit),
	KUNIT_CASE(cma_regions_test_bf_alignment),
	KUNIT_CASE(cma_regions_test_bf_sparse),
	KUNIT_CASE(cma_regions_test_bf_candidates),
	KUNIT_CASE(cma_regions_test_bf_coalesce),
	KUNIT_CASE(cma_regions_test_bf_top),
	KUNIT_CASE_PARAM(cma_regions_test_bf_random, bf_random_gen_params),
	{}
};

static struct kunit_suite cma_bf_suite = {
	.name = "cma_regions_best_fit",
	.test_cases = cma_bf_cases,
};

kunit_test_suites(&cma_bf_suite);
