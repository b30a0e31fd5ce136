// SPDX-License-Identifier: GPL-2.0
/*
 * cma-fuzz: a seeded, reproducible random sequence of operations on
 * /dev/cma and the dma-buf heaps of contiguous memory regions, run in the
 * QEMU "hostile" scenario under the kernel's debug configuration.
 *
 *   cma-fuzz SEED OPS
 *
 * Operations: open (read-write and read-only), dup and close /dev/cma;
 * ALLOC (by name and by device, valid and malformed), FREE (held, stale
 * and made-up ids) and INFO; mmap at good and bad offsets and lengths,
 * shared and private, mremap to grow, munmap, touch; heap allocations with
 * mmap (shared, and private, which must fail) and close; closing regions
 * to user space and opening them again (sysfs user_alloc); lowering and
 * raising the chunks one file may hold (cma_dev's max_chunks); and fork: a
 * child shares every descriptor and mapping, runs its own random
 * operations and is killed with SIGKILL at a random moment or exits on
 * its own.
 *
 * It checks what the kernel promises: memory handed out reads as zero, no
 * mapping reaches beyond its chunk, no mapping is private, a growing
 * mremap fails, refusals use the documented errnos, ALLOC and FREE on a
 * read-only file fail with EBADF, a closed region gives nothing and
 * refuses with EPERM (see alloc_errnos()), a file holding max_chunks
 * chunks gets ENOSPC and one holding fewer never does, no refusal for want
 * of room comes while a region certainly had room (see judge_enomem()),
 * every region's heap opens, no child dies of anything but our SIGKILL,
 * and at the end, with every descriptor closed and every child reaped,
 * each region's free space is back to its value at the start and
 * user_alloc and max_chunks are as they were.  Only the parent changes
 * user_alloc and max_chunks, so it knows them; a child knows only what
 * they were when it was forked, and is allowed EPERM and ENOSPC.  Prints
 * "FUZZ: ..." lines, with what it did per region for the host to assert
 * on, and exits 0 only if everything held.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/cma_regions.h>
#include <linux/dma-heap.h>

#define SYSFS		"/sys/kernel/mm/contiguous"
#define MAX_CHUNKS	"/sys/module/cma_dev/parameters/max_chunks"
#define MAX_FDS		4
#define MAX_IDS		32
#define MAX_MAPS	24
#define MAX_BUFS	8
#define MAX_KIDS	2
#define MAX_REGIONS	16
#define PAGE		4096ULL

static uint64_t rng;
static int is_child, bad;

static uint64_t rnd(void)
{
	/* xorshift64*: reproducible from the seed. */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dULL;
}

static unsigned int below(unsigned int n)
{
	return rnd() % n;
}

static __attribute__((format(printf, 1, 2))) void problem(const char *fmt,
							  ...)
{
	va_list ap;

	printf("FUZZ: %sPROBLEM: ", is_child ? "child " : "");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	bad = 1;
}

/*
 * The named regions, from sysfs: where they are, their free space at the
 * start, whether their heap opened, whether they were open to user space
 * at the start (user_alloc; only those are closed and opened again) and
 * are now, and what succeeded in each.
 */
static struct {
	char name[64];
	unsigned long long free, start, size;
	int heap, user0, closed;
	unsigned long allocs, bufs;
} regions[MAX_REGIONS];
static int nregions, nheaps;

/* max_chunks at the start, and now. */
static char limit0[32];
static unsigned long long limit;

static const char *devices[] = {
	"video0", "display0", "camera0", "camera0/preview", "nodev", "",
	"/x", "camera0/", "camera0/a/b",
};

/* A chunk this process allocated, as far as it knows. */
struct chunk {
	int live;
	unsigned int file;	/* fileid[] of the file it came from */
	uint32_t id;
	uint64_t offset, size;
	int fresh;		/* not mapped yet: must read as zero */
};

/*
 * Open /dev/cma descriptors.  fileid[] names the open file behind a slot
 * (a dup has its original's); shared[] says a child may have used it
 * since, after which what this process knows of its chunks is a guess.
 */
static int fds[MAX_FDS];
static unsigned int fileid[MAX_FDS], next_file;
static int shared[MAX_FDS];
/* Opened O_RDONLY: ALLOC and FREE fail with EBADF. */
static int rdonly[MAX_FDS];
static struct chunk ids[MAX_IDS];
static struct map { char *addr; size_t len; } maps[MAX_MAPS];
static int bufs[MAX_BUFS];
static pid_t kids[MAX_KIDS];
static unsigned long ops, allocs, refused, frees, infos, mmaps, map_refused,
	heaps, heap_refused, forks, kills, exits;
/* ENOMEM refusals (ALLOC and heaps): see judge_enomem(). */
static unsigned long nomem_short, nomem_frag, nomem_unjudged, nomem_closed;
/* The v2 operations: user_alloc, max_chunks, read-only files, MAP_PRIVATE. */
static unsigned long switches, eperms, limits, enospcs, ro_opens, ebadfs,
	privates;

