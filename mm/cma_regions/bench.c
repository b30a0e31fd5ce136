// SPDX-License-Identifier: GPL-2.0
/*
 * Contiguous memory regions: a benchmark against the in-tree allocators.
 *
 * Copyright (C) 2026 The CMA regions developers
 */

/**
 * DOC: Benchmark
 *
 * Replays identical, seeded operation traces through
 *
 *  - the best-fit allocator through &struct cma_allocator, as the core calls
 *    it ("bf"); the same with a chunk handle allocated from slab and freed
 *    with every chunk, as the API's handles are ("bf-handle"); and through
 *    cma_alloc_from_region() ("bf-api").  bf-handle over bf is what
 *    handles cost (their allocation, and their cache footprint with many
 *    chunks live), bf-api over bf-handle the framework's own work (request
 *    checks, SRCU, reference counts);
 *  - gen_pool with gen_pool_best_fit() ("gp-best", which cannot honour an
 *    alignment) and with gen_pool_first_fit_order_align() ("gp-order"),
 *    at page granularity;
 *  - drm_mm with %DRM_MM_INSERT_BEST ("drm_mm"), when DRM is built in;
 *  - the floor: one rbtree insert or erase per operation ("floor"), the
 *    least any tree-based allocator must do;
 *  - for context, upstream cma_alloc() and cma_release() on the default
 *    upstream CMA area ("cma"), when the benchmark is built in, CONFIG_DMA_CMA
 *    is on and the kernel was booted with ``cma=`` (32 MiB will do).
 *
 * Workloads: steady state at 1k, 16k and 64k live chunks (alloc/free pairs,
 * sizes log-uniform from 4 KiB to 1 MiB, a third of them aligned to 64 KiB
 * or 1 MiB) and a fragmentation run at 90 % occupancy of 1 GiB, with the
 * same alignments and page-aligned only.  Each allocator manages a fake
 * physical range: no memory is touched.  Upstream CMA cannot work on a fake
 * range, so it runs one workload of its own, 8 live chunks in a range the
 * size of its area, which every allocator replays too.
 *
 * Results are printed as table rows prefixed "cma_regions_bench:".  The
 * suite asserts what must be identical across allocators (bytes allocated
 * where every request fits), that the allocators which honour alignments
 * (all but gen_pool's) never return a misaligned chunk, never timings.
 * gen_pool's "failed" counts are therefore not comparable to the others'
 * where requests are aligned: the "misaligned" column counts the chunks
 * it returned at an address the request did not allow.  Metadata per chunk
 * is measured at the end of the trace: the chunk handle the framework
 * allocates and the allocator's slab memory for best fit, the node for
 * drm_mm and the floor, the bitmap for gen_pool and upstream CMA.
 *
 * A last case shows that allocations from different regions do not
 * serialise: two threads, each bound to a CPU of its own, allocate and
 * free through the map (cma_alloc_for_name(), the path of cma_alloc_for())
 * with 64 chunks live each, first one thread alone, then two from two
 * regions, then two from one region, where the region's lock serialises
 * them.  It needs two CPUs.
 *
 * By default it runs a short smoke version; boot with
 * ``cma_regions_bench.full=1`` for the full one.
 */

#include <drm/drm_mm.h>
#include <kunit/test.h>
#include <linux/bits.h>
#include <linux/cma.h>
#include <linux/cma_regions.h>
#include <linux/dma-map-ops.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/genalloc.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/log2.h>
#include <linux/moduleparam.h>
#include <linux/prandom.h>
#include <linux/rbtree.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/vmalloc.h>

#include "internal.h"

static bool full;
module_param(full, bool, 0444);
MODULE_PARM_DESC(full, "Run the full benchmark instead of the smoke version");

static unsigned int tracecost;
module_param(tracecost, uint, 0444);
MODULE_PARM_DESC(tracecost,
		 "With full: only bf and bf-api, alternating, this many rounds (the trace events' cost)");

/* A fake range far above any RAM. */
#define BENCH_BASE	BIT_ULL(40)

struct bench_op {
	u32 slot;
	u32 pages;		/* 0: free the slot */
	u8 align_order;		/* alignment in pages, as an order */
};

struct bench_trace {
	const char *name;
	struct bench_op *ops;
	unsigned int nr_ops;
	unsigned int timed_from;	/* ops before this are warm-up */
	unsigned int slots;
	u64 size;
	bool must_fit;			/* every request fits every allocator */
	bool cma;			/* upstream CMA runs this trace too */
};

struct bench_fnode {
	struct rb_node node;
	u64 key;
};

struct bench_ctx {
	const struct bench_trace *t;
	u32 *pages;			/* per slot, 0 when empty */
	/* best fit */
	struct cma_region reg;
	struct cma_chunk *chunks;
	struct cma_chunk **handles;
	/* genalloc */
	struct gen_pool *pool;
	unsigned long *addrs;
	/* drm_mm */
	struct drm_mm mm;
	struct drm_mm_node *nodes;
	/* floor */
	struct rb_root root;
	struct bench_fnode *fnodes;
	/* upstream CMA */
	struct cma *cma;
	struct page **cpages;
};

