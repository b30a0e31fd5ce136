// SPDX-License-Identifier: GPL-2.0
/*
 * Contiguous memory regions: registry, map and driver API.
 *
 * Copyright (C) 2026 The CMA regions developers
 */

/**
 * DOC: Overview
 *
 * Devices without scatter-gather or an IOMMU need physically contiguous
 * buffers.  Platform code declares named regions of memory, reserved at
 * early boot, and a map saying which devices (and which types of memory of
 * a device) allocate from which regions, in order.  Drivers ask by device
 * (cma_alloc_for()), by region names (cma_alloc_from()) or from a private
 * region they registered themselves (cma_alloc_from_region()).
 *
 * The core only manages configuration; free space within a region is
 * managed by a pluggable &struct cma_allocator, chosen per region by name or
 * else the first one registered.  A region whose allocator is not
 * registered yet attaches when it is, so allocators may be modules.
 *
 * Locking: cma_regions_config_mutex serialises changes to the configuration
 * (registering regions and allocators, and telling watchers such as sysfs
 * and debugfs about regions coming and going).  cma_regions_mutex guards
 * the lists of regions and allocators, the map in force and which
 * allocator a region uses; the lists change with both held.  Each region's
 * own lock guards its free space, its users, its list of chunks, its
 * statistics and its allocator's state.  The locks nest in that order.
 *
 * Allocations take no global lock: they find the map in force and the
 * regions it names inside an SRCU read-side critical section of
 * cma_regions_srcu and then take the region's own lock only, so
 * allocations from different regions run in parallel.  The map is compiled
 * when it is set, never parsed on the allocation path.  A map replaced, or
 * a region unregistered, stays valid until the allocations that may have
 * found it are done.  Allocations, the map and the sysfs files never take
 * the configuration mutex, so watchers can remove sysfs files with it
 * held.  All entry points may sleep.
 */

#define pr_fmt(fmt) "cma_regions: " fmt

#include <kunit/visibility.h>
#include <linux/cma_regions.h>
#include <linux/device.h>
#include <linux/ioport.h>
#include <linux/kref.h>
#include <linux/ktime.h>
#include <linux/lockdep.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/overflow.h>
#include <linux/refcount.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/srcu.h>
#include <linux/string.h>

#include "internal.h"

#define CREATE_TRACE_POINTS
#include <trace/events/cma_regions.h>

/**
 * struct cma_map - the map in force, compiled
 * @rcu:	Frees a replaced map once no allocation can be using it.
 * @str:	The map's validated text, after @pats.
 * @nr:		Number of patterns.
 * @pats:	The map's patterns, in order, pointing into @str.
 */
struct cma_map {
	struct rcu_head rcu;
	char *str;
	unsigned int nr;
	struct cma_map_pattern pats[] __counted_by(nr);
};

/*
 * Allocations and cma_info_*() find the map in force, the regions on
 * cma_regions_list and a handle's copy (&cma_region.core) inside a
 * read-side critical section of it; they may sleep there, on a region's
 * lock.
 */
DEFINE_STATIC_SRCU(cma_regions_srcu);

/*
 * Serialises registering and unregistering regions and allocators, and
 * guards cma_regions_chain.  Taken before cma_regions_mutex.
 */
static DEFINE_MUTEX(cma_regions_config_mutex);
static RAW_NOTIFIER_HEAD(cma_regions_chain);

/*
 * Guards changes to cma_regions_list (an SRCU list, see cma_regions_srcu),
 * cma_regions_dead, cma_allocators_list and cma_map_current, and the
 * &cma_region.alloc and &cma_region.registered fields of every region.
 */
static DEFINE_MUTEX(cma_regions_mutex);
static LIST_HEAD(cma_regions_list);
/*
 * Regions unregistered while chunks from them were alive: their memory is
 * still in use, so nothing may be registered over it, and their allocator
 * still manages it.  The last chunk's release takes a region off.
 */
static LIST_HEAD(cma_regions_dead);
static LIST_HEAD(cma_allocators_list);
static struct cma_map __rcu *cma_map_current;

/* Copies and compiles @str; returns ERR_PTR() of -EINVAL or -ENOMEM. */
static struct cma_map *cma_map_alloc(const char *str)
{
	size_t len = strlen(str);
	struct cma_map *map;
	int nr;

	nr = cma_map_compile(str, NULL, 0);
	if (nr < 0)
		return ERR_PTR(nr);
	map = kmalloc(size_add(struct_size(map, pats, nr), len + 1),
		      GFP_KERNEL);
	if (!map)
		return ERR_PTR(-ENOMEM);
	map->nr = nr;
	map->str = (char *)&map->pats[nr];
	memcpy(map->str, str, len + 1);
	/* The patterns point into the copy. */
	if (WARN_ON_ONCE(cma_map_compile(map->str, map->pats, nr) != nr)) {
		kfree(map);
		return ERR_PTR(-EINVAL);
	}
	return map;
}

static void cma_map_free_rcu(struct rcu_head *rcu)
{
	kfree(container_of(rcu, struct cma_map, rcu));
}

/*
 * Finds the regions the map in force gives @dev_name and @type (NULL for
 * the default type); *@list then points into the map, valid until the
 * caller leaves its read-side critical section of cma_regions_srcu.  A
 * malformed name or type is -EINVAL whether or not a map is set; no map,
 * or no rule, is -ENOENT.
 */
static int cma_map_lookup(const char *dev_name, const char *type,
			  const char **list, size_t *len)
{
	struct cma_map *map = srcu_dereference(cma_map_current,
					       &cma_regions_srcu);

	return cma_map_find(map ? map->pats : NULL, map ? map->nr : 0,
			    dev_name, type ?: CMA_DEFAULT_TYPE, list, len);
}

/**
 * cma_map_replace() - put a new map in force
 * @str:	The new map; may be empty.
 *
 * The map is validated and compiled in full before it replaces the old
 * one; allocations already using the old map finish with it.
 *
 * Context: Process context.  Takes and releases cma_regions_mutex.
 * Return: 0 on success, -EINVAL if @str is NULL or malformed (the old map
 * stays in force), -ENOMEM if the copy cannot be allocated.
 */
