// SPDX-License-Identifier: GPL-2.0
/*
 * Fault injection for contiguous memory regions: every slab allocation an
 * operation makes is made to fail in turn.
 *
 * The test arms the task's fail-nth counter (as writing N to
 * /proc/self/task/<tid>/fail-nth does) with n = 1, 2, ... and runs one
 * operation per n: the nth slab allocation of that task fails, whoever makes
 * it (the core, the best-fit allocator, the sysfs and heap watchers, kernfs,
 * the driver core).  Each run must either fail cleanly with -ENOMEM and
 * leave everything as it was, or succeed in full; the sweep ends at the
 * first n the operation does not reach.  Leaks are kmemleak's to find: the
 * QEMU scenario "faults" runs this suite and then scans.
 *
 * Needs CONFIG_FAILSLAB and its debugfs knobs, which it sets for the length
 * of a test: GFP_KERNEL allocations can fail, and no stack is dumped.
 *
 * Copyright (C) 2026 The CMA regions developers
 */

#include <kunit/test.h>
#include <linux/cma_regions.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include "../internal.h"

#define KF_BASE		((phys_addr_t)0xc8000000)
#define KF_MAX_NTH	2000

struct kf_ctx {
	struct kunit *test;
	struct cma_region reg, other;
	struct cma_allocator clone;
	struct cma_chunk *chunk, *keep[3];
	char name[32];
	unsigned int seq;
	phys_addr_t free_before;
	/* Runs that failed cleanly, and runs an injected failure let pass. */
	unsigned int failed, absorbed;
};

/* The failslab knobs the test turns, and their values before it. */
struct kf_knobs {
	bool *ignore_gfp_wait;
	unsigned long *verbose;
	bool old_ignore;
	unsigned long old_verbose;
};

static void *kf_knob(struct dentry *dir, const char *name)
{
	struct dentry *d = debugfs_lookup(name, dir);
	void *p;

	if (IS_ERR_OR_NULL(d))
		return NULL;
	p = d_inode(d)->i_private;
	dput(d);
	return p;
}

static void kf_knobs_restore(void *data)
{
	struct kf_knobs *k = data;

	*k->ignore_gfp_wait = k->old_ignore;
	*k->verbose = k->old_verbose;
}

/*
 * Makes GFP_KERNEL slab allocations injectable and quiet.  The knobs are
 * failslab's debugfs files; debugfs keeps the address of each value in the
 * file's inode, so the test sets them without mounting anything.
 */
static int kf_init(struct kunit *test)
{
	struct kf_knobs *k = kunit_kzalloc(test, sizeof(*k), GFP_KERNEL);
	struct dentry *dir = debugfs_lookup("failslab", NULL);

	if (!k)
		return -ENOMEM;
	if (IS_ERR_OR_NULL(dir))
		kunit_skip(test, "no failslab directory in debugfs");
	k->ignore_gfp_wait = kf_knob(dir, "ignore-gfp-wait");
	k->verbose = kf_knob(dir, "verbose");
	dput(dir);
	if (!k->ignore_gfp_wait || !k->verbose)
		kunit_skip(test, "no failslab knobs in debugfs");
	k->old_ignore = *k->ignore_gfp_wait;
	k->old_verbose = *k->verbose;
	*k->ignore_gfp_wait = false;
	*k->verbose = 0;
	return kunit_add_action_or_reset(test, kf_knobs_restore, k);
}

/*
 * kf_sweep() - run @op once for every slab allocation it makes, failing it
 * @op:		The operation; returns 0 or a negative errno.
 * @check:	Called after each run with the return value: checks that a
 *		failure left the state as it was, or that a success is whole.
 * @undo:	Called after a successful run to return to the start state.
 *
 * Return: the number of allocations a run of @op makes when none fails.
 */
static unsigned int kf_sweep(struct kf_ctx *c, int (*op)(struct kf_ctx *c),
			     void (*check)(struct kf_ctx *c, int ret),
			     void (*undo)(struct kf_ctx *c))
{
	struct kunit *test = c->test;
	unsigned int n, left;
	int ret;

	for (n = 1; n < KF_MAX_NTH; n++) {
		WRITE_ONCE(current->fail_nth, n);
		ret = op(c);
		left = READ_ONCE(current->fail_nth);
		WRITE_ONCE(current->fail_nth, 0);
		check(c, ret);
		if (!ret && undo)
			undo(c);
		if (left) {
			/* Fewer than n allocations: nothing was failed. */
			KUNIT_EXPECT_EQ_MSG(test, ret, 0, "without failures");
			return n - 1;
		}
		if (ret)
			c->failed++;
		else
			c->absorbed++;
		if (ret)
			KUNIT_EXPECT_EQ_MSG(test, ret, -ENOMEM, "failing #%u", n);
	}
	KUNIT_FAIL(test, "more than %d allocations", KF_MAX_NTH);
	return n;
}