struct bench_ops {
	const char *name;
	int (*setup)(struct bench_ctx *b);
	void (*teardown)(struct bench_ctx *b);
	int (*alloc)(struct bench_ctx *b, u32 slot, size_t size, u64 align,
		     u64 *addr);
	void (*free)(struct bench_ctx *b, u32 slot);
	u64 (*largest_hole)(struct bench_ctx *b);
	size_t (*meta)(struct bench_ctx *b, unsigned int live);
};

/* Best fit, through the allocator interface and through the API. */

static int bf_setup(struct bench_ctx *b)
{
	int ret;

	b->reg = (struct cma_region){ .start = BENCH_BASE, .size = b->t->size,
				      .alloc_name = "bf" };
	b->chunks = kvcalloc(b->t->slots, sizeof(*b->chunks), GFP_KERNEL);
	b->handles = kvcalloc(b->t->slots, sizeof(*b->handles), GFP_KERNEL);
	if (!b->chunks || !b->handles)
		return -ENOMEM;
	ret = cma_region_register(&b->reg);
	if (ret)
		return ret;
	/* The allocator is called straight, on the core's copy. */
	return b->reg.core->alloc ? 0 : -ENODEV;
}

static void bf_teardown(struct bench_ctx *b)
{
	if (b->reg.registered)
		cma_region_unregister(&b->reg);
	kvfree(b->chunks);
	kvfree(b->handles);
}

static int bf_alloc(struct bench_ctx *b, u32 slot, size_t size, u64 align,
		    u64 *addr)
{
	struct cma_chunk *chunk = &b->chunks[slot];
	struct cma_region *reg = b->reg.core;
	int ret;

	chunk->size = size;
	mutex_lock(&reg->lock);
	ret = reg->alloc->alloc(reg, chunk, align);
	/* Keep the count cma_bf_verify() compares with. */
	reg->users += !ret;
	mutex_unlock(&reg->lock);
	*addr = chunk->start;
	return ret;
}

static void bf_free(struct bench_ctx *b, u32 slot)
{
	struct cma_region *reg = b->reg.core;

	mutex_lock(&reg->lock);
	reg->alloc->free(reg, &b->chunks[slot]);
	reg->users--;
	mutex_unlock(&reg->lock);
}

/* As bf_alloc(), with a handle of its own per chunk, as the API has. */
static int bf_handle_alloc(struct bench_ctx *b, u32 slot, size_t size,
			   u64 align, u64 *addr)
{
	struct cma_chunk *chunk = kzalloc(sizeof(*chunk), GFP_KERNEL);
	struct cma_region *reg = b->reg.core;
	int ret;

	if (!chunk)
		return -ENOMEM;
	chunk->size = size;
	mutex_lock(&reg->lock);
	ret = reg->alloc->alloc(reg, chunk, align);
	reg->users += !ret;
	mutex_unlock(&reg->lock);
	if (ret) {
		kfree(chunk);
		return ret;
	}
	b->handles[slot] = chunk;
	*addr = chunk->start;
	return 0;
}

static void bf_handle_free(struct bench_ctx *b, u32 slot)
{
	struct cma_region *reg = b->reg.core;
	struct cma_chunk *chunk = b->handles[slot];

	mutex_lock(&reg->lock);
	reg->alloc->free(reg, chunk);
	reg->users--;
	mutex_unlock(&reg->lock);
	kfree(chunk);
}

static void bf_hole(void *arg, phys_addr_t start, phys_addr_t size)
{
	u64 *max = arg;

	*max = max_t(u64, *max, size);
}

static u64 bf_largest_hole(struct bench_ctx *b)
{
	u64 max = 0;

	/*
	 * Called straight, the allocator keeps no region accounting, so only
	 * the walk over the holes counts here, not the verdict.
	 */
	cma_bf_verify(b->reg.core, bf_hole, &max);
	return max;
}

static size_t bf_meta(struct bench_ctx *b, unsigned int live)
{
	/*
	 * The chunk handles (with the empty owner a region handle's
	 * allocation records), and the allocator's holes and spares.
	 */
	return kmalloc_size_roundup(struct_size_t(struct cma_chunk, owner, 1)) +
	       cma_bf_metadata(b->reg.core) / max(live, 1U);
}

static int bf_api_alloc(struct bench_ctx *b, u32 slot, size_t size, u64 align,
			u64 *addr)
{
	struct cma_chunk *chunk = cma_alloc_from_region(&b->reg, size, align);

	if (IS_ERR(chunk))
		return PTR_ERR(chunk);
	b->handles[slot] = chunk;
	*addr = chunk->start;
	return 0;
}

static void bf_api_free(struct bench_ctx *b, u32 slot)
{
	cma_free(b->handles[slot]);
}

/* gen_pool at page granularity. */

