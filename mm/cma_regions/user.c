// SPDX-License-Identifier: GPL-2.0
/*
 * Contiguous memory regions: chunks handed to user space.
 *
 * Copyright (C) 2026 The CMA regions developers
 */

/**
 * DOC: Chunks for user space
 *
 * The interfaces that hand chunks to user space (/dev/cma, the dma-buf
 * heaps) allocate with cma_alloc_user(), which takes only regions open to
 * user space and clears the chunk (cma_chunk_zero()) before anyone sees
 * it, map chunks with cma_chunk_mmap(), which refuses private and
 * oversized mappings, and hand them to devices and back with
 * cma_chunk_sync().  Only the allocation takes the framework's locks (the
 * region's, as any allocation does); the others take none: the caller
 * holds a reference to the chunk.
 */

#define pr_fmt(fmt) "cma_regions: " fmt

#include <kunit/static_stub.h>
#include <kunit/visibility.h>
#include <linux/cma_regions.h>
#include <linux/bug.h>
#include <linux/dma-map-ops.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>

#include "internal.h"

/**
 * cma_alloc_user() - allocate contiguous memory for user space
 * @dev_name:	A device's name: the map picks the regions as for that
 *		device's driver; or NULL to use @regions.
 * @type:	With @dev_name, the type of memory, or NULL for ``"common"``.
 * @regions:	Without @dev_name, comma-separated region names, tried in
 *		order.
 * @size:	Size in bytes; rounded up to whole pages.
 * @alignment:	Zero, or a power of two; at least %PAGE_SIZE is used.
 *
 * For the interfaces that hand chunks to user space (/dev/cma, the dma-buf
 * heaps).  Only regions open to user space are used: named regions of
 * memory with struct pages, unless platform code keeps them for its own
 * drivers (&cma_region.kernel_only); an administrator may open or close a
 * region (cma_region_set_user()), but never a private one or one of device
 * memory.  The chunk's metadata
 * is charged to the caller's memory cgroup, and the chunk is cleared and
 * written back from the CPU caches (cma_chunk_zero()) before it is
 * returned.
 *
 * Context: Process context; may sleep.
 * Return: a chunk to release with cma_free(), or ERR_PTR() of -EINVAL for a
 * malformed request (as for cma_alloc_for_name() and cma_alloc_from());
 * -ENOENT if no rule matches or none of the regions is registered; -EPERM
 * if none of those registered is open to user space; -ENOMEM if none of
 * those open has room; -EINTR if a fatal signal arrived while the chunk
 * was being cleared.
 */
struct cma_chunk *cma_alloc_user(const char *dev_name, const char *type,
				 const char *regions, size_t size,
				 phys_addr_t alignment)
{
	struct cma_chunk *chunk;
	size_t len = 0;
	int ret;

	if (!dev_name == !regions || cma_check_request(&size, &alignment))
		return ERR_PTR(-EINVAL);
	if (regions) {
		len = strlen(regions);
		if (cma_names_validate(regions, len))
			return ERR_PTR(-EINVAL);
	} else if (!cma_request_valid(dev_name, type ?: CMA_DEFAULT_TYPE)) {
		return ERR_PTR(-EINVAL);
	}
	chunk = cma_alloc_chunk(dev_name, type, regions, len, size, alignment,
				true);
	if (IS_ERR(chunk))
		return chunk;
	ret = cma_chunk_zero(chunk);
	if (ret) {
		cma_free(chunk);
		return ERR_PTR(ret);
	}
	return chunk;
}
EXPORT_SYMBOL_GPL(cma_alloc_user);

/**
 * cma_region_has_pages() - is a region's memory described by struct pages?
 * @reg:	A region.
 *
 * Regions reserved from RAM are; a driver's region over device memory may
 * not be, and cannot then back interfaces that hand out pages (dma-buf
 * heaps).
 *
 * Context: Process context: it reads the resource tree under its lock and
 * walks the region's page frames.
 * Return: true if every page of @reg has a struct page.
 */
bool cma_region_has_pages(const struct cma_region *reg)
{
	return cma_range_has_pages(reg->start, reg->size);
}
EXPORT_SYMBOL_GPL(cma_region_has_pages);

/**
 * cma_cache_sync() - CPU cache maintenance for a range of a region
 * @start:	Physical start; page aligned.
 * @size:	Size in bytes.
 * @for_device: Hand the range to devices (true) or back to the CPU.
 * @dir:	The direction of the data, as for the DMA API.
 *
 * The streaming DMA API's cache maintenance (arch_sync_dma_for_device()
 * and arch_sync_dma_for_cpu()), for memory that user space shares with
 * devices through an interface that has no device of its own (/dev/cma):
 * for a device, written back (cleaned) so a non-coherent device reads
 * what the CPU wrote and no dirty line is left to be written over what it
 * writes; for the CPU, invalidated so it reads what a device wrote.  Does
 * nothing on coherent architectures (x86).  A page at a time, so that a
 * large chunk does not hold the CPU.
 *
 * Context: Process context; may sleep.
 */
