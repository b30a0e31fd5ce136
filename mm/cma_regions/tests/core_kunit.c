// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the contiguous memory regions registry and driver API.
 *
 * The regions use fake physical ranges: neither the core nor the test
 * allocator touches the memory they describe.
 *
 * Copyright (C) 2026 The CMA regions developers
 */

#include <kunit/device.h>
#include <kunit/static_stub.h>
#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/cma_regions.h>
#include <linux/completion.h>
#include <linux/device.h>
#include <linux/highmem.h>
#include <linux/io.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/notifier.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include "../internal.h"

/* Fake physical ranges, below 4 GiB so 32-bit phys_addr_t works too. */
#define KT_BASE		((phys_addr_t)0xe0000000)

/* A first-fit allocator over a bitmap of pages, counting its calls. */
struct kt_bitmap {
	unsigned long *map;
	unsigned long pages;
};

static int kt_inits, kt_cleanups;

static int kt_init(struct cma_region *reg)
{
	struct kt_bitmap *bm = kzalloc(sizeof(*bm), GFP_KERNEL);

	if (!bm)
		return -ENOMEM;
	bm->pages = reg->size >> PAGE_SHIFT;
	bm->map = bitmap_zalloc(bm->pages, GFP_KERNEL);
	if (!bm->map) {
		kfree(bm);
		return -ENOMEM;
	}
	reg->private_data = bm;
	kt_inits++;
	return 0;
}

static void kt_cleanup(struct cma_region *reg)
{
	struct kt_bitmap *bm = reg->private_data;

	bitmap_free(bm->map);
	kfree(bm);
	kt_cleanups++;
}

static int kt_alloc(struct cma_region *reg, struct cma_chunk *chunk,
		    phys_addr_t alignment)
{
	struct kt_bitmap *bm = reg->private_data;
	unsigned long nr = chunk->size >> PAGE_SHIFT, idx;

	/* The test regions start on a 256 MiB boundary. */
	idx = bitmap_find_next_zero_area(bm->map, bm->pages, 0, nr,
					 (alignment >> PAGE_SHIFT) - 1);
	if (idx >= bm->pages)
		return -ENOMEM;
	bitmap_set(bm->map, idx, nr);
	chunk->start = reg->start + ((phys_addr_t)idx << PAGE_SHIFT);
	return 0;
}

static void kt_free(struct cma_region *reg, struct cma_chunk *chunk)
{
	struct kt_bitmap *bm = reg->private_data;

	bitmap_clear(bm->map, (chunk->start - reg->start) >> PAGE_SHIFT,
		     chunk->size >> PAGE_SHIFT);
}

static struct cma_allocator kt_allocator = {
	.name = "kunit-bitmap",
	.init = kt_init,
	.cleanup = kt_cleanup,
	.alloc = kt_alloc,
	.free = kt_free,
};

/*
 * Registers a region for one test and unregisters it at the test's end.
 * Chunks a failed test left keep the core's copy alive, not this handle.
 */
static void kt_region_release(void *data)
{
	cma_region_unregister(data);
	kfree(data);
}

static struct cma_region *kt_region(struct kunit *test, const char *name,
				    phys_addr_t offset, size_t size,
				    const char *alloc_name)
{
	struct cma_region *reg = kzalloc(sizeof(*reg), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, reg);
	reg->name = name;
	reg->start = KT_BASE + offset;
	reg->size = size;
	reg->alloc_name = alloc_name;
	if (cma_region_register(reg)) {
		kfree(reg);
		KUNIT_FAIL_AND_ABORT(test, "cannot register region %s",
				     name ?: "(private)");
		return NULL;	/* not reached: the test was aborted */
	}
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, kt_region_release,
							reg), 0);
	return reg;
}

/* Puts a map naming test devices (named "<test>.<name>" by KUnit) in force. */
static __printf(2, 3) void kt_map(struct kunit *test, const char *fmt, ...)
{
	char map[256];
	va_list args;
	int len;

	va_start(args, fmt);
	len = vsnprintf(map, sizeof(map), fmt, args);
	va_end(args);
	KUNIT_ASSERT_LT_MSG(test, len, (int)sizeof(map), "map truncated");
	KUNIT_ASSERT_EQ_MSG(test, cma_map_replace(map), 0, "map %s", map);
}

/* @reg: a handle the test registered; the state is in the core's copy. */
static phys_addr_t kt_free_space(struct cma_region *reg)
{
	phys_addr_t free;

	reg = reg->core;
	mutex_lock(&reg->lock);
	free = reg->free_space;
	mutex_unlock(&reg->lock);
	return free;
}

static char kt_saved_map[CMA_MAP_MAX + 1];

static int kt_suite_init(struct kunit_suite *suite)
{
	cma_map_print(kt_saved_map, sizeof(kt_saved_map));
	return cma_allocator_register(&kt_allocator);
}

static void kt_suite_exit(struct kunit_suite *suite)
{
	cma_allocator_unregister(&kt_allocator);
	cma_map_replace(kt_saved_map);
}

struct kt_bad_region {
	const char *desc;
	struct cma_region reg;
};

static const struct kt_bad_region kt_bad_regions[] = {
	{ "zero size", { .name = "kt", .start = KT_BASE } },
	{ "size not page aligned",
	  { .name = "kt", .start = KT_BASE, .size = PAGE_SIZE + 1 } },
	{ "start not page aligned",
	  { .name = "kt", .start = KT_BASE + 1, .size = SZ_1M } },
	{ "alignment not a power of two",
	  { .name = "kt", .start = KT_BASE, .size = SZ_1M,
	    .alignment = 3 * PAGE_SIZE } },
	{ "alignment below a page",
	  { .name = "kt", .start = KT_BASE, .size = SZ_1M, .alignment = 512 } },
	{ "start not aligned to alignment",
	  { .name = "kt", .start = KT_BASE + SZ_1M, .size = SZ_1M,
	    .alignment = SZ_2M } },
	{ "wraps the address space",
	  { .name = "kt", .start = (phys_addr_t)-SZ_1M, .size = SZ_2M } },
	{ "bad name", { .name = "k t", .start = KT_BASE, .size = SZ_1M } },
	{ "empty name", { .name = "", .start = KT_BASE, .size = SZ_1M } },
	{ "name reads as an address",
	  { .name = "0xe0000000", .start = KT_BASE, .size = SZ_1M } },
	{ "name too long",
	  { .name = "abcdefghijklmnopqrstuvwxyz012345", .start = KT_BASE,
	    .size = SZ_1M } },
	{ "bad allocator name",
	  { .name = "kt", .start = KT_BASE, .size = SZ_1M,
	    .alloc_name = "b/f" } },
};

KUNIT_ARRAY_PARAM_DESC(kt_bad_region, kt_bad_regions, desc);

static void cma_regions_test_register_invalid(struct kunit *test)
{
	const struct kt_bad_region *c = test->param_value;
	struct cma_region reg = c->reg;
	struct cma_info info;

	KUNIT_EXPECT_EQ(test, cma_region_register(&reg), -EINVAL);
	KUNIT_EXPECT_FALSE(test, reg.registered);
	KUNIT_EXPECT_EQ(test, cma_info_about(&info, "kt"), -ENOENT);
	KUNIT_EXPECT_EQ(test, cma_region_register(NULL), -EINVAL);
}