static int gp_setup(struct bench_ctx *b, genpool_algo_t algo)
{
	b->addrs = kvcalloc(b->t->slots, sizeof(*b->addrs), GFP_KERNEL);
	b->pool = gen_pool_create(PAGE_SHIFT, NUMA_NO_NODE);
	if (!b->addrs || !b->pool)
		return -ENOMEM;
	gen_pool_set_algo(b->pool, algo, NULL);
	return gen_pool_add(b->pool, BENCH_BASE, b->t->size, NUMA_NO_NODE);
}

static int gp_best_setup(struct bench_ctx *b)
{
	return gp_setup(b, gen_pool_best_fit);
}

static int gp_order_setup(struct bench_ctx *b)
{
	return gp_setup(b, gen_pool_first_fit_order_align);
}

/* Everything was freed: gen_pool_destroy() insists. */
static void gp_teardown(struct bench_ctx *b)
{
	if (b->pool)
		gen_pool_destroy(b->pool);
	kvfree(b->addrs);
}

static int gp_alloc(struct bench_ctx *b, u32 slot, size_t size, u64 align,
		    u64 *addr)
{
	b->addrs[slot] = gen_pool_alloc(b->pool, size);
	*addr = b->addrs[slot];
	return b->addrs[slot] ? 0 : -ENOMEM;
}

static void gp_free(struct bench_ctx *b, u32 slot)
{
	gen_pool_free(b->pool, b->addrs[slot],
		      (size_t)b->pages[slot] << PAGE_SHIFT);
}

static void gp_chunk_hole(struct gen_pool *pool, struct gen_pool_chunk *chunk,
			  void *arg)
{
	unsigned long nbits = (chunk->end_addr - chunk->start_addr + 1) >>
			      pool->min_alloc_order;
	unsigned long start, end = 0;
	u64 *max = arg;

	for (;;) {
		start = find_next_zero_bit(chunk->bits, nbits, end);
		if (start >= nbits)
			break;
		end = find_next_bit(chunk->bits, nbits, start);
		*max = max_t(u64, *max, (u64)(end - start) << PAGE_SHIFT);
	}
}

static u64 gp_largest_hole(struct bench_ctx *b)
{
	u64 max = 0;

	gen_pool_for_each_chunk(b->pool, gp_chunk_hole, &max);
	return max;
}

static size_t gp_meta(struct bench_ctx *b, unsigned int live)
{
	/* The bitmap, spread over the live chunks. */
	return BITS_TO_LONGS(b->t->size >> PAGE_SHIFT) * sizeof(long) /
	       max(live, 1U);
}

#if IS_REACHABLE(CONFIG_DRM)
static int dm_setup(struct bench_ctx *b)
{
	b->nodes = kvcalloc(b->t->slots, sizeof(*b->nodes), GFP_KERNEL);
	if (!b->nodes)
		return -ENOMEM;
	drm_mm_init(&b->mm, BENCH_BASE, b->t->size);
	return 0;
}

static void dm_teardown(struct bench_ctx *b)
{
	u32 slot;

	if (!b->nodes)
		return;
	for (slot = 0; slot < b->t->slots; slot++)
		if (drm_mm_node_allocated(&b->nodes[slot]))
			drm_mm_remove_node(&b->nodes[slot]);
	drm_mm_takedown(&b->mm);
	kvfree(b->nodes);
}

static int dm_alloc(struct bench_ctx *b, u32 slot, size_t size, u64 align,
		    u64 *addr)
{
	struct drm_mm_node *node = &b->nodes[slot];

	memset(node, 0, sizeof(*node));
	if (drm_mm_insert_node_in_range(&b->mm, node, size, align, 0, 0,
					U64_MAX, DRM_MM_INSERT_BEST))
		return -ENOMEM;
	*addr = node->start;
	return 0;
}

static void dm_free(struct bench_ctx *b, u32 slot)
{
	drm_mm_remove_node(&b->nodes[slot]);
}

static u64 dm_largest_hole(struct bench_ctx *b)
{
	u64 hole_start, hole_end, max = 0;
	struct drm_mm_node *hole;

	drm_mm_for_each_hole(hole, &b->mm, hole_start, hole_end)
		max = max(max, hole_end - hole_start);
	return max;
}

static size_t dm_meta(struct bench_ctx *b, unsigned int live)
{
	return sizeof(struct drm_mm_node);
}
#endif

/* The floor: one rbtree insert or erase per operation. */

static int fl_setup(struct bench_ctx *b)
{
	b->root = RB_ROOT;
	b->fnodes = kvcalloc(b->t->slots, sizeof(*b->fnodes), GFP_KERNEL);
	return b->fnodes ? 0 : -ENOMEM;
}

static void fl_teardown(struct bench_ctx *b)
{
	kvfree(b->fnodes);
}

