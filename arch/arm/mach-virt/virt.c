// SPDX-License-Identifier: GPL-2.0-only
/*
 * QEMU's ARM "virt" machine with contiguous memory regions.
 *
 * The generic device-tree machine boots "virt" well; this board file only
 * adds a reserve() hook declaring the board's contiguous memory regions and
 * the map that hands them to its devices, the way a board file for a
 * camera or video SoC does.  It is the worked example of the platform
 * interface in include/linux/cma_regions.h.  Regions in the device tree
 * (reserved-memory nodes compatible with "linux,contiguous-memory-region")
 * and the cma.regions= and cma.map= boot parameters replace these defaults.
 *
 * Copyright (C) 2026 The CMA regions developers
 */

#include <linux/cma_regions.h>
#include <linux/init.h>
#include <linux/printk.h>
#include <linux/sizes.h>

#include <asm/mach/arch.h>

/* The core copies them when it registers them. */
static struct cma_region virt_cma_regions[] __initdata = {
	/* Frame buffers and scan-out: 1 MiB aligned for the display engine. */
	{ .name = "video", .size = SZ_8M, .alignment = SZ_1M },
	/* Camera capture buffers. */
	{ .name = "camera", .size = SZ_4M },
	/* Everything else, and the fallback of the two above. */
	{ .name = "common", .size = SZ_4M, .alloc_name = "bf" },
	{ }
};

/* Copied when the core initialises, so it may be __initconst. */
static const char virt_cma_map[] __initconst =
	"video*,display*=video,common;camera*=camera,common;*=common";

static void __init virt_reserve(void)
{
	int ret = cma_set_defaults(virt_cma_regions, virt_cma_map);

	if (ret)
		pr_err("virt: cannot declare contiguous memory regions: %d\n",
		       ret);
}

static const char *const virt_dt_match[] __initconst = {
	"linux,dummy-virt",
	NULL
};

DT_MACHINE_START(VIRT_CMA_REGIONS, "Dummy Virtual Machine")
	.dt_compat	= virt_dt_match,
	.reserve	= virt_reserve,
MACHINE_END