static void cma_regions_test_register_conflicts(struct kunit *test)
{
	struct cma_region *a = kt_region(test, "kt-a", 0, SZ_1M,
					 "kunit-bitmap");
	struct cma_region dup_name = { .name = "kt-a", .start = KT_BASE + SZ_4M,
				       .size = SZ_1M };
	struct cma_region overlap = { .start = KT_BASE + SZ_1M - PAGE_SIZE,
				      .size = SZ_1M };
	struct cma_region below = { .start = KT_BASE - PAGE_SIZE,
				    .size = 2 * PAGE_SIZE };

	KUNIT_EXPECT_EQ(test, cma_region_register(a), -EEXIST);
	KUNIT_EXPECT_EQ(test, cma_region_register(&dup_name), -EEXIST);
	KUNIT_EXPECT_EQ(test, cma_region_register(&overlap), -EADDRINUSE);
	KUNIT_EXPECT_EQ(test, cma_region_register(&below), -EADDRINUSE);

	/* Adjacent is fine, on both sides. */
	kt_region(test, NULL, SZ_1M, SZ_1M, NULL);
	kt_region(test, NULL, -(phys_addr_t)SZ_1M, SZ_1M, NULL);

	KUNIT_EXPECT_EQ(test, cma_region_unregister(&dup_name), -EINVAL);
	KUNIT_EXPECT_EQ(test, cma_region_unregister(NULL), -EINVAL);
}

static void cma_regions_test_alloc_from(struct kunit *test)
{
	struct cma_region *a = kt_region(test, "kt-a", 0, SZ_1M,
					 "kunit-bitmap");
	struct cma_region *b = kt_region(test, "kt-b", SZ_16M, SZ_1M,
					 "kunit-bitmap");
	struct cma_chunk *c1, *c2, *c3;

	/* One byte more than a page takes two pages. */
	c1 = cma_alloc_from("kt-b,kt-a", PAGE_SIZE + 1, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(c1));
	KUNIT_EXPECT_PTR_EQ(test, c1->reg, b->core);
	KUNIT_EXPECT_EQ(test, c1->size, 2 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, kt_free_space(b), SZ_1M - 2 * PAGE_SIZE);

	/* Alignment is honoured. */
	c2 = cma_alloc_from("kt-b", PAGE_SIZE, SZ_256K);
	KUNIT_ASSERT_FALSE(test, IS_ERR(c2));
	KUNIT_EXPECT_TRUE(test, IS_ALIGNED(c2->start, SZ_256K));
	KUNIT_EXPECT_GE(test, c2->start, b->start);
	KUNIT_EXPECT_LE(test, c2->start + c2->size, b->start + b->size);

	/* A full region passes the request on to the next one. */
	c3 = cma_alloc_from("kt-b,kt-a", SZ_1M, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(c3));
	KUNIT_EXPECT_PTR_EQ(test, c3->reg, a->core);
	KUNIT_EXPECT_EQ(test, kt_free_space(a), 0);

	/* Unknown names are skipped. */
	cma_free(c2);
	c2 = cma_alloc_from("kt-none,kt-b", PAGE_SIZE, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(c2));
	KUNIT_EXPECT_PTR_EQ(test, c2->reg, b->core);

	cma_free(c1);
	cma_free(c2);
	cma_free(c3);
	KUNIT_EXPECT_EQ(test, kt_free_space(a), SZ_1M);
	KUNIT_EXPECT_EQ(test, kt_free_space(b), SZ_1M);
}

