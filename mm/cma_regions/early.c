// SPDX-License-Identifier: GPL-2.0
/*
 * Contiguous memory regions: declaring and reserving regions at boot.
 *
 * Copyright (C) 2026 The CMA regions developers
 */

/**
 * DOC: Early boot
 *
 * Regions are declared before the page allocator takes over memory, by
 * platform code (cma_early_region_register(), cma_set_defaults()) and by
 * the device tree and the boot parameters when those are built.  The
 * architecture reserves them with memblock (cma_early_regions_reserve()),
 * and the core registers them at core_initcall, giving back the memory of
 * any it cannot register.  Everything here runs single threaded and is
 * gone after init.
 */

#define pr_fmt(fmt) "cma_regions: " fmt

#include <linux/cma_regions.h>
#include <linux/init.h>
#include <linux/ioport.h>
#include <linux/kmemleak.h>
#include <linux/memblock.h>
#include <linux/minmax.h>
#include <linux/sched/clock.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "internal.h"

/*
 * Early boot state, per origin; single threaded, gone after init.  The
 * regions of platform code are reserved, and those of the highest origin
 * that declares any; the map of the highest origin that gives one is used.
 */
static __initdata struct {
	struct list_head regions[CMA_EARLY_NR];
	const char *map[CMA_EARLY_NR];
	/* Regions that could not be reserved, reported once. */
	struct list_head failed;
	/* BIT(origin) of every origin that declared regions, failed or not */
	unsigned int declared;
	unsigned int reserved;		/* regions reserved, in all */
	u64 reserve_ns;			/* time reserving them took */
	bool reserve_ran;		/* an architecture hook reserved */
} cma_early = {
	.failed = LIST_HEAD_INIT(cma_early.failed),
	.regions = {
		[CMA_EARLY_EXPLICIT] =
			LIST_HEAD_INIT(cma_early.regions[CMA_EARLY_EXPLICIT]),
		[CMA_EARLY_PLATFORM] =
			LIST_HEAD_INIT(cma_early.regions[CMA_EARLY_PLATFORM]),
		[CMA_EARLY_DT] =
			LIST_HEAD_INIT(cma_early.regions[CMA_EARLY_DT]),
		[CMA_EARLY_PARAM] =
			LIST_HEAD_INIT(cma_early.regions[CMA_EARLY_PARAM]),
	},
};

static const char *const cma_early_origin_name[CMA_EARLY_NR] __initconst = {
	[CMA_EARLY_EXPLICIT] = "platform code",
	[CMA_EARLY_PLATFORM] = "platform defaults",
	[CMA_EARLY_DT] = "device tree",
	[CMA_EARLY_PARAM] = "boot parameters",
};

/* Early boot: single threaded, no locking. */
static int __init cma_early_region_check(struct cma_region *reg,
					 enum cma_early_origin origin)
{
	enum cma_early_origin o;
	struct cma_region *other;

	if (cma_region_check(reg))
		return -EINVAL;
	for (o = CMA_EARLY_EXPLICIT; o < CMA_EARLY_NR; o++) {
		list_for_each_entry(other, &cma_early.regions[o], list) {
			if (other == reg)
				return -EEXIST;
			/*
			 * Names are unique within an origin.  Platform code's
			 * names win over the others' when the regions are
			 * reserved (cma_early_name_explicit()); the device
			 * tree's regions come reserved already, so theirs are
			 * checked here, and the reserved-memory code gives a
			 * refused node's memory back.
			 */
			if (o != origin &&
			    !(o == CMA_EARLY_EXPLICIT && origin == CMA_EARLY_DT))
				continue;
			if (reg->name && other->name &&
			    !strcmp(reg->name, other->name))
				return -EEXIST;
		}
	}
	return 0;
}

/* Does platform code declare a region of @reg's name? */
static bool __init cma_early_name_explicit(const struct cma_region *reg)
{
	struct cma_region *other;

	list_for_each_entry(other, &cma_early.regions[CMA_EARLY_EXPLICIT], list)
		if (reg->name && other->name && !strcmp(reg->name, other->name))
			return true;
	return false;
}

/* The origin whose regions are reserved besides platform code's. */
static enum cma_early_origin __init cma_early_winner(void)
{
	enum cma_early_origin o;

