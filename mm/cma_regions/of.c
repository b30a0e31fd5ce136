// SPDX-License-Identifier: GPL-2.0
/*
 * Contiguous memory regions declared in the device tree.
 *
 * A reserved-memory child node compatible with
 * "linux,contiguous-memory-region" is a region: the node name up to its
 * unit address names it, the reserved-memory code places it (a fixed "reg",
 * or "size" with "alignment" and "alloc-ranges") and "linux,cma-allocator"
 * optionally names its allocator.  "linux,cma-map" in /chosen is the map.
 * See Documentation/devicetree/bindings/reserved-memory/
 * linux,contiguous-memory-region.yaml.
 *
 * Regions from the device tree replace those of cma_set_defaults(); regions
 * from the boot parameters replace both.
 *
 * Copyright (C) 2026 The CMA regions developers
 */

#define pr_fmt(fmt) "cma_regions: " fmt

#include <linux/cma_regions.h>
#include <linux/init.h>
#include <linux/of.h>
#include <linux/of_fdt.h>
#include <linux/of_reserved_mem.h>
#include <linux/string.h>

#include "internal.h"

#define CMA_OF_MAX_REGIONS	16

/* Copied by the core when it registers them, so __initdata is fine. */
struct cma_of_region {
	struct cma_region reg;
	char name[CMA_REGIONS_NAME_MAX + 1];
	char alloc_name[CMA_REGIONS_NAME_MAX + 1];
};

static __initdata struct {
	struct cma_of_region regions[CMA_OF_MAX_REGIONS];
	unsigned int nr;
} cma_of;

static int __init cma_of_region_init(struct reserved_mem *rmem)
{
	unsigned long node = rmem->fdt_node;
	struct cma_of_region *r;
	const char *alloc;
	size_t len;
	int plen, ret;

	if (cma_early_overridden(CMA_EARLY_DT)) {
		pr_info("%s: overridden by the boot parameters\n", rmem->name);
		return -EBUSY;
	}
	if (of_get_flat_dt_prop(node, "reusable", NULL) ||
	    of_get_flat_dt_prop(node, "no-map", NULL)) {
		pr_err("%s: \"reusable\" and \"no-map\" are not supported\n",
		       rmem->name);
		return -EINVAL;
	}
	if (cma_of.nr == CMA_OF_MAX_REGIONS) {
		pr_err("%s: more than %d regions in the device tree\n",
		       rmem->name, CMA_OF_MAX_REGIONS);
		return -ENOSPC;
	}

	r = &cma_of.regions[cma_of.nr];
	len = strcspn(rmem->name, "@");
	if (!cma_name_valid(rmem->name, len)) {
		pr_err("%s: node name is not a region name ([A-Za-z0-9_.-]{1,%d})\n",
		       rmem->name, CMA_REGIONS_NAME_MAX);
		return -EINVAL;
	}
	memcpy(r->name, rmem->name, len);
	r->name[len] = '\0';

	alloc = of_get_flat_dt_prop(node, "linux,cma-allocator", &plen);
	if (alloc) {
		if (plen < 2 || alloc[plen - 1] ||
		    !cma_name_valid(alloc, plen - 1)) {
			pr_err("%s: linux,cma-allocator is not an allocator name\n",
			       rmem->name);
			return -EINVAL;
		}
		memcpy(r->alloc_name, alloc, plen);
		r->reg.alloc_name = r->alloc_name;
	}

	/* Firmware's no-map carve-outs are never a region's. */
	if (cma_early_overlaps_nomap(rmem->base, rmem->size)) {
		pr_err("%s: overlaps no-map memory\n", rmem->name);
		return -EBUSY;
	}

	r->reg.name = r->name;
	r->reg.start = rmem->base;
	r->reg.size = rmem->size;
	r->reg.reserved = true;
	ret = cma_early_declare(&r->reg, CMA_EARLY_DT);
	if (ret) {
		pr_err("%s: cannot declare region %s (%pa, %pa bytes): %pe (%s)\n",
		       rmem->name, r->name, &rmem->base, &rmem->size,
		       ERR_PTR(ret), cma_strerror(CMA_OP_DECLARE, ret));
		memset(r, 0, sizeof(*r));
		return ret;
	}
	cma_of.nr++;
	pr_info("region %s: reserved %llu KiB at %pa (device tree)\n",
		r->name, (u64)r->reg.size >> 10, &r->reg.start);
	return 0;
}

RESERVEDMEM_OF_DECLARE(cma_regions, "linux,contiguous-memory-region",
		       cma_of_region_init);

/* The unflattened tree is up by now, and the core reads the map later. */
static int __init cma_of_map_init(void)
{
	const char *map;

	if (!of_chosen ||
	    of_property_read_string(of_chosen, "linux,cma-map", &map))
		return 0;
	if (cma_map_validate(map)) {
		pr_err("/chosen/linux,cma-map is malformed: ignored\n");
		return 0;
	}
	cma_early_declare_map(map, CMA_EARLY_DT);
	return 0;
}
early_initcall(cma_of_map_init);
