/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Contiguous memory regions: named regions of physically contiguous memory
 * reserved at boot, a map from devices to regions and pluggable allocators.
 *
 * Copyright (C) 2026 The CMA regions developers
 */
#ifndef _LINUX_CMA_REGIONS_H
#define _LINUX_CMA_REGIONS_H

#include <linux/dma-direction.h>
#include <linux/err.h>
#include <linux/init.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/types.h>

struct device;
struct module;
struct notifier_block;
struct vm_area_struct;
struct cma_allocator;

/* Longest region or allocator name, without the terminating NUL. */
#define CMA_REGIONS_NAME_MAX	31

/**
 * struct cma_region_stats - what a region's allocations came to
 * @allocs:	Allocations that succeeded.
 * @fail_noroom: Refused: less free space than the request, in all.
 * @fail_fragmented: Refused: enough free space, but no free extent that
 *		holds the request at its alignment (or the allocator could not
 *		allocate its own metadata).
 * @fail_noalloc: Refused: the region had no allocator (none registered by
 *		the name it asks for, or its module was going away).
 * @peak_bytes:	Most bytes allocated at once since registration or since an
 *		administrator reset it.
 * @peak_chunks: Most chunks allocated at once, likewise.
 *
 * A request the map or a list of names sends to several regions counts
 * in each region it tried: a refusal in the first and a success in the
 * second.
 */
struct cma_region_stats {
	u64 allocs;
	u64 fail_noroom;
	u64 fail_fragmented;
	u64 fail_noalloc;
	phys_addr_t peak_bytes;
	unsigned int peak_chunks;
};

/**
 * struct cma_region - a range of physically contiguous memory
 * @name:	Unique name, or NULL for a private region that can only be
 *		used through cma_alloc_from_region().
 * @start:	Physical start address; page aligned.  Zero before an early
 *		region is reserved means "anywhere".
 * @size:	Size in bytes; page aligned.  A &phys_addr_t, as a &struct
 *		resource's size is: with LPAE a region may reach 4 GiB and
 *		beyond.  The region must not wrap around the physical
 *		address space; it may end at its very top.
 * @alignment:	Alignment of @start when an early region is placed by the
 *		kernel: zero or a power of two of at least %PAGE_SIZE.
 * @alloc_name:	Name of the allocator to manage this region, or NULL for the
 *		first allocator registered.
 * @kernel_only: Only the kernel allocates from this region: user space
 *		(/dev/cma, the region's dma-buf heap) may not, unless an
 *		administrator opens it in sysfs.  For regions a platform
 *		keeps for its own drivers.
 * @release:	Optional.  Called with @release_data once the region is
 *		unregistered and its last chunk released: the memory is its
 *		owner's again.  That is in process context with no lock of the
 *		framework held, but from whoever drops the last chunk: the
 *		owner's own cma_free() or cma_region_unregister(), a dma-buf's
 *		release, or munmap() with the process's mmap_lock held; so it
 *		must not take mmap_lock nor a lock its owner holds around
 *		those calls.
 * @release_data: Passed to @release.
 * @owner:	The module @release belongs to (THIS_MODULE), or NULL if
 *		built in.  With @release set, the core holds a reference to
 *		it from registration until @release has returned: user space
 *		may hold chunks for as long as it likes, and the module may
 *		not go before its callback ran.  Unregister the region from a
 *		driver's remove(), not from the module's exit: the module
 *		cannot be removed while the region is registered, so its
 *		device is unbound first.
 *
 * Platform code fills in the public fields and hands the region to
 * cma_set_defaults() or cma_early_region_register(); drivers owning a range
 * of device memory hand it to cma_region_register().  Registering makes the
 * core's own copy, which chunks, allocators and watchers see (&cma_chunk.reg
 * is the copy); the caller's structure is only its handle from then on, for
 * cma_alloc_from_region() and cma_region_unregister(), and may be freed
 * once unregistered, even while chunks from the region are alive.
 */
struct cma_region {
	const char *name;
	phys_addr_t start;
	phys_addr_t size;
	phys_addr_t alignment;
	const char *alloc_name;
	bool kernel_only;
	void (*release)(void *data);
	void *release_data;
	struct module *owner;

