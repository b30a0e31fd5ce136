// SPDX-License-Identifier: GPL-2.0
/*
 * cma-test: allocate, map, check and free contiguous memory from user
 * space, through /dev/cma and the regions' dma-buf heaps.
 *
 *   cma-test                 interactive (commands on stdin)
 *   cma-test -f FILE         run the commands in FILE
 *   cma-test -c 'CMD; CMD'   run the given commands
 *   cma-test CMD [ARG...]    run that one command
 *
 * "help" lists the commands.  In a script, any command that fails stops
 * nothing but makes the exit status 1; a command prefixed with "! ERRNO"
 * (for example "! ENOENT alloc nodev 4K") must fail with that errno.
 *
 * Copyright (C) 2026 The CMA regions developers
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <linux/capability.h>
#include <linux/cma_regions.h>
#include <linux/dma-buf.h>
#include <linux/dma-heap.h>

#define DEV_CMA		"/dev/cma"
#define HEAP_DIR	"/dev/dma_heap"
#define HEAP_PREFIX	"cma_regions:"
#define SYSFS		"/sys/kernel/mm/contiguous"
#define DEBUGFS		"/sys/kernel/debug/cma_regions"
#define MAX_CHUNKS	4096
#define MAX_ARGS	16
#define QUIT		1	/* run_line(): stop reading commands */

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define __printf(a, b)	__attribute__((format(printf, a, b)))

struct chunk {
	bool live;
	bool heap;		/* a dma-buf; else a /dev/cma chunk */
	int fd;			/* the dma-buf */
	uint32_t id;		/* /dev/cma id */
	__u64 offset;	/* mmap offset */
	__u64 size;
	__u64 start;		/* 0: not shown */
	char region[64];
	char spec[CMA_REGIONS_SPEC_MAX];
};

static struct chunk chunks[MAX_CHUNKS + 1];	/* numbered from 1 */
static int nchunks;
static int cma_fd = -1;
static bool cma_rdonly;		/* "reopen ro": cma_fd is O_RDONLY */
static bool interactive;
static const char *where = "";	/* "FILE:LINE: " for messages */
static pid_t child_pid;
static int snapshot_n;
static struct {
	char name[256];
	__u64 free;
	char alloc[64];
} snapshot[64];
static char snapshot_map[4096];

/*
 * The one-line error of a command: "cma-test: [where]cmd: message".  Takes
 * an errno, returns it negated.
 */
static int __printf(2, 3) fail(int err, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "cma-test: %s", where);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -(err ? err : EINVAL);
}

static const struct { const char *name; int err; } errnames[] = {
	{ "EPERM", EPERM }, { "ENOENT", ENOENT }, { "EIO", EIO },
	{ "EBADF", EBADF }, { "ENOMEM", ENOMEM }, { "EACCES", EACCES },
	{ "EFAULT", EFAULT }, { "EBUSY", EBUSY }, { "EEXIST", EEXIST },
	{ "ENODEV", ENODEV }, { "EINVAL", EINVAL }, { "ENOSPC", ENOSPC },
	{ "E2BIG", E2BIG }, { "ENOTTY", ENOTTY }, { "ERANGE", ERANGE },
	{ "EOVERFLOW", EOVERFLOW }, { "EINTR", EINTR }, { "ESRCH", ESRCH },
};

static const char *errname(int err)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(errnames); i++)
		if (errnames[i].err == err)
			return errnames[i].name;
	return "E?";
}

static int errnum(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(errnames); i++)
		if (!strcmp(errnames[i].name, name))
			return errnames[i].err;
	return 0;
}

/*
 * A size: a number (decimal, 0x hex or 0 octal) with an optional K, M or G
 * suffix.  Returns 0 or EINVAL/ERANGE with a message naming @what.
 */
static int parse_size(const char *s, const char *what, __u64 *val)
{
	unsigned long long v;
	unsigned int shift = 0;
	char *end;

	if (!*s || *s == '-' || isspace((unsigned char)*s))
		return fail(EINVAL, "%s: '%s' is not a number", what, s);
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return fail(errno == ERANGE ? ERANGE : EINVAL,
			    "%s: '%s' is not a number%s", what, s,
			    errno == ERANGE ? " that fits in 64 bits" : "");
	if (*end) {
		const char *units = "KMG", *u = strchr(units, toupper(*end));

		if (u) {
			shift = 10 * (u - units + 1);
			end++;
		}
	}
	if (*end)
		return fail(EINVAL,
			    "%s: '%s': unexpected '%s' (suffixes are K, M and G)",
			    what, s, end);
	if (shift && v > (ULLONG_MAX >> shift))
		return fail(ERANGE, "%s: '%s' does not fit in 64 bits", what,
			    s);
	*val = (__u64)v << shift;
	return 0;
}

/* SIZE[/ALIGN] */
static int parse_size_align(char *s, __u64 *size, __u64 *align)
{
	char *slash = strchr(s, '/');
	int ret;

	*align = 0;
	if (slash) {
		*slash = '\0';
		ret = parse_size(slash + 1, "alignment", align);
		if (ret)
			return ret;
	}
	return parse_size(s, "size", size);
}

static int get_chunk(const char *s, struct chunk **c)
{
	char *end;
	long n = strtol(s, &end, 10);

	if (!*s || *end || n < 1 || n > nchunks)
		return fail(EINVAL, "'%s' is not a chunk number (see 'list')",
			    s);
	if (!chunks[n].live)
		return fail(ENOENT, "chunk %ld was freed", n);
	*c = &chunks[n];
	return 0;
}

/*
 * Opens a device; returns the file or a negative errno.  /dev/cma and the
 * heaps are root's only (mode 0600): say so when that is why.
 */
static int open_dev(const char *path, int flags)
{
	struct stat st;
	int fd, err;

	fd = open(path, flags | O_CLOEXEC);
	if (fd >= 0)
		return fd;
	err = errno;
	if (err == EACCES && !stat(path, &st) && !st.st_uid &&
	    !(st.st_mode & 077))
		return fail(err, "open %s: %s: root only (mode %04o)", path,
			    strerror(err), (unsigned int)st.st_mode & 07777);
	return fail(err, "open %s: %s", path, strerror(err));
}

static int open_cma(void)
{
	int fd;

	if (cma_fd >= 0)
		return 0;
	fd = open_dev(DEV_CMA, cma_rdonly ? O_RDONLY : O_RDWR);
	if (fd < 0)
		return fd;
	cma_fd = fd;
	return 0;
}

/*
 * Reads SYSFS/FILE into @buf, without its newline.  Returns 0 or a negative
 * errno, saying why unless it is EACCES and @root_only: a file only root
 * may read, whose checks the caller skips.
 */