/* A number in file @what of region @name; ~0 if it cannot be read. */
static unsigned long long read_num(const char *name, const char *what)
{
	char path[256], buf[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), SYSFS "/regions/%s/%s", name, what);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return ~0ULL;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return ~0ULL;
	buf[n] = '\0';
	return strtoull(buf, NULL, 0);
}

/* Writes @val to @path; 0 or the errno. */
static int write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY), err = 0;
	ssize_t n;

	if (fd < 0)
		return errno;
	n = write(fd, val, strlen(val));
	if (n < 0)
		err = errno;
	else if ((size_t)n != strlen(val))
		err = EIO;
	close(fd);
	return err;
}

/* The first line of @path, without its newline; "" if unreadable. */
static const char *read_line(const char *path)
{
	static char buf[64];
	ssize_t n;
	int fd = open(path, O_RDONLY);

	buf[0] = '\0';
	if (fd < 0)
		return buf;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

static const char *user_alloc_path(int r)
{
	static char path[256];

	snprintf(path, sizeof(path), SYSFS "/regions/%.63s/user_alloc",
		 regions[r].name);
	return path;
}

static unsigned long long read_free(const char *name)
{
	return read_num(name, "free");
}

static int region_index(const char *name, size_t len)
{
	int r;

	for (r = 0; r < nregions; r++)
		if (strlen(regions[r].name) == len &&
		    !strncmp(regions[r].name, name, len))
			return r;
	return -1;
}

/* The heap of region @r, opened; -1 if it does not open. */
static int open_heap(int r)
{
	char path[128];

	snprintf(path, sizeof(path), "/dev/dma_heap/cma_regions:%s",
		 regions[r].name);
	return open(path, O_RDONLY | O_CLOEXEC);
}

static void find_regions(void)
{
	DIR *d = opendir(SYSFS "/regions");
	struct dirent *e;
	int h;

	while (d && (e = readdir(d)) && nregions < MAX_REGIONS) {
		char path[300];

		/* regions/<name>/, not a private region's private-<N>/. */
		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), SYSFS "/regions/%.63s/name",
			 e->d_name);
		if (strcmp(read_line(path), e->d_name))
			continue;
		snprintf(regions[nregions].name, sizeof(regions[0].name), "%.63s",
			 e->d_name);
		regions[nregions].user0 =
			!strcmp(read_line(user_alloc_path(nregions)), "1");
		regions[nregions].closed = !regions[nregions].user0;
		if (!regions[nregions].user0 &&
		    strcmp(read_line(user_alloc_path(nregions)), "0"))
			problem("region %s: user_alloc reads \"%s\"",
				e->d_name, read_line(user_alloc_path(nregions)));
		regions[nregions].free = read_free(e->d_name);
		regions[nregions].start = read_num(e->d_name, "start");
		regions[nregions].size = read_num(e->d_name, "size");
		h = open_heap(nregions);
		if (h >= 0) {
			regions[nregions].heap = 1;
			nheaps++;
			close(h);
		} else {
			problem("heap of region %s: %s", e->d_name,
				strerror(errno));
		}
		nregions++;
	}
	if (d)
		closedir(d);
}

/*
 * The slot of the open file @c came from, if this process alone has used
 * that file, so its knowledge of @c is exact; else -1.
 */
static int known_slot(const struct chunk *c)
{
	int i;

	if (is_child || !c->live)
		return -1;
	for (i = 0; i < MAX_FDS; i++)
		if (fds[i] >= 0 && fileid[i] == c->file)
			return shared[i] ? -1 : i;
	return -1;
}

/* Forgets every record of chunk @id of file @file. */
static void forget(unsigned int file, uint32_t id)
{
	int i;

	for (i = 0; i < MAX_IDS; i++)
		if (ids[i].live && ids[i].file == file && ids[i].id == id)
			ids[i].live = 0;
}

/* The live chunk of @file at mmap offset @off, if on record. */
static struct chunk *find_token(unsigned int file, uint64_t off)
{
	int i;

	for (i = 0; i < MAX_IDS; i++)
		if (ids[i].live && ids[i].file == file && ids[i].offset == off)
			return &ids[i];
	return NULL;
}

/*
 * A record for a new chunk.  Records of files only this process used are
 * never dropped while their chunk lives (find_token() relies on that): if
 * every record is such a one, a chunk is freed to make room.
 */
static struct chunk *new_record(void)
{
	struct cma_regions_free fr = { 0 };
	unsigned int start = below(MAX_IDS), i;
	struct chunk *c;
	int k;