static void kf_report(struct kf_ctx *c, const char *what, unsigned int n)
{
	kunit_info(c->test, "%s: %u allocations, %u failed cleanly, %u absorbed\n",
		   what, n, c->failed, c->absorbed);
	/* Something on the path allocates and its failure is seen. */
	KUNIT_EXPECT_GT(c->test, c->failed, 0);
}

static struct kf_ctx *kf_ctx(struct kunit *test, const char *name)
{
	struct kf_ctx *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, c);
	c->test = test;
	c->reg.name = name;
	c->reg.start = KF_BASE;
	c->reg.size = SZ_4M;
	c->reg.alloc_name = "bf";
	return c;
}

static void kf_unregister(void *data)
{
	cma_region_unregister(data);
}

static void kf_register(struct kf_ctx *c, struct cma_region *reg)
{
	KUNIT_ASSERT_EQ(c->test, cma_region_register(reg), 0);
	KUNIT_ASSERT_EQ(c->test,
			kunit_add_action_or_reset(c->test, kf_unregister, reg),
			0);
}

/* @reg: a handle the test registered; the state is in the core's copy. */
static phys_addr_t kf_free_space(struct cma_region *reg)
{
	phys_addr_t free;

	reg = reg->core;
	mutex_lock(&reg->lock);
	free = reg->free_space;
	mutex_unlock(&reg->lock);
	return free;
}

/* The best-fit trees agree, and the free space is what it was. */
static void kf_expect_intact(struct kf_ctx *c, struct cma_region *reg)
{
	const char *err = cma_bf_verify(reg->core, NULL, NULL);

	KUNIT_EXPECT_NULL_MSG(c->test, err, "%s", err);
	KUNIT_EXPECT_EQ(c->test, kf_free_space(reg), c->free_before);
}

/* Registering a named region: core, best-fit init, sysfs directory. */

static int kf_op_register(struct kf_ctx *c)
{
	return cma_region_register(&c->reg);
}

static void kf_check_register(struct kf_ctx *c, int ret)
{
	struct kunit *test = c->test;
	struct cma_info info;

	KUNIT_EXPECT_EQ(test, c->reg.registered, !ret);
	KUNIT_EXPECT_EQ(test, cma_info_about(&info, c->reg.name ?: "kf-none"),
			ret || !c->reg.name ? -ENOENT : 0);
#if IS_ENABLED(CONFIG_CMA_REGIONS_SYSFS)
	if (c->reg.name && !ret) {
		struct kobject *kobj = cma_sysfs_region_kobj(&c->reg);

		KUNIT_EXPECT_NOT_NULL(test, kobj);
		kobject_put(kobj);
	}
#endif
	if (!ret) {
		c->free_before = c->reg.size;
		kf_expect_intact(c, &c->reg);
	}
}

static void kf_undo_register(struct kf_ctx *c)
{
	KUNIT_EXPECT_EQ(c->test, cma_region_unregister(&c->reg), 0);
}

static void cma_regions_test_fault_register(struct kunit *test)
{
	struct kf_ctx *c = kf_ctx(test, "kf-named");

	kf_report(c, "named region",
		  kf_sweep(c, kf_op_register, kf_check_register,
			   kf_undo_register));
}

static void cma_regions_test_fault_register_private(struct kunit *test)
{
	struct kf_ctx *c = kf_ctx(test, NULL);

	kf_report(c, "private region",
		  kf_sweep(c, kf_op_register, kf_check_register,
			   kf_undo_register));
}

/* Allocating, by region name and by device through the map. */

static int kf_op_alloc_from(struct kf_ctx *c)
{
	c->chunk = cma_alloc_from("kf-a", SZ_64K, SZ_64K);
	return PTR_ERR_OR_ZERO(c->chunk);
}