static int sysfs_read(const char *file, char *buf, size_t size,
		      bool root_only)
{
	char path[512];
	ssize_t n;
	int fd, err;

	snprintf(path, sizeof(path), SYSFS "/%s", file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		goto out;
	}
	n = read(fd, buf, size - 1);
	err = n < 0 ? errno : 0;
	close(fd);
	if (err)
		goto out;
	buf[n] = '\0';
	if (n && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	return 0;
out:
	if (err == EACCES && root_only)
		return -err;
	return fail(err, "%s: %s", path, strerror(err));
}

static int read_sysfs(const char *file, char *buf, size_t size)
{
	return sysfs_read(file, buf, size, false);
}

/* A file of regions/REGION/ (a region's directory); see sysfs_read(). */
static int region_read(const char *region, const char *file, char *buf,
		       size_t size, bool root_only)
{
	char rel[320];

	if (snprintf(rel, sizeof(rel), "regions/%s/%s", region, file) >=
	    (int)sizeof(rel))
		return fail(EINVAL, "'%s' is too long for a region", region);
	return sysfs_read(rel, buf, size, root_only);
}

/* A number from regions/REGION/FILE; see sysfs_read() for @root_only. */
static int region_number(const char *region, const char *file, __u64 *v,
			 bool root_only)
{
	char buf[64], what[320];
	int ret;

	ret = region_read(region, file, buf, sizeof(buf), root_only);
	if (ret)
		return ret;
	snprintf(what, sizeof(what), "regions/%s/%s", region, file);
	return parse_size(buf, what, v);
}

static int region_value(const char *region, const char *file, __u64 *v)
{
	return region_number(region, file, v, false);
}

static void print_chunk(int n)
{
	struct chunk *c = &chunks[n];

	printf("%d: %s %s, %llu bytes from %s", n,
	       c->heap ? "heap" : "chunk", c->spec, c->size, c->region);
	if (c->start)
		printf(" at 0x%llx", c->start);
	else
		printf(", address hidden");
	if (!c->heap)
		printf(" (id %u, offset 0x%llx)", c->id, c->offset);
	printf("\n");
}

static int new_chunk(struct chunk **c)
{
	if (nchunks == MAX_CHUNKS)
		return fail(ENOSPC, "the tool holds %d chunks already",
			    MAX_CHUNKS);
	*c = &chunks[++nchunks];
	memset(*c, 0, sizeof(**c));
	(*c)->fd = -1;
	return 0;
}

/* Why /dev/cma or a heap refused an allocation, from its errno. */
static const char *alloc_error(int err)
{
	switch (err) {
	case ENOENT:
		return "no such region, or no rule of the map for it";
	case ENOMEM:
		return "no room";
	case EINVAL:
		return "bad size, alignment or name";
	case EPERM:
		return "region closed to user space: user_alloc is 0";
	case ENOSPC:
		return "this file holds max_chunks chunks";
	case EBADF:
		return DEV_CMA " not open for writing";
	case EINTR:
		return "a fatal signal came while the chunk was cleared";
	}
	return errname(err);
}

/* The errnos of ABI v2, explained after the strerror() text. */
static const char *v2_error(int err)
{
	return err == EPERM || err == ENOSPC || err == EBADF ||
	       err == EINTR ? alloc_error(err) : NULL;
}

static int do_alloc(uint32_t flags, char *spec, char *size_arg)
{
	struct cma_regions_alloc a = { .flags = flags };
	struct chunk *c = NULL;
	int ret;

	ret = parse_size_align(size_arg, &a.size, &a.alignment);
	if (ret)
		return ret;
	if (strlen(spec) >= sizeof(a.spec))
		return fail(EINVAL, "'%s' is longer than %zu characters",
			    spec, sizeof(a.spec) - 1);
	memcpy(a.spec, spec, strlen(spec) + 1);
	ret = open_cma();
	if (ret)
		return ret;
	if (ioctl(cma_fd, CMA_REGIONS_IOC_ALLOC, &a))
		return fail(errno, "cannot allocate %s from %s: %s (%s)",
			    size_arg, spec, strerror(errno),
			    alloc_error(errno));
	ret = new_chunk(&c);
	if (ret) {
		struct cma_regions_free f = { .id = a.id };

		ioctl(cma_fd, CMA_REGIONS_IOC_FREE, &f);
		return ret;
	}
	c->live = true;
	c->id = a.id;
	c->offset = a.offset;
	c->size = a.size;
	c->start = a.start;
	snprintf(c->region, sizeof(c->region), "%s", a.region);
	snprintf(c->spec, sizeof(c->spec), "%s", spec);
	print_chunk(nchunks);
	return 0;
}

static int cmd_heap(char *name, char *size_arg)
{
	struct dma_heap_allocation_data d = {
		.fd_flags = O_RDWR | O_CLOEXEC,
	};
	char path[512];
	struct chunk *c = NULL;
	int fd, ret;
	off_t size;

	ret = parse_size(size_arg, "size", &d.len);
	if (ret)
		return ret;
	snprintf(path, sizeof(path), HEAP_DIR "/%s%s",
		 strchr(name, ':') ? "" : HEAP_PREFIX, name);
	fd = open_dev(path, O_RDONLY);
	if (fd < 0)
		return fd;
	ret = ioctl(fd, DMA_HEAP_IOCTL_ALLOC, &d);
	ret = ret ? errno : 0;
	close(fd);
	if (ret == EPERM)
		return fail(ret, "cannot allocate %s from heap %s: %s (%s)",
			    size_arg, path, strerror(ret), alloc_error(ret));
	if (ret)
		return fail(ret, "cannot allocate %s from heap %s: %s",
			    size_arg, path, strerror(ret));
	/* The kernel's rounding (its page size, not ours): ask the buffer. */
	size = lseek(d.fd, 0, SEEK_END);
	if (size < 0) {
		ret = fail(errno, "lseek of the dma-buf from %s: %s", path,
			   strerror(errno));
		close(d.fd);
		return ret;
	}
	ret = new_chunk(&c);
	if (ret) {
		close(d.fd);
		return ret;
	}
	c->live = true;
	c->heap = true;
	c->fd = d.fd;
	c->size = size;
	snprintf(c->region, sizeof(c->region), "%s",
		 strchr(name, ':') ? strchr(name, ':') + 1 : name);
	snprintf(c->spec, sizeof(c->spec), "%s", name);
	print_chunk(nchunks);
	return 0;
}

/* Maps a chunk whole; the caller unmaps. */
static int map_chunk(struct chunk *c, int fd, uint8_t **p)
{
	void *m;

	m = mmap(NULL, c->size, PROT_READ | PROT_WRITE, MAP_SHARED,
		 c->heap ? fd : cma_fd, c->heap ? 0 : (off_t)c->offset);
	if (m == MAP_FAILED)
		return fail(errno, "mmap: %s", strerror(errno));
	*p = m;
	return 0;
}

/*
 * Brackets CPU access to a chunk: DMA_BUF_IOCTL_SYNC for a dma-buf,
 * CMA_REGIONS_IOC_SYNC (the same flags) for a /dev/cma chunk.
 */
static int sync_buf(struct chunk *c, int fd, __u64 flags)
{
	struct cma_regions_sync cs = { .id = c->id, .flags = flags };
	struct dma_buf_sync s = { .flags = flags };

	if (c->heap ? !ioctl(fd, DMA_BUF_IOCTL_SYNC, &s) :
		      !ioctl(cma_fd, CMA_REGIONS_IOC_SYNC, &cs))
		return 0;
	return fail(errno, "%s (%s): %s",
		    c->heap ? "DMA_BUF_IOCTL_SYNC" : "CMA_REGIONS_IOC_SYNC",
		    flags & DMA_BUF_SYNC_END ? "end" : "start",
		    strerror(errno));
}

/* PATTERN: 0xNN is that byte; anything else is its text, repeated. */
static int parse_pattern(const char *s, uint8_t *buf, size_t *len)
{
	char *end;
	unsigned long v;

	if (!strncmp(s, "0x", 2) && strlen(s) <= 4) {
		v = strtoul(s, &end, 16);
		if (*end || end == s + 2)
			return fail(EINVAL, "pattern '%s': bad byte", s);
		buf[0] = v;
		*len = 1;
		return 0;
	}
	*len = strlen(s);
	if (!*len || *len > 64)
		return fail(EINVAL, "pattern '%s': 1 to 64 characters", s);
	memcpy(buf, s, *len);
	return 0;
}

static int fill_or_check(struct chunk *c, int fd, const char *pat, bool fill)
{
	__u64 dir = fill ? DMA_BUF_SYNC_WRITE : DMA_BUF_SYNC_READ;
	uint8_t pbuf[64], *p = NULL;
	size_t plen = 1, i;
	int ret, end;

	ret = parse_pattern(pat, pbuf, &plen);
	if (ret)
		return ret;
	ret = map_chunk(c, fd, &p);
	if (ret)
		return ret;
	ret = sync_buf(c, fd, DMA_BUF_SYNC_START | dir);
	if (ret)
		goto out;
	for (i = 0; i < c->size; i++) {
		if (fill) {
			p[i] = pbuf[i % plen];
		} else if (p[i] != pbuf[i % plen]) {
			ret = fail(EIO, "check: byte %zu is 0x%02x, not 0x%02x",
				   i, p[i], pbuf[i % plen]);
			break;
		}
	}
	end = sync_buf(c, fd, DMA_BUF_SYNC_END | dir);
	if (!ret)
		ret = end;
out:
	munmap(p, c->size);
	return ret;
}

/* Receives one file descriptor over @sock; returns it or -1. */
static int recv_fd(int sock)
{
	char ctl[CMSG_SPACE(sizeof(int))] = { 0 }, byte;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl, .msg_controllen = sizeof(ctl),
	};
	struct cmsghdr *cm;
	int fd;

	cm = recvmsg(sock, &msg, 0) == 1 ? CMSG_FIRSTHDR(&msg) : NULL;
	if (!cm || cm->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(cm), sizeof(fd));
	return fd;
}