VISIBLE_IF_KUNIT void cma_cache_sync(phys_addr_t start, size_t size,
				     bool for_device,
				     enum dma_data_direction dir)
{
	size_t off;

	KUNIT_STATIC_STUB_REDIRECT(cma_cache_sync, start, size, for_device,
				   dir);
	/* By offset: a chunk may end at the top of the address space. */
	for (off = 0; off < size; off += PAGE_SIZE) {
		if (for_device)
			arch_sync_dma_for_device(start + off, PAGE_SIZE, dir);
		else
			arch_sync_dma_for_cpu(start + off, PAGE_SIZE, dir);
		cond_resched();
	}
	if (!for_device)
		arch_sync_dma_for_cpu_all();
}
EXPORT_SYMBOL_IF_KUNIT(cma_cache_sync);

/**
 * cma_chunk_zero() - clear a chunk's memory
 * @chunk:	A chunk of memory with struct pages, as every region open to
 *		user space has.
 *
 * Regions hand out memory as their last user left it; whoever gives a
 * chunk to another trust domain (user space) clears it first.  The chunk
 * is cleared page by page, highmem included, and written back from the CPU
 * caches (see cma_cache_sync()), so a device sees zeros, never the
 * previous owner's data.
 *
 * Context: Process context; may sleep.
 * Return: 0 on success, -EINVAL for a chunk of device memory, -EINTR if a
 * fatal signal arrived before the chunk was cleared (the process is going
 * away: its memory need not be).
 */
int cma_chunk_zero(struct cma_chunk *chunk)
{
	unsigned long pfn, last = PHYS_PFN(chunk->start + (chunk->size - 1));

	if (WARN_ON_ONCE(!chunk->reg->has_pages))
		return -EINVAL;
	for (pfn = PHYS_PFN(chunk->start); pfn <= last; pfn++) {
		clear_highpage(pfn_to_page(pfn));
		if (fatal_signal_pending(current))
			return -EINTR;
		cond_resched();
	}
	cma_cache_sync(chunk->start, chunk->size, true, DMA_TO_DEVICE);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(cma_chunk_zero);

/**
 * cma_chunk_sync() - hand a chunk shared with user space to devices or back
 * @chunk:	A chunk of memory with struct pages.
 * @for_device: true before devices access the chunk, after the CPU wrote
 *		it; false before the CPU reads what devices wrote.
 * @dir:	%DMA_TO_DEVICE, %DMA_FROM_DEVICE or %DMA_BIDIRECTIONAL, as for
 *		dma_sync_single_for_device() and dma_sync_single_for_cpu().
 *
 * For interfaces that map chunks cached into user space without a device
 * of their own, as dma-buf's DMA_BUF_IOCTL_SYNC is for buffers.  The heaps
 * sync through their attachments instead.
 *
 * Context: Process context; may sleep.
 * Return: 0, or -EINVAL for @dir %DMA_NONE or a chunk of device memory.
 */
int cma_chunk_sync(struct cma_chunk *chunk, bool for_device,
		   enum dma_data_direction dir)
{
	if (!valid_dma_direction(dir) || !chunk->reg->has_pages)
		return -EINVAL;
	cma_cache_sync(chunk->start, chunk->size, for_device, dir);
	return 0;
}
EXPORT_SYMBOL_GPL(cma_chunk_sync);

/**
 * cma_chunk_mmap() - map a chunk, or part of it, into user space
 * @chunk:	A chunk; the caller keeps it alive while @vma maps it.
 * @vma:	The mapping being set up.
 * @pgoff:	Offset into the chunk, in pages, of the mapping's start.
 *
 * The mapping must be shared: a private, copy-on-write view would give
 * the process copies the device never sees, and remap_pfn_range() would
 * record the chunk's page frame number in the mapping's offset, which
 * /proc/PID/maps shows.  It must lie entirely within the chunk: nobody
 * maps a byte beyond it.  Only memory with struct pages is mapped; device
 * memory needs attributes only its driver knows.  The mapping gets @vma's
 * page protection: cached unless the caller chose otherwise (for example
 * pgprot_writecombine()).
 *
 * Context: Process context, with the mm's mmap lock held for writing, as
 * in an &file_operations.mmap handler.
 * Return: 0 on success, -EINVAL if the mapping is not shared or reaches
 * beyond the chunk, -ENODEV for a chunk of device memory, or the error of
 * remap_pfn_range().
 */
int cma_chunk_mmap(struct cma_chunk *chunk, struct vm_area_struct *vma,
		   unsigned long pgoff)
{
	unsigned long pages = chunk->size >> PAGE_SHIFT;

	if (!(vma->vm_flags & VM_MAYSHARE))
		return -EINVAL;
	if (pgoff >= pages || vma_pages(vma) > pages - pgoff)
		return -EINVAL;
	if (!chunk->reg->has_pages)
		return -ENODEV;
	return remap_pfn_range(vma, vma->vm_start,
			       PHYS_PFN(chunk->start) + pgoff,
			       vma->vm_end - vma->vm_start, vma->vm_page_prot);
}
EXPORT_SYMBOL_GPL(cma_chunk_mmap);