static int kf_op_alloc_for(struct kf_ctx *c)
{
	c->chunk = cma_alloc_for_name("kf-dev", "kf-type", SZ_64K, 0);
	return PTR_ERR_OR_ZERO(c->chunk);
}

static void kf_check_alloc(struct kf_ctx *c, int ret)
{
	if (ret) {
		kf_expect_intact(c, &c->reg);
		return;
	}
	KUNIT_EXPECT_PTR_EQ(c->test, c->chunk->reg, c->reg.core);
	KUNIT_EXPECT_EQ(c->test, kf_free_space(&c->reg),
			c->free_before - SZ_64K);
}

static void kf_undo_alloc(struct kf_ctx *c)
{
	cma_free(c->chunk);
	kf_expect_intact(c, &c->reg);
}

/*
 * Three chunks at the start of a region, so freeing the middle one makes a
 * new hole between two chunks.
 */
static void kf_fragment(struct kf_ctx *c)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(c->keep); i++) {
		c->keep[i] = cma_alloc_from_region(&c->reg, SZ_64K << i, 0);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(c->test, c->keep[i]);
	}
	c->free_before = kf_free_space(&c->reg);
}

static void kf_unfragment(struct kf_ctx *c)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(c->keep); i++)
		if (c->keep[i])
			cma_free(c->keep[i]);
	KUNIT_EXPECT_EQ(c->test, kf_free_space(&c->reg), c->reg.size);
}

static void cma_regions_test_fault_alloc(struct kunit *test)
{
	struct kf_ctx *c = kf_ctx(test, "kf-a");
	char *saved = kunit_kzalloc(test, CMA_MAP_MAX + 1, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, saved);
	kf_register(c, &c->reg);
	kf_fragment(c);
	kf_report(c, "alloc by name",
		  kf_sweep(c, kf_op_alloc_from, kf_check_alloc,
			   kf_undo_alloc));

	cma_map_print(saved, CMA_MAP_MAX + 1);
	KUNIT_ASSERT_EQ(test, cma_map_replace("kf-dev/kf-type=kf-a"), 0);
	c->failed = 0;
	c->absorbed = 0;
	kf_report(c, "alloc by device",
		  kf_sweep(c, kf_op_alloc_for, kf_check_alloc,
			   kf_undo_alloc));
	KUNIT_EXPECT_EQ(test, cma_map_replace(saved), 0);
	kf_unfragment(c);
}

/*
 * Freeing allocates nothing, so nothing in it can fail: best-fit keeps a
 * spare hole for the one a free between two chunks needs.  The armed
 * counter must come back untouched.
 */
static void cma_regions_test_fault_free(struct kunit *test)
{
	struct kf_ctx *c = kf_ctx(test, "kf-f");

	kf_register(c, &c->reg);
	kf_fragment(c);
	WRITE_ONCE(current->fail_nth, 1);
	cma_free(c->keep[1]);
	c->keep[1] = NULL;
	KUNIT_EXPECT_EQ(test, READ_ONCE(current->fail_nth), 1);
	WRITE_ONCE(current->fail_nth, 0);
	KUNIT_EXPECT_EQ(test, kf_free_space(&c->reg),
			c->free_before + 2 * SZ_64K);
	KUNIT_EXPECT_NULL(test, cma_bf_verify(c->reg.core, NULL, NULL));
	kf_unfragment(c);
}

/* Replacing the map: the new copy. */

static int kf_op_map(struct kf_ctx *c)
{
	return cma_map_replace("kf-dev/kf-type,kf-?=kf-a;*=kf-b");
}

static void kf_check_map(struct kf_ctx *c, int ret)
{
	char buf[64];

	cma_map_print(buf, sizeof(buf));
	KUNIT_EXPECT_STREQ(c->test, buf,
			   ret ? "kf-dev=kf-a" : "kf-dev/kf-type,kf-?=kf-a;*=kf-b");
}

static void kf_undo_map(struct kf_ctx *c)
{
	KUNIT_EXPECT_EQ(c->test, cma_map_replace("kf-dev=kf-a"), 0);
}

static void cma_regions_test_fault_map(struct kunit *test)
{
	struct kf_ctx *c = kf_ctx(test, NULL);
	char *saved = kunit_kzalloc(test, CMA_MAP_MAX + 1, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, saved);
	cma_map_print(saved, CMA_MAP_MAX + 1);
	KUNIT_ASSERT_EQ(test, cma_map_replace("kf-dev=kf-a"), 0);
	kf_report(c, "map", kf_sweep(c, kf_op_map, kf_check_map, kf_undo_map));
	KUNIT_EXPECT_EQ(test, cma_map_replace(saved), 0);
}