static int send_fd(int sock, int fd)
{
	char ctl[CMSG_SPACE(sizeof(int))] = { 0 }, byte = 0;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl, .msg_controllen = sizeof(ctl),
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(fd));
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -1;
}

/*
 * pass N PATTERN: another process gets the chunk's file and checks the
 * pattern through its own mapping.  It closes the copy fork() gave it and
 * receives the file over a UNIX socket (SCM_RIGHTS), or, in a kernel
 * without networking, takes it with pidfd_getfd(2).
 */
static int cmd_pass(struct chunk *c, const char *pat)
{
	int fd = c->heap ? c->fd : cma_fd, sv[2] = { -1, -1 }, status, pidfd;
	bool sock = !socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	pid_t pid, parent = getpid();

	/* Without CONFIG_NET there are no socket calls at all. */
	if (!sock && errno != ENOSYS && errno != EAFNOSUPPORT)
		return fail(errno, "socketpair: %s", strerror(errno));
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return fail(errno, "fork: %s", strerror(errno));
	if (!pid) {
		close(fd);
		if (sock) {
			close(sv[0]);
			fd = recv_fd(sv[1]);
		} else {
			pidfd = syscall(SYS_pidfd_open, parent, 0);
			fd = pidfd < 0 ? -1 :
			     syscall(SYS_pidfd_getfd, pidfd, fd, 0);
		}
		if (fd < 0)
			_exit(fail(EIO, "pass: no file received: %s",
				   strerror(errno)) ? 1 : 0);
		if (!c->heap)
			cma_fd = fd;
		_exit(fill_or_check(c, fd, pat, false) ? 1 : 0);
	}
	if (sock) {
		close(sv[1]);
		if (send_fd(sv[0], fd))
			fail(errno, "sendmsg: %s", strerror(errno));
		close(sv[0]);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		return fail(EIO, "pass: process %d did not read the pattern",
			    pid);
	printf("process %d got the %s by %s, mapped it and read '%s'\n", pid,
	       c->heap ? "dma-buf" : "/dev/cma file",
	       sock ? "SCM_RIGHTS" : "pidfd_getfd", pat);
	return 0;
}

static int cmd_free(struct chunk *c)
{
	struct cma_regions_free f = { .id = c->id };

	if (c->heap) {
		close(c->fd);
	} else if (ioctl(cma_fd, CMA_REGIONS_IOC_FREE, &f)) {
		if (errno == EBADF)
			return fail(errno, "free: %s (%s)", strerror(errno),
				    alloc_error(errno));
		return fail(errno, "free: %s", strerror(errno));
	}
	c->live = false;
	return 0;
}

static int cmd_info(char *spec, uint32_t flags)
{
	struct cma_regions_info i = { .flags = flags };
	char buf[4096], name[64], alloc[64], start[32], user_alloc[8];
	__u64 size, free, users;
	struct dirent *e;
	DIR *d;
	int ret;

	if (spec) {
		if (strlen(spec) >= sizeof(i.spec))
			return fail(EINVAL, "'%s' is too long", spec);
		memcpy(i.spec, spec, strlen(spec) + 1);
		ret = open_cma();
		if (ret)
			return ret;
		if (ioctl(cma_fd, CMA_REGIONS_IOC_INFO, &i))
			return fail(errno, "info %s: %s", spec,
				    strerror(errno));
		printf("%s: %u region%s, %llu bytes, %llu free", spec,
		       i.count, i.count == 1 ? "" : "s", i.total_size,
		       i.free_size);
		if (i.upper_bound)
			printf(", within 0x%llx-0x%llx\n",
			       i.lower_bound, i.upper_bound);
		else
			printf(", addresses hidden\n");
		return 0;
	}
	d = opendir(SYSFS "/regions");
	if (!d)
		return fail(errno, SYSFS "/regions: %s", strerror(errno));
	printf("%-16s %-18s %12s %12s %6s %10s %s\n", "region", "start",
	       "size", "free", "users", "user_alloc", "allocator");
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || e->d_type != DT_DIR)
			continue;
		/* start is root's only: "-" for others. */
		ret = region_read(e->d_name, "start", start, sizeof(start),
				  true);
		if (ret == -EACCES)
			snprintf(start, sizeof(start), "-");
		else if (ret)
			continue;
		if (region_read(e->d_name, "name", name, sizeof(name),
				false) ||
		    region_read(e->d_name, "alloc", alloc, sizeof(alloc),
				false) ||
		    region_read(e->d_name, "user_alloc", user_alloc,
				sizeof(user_alloc), false) ||
		    region_value(e->d_name, "size", &size) ||
		    region_value(e->d_name, "free", &free) ||
		    region_value(e->d_name, "users", &users))
			continue;
		/* A private region is known by its directory's name. */
		printf("%-16s %-18s %12llu %12llu %6llu %10s %s\n",
		       *name ? name : e->d_name, start, size, free, users,
		       user_alloc, *alloc ? alloc : "-");
	}
	closedir(d);
	if (!read_sysfs("map", buf, sizeof(buf)))
		printf("map: %s\n", buf);
	return 0;
}

