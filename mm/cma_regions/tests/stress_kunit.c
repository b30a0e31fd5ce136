// SPDX-License-Identifier: GPL-2.0
/*
 * Concurrency stress test for contiguous memory regions.
 *
 * Kthreads allocate, free, get and put chunks from named and private
 * regions, by name, by device through the map and by region, while others
 * rewrite the map, switch idle regions between allocators and register and
 * unregister regions and allocators.  Every chunk handed out is checked
 * against a bitmap of the pages owned by live chunks, so two chunks sharing
 * a page are caught the moment the second is handed out.  At the end every
 * region is idle, its free space equals its size, the best-fit trees hold
 * one hole each and the bitmaps are empty.
 *
 * The regions use fake physical ranges: nothing touches their memory.  Run
 * it on two or more CPUs (x86_64: kunit.py --qemu_args="-smp 2") with
 * lockdep and KASAN on.
 *
 * Copyright (C) 2026 The CMA regions developers
 */

#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/bitmap.h>
#include <linux/cma_regions.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/prandom.h>
#include <linux/sched/task.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include "../internal.h"

#define KS_BASE		((phys_addr_t)0xd0000000)
#define KS_REGION_SIZE	SZ_4M
#define KS_PAGES	(KS_REGION_SIZE >> PAGE_SHIFT)
#define KS_MS		2000
/*
 * The churn's rounds the run must see; a slow machine (arm under TCG, a
 * busy host) runs on for them, up to KS_MS_MAX.
 */
#define KS_CHURNS	10
#define KS_MS_MAX	20000
#define KS_WORKERS	3
#define KS_HELD		16

/* The regions under test: index 0-3 named, 4 private, 5 and 6 churned. */
enum { KS_NAMED = 4, KS_PRIV = 4, KS_TMP = 5, KS_TMP_PRIV = 6, KS_NR = 7 };

static const char * const ks_names[KS_NR] = {
	"ks-0", "ks-1", "ks-2", "ks-3", NULL, "ks-tmp", NULL
};

struct ks_state {
	struct cma_region reg[KS_NR];
	/* One bit per page owned by a live chunk; atomic bit operations. */
	unsigned long *owned[KS_NR];
	struct cma_allocator alloc_a, alloc_b;
	/* Chunk references passed from one worker to another. */
	struct cma_chunk *mailbox[4];
	atomic_t errors;
	atomic_t allocs, frees, gets, maps, switches, busy, churns;
	char first_error[128];
};

static __printf(2, 3) void ks_error(struct ks_state *s, const char *fmt, ...)
{
	va_list args;

	if (atomic_inc_return(&s->errors) != 1)
		return;
	va_start(args, fmt);
	vsnprintf(s->first_error, sizeof(s->first_error), fmt, args);
	va_end(args);
}

/*
 * Which of our regions @reg (a chunk's: the core's copy) is; by address,
 * since ks-tmp gets a new copy at every registration.
 */
static int ks_index(struct ks_state *s, struct cma_region *reg)
{
	int i;

	for (i = 0; i < KS_NR; i++)
		if (reg->start == s->reg[i].start &&
		    reg->size == s->reg[i].size)
			return i;
	return -1;
}

/*
 * Claims the pages of a new chunk; a page already owned is an overlap.
 * Returns false, after recording the error, for a chunk that is not one
 * of ours: the caller frees it at once.
 */
static bool ks_claim(struct ks_state *s, struct cma_chunk *chunk,
		     size_t size, phys_addr_t alignment)
{
	int i = ks_index(s, chunk->reg);
	unsigned long first, n;
	struct cma_region *reg;

	if (i < 0) {
		ks_error(s, "chunk from a foreign region %s",
			 chunk->reg->name ?: "(private)");
		return false;
	}
	reg = chunk->reg;
	if (chunk->size < size || chunk->start < reg->start ||
	    chunk->start - reg->start > reg->size - chunk->size ||
	    (alignment && (chunk->start & (alignment - 1)))) {
		ks_error(s, "bad chunk %pa+%zu in %d for %zu/%pa",
			 &chunk->start, chunk->size, i, size, &alignment);
		return false;
	}
	first = (chunk->start - reg->start) >> PAGE_SHIFT;
	for (n = 0; n < chunk->size >> PAGE_SHIFT; n++)
		if (test_and_set_bit(first + n, s->owned[i]))
			ks_error(s, "page %lu of region %d handed out twice",
				 first + n, i);
	return true;
}