	/* Regions that failed still count: their origin stays in force. */
	for (o = CMA_EARLY_NR - 1; o > CMA_EARLY_EXPLICIT; o--)
		if (cma_early.declared & BIT(o))
			return o;
	return CMA_EARLY_EXPLICIT;
}

/* Drops the regions of origins overridden by @win; frees what they hold. */
static void __init cma_early_drop_overridden(enum cma_early_origin win)
{
	struct cma_region *reg, *next;
	enum cma_early_origin o;

	for (o = CMA_EARLY_PLATFORM; o < win; o++) {
		list_for_each_entry_safe(reg, next, &cma_early.regions[o],
					 list) {
			pr_info("region %s from the %s: overridden by the %s\n",
				reg->name ?: "(private)",
				cma_early_origin_name[o],
				cma_early_origin_name[win]);
			list_del_init(&reg->list);
			if (reg->reserved)
				memblock_phys_free(reg->start, reg->size);
			reg->reserved = false;
		}
	}
}

/**
 * cma_early_declare() - declare an early region on behalf of an origin
 * @reg:	The region; it may live in __initdata: registering copies it.
 * @origin:	Where it comes from.
 *
 * Context: Early boot, before cma_early_regions_reserve() reserves it.
 * Return: 0 on success, -EINVAL if @reg is malformed, -EEXIST if it or its
 * name is already declared by @origin or by platform code.
 */
int __init cma_early_declare(struct cma_region *reg,
			     enum cma_early_origin origin)
{
	int ret = cma_early_region_check(reg, origin);

	if (ret)
		return ret;
	list_add_tail(&reg->list, &cma_early.regions[origin]);
	cma_early.declared |= BIT(origin);
	/*
	 * The reserved-memory code hands over device-tree regions with a
	 * fixed "reg" only once the tree is unflattened, which on ARM is
	 * after the others were reserved: give back what they override.
	 */
	cma_early_drop_overridden(cma_early_winner());
	return 0;
}

/**
 * cma_early_declare_map() - declare the map on behalf of an origin
 * @map:	A map validated by the caller; it must stay valid until the
 *		core initialises (core_initcall), so __initdata is fine.
 * @origin:	Where it comes from.
 *
 * Context: Early boot.
 */
void __init cma_early_declare_map(const char *map,
				  enum cma_early_origin origin)
{
	cma_early.map[origin] = map;
}

/**
 * cma_early_overridden() - whether an origin's regions will be dropped
 * @origin:	The origin asking.
 *
 * Context: Early boot.
 * Return: true if an origin of higher precedence has declared regions.
 */
bool __init cma_early_overridden(enum cma_early_origin origin)
{
	return cma_early_winner() > origin;
}

/**
 * cma_early_region_register() - declare a region to reserve at boot
 * @reg:	The region; &cma_region.start may be zero for "anywhere".  The
 *		core copies it when it registers it, so it may live in
 *		__initdata unless the caller uses it as a handle after boot.
 *
 * The region is reserved by cma_early_regions_reserve() and registered
 * when the core initialises.  Unlike the defaults given to
 * cma_set_defaults(), it is reserved whatever the device tree and the boot
 * parameters declare.
 *
 * Context: Early boot, before cma_early_regions_reserve().
 * Return: 0 on success, -EINVAL if @reg is malformed, -EEXIST if it or its
 * name is already declared.
 */
int __init cma_early_region_register(struct cma_region *reg)
{
	int ret = cma_early_region_check(reg, CMA_EARLY_EXPLICIT);

	if (ret)
		return ret;
	reg->reserved = false;
	return cma_early_declare(reg, CMA_EARLY_EXPLICIT);
}

/**
 * cma_early_declare_set() - declare regions and a map on behalf of an origin
 * @regions:	Array of regions ended by one with a zero size, or NULL.
 * @map:	The map, or NULL for none.
 * @origin:	Where they come from.
 *
 * Everything is checked before anything is declared: either all regions
 * and the map are taken, or none.
 *
 * Context: Early boot, before cma_early_regions_reserve().
 * Return: 0 on success, -EINVAL if a region or @map is malformed, -EEXIST
 * if a region name is used twice or already declared.
 */
int __init cma_early_declare_set(struct cma_region *regions, const char *map,
				 enum cma_early_origin origin)
{
	struct cma_region *reg, *other;
	int ret;