/* @v bytes as a person reads them: 12 KiB, 3.5 MiB. */
static const char *human(__u64 v, char *buf, size_t size)
{
	static const char *const unit[] = { "bytes", "KiB", "MiB", "GiB",
					    "TiB" };
	unsigned int u = 0;
	__u64 div = 1;

	while (u + 1 < ARRAY_SIZE(unit) && v >= div * 1024) {
		div *= 1024;
		u++;
	}
	if (v % div)
		snprintf(buf, size, "%.1f %s", (double)v / div, unit[u]);
	else
		snprintf(buf, size, "%llu %s", v / div, unit[u]);
	return buf;
}

/*
 * The free extents of a region's directory by size class, from debugfs:
 * root's, and only with CONFIG_CMA_REGIONS_DEBUGFS.
 */
static void stat_extents(const char *dir)
{
	unsigned long long cls[64], n[64], top = 0;
	char path[512], line[128], a[32], b[32];
	int k = 0, i, marks;
	FILE *f;

	/* sysfs and debugfs number private regions each on their own. */
	if (!strncmp(dir, "private:", 8)) {
		printf("  free extents by size: see " DEBUGFS "/private:*/\n");
		return;
	}
	snprintf(path, sizeof(path), DEBUGFS "/%s/free_extents", dir);
	f = fopen(path, "re");
	if (!f) {
		const char *why = errno == ENOENT ?
			"no CONFIG_CMA_REGIONS_DEBUGFS, or no debugfs mounted" :
			path;

		printf("  free extents by size: %s (%s)\n", strerror(errno),
		       why);
		return;
	}
	/* free, extents and largest come first, by name; then the classes. */
	while (k < 64 && fgets(line, sizeof(line), f))
		if (sscanf(line, "%llu %llu", &cls[k], &n[k]) == 2) {
			if (n[k] > top)
				top = n[k];
			k++;
		}
	/* An allocator that cannot list its free extents: EOPNOTSUPP. */
	if (ferror(f)) {
		printf("  free extents by size: %s\n", strerror(errno));
		fclose(f);
		return;
	}
	fclose(f);
	printf("  free extents by size:%s\n", k ? "" : " none");
	for (i = 0; i < k; i++) {
		/* A bar to compare at a glance: 40 marks for the most. */
		marks = top ? (int)((n[i] * 40 + top - 1) / top) : 0;
		printf("    %9s to %-9s %6llu %.*s\n",
		       human(cls[i], a, sizeof(a)),
		       human(2 * cls[i], b, sizeof(b)), n[i], marks,
		       "########################################");
	}
}

/* stat [REGION]: what a region's allocations came to, and why they failed. */
static int stat_region(const char *dir)
{
	static const char *const files[] = {
		"size", "free", "users", "stats/peak_bytes",
		"stats/peak_chunks", "stats/allocs", "stats/fail_noroom",
		"stats/fail_fragmented", "stats/fail_noalloc",
	};
	__u64 v[ARRAY_SIZE(files)], largest;
	char name[64], path[512], s1[32], s2[32], s3[32], s4[32];
	bool have_largest;
	FILE *f;
	size_t i;
	int ret;

	ret = region_read(dir, "name", name, sizeof(name), false);
	for (i = 0; !ret && i < ARRAY_SIZE(files); i++)
		ret = region_value(dir, files[i], &v[i]);
	if (ret)
		return ret;
	/* Not every allocator can tell (EOPNOTSUPP): not an error here. */
	snprintf(path, sizeof(path), SYSFS "/regions/%s/stats/largest_free",
		 dir);
	f = fopen(path, "re");
	have_largest = f && fscanf(f, "%llu", &largest) == 1;
	if (f)
		fclose(f);
	printf("%s: %s, %s in use by %llu chunk%s (peak %s, %llu chunk%s)\n",
	       *name ? name : dir, human(v[0], s1, sizeof(s1)),
	       human(v[0] - v[1], s2, sizeof(s2)), v[2], v[2] == 1 ? "" : "s",
	       human(v[3], s3, sizeof(s3)), v[4], v[4] == 1 ? "" : "s");
	printf("  allocations: %llu; refused: ", v[5]);
	printf("%llu no room, %llu fragmented, %llu no allocator\n", v[6],
	       v[7], v[8]);
	printf("  free: %s, largest free extent %s\n",
	       human(v[1], s1, sizeof(s1)),
	       have_largest ? human(largest, s4, sizeof(s4)) : "unknown");
	stat_extents(dir);
	return 0;
}

static int cmd_stat(const char *region)
{
	struct dirent *e;
	int ret = 0;
	DIR *d;

	if (region) {
		if (strchr(region, '/') || !strcmp(region, ".") ||
		    !strcmp(region, ".."))
			return fail(EINVAL, "stat: '%s' is not a region", region);
		return stat_region(region);
	}
	d = opendir(SYSFS "/regions");
	if (!d)
		return fail(errno, SYSFS "/regions: %s", strerror(errno));
	while ((e = readdir(d)))
		if (e->d_name[0] != '.' && e->d_type == DT_DIR)
			ret = stat_region(e->d_name) ?: ret;
	closedir(d);
	return ret;
}

/* A region's allocator as sysfs shows it, into @buf. */
static int region_alloc(const char *region, char *buf, size_t size)
{
	char rel[320];

	snprintf(rel, sizeof(rel), "regions/%.256s/alloc", region);
	return read_sysfs(rel, buf, size);
}

/*
 * Every region's free space and allocator, by directory (a named region's
 * is its name), and the map into the snapshot; returns the number of
 * regions.
 */
static int take_snapshot(void)
{
	struct dirent *e;
	DIR *d = opendir(SYSFS "/regions");
	int n = 0;

	while (d && (e = readdir(d)) && n < 64) {
		if (e->d_name[0] == '.' || e->d_type != DT_DIR)
			continue;
		snprintf(snapshot[n].name, sizeof(snapshot[n].name), "%s",
			 e->d_name);
		if (!region_value(e->d_name, "free", &snapshot[n].free) &&
		    !region_alloc(e->d_name, snapshot[n].alloc,
				  sizeof(snapshot[n].alloc)))
			n++;
	}
	if (d)
		closedir(d);
	if (read_sysfs("map", snapshot_map, sizeof(snapshot_map)))
		return 0;
	return n;
}

/* Whether everything take_snapshot() remembered is as it was. */
static int check_snapshot(void)
{
	char buf[sizeof(snapshot_map)];
	__u64 v;
	int i;

	for (i = 0; i < snapshot_n; i++) {
		if (region_value(snapshot[i].name, "free", &v) ||
		    region_alloc(snapshot[i].name, buf, sizeof(buf)))
			return -EIO;
		if (v != snapshot[i].free)
			return fail(EIO,
				    "%s has %llu bytes free, %llu at the snapshot",
				    snapshot[i].name, v, snapshot[i].free);
		if (strcmp(buf, snapshot[i].alloc))
			return fail(EIO,
				    "%s has allocator '%s', '%s' at the snapshot",
				    snapshot[i].name, buf, snapshot[i].alloc);
	}
	if (read_sysfs("map", buf, sizeof(buf)))
		return -EIO;
	if (strcmp(buf, snapshot_map))
		return fail(EIO, "the map is '%s', '%s' at the snapshot", buf,
			    snapshot_map);
	return snapshot_n ? 0 : fail(EIO, "no snapshot taken");
}