static void ks_release(struct ks_state *s, struct cma_chunk *chunk)
{
	int i = ks_index(s, chunk->reg);
	unsigned long first, n;

	first = (chunk->start - chunk->reg->start) >> PAGE_SHIFT;
	for (n = 0; n < chunk->size >> PAGE_SHIFT; n++)
		if (!test_and_clear_bit(first + n, s->owned[i]))
			ks_error(s, "page %lu of region %d freed twice",
				 first + n, i);
	cma_free(chunk);
}

/* An error pointer from an allocation that the race may explain. */
static bool ks_alloc_error_ok(long err)
{
	return err == -ENOMEM || err == -ENOENT;
}

struct ks_worker {
	struct ks_state *s;
	struct task_struct *task;
	struct rnd_state rnd;
	unsigned int id;
};

static struct cma_chunk *ks_alloc_one(struct ks_worker *w, size_t *size,
				      phys_addr_t *alignment)
{
	struct ks_state *s = w->s;

	*size = (1 + prandom_u32_state(&w->rnd) % 16) * PAGE_SIZE;
	*alignment = prandom_u32_state(&w->rnd) % 2 ?
		     PAGE_SIZE << (prandom_u32_state(&w->rnd) % 5) : 0;
	switch (prandom_u32_state(&w->rnd) % 4) {
	case 0:
		return cma_alloc_from("ks-0,ks-1,ks-tmp", *size, *alignment);
	case 1:
		return cma_alloc_for_name("ks-dev", NULL, *size, *alignment);
	case 2:
		return cma_alloc_for_name("ks-dev", "tmp", *size, *alignment);
	default:
		return cma_alloc_from_region(&s->reg[KS_PRIV], *size,
					     *alignment);
	}
}

static int ks_worker_fn(void *data)
{
	struct ks_worker *w = data;
	struct ks_state *s = w->s;
	struct cma_chunk *held[KS_HELD] = {}, *chunk;
	phys_addr_t alignment;
	unsigned int slot;
	size_t size;
	int i;

	while (!kthread_should_stop()) {
		i = prandom_u32_state(&w->rnd) % KS_HELD;
		slot = prandom_u32_state(&w->rnd) % ARRAY_SIZE(s->mailbox);
		switch (prandom_u32_state(&w->rnd) % 4) {
		case 0:
		case 1:
			if (held[i]) {
				ks_release(s, held[i]);
				held[i] = NULL;
				atomic_inc(&s->frees);
				break;
			}
			chunk = ks_alloc_one(w, &size, &alignment);
			if (IS_ERR(chunk)) {
				if (!ks_alloc_error_ok(PTR_ERR(chunk)))
					ks_error(s, "alloc: %ld", PTR_ERR(chunk));
				break;
			}
			if (!ks_claim(s, chunk, size, alignment)) {
				cma_free(chunk);
				break;
			}
			held[i] = chunk;
			atomic_inc(&s->allocs);
			break;
		case 2:
			/* Pass a reference on; the owner may free meanwhile. */
			if (held[i] && !READ_ONCE(s->mailbox[slot])) {
				chunk = cma_chunk_get(held[i]);
				if (cmpxchg(&s->mailbox[slot], NULL, chunk))
					cma_chunk_put(chunk);
				atomic_inc(&s->gets);
			}
			break;
		default:
			chunk = xchg(&s->mailbox[slot], NULL);
			if (chunk)
				cma_chunk_put(chunk);
			break;
		}
		cond_resched();
	}
	for (i = 0; i < KS_HELD; i++)
		if (held[i])
			ks_release(s, held[i]);
	return 0;
}

