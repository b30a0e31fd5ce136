// SPDX-License-Identifier: GPL-2.0
/*
 * Contiguous memory regions: the best-fit allocator.
 *
 * Copyright (C) 2026 The CMA regions developers
 */

/**
 * DOC: Best-fit allocator
 *
 * The "bf" allocator keeps the free space of a region as a set of holes, in
 * two red-black trees: by start address, to find a freed chunk's neighbours,
 * and by (size, start), to find the smallest hole that fits a request.
 *
 * Allocation takes the smallest hole that can hold the request at its first
 * suitably aligned address.  For page-aligned requests that is exact best
 * fit.  For larger alignments a hole only slightly larger than the request
 * may not fit at its address: the allocator examines at most
 * %CMA_BF_SCAN such holes in increasing size, then takes the smallest hole
 * that fits whatever its address (one at least alignment - PAGE_SIZE bytes
 * larger than the request) if there is one, and otherwise searches all the
 * smaller holes.  An allocation therefore fails only when no hole can hold
 * it.  The space skipped to align the chunk stays a hole, and so does
 * the rest of the hole behind it.
 *
 * Freeing coalesces the chunk with the holes on either side, so two holes
 * are never adjacent and a region with no chunks is a single hole.
 *
 * Complexity: allocation and free take O(log n) time in the number n of
 * holes, which is at most one more than the number of live chunks.  The
 * exception is an aligned request that no hole fits for sure, where every
 * hole between the request's size and that size plus the alignment is a
 * candidate.  Such a request examines the candidates in increasing size
 * for as long as looking up the holes at the region's A aligned addresses
 * would take (A (log2 n + 1) steps), then looks them up, skipping to the
 * first aligned address past each hole found: at most twice the cheaper of
 * the two ways, and O(min(A, n) log n) at worst.  An alignment that leaves
 * at most %CMA_BF_SCAN aligned addresses in the region is looked up at
 * once.  Either way the chunk goes to the smallest hole that fits it, the
 * lowest of equal ones.
 *
 * Memory: a free may need a new hole structure, and must not fail, so the
 * allocator keeps spares.  Holes are separated by chunks, so with c live
 * chunks there are at most c + 1 holes, and a sequence of k frees can
 * leave at most min(h + k, c - k + 1) holes where there are h now: at most
 * (h + c + 1) / 2.  The allocator therefore holds exactly
 * DIV_ROUND_UP(h + c + 1, 2) hole structures, holes and spares together:
 * allocation takes the one it may need first, so free never allocates and
 * cannot fail, and both give back what is beyond that number.  That is
 * between half a structure and one structure per live chunk, where the
 * chunk's own eventual hole would cost one.
 *
 * Locking: the core calls every operation under the region's lock, which
 * guards the trees and the spare list; the allocator takes no lock itself.
 */

#define pr_fmt(fmt) "cma_regions: bf: " fmt

#include <kunit/visibility.h>
#include <linux/align.h>
#include <linux/cma_regions.h>
#include <linux/init.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/rbtree.h>
#include <linux/slab.h>

#include "internal.h"

/* Holes that may be too small for an aligned request, examined at most. */
#define CMA_BF_SCAN	16

/**
 * struct cma_bf_hole - a range of free space, or a spare
 * @by_start:	Node in &cma_bf.by_start.
 * @by_size:	Node in &cma_bf.by_size.
 * @next_spare:	Next unused structure, while on &cma_bf.spare.
 * @start:	Physical start address.
 * @size:	Size in bytes.
 */
struct cma_bf_hole {
	struct rb_node by_start;
	union {
		struct rb_node by_size;
		struct cma_bf_hole *next_spare;
	};
	phys_addr_t start;
	phys_addr_t size;
};

/**
 * struct cma_bf - a region's free space; guarded by the region's lock
 * @by_start:	Holes by start address.
 * @by_size:	Holes by size, then start address.
 * @spare:	Unused hole structures.
 * @holes:	Number of holes.
 * @spares:	Number of structures on @spare.
 * @chunks:	Number of live chunks.
 */
struct cma_bf {
	struct rb_root by_start;
	struct rb_root by_size;
	struct cma_bf_hole *spare;
	unsigned long holes;
	unsigned long spares;
	unsigned long chunks;
};

static struct kmem_cache *cma_bf_cache;

static void cma_bf_push_spare(struct cma_bf *bf, struct cma_bf_hole *hole)
{
	hole->next_spare = bf->spare;
	bf->spare = hole;
	bf->spares++;
}