	/* private: */
	/*
	 * In the caller's handle, the core's copy while registered; in the
	 * copy, itself.  Written under cma_regions_config_mutex and
	 * cma_regions_mutex (published with smp_store_release()); read with
	 * READ_ONCE() by allocations, which the core's SRCU keeps the copy
	 * alive for.  The fields from @alloc to @dead are only ever used in
	 * the copy; @list, @registered and @reserved in both.
	 */
	struct cma_region *core;
	/* Set under cma_regions_mutex and @lock; stable while either is held. */
	struct cma_allocator *alloc;
	/*
	 * Protects @private_data, @free_space, @users, @chunks, @dead,
	 * @stats and the allocator state.
	 */
	struct mutex lock;
	void *private_data;
	phys_addr_t free_space;
	unsigned int users;
	/* The chunks alive, by &cma_chunk.node, for the debugfs view. */
	struct list_head chunks;
	struct cma_region_stats stats;
	/* Unregistered: the release of the last chunk finishes it. */
	bool dead;
	/* Set by cma_region_register(); stable while registered. */
	bool has_pages;
	/*
	 * Open to user space (cma_alloc_user()); changed under
	 * cma_regions_mutex with WRITE_ONCE(), read with READ_ONCE().
	 */
	bool user;
	/*
	 * Linked, and @registered set (WRITE_ONCE()), under
	 * cma_regions_config_mutex and cma_regions_mutex (or at early boot,
	 * single threaded); stable while either is held.  The core's list
	 * of registered regions is an SRCU list, walked by allocations
	 * without either.  An unregistered copy with chunks alive is on the
	 * core's list of dead regions, unlinked from it under
	 * cma_regions_mutex alone by the release of its last chunk.
	 */
	struct list_head list;
	bool registered;
	bool reserved;
	/*
	 * References to the copy: the registry's, until the region is
	 * finished, and one per chunk release in progress.
	 */
	refcount_t refs;
};

/**
 * struct cma_chunk - an allocated piece of a region
 * @start:	Physical start address; aligned as requested.
 * @size:	Size in bytes; a multiple of %PAGE_SIZE.
 * @reg:	The region the chunk was allocated from: the core's copy,
 *		valid as long as the chunk, even after the region is
 *		unregistered.
 *
 * Returned by the allocation functions; released by cma_free().  Other users
 * may share a chunk with cma_chunk_get() and cma_chunk_put(): the memory goes
 * back to its region when the last reference is dropped.
 */
struct cma_chunk {
	phys_addr_t start;
	size_t size;
	struct cma_region *reg;

	/* private: */
	struct kref ref;
	/* On &cma_region.chunks, under the region's lock. */
	struct list_head node;
	/* For user space: the allocating process's thread group, or 0. */
	pid_t tgid;
	/*
	 * What was asked for ("device/type", the region names, or "" for
	 * cma_alloc_from_region()), then for user space the process's name.
	 */
	char owner[];
};

/**
 * struct cma_allocator - a free-space manager for regions
 * @name:	Unique name, as used in &cma_region.alloc_name and the boot
 *		parameters.
 * @owner:	Module providing the allocator, or NULL when built in.
 * @init:	Optional.  Sets up the allocator's state for a region (usually
 *		in &cma_region.private_data).  Return: 0 or a negative errno.
 * @cleanup:	Optional.  Releases what @init set up.  Only called while the
 *		region has no allocated chunks.
 * @alloc:	Finds space for @chunk->size bytes aligned to @alignment and
 *		sets @chunk->start.  Return: 0, or -ENOMEM when there is no
 *		suitable space or the allocator's metadata cannot be allocated.
 * @free:	Gives back the space of a chunk returned by @alloc.  Must not
 *		fail.
 * @for_each_free: Optional.  Calls @fn for every free extent of the region,
 *		by address, with @arg, its start and its size: for the
 *		statistics and the fragmentation view.
 * @largest_free: Optional.  Return: the size of the largest free extent.
 *
 * The core calls every operation with the region's lock held, so calls for
 * one region are serialised and may sleep; @alloc runs inside a read-side
 * critical section of the core's SRCU, so it must not unregister a region
 * nor wait for someone who does.  @alloc sees only valid requests:
 * @chunk->size is a non-zero multiple of %PAGE_SIZE not larger than the
 * region's free space, and @alignment is a power of two of at least
 * %PAGE_SIZE.
 */
struct cma_allocator {
	const char *name;
	struct module *owner;
	int (*init)(struct cma_region *reg);
	void (*cleanup)(struct cma_region *reg);
	int (*alloc)(struct cma_region *reg, struct cma_chunk *chunk,
		     phys_addr_t alignment);
	void (*free)(struct cma_region *reg, struct cma_chunk *chunk);
	void (*for_each_free)(struct cma_region *reg,
			      void (*fn)(void *arg, phys_addr_t start,
					 phys_addr_t size),
			      void *arg);
	phys_addr_t (*largest_free)(struct cma_region *reg);

	/* private: */
	/*
	 * Linked under cma_regions_config_mutex and cma_regions_mutex;
	 * stable while either is held.
	 */
	struct list_head list;
};

/**
 * struct cma_info - what a set of regions offers
 * @lower_bound:	Lowest physical address of the regions.
 * @upper_bound:	One past the highest physical address of the regions.
 * @total_size:		Sum of the regions' sizes.
 * @free_size:		Sum of the regions' free space.
 * @count:		Number of regions.
 *
 * 64 bits wide whatever &phys_addr_t is: on a 32-bit physical address space
 * the regions may end at 4 GiB and add up to more.
 */
struct cma_info {
	u64 lower_bound;
	u64 upper_bound;
	u64 total_size;
	u64 free_size;
	unsigned int count;
};

/**
 * enum cma_region_event - what a region watcher is told
 * @CMA_REGION_ADD:	The region is being registered and is not usable
 *			yet; the watcher may refuse it with
 *			notifier_from_errno(), which fails the registration.
 * @CMA_REGION_DEL:	The region was unregistered and allocates nothing
 *			more; it is freed once the notifiers have returned
 *			and its last chunk is released, so a watcher drops
 *			every pointer to it before returning.
 *
 * See cma_regions_watch().
 */