int cma_map_replace(const char *str)
{
	struct cma_map *map, *old;

	if (!str)
		return -EINVAL;
	map = cma_map_alloc(str);
	trace_cma_regions_map(str, strlen(str), PTR_ERR_OR_ZERO(map));
	if (IS_ERR(map))
		return PTR_ERR(map);

	mutex_lock(&cma_regions_mutex);
	old = rcu_replace_pointer(cma_map_current, map,
				  lockdep_is_held(&cma_regions_mutex));
	mutex_unlock(&cma_regions_mutex);

	if (old)
		call_srcu(&cma_regions_srcu, &old->rcu, cma_map_free_rcu);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(cma_map_replace);

/**
 * cma_map_print() - copy the map in force
 * @buf:	Buffer.
 * @size:	Size of @buf; the copy is truncated and NUL-terminated.
 *
 * Context: Process context.  Takes and releases cma_regions_mutex.
 * Return: the length of the map in force, which is empty if none was set.
 */
size_t cma_map_print(char *buf, size_t size)
{
	const char *str = "";
	struct cma_map *map;
	size_t len;

	mutex_lock(&cma_regions_mutex);
	map = rcu_dereference_protected(cma_map_current,
					lockdep_is_held(&cma_regions_mutex));
	if (map)
		str = map->str;
	len = strlen(str);
	if (size)
		strscpy(buf, str, size);
	mutex_unlock(&cma_regions_mutex);
	return len;
}
EXPORT_SYMBOL_IF_KUNIT(cma_map_print);

/* Caller holds cma_regions_mutex. */
static struct cma_allocator *__cma_allocator_find(const char *name)
{
	struct cma_allocator *alloc;

	lockdep_assert_held(&cma_regions_mutex);
	list_for_each_entry(alloc, &cma_allocators_list, list)
		if (!name || !strcmp(alloc->name, name))
			return alloc;
	return NULL;
}

/* Caller holds cma_regions_mutex or is in a cma_regions_srcu section. */
static struct cma_region *__cma_region_find(const char *name, size_t len)
{
	struct cma_region *reg;

	list_for_each_entry_srcu(reg, &cma_regions_list, list,
				 srcu_read_lock_held(&cma_regions_srcu) ||
				 lockdep_is_held(&cma_regions_mutex))
		if (reg->name && strlen(reg->name) == len &&
		    !memcmp(reg->name, name, len))
			return reg;
	return NULL;
}

/*
 * Hands @reg to @alloc.  Caller holds cma_regions_mutex and @reg->lock, and
 * @reg has no allocator.
 */
static int __cma_region_attach(struct cma_region *reg,
			       struct cma_allocator *alloc)
{
	int ret = 0;

	lockdep_assert_held(&cma_regions_mutex);
	lockdep_assert_held(&reg->lock);
	if (alloc->init)
		ret = alloc->init(reg);
	if (!ret)
		reg->alloc = alloc;
	return ret;
}

/*
 * Attaches @reg to the allocator it asks for, if registered.  Caller holds
 * cma_regions_mutex and @reg->lock.
 */
static void __cma_region_attach_default(struct cma_region *reg)
{
	struct cma_allocator *alloc = __cma_allocator_find(reg->alloc_name);
	int ret;

	if (!alloc)
		return;
	ret = __cma_region_attach(reg, alloc);
	if (ret)
		pr_err("region %s: allocator %s failed to attach: %d\n",
		       reg->name ?: "(private)", alloc->name, ret);
}

/*
 * Caller holds cma_regions_mutex and @reg->lock, and @reg has no users.
 */
static void __cma_region_detach(struct cma_region *reg)
{
	lockdep_assert_held(&cma_regions_mutex);
	lockdep_assert_held(&reg->lock);
	if (reg->alloc && reg->alloc->cleanup)
		reg->alloc->cleanup(reg);
	reg->alloc = NULL;
	reg->private_data = NULL;
}

/*
 * Is [start, start + size) RAM the kernel maps, with a struct page for
 * every page?  pfn_valid() alone is not enough: on arm it holds for
 * no-map carve-outs and a pageblock beyond memory.  Architectures without
 * I/O resources (um) have only RAM.
 */
bool cma_range_has_pages(phys_addr_t start, phys_addr_t size)
{
	unsigned long pfn, last = PHYS_PFN(start + (size - 1));
	phys_addr_t base = start, left = size;

	/* region_intersects() takes a size_t: 4 GiB and more with LPAE. */
	while (IS_ENABLED(CONFIG_HAS_IOMEM) && left) {
		size_t step = min_t(phys_addr_t, left, SZ_1G);

		if (region_intersects(base, step, IORESOURCE_SYSTEM_RAM,
				      IORES_DESC_NONE) != REGION_INTERSECTS)
			return false;
		base += step;
		left -= step;
	}
	for (pfn = PHYS_PFN(start); pfn <= last; pfn++)
		if (!pfn_valid(pfn))
			return false;
	return true;
}

/*
 * The core's own copy of a region being registered, names included: chunks
 * can outlive the caller's structure (user space holds them through
 * dma-bufs and mappings after the driver that registered the region is
 * gone), so they, the allocator and the watchers only ever see the copy.
 */
static struct cma_region *cma_region_dup(const struct cma_region *reg)
{
	size_t nlen = reg->name ? strlen(reg->name) + 1 : 0;
	size_t alen = reg->alloc_name ? strlen(reg->alloc_name) + 1 : 0;
	struct cma_region *copy;
	char *p;

	copy = kzalloc(sizeof(*copy) + nlen + alen, GFP_KERNEL);
	if (!copy)
		return NULL;
	copy->start = reg->start;
	copy->size = reg->size;
	copy->alignment = reg->alignment;
	copy->kernel_only = reg->kernel_only;
	copy->release = reg->release;
	copy->release_data = reg->release_data;
	copy->owner = reg->owner;
	copy->reserved = reg->reserved;
	INIT_LIST_HEAD(&copy->list);
	INIT_LIST_HEAD(&copy->chunks);
	p = (char *)(copy + 1);
	if (nlen) {
		copy->name = memcpy(p, reg->name, nlen);
		p += nlen;
	}
	if (alen)
		copy->alloc_name = memcpy(p, reg->alloc_name, alen);
	copy->core = copy;
	return copy;
}

/*
 * Do the memory of @reg and @other overlap?  Compared by last address, as
 * &struct resource does, so a region ending at the top of the address
 * space does not wrap to zero.
 */
static bool cma_region_overlaps(const struct cma_region *reg,
				const struct cma_region *other)
{
	return reg->start <= other->start + (other->size - 1) &&
	       other->start <= reg->start + (reg->size - 1);
}

/**
 * cma_region_register() - make a region available for allocations
 * @reg:	The region; its public fields are filled in and it is not
 *		registered.
 *
 * A region with a name can be used through the map and cma_alloc_from();
 * one without (a private region) only through cma_alloc_from_region().  The
 * region is attached to the allocator named by &cma_region.alloc_name, or to
 * the first allocator registered; if there is none yet, it attaches when
 * one is registered and allocations fail with -ENOMEM until then.
 *
 * The core keeps a copy of @reg, its names included: from now on @reg is
 * only the caller's handle for cma_alloc_from_region() and
 * cma_region_unregister(), and it may be freed once the latter returns,
 * even while chunks allocated from the region are still alive.
 *
 * Context: Process context.  Takes and releases cma_regions_config_mutex
 * and cma_regions_mutex; calls the watchers without the latter.
 * Return: 0 on success; -EINVAL if @reg is malformed (see the grammar's
 * rules for names, sizes and alignment); -EEXIST if @reg is already
 * registered or its name is taken; -EADDRINUSE if it overlaps a registered
 * region, or one unregistered whose chunks are still alive; -ENODEV if
 * &cma_region.owner is being unloaded; -ENOMEM if the copy cannot be
 * allocated; the error of the allocator's &cma_allocator.init; or the
 * error with which a watcher refused the region (sysfs, a heap).
 */
int cma_region_register(struct cma_region *reg)
{
	struct cma_region *copy, *other;
	struct cma_allocator *alloc;
	int ret;

	ret = cma_region_check(reg);
	if (ret)
		goto out_trace;
	/* @release is code of its owner's: the module stays until it ran. */
	if (reg->release && !try_module_get(reg->owner)) {
		ret = -ENODEV;
		goto out_trace;
	}
	copy = cma_region_dup(reg);
	if (!copy) {
		ret = -ENOMEM;
		goto out_put;
	}

	mutex_lock(&cma_regions_config_mutex);
	mutex_lock(&cma_regions_mutex);
	ret = -EEXIST;
	if (reg->core)
		goto out_free;
	list_for_each_entry(other, &cma_regions_list, list) {
		if (reg->name && other->name && !strcmp(reg->name, other->name))
			goto out_free;
		if (cma_region_overlaps(reg, other)) {
			ret = -EADDRINUSE;
			goto out_free;
		}
	}
	ret = -EADDRINUSE;
	list_for_each_entry(other, &cma_regions_dead, list)
		if (cma_region_overlaps(reg, other))
			goto out_free;

	mutex_init(&copy->lock);
	refcount_set(&copy->refs, 1);
	copy->free_space = copy->size;
	copy->has_pages = cma_range_has_pages(copy->start, copy->size);
	/* Private regions are out of user space's reach anyway. */
	copy->user = copy->name && copy->has_pages && !copy->kernel_only;
	alloc = __cma_allocator_find(copy->alloc_name);
	if (alloc) {
		mutex_lock(&copy->lock);
		ret = __cma_region_attach(copy, alloc);
		mutex_unlock(&copy->lock);
		if (ret)
			goto out_destroy;
	}
	mutex_unlock(&cma_regions_mutex);

	/* Unlisted, so no allocation can reach it while watchers set up. */
	ret = notifier_to_errno(raw_notifier_call_chain_robust(&cma_regions_chain,
							       CMA_REGION_ADD,
							       CMA_REGION_DEL,
							       copy));
	mutex_lock(&cma_regions_mutex);
	if (ret) {
		mutex_lock(&copy->lock);
		__cma_region_detach(copy);
		mutex_unlock(&copy->lock);
		goto out_destroy;
	}
	WRITE_ONCE(copy->registered, true);
	/* list_add_tail_rcu() publishes the copy after it is set up. */
	list_add_tail_rcu(&copy->list, &cma_regions_list);
	/* The configuration mutex kept a second registration of @reg out. */
	smp_store_release(&reg->core, copy);
	reg->registered = true;
	mutex_unlock(&cma_regions_mutex);
	mutex_unlock(&cma_regions_config_mutex);
	trace_cma_regions_register(reg->name, reg->start, reg->size, 0);
	return 0;

out_destroy:
	mutex_destroy(&copy->lock);
out_free:
	mutex_unlock(&cma_regions_mutex);
	mutex_unlock(&cma_regions_config_mutex);
	kfree(copy);
out_put:
	if (reg->release)
		module_put(reg->owner);
out_trace:
	trace_cma_regions_register(reg ? reg->name : NULL, reg ? reg->start : 0,
				   reg ? reg->size : 0, ret);
	return ret;
}
EXPORT_SYMBOL_GPL(cma_region_register);

/*
 * Drops a reference to the core's copy of a region: the registry's, or a
 * chunk release's.  Releases hold one across their critical section of
 * the region's lock: mutex_unlock() still touches the mutex after another
 * task can take it, and that task may release the last chunk.
 */
static void cma_region_put(struct cma_region *reg)
{
	if (refcount_dec_and_test(&reg->refs)) {
		mutex_destroy(&reg->lock);
		kfree(reg);
	}
}

/*
 * Gives an unregistered region's memory back to its owner and drops the
 * registry's reference to the core's copy; the allocator has let go of it
 * already.
 */
static void cma_region_free(struct cma_region *reg)
{
	if (reg->release) {
		reg->release(reg->release_data);
		/* The module of @release is free to go once it returned. */
		module_put(reg->owner);
	}
	cma_region_put(reg);
}

/*
 * The release of an unregistered region's last chunk finishes it: off the
 * list of dead regions and detached from its allocator in one critical
 * section of cma_regions_mutex, so cma_allocator_unregister() sees it
 * either on that list or free of the allocator.
 */
static void cma_region_finish(struct cma_region *reg)
{
	struct module *owner;

	mutex_lock(&cma_regions_mutex);
	list_del_init(&reg->list);
	mutex_lock(&reg->lock);
	owner = reg->alloc ? reg->alloc->owner : NULL;
	__cma_region_detach(reg);
	mutex_unlock(&reg->lock);
	mutex_unlock(&cma_regions_mutex);
	/* The chunks held the allocator's module. */
	module_put(owner);
	cma_region_free(reg);
}

/**
 * cma_region_unregister() - withdraw a region
 * @reg:	The handle a region was registered with.
 *
 * The region leaves the map's reach, sysfs and the dma-buf heaps at once,
 * and nothing more is allocated from it.  Chunks still alive keep its
 * memory and stay valid, and nothing can be registered over it, until the
 * last of them is released; then the allocator lets go of it and
 * &cma_region.release, if set, tells its owner that the memory is free.
 * That may be now, or long after, when user space lets go of a buffer:
 * an owner whose memory goes away with its device (on-chip SRAM, a PCI
 * BAR) must keep it until then.  The caller may free @reg when this
 * returns.
 *
 * Context: Process context.  Takes and releases cma_regions_config_mutex,
 * cma_regions_mutex and the region's lock; calls the watchers without
 * the latter two, and, if no chunk is alive, the allocator's
 * &cma_allocator.cleanup and &cma_region.release.  Waits, holding
 * cma_regions_config_mutex, for the allocations in progress in every
 * region to finish (an SRCU grace period): not to be called from an
 * allocator's operations, nor with a lock they take.
 * Return: 0 on success, -EINVAL if @reg is NULL, not registered or not a
 * handle (the core's copy that watchers and chunks see).
 */
int cma_region_unregister(struct cma_region *reg)
{
	struct cma_region *copy;
	unsigned int users;

	if (!reg)
		return -EINVAL;

	mutex_lock(&cma_regions_config_mutex);
	mutex_lock(&cma_regions_mutex);
	copy = reg->core;
	/* Only the caller's handle: a copy does not know its handle. */
	if (!copy || copy == reg || !copy->registered) {
		mutex_unlock(&cma_regions_mutex);
		mutex_unlock(&cma_regions_config_mutex);
		return -EINVAL;
	}
	/* New allocations cannot find the region any more ... */
	list_del_rcu(&copy->list);
	WRITE_ONCE(copy->registered, false);
	reg->registered = false;
	WRITE_ONCE(reg->core, NULL);
	mutex_unlock(&cma_regions_mutex);
	/*
	 * ... and those that did are done: the chunks they got are counted.
	 * Expedited: a driver's remove() waits for it, and under a steady
	 * stream of allocations a normal grace period backs off for jiffies
	 * at a time.
	 */
	synchronize_srcu_expedited(&cma_regions_srcu);
	INIT_LIST_HEAD(&copy->list);

	/* Watchers may wait for readers of the region's sysfs files. */
	raw_notifier_call_chain(&cma_regions_chain, CMA_REGION_DEL, copy);

	mutex_lock(&cma_regions_mutex);
	mutex_lock(&copy->lock);
	/* From here on the last chunk's release finishes the region ... */
	copy->dead = true;
	users = copy->users;
	if (users)
		list_add_tail(&copy->list, &cma_regions_dead);
	else
		/* ... or nothing does: the allocator lets go now. */
		__cma_region_detach(copy);
	mutex_unlock(&copy->lock);
	mutex_unlock(&cma_regions_mutex);
	mutex_unlock(&cma_regions_config_mutex);

	trace_cma_regions_unregister(reg->name, users);
	if (!users)
		cma_region_free(copy);
	return 0;
}
EXPORT_SYMBOL_GPL(cma_region_unregister);

/**
 * cma_allocator_register() - add an allocator
 * @alloc:	The allocator; &cma_allocator.name, &cma_allocator.alloc and
 *		&cma_allocator.free must be set.
 *
 * Every registered region that waits for this allocator (by name, or for
 * any allocator) is attached to it.
 *
 * Context: Process context.  Takes and releases cma_regions_config_mutex
 * and cma_regions_mutex.
 * Return: 0 on success, -EINVAL if @alloc is malformed, -EEXIST if its name
 * is taken.
 */
int cma_allocator_register(struct cma_allocator *alloc)
{
	struct cma_region *reg;
	int ret = 0;

	if (!alloc || !alloc->name || !alloc->alloc || !alloc->free ||
	    !cma_name_valid(alloc->name,
			    strnlen(alloc->name, CMA_REGIONS_NAME_MAX + 1)))
		return -EINVAL;

	mutex_lock(&cma_regions_config_mutex);
	mutex_lock(&cma_regions_mutex);
	if (__cma_allocator_find(alloc->name)) {
		ret = -EEXIST;
		goto out;
	}
	list_add_tail(&alloc->list, &cma_allocators_list);
	list_for_each_entry(reg, &cma_regions_list, list) {
		mutex_lock(&reg->lock);
		if (!reg->alloc)
			__cma_region_attach_default(reg);
		mutex_unlock(&reg->lock);
	}
out:
	mutex_unlock(&cma_regions_mutex);
	mutex_unlock(&cma_regions_config_mutex);
	return ret;
}
EXPORT_SYMBOL_GPL(cma_allocator_register);

/**
 * cma_allocator_unregister() - remove an allocator
 * @alloc:	A registered allocator.
 *
 * Regions using @alloc are detached from it, and those that asked for no
 * allocator in particular move to the first one still registered.  An
 * allocator module's references are held while any of its regions has
 * chunks, so a module can always unregister from its exit function.
 *
 * Context: Process context.  Takes and releases cma_regions_config_mutex,
 * cma_regions_mutex and the lock of every region @alloc manages, all of
 * them at once, so it waits for the allocations in progress in those
 * regions.
 * Return: 0 on success, -EINVAL if @alloc is NULL, -ENOENT if it is not
 * registered, -EBUSY if a region it manages has allocated chunks (nothing
 * is detached then).
 */
int cma_allocator_unregister(struct cma_allocator *alloc)
{
	struct cma_allocator *a;
	struct cma_region *reg;
	int ret = -ENOENT;

	if (!alloc)
		return -EINVAL;

	mutex_lock(&cma_regions_config_mutex);
	mutex_lock(&cma_regions_mutex);
	list_for_each_entry(a, &cma_allocators_list, list)
		if (a == alloc)
			ret = 0;
	if (ret)
		goto out;
	/* An unregistered region is on that list only while it has chunks. */
	list_for_each_entry(reg, &cma_regions_dead, list)
		if (reg->alloc == alloc)
			ret = -EBUSY;
	if (ret)
		goto out;
	/*
	 * Allocations take only a region's lock: hold the lock of every
	 * region @alloc manages from the check for chunks to the hand-over,
	 * so that all of them change hands, or none.
	 */
	list_for_each_entry(reg, &cma_regions_list, list) {
		if (reg->alloc != alloc)
			continue;
		mutex_lock_nest_lock(&reg->lock, &cma_regions_mutex);
		if (reg->users)
			ret = -EBUSY;
	}
	if (!ret)
		list_del(&alloc->list);
	list_for_each_entry(reg, &cma_regions_list, list) {
		if (reg->alloc != alloc)
			continue;
		if (!ret) {
			__cma_region_detach(reg);
			__cma_region_attach_default(reg);
		}
		mutex_unlock(&reg->lock);
	}
out:
	mutex_unlock(&cma_regions_mutex);
	mutex_unlock(&cma_regions_config_mutex);
	return ret;
}
EXPORT_SYMBOL_GPL(cma_allocator_unregister);

/* Normalises a request; returns -EINVAL for a malformed one. */
int cma_check_request(size_t *size, phys_addr_t *alignment)
{
	if (!*size || *size > SIZE_MAX - PAGE_SIZE + 1)
		return -EINVAL;
	if (*alignment & (*alignment - 1))
		return -EINVAL;
	*size = PAGE_ALIGN(*size);
	*alignment = max_t(phys_addr_t, *alignment, PAGE_SIZE);
	return 0;
}

/* Caller holds @reg->lock; @chunk->size is set. */
static int __cma_region_alloc(struct cma_region *reg, struct cma_chunk *chunk,
			      phys_addr_t alignment)
{
	struct cma_allocator *alloc = reg->alloc;
	int ret;

	lockdep_assert_held(&reg->lock);
	if (!alloc || reg->dead) {
		reg->stats.fail_noalloc++;
		return -ENOMEM;
	}
	if (chunk->size > reg->free_space) {
		reg->stats.fail_noroom++;
		return -ENOMEM;
	}
	/* The allocator's module stays while the region has chunks. */
	if (!reg->users && !try_module_get(alloc->owner)) {
		reg->stats.fail_noalloc++;
		return -ENOMEM;
	}

	ret = alloc->alloc(reg, chunk, alignment);
	if (!ret && WARN_ON_ONCE(chunk->start < reg->start ||
				 chunk->start - reg->start >
				 reg->size - chunk->size ||
				 !IS_ALIGNED(chunk->start, alignment))) {
		alloc->free(reg, chunk);
		ret = -ENOMEM;
	}
	if (ret) {
		if (!reg->users)
			module_put(alloc->owner);
		/* Enough space in all, so no extent held it (or no metadata). */
		reg->stats.fail_fragmented++;
		return -ENOMEM;
	}

	chunk->reg = reg;
	kref_init(&chunk->ref);
	list_add_tail(&chunk->node, &reg->chunks);
	reg->free_space -= chunk->size;
	reg->users++;
	reg->stats.allocs++;
	reg->stats.peak_bytes = max(reg->stats.peak_bytes,
				    reg->size - reg->free_space);
	reg->stats.peak_chunks = max(reg->stats.peak_chunks, reg->users);
	return 0;
}

/*
 * A chunk of @size bytes, not yet allocated, that remembers who asked:
 * "@dev_name/@type", or the @len bytes of names at @regions; and for user
 * space (@user), the calling process, to whose memory cgroup it is
 * charged.
 */
static struct cma_chunk *cma_chunk_new(const char *dev_name, const char *type,
				       const char *regions, size_t len,
				       size_t size, bool user)
{
	char comm[TASK_COMM_LEN];
	struct cma_chunk *chunk;
	size_t n, comm_len = 0;

	if (dev_name) {
		type = type ?: CMA_DEFAULT_TYPE;
		n = strlen(dev_name) + 1 + strlen(type);
	} else {
		n = regions ? len : 0;
	}
	if (user) {
		get_task_comm(comm, current);
		comm_len = strlen(comm) + 1;
	}
	chunk = kzalloc(struct_size(chunk, owner, n + 1 + comm_len),
			user ? GFP_KERNEL_ACCOUNT : GFP_KERNEL);
	if (!chunk)
		return NULL;
	chunk->size = size;
	INIT_LIST_HEAD(&chunk->node);
	if (dev_name)
		snprintf(chunk->owner, n + 1, "%s/%s", dev_name, type);
	else if (n)
		memcpy(chunk->owner, regions, n);
	if (user) {
		chunk->tgid = task_tgid_nr(current);
		memcpy(chunk->owner + n + 1, comm, comm_len);
	}
	return chunk;
}

/*
 * Tries the regions named in @list in turn for @chunk (its size set); for
 * user space (@user), only those open to it.  Returns 0, -ENOENT if none
 * of them is registered, -EPERM if none of those registered is open to
 * user space, -ENOMEM if none of those tried has room.  Caller is in a
 * read-side critical section of cma_regions_srcu; so is the allocator,
 * which may allocate its metadata there: reclaim then delays an
 * unregistering, never deadlocks with it.
 */
static int cma_alloc_from_list(const char *list, size_t len,
			       struct cma_chunk *chunk, phys_addr_t alignment,
			       bool user)
{
	const char *cursor = list, *end = list + len, *name;
	int ret = -ENOENT;
	size_t n;

	while ((name = cma_names_next(&cursor, end, &n))) {
		struct cma_region *reg;
		int err;

		reg = __cma_region_find(name, n);
		if (!reg)
			continue;

		mutex_lock(&reg->lock);
		if (user && !READ_ONCE(reg->user)) {
			mutex_unlock(&reg->lock);
			if (ret == -ENOENT)
				ret = -EPERM;
			continue;
		}
		err = __cma_region_alloc(reg, chunk, alignment);
		mutex_unlock(&reg->lock);
		if (!err)
			return 0;
		ret = err;
	}
	return ret;
}

/*
 * The end of every allocation: @chunk, allocated; or, on error @ret, its
 * handle freed.  Started at @t0 if the finish event was enabled then.
 */
static struct cma_chunk *cma_alloc_done(struct cma_chunk *chunk, size_t size,
					int ret, u64 t0)
{
	if (ret) {
		kfree(chunk);
		chunk = NULL;
	}
	/* The chunk pins its region: its name stays valid. */
	trace_cma_regions_alloc_finish(chunk ? chunk->reg->name : NULL,
				       chunk ? chunk->start : 0, size, ret,
				       t0 ? ktime_get_ns() - t0 : 0);
	return ret ? ERR_PTR(ret) : chunk;
}

/*
 * Every allocation but cma_alloc_from_region(): from the regions of the
 * map's rule for (@dev_name, @type), or without @dev_name from the @len
 * bytes of region names at @regions; for user space (@user) or not.  The
 * caller validated the request.
 */
struct cma_chunk *cma_alloc_chunk(const char *dev_name, const char *type,
				  const char *regions, size_t len, size_t size,
				  phys_addr_t alignment, bool user)
{
	const char *list = regions;
	struct cma_chunk *chunk;
	int idx, ret = 0;
	u64 t0 = 0;

	trace_cma_regions_alloc_start(dev_name, type, regions, len, size,
				      alignment, user);
	if (trace_cma_regions_alloc_finish_enabled())
		t0 = ktime_get_ns();

	chunk = cma_chunk_new(dev_name, type, regions, len, size, user);
	if (!chunk)
		return cma_alloc_done(NULL, size, -ENOMEM, t0);
	idx = srcu_read_lock(&cma_regions_srcu);
	if (dev_name)
		ret = cma_map_lookup(dev_name, type, &list, &len);
	if (!ret)
		ret = cma_alloc_from_list(list, len, chunk, alignment, user);
	srcu_read_unlock(&cma_regions_srcu, idx);
	return cma_alloc_done(chunk, size, ret, t0);
}

/**
 * cma_alloc_for_name() - allocate contiguous memory for a device, by name
 * @dev_name:	The device's name, as dev_name() gives it.
 * @type:	Type of memory, or NULL for ``"common"``.
 * @size:	Size in bytes; rounded up to whole pages.
 * @alignment:	Zero, or a power of two; at least %PAGE_SIZE is used.
 *
 * As cma_alloc_for(), for the tests, which have names but no devices.
 * Interfaces acting for user space use cma_alloc_user().
 *
 * Context: Process context; may sleep.
 * Return: a chunk to release with cma_free(), or ERR_PTR() of -EINVAL for a
 * NULL @dev_name or one that is empty or not printable ASCII without
 * blanks and '/', a @type that is not a name, a zero or overflowing @size
 * or an @alignment that is not a power of two; -ENOENT if no map is set,
 * no rule matches or none of its regions is registered; -ENOMEM if none
 * of them has room.
 */
struct cma_chunk *cma_alloc_for_name(const char *dev_name, const char *type,
				     size_t size, phys_addr_t alignment)
{
	if (!dev_name || !cma_request_valid(dev_name, type ?: CMA_DEFAULT_TYPE) ||
	    cma_check_request(&size, &alignment))
		return ERR_PTR(-EINVAL);
	return cma_alloc_chunk(dev_name, type, NULL, 0, size, alignment, false);
}
EXPORT_SYMBOL_IF_KUNIT(cma_alloc_for_name);

/**
 * cma_alloc_for() - allocate contiguous memory for a device
 * @dev:	The device; the map is matched against its name.
 * @type:	Type of memory, or NULL for ``"common"``.
 * @size:	Size in bytes; rounded up to whole pages.
 * @alignment:	Zero, or a power of two; at least %PAGE_SIZE is used.
 *
 * The first map rule matching (dev_name(@dev), @type) lists the regions to
 * try, in order.
 *
 * Context: Process context; may sleep.
 * Return: a chunk to release with cma_free(), or ERR_PTR() of -EINVAL for a
 * NULL or unnamed @dev, a zero or overflowing @size or an @alignment that
 * is not a power of two; -ENOENT if no rule matches or none of its regions
 * is registered; -ENOMEM if none of them has room.
 */
struct cma_chunk *cma_alloc_for(const struct device *dev, const char *type,
				size_t size, phys_addr_t alignment)
{
	if (!dev)
		return ERR_PTR(-EINVAL);
	return cma_alloc_for_name(dev_name(dev), type, size, alignment);
}
EXPORT_SYMBOL_GPL(cma_alloc_for);

/**
 * cma_alloc_from() - allocate contiguous memory from named regions
 * @regions:	Comma-separated region names, tried in order.
 * @size:	Size in bytes; rounded up to whole pages.
 * @alignment:	Zero, or a power of two; at least %PAGE_SIZE is used.
 *
 * Context: Process context; may sleep.
 * Return: a chunk to release with cma_free(), or ERR_PTR() of -EINVAL for a
 * malformed @regions, a zero or overflowing @size or an @alignment that is
 * not a power of two; -ENOENT if none of @regions is registered; -ENOMEM if
 * none of them has room.
 */
struct cma_chunk *cma_alloc_from(const char *regions, size_t size,
				 phys_addr_t alignment)
{
	size_t len;

	if (!regions || cma_check_request(&size, &alignment))
		return ERR_PTR(-EINVAL);
	len = strlen(regions);
	if (cma_names_validate(regions, len))
		return ERR_PTR(-EINVAL);
	return cma_alloc_chunk(NULL, NULL, regions, len, size, alignment,
			       false);
}
EXPORT_SYMBOL_GPL(cma_alloc_from);

/**
 * cma_alloc_from_region() - allocate contiguous memory from one region
 * @reg:	A registered region, named or private.
 * @size:	Size in bytes; rounded up to whole pages.
 * @alignment:	Zero, or a power of two; at least %PAGE_SIZE is used.
 *
 * Context: Process context; may sleep.
 * Return: a chunk to release with cma_free(), or ERR_PTR() of -EINVAL for a
 * NULL or unregistered @reg, a zero or overflowing @size or an @alignment
 * that is not a power of two; -ENOMEM if @reg has no room.
 */
struct cma_chunk *cma_alloc_from_region(struct cma_region *reg, size_t size,
					phys_addr_t alignment)
{
	struct cma_region *copy;
	struct cma_chunk *chunk;
	int idx, ret = -EINVAL;
	u64 t0 = 0;

	if (!reg || cma_check_request(&size, &alignment))
		return ERR_PTR(-EINVAL);

	/* The handle's name: no region can be registered under it meanwhile. */
	if (trace_cma_regions_alloc_start_enabled())
		trace_cma_regions_alloc_start(NULL, NULL, reg->name,
					      reg->name ? strlen(reg->name) : 0,
					      size, alignment, false);
	if (trace_cma_regions_alloc_finish_enabled())
		t0 = ktime_get_ns();
	chunk = cma_chunk_new(NULL, NULL, NULL, 0, size, false);
	if (!chunk)
		return cma_alloc_done(NULL, size, -ENOMEM, t0);

	idx = srcu_read_lock(&cma_regions_srcu);
	/* The caller's handle, or the core's copy a watcher was given. */
	copy = READ_ONCE(reg->core);
	if (copy && READ_ONCE(copy->registered)) {
		mutex_lock(&copy->lock);
		ret = __cma_region_alloc(copy, chunk, alignment);
		mutex_unlock(&copy->lock);
	}
	srcu_read_unlock(&cma_regions_srcu, idx);
	return cma_alloc_done(chunk, size, ret, t0);
}
EXPORT_SYMBOL_GPL(cma_alloc_from_region);

static void cma_chunk_release(struct kref *ref)
{
	struct cma_chunk *chunk = container_of(ref, struct cma_chunk, ref);
	struct cma_region *reg = chunk->reg;
	bool idle, dead;

	/*
	 * @chunk keeps the region from being finished, so the registry's
	 * reference is still there to add this one to: the copy must
	 * outlive mutex_unlock() below, whoever releases the last chunk.
	 */
	refcount_inc(&reg->refs);
	trace_cma_regions_free(reg->name, chunk->start, chunk->size);
	mutex_lock(&reg->lock);
	list_del(&chunk->node);
	reg->alloc->free(reg, chunk);
	reg->free_space += chunk->size;
	idle = !--reg->users;
	dead = reg->dead;
	/* A dead region's module goes with it, after the allocator's cleanup. */
	if (idle && !dead)
		module_put(reg->alloc->owner);
	mutex_unlock(&reg->lock);
	kfree(chunk);
	if (idle && dead)
		cma_region_finish(reg);
	cma_region_put(reg);
}

/**
 * cma_chunk_get() - take a reference to a chunk
 * @chunk:	A chunk with at least one reference.
 *
 * Context: Any context.
 * Return: @chunk.
 */
struct cma_chunk *cma_chunk_get(struct cma_chunk *chunk)
{
	kref_get(&chunk->ref);
	return chunk;
}
EXPORT_SYMBOL_GPL(cma_chunk_get);

/**
 * cma_chunk_put() - drop a reference to a chunk
 * @chunk:	A chunk, or NULL or an error pointer (ignored).
 *
 * The memory goes back to its region when the last reference is dropped;
 * the last chunk of an unregistered region finishes it (the allocator's
 * &cma_allocator.cleanup, &cma_region.release).
 *
 * Context: Process context; may sleep.  Takes the region's lock, and
 * cma_regions_mutex for the last chunk of an unregistered region: not to
 * be called with either held.
 */
void cma_chunk_put(struct cma_chunk *chunk)
{
	if (!IS_ERR_OR_NULL(chunk))
		kref_put(&chunk->ref, cma_chunk_release);
}
EXPORT_SYMBOL_GPL(cma_chunk_put);

/**
 * cma_free() - release a chunk
 * @chunk:	A chunk returned by an allocation function, or NULL or an
 *		error pointer (ignored).
 *
 * Drops the allocation's reference: the memory goes back to its region now
 * unless cma_chunk_get() took others.
 *
 * Context: As cma_chunk_put().
 */
void cma_free(struct cma_chunk *chunk)
{
	cma_chunk_put(chunk);
}
EXPORT_SYMBOL_GPL(cma_free);

/* Adds a region's numbers to @info. */
static void cma_info_add(struct cma_info *info, struct cma_region *reg)
{
	u64 end = (u64)reg->start + reg->size;

	if (!info->count || reg->start < info->lower_bound)
		info->lower_bound = reg->start;
	if (!info->count || end > info->upper_bound)
		info->upper_bound = end;
	info->total_size += reg->size;
	mutex_lock(&reg->lock);
	info->free_size += reg->free_space;
	mutex_unlock(&reg->lock);
	info->count++;
}

/* Caller is in a read-side critical section of cma_regions_srcu. */
static int cma_info_list(struct cma_info *info, const char *list, size_t len)
{
	const char *cursor = list, *end = list + len, *name;
	size_t n;

	memset(info, 0, sizeof(*info));
	while ((name = cma_names_next(&cursor, end, &n))) {
		struct cma_region *reg = __cma_region_find(name, n);

		if (reg)
			cma_info_add(info, reg);
	}
	return info->count ? 0 : -ENOENT;
}

/**
 * cma_info_for_name() - describe the regions a device allocates from, by name
 * @info:	Filled in on success.
 * @dev_name:	The device's name, as dev_name() gives it.
 * @type:	Type of memory, or NULL for ``"common"``.
 *
 * Context: Process context; may sleep.
 * Return: 0 on success, -EINVAL if @info or @dev_name is NULL or
 * @dev_name or @type is malformed (as for cma_alloc_for_name()), -ENOENT
 * if no map is set, no rule matches or none of its regions is registered.
 */
int cma_info_for_name(struct cma_info *info, const char *dev_name,
		      const char *type)
{
	const char *list;
	size_t len;
	int idx, ret;

	if (!info || !dev_name)
		return -EINVAL;

	idx = srcu_read_lock(&cma_regions_srcu);
	ret = cma_map_lookup(dev_name, type, &list, &len);
	if (!ret)
		ret = cma_info_list(info, list, len);
	srcu_read_unlock(&cma_regions_srcu, idx);
	return ret;
}
EXPORT_SYMBOL_GPL(cma_info_for_name);

/**
 * cma_info_for() - describe the regions a device allocates from
 * @info:	Filled in on success.
 * @dev:	The device.
 * @type:	Type of memory, or NULL for ``"common"``.
 *
 * Context: Process context; may sleep.
 * Return: 0 on success, -EINVAL if @info or @dev is NULL or @dev has no
 * name, -ENOENT if no rule matches or none of its regions is registered.
 */
int cma_info_for(struct cma_info *info, const struct device *dev,
		 const char *type)
{
	if (!dev)
		return -EINVAL;
	return cma_info_for_name(info, dev_name(dev), type);
}
EXPORT_SYMBOL_GPL(cma_info_for);

/**
 * cma_info_about() - describe named regions
 * @info:	Filled in on success.
 * @regions:	Comma-separated region names.
 *
 * Context: Process context; may sleep.
 * Return: 0 on success, -EINVAL if @info is NULL or @regions is NULL or
 * malformed, -ENOENT if none of @regions is registered.
 */
int cma_info_about(struct cma_info *info, const char *regions)
{
	size_t len;
	int idx, ret;

	if (!info || !regions)
		return -EINVAL;
	len = strlen(regions);
	if (cma_names_validate(regions, len))
		return -EINVAL;
	idx = srcu_read_lock(&cma_regions_srcu);
	ret = cma_info_list(info, regions, len);
	srcu_read_unlock(&cma_regions_srcu, idx);
	return ret;
}
EXPORT_SYMBOL_GPL(cma_info_about);

/*
 * The words for the errnos of the framework's operations: one table, so
 * every layer (early boot, the device tree, the boot parameters, sysfs)
 * explains a refusal the same way.  An entry with op -1 serves every
 * operation; the first match wins; err 0 is an operation's default.
 */
static const struct {
	int op;
	int err;
	const char *text;
} cma_errors[] = {
	{ CMA_OP_DECLARE, -EEXIST, "name already used" },
	{ CMA_OP_DECLARE, -EINVAL, "malformed: unaligned, bad name or wraps" },
	{ CMA_OP_DECLARE, 0, "cannot declare it" },
	{ CMA_OP_RESERVE_AT, -ENOMEM, "not all of it is memory" },
	{ CMA_OP_RESERVE_ANY, -ENOMEM, "no room for it in memory" },
	{ CMA_OP_RESERVE_AT, -EBUSY, "overlaps reserved or no-map memory" },
	{ CMA_OP_RESERVE_ANY, -EBUSY, "overlaps reserved or no-map memory" },
	{ CMA_OP_SET_ALLOCATOR, -EBUSY, "the region has allocated chunks" },
	{ CMA_OP_SET_ALLOCATOR, -ENOENT, "no such allocator" },
	{ CMA_OP_SET_ALLOCATOR, -EINVAL, "bad name, or region going away" },
	{ CMA_OP_SET_ALLOCATOR, 0, "the allocator failed to set up" },
	{ CMA_OP_SET_USER, -EINVAL,
	  "private regions and device memory are never open" },
	{ CMA_OP_SET_USER, -ENODEV, "region going away" },
	{ -1, -EEXIST, "its name is taken by a region of platform code" },
	{ -1, -EINVAL, "malformed" },
};

/**
 * cma_strerror() - say why an operation failed
 * @op:		The operation.
 * @err:	The negative errno it returned.
 *
 * Context: Any context.
 * Return: a short explanation for a log message, never NULL.
 */
const char *cma_strerror(enum cma_op op, int err)
{
	const char *dflt = "failed";
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cma_errors); i++) {
		if (cma_errors[i].op != op && cma_errors[i].op != -1)
			continue;
		if (cma_errors[i].err == err)
			return cma_errors[i].text;
		if (!cma_errors[i].err && cma_errors[i].op == op)
			dflt = cma_errors[i].text;
	}
	return dflt;
}