	for (i = 0; i < MAX_IDS; i++) {
		c = &ids[(start + i) % MAX_IDS];
		if (known_slot(c) < 0)
			return c;
	}
	c = &ids[start];
	k = known_slot(c);
	fr.id = c->id;
	if (ioctl(fds[k], CMA_REGIONS_IOC_FREE, &fr))
		problem("free of live chunk %u: %s", c->id, strerror(errno));
	frees++;
	c->live = 0;
	return c;
}

static int free_slot(int *a, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (a[i] < 0)
			return i;
	return -1;
}

/* An errno /dev/cma may answer a random request with. */
static void expect_errno(const char *what, int err, const char *allowed)
{
	char name[16];

	snprintf(name, sizeof(name), ",%d,", err);
	if (!strstr(allowed, name))
		problem("%s: unexpected errno %d (%s)", what, err,
			strerror(err));
}

static void reap(int block);

/* In the parent with every child reaped: nothing else moves the regions. */
static int quiet(void)
{
	int i;

	if (is_child)
		return 0;
	reap(0);
	for (i = 0; i < MAX_KIDS; i++)
		if (kids[i])
			return 0;
	return 1;
}

/*
 * Room for @size bytes (page aligned) at @align (a power of two, at least
 * a page) in @avail free bytes split into at most @holes holes, all within
 * [@lo, @hi) (unknown if @hi is 0): 0 if the free space or every aligned
 * place is too small, 2 if some hole holds it wherever it lies, 1 if it
 * may or may not.
 */
static int room(uint64_t size, uint64_t align, uint64_t avail,
		uint64_t holes, uint64_t lo, uint64_t hi)
{
	uint64_t at = (lo + align - 1) & ~(align - 1), hole;

	if (size > avail)
		return 0;
	if (hi && (at < lo || at > hi || hi - at < size))
		return 0;
	/* The largest hole is at least the average one, in whole pages. */
	hole = (avail / PAGE + holes - 1) / holes * PAGE;
	/* Its first aligned address is at most align - PAGE in. */
	return size <= hole && align - PAGE <= hole - size ? 2 : 1;
}

/*
 * Judges an ENOMEM answer to a request for @size bytes at @align, from the
 * regions @spec names (@flags CMA_REGIONS_BY_NAME) or those the map gives
 * device @spec (CMA_REGIONS_BY_DEVICE, asked of @fd with INFO).
 *
 * Free space may be fragmented, so ENOMEM for a request no larger than a
 * region's free space can be right; it is certainly wrong when the request
 * fits however that space is split.  The chunks of a region separate its
 * holes, and the allocator merges neighbouring holes (best fit does: see
 * mm/cma_regions/best_fit.c), so a region with U chunks (its sysfs
 * "users") has at most U + 1 holes, the largest of them at least the
 * average size; a hole of L bytes holds S bytes at alignment A wherever
 * its page-aligned start lies if S + A - PAGE <= L, and best fit fails only
 * when no hole can hold the request.  For a device INFO gives the count K
 * and the free space of its regions, and the chunks of all regions bound
 * theirs: at most U + K holes.
 *
 * So: a region that certainly had room is a PROBLEM; a refusal larger than
 * every candidate's free space, or with no aligned place in any of them,
 * is explained; the rest are counted as fragmentation, for the host to
 * check they stay a minority.  Only a quiet() state is judged: then the regions
 * did not change between the refusal and the reading of sysfs.
 */
static void judge_enomem(const char *what, int calm, int fd,
			 unsigned int flags, const char *spec, uint64_t size,
			 uint64_t align)
{
	uint64_t s = (size + PAGE - 1) & ~(PAGE - 1), avail, users = 0, u;
	struct cma_regions_info in = { 0 };
	const char *name, *end;
	int best = 0, r, v;

	if (!size || !s || align & (align - 1) ||
	    (flags != CMA_REGIONS_BY_NAME && flags != CMA_REGIONS_BY_DEVICE)) {
		problem("%s: ENOMEM for a malformed request (size %llu, alignment %llu, flags 0x%x)",
			what, (unsigned long long)size,
			(unsigned long long)align, flags);
		return;
	}
	if (!calm) {
		nomem_unjudged++;
		return;
	}
	if (align < PAGE)
		align = PAGE;
	for (r = 0; r < nregions; r++) {
		u = read_num(regions[r].name, "users");
		avail = read_free(regions[r].name);
		if (u == ~0ULL || avail == ~0ULL) {
			problem("%s: cannot read the state of region %s", what,
				regions[r].name);
			return;
		}
		users += u;
		if (flags == CMA_REGIONS_BY_DEVICE)
			continue;
		/* Is it one of the names? */
		for (name = spec; *name; name = end + !!*end) {
			end = name + strcspn(name, ",");
			if (region_index(name, end - name) == r)
				break;
		}
		if (!*name)
			continue;
		v = room(s, align, avail, u + 1, regions[r].start,
			 regions[r].start + regions[r].size);
		if (v > best)
			best = v;
	}
	if (flags == CMA_REGIONS_BY_DEVICE) {
		in.flags = flags;
		snprintf(in.spec, sizeof(in.spec), "%s", spec);
		if (ioctl(fd, CMA_REGIONS_IOC_INFO, &in)) {
			problem("%s: INFO %s after ENOMEM: %s", what, spec,
				strerror(errno));
			return;
		}
		best = room(s, align, in.free_size, users + in.count,
			    in.lower_bound, in.upper_bound);
	}
	if (best == 2)
		problem("%s: ENOMEM for %llu bytes at alignment %llu from %s, which certainly had room",
			what, (unsigned long long)s,
			(unsigned long long)align, spec);
	else if (best)
		nomem_frag++;
	else
		nomem_short++;
}