	if (map && cma_map_validate(map))
		return -EINVAL;
	for (reg = regions; reg && reg->size; reg++) {
		ret = cma_early_region_check(reg, origin);
		if (ret)
			return ret;
		for (other = regions; other < reg; other++)
			if (reg->name && other->name &&
			    !strcmp(reg->name, other->name))
				return -EEXIST;
	}

	for (reg = regions; reg && reg->size; reg++) {
		reg->reserved = false;
		cma_early_declare(reg, origin);
	}
	if (map)
		cma_early_declare_map(map, origin);
	return 0;
}

/**
 * cma_set_defaults() - declare a platform's regions and map
 * @regions:	Array of regions ended by one with a zero size, or NULL.
 *		The core copies the regions when it registers them, so
 *		they may live in __initdata.
 * @map:	The map, or NULL for none.  It is copied when the core
 *		initialises, so it may be __initconst.
 *
 * Everything is checked before anything is declared: either all regions
 * and the map are taken, or none.  These are defaults: regions declared
 * in the device tree replace the platform's regions, and the boot
 * parameters replace both; the same goes for the map.
 *
 * Context: Early boot, before cma_early_regions_reserve(); typically from a
 * machine's reserve() hook.
 * Return: 0 on success, -EINVAL if a region or @map is malformed, -EEXIST
 * if a region name is used twice or already declared.
 */
int __init cma_set_defaults(struct cma_region *regions, const char *map)
{
	return cma_early_declare_set(regions, map, CMA_EARLY_PLATFORM);
}

/*
 * Memory marked no-map (the device tree's carve-outs for firmware such as
 * TF-A or OP-TEE) is memory to memblock but not reserved, and the kernel
 * must never touch it: a region there would be cleared and handed to user
 * space.  Also for the device tree's own regions (of.c).
 */
bool __init cma_early_overlaps_nomap(phys_addr_t start, phys_addr_t size)
{
	struct memblock_region *r;

	/* By last address: a range ending at the top does not wrap. */
	for_each_mem_region(r)
		if (memblock_is_nomap(r) && start <= r->base + (r->size - 1) &&
		    r->base <= start + (size - 1))
			return true;
	return false;
}

/*
 * Reserves one region's memory with memblock: exactly at its start, or
 * anywhere below @limit in memory the kernel maps (anywhere there, with a
 * warning, if nothing below @limit has room), aligned to its alignment;
 * declaring it checked it.  Returns 0, -EBUSY if it overlaps reserved or
 * no-map memory, -ENOMEM if its range is not all memory or there is no
 * room for it.
 */
static int __init cma_early_region_reserve(struct cma_region *reg,
					   phys_addr_t limit)
{
	phys_addr_t start;

	if (reg->start) {
		if (!memblock_is_region_memory(reg->start, reg->size))
			return -ENOMEM;
		if (memblock_is_region_reserved(reg->start, reg->size) ||
		    cma_early_overlaps_nomap(reg->start, reg->size))
			return -EBUSY;
		if (memblock_reserve(reg->start, reg->size))
			return -ENOMEM;
	} else {
		phys_addr_t align = max_t(phys_addr_t, reg->alignment,
					  PAGE_SIZE);
		phys_addr_t top = memblock_get_current_limit();

		/* Never no-map memory: memblock skips it. */
		start = memblock_phys_alloc_range(reg->size, align, 0, limit);
		if (!start && limit < top) {
			start = memblock_phys_alloc_range(reg->size, align, 0,
							  top);
			if (start)
				pr_warn("region %s: no room below %pa: placed at %pa, out of reach of devices limited to that\n",
					reg->name ?: "(private)", &limit,
					&start);
		}
		if (!start)
			return -ENOMEM;
		/*
		 * memblock told kmemleak about the allocation; what drivers
		 * and user space put in a region holds no kernel pointers
		 * to scan for (mm/cma.c does the same).
		 */
		kmemleak_ignore_phys(start);
		reg->start = start;
	}
	return 0;
}