enum cma_region_event {
	CMA_REGION_ADD,
	CMA_REGION_DEL,
};

#ifdef CONFIG_CMA_REGIONS

int __init cma_set_defaults(struct cma_region *regions, const char *map);
int __init cma_early_region_register(struct cma_region *reg);
void __init cma_early_regions_reserve_fixed(void);
void __init cma_early_regions_reserve(phys_addr_t limit);

int cma_region_register(struct cma_region *reg);
int cma_region_unregister(struct cma_region *reg);
int cma_allocator_register(struct cma_allocator *alloc);
int cma_allocator_unregister(struct cma_allocator *alloc);

struct cma_chunk *cma_alloc_for(const struct device *dev, const char *type,
				size_t size, phys_addr_t alignment);
struct cma_chunk *cma_alloc_from(const char *regions, size_t size,
				 phys_addr_t alignment);
struct cma_chunk *cma_alloc_from_region(struct cma_region *reg, size_t size,
					phys_addr_t alignment);
struct cma_chunk *cma_alloc_user(const char *dev_name, const char *type,
				 const char *regions, size_t size,
				 phys_addr_t alignment);
int cma_info_for(struct cma_info *info, const struct device *dev,
		 const char *type);
int cma_info_for_name(struct cma_info *info, const char *dev_name,
		      const char *type);
int cma_info_about(struct cma_info *info, const char *regions);

struct cma_chunk *cma_chunk_get(struct cma_chunk *chunk);
void cma_chunk_put(struct cma_chunk *chunk);
void cma_free(struct cma_chunk *chunk);
int cma_chunk_sync(struct cma_chunk *chunk, bool for_device,
		   enum dma_data_direction dir);
bool cma_region_has_pages(const struct cma_region *reg);
int cma_chunk_mmap(struct cma_chunk *chunk, struct vm_area_struct *vma,
		   unsigned long pgoff);

int cma_regions_watch(struct notifier_block *nb);

#else /* !CONFIG_CMA_REGIONS */

/*
 * Without the framework there are no regions: platform declarations are
 * ignored and every allocation fails as if no region matched.
 */
static inline int cma_set_defaults(struct cma_region *regions, const char *map)
{
	return 0;
}

static inline int cma_early_region_register(struct cma_region *reg)
{
	return -ENODEV;
}

static inline void cma_early_regions_reserve_fixed(void)
{
}

static inline void cma_early_regions_reserve(phys_addr_t limit)
{
}

static inline int cma_region_register(struct cma_region *reg)
{
	return -ENODEV;
}

static inline int cma_region_unregister(struct cma_region *reg)
{
	return -ENODEV;
}

static inline int cma_allocator_register(struct cma_allocator *alloc)
{
	return -ENODEV;
}

static inline int cma_allocator_unregister(struct cma_allocator *alloc)
{
	return -ENODEV;
}

static inline struct cma_chunk *cma_alloc_for(const struct device *dev,
					      const char *type, size_t size,
					      phys_addr_t alignment)
{
	return ERR_PTR(-ENOENT);
}

static inline struct cma_chunk *cma_alloc_from(const char *regions,
					       size_t size,
					       phys_addr_t alignment)
{
	return ERR_PTR(-ENOENT);
}

static inline struct cma_chunk *cma_alloc_from_region(struct cma_region *reg,
						      size_t size,
						      phys_addr_t alignment)
{
	return ERR_PTR(-ENOENT);
}

static inline struct cma_chunk *cma_alloc_user(const char *dev_name,
					       const char *type,
					       const char *regions,
					       size_t size,
					       phys_addr_t alignment)
{
	return ERR_PTR(-ENOENT);
}

static inline int cma_info_for(struct cma_info *info, const struct device *dev,
			       const char *type)
{
	return -ENOENT;
}

static inline int cma_info_for_name(struct cma_info *info,
				    const char *dev_name, const char *type)
{
	return -ENOENT;
}

static inline int cma_info_about(struct cma_info *info, const char *regions)
{
	return -ENOENT;
}

static inline struct cma_chunk *cma_chunk_get(struct cma_chunk *chunk)
{
	return chunk;
}

static inline void cma_chunk_put(struct cma_chunk *chunk)
{
}

static inline void cma_free(struct cma_chunk *chunk)
{
}

static inline int cma_chunk_sync(struct cma_chunk *chunk, bool for_device,
				 enum dma_data_direction dir)
{
	return -ENODEV;
}

static inline bool cma_region_has_pages(const struct cma_region *reg)
{
	return false;
}

static inline int cma_chunk_mmap(struct cma_chunk *chunk,
				 struct vm_area_struct *vma,
				 unsigned long pgoff)
{
	return -ENODEV;
}

static inline int cma_regions_watch(struct notifier_block *nb)
{
	return 0;
}

#endif /* CONFIG_CMA_REGIONS */

#endif /* _LINUX_CMA_REGIONS_H */