static uint64_t random_size(void)
{
	switch (below(16)) {
	case 0:
		return 0;
	case 1:
		return ~0ULL - below(8192);
	case 2:
		return 1ULL << (20 + below(44));
	default:
		return (1 + below(16)) << (12 + below(5));
	}
}

static uint64_t random_alignment(void)
{
	switch (below(8)) {
	case 0:
		return 3 << below(20);
	case 1:
		return 1ULL << below(64);
	default:
		return below(2) ? 0 : 4096ULL << below(9);
	}
}

/* Is any region closed to user space (as this process knows)? */
static int any_closed(void)
{
	int r;

	for (r = 0; r < nregions; r++)
		if (regions[r].closed)
			return 1;
	return 0;
}

/* Chunks on record for the file in slot @f. */
static unsigned long long held(int f)
{
	unsigned long long n = 0;
	int i;

	for (i = 0; i < MAX_IDS; i++)
		if (ids[i].live && ids[i].file == fileid[f])
			n++;
	return n;
}

/*
 * The errnos an ALLOC on slot @f may fail with, as expect_errno() takes
 * them: EINVAL, ENOENT and ENOMEM always; EBADF alone on a read-only file
 * (EINVAL too if the request is @malformed); EPERM if a region the
 * request may reach is closed (@r, the region a name request names, or
 * any for a device); ENOSPC if the file holds max_chunks chunks.  A child
 * and a file a child used know too little of the last two: both allowed.
 */
static const char *alloc_errnos(int f, int r, int malformed, int *full)
{
	static char allowed[32];
	int known = !is_child && !shared[f];

	*full = known && held(f) >= limit;
	if (rdonly[f])
		return malformed ? ",9,22," : ",9,";
	snprintf(allowed, sizeof(allowed), ",22,2,12,%s%s",
		 is_child || (r >= 0 ? regions[r].closed : any_closed()) ?
		 "1," : "", !known || *full ? "28," : "");
	return allowed;
}

static void op_alloc(void)
{
	struct cma_regions_alloc a = { 0 };
	int f = below(MAX_FDS), calm, err, r, d, full, malformed = 0;
	int named = -1;

	if (fds[f] < 0)
		return;
	a.size = random_size();
	a.alignment = random_alignment();
	if (!a.size || a.size > (1ULL << 40) ||
	    (a.alignment & (a.alignment - 1)) || a.alignment > (1ULL << 30))
		malformed = 1;
	if (below(2)) {
		a.flags = CMA_REGIONS_BY_NAME;
		named = below(nregions);
		if (below(8)) {
			snprintf(a.spec, sizeof(a.spec), "%s",
				 regions[named].name);
		} else {
			d = below(2);
			snprintf(a.spec, sizeof(a.spec), "%s,%s",
				 d ? "nosuch" : "bad/name",
				 regions[named].name);
			malformed |= !d;
		}
	} else {
		a.flags = CMA_REGIONS_BY_DEVICE;
		d = below(sizeof(devices) / sizeof(devices[0]));
		snprintf(a.spec, sizeof(a.spec), "%s", devices[d]);
		/* "", "/x", "camera0/" and "camera0/a/b" are malformed. */
		malformed |= d >= 5;
	}
	if (!below(16)) {
		a.flags |= 1ULL << below(64);
		malformed |= a.flags != CMA_REGIONS_BY_NAME &&
			     a.flags != CMA_REGIONS_BY_DEVICE;
	}
	if (!below(32)) {
		a.reserved[below(4)] = rnd() | 1;
		malformed = 1;
	}
	calm = quiet();
	if (ioctl(fds[f], CMA_REGIONS_IOC_ALLOC, &a)) {
		err = errno;
		refused++;
		expect_errno(rdonly[f] ? "alloc on a read-only file" : "alloc",
			     err, alloc_errnos(f, a.flags == CMA_REGIONS_BY_NAME ?
					       named : -1, malformed, &full));
		ebadfs += err == EBADF;
		eperms += err == EPERM;
		enospcs += err == ENOSPC;
		if (err == ENOMEM && !is_child &&
		    a.flags == CMA_REGIONS_BY_NAME && regions[named].closed)
			/* Its one registered region was not tried. */
			problem("alloc %s: ENOMEM, not EPERM, from a region closed to user space",
				a.spec);
		else if (err == ENOMEM && !is_child &&
			 a.flags == CMA_REGIONS_BY_DEVICE && any_closed())
			/* Only open regions were tried: room is unknown. */
			nomem_closed++;
		else if (err == ENOMEM)
			judge_enomem("alloc", calm, fds[f], a.flags, a.spec,
				     a.size, a.alignment);
		return;
	}
	allocs++;
	alloc_errnos(f, -1, 0, &full);
	if (rdonly[f])
		problem("alloc on a read-only file succeeded");
	else if (full)
		problem("alloc succeeded on a file holding %llu chunks, max_chunks %llu",
			held(f), limit);
	r = region_index(a.region, strnlen(a.region, sizeof(a.region)));
	if (r < 0)
		problem("alloc: chunk from unknown region \"%.*s\"",
			(int)sizeof(a.region), a.region);
	else
		regions[r].allocs++;
	if (r >= 0 && regions[r].closed && !is_child)
		problem("alloc: chunk from region %s, closed to user space",
			regions[r].name);
	if (a.offset != (uint64_t)a.id << 12 || a.size < 4096 ||
	    a.size % 4096)
		problem("alloc: id %u, offset 0x%llx, size %llu", a.id,
			(unsigned long long)a.offset,
			(unsigned long long)a.size);
	forget(fileid[f], a.id);
	*new_record() = (struct chunk){ 1, fileid[f], a.id, a.offset, a.size,
					1 };
}