#if IS_ENABLED(CONFIG_KUNIT)
/* For the KUnit suites: not in products. */

/**
 * cma_regions_for_each() - call a function for every registered region
 * @fn:		Called with cma_regions_mutex held; must not call back into
 *		the framework.  A non-zero return stops the walk.
 * @arg:	Passed to @fn.
 *
 * Context: Process context.  Takes and releases cma_regions_mutex.
 * Return: 0 if every call returned 0, else the first non-zero return.
 */
int cma_regions_for_each(int (*fn)(struct cma_region *reg, void *arg),
			 void *arg)
{
	struct cma_region *reg;
	int ret = 0;

	mutex_lock(&cma_regions_mutex);
	list_for_each_entry(reg, &cma_regions_list, list) {
		ret = fn(reg, arg);
		if (ret)
			break;
	}
	mutex_unlock(&cma_regions_mutex);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(cma_regions_for_each);
#endif /* CONFIG_KUNIT */

/**
 * cma_allocators_print() - list the registered allocators
 * @buf:	Buffer.
 * @size:	Size of @buf; the list is truncated and NUL-terminated.
 *
 * The names are separated by spaces, in the order they were registered:
 * the first one manages the regions that ask for none in particular.
 *
 * Context: Process context.  Takes and releases cma_regions_mutex.
 * Return: the length of the whole list.
 */
size_t cma_allocators_print(char *buf, size_t size)
{
	struct cma_allocator *alloc;
	size_t len = 0;

	if (size)
		buf[0] = '\0';
	mutex_lock(&cma_regions_mutex);
	list_for_each_entry(alloc, &cma_allocators_list, list) {
		const char *sep = len ? " " : "";

		if (len < size)
			snprintf(buf + len, size - len, "%s%s", sep,
				 alloc->name);
		len += strlen(sep) + strlen(alloc->name);
	}
	mutex_unlock(&cma_regions_mutex);
	return len;
}
EXPORT_SYMBOL_IF_KUNIT(cma_allocators_print);

/**
 * cma_region_set_allocator() - hand a region to another allocator
 * @reg:	A registered region.
 * @name:	Name of a registered allocator.
 *
 * Only a region without allocated chunks can change hands.  The new
 * allocator is set up before the old one lets go, so on any error the
 * region stays with its old allocator, untouched.  The change lasts until
 * the allocator is unregistered; the region then goes back to the one it
 * was declared with (&cma_region.alloc_name).
 *
 * Context: Process context.  Takes and releases cma_regions_mutex.
 * Return: 0 on success, also if @reg already uses @name; -EINVAL if @reg
 * is NULL or not registered or @name is NULL or not a valid name; -ENOENT
 * if no allocator of that name is registered; -EBUSY while @reg has
 * allocated chunks (whatever @name is); or the error of the new
 * allocator's &cma_allocator.init.
 */
int cma_region_set_allocator(struct cma_region *reg, const char *name)
{
	struct cma_allocator *alloc, *old;
	void *old_data, *new_data;
	int ret;

	if (!reg || !name ||
	    !cma_name_valid(name, strnlen(name, CMA_REGIONS_NAME_MAX + 1))) {
		trace_cma_regions_set_allocator(reg ? reg->name : NULL, NULL,
						-EINVAL);
		return -EINVAL;
	}

	mutex_lock(&cma_regions_mutex);
	ret = -EINVAL;
	reg = reg->core;
	if (!reg || !reg->registered)
		goto out;
	ret = -ENOENT;
	alloc = __cma_allocator_find(name);
	if (!alloc)
		goto out;

	mutex_lock(&reg->lock);
	/* Allocations need the region's lock: users cannot grow. */
	ret = -EBUSY;
	if (reg->users)
		goto unlock;
	old = reg->alloc;
	ret = 0;
	if (alloc == old)
		goto unlock;

	old_data = reg->private_data;
	reg->private_data = NULL;
	ret = alloc->init ? alloc->init(reg) : 0;
	new_data = reg->private_data;
	reg->private_data = old_data;
	if (ret)
		goto unlock;
	if (old && old->cleanup)
		old->cleanup(reg);
	reg->private_data = new_data;
	reg->alloc = alloc;
unlock:
	mutex_unlock(&reg->lock);
out:
	trace_cma_regions_set_allocator(reg ? reg->name : NULL, name, ret);
	mutex_unlock(&cma_regions_mutex);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(cma_region_set_allocator);

/**
 * cma_region_set_user() - open a region to user space, or close it
 * @reg:	A registered region.
 * @user:	Whether user space (/dev/cma, the dma-buf heaps) may allocate
 *		from @reg.
 *
 * Chunks already allocated stay where they are; only new allocations
 * through cma_alloc_user() see the change.
 *
 * Context: Process context.  Takes and releases cma_regions_mutex.
 * Return: 0 on success; -EINVAL if @reg is NULL, or to open a private
 * region or one whose memory has no struct pages (device memory);
 * -ENODEV if @reg is not registered.
 */
int cma_region_set_user(struct cma_region *reg, bool user)
{
	int ret = -EINVAL;

	if (!reg)
		return -EINVAL;
	mutex_lock(&cma_regions_mutex);
	reg = reg->core;
	if (!reg || !reg->registered)
		ret = -ENODEV;
	else if (user && (!reg->has_pages || !reg->name))
		ret = -EINVAL;
	else
		ret = 0;
	if (!ret)
		WRITE_ONCE(reg->user, user);
	mutex_unlock(&cma_regions_mutex);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(cma_region_set_user);

/**
 * cma_region_user() - is a region open to user space?
 * @reg:	A region: the caller's handle, not unregistered meanwhile, or
 *		the core's copy that watchers and chunks see.
 *
 * Context: Any context.
 * Return: true if cma_alloc_user() may allocate from @reg.
 */
bool cma_region_user(struct cma_region *reg)
{
	struct cma_region *core = READ_ONCE(reg->core);

	return core && READ_ONCE(core->user);
}
EXPORT_SYMBOL_IF_KUNIT(cma_region_user);

static void cma_free_extents_add(void *arg, phys_addr_t start,
				 phys_addr_t size)
{
	struct cma_free_extents *fe = arg;
	unsigned int i;

	/* Regions and chunks are whole pages: so are the holes between. */
	if (WARN_ON_ONCE(size < PAGE_SIZE))
		return;
	i = min_t(unsigned int, ilog2(size >> PAGE_SHIFT),
		  CMA_FREE_CLASSES - 1);

	fe->count[i]++;
	fe->extents++;
	fe->bytes += size;
	fe->largest = max(fe->largest, size);
}

/**
 * cma_region_free_extents() - count a region's free extents by size
 * @reg:	The core's copy of a region.
 * @fe:		Filled in; cleared first.
 *
 * For the fragmentation view in debugfs and the tests.
 *
 * Context: Process context.  Takes and releases the region's lock.
 * Return: 0, or -EOPNOTSUPP if the region's allocator cannot list its
 * free extents (or the region has none).
 */
int cma_region_free_extents(struct cma_region *reg,
			    struct cma_free_extents *fe)
{
	int ret = -EOPNOTSUPP;

	memset(fe, 0, sizeof(*fe));
	mutex_lock(&reg->lock);
	if (reg->alloc && reg->alloc->for_each_free) {
		reg->alloc->for_each_free(reg, cma_free_extents_add, fe);
		ret = 0;
	}
	mutex_unlock(&reg->lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(cma_region_free_extents);

/**
 * cma_regions_watch() - follow regions coming and going
 * @nb:		Called with %CMA_REGION_ADD and %CMA_REGION_DEL and the
 *		region as data.
 *
 * @nb is first called with %CMA_REGION_ADD for every region registered
 * already.  If one of these calls fails, the regions added so far are
 * deleted again and @nb is not registered.
 *
 * Context: Process context.  Takes and releases cma_regions_config_mutex.
 * Return: 0 on success, or the error @nb returned.
 */
int cma_regions_watch(struct notifier_block *nb)
{
	struct cma_region *reg;
	int ret = 0;

	mutex_lock(&cma_regions_config_mutex);
	/* The list only changes under the configuration mutex too. */
	list_for_each_entry(reg, &cma_regions_list, list) {
		ret = notifier_to_errno(nb->notifier_call(nb, CMA_REGION_ADD,
							  reg));
		if (ret)
			break;
	}
	if (ret) {
		list_for_each_entry_continue_reverse(reg, &cma_regions_list,
						     list)
			nb->notifier_call(nb, CMA_REGION_DEL, reg);
	} else {
		raw_notifier_chain_register(&cma_regions_chain, nb);
	}
	mutex_unlock(&cma_regions_config_mutex);
	return ret;
}
EXPORT_SYMBOL_GPL(cma_regions_watch);

/**
 * cma_regions_unwatch() - stop following regions, for the tests
 * @nb:		A notifier registered with cma_regions_watch().
 *
 * @nb is called with %CMA_REGION_DEL for every region still registered,
 * then removed.
 *
 * Context: Process context.  Takes and releases cma_regions_config_mutex.
 */
void cma_regions_unwatch(struct notifier_block *nb)
{
	struct cma_region *reg;

	mutex_lock(&cma_regions_config_mutex);
	raw_notifier_chain_unregister(&cma_regions_chain, nb);
	list_for_each_entry_reverse(reg, &cma_regions_list, list)
		nb->notifier_call(nb, CMA_REGION_DEL, reg);
	mutex_unlock(&cma_regions_config_mutex);
}
EXPORT_SYMBOL_IF_KUNIT(cma_regions_unwatch);