static int cmd_expect(int argc, char **argv)
{
	__u64 start, size, v;
	struct chunk *c = NULL;
	int ret;

	if (argc == 4 && !strcmp(argv[2], "in")) {
		ret = get_chunk(argv[1], &c);
		if (ret)
			return ret;
		if (strcmp(c->region, argv[3]))
			return fail(EIO, "chunk %s is from %s, not %s",
				    argv[1], c->region, argv[3]);
		/* Where it is: only if both addresses are known. */
		if (!c->start)
			return 0;
		ret = region_number(argv[3], "start", &start, true);
		if (ret == -EACCES)
			return 0;
		if (ret || region_value(argv[3], "size", &size))
			return -EIO;
		if (c->start < start || c->start + c->size > start + size)
			return fail(EIO,
				    "chunk %s at 0x%llx is outside %s (0x%llx, %llu bytes)",
				    argv[1], c->start, argv[3], start, size);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[2], "hidden")) {
		ret = get_chunk(argv[1], &c);
		if (ret)
			return ret;
		return c->start ? fail(EIO, "chunk %s shows its address",
				       argv[1]) : 0;
	}
	if (argc == 4 && !strcmp(argv[1], "free")) {
		ret = parse_size(argv[3], "bytes", &v);
		if (ret || region_value(argv[2], "free", &size))
			return -EIO;
		return size == v ? 0 :
		       fail(EIO, "%s has %llu bytes free, not %llu",
			    argv[2], size, v);
	}
	if (argc == 4 && !strcmp(argv[1], "info") &&
	    !strcmp(argv[3], "hidden")) {
		struct cma_regions_info info = { .flags = CMA_REGIONS_BY_NAME };

		if (strlen(argv[2]) >= sizeof(info.spec))
			return fail(EINVAL, "'%s' is too long", argv[2]);
		memcpy(info.spec, argv[2], strlen(argv[2]) + 1);
		ret = open_cma();
		if (ret)
			return ret;
		if (ioctl(cma_fd, CMA_REGIONS_IOC_INFO, &info))
			return fail(errno, "info %s: %s", argv[2],
				    strerror(errno));
		if (!info.count || info.lower_bound || info.upper_bound)
			return fail(EIO,
				    "info %s: %u regions within 0x%llx-0x%llx",
				    argv[2], info.count, info.lower_bound,
				    info.upper_bound);
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "restored"))
		return check_snapshot();
	return fail(EINVAL, "expect: not a form 'help' lists");
}

/*
 * Decodes \n, \t, \s (space), \\ and \xHH in place, so a script can
 * write any byte (a NUL too); returns the length, or -1 for a bad escape.
 */
static int unescape(char *s)
{
	char *in = s, *out = s;
	unsigned int v;

	while (*in) {
		if (*in != '\\') {
			*out++ = *in++;
			continue;
		}
		in++;
		switch (*in++) {
		case 'n':
			*out++ = '\n';
			break;
		case 't':
			*out++ = '\t';
			break;
		case 's':
			*out++ = ' ';
			break;
		case '\\':
			*out++ = '\\';
			break;
		case 'x':
			if (!isxdigit((unsigned char)in[0]) ||
			    !isxdigit((unsigned char)in[1]) ||
			    sscanf(in, "%2x", &v) != 1)
				return -1;
			*out++ = v;
			in += 2;
			break;
		default:
			return -1;
		}
	}
	*out = '\0';
	return out - s;
}

static int cmd_sysfs(char *file, char *value)
{
	char path[512], buf[4096];
	ssize_t n;
	int fd, len;

	if (strstr(file, ".."))
		return fail(EINVAL, "sysfs: '%s' leaves " SYSFS, file);
	if (!value) {
		len = read_sysfs(file, buf, sizeof(buf));
		if (len)
			return len;
		printf("%s\n", buf);
		return 0;
	}
	len = unescape(value);
	if (len < 0)
		return fail(EINVAL, "sysfs: bad escape in the value");
	snprintf(path, sizeof(path), SYSFS "/%s", file);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return fail(errno, "%s: %s", path, strerror(errno));
	n = write(fd, value, len);
	n = n < 0 ? errno : 0;
	close(fd);
	if (n)
		return fail(n, "write '%s' to %s: %s", value, path,
			    strerror(n));
	return 0;
}

/* Drops CAP_SYS_ADMIN, keeping the other capabilities and the uid. */
static int drop_sys_admin(void)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return fail(errno, "capget: %s", strerror(errno));
	d[CAP_SYS_ADMIN / 32].effective &= ~(1U << (CAP_SYS_ADMIN % 32));
	d[CAP_SYS_ADMIN / 32].permitted &= ~(1U << (CAP_SYS_ADMIN % 32));
	if (syscall(SYS_capset, &h, d))
		return fail(errno, "capset: %s", strerror(errno));
	return 0;
}

/*
 * user UID: drops the supplementary groups, then becomes UID (as user and
 * group) for good.
 */
static int cmd_user(const char *arg)
{
	__u64 v;
	int ret;

	ret = parse_size(arg, "uid", &v);
	if (ret)
		return ret;
	if (v >= (uid_t)-1)
		return fail(ERANGE, "uid: '%s' is not a user id", arg);
	if (setgroups(0, NULL))
		return fail(errno, "user %s: setgroups: %s", arg,
			    strerror(errno));
	if (setresgid(v, v, v))
		return fail(errno, "user %s: setresgid: %s", arg,
			    strerror(errno));
	if (setresuid(v, v, v))
		return fail(errno, "user %s: setresuid: %s", arg,
			    strerror(errno));
	return 0;
}

static int run_line(char *line);

/*
 * Where the command at @s is "child", after any "! ERRNO": the text after
 * that word.  NULL for any other command.
 */
static char *child_word(char *s)
{
	s += strspn(s, " \t");
	if (strcspn(s, " \t;") == 1 && *s == '!') {
		s++;
		s += strspn(s, " \t");
		s += strcspn(s, " \t;");
		s += strspn(s, " \t");
	}
	return strcspn(s, " \t;") == 5 && !strncmp(s, "child", 5) ? s + 5 :
	       NULL;
}

/* The '}' matching the '{' at @s, or the end of the string. */
static char *match_brace(char *s)
{
	int depth = 0;

	for (; *s; s++) {
		if (*s == '{')
			depth++;
		else if (*s == '}' && !--depth)
			break;
	}
	return s;
}

/*
 * Cuts the first command off the ';'-separated list at @*s, advancing @*s
 * past it; returns it, or NULL at the end of the list.  A "child" command
 * is "child { CMD; CMD }", up to the matching '}', or "child CMD; CMD",
 * which takes the rest of the list.
 */
static char *next_cmd(char **s)
{
	char *cmd = *s, *p;

	if (!*cmd)
		return NULL;
	p = child_word(cmd);
	if (p) {
		p += strspn(p, " \t");
		if (*p != '{') {
			*s = p + strlen(p);
			return cmd;
		}
		p = match_brace(p);
	} else {
		p = cmd;
	}
	p += strcspn(p, ";");
	if (*p)
		*p++ = '\0';
	*s = p;
	return cmd;
}