static void op_free(void)
{
	struct cma_regions_free fr = { 0 };
	struct chunk *c = &ids[below(MAX_IDS)];
	int k = known_slot(c);
	int f = k >= 0 && below(4) ? k : (int)below(MAX_FDS);

	if (fds[f] < 0)
		return;
	fr.id = below(8) ? c->id : (uint32_t)rnd();
	if (!below(32))
		fr.flags = 1;
	if (ioctl(fds[f], CMA_REGIONS_IOC_FREE, &fr)) {
		if (rdonly[f]) {
			ebadfs += errno == EBADF;
			expect_errno("free on a read-only file", errno,
				     fr.flags ? ",9,22," : ",9,");
			return;
		}
		expect_errno("free", errno, ",22,2,");
		if (errno == ENOENT && f == k && fr.id == c->id)
			problem("free of live chunk %u: ENOENT", c->id);
		return;
	}
	if (rdonly[f])
		problem("free of id %u on a read-only file succeeded", fr.id);
	frees++;
	if (!fr.flags)
		forget(fileid[f], fr.id);
	else
		problem("free with flags 1 succeeded");
}

static void op_info(void)
{
	struct cma_regions_info in = { 0 };
	int f = below(MAX_FDS);

	if (fds[f] < 0)
		return;
	in.flags = below(2) ? CMA_REGIONS_BY_NAME : CMA_REGIONS_BY_DEVICE;
	snprintf(in.spec, sizeof(in.spec), "%s",
		 in.flags == CMA_REGIONS_BY_NAME ?
		 regions[below(nregions)].name :
		 devices[below(sizeof(devices) / sizeof(devices[0]))]);
	if (!below(16))
		in.count = 1;
	infos++;
	if (ioctl(fds[f], CMA_REGIONS_IOC_INFO, &in))
		expect_errno("info", errno, ",22,2,");
	else if (in.free_size > in.total_size)
		problem("info %s: %llu free of %llu", in.spec,
			(unsigned long long)in.free_size,
			(unsigned long long)in.total_size);
}

static void check_fresh(const char *what, const unsigned char *p, size_t len)
{
	size_t i, step = len / 7 + 1;

	for (i = 0; i < len; i += step)
		if (p[i])
			problem("%s: byte %zu is 0x%02x, not zero", what, i,
				p[i]);
	if (p[len - 1])
		problem("%s: last byte is 0x%02x, not zero", what,
			p[len - 1]);
}

static void add_map(char *addr, size_t len)
{
	int i = below(MAX_MAPS);

	if (maps[i].addr)
		munmap(maps[i].addr, maps[i].len);
	maps[i].addr = addr;
	maps[i].len = len;
}

