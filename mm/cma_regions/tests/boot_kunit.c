// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit smoke test of the regions reserved at boot.
 *
 * Unlike the other suites this one works on real memory: every region the
 * kernel reserved at early boot must be absent from the page allocator and
 * must hand out chunks that lie inside it.  It skips when no region was
 * reserved, so it can run in every KUnit kernel; the QEMU system tests run
 * it alone (kunit.filter_glob=cma_regions_boot) and read what it prints.
 *
 * Copyright (C) 2026 The CMA regions developers
 */

#include <kunit/test.h>
#include <linux/cma_regions.h>
#include <linux/highmem.h>
#include <linux/init.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "../internal.h"

#define KB_MAX_REGIONS	32

struct kb_regions {
	struct cma_region *reg[KB_MAX_REGIONS];
	unsigned int nr;
};

/* Early regions are never freed, so the pointers stay valid. */
static int kb_collect(struct cma_region *reg, void *arg)
{
	struct kb_regions *r = arg;

	if (!reg->reserved || r->nr == KB_MAX_REGIONS)
		return 0;
	r->reg[r->nr++] = reg;
	return 0;
}

static void kb_get(struct kunit *test, struct kb_regions *r)
{
	r->nr = 0;
	cma_regions_for_each(kb_collect, r);
	if (!r->nr)
		kunit_skip(test, "no regions were reserved at boot");
}

/* Every page of every region is reserved, none in the page allocator. */
static void kb_pages_reserved(struct kunit *test)
{
	struct kb_regions r;
	unsigned long pfn, bad;
	unsigned int i;

	kb_get(test, &r);
	for (i = 0; i < r.nr; i++) {
		struct cma_region *reg = r.reg[i];

		bad = 0;
		for (pfn = PHYS_PFN(reg->start);
		     pfn < PHYS_PFN(reg->start + reg->size); pfn++)
			if (!pfn_valid(pfn) || !PageReserved(pfn_to_page(pfn)))
				bad++;
		KUNIT_EXPECT_EQ_MSG(test, bad, 0,
				    "region %s: pages not reserved",
				    reg->name ?: "(private)");
		kunit_info(test, "region %s: %pa size %llu KiB reserved\n",
			   reg->name ?: "(private)", &reg->start,
			   (u64)reg->size >> 10);
	}
}

/* Dirties the first and last page of @chunk; cma_chunk_zero() clears them. */
static void kb_check_zero(struct kunit *test, struct cma_chunk *chunk)
{
	struct page *first = pfn_to_page(PHYS_PFN(chunk->start));
	struct page *last = pfn_to_page(PHYS_PFN(chunk->start + chunk->size) -
					1);
	struct page *pages[] = { first, last };
	unsigned int i;
	u8 *p;

	for (i = 0; i < ARRAY_SIZE(pages); i++) {
		p = kmap_local_page(pages[i]);
		memset(p, 0xa5, PAGE_SIZE);
		kunmap_local(p);
	}
	KUNIT_ASSERT_EQ(test, cma_chunk_zero(chunk), 0);
	for (i = 0; i < ARRAY_SIZE(pages); i++) {
		p = kmap_local_page(pages[i]);
		KUNIT_EXPECT_TRUE_MSG(test, !memchr_inv(p, 0, PAGE_SIZE),
				      "page %u of 2 not cleared", i + 1);
		kunmap_local(p);
	}
}

/* A chunk from every region lies inside it and its space comes back. */
static void kb_alloc_inside(struct kunit *test)
{
	struct cma_chunk *chunk;
	struct kb_regions r;
	struct cma_info info;
	unsigned int i;
	size_t size;

	kb_get(test, &r);
	for (i = 0; i < r.nr; i++) {
		struct cma_region *reg = r.reg[i];
		phys_addr_t free = reg->free_space;

		size = min_t(phys_addr_t, reg->size, SZ_1M);
		if (!reg->alloc) {
			/* It waits for its allocator: no room until then. */
			KUNIT_EXPECT_EQ(test,
					PTR_ERR(cma_alloc_from_region(reg, size,
								      0)),
					-ENOMEM);
			kunit_info(test, "region %s: waits for allocator %s\n",
				   reg->name ?: "(private)",
				   reg->alloc_name ?: "(any)");
			continue;
		}
		if (reg->name)
			chunk = cma_alloc_from(reg->name, size, 0);
		else
			chunk = cma_alloc_from_region(reg, size, 0);
		KUNIT_ASSERT_NOT_ERR_OR_NULL_MSG(test, chunk, "region %s",
						 reg->name ?: "(private)");
		KUNIT_EXPECT_PTR_EQ(test, chunk->reg, reg);
		KUNIT_EXPECT_EQ(test, chunk->size, size);
		KUNIT_EXPECT_GE(test, chunk->start, reg->start);
		KUNIT_EXPECT_LE(test, chunk->start + chunk->size,
				reg->start + reg->size);
		KUNIT_EXPECT_EQ(test, reg->free_space, free - size);
		if (reg->name) {
			KUNIT_ASSERT_EQ(test, cma_info_about(&info, reg->name),
					0);
			KUNIT_EXPECT_EQ(test, info.lower_bound, reg->start);
			KUNIT_EXPECT_EQ(test, info.total_size, reg->size);
			KUNIT_EXPECT_EQ(test, info.free_size, free - size);
		}
		kunit_info(test, "region %s: chunk %pa size %zu KiB\n",
			   reg->name ?: "(private)", &chunk->start,
			   chunk->size >> 10);
		kb_check_zero(test, chunk);
		cma_free(chunk);
		KUNIT_EXPECT_EQ(test, reg->free_space, free);
	}
}