static struct cma_bf_hole *cma_bf_pop_spare(struct cma_bf *bf)
{
	struct cma_bf_hole *hole = bf->spare;

	if (hole) {
		bf->spare = hole->next_spare;
		bf->spares--;
	}
	return hole;
}

/* The hole structures to hold with @holes holes and @chunks live chunks. */
static unsigned long cma_bf_needed(unsigned long holes, unsigned long chunks)
{
	return DIV_ROUND_UP(holes + chunks + 1, 2);
}

/* Give back the structures beyond what the current state needs. */
static void cma_bf_trim(struct cma_bf *bf)
{
	unsigned long need = cma_bf_needed(bf->holes, bf->chunks);

	/* Never more holes than that while holes lie between chunks. */
	while (bf->holes + bf->spares > need && bf->spare)
		kmem_cache_free(cma_bf_cache, cma_bf_pop_spare(bf));
}

static void cma_bf_insert_by_start(struct cma_bf *bf, struct cma_bf_hole *hole)
{
	struct rb_node **link = &bf->by_start.rb_node, *parent = NULL;

	while (*link) {
		struct cma_bf_hole *h = rb_entry(*link, struct cma_bf_hole,
						 by_start);

		parent = *link;
		link = hole->start < h->start ? &parent->rb_left :
						&parent->rb_right;
	}
	rb_link_node(&hole->by_start, parent, link);
	rb_insert_color(&hole->by_start, &bf->by_start);
}

static void cma_bf_insert_by_size(struct cma_bf *bf, struct cma_bf_hole *hole)
{
	struct rb_node **link = &bf->by_size.rb_node, *parent = NULL;

	while (*link) {
		struct cma_bf_hole *h = rb_entry(*link, struct cma_bf_hole,
						 by_size);

		parent = *link;
		if (hole->size < h->size ||
		    (hole->size == h->size && hole->start < h->start))
			link = &parent->rb_left;
		else
			link = &parent->rb_right;
	}
	rb_link_node(&hole->by_size, parent, link);
	rb_insert_color(&hole->by_size, &bf->by_size);
}

/* The smallest hole of at least @size bytes. */
static struct cma_bf_hole *cma_bf_lower_bound(struct cma_bf *bf,
					      phys_addr_t size)
{
	struct rb_node *node = bf->by_size.rb_node;
	struct cma_bf_hole *best = NULL;

	while (node) {
		struct cma_bf_hole *h = rb_entry(node, struct cma_bf_hole,
						 by_size);

		if (h->size >= size) {
			best = h;
			node = node->rb_left;
		} else {
			node = node->rb_right;
		}
	}
	return best;
}

static bool cma_bf_fits(const struct cma_bf_hole *hole, size_t size,
			phys_addr_t alignment)
{
	phys_addr_t head = ALIGN(hole->start, alignment) - hole->start;

	return head <= hole->size && hole->size - head >= size;
}

/* The last hole starting at or below @addr, or NULL. */
static struct cma_bf_hole *cma_bf_hole_floor(struct cma_bf *bf,
					     phys_addr_t addr)
{
	struct rb_node *node = bf->by_start.rb_node;
	struct cma_bf_hole *found = NULL;

	while (node) {
		struct cma_bf_hole *h = rb_entry(node, struct cma_bf_hole,
						 by_start);

		if (h->start <= addr) {
			found = h;
			node = node->rb_right;
		} else {
			node = node->rb_left;
		}
	}
	return found;
}

/*
 * The smallest hole that fits a chunk at one of the region's aligned
 * addresses, the lowest of equal ones, found by looking up the hole at an
 * aligned address and going on from the first aligned address past it, or
 * in the next hole: O(min(A, n) log n) for A aligned addresses.  Returns
 * false, and leaves @best alone, if there are more than @max of them.
 */
static bool cma_bf_find_by_address(struct cma_bf *bf, struct cma_region *reg,
				   size_t size, phys_addr_t alignment,
				   unsigned long max, struct cma_bf_hole **best)
{
	phys_addr_t addr = ALIGN(reg->start, alignment);
	phys_addr_t last = reg->start + (reg->size - 1);

	/* ALIGN() wrapped: no aligned address in the region. */
	if (addr < reg->start || addr > last) {
		*best = NULL;
		return true;
	}
	if ((last - addr) >> __ffs64(alignment) >= max)
		return false;
	*best = NULL;
	for (;;) {
		struct cma_bf_hole *h = cma_bf_hole_floor(bf, addr);
		struct rb_node *node;

		if (!h || addr - h->start > h->size - 1) {
			/* @addr is in a chunk: on to the next hole. */
			node = h ? rb_next(&h->by_start) : rb_first(&bf->by_start);
			if (!node)
				break;
			h = rb_entry(node, struct cma_bf_hole, by_start);
			addr = ALIGN(h->start, alignment);
			/* Wrapped, or past the region. */
			if (addr < h->start || addr > last)
				break;
			continue;
		}
		/* Fits at its first aligned address, or nowhere. */
		if (cma_bf_fits(h, size, alignment) &&
		    (!*best || h->size < (*best)->size))
			*best = h;
		/* On from the last aligned address inside @h. */
		addr = h->start + (h->size - 1);
		addr -= addr & (alignment - 1);
		/* The region may end at the top of the address space. */
		if (last - addr < alignment)
			break;
		addr += alignment;
	}
	return true;
}