static void __init cma_early_report(struct cma_region *reg, int err)
{
	const char *name = reg->name ?: "(private)";

	if (reg->start)
		pr_err("region %s: cannot reserve %llu KiB at %pa: %pe (%s)\n",
		       name, (u64)reg->size >> 10, &reg->start, ERR_PTR(err),
		       cma_strerror(CMA_OP_RESERVE_AT, err));
	else
		pr_err("region %s: cannot reserve %llu KiB anywhere: %pe (%s)\n",
		       name, (u64)reg->size >> 10, ERR_PTR(err),
		       cma_strerror(CMA_OP_RESERVE_ANY, err));
}

/*
 * Reserves the declared regions (only those with a start if @fixed), those
 * placed anywhere below @limit: 0 for no limit but memblock's.
 */
static void __init cma_early_reserve(bool fixed, phys_addr_t limit)
{
	enum cma_early_origin win = cma_early_winner(), o;
	struct cma_region *reg, *next;
	u64 t0 = local_clock();
	int ret;

	/*
	 * memblock keeps an explicit end above its current limit (ARM's
	 * lowmem): never go past that one.
	 */
	limit = limit ? min(limit, memblock_get_current_limit()) :
			memblock_get_current_limit();

	cma_early.reserve_ran = true;
	cma_early_drop_overridden(win);
	for (o = CMA_EARLY_EXPLICIT; o < CMA_EARLY_NR; o++) {
		list_for_each_entry_safe(reg, next, &cma_early.regions[o],
					 list) {
			if (reg->reserved || (fixed && !reg->start))
				continue;
			/*
			 * Platform code's regions are reserved whatever the
			 * others declare: one of theirs with the same name
			 * could never be registered, so it is not reserved.
			 */
			if (o != CMA_EARLY_EXPLICIT &&
			    cma_early_name_explicit(reg))
				ret = -EEXIST;
			else
				ret = cma_early_region_reserve(reg, limit);
			if (ret) {
				/* Reported once; never tried again. */
				cma_early_report(reg, ret);
				list_move_tail(&reg->list, &cma_early.failed);
				continue;
			}
			reg->reserved = true;
			cma_early.reserved++;
			pr_info("region %s: reserved %llu KiB at %pa (%s)\n",
				reg->name ?: "(private)", (u64)reg->size >> 10,
				&reg->start, cma_early_origin_name[o]);
		}
	}
	cma_early.reserve_ns += local_clock() - t0;
}

/**
 * cma_early_regions_reserve_fixed() - reserve the regions with a fixed start
 *
 * As cma_early_regions_reserve(), for the regions declared with a start
 * address only.  An architecture calls it before upstream CMA's
 * dma_contiguous_reserve() places its default area anywhere, so that the
 * area cannot take the place a region must have, and
 * cma_early_regions_reserve() after that, so that regions placed anywhere
 * do not take the memory such an area is confined to (arm_dma_limit on
 * ARM).  The device tree's reserved-memory nodes, upstream's default pool
 * among them, are placed before either.
 *
 * Context: Early boot, while memblock is in charge of memory.
 */
void __init cma_early_regions_reserve_fixed(void)
{
	cma_early_reserve(true, 0);
}

/**
 * cma_early_regions_reserve() - reserve every declared region
 * @limit: the regions placed anywhere are placed below it; 0 for no limit
 *
 * An architecture passes the limit it gives dma_contiguous_reserve(), the
 * end of the memory its devices can all reach (arm64_dma_phys_limit on
 * arm64, arm_dma_limit on ARM), so that a region placed anywhere does not
 * land above 4 GiB on a board with more memory than that.  The regions
 * declared by platform code are reserved, and those of the
 * highest-precedence origin that declares any: the boot parameters, else
 * the device tree, else the platform defaults.  A region of another origin
 * whose name a region of platform code has is not reserved.  Regions
 * already reserved (by cma_early_regions_reserve_fixed(), say) are
 * skipped, so architecture code may call this more than once.  A region
 * that cannot be reserved is reported once and left out; the others are
 * unaffected.
 *
 * Context: Early boot, while memblock is in charge of memory.
 */
void __init cma_early_regions_reserve(phys_addr_t limit)
{
	cma_early_reserve(false, limit);
}

