// SPDX-License-Identifier: GPL-2.0
/*
 * Hooks for the QEMU system tests of contiguous memory regions, built into
 * the KUnit kernels they boot (never into a module: a region registered
 * here could outlive it).  Root only; never used outside those tests.
 *
 * Copyright (C) 2026 The CMA regions developers
 */

#include <linux/cma_regions.h>
#include <linux/gfp.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/printk.h>
#include <linux/sizes.h>
#include <linux/sysfs.h>

/*
 * cma_regions_kunit.owner plays a driver that owns a region, for the QEMU
 * test of a region unregistered while user space holds its chunks (a heap
 * buffer, a /dev/cma mapping).  Root writes "register": the driver takes
 * 1 MiB from the page allocator and registers it as region "owner";
 * "unregister": its remove(), which cannot fail whatever user space holds.
 * Reading tells where the region is: none, registered, unregistered (dead,
 * chunks alive) or released (the core called the release callback once the
 * last chunk was gone, and the pages went back).  Never used outside that
 * test.
 */
#define HK_OWNER_ORDER	get_order(SZ_1M)

enum hk_owner_state { HK_NONE, HK_REGISTERED, HK_UNREGISTERED, HK_RELEASED };

static const char *const hk_owner_names[] = {
	[HK_NONE] = "none",
	[HK_REGISTERED] = "registered",
	[HK_UNREGISTERED] = "unregistered",
	[HK_RELEASED] = "released",
};

/* Serialised by the parameter lock; @state also written by the release. */
static struct {
	struct cma_region reg;
	struct page *pages;
	int state;
} hk_owner;

static void hk_owner_release(void *data)
{
	__free_pages(data, HK_OWNER_ORDER);
	pr_info("cma_regions_kunit: region owner released, its pages freed\n");
	WRITE_ONCE(hk_owner.state, HK_RELEASED);
}

static int hk_owner_set(const char *val, const struct kernel_param *kp)
{
	int state = READ_ONCE(hk_owner.state), ret;

	/* Not from the command line: no page or slab allocator yet. */
	if (system_state < SYSTEM_RUNNING)
		return -EBUSY;
	if (sysfs_streq(val, "register")) {
		if (state == HK_REGISTERED || state == HK_UNREGISTERED)
			return -EBUSY;
		hk_owner.pages = alloc_pages(GFP_KERNEL | __GFP_NOWARN,
					     HK_OWNER_ORDER);
		if (!hk_owner.pages)
			return -ENOMEM;
		hk_owner.reg = (struct cma_region){
			.name = "owner",
			.start = page_to_phys(hk_owner.pages),
			.size = SZ_1M,
			.release = hk_owner_release,
			.release_data = hk_owner.pages,
		};
		ret = cma_region_register(&hk_owner.reg);
		if (ret) {
			__free_pages(hk_owner.pages, HK_OWNER_ORDER);
			return ret;
		}
		WRITE_ONCE(hk_owner.state, HK_REGISTERED);
		return 0;
	}
	if (sysfs_streq(val, "unregister")) {
		if (state != HK_REGISTERED)
			return -ENOENT;
		/*
		 * Before the call: the release runs inside it when no chunk
		 * is alive, and must have the last word.
		 */
		WRITE_ONCE(hk_owner.state, HK_UNREGISTERED);
		ret = cma_region_unregister(&hk_owner.reg);
		pr_info("cma_regions_kunit: region owner unregistered: %d\n",
			ret);
		return ret;
	}
	return -EINVAL;
}

static int hk_owner_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n", hk_owner_names[READ_ONCE(hk_owner.state)]);
}

static const struct kernel_param_ops hk_owner_ops = {
	.set = hk_owner_set,
	.get = hk_owner_get,
};
module_param_cb(owner, &hk_owner_ops, NULL, 0600);
MODULE_PARM_DESC(owner, "register or unregister region \"owner\" (tests)");
