/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Contiguous memory regions: trace events.
 *
 * Copyright (C) 2026 The CMA regions developers
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM cma_regions

#if !defined(_TRACE_CMA_REGIONS_H) || defined(TRACE_HEADER_MULTI_READ)
#define _TRACE_CMA_REGIONS_H

#include <linux/tracepoint.h>
#include <linux/types.h>

/*
 * Every event is a static branch while disabled; alloc_finish's time is
 * measured only while it is enabled (ns=0 if it was enabled meanwhile).
 */

/*
 * An allocation asked for: by device and type (through the map), by a
 * list of region names, or from one region (@regions its name, or empty
 * for a private one).
 */
TRACE_EVENT(cma_regions_alloc_start,

	TP_PROTO(const char *dev, const char *type, const char *regions,
		 size_t len, size_t size, phys_addr_t align, bool user),

	TP_ARGS(dev, type, regions, len, size, align, user),

	TP_STRUCT__entry(
		__string(dev, dev ?: "")
		__string(type, type ?: "")
		__string_len(regions, regions ?: "", regions ? len : 0)
		__field(size_t, size)
		__field(u64, align)
		__field(bool, user)
	),

	TP_fast_assign(
		__assign_str(dev);
		__assign_str(type);
		__assign_str(regions);
		__entry->size = size;
		__entry->align = align;
		__entry->user = user;
	),

	TP_printk("dev=%s type=%s regions=%s size=%zu align=%#llx user=%d",
		  __get_str(dev), __get_str(type), __get_str(regions),
		  __entry->size, __entry->align, __entry->user)
);

/* What it got: the region and the chunk, or the error; and how long. */
TRACE_EVENT(cma_regions_alloc_finish,

	TP_PROTO(const char *region, phys_addr_t start, size_t size, int err,
		 u64 ns),

	TP_ARGS(region, start, size, err, ns),

	TP_STRUCT__entry(
		__string(region, region ?: "")
		__field(u64, start)
		__field(size_t, size)
		__field(int, err)
		__field(u64, ns)
	),

	TP_fast_assign(
		__assign_str(region);
		__entry->start = start;
		__entry->size = size;
		__entry->err = err;
		__entry->ns = ns;
	),

	TP_printk("region=%s start=%#llx size=%zu err=%d ns=%llu",
		  __get_str(region), __entry->start, __entry->size,
		  __entry->err, __entry->ns)
);

/* A chunk's memory goes back to its region. */
TRACE_EVENT(cma_regions_free,

	TP_PROTO(const char *region, phys_addr_t start, size_t size),

	TP_ARGS(region, start, size),

	TP_STRUCT__entry(
		__string(region, region ?: "")
		__field(u64, start)
		__field(size_t, size)
	),

	TP_fast_assign(
		__assign_str(region);
		__entry->start = start;
		__entry->size = size;
	),

	TP_printk("region=%s start=%#llx size=%zu", __get_str(region),
		  __entry->start, __entry->size)
);

/* A region registered with the framework, or the error that refused it. */
TRACE_EVENT(cma_regions_register,

	TP_PROTO(const char *region, phys_addr_t start, phys_addr_t size,
		 int err),

	TP_ARGS(region, start, size, err),

	TP_STRUCT__entry(
		__string(region, region ?: "")
		__field(u64, start)
		__field(u64, size)
		__field(int, err)
	),

	TP_fast_assign(
		__assign_str(region);
		__entry->start = start;
		__entry->size = size;
		__entry->err = err;
	),

	TP_printk("region=%s start=%#llx size=%llu err=%d", __get_str(region),
		  __entry->start, __entry->size, __entry->err)
);

/* A region unregistered; @chunks of it still alive keep its memory. */
TRACE_EVENT(cma_regions_unregister,

	TP_PROTO(const char *region, unsigned int chunks),

	TP_ARGS(region, chunks),

	TP_STRUCT__entry(
		__string(region, region ?: "")
		__field(unsigned int, chunks)
	),

	TP_fast_assign(
		__assign_str(region);
		__entry->chunks = chunks;
	),

	TP_printk("region=%s chunks=%u", __get_str(region), __entry->chunks)
);

/* A region's allocator switched (by an administrator), or why not. */
TRACE_EVENT(cma_regions_set_allocator,

	TP_PROTO(const char *region, const char *allocator, int err),

	TP_ARGS(region, allocator, err),

	TP_STRUCT__entry(
		__string(region, region ?: "")
		__string(allocator, allocator ?: "")
		__field(int, err)
	),

	TP_fast_assign(
		__assign_str(region);
		__assign_str(allocator);
		__entry->err = err;
	),

	TP_printk("region=%s allocator=%s err=%d", __get_str(region),
		  __get_str(allocator), __entry->err)
);

/*
 * A new map put in force, or the error that left the old one.  A map may
 * be nearly a page long, more than a trace event holds: its first 256
 * bytes are recorded, and its length.
 */
TRACE_EVENT(cma_regions_map,

	TP_PROTO(const char *map, size_t len, int err),

	TP_ARGS(map, len, err),

	TP_STRUCT__entry(
		__string_len(map, map, min_t(size_t, len, 256))
		__field(size_t, len)
		__field(int, err)
	),

	TP_fast_assign(
		__assign_str(map);
		__entry->len = len;
		__entry->err = err;
	),

	TP_printk("map=\"%s\" len=%zu err=%d", __get_str(map), __entry->len,
		  __entry->err)
);

#endif /* _TRACE_CMA_REGIONS_H */

/* This part must be outside protection */
#include <trace/define_trace.h>