/*
 * Runs the ';'-separated commands of @list.  Returns QUIT if one was
 * "quit", else 0; sets *@bad if one failed.
 */
static int run_list(char *list, bool *bad)
{
	char *cmd;
	int ret;

	while ((cmd = next_cmd(&list))) {
		ret = run_line(cmd);
		if (ret == QUIT)
			return QUIT;
		*bad |= ret != 0;
	}
	return 0;
}

/*
 * child CMD; CMD... or child { CMD; CMD }: runs them in a process that then
 * waits to be killed.
 */
static int cmd_child(char *cmds)
{
	char *end;
	int pfd[2];
	char ok;

	if (child_pid)
		return fail(EBUSY, "child: one is running already");
	cmds += strspn(cmds, " \t");
	if (*cmds == '{') {
		end = match_brace(cmds);
		if (!*end)
			return fail(EINVAL, "child: '{' without its '}'");
		*end++ = '\0';
		end += strspn(end, " \t");
		if (*end)
			return fail(EINVAL, "child: '%s' after '}'", end);
		cmds++;
	}
	if (pipe(pfd))
		return fail(errno, "pipe: %s", strerror(errno));
	fflush(NULL);
	child_pid = fork();
	if (child_pid < 0) {
		child_pid = 0;
		return fail(errno, "fork: %s", strerror(errno));
	}
	if (!child_pid) {
		bool bad = false;

		close(pfd[0]);
		/* Its own child, if it makes one, dies with it. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		run_list(cmds, &bad);
		fflush(NULL);
		ok = bad ? 'F' : 'K';
		if (write(pfd[1], &ok, 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(pfd[1]);
	if (read(pfd[0], &ok, 1) != 1 || ok != 'K') {
		close(pfd[0]);
		kill(child_pid, SIGKILL);
		waitpid(child_pid, NULL, 0);
		child_pid = 0;
		return fail(EIO, "child: its commands failed");
	}
	close(pfd[0]);
	printf("child %d holds its chunks\n", child_pid);
	return 0;
}

static int cmd_kill(void)
{
	int status;

	if (!child_pid)
		return fail(ESRCH, "kill: no child");
	kill(child_pid, SIGKILL);
	waitpid(child_pid, &status, 0);
	printf("child %d killed\n", child_pid);
	child_pid = 0;
	return 0;
}

/* ioctl alloc|free|info FIELD=VALUE...: any argument, for bad ones. */
static int cmd_ioctl(int argc, char **argv)
{
	union {
		struct cma_regions_alloc a;
		struct cma_regions_free f;
		struct cma_regions_info i;
	} u;
	unsigned long req;
	int k, ret;

	memset(&u, 0, sizeof(u));
	if (argc < 2)
		return fail(EINVAL, "ioctl alloc|free|info FIELD=VALUE...");
	if (!strcmp(argv[1], "alloc"))
		req = CMA_REGIONS_IOC_ALLOC;
	else if (!strcmp(argv[1], "free"))
		req = CMA_REGIONS_IOC_FREE;
	else if (!strcmp(argv[1], "info"))
		req = CMA_REGIONS_IOC_INFO;
	else if (!strcmp(argv[1], "unknown"))	/* a number /dev/cma lacks */
		req = _IOWR(CMA_REGIONS_IOC_MAGIC, 0x0f,
			    struct cma_regions_free);
	else
		return fail(EINVAL,
			    "ioctl: '%s' is not alloc, free, info or unknown",
			    argv[1]);
	for (k = 2; k < argc; k++) {
		char *eq = strchr(argv[k], '=');
		__u64 v = 0;
		char *f = argv[k];

		if (!eq)
			return fail(EINVAL, "ioctl: '%s' is not FIELD=VALUE",
				    f);
		*eq++ = '\0';
		if (strcmp(f, "spec")) {
			ret = parse_size(eq, f, &v);
			if (ret)
				return ret;
		}
		bool is_a = req == CMA_REGIONS_IOC_ALLOC;
		bool is_f = req == CMA_REGIONS_IOC_FREE;
		bool is_i = req == CMA_REGIONS_IOC_INFO;

		/* flags, id and count are __u32: never cut a value short. */
		if ((!strcmp(f, "flags") || !strcmp(f, "id") ||
		     !strcmp(f, "count")) && v > 0xffffffffULL)
			return fail(ERANGE,
				    "ioctl: %s=%s does not fit in 32 bits",
				    f, eq);

		if (!strcmp(f, "spec") && !is_f) {
			int len = unescape(eq);

			if (len < 0 || len >= CMA_REGIONS_SPEC_MAX)
				return fail(EINVAL, "ioctl: bad spec");
			memcpy(is_a ? u.a.spec : u.i.spec, eq, len);
			continue;
		}
		if (!strcmp(f, "spec-unterminated") && !is_f)
			memset(is_a ? u.a.spec : u.i.spec, 'a',
			       CMA_REGIONS_SPEC_MAX);
		else if (!strncmp(f, "reserved", 8) && f[8] >= '0' &&
			 f[8] <= (is_f ? '2' : '3') && !f[9])
			*(is_a ? &u.a.reserved[f[8] - '0'] :
			  is_i ? &u.i.reserved[f[8] - '0'] :
			  &u.f.reserved[f[8] - '0']) = v;
		else if (is_a && !strcmp(f, "size"))
			u.a.size = v;
		else if (is_a && !strcmp(f, "alignment"))
			u.a.alignment = v;
		else if (is_a && !strcmp(f, "flags"))
			u.a.flags = v;
		else if (is_a && !strcmp(f, "start"))
			u.a.start = v;
		else if (is_f && !strcmp(f, "id"))
			u.f.id = v;
		else if (is_f && !strcmp(f, "flags"))
			u.f.flags = v;
		else if (is_i && !strcmp(f, "flags"))
			u.i.flags = v;
		else if (is_i && !strcmp(f, "count"))
			u.i.count = v;
		else if (is_i && !strcmp(f, "free_size"))
			u.i.free_size = v;
		else
			return fail(EINVAL, "ioctl %s: no field '%s'",
				    argv[1], f);
	}
	ret = open_cma();
	if (ret)
		return ret;
	if (ioctl(cma_fd, req, &u)) {
		const char *why = req == CMA_REGIONS_IOC_INFO ? NULL :
				  v2_error(errno);

		if (why)
			return fail(errno, "ioctl %s: %s (%s)", argv[1],
				    strerror(errno), why);
		return fail(errno, "ioctl %s: %s", argv[1], strerror(errno));
	}
	if (req == CMA_REGIONS_IOC_ALLOC) {
		struct chunk *c = NULL;

		ret = new_chunk(&c);
		if (ret)
			return ret;
		c->live = true;
		c->id = u.a.id;
		c->offset = u.a.offset;
		c->size = u.a.size;
		c->start = u.a.start;
		snprintf(c->region, sizeof(c->region), "%s", u.a.region);
		snprintf(c->spec, sizeof(c->spec), "%s", u.a.spec);
		print_chunk(nchunks);
	}
	printf("ioctl %s: done\n", argv[1]);
	return 0;
}

/* mmap N [LENGTH [OFFSET]] [private]: a raw mapping, for bad ones. */
static int cmd_mmap(int argc, char **argv)
{
	__u64 len, off;
	bool priv = false;
	struct chunk *c = NULL;
	void *p;
	int ret;

	if (argc > 2 && !strcmp(argv[argc - 1], "private")) {
		priv = true;
		argc--;
	}
	if (argc < 2 || argc > 4)
		return fail(EINVAL, "mmap N [LENGTH [OFFSET]] [private]");
	ret = get_chunk(argv[1], &c);
	if (ret)
		return ret;
	len = c->size;
	off = c->heap ? 0 : c->offset;
	ret = argc > 2 ? parse_size(argv[2], "length", &len) : 0;
	if (!ret && argc > 3)
		ret = parse_size(argv[3], "offset", &off);
	if (ret)
		return ret;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 priv ? MAP_PRIVATE : MAP_SHARED, c->heap ? c->fd : cma_fd,
		 (off_t)off);
	if (p == MAP_FAILED)
		return fail(errno, "mmap: %s", strerror(errno));
	munmap(p, len);
	printf("mapped %llu bytes at offset 0x%llx\n", len, off);
	return 0;
}

static const char *const usage_text[] = {
	"commands (SIZE: 4096, 0x1000, 64K, 4M, 1G; ALIGN: a power of two):",
	"  help                      this text",
	"  info [REGIONS]            every region (sysfs), or what REGIONS offer",
	"  regions                   every region (sysfs), as 'info' lists them",
	"  devinfo DEV[/TYPE]        what the map offers DEV's TYPE",
	"  stat [REGION]             what a region's (every region's)",
	"                            allocations came to: use, peaks, refusals",
	"                            by reason, free extents by size (debugfs)",
	"  alloc DEV[/TYPE] SIZE[/ALIGN]  allocate as DEV's driver would",
	"  from REGIONS SIZE[/ALIGN] allocate from the first of REGIONS with room",
	"  heap NAME SIZE            allocate a dma-buf from heap NAME",
	"  list                      the chunks held",
	"  write N PATTERN           fill chunk N through mmap (PATTERN: text, or",
	"                            0xNN for a byte)",
	"  check N PATTERN           check chunk N holds PATTERN",
	"  pass N PATTERN            another process gets chunk N over a socket",
	"                            and checks PATTERN",
	"  free N                    free chunk N",
	"  sysfs FILE [VALUE]        read or write " SYSFS "/FILE; VALUE",
	"                            may hold \\n, \\t, \\s (space), \\\\, \\xHH",
	"  snapshot                  remember every region's free space and",
	"                            allocator, and the map",
	"  expect N in REGION | N hidden | info REGIONS hidden |",
	"         free REGION BYTES | restored",
	"  child { CMD[; CMD...] }   run the CMDs in a child process, which then",
	"                            holds its chunks until 'kill'",
	"  child CMD[; CMD...]       the same, the child's CMDs being the rest",
	"                            of the line (with -c: of the string); so",
	"                            -c 'child { A; B }; C' runs C here, and",
	"                            -c 'child A; B; C' runs all in the child",
	"  kill                      kill the child (SIGKILL)",
	"  drop-admin                drop CAP_SYS_ADMIN",
	"  user UID                  drop the supplementary groups, become user",
	"                            and group UID",
	"  reopen [ro]               close and open " DEV_CMA " again",
	"                            (ro: read-only, ALLOC and FREE fail with",
	"                            EBADF)",
	"  ioctl alloc|free|info|unknown FIELD=VALUE...  raw ioctl",
	"  mmap N [LENGTH [OFFSET]] [private]    raw mmap",
	"  sleep SECONDS",
	"  quit",
	"prefix '! ERRNO' (e.g. '! ENOENT') to require a failure with that errno",
	"region files: " SYSFS "/regions/NAME/ (a private",
	"region: the directory 'regions' shows); 'sysfs regions/NAME/user_alloc",
	"0' closes NAME to user space (EPERM), '... 1' opens it again; 'start'",
	"is root's only ('-' in 'regions' for other users)",
	"",
	"usage: cma-test                 commands from stdin",
	"       cma-test -f FILE         the commands of FILE (- for stdin)",
	"       cma-test -c 'CMD; CMD'   the commands of the string",
	"       cma-test CMD [ARG...]    that one command ('cma-test help')",
	"exit status 0 if every command did what was asked, 1 if not, 2 for a",
	"bad option",
};

static void usage(FILE *f)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(usage_text); i++)
		fprintf(f, "%s\n", usage_text[i]);
}