static int fl_alloc(struct bench_ctx *b, u32 slot, size_t size, u64 align,
		    u64 *addr)
{
	struct rb_node **link = &b->root.rb_node, *parent = NULL;
	struct bench_fnode *n = &b->fnodes[slot];

	/* Keyed like a size tree: by size, then by slot. */
	n->key = ((u64)size << 20) | slot;
	while (*link) {
		parent = *link;
		link = n->key < rb_entry(parent, struct bench_fnode, node)->key ?
		       &parent->rb_left : &parent->rb_right;
	}
	rb_link_node(&n->node, parent, link);
	rb_insert_color(&n->node, &b->root);
	/* No address: it places nothing. */
	*addr = BENCH_BASE;
	return 0;
}

static void fl_free(struct bench_ctx *b, u32 slot)
{
	rb_erase(&b->fnodes[slot].node, &b->root);
}

static size_t fl_meta(struct bench_ctx *b, unsigned int live)
{
	return sizeof(struct bench_fnode);
}

/*
 * Upstream CMA on its default area: built in only (mm/cma.c exports
 * nothing), and only for the traces made for it.
 */
#if IS_BUILTIN(CONFIG_CMA_REGIONS_BENCH) && IS_ENABLED(CONFIG_DMA_CMA)
/* The size of the default area, 0 if there is none. */
static u64 bench_cma_size(void)
{
	struct cma *cma = dev_get_cma_area(NULL);

	return cma ? cma_get_size(cma) : 0;
}

static int cma_setup(struct bench_ctx *b)
{
	if (!b->t->cma)
		return -EOPNOTSUPP;
	b->cma = dev_get_cma_area(NULL);
	if (!b->cma || cma_get_size(b->cma) < b->t->size)
		return -EOPNOTSUPP;
	b->cpages = kvcalloc(b->t->slots, sizeof(*b->cpages), GFP_KERNEL);
	return b->cpages ? 0 : -ENOMEM;
}

static void cma_teardown(struct bench_ctx *b)
{
	kvfree(b->cpages);
}

static int cma_alloc_op(struct bench_ctx *b, u32 slot, size_t size, u64 align,
			u64 *addr)
{
	struct page *page = cma_alloc(b->cma, size >> PAGE_SHIFT,
				      ilog2(align >> PAGE_SHIFT), true);

	if (!page)
		return -ENOMEM;
	b->cpages[slot] = page;
	*addr = page_to_phys(page);
	return 0;
}

static void cma_free_op(struct bench_ctx *b, u32 slot)
{
	cma_release(b->cma, b->cpages[slot], b->pages[slot]);
}

static size_t cma_meta(struct bench_ctx *b, unsigned int live)
{
	/* The bitmap, one bit per page of the area, spread over the chunks. */
	return BITS_TO_LONGS(cma_get_size(b->cma) >> PAGE_SHIFT) *
	       sizeof(long) / max(live, 1U);
}
#else
static u64 bench_cma_size(void)
{
	return 0;
}
#endif

static const struct bench_ops bench_allocators[] = {
	{ "bf", bf_setup, bf_teardown, bf_alloc, bf_free,
	  bf_largest_hole, bf_meta },
	{ "bf-handle", bf_setup, bf_teardown, bf_handle_alloc, bf_handle_free,
	  bf_largest_hole, bf_meta },
	{ "bf-api", bf_setup, bf_teardown, bf_api_alloc, bf_api_free,
	  bf_largest_hole, bf_meta },
	{ "gp-best", gp_best_setup, gp_teardown, gp_alloc, gp_free,
	  gp_largest_hole, gp_meta },
	{ "gp-order", gp_order_setup, gp_teardown, gp_alloc, gp_free,
	  gp_largest_hole, gp_meta },
#if IS_REACHABLE(CONFIG_DRM)
	{ "drm_mm", dm_setup, dm_teardown, dm_alloc, dm_free,
	  dm_largest_hole, dm_meta },
#endif
#if IS_BUILTIN(CONFIG_CMA_REGIONS_BENCH) && IS_ENABLED(CONFIG_DMA_CMA)
	{ "cma", cma_setup, cma_teardown, cma_alloc_op, cma_free_op, NULL,
	  cma_meta },
#endif
	{ "floor", fl_setup, fl_teardown, fl_alloc, fl_free, NULL,
	  fl_meta },
};

struct bench_result {
	u64 ns;			/* timed part, in total */
	unsigned int timed;	/* timed operations */
	u32 p50, p99, max;	/* per operation, ns */
	unsigned int failures;
	unsigned int misaligned;
	u64 bytes;		/* allocated, in total */
	u64 largest_hole;
	u64 free;
	size_t meta;
};

static int bench_cmp_u32(const void *a, const void *b)
{
	u32 x = *(const u32 *)a, y = *(const u32 *)b;

	return x < y ? -1 : x > y;
}