/*
 * The control of the QEMU tests' leak check: booted with
 * cma_regions_kunit.plant_leak=1, the suite leaks one object on purpose,
 * and that check must then fail.  Never set outside that test.
 */
static bool plant_leak;
module_param(plant_leak, bool, 0444);
MODULE_PARM_DESC(plant_leak, "leak one object (tests the leak check)");

#ifndef MODULE
/*
 * cma_regions_test.explicit=NAME declares a region of platform code, 4 MiB
 * placed anywhere, as a board's reserve() hook would with
 * cma_early_region_register(): for the QEMU scenario whose boot
 * parameters declare a region of the same name, which must then not be
 * reserved at all (v1 reserved both, failed to register the second and
 * never gave its memory back).  Never set outside that test.
 */
static char kb_explicit_name[CMA_REGIONS_NAME_MAX + 1] __initdata;
static struct cma_region kb_explicit __initdata = { .size = SZ_4M };

/* Names @reg after the parameter's value, kept in @buf. */
static int __init kb_name(struct cma_region *reg, char *buf, const char *s)
{
	if (!s || strscpy(buf, s, CMA_REGIONS_NAME_MAX + 1) < 0)
		return -EINVAL;
	reg->name = buf;
	return 0;
}

static int __init kb_explicit_setup(char *s)
{
	return kb_name(&kb_explicit, kb_explicit_name, s) ?:
	       cma_early_region_register(&kb_explicit);
}
early_param("cma_regions_test.explicit", kb_explicit_setup);

/*
 * cma_regions_test.late=NAME declares a region of platform code of 1 MiB
 * from an early initcall, after the architecture reserved the regions: it
 * must be reported as never reserved (v1 dropped it without a word).
 * Never set outside that test.
 */
static char kb_late_name[CMA_REGIONS_NAME_MAX + 1] __initdata;
static struct cma_region kb_late __initdata = { .size = SZ_1M };

static int __init kb_late_setup(char *s)
{
	return kb_name(&kb_late, kb_late_name, s);
}
early_param("cma_regions_test.late", kb_late_setup);

static int __init kb_late_declare(void)
{
	if (kb_late.name && cma_early_region_register(&kb_late))
		pr_err("cma_regions_boot: cannot declare region %s\n",
		       kb_late.name);
	return 0;
}
early_initcall(kb_late_declare);
#endif

/* The chunk of region "leakbox" holding the planted leak's only pointer. */
static struct cma_chunk *kb_leak_box;

static int kb_suite_init(struct kunit_suite *suite)
{
	void *leak, *p;

	if (!plant_leak)
		return 0;
	/* Nothing kmemleak scans keeps the pointer: it must report it. */
	leak = kmalloc(96, GFP_KERNEL);
	if (!leak)
		return 0;
	pr_info("cma_regions_boot: planted a leak of 96 bytes\n");
	/*
	 * The pointer goes into a region placed anywhere, if the boot declared
	 * one named "leakbox": kmemleak must not scan region memory, which
	 * holds no kernel pointers (kmemleak_ignore_phys(), as mm/cma.c
	 * does).  v1 let it scan the region, and the pointer there hid the
	 * leak.
	 */
	kb_leak_box = cma_alloc_from("leakbox", PAGE_SIZE, 0);
	if (IS_ERR(kb_leak_box))
		return 0;
	p = kmap_local_page(pfn_to_page(PHYS_PFN(kb_leak_box->start)));
	*(void **)p = leak;
	kunmap_local(p);
	pr_info("cma_regions_boot: its only pointer is in region leakbox\n");
	return 0;
}

static void kb_suite_exit(struct kunit_suite *suite)
{
	/* The region's memory keeps the pointer after the chunk is freed. */
	if (!IS_ERR_OR_NULL(kb_leak_box))
		cma_free(kb_leak_box);
}

static struct kunit_case cma_boot_cases[] = {
	KUNIT_CASE(kb_pages_reserved),
	KUNIT_CASE(kb_alloc_inside),
	{}
};

static struct kunit_suite cma_boot_suite = {
	.name = "cma_regions_boot",
	.suite_init = kb_suite_init,
	.suite_exit = kb_suite_exit,
	.test_cases = cma_boot_cases,
};

kunit_test_suites(&cma_boot_suite);