static struct cma_bf_hole *cma_bf_find(struct cma_bf *bf,
				       struct cma_region *reg, size_t size,
				       phys_addr_t alignment)
{
	struct cma_bf_hole *hole, *sure = NULL;
	unsigned long i, budget;

	/*
	 * So few aligned addresses that looking each up is cheap: exact, and
	 * no walk under the region's lock, for an alignment anyone may ask for.
	 */
	if (alignment > PAGE_SIZE &&
	    cma_bf_find_by_address(bf, reg, size, alignment, CMA_BF_SCAN, &hole))
		return hole;

	hole = cma_bf_lower_bound(bf, size);
	if (!hole)
		return NULL;

	/* Any hole this large fits, wherever it starts. */
	if (alignment - PAGE_SIZE <= PHYS_ADDR_MAX - size)
		sure = cma_bf_lower_bound(bf, size + (alignment - PAGE_SIZE));

	/*
	 * Without a sure hole every hole from @hole up is a candidate: walk
	 * them for as long as looking up the aligned addresses would take.
	 */
	if (sure) {
		budget = CMA_BF_SCAN;
	} else {
		unsigned long steps = ilog2(bf->holes) + 1;
		u64 addrs = ((reg->size - 1) >> __ffs64(alignment)) + 1;

		budget = min_t(u64, addrs, ULONG_MAX / steps) * steps;
	}
	for (i = 0; hole; i++) {
		struct rb_node *next;

		if (hole == sure || cma_bf_fits(hole, size, alignment))
			return hole;
		if (i >= budget) {
			if (sure)
				return sure;
			cma_bf_find_by_address(bf, reg, size, alignment,
					       ULONG_MAX, &hole);
			return hole;
		}
		next = rb_next(&hole->by_size);
		hole = next ? rb_entry(next, struct cma_bf_hole, by_size) : NULL;
	}
	return NULL;
}

static int cma_bf_alloc(struct cma_region *reg, struct cma_chunk *chunk,
			phys_addr_t alignment)
{
	struct cma_bf *bf = reg->private_data;
	struct cma_bf_hole *hole, *tail;
	phys_addr_t start, last, hole_last;
	unsigned long holes;
	bool rest;

	hole = cma_bf_find(bf, reg, chunk->size, alignment);
	if (!hole)
		return -ENOMEM;
	/* Last addresses: a region may end at the top of the address space. */
	start = ALIGN(hole->start, alignment);
	last = start + (chunk->size - 1);
	hole_last = hole->start + (hole->size - 1);
	rest = last < hole_last;

	/*
	 * The holes left once the chunk is cut out, and the structures that
	 * state needs: at most one more than now, taken before anything
	 * changes.
	 */
	holes = bf->holes - 1 + (start > hole->start) + rest;
	if (bf->holes + bf->spares < cma_bf_needed(holes, bf->chunks + 1)) {
		tail = kmem_cache_alloc(cma_bf_cache, GFP_KERNEL);
		if (!tail)
			return -ENOMEM;
		cma_bf_push_spare(bf, tail);
	}

	rb_erase(&hole->by_size, &bf->by_size);

	if (rest) {
		/* Keep the rest behind the chunk. */
		if (start > hole->start) {
			tail = cma_bf_pop_spare(bf);
			tail->start = last + 1;
			tail->size = hole_last - last;
			cma_bf_insert_by_start(bf, tail);
			cma_bf_insert_by_size(bf, tail);
		} else {
			hole->size -= chunk->size;
			hole->start = last + 1;
		}
	}
	if (start > hole->start) {
		/* Keep the space skipped for alignment. */
		hole->size = start - hole->start;
		cma_bf_insert_by_size(bf, hole);
	} else if (rest) {
		cma_bf_insert_by_size(bf, hole);
	} else {
		rb_erase(&hole->by_start, &bf->by_start);
		cma_bf_push_spare(bf, hole);
	}
	bf->holes = holes;
	bf->chunks++;
	cma_bf_trim(bf);

	chunk->start = start;
	return 0;
}