/* Shows a reserved region in /proc/iomem, as crashkernel= does. */
static void __init cma_early_resource(struct cma_region *reg)
{
	const char *name = reg->name ?: "(private)";
	struct resource *res;
	char *p;

	res = kzalloc(sizeof(*res) + sizeof("cma region ") + strlen(name),
		      GFP_KERNEL);
	if (!res)
		return;
	p = (char *)(res + 1);
	sprintf(p, "cma region %s", name);
	res->name = p;
	res->start = reg->start;
	res->end = reg->start + reg->size - 1;
	res->flags = IORESOURCE_MEM | IORESOURCE_BUSY;
	if (insert_resource(&iomem_resource, res)) {
		pr_warn("region %s: not shown in /proc/iomem: conflict\n",
			name);
		kfree(res);
	}
}

/*
 * A reserved region that cannot be registered gives its memory back to the
 * page allocator, if it is RAM the kernel maps (a device-tree node can
 * reserve anything; no-map memory is never RAM here) and no other region
 * has it.  The range stays in memblock.reserved on architectures that keep
 * memblock after boot, and highmem pages given back are not counted in
 * totalhigh_pages.
 */
static void __init cma_early_give_back(struct cma_region *reg, int err)
{
	const char *name = reg->name ?: "(private)";

	/*
	 * Overlapping a registered region: only the device tree's regions
	 * get here (reserved-memory only warns of overlapping nodes), and
	 * their memory is, in part at least, the other region's.
	 */
	if (err == -EADDRINUSE) {
		pr_err("region %s: cannot register: %pe; %llu KiB at %pa stay reserved: they overlap another region\n",
		       name, ERR_PTR(err), (u64)reg->size >> 10, &reg->start);
		return;
	}
	if (!cma_range_has_pages(reg->start, reg->size)) {
		pr_err("region %s: cannot register: %pe; %llu KiB at %pa stay reserved: not all RAM\n",
		       name, ERR_PTR(err), (u64)reg->size >> 10, &reg->start);
		return;
	}
	pr_err("region %s: cannot register: %pe; %llu KiB at %pa given back\n",
	       name, ERR_PTR(err), (u64)reg->size >> 10, &reg->start);
	memblock_free_late(reg->start, reg->size);
}

static int __init cma_regions_init(void)
{
	enum cma_early_origin o, win = CMA_EARLY_EXPLICIT;
	struct cma_region *reg, *next;
	int ret;

	/*
	 * What reserving cost the boot.  Where sched_clock() does not run
	 * that early (arm, until time_init()), it cannot be told.
	 */
	if (cma_early.reserved && cma_early.reserve_ns)
		pr_info("reserving %u regions took %llu ns\n",
			cma_early.reserved, cma_early.reserve_ns);
	else if (cma_early.reserved)
		pr_info("reserving %u regions: no clock ran yet to time it\n",
			cma_early.reserved);

	for (o = CMA_EARLY_PLATFORM; o < CMA_EARLY_NR; o++) {
		if (!cma_early.map[o])
			continue;
		if (win != CMA_EARLY_EXPLICIT)
			pr_info("map from the %s overridden by the %s\n",
				cma_early_origin_name[win],
				cma_early_origin_name[o]);
		win = o;
	}
	if (win != CMA_EARLY_EXPLICIT) {
		ret = cma_map_replace(cma_early.map[win]);
		if (ret)
			pr_err("cannot set the map from the %s: %pe\n",
			       cma_early_origin_name[win], ERR_PTR(ret));
		else
			pr_info("map from the %s: \"%s\"\n",
				cma_early_origin_name[win], cma_early.map[win]);
	}

	for (o = CMA_EARLY_EXPLICIT; o < CMA_EARLY_NR; o++) {
		list_for_each_entry_safe(reg, next, &cma_early.regions[o],
					 list) {
			list_del_init(&reg->list);
			/* Those that failed are on cma_early.failed. */
			if (!reg->reserved) {
				pr_err("region %s from the %s: never reserved: %s\n",
				       reg->name ?: "(private)",
				       cma_early_origin_name[o],
				       cma_early.reserve_ran ?
				       "declared after the regions were reserved" :
				       "nothing reserves regions at boot on this architecture");
				continue;
			}
			/* Registering copies the region out of __initdata. */
			ret = cma_region_register(reg);
			if (ret)
				cma_early_give_back(reg, ret);
			else
				cma_early_resource(reg->core);
		}
	}
	return 0;
}
core_initcall(cma_regions_init);