static void op_mmap(void)
{
	struct chunk *c = &ids[below(MAX_IDS)];
	int k = known_slot(c);
	int f = k >= 0 ? k : (int)below(MAX_FDS);
	uint64_t off = c->offset, len = c->size;
	int flags = MAP_SHARED, known, ok;
	struct chunk *t;
	char *p;

	if (fds[f] < 0 || !len)
		return;
	switch (below(8)) {
	case 0:
		len += 4096;
		break;
	case 1:
		off += 4096;
		break;
	case 2:
		flags = MAP_PRIVATE;
		break;
	case 3:
		len = 4096 * (1 + below(len / 4096));
		break;
	}
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, flags, fds[f], off);
	/*
	 * In a file only this process used, every live chunk is on record:
	 * the mmap must succeed exactly when it asks for a shared mapping of
	 * at most one chunk's size at that chunk's token.  A private mapping
	 * never succeeds; a shared writable one of a read-only file is the
	 * VFS's to refuse (EACCES).
	 */
	known = !is_child && !shared[f];
	t = known ? find_token(fileid[f], off) : NULL;
	ok = t && len <= t->size && flags == MAP_SHARED;
	if (p == MAP_FAILED) {
		map_refused++;
		privates += flags == MAP_PRIVATE && errno == EINVAL;
		expect_errno(flags == MAP_PRIVATE ? "private mmap" : "mmap",
			     errno, flags == MAP_PRIVATE ? ",22," :
			     rdonly[f] ? ",13,22," : ",22,");
		if (known && ok)
			problem("mmap of %llu bytes of live chunk %u: %s",
				(unsigned long long)len, t->id,
				strerror(errno));
		return;
	}
	mmaps++;
	if (flags == MAP_PRIVATE)
		problem("private mmap of %llu bytes at 0x%llx succeeded",
			(unsigned long long)len, (unsigned long long)off);
	else if (known && !ok)
		problem("mmap of %llu bytes at 0x%llx (%s) succeeded: %s",
			(unsigned long long)len, (unsigned long long)off,
			flags == MAP_PRIVATE ? "private" : "shared",
			t ? "beyond its chunk" : "no chunk there");
	if (t && t->fresh) {
		check_fresh("mmap", (unsigned char *)p, len);
		t->fresh = 0;
	}
	/* A child writes nothing: its parent's chunks may still be fresh. */
	if (!is_child) {
		p[0] = 0x5a;
		p[len - 1] = 0xa5;
	}
	/* Growing the mapping would reach beyond the chunk. */
	if (mremap(p, len, len + 4096, MREMAP_MAYMOVE) != MAP_FAILED)
		problem("mremap grew a mapping beyond its chunk");
	add_map(p, len);
}

static void op_heap(void)
{
	struct dma_heap_allocation_data d = { 0 };
	int h, r, calm, err, slot = free_slot(bufs, MAX_BUFS);
	char *p;

	if (slot < 0)
		return;
	r = below(nregions);
	h = open_heap(r);
	if (h < 0) {
		if (regions[r].heap)
			problem("heap of region %s: %s", regions[r].name,
				strerror(errno));
		return;
	}
	d.len = below(8) ? (1 + below(16)) << 12 : random_size();
	d.fd_flags = O_RDWR | O_CLOEXEC;
	calm = quiet();
	if (ioctl(h, DMA_HEAP_IOCTL_ALLOC, &d)) {
		err = errno;
		heap_refused++;
		eperms += err == EPERM;
		/* A closed region's heap refuses with EPERM, an open one never. */
		expect_errno("heap", err, is_child ? ",22,12,1," :
			     regions[r].closed ? ",22,1," : ",22,12,");
		if (err == ENOMEM)
			judge_enomem("heap", calm, -1, CMA_REGIONS_BY_NAME,
				     regions[r].name, d.len, 0);
		close(h);
		return;
	}
	close(h);
	heaps++;
	regions[r].bufs++;
	if (regions[r].closed && !is_child)
		problem("heap buffer from region %s, closed to user space",
			regions[r].name);
	bufs[slot] = d.fd;
	if (!below(4)) {
		/* A private mapping of a heap buffer: never. */
		p = mmap(NULL, d.len, PROT_READ | PROT_WRITE, MAP_PRIVATE,
			 d.fd, 0);
		if (p != MAP_FAILED) {
			problem("private mmap of a %llu-byte heap buffer succeeded",
				(unsigned long long)d.len);
			munmap(p, d.len);
		} else {
			privates += errno == EINVAL;
			expect_errno("private mmap of a heap buffer", errno,
				     ",22,");
		}
	}
	if (below(2)) {
		p = mmap(NULL, d.len, PROT_READ | PROT_WRITE, MAP_SHARED, d.fd,
			 0);
		if (p == MAP_FAILED) {
			problem("mmap of a %llu-byte heap buffer: %s",
				(unsigned long long)d.len, strerror(errno));
			return;
		}
		check_fresh("heap", (unsigned char *)p, d.len);
		p[d.len - 1] = 1;
		if (mmap(NULL, d.len + 4096, PROT_READ, MAP_SHARED, d.fd, 0) !=
		    MAP_FAILED)
			problem("heap buffer mapped beyond its end");
		add_map(p, d.len);
	}
}