static void cma_bf_free(struct cma_region *reg, struct cma_chunk *chunk)
{
	struct cma_bf_hole *prev = NULL, *next = NULL, *hole;
	phys_addr_t start = chunk->start, last = start + (chunk->size - 1);
	struct cma_bf *bf = reg->private_data;
	struct rb_node *node = bf->by_start.rb_node;

	while (node) {
		struct cma_bf_hole *h = rb_entry(node, struct cma_bf_hole,
						 by_start);

		if (h->start < start) {
			prev = h;
			node = node->rb_right;
		} else {
			next = h;
			node = node->rb_left;
		}
	}
	/* A chunk overlapping free space means the core lost track. */
	if (WARN_ON_ONCE((prev && prev->start + (prev->size - 1) >= start) ||
			 (next && next->start <= last)))
		return;

	if (prev && prev->start + prev->size == start) {
		rb_erase(&prev->by_size, &bf->by_size);
		prev->size += chunk->size;
		if (next && next->start - 1 == last) {
			prev->size += next->size;
			rb_erase(&next->by_size, &bf->by_size);
			rb_erase(&next->by_start, &bf->by_start);
			cma_bf_push_spare(bf, next);
			bf->holes--;
		}
		cma_bf_insert_by_size(bf, prev);
	} else if (next && next->start - 1 == last) {
		rb_erase(&next->by_size, &bf->by_size);
		next->start = start;
		next->size += chunk->size;
		cma_bf_insert_by_size(bf, next);
	} else {
		/* There is a spare: see "Memory" above. */
		hole = cma_bf_pop_spare(bf);
		if (WARN_ON_ONCE(!hole))
			return;
		hole->start = start;
		hole->size = chunk->size;
		cma_bf_insert_by_start(bf, hole);
		cma_bf_insert_by_size(bf, hole);
		bf->holes++;
	}
	bf->chunks--;
	cma_bf_trim(bf);
}

static void cma_bf_cleanup(struct cma_region *reg)
{
	struct cma_bf *bf = reg->private_data;
	struct cma_bf_hole *hole, *n;

	rbtree_postorder_for_each_entry_safe(hole, n, &bf->by_start, by_start)
		kmem_cache_free(cma_bf_cache, hole);
	while ((hole = cma_bf_pop_spare(bf)))
		kmem_cache_free(cma_bf_cache, hole);
	kfree(bf);
	reg->private_data = NULL;
}

static int cma_bf_init(struct cma_region *reg)
{
	struct cma_bf_hole *hole;
	struct cma_bf *bf;

	bf = kzalloc(sizeof(*bf), GFP_KERNEL);
	if (!bf)
		return -ENOMEM;
	hole = kmem_cache_alloc(cma_bf_cache, GFP_KERNEL);
	if (!hole) {
		kfree(bf);
		return -ENOMEM;
	}
	bf->by_start = RB_ROOT;
	bf->by_size = RB_ROOT;
	hole->start = reg->start;
	hole->size = reg->size;
	cma_bf_insert_by_start(bf, hole);
	cma_bf_insert_by_size(bf, hole);
	bf->holes = 1;
	reg->private_data = bf;
	return 0;
}

#if IS_ENABLED(CONFIG_KUNIT)
/* For the KUnit suites and the benchmark, which need KUnit: not in products. */

/**
 * cma_bf_verify() - check a best-fit region's invariants
 * @reg:	A region managed by the best-fit allocator.
 * @hole:	Called for every hole in address order, or NULL.
 * @arg:	Passed to @hole.
 *
 * Checks that the holes lie inside the region in increasing, non-adjacent
 * order, that both trees hold the same holes, that the free space and the
 * number of chunks agree with the region's, and that the allocator holds
 * exactly the hole structures its free may need (DIV_ROUND_UP(holes +
 * chunks + 1, 2), see "Memory" in the allocator's description).
 *
 * Context: Process context.  Takes and releases the region's lock.
 * Return: NULL if every invariant holds, else a description of the first
 * one broken.
 */
