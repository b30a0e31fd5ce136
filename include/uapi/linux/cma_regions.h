/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * /dev/cma: physically contiguous memory from contiguous memory regions
 * for user space.
 *
 * /dev/cma is the test and bring-up device of contiguous memory regions;
 * programs that share buffers with drivers use the regions' dma-buf heaps
 * (/dev/dma_heap/cma_regions:<region>).  A program opens /dev/cma (root
 * only by default) for reading and writing and allocates chunks by device
 * (the kernel's map picks the regions, as for the device's driver) or by
 * region names, from the regions open to user space (an administrator
 * closes one by writing 0 to its user_alloc file in sysfs).  Allocating
 * and freeing need a file open for reading and writing.  Each chunk
 * gets an id, unique within the open file and not reused soon, and an
 * mmap offset: mmap(2) of that offset, MAP_SHARED, maps the chunk, never
 * more.  One open file holds at most max_chunks chunks (a parameter of
 * the cma_dev module, 1024 by default).
 *
 * Chunks are cleared, and the zeros written back from the CPU caches,
 * before user space sees them.  The mapping is cached: a program sharing
 * a chunk with a device that does not snoop the CPU caches brackets its
 * own accesses with %CMA_REGIONS_IOC_SYNC, as with dma-buf's
 * DMA_BUF_IOCTL_SYNC (on cache-coherent machines it costs nothing).
 * Every chunk still held goes back to its region when the file is
 * closed, also when the process is killed.  A mapping keeps its chunk's
 * memory until it is unmapped, even after the chunk is freed.
 *
 * Every structure has the same layout for 32- and 64-bit programs.
 * Reserved fields and flags this header does not define must be zero,
 * or the call fails with EINVAL; so must INFO's output fields (ALLOC
 * ignores what its output fields hold).
 *
 * Copyright (C) 2026 The CMA regions developers
 */
#ifndef _UAPI_LINUX_CMA_REGIONS_H
#define _UAPI_LINUX_CMA_REGIONS_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* Longest spec, including its terminating NUL. */
#define CMA_REGIONS_SPEC_MAX	256
/* Longest region name, including its terminating NUL. */
#define CMA_REGIONS_NAME_LEN	32

/* What a spec names; exactly one of them. */
#define CMA_REGIONS_BY_DEVICE	(1U << 0)	/* "device[/type]" */
#define CMA_REGIONS_BY_NAME	(1U << 1)	/* "region[,region...]" */

/**
 * struct cma_regions_alloc - argument of %CMA_REGIONS_IOC_ALLOC
 * @size:	In: bytes, rounded up to whole pages.  Out: bytes allocated.
 * @alignment:	In: zero, or a power of two; at least a page is used.
 * @flags:	In: %CMA_REGIONS_BY_DEVICE or %CMA_REGIONS_BY_NAME.
 * @id:		Out: the chunk's id, for %CMA_REGIONS_IOC_FREE.
 * @offset:	Out: the offset to pass to mmap(2) to map the chunk.
 * @start:	Out: the chunk's physical address if the file was opened
 *		by a process with CAP_SYS_ADMIN; 0 otherwise.
 * @reserved:	Must be zero.
 * @spec:	In: NUL-terminated.  With %CMA_REGIONS_BY_DEVICE, a device
 *		name and optionally '/' and a type of memory: the map picks
 *		the regions as for that device's driver.  With
 *		%CMA_REGIONS_BY_NAME, region names separated by commas,
 *		tried in order.  Left as it was.
 * @region:	Out: NUL-terminated name of the region the chunk is from.
 */
struct cma_regions_alloc {
	__u64 size;
	__u64 alignment;
	__u32 flags;
	__u32 id;
	__u64 offset;
	__u64 start;
	__u64 reserved[4];
	char spec[CMA_REGIONS_SPEC_MAX];
	char region[CMA_REGIONS_NAME_LEN];
};

/**
 * struct cma_regions_free - argument of %CMA_REGIONS_IOC_FREE
 * @id:		A chunk id this open file got from %CMA_REGIONS_IOC_ALLOC.
 * @flags:	Must be zero.
 * @reserved:	Must be zero.
 */