static void close_random(void)
{
	int i = below(MAX_FDS + MAX_BUFS + MAX_MAPS);

	if (i < MAX_FDS) {
		if (fds[i] >= 0)
			close(fds[i]);
		fds[i] = -1;
	} else if (i < MAX_FDS + MAX_BUFS) {
		i -= MAX_FDS;
		if (bufs[i] >= 0)
			close(bufs[i]);
		bufs[i] = -1;
	} else {
		i -= MAX_FDS + MAX_BUFS;
		if (maps[i].addr)
			munmap(maps[i].addr, maps[i].len);
		maps[i].addr = NULL;
	}
}

static void op_open(void)
{
	int i = free_slot(fds, MAX_FDS), j = below(MAX_FDS);

	if (i < 0)
		return;
	if (fds[j] >= 0 && below(2)) {
		fds[i] = dup(fds[j]);
		fileid[i] = fileid[j];
		shared[i] = shared[j];
		rdonly[i] = rdonly[j];
	} else {
		/* One in four read-only: INFO only. */
		rdonly[i] = !below(4);
		fds[i] = open("/dev/cma", (rdonly[i] ? O_RDONLY : O_RDWR) |
			      O_CLOEXEC);
		fileid[i] = ++next_file;
		shared[i] = 0;
		ro_opens += rdonly[i] && fds[i] >= 0;
	}
	if (fds[i] < 0)
		problem("open /dev/cma: %s", strerror(errno));
}

static void op_touch(void)
{
	struct map *m = &maps[below(MAX_MAPS)];

	if (m->addr && !is_child)
		m->addr[below(m->len)]++;
	else if (m->addr)
		(void)*(volatile char *)&m->addr[below(m->len)];
}

static void reap(int block)
{
	int i, status;

	for (i = 0; i < MAX_KIDS; i++) {
		if (kids[i] <= 0 ||
		    waitpid(kids[i], &status, block ? 0 : WNOHANG) <= 0)
			continue;
		if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
			kills++;
		else if (WIFEXITED(status) && !WEXITSTATUS(status))
			exits++;
		else
			problem("child %d ended with status 0x%x", kids[i],
				status);
		kids[i] = 0;
	}
}

static void one_op(void);

static void op_fork(void)
{
	int i, n;
	pid_t pid;

	reap(0);
	for (i = 0; i < MAX_KIDS && kids[i]; i++)
		;
	if (i == MAX_KIDS || is_child)
		return;
	n = 5 + below(40);
	rnd();
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		problem("fork: %s", strerror(errno));
		return;
	}
	if (!pid) {
		is_child = 1;
		while (n--)
			one_op();
		_exit(bad);
	}
	forks++;
	kids[i] = pid;
	/* The child may free, allocate and map through every open file. */
	for (i = 0; i < MAX_FDS; i++)
		if (fds[i] >= 0)
			shared[i] = 1;
	/* Kill it at once, a little later, or let it finish. */
	switch (below(3)) {
	case 0:
		kill(pid, SIGKILL);
		break;
	case 1:
		usleep(below(2000));
		kill(pid, SIGKILL);
		break;
	}
}

/*
 * Closes a region that was open at the start to user space, or opens it
 * again, in any spelling user_alloc takes; one in four is left closed.
 * The parent's alone: it then knows which regions are open.
 */
static void op_user_alloc(void)
{
	static const char *const open_words[] = { "1", "y", "on", "1\n", "Y",
						  "ON" };
	static const char *const close_words[] = { "0", "n", "off", "0\n",
						   "N", "OFF" };
	int r = below(nregions), close = !below(4), err;
	const char *word = close ? close_words[below(6)] : open_words[below(6)];

	if (is_child || !regions[r].user0)
		return;
	err = write_file(user_alloc_path(r), word);
	if (err) {
		problem("region %s: writing %s to user_alloc: %s",
			regions[r].name, close ? "0" : "1", strerror(err));
		return;
	}
	regions[r].closed = close;
	switches++;
	if (strcmp(read_line(user_alloc_path(r)), close ? "0" : "1"))
		problem("region %s: user_alloc reads \"%s\" after a %s",
			regions[r].name, read_line(user_alloc_path(r)),
			close ? "close" : "open");
}

/*
 * Sets max_chunks: mostly back to its value at the start, else 1 to 8,
 * which the files on record often hold.  The parent's alone.
 */
static void op_limit(void)
{
	char val[32];
	int err;

	if (is_child)
		return;
	if (below(3))
		snprintf(val, sizeof(val), "%s", limit0);
	else
		snprintf(val, sizeof(val), "%u", 1 + below(8));
	err = write_file(MAX_CHUNKS, val);
	if (err) {
		problem("max_chunks: writing %s: %s", val, strerror(err));
		return;
	}
	limit = strtoull(val, NULL, 0);
	limits++;
	if (strtoull(read_line(MAX_CHUNKS), NULL, 0) != limit)
		problem("max_chunks reads \"%s\" after writing %s",
			read_line(MAX_CHUNKS), val);
}