static int bench_run(struct kunit *test, const struct bench_trace *t,
		     const struct bench_ops *ops, struct bench_result *r,
		     u32 *lat)
{
	struct bench_ctx b = { .t = t };
	unsigned int i, live = 0, nlat = 0;
	u64 used = 0, t0 = 0;
	int ret;

	memset(r, 0, sizeof(*r));
	b.pages = kvcalloc(t->slots, sizeof(*b.pages), GFP_KERNEL);
	if (!b.pages)
		return -ENOMEM;
	ret = ops->setup(&b);
	if (ret)
		goto out;

	for (i = 0; i < t->nr_ops; i++) {
		const struct bench_op *op = &t->ops[i];
		size_t size = (size_t)op->pages << PAGE_SHIFT;
		u64 align = PAGE_SIZE << op->align_order;
		u64 start = ktime_get_ns(), d, addr = 0;

		if (i == t->timed_from)
			t0 = start;
		if (!op->pages) {
			if (!b.pages[op->slot])
				continue;
			ops->free(&b, op->slot);
			used -= (u64)b.pages[op->slot] << PAGE_SHIFT;
			b.pages[op->slot] = 0;
			live--;
		} else if (!ops->alloc(&b, op->slot, size, align, &addr)) {
			b.pages[op->slot] = op->pages;
			r->bytes += size;
			used += size;
			live++;
		} else {
			r->failures++;
		}
		d = ktime_get_ns() - start;
		/* Outside the timing; the chunk stays, as the caller got it. */
		if (b.pages[op->slot] && op->pages && !IS_ALIGNED(addr, align))
			r->misaligned++;
		if (i >= t->timed_from)
			lat[nlat++] = min_t(u64, d, U32_MAX);
	}
	r->ns = ktime_get_ns() - t0;
	r->timed = nlat;
	sort(lat, nlat, sizeof(*lat), bench_cmp_u32, NULL);
	if (nlat) {
		r->p50 = lat[nlat / 2];
		r->p99 = lat[nlat * 99 / 100];
		r->max = lat[nlat - 1];
	}
	r->free = t->size - used;
	r->largest_hole = ops->largest_hole ? ops->largest_hole(&b) : 0;
	r->meta = ops->meta(&b, live);

	/* Free what is left, through the allocator under test. */
	for (i = 0; i < t->slots; i++)
		if (b.pages[i])
			ops->free(&b, i);
out:
	ops->teardown(&b);
	kvfree(b.pages);
	return ret;
}

/*
 * Log-uniform sizes from 1 to 256 pages; with @aligned, a third of them
 * aligned to 64 KiB or 1 MiB.
 */
static void bench_pick(struct rnd_state *rnd, struct bench_op *op,
		       bool aligned)
{
	u32 order = prandom_u32_state(rnd) % 8;
	u32 r = prandom_u32_state(rnd) % 6;

	op->pages = (1U << order) + prandom_u32_state(rnd) % (1U << order);
	op->align_order = 0;
	if (aligned && r == 4)
		op->align_order = ilog2(SZ_64K / PAGE_SIZE);
	else if (aligned && r == 5)
		op->align_order = ilog2(SZ_1M / PAGE_SIZE);
}

/*
 * Three times the mean size per chunk, or @size: every request fits as long
 * as every live chunk can sit in its own two MiB of the range, whatever its
 * alignment (the upstream CMA trace: 8 chunks in at least 16 MiB).
 */
static int bench_steady(struct bench_trace *t, unsigned int live,
			unsigned int pairs, u64 seed, u64 size)
{
	struct rnd_state rnd;
	unsigned int i, n = 0;

	t->slots = live;
	t->nr_ops = live + 2 * pairs;
	t->timed_from = live;
	t->size = size ?: (u64)live * 3 * 96 * PAGE_SIZE + SZ_16M;
	t->must_fit = true;
	t->ops = kvcalloc(t->nr_ops, sizeof(*t->ops), GFP_KERNEL);
	if (!t->ops)
		return -ENOMEM;
	prandom_seed_state(&rnd, seed);
	for (i = 0; i < live; i++) {
		t->ops[n].slot = i;
		bench_pick(&rnd, &t->ops[n++], true);
	}
	for (i = 0; i < pairs; i++) {
		u32 slot = prandom_u32_state(&rnd) % live;

		t->ops[n++] = (struct bench_op){ .slot = slot };
		t->ops[n].slot = slot;
		bench_pick(&rnd, &t->ops[n++], true);
	}
	return 0;
}