struct cma_regions_free {
	__u32 id;
	__u32 flags;
	__u64 reserved[3];
};

/**
 * struct cma_regions_info - argument of %CMA_REGIONS_IOC_INFO
 * @flags:	In: %CMA_REGIONS_BY_DEVICE or %CMA_REGIONS_BY_NAME.
 * @count:	Out: number of regions the spec names that are registered.
 * @lower_bound: Out: lowest physical address of the regions, or 0 if
 *		the file was not opened with CAP_SYS_ADMIN.
 * @upper_bound: Out: one past their highest physical address, or 0
 *		without CAP_SYS_ADMIN.
 * @total_size:	Out: sum of the regions' sizes, in bytes.
 * @free_size:	Out: sum of their free space, in bytes.
 * @reserved:	Must be zero.
 * @spec:	In: as &cma_regions_alloc.spec.
 */
struct cma_regions_info {
	__u32 flags;
	__u32 count;
	__u64 lower_bound;
	__u64 upper_bound;
	__u64 total_size;
	__u64 free_size;
	__u64 reserved[4];
	char spec[CMA_REGIONS_SPEC_MAX];
};

/**
 * struct cma_regions_sync - argument of %CMA_REGIONS_IOC_SYNC
 * @id:		A chunk id this open file got from %CMA_REGIONS_IOC_ALLOC.
 * @flags:	%CMA_REGIONS_SYNC_READ, %CMA_REGIONS_SYNC_WRITE or both
 *		(what the CPU does to the chunk), or'ed with
 *		%CMA_REGIONS_SYNC_START before the CPU accesses the chunk or
 *		%CMA_REGIONS_SYNC_END after, before devices do.
 * @reserved:	Must be zero.
 */
struct cma_regions_sync {
	__u32 id;
	__u32 flags;
	__u64 reserved[2];
};

#define CMA_REGIONS_SYNC_READ	(1U << 0)
#define CMA_REGIONS_SYNC_WRITE	(1U << 1)
#define CMA_REGIONS_SYNC_RW	(CMA_REGIONS_SYNC_READ | CMA_REGIONS_SYNC_WRITE)
#define CMA_REGIONS_SYNC_START	(0U << 2)
#define CMA_REGIONS_SYNC_END	(1U << 2)
#define CMA_REGIONS_SYNC_VALID	(CMA_REGIONS_SYNC_RW | CMA_REGIONS_SYNC_END)

#define CMA_REGIONS_IOC_MAGIC	0xB9

/*
 * Errors of all: EINVAL for a malformed argument (reserved fields or
 * unknown flags set, a spec without its NUL or not well formed, a zero or
 * overflowing size, an alignment that is not a power of two, a SYNC with
 * neither READ nor WRITE); ENOENT when no map rule matches the spec or
 * none of its regions is registered, or for an id the file does not hold;
 * EFAULT for a bad pointer.
 *
 * ALLOC and FREE also: EBADF on a file not open for both reading and
 * writing.  ALLOC also: EPERM when the spec's regions are registered but
 * none is open to user space; ENOMEM when those open have no room, or the
 * kernel is short of memory; ENOSPC when the file already holds
 * max_chunks chunks; EINTR when a fatal signal arrived while the chunk
 * was being cleared.
 *
 * mmap(2): EINVAL for a private mapping, an offset that is no chunk's, or
 * a length beyond the chunk.
 */
#define CMA_REGIONS_IOC_ALLOC	_IOWR(CMA_REGIONS_IOC_MAGIC, 0x00, \
				      struct cma_regions_alloc)
#define CMA_REGIONS_IOC_FREE	_IOW(CMA_REGIONS_IOC_MAGIC, 0x01, \
				     struct cma_regions_free)
#define CMA_REGIONS_IOC_INFO	_IOWR(CMA_REGIONS_IOC_MAGIC, 0x02, \
				      struct cma_regions_info)
#define CMA_REGIONS_IOC_SYNC	_IOW(CMA_REGIONS_IOC_MAGIC, 0x03, \
				     struct cma_regions_sync)

#endif /* _UAPI_LINUX_CMA_REGIONS_H */