/* Does a command have @lo to @hi arguments?  Says how to use it if not. */
static bool bad_args(int argc, int lo, int hi, const char *use)
{
	if (argc >= lo + 1 && argc <= hi + 1)
		return false;
	fail(EINVAL, "usage: %s", use);
	return true;
}

/* Runs one command; returns 0 or a negative errno. */
static int run_cmd(int argc, char **argv)
{
	const char *cmd = argv[0];
	struct chunk *c = NULL;
	__u64 v;
	int ret, i;

	if (!strcmp(cmd, "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(cmd, "info")) {
		if (bad_args(argc, 0, 1, "info [REGIONS]"))
			return -EINVAL;
		return cmd_info(argv[1], CMA_REGIONS_BY_NAME);
	}
	if (!strcmp(cmd, "regions")) {
		if (bad_args(argc, 0, 0, "regions"))
			return -EINVAL;
		return cmd_info(NULL, CMA_REGIONS_BY_NAME);
	}
	if (!strcmp(cmd, "stat")) {
		if (bad_args(argc, 0, 1, "stat [REGION]"))
			return -EINVAL;
		return cmd_stat(argv[1]);
	}
	if (!strcmp(cmd, "devinfo")) {
		if (bad_args(argc, 1, 1, "devinfo DEV[/TYPE]"))
			return -EINVAL;
		return cmd_info(argv[1], CMA_REGIONS_BY_DEVICE);
	}
	if (!strcmp(cmd, "alloc")) {
		if (bad_args(argc, 2, 2, "alloc DEV[/TYPE] SIZE[/ALIGN]"))
			return -EINVAL;
		return do_alloc(CMA_REGIONS_BY_DEVICE, argv[1], argv[2]);
	}
	if (!strcmp(cmd, "from")) {
		if (bad_args(argc, 2, 2, "from REGIONS SIZE[/ALIGN]"))
			return -EINVAL;
		return do_alloc(CMA_REGIONS_BY_NAME, argv[1], argv[2]);
	}
	if (!strcmp(cmd, "heap")) {
		if (bad_args(argc, 2, 2, "heap NAME SIZE"))
			return -EINVAL;
		return cmd_heap(argv[1], argv[2]);
	}
	if (!strcmp(cmd, "list")) {
		if (bad_args(argc, 0, 0, "list"))
			return -EINVAL;
		for (i = 1; i <= nchunks; i++)
			if (chunks[i].live)
				print_chunk(i);
		return 0;
	}
	if (!strcmp(cmd, "write") || !strcmp(cmd, "check") ||
	    !strcmp(cmd, "pass")) {
		if (bad_args(argc, 2, 2, "write|check|pass N PATTERN"))
			return -EINVAL;
		ret = get_chunk(argv[1], &c);
		if (ret)
			return ret;
		if (!strcmp(cmd, "pass"))
			return cmd_pass(c, argv[2]);
		return fill_or_check(c, c->fd, argv[2], cmd[0] == 'w');
	}
	if (!strcmp(cmd, "free")) {
		if (bad_args(argc, 1, 1, "free N"))
			return -EINVAL;
		ret = get_chunk(argv[1], &c);
		return ret ? ret : cmd_free(c);
	}
	if (!strcmp(cmd, "sysfs")) {
		if (bad_args(argc, 1, 2, "sysfs FILE [VALUE]"))
			return -EINVAL;
		return cmd_sysfs(argv[1], argv[2]);
	}
	if (!strcmp(cmd, "snapshot")) {
		if (bad_args(argc, 0, 0, "snapshot"))
			return -EINVAL;
		snapshot_n = take_snapshot();
		printf("free space of %d regions remembered\n", snapshot_n);
		return 0;
	}
	if (!strcmp(cmd, "expect"))
		return cmd_expect(argc, argv);
	if (!strcmp(cmd, "kill")) {
		if (bad_args(argc, 0, 0, "kill"))
			return -EINVAL;
		return cmd_kill();
	}
	if (!strcmp(cmd, "drop-admin")) {
		if (bad_args(argc, 0, 0, "drop-admin"))
			return -EINVAL;
		return drop_sys_admin();
	}
	if (!strcmp(cmd, "user")) {
		if (bad_args(argc, 1, 1, "user UID"))
			return -EINVAL;
		return cmd_user(argv[1]);
	}
	if (!strcmp(cmd, "reopen")) {
		if (bad_args(argc, 0, 1, "reopen [ro]"))
			return -EINVAL;
		if (argc == 2 && strcmp(argv[1], "ro"))
			return fail(EINVAL, "usage: reopen [ro]");
		if (cma_fd >= 0)
			close(cma_fd);
		cma_fd = -1;
		cma_rdonly = argc == 2;
		return open_cma();
	}
	if (!strcmp(cmd, "ioctl"))
		return cmd_ioctl(argc, argv);
	if (!strcmp(cmd, "mmap"))
		return cmd_mmap(argc, argv);
	if (!strcmp(cmd, "sleep")) {
		if (bad_args(argc, 1, 1, "sleep SECONDS"))
			return -EINVAL;
		ret = parse_size(argv[1], "seconds", &v);
		if (!ret)
			sleep(v);
		return ret;
	}
	return fail(EINVAL, "unknown command '%s' (try 'help')", cmd);
}

/*
 * "child WORD...", from the command line of the tool: the words, joined
 * with spaces, are the child's commands.
 */
static int child_words(int argc, char **argv)
{
	static char list[4096];
	size_t len = 0;
	int i, n;

	if (argc < 2)
		return fail(EINVAL,
			    "usage: child { CMD[; CMD...] } | child CMD[; CMD...]");
	if (argc == 2)
		return cmd_child(argv[1]);
	for (i = 1; i < argc; i++) {
		n = snprintf(list + len, sizeof(list) - len, "%s%s",
			     i > 1 ? " " : "", argv[i]);
		if (n < 0 || (size_t)n >= sizeof(list) - len)
			return fail(E2BIG, "child: longer than %zu characters",
				    sizeof(list) - 1);
		len += n;
	}
	return cmd_child(list);
}

/*
 * Runs a command split into words: "quit", "child ...", any other, each
 * perhaps after "! ERRNO".  Returns 0 if it did what was asked, QUIT, or
 * a negative errno.
 */
static int run_words(int argc, char **argv)
{
	int want = 0, ret;

	if (!strcmp(argv[0], "!")) {
		want = argc < 3 ? 0 : errnum(argv[1]);
		if (!want)
			return fail(EINVAL,
				    "'!' takes an errno name (ENOENT, ...) and a command");
		memmove(argv, argv + 2, (argc - 1) * sizeof(*argv));
		argc -= 2;
	}
	if (!strcmp(argv[0], "quit"))
		return QUIT;
	if (!strcmp(argv[0], "child"))
		ret = child_words(argc, argv);
	else
		ret = run_cmd(argc, argv);
	if (!want)
		return ret;
	if (ret == -want) {
		printf("failed with %s, as expected\n", errname(want));
		return 0;
	}
	return fail(EIO, "%s: %s instead of %s", argv[0],
		    ret ? errname(-ret) : "success", errname(want));
}

/*
 * Splits @line into words (the commands of a "child", '{' to '}' or to the
 * end of the line, are one) and runs it.  Returns as run_words() does.
 */
static int run_line(char *line)
{
	char *argv[MAX_ARGS + 1], *p = line, *hash;
	int argc = 0;

	hash = strchr(line, '#');
	if (hash)
		*hash = '\0';
	while (argc < MAX_ARGS) {
		while (isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		if ((argc == 1 || (argc == 3 && !strcmp(argv[0], "!"))) &&
		    !strcmp(argv[argc - 1], "child")) {
			argv[argc++] = p;
			p += strlen(p);
			break;
		}
		argv[argc++] = p;
		while (*p && !isspace((unsigned char)*p))
			p++;
		if (*p)
			*p++ = '\0';
	}
	argv[argc] = NULL;
	if (!argc)
		return 0;
	if (argc == MAX_ARGS && *p)
		return fail(E2BIG, "more than %d words", MAX_ARGS);
	return run_words(argc, argv);
}

static int run_stream(FILE *f, const char *name)
{
	char line[4096], at[512];
	int lineno = 0, bad = 0, ret;

	for (;;) {
		if (interactive) {
			printf("cma> ");
			fflush(stdout);
		}
		if (!fgets(line, sizeof(line), f))
			break;
		lineno++;
		line[strcspn(line, "\n")] = '\0';
		if (!interactive) {
			snprintf(at, sizeof(at), "%s:%d: ", name, lineno);
			where = at;
		}
		ret = run_line(line);
		if (ret == QUIT)
			break;
		bad |= ret != 0;
		fflush(stdout);
		fflush(stderr);
		/*
		 * On a console, the command's output is out before the next
		 * command can make the kernel log a line inside it.
		 */
		if (!interactive)
			tcdrain(STDOUT_FILENO);
	}
	return bad;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool bad = false, ran = false;
	int opt, ret;
	FILE *f;

	/* '+': the first word that is not an option starts a command. */
	while ((opt = getopt_long(argc, argv, "+f:c:h", longopts,
				  NULL)) != -1) {
		ran = true;
		switch (opt) {
		case 'f':
			f = strcmp(optarg, "-") ? fopen(optarg, "r") : stdin;
			if (!f) {
				fprintf(stderr, "cma-test: %s: %s\n", optarg,
					strerror(errno));
				return 2;
			}
			bad |= run_stream(f, optarg);
			break;
		case 'c':
			where = "-c: ";
			run_list(optarg, &bad);
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		where = "";
		ret = run_words(argc - optind, argv + optind);
		bad |= ret && ret != QUIT;
	} else if (!ran) {
		interactive = isatty(0);
		bad = run_stream(stdin, "stdin");
	}
	if (child_pid)
		cmd_kill();
	return bad ? 1 : 0;
}