/* Rewrites the map; a malformed map must change nothing. */
static int ks_map_fn(void *data)
{
	static const char * const maps[] = {
		"ks-dev/tmp=ks-tmp,ks-3;ks-dev=ks-0,ks-1",
		"ks-dev=ks-2,ks-3",
		"ks-*=ks-3,ks-2,ks-0;*=ks-1",
	};
	struct ks_worker *w = data;
	struct ks_state *s = w->s;
	char printed[128];
	unsigned int n = 0;
	int ret;

	while (!kthread_should_stop()) {
		const char *map = maps[n++ % ARRAY_SIZE(maps)];

		ret = cma_map_replace(map);
		if (ret)
			ks_error(s, "map %s: %d", map, ret);
		ret = cma_map_replace("ks-dev=ks-0;;");
		if (ret != -EINVAL)
			ks_error(s, "malformed map taken: %d", ret);
		cma_map_print(printed, sizeof(printed));
		/* Only this thread writes the map. */
		if (strcmp(strim(printed), map))
			ks_error(s, "map %s after a refused write", printed);
		atomic_inc(&s->maps);
		usleep_range(100, 200);
	}
	return 0;
}

/* Switches idle regions between allocators; busy ones must refuse. */
static int ks_switch_fn(void *data)
{
	static const char * const names[] = {
		"bf", "kunit-stress-a", "kunit-stress-b", "kunit-none"
	};
	struct ks_worker *w = data;
	struct ks_state *s = w->s;
	const char *name;
	int ret, i;

	while (!kthread_should_stop()) {
		i = 2 + prandom_u32_state(&w->rnd) % 2;
		name = names[prandom_u32_state(&w->rnd) % ARRAY_SIZE(names)];
		ret = cma_region_set_allocator(&s->reg[i], name);
		if (!ret)
			atomic_inc(&s->switches);
		else if (ret == -EBUSY)
			atomic_inc(&s->busy);
		/* kunit-stress-b comes and goes; kunit-none never exists. */
		else if (ret != -ENOENT || !strcmp(name, "bf") ||
			 !strcmp(name, "kunit-stress-a"))
			ks_error(s, "switch ks-%d to %s: %d", i, name, ret);
		usleep_range(50, 100);
	}
	return 0;
}

/* Registers and unregisters a named and a private region and allocator b. */
static int ks_churn_fn(void *data)
{
	struct ks_worker *w = data;
	struct ks_state *s = w->s;
	struct cma_region *tmp = &s->reg[KS_TMP], *priv = &s->reg[KS_TMP_PRIV];
	struct cma_chunk *chunk;
	int ret;

	while (!kthread_should_stop()) {
		ret = cma_allocator_register(&s->alloc_b);
		if (ret)
			ks_error(s, "register allocator b: %d", ret);
		/*
		 * Chunks of the last ks-tmp that workers still hold (it went
		 * while they had them) keep its memory in use until released.
		 */
		while ((ret = cma_region_register(tmp)) == -EADDRINUSE &&
		       !kthread_should_stop())
			usleep_range(50, 100);
		/* Stopped while a mailbox held one; b goes at the end. */
		if (ret == -EADDRINUSE)
			break;
		if (ret)
			ks_error(s, "register ks-tmp: %d", ret);
		ret = cma_region_register(priv);
		if (ret)
			ks_error(s, "register private: %d", ret);
		chunk = cma_alloc_from_region(priv, SZ_64K, SZ_64K);
		if (IS_ERR(chunk)) {
			ks_error(s, "private alloc: %ld", PTR_ERR(chunk));
		} else if (!ks_claim(s, chunk, SZ_64K, SZ_64K)) {
			cma_free(chunk);
			chunk = ERR_PTR(-EINVAL);
		}
		/* A driver going while its chunk lives: the chunk outlives it. */
		ret = cma_region_unregister(priv);
		if (ret)
			ks_error(s, "unregister private: %d", ret);
		if (!IS_ERR(chunk)) {
			struct cma_chunk *late;

			late = cma_alloc_from_region(priv, SZ_64K, 0);
			if (!IS_ERR(late)) {
				ks_error(s, "allocated from an unregistered region");
				cma_free(late);
			}
			ks_release(s, chunk);
		}
		usleep_range(200, 400);
		/* Workers may hold chunks of ks-tmp: they outlive it. */
		ret = cma_region_unregister(tmp);
		if (ret)
			ks_error(s, "unregister ks-tmp: %d", ret);
		/* A region may use b; it must be idle first. */
		while ((ret = cma_allocator_unregister(&s->alloc_b)) == -EBUSY &&
		       !kthread_should_stop())
			usleep_range(50, 100);
		/* Stopped while a region used b; it goes at the end. */
		if (ret == -EBUSY)
			break;
		if (ret)
			ks_error(s, "unregister allocator b: %d", ret);
		atomic_inc(&s->churns);
	}
	return 0;
}