const char *cma_bf_verify(struct cma_region *reg,
			  void (*hole)(void *arg, phys_addr_t start,
				       phys_addr_t size),
			  void *arg)
{
	struct cma_bf_hole *h, *prev = NULL, *spare;
	const char *err = NULL;
	size_t holes = 0, sized = 0, spares = 0;
	phys_addr_t free = 0;
	struct rb_node *node;
	struct cma_bf *bf;

	mutex_lock(&reg->lock);
	bf = reg->private_data;
	if (!bf) {
		err = "region has no best-fit state";
		goto out;
	}
	for (node = rb_first(&bf->by_start); node; node = rb_next(node)) {
		h = rb_entry(node, struct cma_bf_hole, by_start);
		if (!h->size || h->start < reg->start ||
		    h->start - reg->start > reg->size - h->size) {
			err = "hole outside the region";
			goto out;
		}
		if (prev && prev->start + prev->size >= h->start) {
			err = prev->start + prev->size == h->start ?
			      "adjacent holes not coalesced" :
			      "holes overlap or out of order";
			goto out;
		}
		if (hole)
			hole(arg, h->start, h->size);
		free += h->size;
		holes++;
		prev = h;
	}
	prev = NULL;
	for (node = rb_first(&bf->by_size); node; node = rb_next(node)) {
		h = rb_entry(node, struct cma_bf_hole, by_size);
		if (prev && (prev->size > h->size ||
			     (prev->size == h->size && prev->start >= h->start))) {
			err = "size tree out of order";
			goto out;
		}
		sized++;
		prev = h;
	}
	for (spare = bf->spare; spare; spare = spare->next_spare)
		spares++;
	if (sized != holes)
		err = "trees disagree on the number of holes";
	else if (holes != bf->holes || spares != bf->spares)
		err = "hole or spare count wrong";
	else if (free != reg->free_space)
		err = "free space does not add up";
	else if (bf->chunks != reg->users)
		err = "chunk count differs from the region's";
	else if (holes + spares != cma_bf_needed(holes, bf->chunks))
		err = "hole structures not (holes + chunks + 1) / 2";
out:
	mutex_unlock(&reg->lock);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(cma_bf_verify);

/**
 * cma_bf_metadata() - the memory a best-fit region's state takes
 * @reg:	A region managed by the best-fit allocator.
 *
 * Context: Process context.  Takes and releases the region's lock.
 * Return: the bytes of slab memory the allocator holds for @reg: its
 * hole structures, spares included, and its own state; 0 if @reg has no
 * best-fit state.
 */
size_t cma_bf_metadata(struct cma_region *reg)
{
	struct cma_bf *bf;
	size_t bytes = 0;

	mutex_lock(&reg->lock);
	bf = reg->private_data;
	if (bf)
		bytes = (bf->holes + bf->spares) *
			kmem_cache_size(cma_bf_cache) +
			kmalloc_size_roundup(sizeof(*bf));
	mutex_unlock(&reg->lock);
	return bytes;
}
EXPORT_SYMBOL_IF_KUNIT(cma_bf_metadata);
#endif /* CONFIG_KUNIT */

/* The holes by address; the caller holds the region's lock. */
static void cma_bf_walk_free(struct cma_region *reg,
			     void (*fn)(void *arg, phys_addr_t start,
					phys_addr_t size),
			     void *arg)
{
	struct cma_bf *bf = reg->private_data;
	struct rb_node *node;

	for (node = rb_first(&bf->by_start); node; node = rb_next(node)) {
		struct cma_bf_hole *h = rb_entry(node, struct cma_bf_hole,
						 by_start);

		fn(arg, h->start, h->size);
	}
}

/* The last hole by (size, start): O(log n). */
static phys_addr_t cma_bf_largest_free(struct cma_region *reg)
{
	struct cma_bf *bf = reg->private_data;
	struct rb_node *node = rb_last(&bf->by_size);

	return node ? rb_entry(node, struct cma_bf_hole, by_size)->size : 0;
}

static struct cma_allocator cma_bf_allocator = {
	.name		= "bf",
	.init		= cma_bf_init,
	.cleanup	= cma_bf_cleanup,
	.alloc		= cma_bf_alloc,
	.free		= cma_bf_free,
	.for_each_free	= cma_bf_walk_free,
	.largest_free	= cma_bf_largest_free,
};

static int __init cma_bf_module_init(void)
{
	int ret;

	cma_bf_cache = KMEM_CACHE(cma_bf_hole, 0);
	if (!cma_bf_cache)
		return -ENOMEM;
	ret = cma_allocator_register(&cma_bf_allocator);
	if (ret) {
		pr_err("cannot register: %d\n", ret);
		kmem_cache_destroy(cma_bf_cache);
	}
	return ret;
}
subsys_initcall(cma_bf_module_init);