/* Allocate while below 90 % of 1 GiB as the trace sees it, else free. */
static int bench_frag(struct bench_trace *t, unsigned int nr_ops, u64 seed,
		      bool aligned)
{
	u64 target = SZ_1G / 10 * 9 / PAGE_SIZE, occupied = 0;
	unsigned int i, nlive = 0, nfree;
	u32 *live, *pages, *unused;
	struct rnd_state rnd;
	int ret = -ENOMEM;

	t->slots = 16384;
	t->nr_ops = nr_ops;
	t->timed_from = 0;
	t->size = SZ_1G;
	t->must_fit = false;
	t->ops = kvcalloc(nr_ops, sizeof(*t->ops), GFP_KERNEL);
	live = kvcalloc(t->slots, sizeof(*live), GFP_KERNEL);
	pages = kvcalloc(t->slots, sizeof(*pages), GFP_KERNEL);
	unused = kvcalloc(t->slots, sizeof(*unused), GFP_KERNEL);
	if (!t->ops || !live || !pages || !unused)
		goto out;
	for (nfree = 0; nfree < t->slots; nfree++)
		unused[nfree] = t->slots - 1 - nfree;
	prandom_seed_state(&rnd, seed);
	for (i = 0; i < nr_ops; i++) {
		struct bench_op *op = &t->ops[i];

		bench_pick(&rnd, op, aligned);
		if (nfree && occupied + op->pages <= target) {
			op->slot = unused[--nfree];
			live[nlive++] = op->slot;
			pages[op->slot] = op->pages;
			occupied += op->pages;
		} else {
			u32 j = prandom_u32_state(&rnd) % nlive;

			*op = (struct bench_op){ .slot = live[j] };
			occupied -= pages[op->slot];
			unused[nfree++] = op->slot;
			live[j] = live[--nlive];
		}
	}
	ret = 0;
out:
	kvfree(live);
	kvfree(pages);
	kvfree(unused);
	return ret;
}

static void bench_report(struct kunit *test, const struct bench_trace *t)
{
	unsigned int a, n = ARRAY_SIZE(bench_allocators);
	bool skip[ARRAY_SIZE(bench_allocators)];
	struct bench_result *res;
	u32 *lat;

	res = kunit_kcalloc(test, n, sizeof(*res), GFP_KERNEL);
	lat = kvcalloc(t->nr_ops, sizeof(*lat), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, res);
	KUNIT_ASSERT_NOT_NULL(test, lat);

	for (a = 0; a < n; a++) {
		int ret = bench_run(test, t, &bench_allocators[a], &res[a], lat);

		/* Upstream CMA only runs the traces made for its area. */
		skip[a] = ret == -EOPNOTSUPP;
		KUNIT_EXPECT_TRUE_MSG(test, !ret || skip[a], "%s: setup: %d",
				      bench_allocators[a].name, ret);
	}
	kvfree(lat);

	kunit_info(test, "cma_regions_bench: %s: %u ops, %llu MiB range\n",
		   t->name, t->nr_ops, t->size >> 20);
	kunit_info(test, "cma_regions_bench: | workload | allocator | ns/op | x bf | x floor | p50 | p99 | max | failed | misaligned | largest hole KiB | frag %% | meta B/chunk |\n");
	for (a = 0; a < n; a++) {
		const struct bench_result *r = &res[a];
		u64 per = r->timed ? div_u64(r->ns, r->timed) : 0;
		u64 bf = res[0].timed ? div_u64(res[0].ns, res[0].timed) : 1;
		u64 fl = res[n - 1].timed ?
			 div_u64(res[n - 1].ns, res[n - 1].timed) : 1;
		u64 frag = r->free ? 100 - div64_u64(r->largest_hole * 100,
						     r->free) : 0;

		if (skip[a])
			continue;
		kunit_info(test, "cma_regions_bench: | %s | %s | %llu | %llu.%02llu | %llu.%02llu | %u | %u | %u | %u | %u | %llu | %llu | %zu |\n",
			   t->name, bench_allocators[a].name, per,
			   div64_u64(per * 100, max(bf, 1ULL)) / 100,
			   div64_u64(per * 100, max(bf, 1ULL)) % 100,
			   div64_u64(per * 100, max(fl, 1ULL)) / 100,
			   div64_u64(per * 100, max(fl, 1ULL)) % 100,
			   r->p50, r->p99, r->max, r->failures,
			   r->misaligned, r->largest_hole >> 10,
			   bench_allocators[a].largest_hole ? frag : 0,
			   r->meta);
	}

	for (a = 0; a < n; a++) {
		const char *name = bench_allocators[a].name;

		if (skip[a])
			continue;
		/* Only gen_pool ignores the requested alignment. */
		if (strncmp(name, "gp-", 3))
			KUNIT_EXPECT_EQ_MSG(test, res[a].misaligned, 0, "%s",
					    name);
		/*
		 * Where every request fits, every allocator does the same
		 * work; upstream CMA's may find pages it cannot migrate.
		 */
		if (!t->must_fit)
			continue;
		if (!strcmp(name, "cma")) {
			KUNIT_EXPECT_GT_MSG(test, res[a].bytes, 0, "%s", name);
			continue;
		}
		KUNIT_EXPECT_EQ_MSG(test, res[a].failures, 0, "%s", name);
		KUNIT_EXPECT_EQ_MSG(test, res[a].bytes, res[0].bytes, "%s",
				    name);
	}
	/* The three best-fit variants make the same decisions. */
	for (a = 1; a <= 2; a++) {
		KUNIT_EXPECT_EQ(test, res[a].failures, res[0].failures);
		KUNIT_EXPECT_EQ(test, res[a].bytes, res[0].bytes);
	}
}

#define BENCH_ROUNDS_MAX	31

static int bench_cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/*
 * What the core adds to the bare allocator, with the noise of one run
 * divided out: bf and bf-api (allocators 0 and 2) in turn, @tracecost
 * rounds, and the median ns/op of each.  The trace events' cost is this
 * ratio with them compiled in (enabled or not) over it without them.
 */