static void cma_regions_test_alloc_errors(struct kunit *test)
{
	struct cma_region *a = kt_region(test, "kt-a", 0, SZ_1M,
					 "kunit-bitmap");
	struct cma_region unregistered = { .name = "kt-u", .start = KT_BASE,
					   .size = SZ_1M };
	struct cma_chunk *chunk;
	struct device *dev;

	dev = kunit_device_register(test, "kt-dev");
	KUNIT_ASSERT_FALSE(test, IS_ERR(dev));

	KUNIT_EXPECT_EQ(test, PTR_ERR(cma_alloc_from("kt-a", 0, 0)), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(cma_alloc_from("kt-a", SIZE_MAX, 0)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(cma_alloc_from("kt-a", PAGE_SIZE,
						     3 * PAGE_SIZE)), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(cma_alloc_from(NULL, PAGE_SIZE, 0)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(cma_alloc_from("", PAGE_SIZE, 0)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(cma_alloc_from("kt-a,", PAGE_SIZE, 0)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(cma_alloc_from("kt-a,kt-a", PAGE_SIZE,
						     0)), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(cma_alloc_from("kt-none", PAGE_SIZE, 0)),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, PTR_ERR(cma_alloc_from("kt-a", SZ_2M, 0)),
			-ENOMEM);
	KUNIT_EXPECT_EQ(test, PTR_ERR(cma_alloc_from_region(NULL, PAGE_SIZE,
							    0)), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(cma_alloc_from_region(&unregistered,
							    PAGE_SIZE, 0)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(cma_alloc_from_region(a, 0, 0)),
			-EINVAL);

	kt_map(test, "%s/x=kt-none;%s=kt-a", dev_name(dev), dev_name(dev));
	KUNIT_EXPECT_EQ(test, PTR_ERR(cma_alloc_for(NULL, NULL, PAGE_SIZE, 0)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(cma_alloc_for(dev, NULL, 0, 0)),
			-EINVAL);
	/* The first matching rule decides, even if its regions are gone. */
	KUNIT_EXPECT_EQ(test, PTR_ERR(cma_alloc_for(dev, "x", PAGE_SIZE, 0)),
			-ENOENT);
	KUNIT_ASSERT_EQ(test, cma_map_replace("other=kt-a"), 0);
	KUNIT_EXPECT_EQ(test, PTR_ERR(cma_alloc_for(dev, NULL, PAGE_SIZE, 0)),
			-ENOENT);

	/* Exhaustion. */
	chunk = cma_alloc_from("kt-a", SZ_1M, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(chunk));
	KUNIT_EXPECT_EQ(test, PTR_ERR(cma_alloc_from("kt-a", PAGE_SIZE, 0)),
			-ENOMEM);
	cma_free(chunk);
	KUNIT_EXPECT_EQ(test, kt_free_space(a), SZ_1M);
}

static void cma_regions_test_alloc_for(struct kunit *test)
{
	struct cma_region *a = kt_region(test, "kt-a", 0, SZ_1M,
					 "kunit-bitmap");
	struct cma_region *b = kt_region(test, "kt-b", SZ_16M, SZ_1M,
					 "kunit-bitmap");
	struct cma_chunk *c1, *c2, *c3, *c4;
	struct device *video, *cam;

	video = kunit_device_register(test, "kt-video");
	KUNIT_ASSERT_FALSE(test, IS_ERR(video));
	cam = kunit_device_register(test, "kt-cam0");
	KUNIT_ASSERT_FALSE(test, IS_ERR(cam));

	/* The camera's pattern ends in '?' instead of its last character. */
	kt_map(test, "%s=kt-b,kt-a;%.*s?/still=kt-a;/*=kt-b", dev_name(video),
	       (int)strlen(dev_name(cam)) - 1, dev_name(cam));

	c1 = cma_alloc_for(video, NULL, SZ_1M, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(c1));
	KUNIT_EXPECT_PTR_EQ(test, c1->reg, b->core);
	c2 = cma_alloc_for(video, "any", SZ_512K, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(c2));
	KUNIT_EXPECT_PTR_EQ(test, c2->reg, a->core);
	cma_free(c1);

	c3 = cma_alloc_for(cam, "still", PAGE_SIZE, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(c3));
	KUNIT_EXPECT_PTR_EQ(test, c3->reg, a->core);
	c4 = cma_alloc_for(cam, NULL, PAGE_SIZE, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(c4));
	KUNIT_EXPECT_PTR_EQ(test, c4->reg, b->core);

	/* A new map takes effect for the next allocation. */
	cma_free(c4);
	kt_map(test, "%s=kt-a", dev_name(cam));
	c4 = cma_alloc_for(cam, NULL, PAGE_SIZE, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(c4));
	KUNIT_EXPECT_PTR_EQ(test, c4->reg, a->core);

	cma_free(c2);
	cma_free(c3);
	cma_free(c4);
	KUNIT_EXPECT_EQ(test, kt_free_space(a), SZ_1M);
	KUNIT_EXPECT_EQ(test, kt_free_space(b), SZ_1M);
}

static void cma_regions_test_info(struct kunit *test)
{
	struct cma_region *a = kt_region(test, "kt-a", 0, SZ_1M,
					 "kunit-bitmap");
	struct cma_chunk *chunk;
	struct cma_info info;
	struct device *dev;

	kt_region(test, "kt-b", SZ_16M, SZ_2M, "kunit-bitmap");
	dev = kunit_device_register(test, "kt-dev");
	KUNIT_ASSERT_FALSE(test, IS_ERR(dev));

	KUNIT_ASSERT_EQ(test, cma_info_about(&info, "kt-b,kt-none,kt-a"), 0);
	KUNIT_EXPECT_EQ(test, info.lower_bound, KT_BASE);
	KUNIT_EXPECT_EQ(test, info.upper_bound, KT_BASE + SZ_16M + SZ_2M);
	KUNIT_EXPECT_EQ(test, info.total_size, SZ_1M + SZ_2M);
	KUNIT_EXPECT_EQ(test, info.free_size, SZ_1M + SZ_2M);
	KUNIT_EXPECT_EQ(test, info.count, 2);

	chunk = cma_alloc_from_region(a, SZ_256K, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(chunk));
	kt_map(test, "%s/big=kt-b;%s=kt-a", dev_name(dev), dev_name(dev));
	KUNIT_ASSERT_EQ(test, cma_info_for(&info, dev, NULL), 0);
	KUNIT_EXPECT_EQ(test, info.lower_bound, KT_BASE);
	KUNIT_EXPECT_EQ(test, info.upper_bound, KT_BASE + SZ_1M);
	KUNIT_EXPECT_EQ(test, info.free_size, SZ_1M - SZ_256K);
	KUNIT_EXPECT_EQ(test, info.count, 1);
	KUNIT_ASSERT_EQ(test, cma_info_for(&info, dev, "big"), 0);
	KUNIT_EXPECT_EQ(test, info.total_size, SZ_2M);
	cma_free(chunk);

	KUNIT_EXPECT_EQ(test, cma_info_about(&info, "kt-none"), -ENOENT);
	KUNIT_EXPECT_EQ(test, cma_info_about(&info, "kt-a,"), -EINVAL);
	KUNIT_EXPECT_EQ(test, cma_info_about(NULL, "kt-a"), -EINVAL);
	KUNIT_EXPECT_EQ(test, cma_info_about(&info, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, cma_info_for(&info, NULL, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, cma_info_for(NULL, dev, NULL), -EINVAL);
	KUNIT_ASSERT_EQ(test, cma_map_replace(""), 0);
	KUNIT_EXPECT_EQ(test, cma_info_for(&info, dev, NULL), -ENOENT);
}

static void cma_regions_test_refcount(struct kunit *test)
{
	struct cma_region *a = kt_region(test, "kt-a", 0, SZ_1M,
					 "kunit-bitmap");
	struct cma_chunk *chunk;

	chunk = cma_alloc_from_region(a, SZ_64K, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(chunk));
	KUNIT_EXPECT_PTR_EQ(test, cma_chunk_get(chunk), chunk);
	KUNIT_EXPECT_PTR_EQ(test, cma_chunk_get(chunk), chunk);

	/* The allocation's reference goes; the chunk stays. */
	cma_free(chunk);
	KUNIT_EXPECT_EQ(test, kt_free_space(a), SZ_1M - SZ_64K);
	KUNIT_EXPECT_EQ(test, a->core->users, 1);

	cma_chunk_put(chunk);
	KUNIT_EXPECT_EQ(test, kt_free_space(a), SZ_1M - SZ_64K);
	cma_chunk_put(chunk);
	KUNIT_EXPECT_EQ(test, kt_free_space(a), SZ_1M);
	KUNIT_EXPECT_EQ(test, a->core->users, 0);

	/* NULL and error pointers are ignored. */
	cma_free(NULL);
	cma_chunk_put(ERR_PTR(-ENOMEM));

	KUNIT_EXPECT_EQ(test, cma_region_unregister(a), 0);
	KUNIT_EXPECT_FALSE(test, a->registered);
	KUNIT_EXPECT_NULL(test, a->core);
	KUNIT_EXPECT_EQ(test, cma_region_unregister(a), -EINVAL);
	/* And it can come back. */
	KUNIT_EXPECT_EQ(test, cma_region_register(a), 0);
}

/*
 * A driver's remove() cannot fail, and user space may hold a chunk (a
 * dma-buf, a mapping) for as long as it likes: unregistering succeeds with
 * chunks alive, the driver frees its structure at once, and the chunks stay
 * valid until their last reference goes; only then is the memory free to
 * be registered again.  Under KASAN any use of the freed structures is a
 * report.  (v1 refused with -EBUSY, and a driver that freed its region
 * anyway left the chunks' release writing to freed memory.)
 */
static void kt_released(void *data)
{
	(*(int *)data)++;
}

static void cma_regions_test_outlive(struct kunit *test)
{
	int cleanups = kt_cleanups, released = 0;
	struct cma_region again = { .name = "kt-a", .start = KT_BASE,
				    .size = SZ_1M,
				    .alloc_name = "kunit-bitmap",
				    .release = kt_released,
				    .release_data = &released };
	struct cma_region *named, *priv;
	struct cma_chunk *c1, *c2;
	struct cma_info info;

	/* The driver's probe(): its regions, registered and cleaned up. */
	named = kt_region(test, "kt-a", 0, SZ_1M, "kunit-bitmap");
	priv = kt_region(test, NULL, SZ_1M, SZ_1M, "kunit-bitmap");
	c1 = cma_alloc_from("kt-a", SZ_64K, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, c1);
	c2 = cma_alloc_from_region(priv, SZ_64K, 0);
	if (IS_ERR(c2))
		cma_free(c1);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, c2);
	/* Another holder of the first, as a dma-buf would be. */
	cma_chunk_get(c1);

	/*
	 * The driver's remove(): it unregisters and frees its structures
	 * (kt_region()'s action unregisters, which fails now, and frees).
	 */
	KUNIT_EXPECT_EQ(test, cma_region_unregister(named), 0);
	KUNIT_EXPECT_EQ(test, cma_region_unregister(priv), 0);
	kunit_release_action(test, kt_region_release, named);
	kunit_release_action(test, kt_region_release, priv);

	/* Out of reach at once: nothing more is allocated from them. */
	KUNIT_EXPECT_EQ(test, cma_info_about(&info, "kt-a"), -ENOENT);
	KUNIT_EXPECT_EQ(test, PTR_ERR(cma_alloc_from("kt-a", PAGE_SIZE, 0)),
			-ENOENT);
	/* Their memory is still in use: nothing is registered over it. */
	KUNIT_EXPECT_EQ(test, cma_region_register(&again), -EADDRINUSE);
	/* Nor can their allocator go while it manages the chunks. */
	KUNIT_EXPECT_EQ(test, cma_allocator_unregister(&kt_allocator), -EBUSY);

	/* The chunks and the core's copies are whole. */
	KUNIT_EXPECT_STREQ(test, c1->reg->name, "kt-a");
	KUNIT_EXPECT_NULL(test, c2->reg->name);
	KUNIT_EXPECT_EQ(test, c1->reg->users, 1);
	KUNIT_EXPECT_EQ(test, c1->reg->free_space, SZ_1M - SZ_64K);
	KUNIT_EXPECT_EQ(test, kt_cleanups, cleanups);

	cma_free(c2);
	KUNIT_EXPECT_EQ(test, kt_cleanups, cleanups + 1);
	cma_free(c1);
	KUNIT_EXPECT_EQ(test, kt_cleanups, cleanups + 1);
	KUNIT_EXPECT_EQ(test, cma_region_register(&again), -EADDRINUSE);
	/* The last reference: the region is finished, its memory free. */
	cma_chunk_put(c1);
	KUNIT_EXPECT_EQ(test, kt_cleanups, cleanups + 2);
	KUNIT_ASSERT_EQ(test, cma_region_register(&again), 0);
	KUNIT_EXPECT_EQ(test, cma_info_about(&info, "kt-a"), 0);
	KUNIT_EXPECT_EQ(test, info.free_size, SZ_1M);

	/* The owner hears when its memory is free: now, with no chunks ... */
	KUNIT_EXPECT_EQ(test, cma_region_unregister(&again), 0);
	KUNIT_EXPECT_EQ(test, released, 1);
	/* ... or when the last one goes. */
	KUNIT_ASSERT_EQ(test, cma_region_register(&again), 0);
	c1 = cma_alloc_from("kt-a", PAGE_SIZE, 0);
	KUNIT_EXPECT_NOT_ERR_OR_NULL(test, c1);
	KUNIT_EXPECT_EQ(test, cma_region_unregister(&again), 0);
	KUNIT_EXPECT_EQ(test, released, IS_ERR_OR_NULL(c1) ? 2 : 1);
	cma_free(c1);
	KUNIT_EXPECT_EQ(test, released, 2);
	/* The core's copy is not a handle. */
	KUNIT_ASSERT_EQ(test, cma_region_register(&again), 0);
	KUNIT_EXPECT_EQ(test, cma_region_unregister(again.core), -EINVAL);
	KUNIT_EXPECT_TRUE(test, again.registered);
	KUNIT_EXPECT_EQ(test, cma_region_unregister(&again), 0);
	KUNIT_EXPECT_EQ(test, released, 3);
}

/* The statistics tell a full region from a fragmented one. */
static void cma_regions_test_stats(struct kunit *test)
{
	struct cma_region *reg = kt_region(test, "kt-stats", 0, SZ_1M,
					   "kunit-bitmap");
	struct cma_region *none = kt_region(test, "kt-stats-none", SZ_1M,
					    SZ_1M, "kunit-none");
	struct cma_region_stats *st = &reg->core->stats;
	struct cma_chunk *c[3];
	int i;

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		c[i] = cma_alloc_from_region(reg, SZ_256K, 0);
		KUNIT_ASSERT_FALSE(test, IS_ERR(c[i]));
	}
	KUNIT_EXPECT_EQ(test, st->allocs, 3);
	KUNIT_EXPECT_EQ(test, st->peak_bytes, 3 * SZ_256K);
	KUNIT_EXPECT_EQ(test, st->peak_chunks, 3);
	/* 256 KiB free: no room for 512 KiB. */
	KUNIT_EXPECT_EQ(test, PTR_ERR(cma_alloc_from_region(reg, SZ_512K, 0)),
			-ENOMEM);
	KUNIT_EXPECT_EQ(test, st->fail_noroom, 1);
	/* 512 KiB free in two pieces: fragmented. */
	cma_free(c[1]);
	KUNIT_EXPECT_EQ(test, PTR_ERR(cma_alloc_from_region(reg, SZ_512K, 0)),
			-ENOMEM);
	KUNIT_EXPECT_EQ(test, st->fail_fragmented, 1);
	KUNIT_EXPECT_EQ(test, st->fail_noroom, 1);
	KUNIT_EXPECT_EQ(test, st->peak_bytes, 3 * SZ_256K);
	KUNIT_EXPECT_EQ(test, st->peak_chunks, 3);
	KUNIT_EXPECT_EQ(test, reg->core->users, 2);
	/* No allocator yet. */
	KUNIT_EXPECT_EQ(test, PTR_ERR(cma_alloc_from_region(none, SZ_4K, 0)),
			-ENOMEM);
	KUNIT_EXPECT_EQ(test, none->core->stats.fail_noalloc, 1);
	KUNIT_EXPECT_EQ(test, st->allocs, 3);
	cma_free(c[0]);
	cma_free(c[2]);
}

/* The chunks a region lists, in allocation order, and who asked. */
static void kt_expect_chunks(struct kunit *test, struct cma_region *reg,
			     struct cma_chunk **want, int n)
{
	struct cma_chunk *chunk;
	int i = 0;

	mutex_lock(&reg->core->lock);
	list_for_each_entry(chunk, &reg->core->chunks, node) {
		KUNIT_EXPECT_LT(test, i, n);
		if (i < n)
			KUNIT_EXPECT_PTR_EQ(test, chunk, want[i]);
		i++;
	}
	mutex_unlock(&reg->core->lock);
	KUNIT_EXPECT_EQ(test, i, n);
}

/*
 * Each chunk remembers what was asked for, for the debugfs view: the
 * device and type through the map, the names, or nothing for a handle.
 */
static void cma_regions_test_owner(struct kunit *test)
{
	struct cma_region *reg = kt_region(test, "kt-own", 0, SZ_1M,
					   "kunit-bitmap");
	struct cma_chunk *c[4];
	int i;

	KUNIT_ASSERT_EQ(test, cma_map_replace("kt-dev=kt-own"), 0);
	c[0] = cma_alloc_for_name("kt-dev", NULL, SZ_4K, 0);
	c[1] = cma_alloc_for_name("kt-dev", "video", SZ_8K, 0);
	c[2] = cma_alloc_from("kt-none,kt-own", SZ_4K, 0);
	c[3] = cma_alloc_from_region(reg, SZ_4K, 0);
	for (i = 0; i < ARRAY_SIZE(c); i++) {
		KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(c[i]), "%d: %pe", i, c[i]);
		KUNIT_EXPECT_EQ(test, c[i]->tgid, 0);
	}
	KUNIT_EXPECT_STREQ(test, c[0]->owner, "kt-dev/common");
	KUNIT_EXPECT_STREQ(test, c[1]->owner, "kt-dev/video");
	KUNIT_EXPECT_STREQ(test, c[2]->owner, "kt-none,kt-own");
	KUNIT_EXPECT_STREQ(test, c[3]->owner, "");
	kt_expect_chunks(test, reg, c, 4);
	cma_free(c[1]);
	c[1] = c[2];
	c[2] = c[3];
	kt_expect_chunks(test, reg, c, 3);
	for (i = 0; i < 3; i++)
		cma_free(c[i]);
	kt_expect_chunks(test, reg, NULL, 0);
	KUNIT_ASSERT_EQ(test, cma_map_replace(""), 0);
}

static void cma_regions_test_private(struct kunit *test)
{
	struct cma_region *p = kt_region(test, NULL, 0, SZ_1M,
					 "kunit-bitmap");
	struct cma_chunk *chunk;
	struct cma_info info;

	chunk = cma_alloc_from_region(p, SZ_1M, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(chunk));
	KUNIT_EXPECT_EQ(test, chunk->start, KT_BASE);
	KUNIT_EXPECT_EQ(test, PTR_ERR(cma_alloc_from_region(p, PAGE_SIZE, 0)),
			-ENOMEM);
	cma_free(chunk);
	KUNIT_EXPECT_EQ(test, cma_info_about(&info, "kt-p"), -ENOENT);
}

static struct cma_allocator kt_late = {
	.name = "kunit-late",
	.init = kt_init,
	.cleanup = kt_cleanup,
	.alloc = kt_alloc,
	.free = kt_free,
};

static void cma_regions_test_late_attach(struct kunit *test)
{
	struct cma_region *a = kt_region(test, "kt-a", 0, SZ_1M, "kunit-late");
	int inits = kt_inits, cleanups = kt_cleanups;
	struct cma_chunk *chunk;

	/* No allocator yet: the region is there but has no room. */
	KUNIT_EXPECT_NULL(test, a->core->alloc);
	KUNIT_EXPECT_EQ(test, PTR_ERR(cma_alloc_from("kt-a", PAGE_SIZE, 0)),
			-ENOMEM);

	KUNIT_ASSERT_EQ(test, cma_allocator_register(&kt_late), 0);
	KUNIT_EXPECT_PTR_EQ(test, a->core->alloc, &kt_late);
	KUNIT_EXPECT_EQ(test, kt_inits, inits + 1);
	chunk = cma_alloc_from("kt-a", PAGE_SIZE, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(chunk));

	/* In use: the allocator cannot go, and nothing is detached. */
	KUNIT_EXPECT_EQ(test, cma_allocator_unregister(&kt_late), -EBUSY);
	KUNIT_EXPECT_PTR_EQ(test, a->core->alloc, &kt_late);
	KUNIT_EXPECT_EQ(test, kt_cleanups, cleanups);

	cma_free(chunk);
	KUNIT_EXPECT_EQ(test, cma_allocator_unregister(&kt_late), 0);
	KUNIT_EXPECT_EQ(test, kt_cleanups, cleanups + 1);
	KUNIT_EXPECT_NULL(test, a->core->alloc);
	KUNIT_EXPECT_EQ(test, PTR_ERR(cma_alloc_from("kt-a", PAGE_SIZE, 0)),
			-ENOMEM);
	KUNIT_EXPECT_EQ(test, cma_allocator_unregister(&kt_late), -ENOENT);
}

static void cma_regions_test_allocator_invalid(struct kunit *test)
{
	struct cma_allocator noname = { .alloc = kt_alloc, .free = kt_free };
	struct cma_allocator badname = { .name = "a b", .alloc = kt_alloc,
					 .free = kt_free };
	struct cma_allocator noalloc = { .name = "kt-x", .free = kt_free };
	struct cma_allocator nofree = { .name = "kt-x", .alloc = kt_alloc };
	struct cma_allocator dup = { .name = "kunit-bitmap", .alloc = kt_alloc,
				     .free = kt_free };

	KUNIT_EXPECT_EQ(test, cma_allocator_register(NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, cma_allocator_register(&noname), -EINVAL);
	KUNIT_EXPECT_EQ(test, cma_allocator_register(&badname), -EINVAL);
	KUNIT_EXPECT_EQ(test, cma_allocator_register(&noalloc), -EINVAL);
	KUNIT_EXPECT_EQ(test, cma_allocator_register(&nofree), -EINVAL);
	KUNIT_EXPECT_EQ(test, cma_allocator_register(&dup), -EEXIST);
	KUNIT_EXPECT_EQ(test, cma_allocator_unregister(NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, cma_allocator_unregister(&dup), -ENOENT);
}

/* By name, as /dev/cma asks: the same map, no struct device needed. */
static void cma_regions_test_alloc_for_name(struct kunit *test)
{
	struct cma_region *a = kt_region(test, "kt-a", 0, SZ_1M,
					 "kunit-bitmap");
	struct cma_region *b = kt_region(test, "kt-b", SZ_16M, SZ_1M,
					 "kunit-bitmap");
	struct cma_chunk *c;
	struct cma_info info;

	kt_map(test, "kt-byname/still=kt-b;kt-byname=kt-a");
	c = cma_alloc_for_name("kt-byname", NULL, SZ_512K, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(c));
	KUNIT_EXPECT_PTR_EQ(test, c->reg, a->core);
	cma_free(c);
	c = cma_alloc_for_name("kt-byname", "still", SZ_512K, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(c));
	KUNIT_EXPECT_PTR_EQ(test, c->reg, b->core);

	KUNIT_ASSERT_EQ(test, cma_info_for_name(&info, "kt-byname", "still"),
			0);
	KUNIT_EXPECT_EQ(test, info.count, 1);
	KUNIT_EXPECT_EQ(test, info.lower_bound, b->start);
	KUNIT_EXPECT_EQ(test, info.free_size, SZ_512K);
	cma_free(c);

	KUNIT_EXPECT_EQ(test, PTR_ERR(cma_alloc_for_name(NULL, NULL, SZ_4K,
							 0)), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(cma_alloc_for_name("", NULL, SZ_4K, 0)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(cma_alloc_for_name("kt-other", NULL,
							 SZ_4K, 0)), -ENOENT);
	KUNIT_EXPECT_EQ(test, cma_info_for_name(&info, "", NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, cma_info_for_name(NULL, "kt-byname", NULL),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, cma_info_for_name(&info, "kt-other", NULL),
			-ENOENT);

	/* Malformed names are refused whatever the map says, or if empty. */
	KUNIT_EXPECT_EQ(test, PTR_ERR(cma_alloc_for_name("kt byname", NULL,
							 SZ_4K, 0)), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(cma_alloc_for_name("kt-byname", "a/b",
							 SZ_4K, 0)), -EINVAL);
	kt_map(test, "%s", "");
	KUNIT_EXPECT_EQ(test, PTR_ERR(cma_alloc_for_name("kt/byname", NULL,
							 SZ_4K, 0)), -EINVAL);
	KUNIT_EXPECT_EQ(test, cma_info_for_name(&info, "kt-byname", "*"),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, cma_info_for_name(&info, "kt-byname", NULL),
			-ENOENT);
}

/* What cma_cache_sync() was last asked to do, and how often. */
static struct {
	unsigned int calls;
	phys_addr_t start;
	size_t size;
	bool for_device;
	enum dma_data_direction dir;
} kt_cleaned;

static void kt_cache_sync(phys_addr_t start, size_t size, bool for_device,
			  enum dma_data_direction dir)
{
	kt_cleaned.calls++;
	kt_cleaned.start = start;
	kt_cleaned.size = size;
	kt_cleaned.for_device = for_device;
	kt_cleaned.dir = dir;
}

static void kt_free_pages(void *pages)
{
	__free_pages(pages, get_order(SZ_256K));
}

/* True if every byte of @chunk (of memory with struct pages) is @c. */
static bool kt_filled(struct cma_chunk *chunk, u8 c)
{
	struct page *page = pfn_to_page(PHYS_PFN(chunk->start));
	size_t off;

	for (off = 0; off < chunk->size; off++)
		if (((u8 *)page_address(page))[off] != c)
			return false;
	return true;
}

/*
 * cma_alloc_user(): only regions open to user space, never device memory,
 * ENOMEM over EPERM over ENOENT; the chunk cleared and, on every
 * architecture, exactly its range written back from the caches (on arm
 * through arch_sync_dma_for_device(); x86 is coherent).
 */
static void cma_regions_test_alloc_user(struct kunit *test)
{
	struct cma_region *dev = kt_region(test, "kt-udev", 0, SZ_1M,
					   "kunit-bitmap");
	struct cma_region *ram;
	struct cma_chunk *c, *full;
	struct page *pages;

	pages = alloc_pages(GFP_KERNEL, get_order(SZ_256K));
	KUNIT_ASSERT_NOT_NULL(test, pages);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, kt_free_pages,
							pages), 0);
	memset(page_address(pages), 0xa5, SZ_256K);
	/* Unregistered (by kt_region()'s action) before the pages go. */
	ram = kt_region(test, "kt-uram", page_to_phys(pages) - KT_BASE,
			SZ_256K, "kunit-bitmap");

	KUNIT_EXPECT_FALSE(test, cma_region_user(dev));
	KUNIT_EXPECT_EQ(test, cma_region_set_user(dev, true), -EINVAL);
	KUNIT_EXPECT_FALSE(test, cma_region_user(dev));
	KUNIT_EXPECT_EQ(test, cma_region_set_user(dev, false), 0);
	KUNIT_EXPECT_TRUE(test, cma_region_user(ram));
	KUNIT_EXPECT_EQ(test, cma_region_set_user(NULL, false), -EINVAL);

	kunit_activate_static_stub(test, cma_cache_sync, kt_cache_sync);
	memset(&kt_cleaned, 0, sizeof(kt_cleaned));
	c = cma_alloc_user(NULL, NULL, "kt-udev,kt-uram", SZ_8K, 0);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(c), "%pe", c);
	KUNIT_EXPECT_PTR_EQ(test, c->reg, ram->core);
	/* Who asked, for the debugfs view: this process, and the names. */
	KUNIT_EXPECT_EQ(test, c->tgid, task_tgid_nr(current));
	KUNIT_EXPECT_STREQ(test, c->owner, "kt-udev,kt-uram");
	KUNIT_EXPECT_STREQ(test, c->owner + strlen(c->owner) + 1,
			   current->comm);
	KUNIT_EXPECT_TRUE(test, kt_filled(c, 0));
	KUNIT_EXPECT_EQ(test, kt_cleaned.calls, 1);
	KUNIT_EXPECT_EQ(test, kt_cleaned.start, c->start);
	KUNIT_EXPECT_EQ(test, kt_cleaned.size, c->size);
	KUNIT_EXPECT_TRUE(test, kt_cleaned.for_device);
	KUNIT_EXPECT_EQ(test, kt_cleaned.dir, DMA_TO_DEVICE);
	kunit_info(test, "cleaned +0x%llx, %zu bytes: the chunk, %s\n",
		   (unsigned long long)(kt_cleaned.start - ram->start),
		   kt_cleaned.size,
		   IS_ENABLED(CONFIG_ARCH_HAS_SYNC_DMA_FOR_DEVICE) ?
		   "by arch_sync_dma_for_device()" : "a no-op here (coherent)");
	/* The explicit sync of /dev/cma: the chunk, in the direction asked. */
	KUNIT_EXPECT_EQ(test, cma_chunk_sync(c, false, DMA_FROM_DEVICE), 0);
	KUNIT_EXPECT_EQ(test, kt_cleaned.calls, 2);
	KUNIT_EXPECT_EQ(test, kt_cleaned.start, c->start);
	KUNIT_EXPECT_EQ(test, kt_cleaned.size, c->size);
	KUNIT_EXPECT_FALSE(test, kt_cleaned.for_device);
	KUNIT_EXPECT_EQ(test, kt_cleaned.dir, DMA_FROM_DEVICE);
	KUNIT_EXPECT_EQ(test, cma_chunk_sync(c, true, DMA_NONE), -EINVAL);
	KUNIT_EXPECT_EQ(test, kt_cleaned.calls, 2);
	kt_cleaned.calls = 0;
	/* The kernel's own allocations are neither cleared nor synced. */
	full = cma_alloc_from("kt-uram", SZ_8K, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(full));
	KUNIT_EXPECT_TRUE(test, kt_filled(full, 0xa5));
	KUNIT_EXPECT_EQ(test, kt_cleaned.calls, 0);
	cma_free(full);

	/* Device memory only: closed, whatever else is asked. */
	KUNIT_EXPECT_EQ(test, PTR_ERR(cma_alloc_user(NULL, NULL, "kt-udev",
						     SZ_4K, 0)), -EPERM);
	KUNIT_EXPECT_EQ(test, PTR_ERR(cma_alloc_user(NULL, NULL, "kt-none",
						     SZ_4K, 0)), -ENOENT);

	/* Closed by the administrator: EPERM; the kernel still allocates. */
	KUNIT_ASSERT_EQ(test, cma_region_set_user(ram, false), 0);
	KUNIT_EXPECT_EQ(test, PTR_ERR(cma_alloc_user(NULL, NULL,
						     "kt-none,kt-udev,kt-uram",
						     SZ_4K, 0)), -EPERM);
	full = cma_alloc_from("kt-uram", SZ_4K, 0);
	KUNIT_EXPECT_FALSE(test, IS_ERR(full));
	cma_free(full);
	KUNIT_ASSERT_EQ(test, cma_region_set_user(ram, true), 0);

	/* Open but full: ENOMEM, even with a closed region in the list. */
	full = cma_alloc_from("kt-uram", SZ_256K - c->size, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(full));
	KUNIT_EXPECT_EQ(test, PTR_ERR(cma_alloc_user(NULL, NULL,
						     "kt-udev,kt-uram",
						     SZ_4K, 0)), -ENOMEM);
	cma_free(full);

	/* By device, through the map. */
	kt_map(test, "kt-udevice=kt-udev,kt-uram;kt-uclosed=kt-udev");
	cma_free(c);
	c = cma_alloc_user("kt-udevice", NULL, NULL, SZ_4K, 0);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(c), "%pe", c);
	KUNIT_EXPECT_PTR_EQ(test, c->reg, ram->core);
	cma_free(c);
	KUNIT_EXPECT_EQ(test, PTR_ERR(cma_alloc_user("kt-uclosed", "any",
						     NULL, SZ_4K, 0)), -EPERM);
	KUNIT_EXPECT_EQ(test, PTR_ERR(cma_alloc_user("kt-unone", NULL, NULL,
						     SZ_4K, 0)), -ENOENT);

	/* Exactly one of a device and regions. */
	KUNIT_EXPECT_EQ(test, PTR_ERR(cma_alloc_user(NULL, NULL, NULL, SZ_4K,
						     0)), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(cma_alloc_user("kt-udevice", NULL,
						     "kt-uram", SZ_4K, 0)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(cma_alloc_user(NULL, NULL, "kt-uram,",
						     SZ_4K, 0)), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(cma_alloc_user(NULL, NULL, "kt-uram", 0,
						     0)), -EINVAL);
	KUNIT_EXPECT_EQ(test, kt_free_space(ram), SZ_256K);
}

static int kt_failing_init(struct cma_region *reg)
{
	reg->private_data = ERR_PTR(-EIO);	/* must not stick */
	return -EIO;
}

static struct cma_allocator kt_failing = {
	.name = "kunit-failing",
	.init = kt_failing_init,
	.alloc = kt_alloc,
	.free = kt_free,
};

static void kt_allocator_release(void *data)
{
	cma_allocator_unregister(data);
}

static void kt_add_allocator(struct kunit *test, struct cma_allocator *alloc)
{
	KUNIT_ASSERT_EQ(test, cma_allocator_register(alloc), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							kt_allocator_release,
							alloc), 0);
}

static void cma_regions_test_set_allocator(struct kunit *test)
{
	struct cma_region *a = kt_region(test, "kt-a", 0, SZ_1M,
					 "kunit-bitmap");
	struct cma_region unreg = { .name = "kt-u", .start = KT_BASE + SZ_4M,
				    .size = SZ_1M };
	const char *toolong = "abcdefghijklmnopqrstuvwxyz012345";
	int inits, cleanups;
	struct cma_chunk *chunk;
	void *data;

	kt_add_allocator(test, &kt_late);
	kt_add_allocator(test, &kt_failing);

	/* Malformed or unknown: nothing changes. */
	data = a->core->private_data;
	inits = kt_inits;
	cleanups = kt_cleanups;
	KUNIT_EXPECT_EQ(test, cma_region_set_allocator(NULL, "kunit-late"),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, cma_region_set_allocator(a, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, cma_region_set_allocator(a, ""), -EINVAL);
	KUNIT_EXPECT_EQ(test, cma_region_set_allocator(a, "kunit late"),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, cma_region_set_allocator(a, toolong), -EINVAL);
	KUNIT_EXPECT_EQ(test, cma_region_set_allocator(a, "kunit-none"),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, cma_region_set_allocator(&unreg, "kunit-late"),
			-EINVAL);
	/* The new allocator fails to set up: the old one keeps the region. */
	KUNIT_EXPECT_EQ(test, cma_region_set_allocator(a, "kunit-failing"),
			-EIO);
	KUNIT_EXPECT_PTR_EQ(test, a->core->alloc, &kt_allocator);
	KUNIT_EXPECT_PTR_EQ(test, a->core->private_data, data);
	/* Already in force: nothing to do. */
	KUNIT_EXPECT_EQ(test, cma_region_set_allocator(a, "kunit-bitmap"), 0);
	KUNIT_EXPECT_EQ(test, kt_inits, inits);
	KUNIT_EXPECT_EQ(test, kt_cleanups, cleanups);

	/* Busy: refused, and the chunk's allocator stays. */
	chunk = cma_alloc_from("kt-a", PAGE_SIZE, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(chunk));
	KUNIT_EXPECT_EQ(test, cma_region_set_allocator(a, "kunit-late"),
			-EBUSY);
	KUNIT_EXPECT_EQ(test, cma_region_set_allocator(a, "kunit-bitmap"),
			-EBUSY);
	KUNIT_EXPECT_PTR_EQ(test, a->core->alloc, &kt_allocator);
	KUNIT_EXPECT_PTR_EQ(test, a->core->private_data, data);
	cma_free(chunk);

	/* Idle: the new one is set up before the old one lets go. */
	KUNIT_EXPECT_EQ(test, cma_region_set_allocator(a, "kunit-late"), 0);
	KUNIT_EXPECT_PTR_EQ(test, a->core->alloc, &kt_late);
	KUNIT_EXPECT_EQ(test, kt_inits, inits + 1);
	KUNIT_EXPECT_EQ(test, kt_cleanups, cleanups + 1);
	chunk = cma_alloc_from("kt-a", SZ_1M, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(chunk));
	KUNIT_EXPECT_EQ(test, chunk->start, a->start);
	KUNIT_EXPECT_EQ(test, cma_allocator_unregister(&kt_late), -EBUSY);
	cma_free(chunk);

	/* Its allocator goes: back to the one the region asked for. */
	KUNIT_EXPECT_EQ(test, cma_allocator_unregister(&kt_late), 0);
	KUNIT_EXPECT_PTR_EQ(test, a->core->alloc, &kt_allocator);
	KUNIT_ASSERT_EQ(test, cma_allocator_register(&kt_late), 0);
}

/*
 * An allocator whose alloc() waits at a gate, holding its region's lock:
 * what else may run meanwhile shows which locks an allocation holds.
 */
static DECLARE_COMPLETION(kt_gate_entered);
static DECLARE_COMPLETION(kt_gate_open);

static int kt_gate_alloc(struct cma_region *reg, struct cma_chunk *chunk,
			 phys_addr_t alignment)
{
	complete(&kt_gate_entered);
	wait_for_completion(&kt_gate_open);
	return kt_alloc(reg, chunk, alignment);
}

static struct cma_allocator kt_gate = {
	.name = "kunit-gate",
	.init = kt_init,
	.cleanup = kt_cleanup,
	.alloc = kt_gate_alloc,
	.free = kt_free,
};

/* Static: a failed test's thread may still write its result afterwards. */
static struct kt_job {
	struct completion done;
	struct cma_chunk *chunk;
	int ret;
} kt_alloc_job, kt_unreg_job;

static int kt_gate_alloc_fn(void *data)
{
	struct kt_job *job = data;

	job->chunk = cma_alloc_from("kt-g", PAGE_SIZE, 0);
	complete(&job->done);
	return 0;
}

static int kt_gate_unregister_fn(void *data)
{
	struct kt_job *job = data;

	job->ret = cma_allocator_unregister(&kt_gate);
	complete(&job->done);
	return 0;
}

/* A test that fails half way still lets the waiting allocation finish. */
static void kt_gate_release(void *data)
{
	complete_all(&kt_gate_open);
}

static void kt_run(struct kunit *test, int (*fn)(void *), struct kt_job *job)
{
	init_completion(&job->done);
	KUNIT_ASSERT_FALSE(test, IS_ERR(kthread_run(fn, job, "kt-job")));
}

/*
 * Allocations take no global lock: while one waits inside its allocator,
 * holding its region's lock, allocations from other regions, the map and
 * cma_info_about() go on.  Unregistering the waiting region's allocator
 * waits for it and, the chunk allocated, is refused: nothing is detached
 * under a chunk.
 */
static void cma_regions_test_parallel(struct kunit *test)
{
	struct kt_job *alloc = &kt_alloc_job, *unreg = &kt_unreg_job;
	struct cma_chunk *b, *m;
	struct cma_info info;
	char dev[64];

	kt_add_allocator(test, &kt_gate);
	kt_region(test, "kt-g", 0, SZ_1M, "kunit-gate");
	kt_region(test, "kt-b", SZ_4M, SZ_1M, "kunit-bitmap");
	kt_map(test, "%s.m=kt-b", test->name);
	reinit_completion(&kt_gate_entered);
	reinit_completion(&kt_gate_open);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, kt_gate_release,
							NULL), 0);

	kt_run(test, kt_gate_alloc_fn, alloc);
	KUNIT_ASSERT_NE(test, wait_for_completion_timeout(&kt_gate_entered,
							  10 * HZ), 0);

	b = cma_alloc_from("kt-b", PAGE_SIZE, 0);
	KUNIT_EXPECT_FALSE(test, IS_ERR(b));
	snprintf(dev, sizeof(dev), "%s.m", test->name);
	m = cma_alloc_for_name(dev, NULL, PAGE_SIZE, 0);
	KUNIT_EXPECT_FALSE(test, IS_ERR(m));
	KUNIT_EXPECT_EQ(test, cma_info_about(&info, "kt-b"), 0);
	kt_map(test, "%s.n=kt-b", test->name);

	kt_run(test, kt_gate_unregister_fn, unreg);
	KUNIT_EXPECT_EQ(test, wait_for_completion_timeout(&unreg->done, HZ / 5),
			0);
	KUNIT_EXPECT_FALSE(test, completion_done(&alloc->done));

	complete_all(&kt_gate_open);
	wait_for_completion(&alloc->done);
	wait_for_completion(&unreg->done);
	KUNIT_EXPECT_FALSE(test, IS_ERR(alloc->chunk));
	KUNIT_EXPECT_EQ(test, unreg->ret, -EBUSY);
	cma_free(alloc->chunk);
	cma_free(b);
	cma_free(m);
}

static void cma_regions_test_allocators_print(struct kunit *test)
{
	char buf[128], tiny[4];
	size_t len;

	kt_add_allocator(test, &kt_late);
	len = cma_allocators_print(buf, sizeof(buf));
	KUNIT_ASSERT_LT(test, len, sizeof(buf));
	KUNIT_EXPECT_EQ(test, len, strlen(buf));
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "kunit-bitmap kunit-late"));
	KUNIT_EXPECT_EQ(test, buf[len - 1], 'e');
	/* Truncated, still terminated, and the full length reported. */
	KUNIT_EXPECT_EQ(test, cma_allocators_print(tiny, sizeof(tiny)), len);
	KUNIT_EXPECT_EQ(test, strlen(tiny), sizeof(tiny) - 1);
	KUNIT_EXPECT_EQ(test, cma_allocators_print(NULL, 0), len);
}

/* A watcher that counts what it sees and can refuse additions. */
struct kt_watcher {
	struct notifier_block nb;
	struct cma_region *last;
	int adds, dels, veto;
};

static int kt_watch(struct notifier_block *nb, unsigned long event,
		    void *data)
{
	struct kt_watcher *w = container_of(nb, struct kt_watcher, nb);

	w->last = data;
	if (event == CMA_REGION_DEL) {
		w->dels++;
		return NOTIFY_OK;
	}
	if (w->veto)
		return notifier_from_errno(w->veto);
	w->adds++;
	return NOTIFY_OK;
}

static void cma_regions_test_watch(struct kunit *test)
{
	struct cma_region *a = kt_region(test, "kt-a", 0, SZ_1M,
					 "kunit-bitmap");
	struct kt_watcher first = { .nb.notifier_call = kt_watch };
	struct kt_watcher second = { .nb.notifier_call = kt_watch };
	struct cma_region b = { .name = "kt-b", .start = KT_BASE + SZ_4M,
				.size = SZ_1M };
	struct cma_info info;
	int existing;

	/* Replayed for every region already there, kt-a included. */
	KUNIT_ASSERT_EQ(test, cma_regions_watch(&first.nb), 0);
	existing = first.adds;
	KUNIT_EXPECT_GE(test, existing, 1);
	KUNIT_EXPECT_EQ(test, first.dels, 0);
	/* A watcher refusing a region already there is not registered. */
	second.veto = -ENOMEM;
	KUNIT_EXPECT_EQ(test, cma_regions_watch(&second.nb), -ENOMEM);
	KUNIT_EXPECT_EQ(test, second.dels, 0);
	second.veto = 0;
	KUNIT_ASSERT_EQ(test, cma_regions_watch(&second.nb), 0);
	KUNIT_EXPECT_EQ(test, second.adds, existing);

	KUNIT_ASSERT_EQ(test, cma_region_register(&b), 0);
	KUNIT_EXPECT_EQ(test, first.adds, existing + 1);
	/* Watchers see the core's copy, never the caller's handle. */
	KUNIT_EXPECT_PTR_EQ(test, first.last, b.core);
	KUNIT_EXPECT_PTR_NE(test, first.last, &b);
	KUNIT_EXPECT_STREQ(test, ((struct cma_region *)first.last)->name,
			   b.name);
	KUNIT_EXPECT_PTR_NE(test, ((struct cma_region *)first.last)->name,
			    b.name);
	KUNIT_EXPECT_EQ(test, cma_region_unregister(&b), 0);
	KUNIT_EXPECT_EQ(test, first.dels, 1);
	KUNIT_EXPECT_EQ(test, second.dels, 1);

	/*
	 * The second refuses: the registration fails with its error, the
	 * first is told to forget the region, and nothing is registered.
	 */
	second.veto = -ENOSPC;
	KUNIT_EXPECT_EQ(test, cma_region_register(&b), -ENOSPC);
	KUNIT_EXPECT_EQ(test, first.adds, existing + 2);
	KUNIT_EXPECT_EQ(test, first.dels, 2);
	KUNIT_EXPECT_FALSE(test, b.registered);
	KUNIT_EXPECT_NULL(test, b.core);
	KUNIT_EXPECT_EQ(test, cma_info_about(&info, "kt-b"), -ENOENT);
	KUNIT_EXPECT_EQ(test, cma_region_unregister(&b), -EINVAL);
	second.veto = 0;

	/* Unwatching deletes what was added. */
	cma_regions_unwatch(&second.nb);
	KUNIT_EXPECT_EQ(test, second.dels, existing + 1);
	cma_regions_unwatch(&first.nb);
	KUNIT_EXPECT_EQ(test, first.dels, existing + 2);
	KUNIT_ASSERT_EQ(test, cma_region_register(&b), 0);
	KUNIT_EXPECT_EQ(test, first.adds, existing + 2);
	KUNIT_EXPECT_EQ(test, cma_region_unregister(&b), 0);
	KUNIT_EXPECT_PTR_EQ(test, a->core->alloc, &kt_allocator);
}

static struct kunit_case cma_core_cases[] = {
	KUNIT_CASE_PARAM(cma_regions_test_register_invalid,
			 kt_bad_region_gen_params),
	KUNIT_CASE(cma_regions_test_register_conflicts),
	KUNIT_CASE(cma_regions_test_alloc_from),
	KUNIT_CASE(cma_regions_test_alloc_errors),
	KUNIT_CASE(cma_regions_test_alloc_for),
	KUNIT_CASE(cma_regions_test_alloc_for_name),
	KUNIT_CASE(cma_regions_test_alloc_user),
	KUNIT_CASE(cma_regions_test_info),
	KUNIT_CASE(cma_regions_test_refcount),
	KUNIT_CASE(cma_regions_test_outlive),
	KUNIT_CASE(cma_regions_test_stats),
	KUNIT_CASE(cma_regions_test_owner),
	KUNIT_CASE(cma_regions_test_private),
	KUNIT_CASE(cma_regions_test_late_attach),
	KUNIT_CASE(cma_regions_test_allocator_invalid),
	KUNIT_CASE(cma_regions_test_parallel),
	KUNIT_CASE(cma_regions_test_set_allocator),
	KUNIT_CASE(cma_regions_test_allocators_print),
	KUNIT_CASE(cma_regions_test_watch),
	{}
};

static struct kunit_suite cma_core_suite = {
	.name = "cma_regions_core",
	.suite_init = kt_suite_init,
	.suite_exit = kt_suite_exit,
	.test_cases = cma_core_cases,
};

kunit_test_suites(&cma_core_suite);
