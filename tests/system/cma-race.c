// SPDX-License-Identifier: GPL-2.0
/*
 * cma-race: CMA_REGIONS_IOC_ALLOC failing late against FREE of the same
 * id, on one open /dev/cma, run in the QEMU "hostile" scenario under the
 * kernel's debug configuration (KASAN, lockdep, two vCPUs).
 *
 *   cma-race ITERATIONS [REGION]
 *
 * Thread A calls ALLOC ITERATIONS times with its argument in a page it
 * made read-only after filling it: the kernel reads the request, allocates
 * a chunk, gives it an id, and then fails to write the answer back
 * (EFAULT), so it must take the chunk back.  Thread B meanwhile frees the
 * ids A's ALLOC is likely to be handing out at that moment: ids are given
 * cyclically, so B learns where the sequence is with ALLOC and FREE of its
 * own (id k while A had made N attempts means A's next id is about k + 1
 * plus the attempts since), and also tries the lowest ids, which a kernel
 * that reuses ids at once gives out.  A kernel that publishes the id
 * before the answer reached user space, and frees the chunk again on
 * EFAULT, frees it twice when B got there first: KASAN reports it, and
 * the region's free space comes out wrong.  Since B holds no chunk while
 * it guesses and A never gets one, any FREE of a guessed id that succeeds
 * is that bug, whether or not the double free shows.
 *
 * At the end the file is closed, and every region's free space must equal
 * its size.  Prints a "RACE: ..." summary and "SYS: check cma-race: ..."
 * lines as tests/system/init.c does, and exits 0 only if every check
 * held.  REGION defaults to the first region by name that is open to user
 * space and has an allocator.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/cma_regions.h>

#define SYSFS		"/sys/kernel/mm/contiguous"
#define MAX_REGIONS	16
/* Guesses around the estimate of A's next id, and the lowest ids. */
#define SPREAD		3
#define LOWEST		2
/* Rounds of guesses between two resynchronisations. */
#define ROUNDS		8

static int fd, failed;
static unsigned long iterations;
static char region[64];

/* Thread A's progress and tally. */
static atomic_ulong attempts;
static atomic_int done;
static unsigned long efaults, successes, others;
static int other_errno;

/* Thread B's tally. */
static unsigned long pairs, pair_errors, guesses, hits, free_errors;
static int pair_errno, free_errno;

static void check(const char *desc, int ok, const char *detail)
{
	printf("SYS: check cma-race: %s: %s%s%s\n", desc, ok ? "ok" : "FAIL",
	       ok ? "" : " ", ok ? "" : detail);
	failed += !ok;
}

static int read_value(const char *dir, const char *file, char *buf,
		      size_t size)
{
	char path[256];
	ssize_t n;
	int f;

	snprintf(path, sizeof(path), SYSFS "/regions/%.63s/%.31s", dir, file);
	f = open(path, O_RDONLY);
	if (f < 0)
		return -1;
	n = read(f, buf, size - 1);
	close(f);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static unsigned long long read_num(const char *dir, const char *file)
{
	char buf[64];

	if (read_value(dir, file, buf, sizeof(buf)) || !*buf)
		return ~0ULL;
	return strtoull(buf, NULL, 0);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The region directories, sorted by name; returns how many. */
static int list_regions(char names[MAX_REGIONS][64])
{
	DIR *d = opendir(SYSFS "/regions");
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)) && n < MAX_REGIONS)
		if (e->d_name[0] != '.')
			snprintf(names[n++], sizeof(names[0]), "%.63s",
				 e->d_name);
	if (d)
		closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_names);
	return n;
}

static void *thread_a(void *page)
{
	unsigned long i;

	for (i = 0; i < iterations; i++) {
		atomic_fetch_add(&attempts, 1);
		if (!ioctl(fd, CMA_REGIONS_IOC_ALLOC, page)) {
			/* The kernel cannot have written its answer. */
			successes++;
		} else if (errno == EFAULT) {
			efaults++;
		} else {
			others++;
			other_errno = errno;
		}
	}
	atomic_store(&done, 1);
	return NULL;
}

static int free_id(uint32_t id)
{
	struct cma_regions_free f = { .id = id };

	return ioctl(fd, CMA_REGIONS_IOC_FREE, &f) ? errno : 0;
}

/* Frees @id, which thread B does not hold; counts what happened. */
static void guess(uint32_t id)
{
	int err;

	if (!id)
		return;
	guesses++;
	err = free_id(id);
	if (!err) {
		hits++;
	} else if (err != ENOENT) {
		free_errors++;
		free_errno = err;
	}
}