static void bench_tracecost(struct kunit *test, const struct bench_trace *t)
{
	unsigned int rounds = min(tracecost, BENCH_ROUNDS_MAX), r, k;
	struct bench_result res;
	u64 (*ns)[BENCH_ROUNDS_MAX];
	u32 *lat;

	ns = kunit_kcalloc(test, 2, sizeof(*ns), GFP_KERNEL);
	lat = kvcalloc(t->nr_ops, sizeof(*lat), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ns);
	KUNIT_ASSERT_NOT_NULL(test, lat);
	for (r = 0; r < rounds; r++) {
		for (k = 0; k < 2; k++) {
			memset(&res, 0, sizeof(res));
			KUNIT_ASSERT_EQ(test, bench_run(test, t,
							&bench_allocators[2 * k],
							&res, lat), 0);
			ns[k][r] = div_u64(res.ns, max(res.timed, 1U));
		}
	}
	kvfree(lat);
	for (k = 0; k < 2; k++)
		sort(ns[k], rounds, sizeof(u64), bench_cmp_u64, NULL);
	kunit_info(test, "cma_regions_bench: tracecost | %s | %u | %llu | %llu |\n",
		   t->name, rounds, ns[0][rounds / 2], ns[1][rounds / 2]);
}

struct bench_case {
	const char *desc;
	unsigned int live;		/* 0: fragmentation run */
	bool aligned;
	unsigned int smoke_ops;
	unsigned int full_ops;
	bool cma;			/* in a range the size of CMA's area */
};

/*
 * gen_pool_best_fit() cannot honour an alignment, so the fragmentation run
 * comes twice: with the mixed alignments, and page-aligned only, where
 * every allocator faces the same constraints.
 */
static const struct bench_case bench_cases[] = {
	{ "steady 1k", 1024, true, 2000, 100000 },
	{ "steady 16k", 16384, true, 0, 100000 },
	{ "steady 64k", 65536, true, 0, 100000 },
	{ "fragmentation", 0, true, 20000, 1000000 },
	{ "fragmentation, page-aligned", 0, false, 20000, 1000000 },
	{ "steady 8, upstream CMA area", 8, true, 400, 20000, true },
};

KUNIT_ARRAY_PARAM_DESC(bench, bench_cases, desc);

static void cma_regions_bench_trace(struct kunit *test)
{
	const struct bench_case *c = test->param_value;
	unsigned int ops = full ? c->full_ops : c->smoke_ops;
	struct bench_trace t = { .name = c->desc, .cma = c->cma };
	u64 size = c->cma ? bench_cma_size() : 0;
	int ret;

	if (!ops)
		kunit_skip(test, "full run only (cma_regions_bench.full=1)");
	if (c->cma && size < SZ_16M)
		kunit_skip(test, "no upstream CMA area of 16 MiB (boot with cma=32M)");
	if (c->cma && full && tracecost)
		kunit_skip(test, "the trace events' cost: bf and bf-api only");
	if (c->live)
		ret = bench_steady(&t, c->live, ops / 2, 0x5eed + c->live,
				   size);
	else
		ret = bench_frag(&t, ops, 0xf2a6, c->aligned);
	KUNIT_ASSERT_EQ(test, ret, 0);
	if (full && tracecost)
		bench_tracecost(test, &t);
	else
		bench_report(test, &t);
	kvfree(t.ops);
}

#define BENCH_PAR_LIVE	64

struct bench_worker {
	const char *dev;		/* the device name the map knows */
	unsigned int nr;		/* alloc/free pairs */
	u64 seed;
	struct completion *go;
	struct completion done;
	u64 ns;
	int err;
};

static int bench_worker_fn(void *arg)
{
	struct bench_worker *w = arg;
	struct cma_chunk *live[BENCH_PAR_LIVE] = {};
	struct rnd_state rnd;
	unsigned int i;
	u64 t0;

	prandom_seed_state(&rnd, w->seed);
	wait_for_completion(w->go);
	t0 = ktime_get_ns();
	for (i = 0; i < w->nr && !w->err; i++) {
		struct cma_chunk **slot = &live[i % BENCH_PAR_LIVE];
		/* Log-uniform, 1 to 255 pages, as the traces'. */
		u32 order = prandom_u32_state(&rnd) % 8;
		size_t pages = (1U << order) +
			       prandom_u32_state(&rnd) % (1U << order);

		cma_free(*slot);
		*slot = cma_alloc_for_name(w->dev, NULL, pages << PAGE_SHIFT,
					   0);
		if (IS_ERR(*slot)) {
			w->err = PTR_ERR(*slot);
			*slot = NULL;
		}
	}
	w->ns = ktime_get_ns() - t0;
	for (i = 0; i < BENCH_PAR_LIVE; i++)
		cma_free(live[i]);
	complete(&w->done);
	return 0;
}