static void ks_hole(void *arg, phys_addr_t start, phys_addr_t size)
{
	(*(unsigned int *)arg)++;
}

static void ks_stop_all(struct ks_worker *w, int n)
{
	while (n--)
		kthread_stop_put(w[n].task);
}

static void cma_regions_test_stress(struct kunit *test)
{
	static int (* const fns[])(void *) = {
		ks_worker_fn, ks_worker_fn, ks_worker_fn, ks_map_fn,
		ks_switch_fn, ks_churn_fn,
	};
	struct ks_worker *w;
	struct ks_state *s;
	struct cma_info info;
	char *saved_map;
	unsigned int holes;
	const char *err;
	int i, n, ret;

	static_assert(ARRAY_SIZE(fns) == KS_WORKERS + 3);
	if (num_online_cpus() < 2)
		kunit_skip(test, "needs two CPUs, has %u", num_online_cpus());

	s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	w = kunit_kcalloc(test, ARRAY_SIZE(fns), sizeof(*w), GFP_KERNEL);
	saved_map = kunit_kzalloc(test, CMA_MAP_MAX + 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_ASSERT_NOT_NULL(test, w);
	KUNIT_ASSERT_NOT_NULL(test, saved_map);
	for (i = 0; i < KS_NR; i++) {
		s->owned[i] = kunit_kcalloc(test, BITS_TO_LONGS(KS_PAGES),
					    sizeof(long), GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, s->owned[i]);
		s->reg[i].name = ks_names[i];
		s->reg[i].start = KS_BASE + i * KS_REGION_SIZE;
		s->reg[i].size = KS_REGION_SIZE;
		s->reg[i].alloc_name = "bf";
	}
	cma_map_print(saved_map, CMA_MAP_MAX + 1);

	for (i = 0; i < KS_TMP; i++) {
		ret = cma_region_register(&s->reg[i]);
		if (ret) {
			while (i--)
				cma_region_unregister(&s->reg[i]);
			KUNIT_FAIL_AND_ABORT(test, "register region %d: %d",
					     i, ret);
		}
	}
	/* Two allocators that are best-fit under other names. */
	s->alloc_a = *s->reg[0].core->alloc;
	s->alloc_a.name = "kunit-stress-a";
	s->alloc_b = *s->reg[0].core->alloc;
	s->alloc_b.name = "kunit-stress-b";
	KUNIT_EXPECT_EQ(test, cma_allocator_register(&s->alloc_a), 0);
	/*
	 * Requests by device follow the map: from the start it names only
	 * our regions, not the ones a board reserved at boot (arm's virt).
	 */
	KUNIT_EXPECT_EQ(test, cma_map_replace("ks-dev=ks-0,ks-1"), 0);

	for (n = 0; n < ARRAY_SIZE(fns); n++) {
		w[n].s = s;
		w[n].id = n;
		prandom_seed_state(&w[n].rnd, 0x5eed0000 + n);
		w[n].task = kthread_create(fns[n], &w[n], "cma-stress/%d", n);
		if (IS_ERR(w[n].task))
			break;
		get_task_struct(w[n].task);
		wake_up_process(w[n].task);
	}
	if (n == ARRAY_SIZE(fns)) {
		unsigned long end = jiffies + msecs_to_jiffies(KS_MS_MAX);

		msleep(KS_MS);
		kunit_info(test, "%d churns in %d ms\n",
			   atomic_read(&s->churns), KS_MS);
		while (atomic_read(&s->churns) <= KS_CHURNS &&
		       time_before(jiffies, end))
			msleep(100);
	} else {
		KUNIT_FAIL(test, "kthread %d: %ld", n, PTR_ERR(w[n].task));
	}
	ks_stop_all(w, n);
	for (i = 0; i < ARRAY_SIZE(s->mailbox); i++)
		if (s->mailbox[i])
			cma_chunk_put(s->mailbox[i]);
	/* Still registered if the churn stopped waiting for ks-tmp. */
	ret = cma_allocator_unregister(&s->alloc_b);
	KUNIT_EXPECT_TRUE_MSG(test, !ret || ret == -ENOENT,
			      "unregister allocator b: %d", ret);

	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&s->errors), 0, "first: %s",
			    s->first_error);
	kunit_info(test, "%d allocs, %d frees, %d gets, %d maps, %d switches (%d busy), %d churns\n",
		   atomic_read(&s->allocs), atomic_read(&s->frees),
		   atomic_read(&s->gets), atomic_read(&s->maps),
		   atomic_read(&s->switches), atomic_read(&s->busy),
		   atomic_read(&s->churns));
	KUNIT_EXPECT_GT(test, atomic_read(&s->allocs), 100);
	KUNIT_EXPECT_GT(test, atomic_read(&s->frees), 100);
	KUNIT_EXPECT_GT(test, atomic_read(&s->gets), 0);
	KUNIT_EXPECT_GT(test, atomic_read(&s->maps), 10);
	KUNIT_EXPECT_GT(test, atomic_read(&s->switches), 0);
	KUNIT_EXPECT_GT(test, atomic_read(&s->churns), KS_CHURNS);

	/* Everything is back: idle regions, one full hole, no owned page. */
	for (i = 0; i < KS_TMP; i++) {
		struct cma_region *reg = &s->reg[i];

		KUNIT_EXPECT_EQ(test, cma_region_set_allocator(reg, "bf"), 0);
		/* The state is in the core's copy. */
		reg = reg->core;
		mutex_lock(&reg->lock);
		KUNIT_EXPECT_EQ_MSG(test, reg->users, 0, "region %d", i);
		KUNIT_EXPECT_EQ_MSG(test, reg->free_space, reg->size,
				    "region %d", i);
		mutex_unlock(&reg->lock);
		holes = 0;
		err = cma_bf_verify(reg, ks_hole, &holes);
		KUNIT_EXPECT_NULL_MSG(test, err, "region %d: %s", i, err);
		KUNIT_EXPECT_EQ_MSG(test, holes, 1, "region %d", i);
	}
	for (i = 0; i < KS_NR; i++)
		KUNIT_EXPECT_TRUE_MSG(test, bitmap_empty(s->owned[i], KS_PAGES),
				      "region %d", i);
	KUNIT_EXPECT_FALSE(test, s->reg[KS_TMP].registered);
	KUNIT_EXPECT_FALSE(test, s->reg[KS_TMP_PRIV].registered);
	/* Every unregistered ks-tmp was finished: its memory is free. */
	KUNIT_EXPECT_EQ(test, cma_region_register(&s->reg[KS_TMP]), 0);
	KUNIT_EXPECT_EQ(test, cma_region_register(&s->reg[KS_TMP_PRIV]), 0);
	KUNIT_EXPECT_EQ(test, cma_region_unregister(&s->reg[KS_TMP]), 0);
	KUNIT_EXPECT_EQ(test, cma_region_unregister(&s->reg[KS_TMP_PRIV]), 0);
	KUNIT_EXPECT_EQ(test, cma_info_about(&info, "ks-0,ks-1,ks-2,ks-3"), 0);
	KUNIT_EXPECT_EQ(test, info.count, 4);
	KUNIT_EXPECT_EQ(test, info.free_size, 4 * KS_REGION_SIZE);
	KUNIT_EXPECT_EQ(test, info.total_size, 4 * KS_REGION_SIZE);

	for (i = 0; i < KS_TMP; i++)
		KUNIT_EXPECT_EQ(test, cma_region_unregister(&s->reg[i]), 0);
	KUNIT_EXPECT_EQ(test, cma_allocator_unregister(&s->alloc_a), 0);
	KUNIT_EXPECT_EQ(test, cma_map_replace(saved_map), 0);
}

static struct kunit_case cma_stress_cases[] = {
	KUNIT_CASE_SLOW(cma_regions_test_stress),
	{}
};

static struct kunit_suite cma_stress_suite = {
	.name = "cma_regions_stress",
	.test_cases = cma_stress_cases,
};

kunit_test_suite(cma_stress_suite);