static void one_op(void)
{
	ops++;
	switch (below(22)) {
	case 0: case 1: case 2: case 3: case 4:
		op_alloc();
		break;
	case 5: case 6: case 7:
		op_free();
		break;
	case 8:
		op_info();
		break;
	case 9: case 10: case 11:
		op_mmap();
		break;
	case 12:
		op_heap();
		break;
	case 13: case 14:
		close_random();
		break;
	case 15:
		op_open();
		break;
	case 16: case 17:
		op_touch();
		break;
	case 18:
		if (!below(8))
			op_fork();
		break;
	case 19:
		op_open();
		op_alloc();
		break;
	case 20:
		if (!below(4))
			op_user_alloc();
		break;
	default:
		if (!below(8))
			op_limit();
		break;
	}
}

int main(int argc, char **argv)
{
	unsigned long long seed, n, total = 0;
	struct timespec t0, t1;
	int i, r;

	if (argc != 3) {
		fprintf(stderr, "usage: cma-fuzz SEED OPS\n");
		return 2;
	}
	seed = strtoull(argv[1], NULL, 0);
	n = strtoull(argv[2], NULL, 0);
	rng = seed * 0x9e3779b97f4a7c15ULL + 1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	find_regions();
	if (!nregions) {
		problem("no named regions in " SYSFS);
		return 1;
	}
	snprintf(limit0, sizeof(limit0), "%s", read_line(MAX_CHUNKS));
	limit = strtoull(limit0, NULL, 0);
	if (!limit)
		problem("max_chunks reads \"%s\"", limit0);
	for (i = 0; i < MAX_FDS; i++)
		fds[i] = -1;
	for (i = 0; i < MAX_BUFS; i++)
		bufs[i] = -1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (ops < n)
		one_op();
	for (i = 0; i < MAX_KIDS; i++)
		if (kids[i] > 0)
			kill(kids[i], SIGKILL);
	reap(1);
	for (i = 0; i < MAX_FDS; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	for (i = 0; i < MAX_BUFS; i++)
		if (bufs[i] >= 0)
			close(bufs[i]);
	for (i = 0; i < MAX_MAPS; i++)
		if (maps[i].addr)
			munmap(maps[i].addr, maps[i].len);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	/* user_alloc and max_chunks as they were at the start. */
	for (r = 0; r < nregions; r++) {
		if (regions[r].user0 && regions[r].closed &&
		    write_file(user_alloc_path(r), "1"))
			problem("region %s: cannot open it again",
				regions[r].name);
		if (strcmp(read_line(user_alloc_path(r)),
			   regions[r].user0 ? "1" : "0"))
			problem("region %s: user_alloc reads \"%s\" at the end, not %d",
				regions[r].name, read_line(user_alloc_path(r)),
				regions[r].user0);
	}
	if (*limit0 && write_file(MAX_CHUNKS, limit0))
		problem("max_chunks: cannot write %s back", limit0);
	if (strcmp(read_line(MAX_CHUNKS), limit0))
		problem("max_chunks reads \"%s\" at the end, not %s",
			read_line(MAX_CHUNKS), limit0);
	printf("FUZZ: seed %llu: %lu operations in %.1f s: %lu allocations (%lu refused), %lu frees, %lu infos, %lu mmaps (%lu refused), %lu heap buffers (%lu refused), %lu forks (%lu killed, %lu exited), %d heaps; %lu user_alloc switches (%lu EPERM), %lu max_chunks changes (%lu ENOSPC), %lu read-only opens (%lu EBADF), %lu private mmaps refused\n",
	       seed, ops, (t1.tv_sec - t0.tv_sec) +
	       (t1.tv_nsec - t0.tv_nsec) / 1e9, allocs, refused, frees, infos,
	       mmaps, map_refused, heaps, heap_refused, forks, kills, exits,
	       nheaps, switches, eperms, limits, enospcs, ro_opens, ebadfs,
	       privates);
	printf("FUZZ: out of memory: %lu with too little free space or no aligned place, %lu in fragmented free space, %lu not judged (a child ran), %lu not judged (a region closed)\n",
	       nomem_short, nomem_frag, nomem_unjudged, nomem_closed);
	for (r = 0; r < nregions; r++)
		printf("FUZZ: region %s: %lu allocations, %lu heap buffers\n",
		       regions[r].name, regions[r].allocs, regions[r].bufs);
	for (r = 0; r < nregions; r++) {
		unsigned long long now = read_free(regions[r].name);

		total += regions[r].free;
		if (now != regions[r].free)
			problem("region %s has %llu bytes free, %llu before",
				regions[r].name, now, regions[r].free);
	}
	printf("FUZZ: %s: %d regions, %llu bytes free, user_alloc and max_chunks (%s), as before\n",
	       bad ? "FAILED" : "restored", nregions, total, limit0);
	return bad;
}
