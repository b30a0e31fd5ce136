/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Contiguous memory regions: interfaces shared between the core, the parser
 * and the optional layers.  Nothing here is part of the driver API.
 *
 * Copyright (C) 2026 The CMA regions developers
 */
#ifndef _MM_CMA_REGIONS_INTERNAL_H
#define _MM_CMA_REGIONS_INTERNAL_H

#include <linux/cma_regions.h>
#include <linux/dma-direction.h>
#include <linux/sizes.h>
#include <linux/types.h>

/*
 * Longest map accepted, without the terminating NUL: it and a newline fit
 * in the smallest sysfs page (4 KiB), so that a map is accepted or refused
 * alike whatever the page size (16 KiB and 64 KiB on arm64).
 */
#define CMA_MAP_MAX		(SZ_4K - 2UL)

/* The type a request without one asks for. */
#define CMA_DEFAULT_TYPE	"common"

/**
 * struct cma_map_pattern - one pattern of a compiled map
 * @dev:	Device pattern, in the map's text.
 * @type:	Type, in the map's text, or NULL for any type.
 * @names:	The region list of the pattern's rule, in the map's text.
 * @dev_len:	Length of @dev.
 * @type_len:	Length of @type.
 * @names_len:	Length of @names.
 */
struct cma_map_pattern {
	const char *dev;
	const char *type;
	const char *names;
	unsigned int dev_len;
	unsigned int type_len;
	unsigned int names_len;
};

/* parse.c: the configuration grammar; no locking, no global state. */
bool cma_name_valid(const char *name, size_t len);
int cma_names_validate(const char *list, size_t len);
const char *cma_names_next(const char **cursor, const char *end,
			   size_t *len);
int cma_region_check(const struct cma_region *reg);
int cma_parse_size(const char **str, u64 *val);
int cma_parse_regions(char *str, struct cma_region *regs, unsigned int max);
int cma_map_validate(const char *map);
int cma_map_compile(const char *map, struct cma_map_pattern *pats,
		    unsigned int max);
bool cma_request_valid(const char *dev, const char *type);
int cma_map_find(const struct cma_map_pattern *pats, unsigned int nr,
		 const char *dev, const char *type, const char **list,
		 size_t *len);

/* core.c: what went wrong, in words, for every layer's messages. */
enum cma_op {
	CMA_OP_DECLARE,		/* declaring an early region (DT, parameters) */
	CMA_OP_RESERVE_AT,	/* reserving an early region at its start */
	CMA_OP_RESERVE_ANY,	/* reserving an early region anywhere */
	CMA_OP_SET_ALLOCATOR,	/* cma_region_set_allocator() */
	CMA_OP_SET_USER,	/* cma_region_set_user() */
};

const char *cma_strerror(enum cma_op op, int err);

/* core.c: the map in force and the registry. */
int cma_map_replace(const char *map);
bool cma_range_has_pages(phys_addr_t start, phys_addr_t size);
size_t cma_map_print(char *buf, size_t size);
int cma_regions_for_each(int (*fn)(struct cma_region *reg, void *arg),
			 void *arg);
size_t cma_allocators_print(char *buf, size_t size);
int cma_region_set_allocator(struct cma_region *reg, const char *name);
int cma_region_set_user(struct cma_region *reg, bool user);
bool cma_region_user(struct cma_region *reg);
/* For the tests, which have names but no devices. */
struct cma_chunk *cma_alloc_for_name(const char *dev_name, const char *type,
				     size_t size, phys_addr_t alignment);
int cma_check_request(size_t *size, phys_addr_t *alignment);
struct cma_chunk *cma_alloc_chunk(const char *dev_name, const char *type,
				  const char *regions, size_t len, size_t size,
				  phys_addr_t alignment, bool user);
void cma_regions_unwatch(struct notifier_block *nb);

/*
 * Free extents are counted by size class: [PAGE_SIZE << i, twice that).
 * 64 classes hold every extent a physical address space can have.
 */
#define CMA_FREE_CLASSES	64

/**
 * struct cma_free_extents - a region's free space, by extent size
 * @count:	Free extents in each size class.
 * @extents:	Free extents in all.
 * @bytes:	Free bytes in all.
 * @largest:	The largest free extent, in bytes.
 */
struct cma_free_extents {
	unsigned long count[CMA_FREE_CLASSES];
	unsigned long extents;
	phys_addr_t bytes;
	phys_addr_t largest;
};

int cma_region_free_extents(struct cma_region *reg,
			    struct cma_free_extents *fe);

/* user.c: for cma_alloc_user() and the tests. */
int cma_chunk_zero(struct cma_chunk *chunk);
#if IS_ENABLED(CONFIG_KUNIT)
/* Static without KUnit (VISIBLE_IF_KUNIT): declared for the tests. */
void cma_cache_sync(phys_addr_t start, size_t size, bool for_device,
		    enum dma_data_direction dir);
#endif

/*
 * early.c: where early regions and maps come from, in increasing precedence.
 * Regions registered by platform code with cma_early_region_register() are
 * always reserved; of the others, only the highest origin's.
 */
enum cma_early_origin {
	CMA_EARLY_EXPLICIT,
	CMA_EARLY_PLATFORM,	/* cma_set_defaults() */
	CMA_EARLY_DT,		/* the device tree */
	CMA_EARLY_PARAM,	/* cma.regions= and cma.map= */
	CMA_EARLY_NR
};

bool __init cma_early_overlaps_nomap(phys_addr_t start, phys_addr_t size);
int __init cma_early_declare(struct cma_region *reg,
			     enum cma_early_origin origin);
void __init cma_early_declare_map(const char *map,
				  enum cma_early_origin origin);
int __init cma_early_declare_set(struct cma_region *regions, const char *map,
				 enum cma_early_origin origin);
bool __init cma_early_overridden(enum cma_early_origin origin);

/* sysfs.c: for the KUnit tests. */
struct kobject;
struct kobject *cma_sysfs_region_kobj(struct cma_region *reg);

/* best_fit.c: for the KUnit tests and the benchmark. */
const char *cma_bf_verify(struct cma_region *reg,
			  void (*hole)(void *arg, phys_addr_t start,
				       phys_addr_t size),
			  void *arg);
size_t cma_bf_metadata(struct cma_region *reg);

#endif /* _MM_CMA_REGIONS_INTERNAL_H */