static void *thread_b(void *unused)
{
	struct cma_regions_alloc a;
	unsigned long base_attempts, now;
	uint32_t k, next, i;
	int r, err;

	(void)unused;
	while (!atomic_load(&done)) {
		/* Where the id sequence is now. */
		memset(&a, 0, sizeof(a));
		a.flags = CMA_REGIONS_BY_NAME;
		a.size = 4096;
		snprintf(a.spec, sizeof(a.spec), "%s", region);
		base_attempts = atomic_load(&attempts);
		if (ioctl(fd, CMA_REGIONS_IOC_ALLOC, &a)) {
			pair_errors++;
			pair_errno = errno;
			continue;
		}
		k = a.id;
		err = free_id(k);
		if (err) {
			pair_errors++;
			pair_errno = err;
		}
		pairs++;
		/* B holds nothing now: every id it frees is A's. */
		for (r = 0; r < ROUNDS && !atomic_load(&done); r++) {
			now = atomic_load(&attempts);
			next = k + 1 + (uint32_t)(now - base_attempts);
			for (i = 0; i < 2 * SPREAD + 1; i++)
				if (next + i > SPREAD)
					guess(next + i - SPREAD);
			for (i = 1; i <= LOWEST; i++)
				if (i + SPREAD < next || i > next + SPREAD)
					guess(i);
		}
	}
	return NULL;
}

int main(int argc, char **argv)
{
	char names[MAX_REGIONS][64], buf[64], detail[512];
	unsigned long long size, free_now;
	struct cma_regions_alloc *arg;
	int n, i, whole = 0, bad_regions = 0;
	pthread_t a, b;
	void *page;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: cma-race ITERATIONS [REGION]\n");
		return 2;
	}
	iterations = strtoul(argv[1], NULL, 0);
	n = list_regions(names);
	if (argc == 3)
		snprintf(region, sizeof(region), "%.63s", argv[2]);
	for (i = 0; i < n && !*region; i++)
		if (!read_value(names[i], "user_alloc", buf, sizeof(buf)) &&
		    !strcmp(buf, "1") &&
		    !read_value(names[i], "alloc", buf, sizeof(buf)) && *buf)
			snprintf(region, sizeof(region), "%.63s", names[i]);
	snprintf(detail, sizeof(detail), "%d regions, none usable", n);
	check("a region open to user space with an allocator", *region,
	      detail);

	fd = open("/dev/cma", O_RDWR | O_CLOEXEC);
	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (fd < 0 || page == MAP_FAILED || !*region) {
		snprintf(detail, sizeof(detail), "%s",
			 fd < 0 ? "cannot open /dev/cma" :
			 page == MAP_FAILED ? "no page" : "no region");
		check("set up", 0, detail);
		return 1;
	}
	arg = page;
	arg->flags = CMA_REGIONS_BY_NAME;
	arg->size = 4096;
	snprintf(arg->spec, sizeof(arg->spec), "%s", region);
	if (mprotect(page, 4096, PROT_READ)) {
		check("set up", 0, "mprotect failed");
		return 1;
	}

	if (pthread_create(&a, NULL, thread_a, page) ||
	    pthread_create(&b, NULL, thread_b, NULL)) {
		check("set up", 0, "cannot start the threads");
		return 1;
	}
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	close(fd);

	printf("RACE: %lu ALLOC with a read-only argument: %lu EFAULT, %lu succeeded, %lu other; %lu ALLOC/FREE pairs (%lu failed), %lu FREE of guessed ids (%lu freed a chunk, %lu other errors); region %s\n",
	       iterations, efaults, successes, others, pairs, pair_errors,
	       guesses, hits, free_errors, region);
	snprintf(detail, sizeof(detail),
		 "%lu EFAULT, %lu succeeded, %lu other (last %s)", efaults,
		 successes, others, others ? strerror(other_errno) : "none");
	check("every ALLOC with a read-only argument fails with EFAULT",
	      efaults == iterations && iterations > 0, detail);
	snprintf(detail, sizeof(detail),
		 "%lu pairs, %lu failed (last %s); %lu FREE errors other than ENOENT (last %s)",
		 pairs, pair_errors,
		 pair_errors ? strerror(pair_errno) : "none", free_errors,
		 free_errors ? strerror(free_errno) : "none");
	check("the other thread's ALLOC and FREE work, a guessed id gives ENOENT",
	      pairs > 0 && guesses > 0 && !pair_errors && !free_errors,
	      detail);
	/*
	 * Thread B held nothing while it guessed, and A never got a chunk:
	 * a FREE that found one freed a chunk of a failing ALLOC, which
	 * that ALLOC then frees again.
	 */
	snprintf(detail, sizeof(detail),
		 "%lu of %lu FREEs of guessed ids freed a chunk", hits,
		 guesses);
	check("no FREE finds the chunk of an ALLOC that failed", !hits,
	      detail);

	/* With the file closed, every chunk is back. */
	for (i = 0; i < n; i++) {
		size = read_num(names[i], "size");
		free_now = read_num(names[i], "free");
		printf("RACE: region %s: %llu bytes free of %llu\n", names[i],
		       free_now, size);
		if (size != ~0ULL && size && size == free_now)
			whole++;
		else
			bad_regions++;
	}
	snprintf(detail, sizeof(detail), "%d of %d regions whole", whole, n);
	check("with the file closed every region's free space equals its size",
	      n > 0 && !bad_regions, detail);
	printf("RACE: %s\n", failed ? "FAIL" : "PASS");
	return failed ? 1 : 0;
}