/* Runs a worker per name of @devs, on @cpus; returns the wall time. */
static u64 bench_parallel_run(struct kunit *test, const unsigned int *cpus,
			      const char *const *devs, unsigned int n,
			      unsigned int nr)
{
	struct task_struct *tsk[2];
	struct bench_worker w[2];
	DECLARE_COMPLETION_ONSTACK(go);
	unsigned int i;
	u64 wall = 0;

	for (i = 0; i < n; i++) {
		w[i] = (struct bench_worker){ .dev = devs[i], .nr = nr,
					      .seed = 0x9a7 + i, .go = &go };
		init_completion(&w[i].done);
		tsk[i] = kthread_create(bench_worker_fn, &w[i], "cma_bench/%u",
					i);
		if (IS_ERR(tsk[i])) {
			KUNIT_FAIL(test, "kthread_create: %pe", tsk[i]);
			/* Never woken, the others never run their function. */
			while (i--)
				kthread_stop(tsk[i]);
			return 0;
		}
		kthread_bind(tsk[i], cpus[i]);
	}
	for (i = 0; i < n; i++)
		wake_up_process(tsk[i]);
	complete_all(&go);
	for (i = 0; i < n; i++) {
		wait_for_completion(&w[i].done);
		KUNIT_EXPECT_EQ_MSG(test, w[i].err, 0, "%s", w[i].dev);
		wall = max(wall, w[i].ns);
	}
	return wall;
}

static void cma_regions_bench_parallel(struct kunit *test)
{
	static const char *const one[] = { "bench-a0" };
	static const char *const two[] = { "bench-a0", "bench-b1" };
	static const char *const same[] = { "bench-a0", "bench-a1" };
	static const struct {
		const char *desc;
		const char *const *devs;
		unsigned int n;
	} runs[] = {
		{ "1 thread, 1 region", one, 1 },
		{ "2 threads, 2 regions", two, 2 },
		{ "2 threads, 1 region", same, 2 },
	};
	struct cma_region *regs;
	unsigned int nr = full ? 200000 : 5000, i, cpus[2];
	u64 base = 0;
	char *saved;
	int ret;

	cpus[0] = cpumask_first(cpu_online_mask);
	cpus[1] = cpumask_next(cpus[0], cpu_online_mask);
	if (cpus[1] >= nr_cpu_ids)
		kunit_skip(test, "needs two CPUs");
	saved = kunit_kzalloc(test, CMA_MAP_MAX + 1, GFP_KERNEL);
	regs = kunit_kcalloc(test, 2, sizeof(*regs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, saved);
	KUNIT_ASSERT_NOT_NULL(test, regs);
	regs[0] = (struct cma_region){ .name = "bench-ra", .start = BENCH_BASE,
				       .size = SZ_256M, .alloc_name = "bf" };
	regs[1] = (struct cma_region){ .name = "bench-rb",
				       .start = BENCH_BASE + SZ_1G,
				       .size = SZ_256M, .alloc_name = "bf" };
	KUNIT_ASSERT_EQ(test, cma_region_register(&regs[0]), 0);
	ret = cma_region_register(&regs[1]);
	if (ret)
		goto out_a;
	cma_map_print(saved, CMA_MAP_MAX + 1);
	ret = cma_map_replace("bench-a?=bench-ra;bench-b?=bench-rb");
	if (ret)
		goto out_b;

	kunit_info(test, "cma_regions_bench: parallel: %u alloc/free pairs per thread, %u live, through the map\n",
		   nr, BENCH_PAR_LIVE);
	kunit_info(test, "cma_regions_bench: | run | ns/pair per thread | pairs/s | x one thread |\n");
	for (i = 0; i < ARRAY_SIZE(runs); i++) {
		u64 wall = bench_parallel_run(test, cpus, runs[i].devs,
					      runs[i].n, nr);
		u64 rate = div64_u64((u64)nr * runs[i].n * NSEC_PER_SEC,
				     max(wall, 1ULL));

		if (!i)
			base = max(rate, 1ULL);
		kunit_info(test, "cma_regions_bench: | %s | %llu | %llu | %llu.%02llu |\n",
			   runs[i].desc, div_u64(wall, nr), rate,
			   div64_u64(rate * 100, base) / 100,
			   div64_u64(rate * 100, base) % 100);
	}
	KUNIT_EXPECT_EQ(test, cma_map_replace(saved), 0);
out_b:
	cma_region_unregister(&regs[1]);
out_a:
	cma_region_unregister(&regs[0]);
	KUNIT_EXPECT_EQ(test, ret, 0);
}

static struct kunit_case bench_kunit_cases[] = {
	KUNIT_CASE_PARAM(cma_regions_bench_trace, bench_gen_params),
	KUNIT_CASE(cma_regions_bench_parallel),
	{}
};

static struct kunit_suite bench_suite = {
	.name = "cma_regions_bench",
	.test_cases = bench_kunit_cases,
};

kunit_test_suites(&bench_suite);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
MODULE_DESCRIPTION("Benchmark of contiguous memory regions allocators");
MODULE_LICENSE("GPL");