/* Switching an idle region's allocator: the new allocator's state. */

static int kf_op_switch(struct kf_ctx *c)
{
	return cma_region_set_allocator(&c->reg, "kunit-fault");
}

static void kf_check_switch(struct kf_ctx *c, int ret)
{
	struct cma_chunk *chunk;

	KUNIT_EXPECT_PTR_EQ(c->test, c->reg.core->alloc,
			    ret ? c->other.core->alloc : &c->clone);
	c->free_before = c->reg.size;
	kf_expect_intact(c, &c->reg);
	/* Whichever allocator is in force works. */
	chunk = cma_alloc_from_region(&c->reg, SZ_1M, 0);
	KUNIT_EXPECT_NOT_ERR_OR_NULL(c->test, chunk);
	if (!IS_ERR_OR_NULL(chunk))
		cma_free(chunk);
}

static void kf_undo_switch(struct kf_ctx *c)
{
	KUNIT_EXPECT_EQ(c->test, cma_region_set_allocator(&c->reg, "bf"), 0);
}

static void kf_unregister_allocator(void *data)
{
	cma_allocator_unregister(data);
}

static void cma_regions_test_fault_switch(struct kunit *test)
{
	struct kf_ctx *c = kf_ctx(test, "kf-s");

	c->other.start = KF_BASE + SZ_4M;
	c->other.size = SZ_1M;
	c->other.alloc_name = "bf";
	kf_register(c, &c->reg);
	kf_register(c, &c->other);
	/* Best-fit under another name: its state is allocated anew. */
	c->clone = *c->other.core->alloc;
	c->clone.name = "kunit-fault";
	KUNIT_ASSERT_EQ(test, cma_allocator_register(&c->clone), 0);
	KUNIT_ASSERT_EQ(test,
			kunit_add_action_or_reset(test, kf_unregister_allocator,
						  &c->clone), 0);
	kf_report(c, "allocator switch",
		  kf_sweep(c, kf_op_switch, kf_check_switch, kf_undo_switch));
}

/*
 * A region with struct pages also gets a dma-buf heap.  The region works
 * without one, so a failure in the heap's creation lets the registration
 * pass (absorbed); the sweep still fails every allocation of it in turn.
 * A heap outlives its region (6.12 cannot remove heaps) and a region of
 * the same name only rebinds it, so every run uses a new name.
 */
static int kf_op_register_new(struct kf_ctx *c)
{
	snprintf(c->name, sizeof(c->name), "kf-heap-%u", ++c->seq);
	c->reg.name = c->name;
	return cma_region_register(&c->reg);
}

static void cma_regions_test_fault_heap(struct kunit *test)
{
	struct kf_ctx *c = kf_ctx(test, "kf-heap");
	struct page *pages;

	if (!IS_ENABLED(CONFIG_DMABUF_HEAPS_CMA_REGIONS))
		kunit_skip(test, "no dma-buf heaps for regions");
	pages = alloc_pages(GFP_KERNEL, get_order(SZ_1M));
	KUNIT_ASSERT_NOT_NULL(test, pages);
	c->reg.start = page_to_phys(pages);
	c->reg.size = SZ_1M;
	KUNIT_EXPECT_TRUE(test, cma_region_has_pages(&c->reg));
	kf_report(c, "region with a heap",
		  kf_sweep(c, kf_op_register_new, kf_check_register,
			   kf_undo_register));
	__free_pages(pages, get_order(SZ_1M));
}

static struct kunit_case cma_fault_cases[] = {
	KUNIT_CASE(cma_regions_test_fault_register),
	KUNIT_CASE(cma_regions_test_fault_register_private),
	KUNIT_CASE(cma_regions_test_fault_alloc),
	KUNIT_CASE(cma_regions_test_fault_free),
	KUNIT_CASE(cma_regions_test_fault_map),
	KUNIT_CASE(cma_regions_test_fault_switch),
	KUNIT_CASE(cma_regions_test_fault_heap),
	{}
};

static struct kunit_suite cma_fault_suite = {
	.name = "cma_regions_faults",
	.init = kf_init,
	.test_cases = cma_fault_cases,
};

kunit_test_suite(cma_fault_suite);
