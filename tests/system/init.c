// SPDX-License-Identifier: GPL-2.0
/*
 * /init of the QEMU system-test initramfs: mounts what it needs, reports
 * what user space sees of the contiguous memory regions on the console as
 * "SYS: " lines, tries well-formed and malformed writes to the sysfs files
 * (each reported as "SYS: check DESC: ok" or ": FAIL ..."), walks the
 * sysfs tree as an unprivileged user looking for physical addresses,
 * checks what /dev/cma and the heaps promise user space (see abi_checks())
 * in the scenarios that ask for user-space programs, and powers off.
 * Static, so one binary per architecture and nothing else in the image.
 * The host side (tests/system/run.py) asserts on the lines.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/cma_regions.h>
#include <linux/dma-heap.h>

static void say(const char *key, const char *val)
{
	printf("SYS: %s %s\n", key, val);
}

/* Prints the lines of @path holding @needle (all if NULL) as "SYS: key". */
static void dump(const char *key, const char *path, const char *needle)
{
	char line[512];
	FILE *f = fopen(path, "r");

	if (!f) {
		printf("SYS: %s-missing %s: %s\n", key, path, strerror(errno));
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!needle || strstr(line, needle))
			say(key, line);
	}
	fclose(f);
}

/*
 * With kmemleak built in, look for leaks once the scenario is over.  An
 * object is reported only when it is older than the minimum age (five
 * seconds) and a scan finds it unreferenced with the same checksum as the
 * scan before: a new object's first scan only records its checksum.  So
 * wait past the age, scan twice, then read the report.
 */
static int kmemleak_write(const char *path, const char *cmd)
{
	int fd = open(path, O_WRONLY);
	ssize_t n = fd < 0 ? -1 : write(fd, cmd, strlen(cmd));

	if (n != (ssize_t)strlen(cmd))
		printf("SYS: kmemleak-scan-failed %s\n", strerror(errno));
	if (fd >= 0)
		close(fd);
	return n == (ssize_t)strlen(cmd) ? 0 : -1;
}

static void kmemleak_scan(void)
{
	const char *path = "/sys/kernel/debug/kmemleak";
	char line[512];
	int scans = 0;
	FILE *f;

	if (access(path, F_OK))
		return;
	sleep(6);
	while (scans < 2 && !kmemleak_write(path, "scan"))
		scans++;
	if (scans < 2)
		return;
	f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		printf("SYS: kmemleak: %s\n", line);
	}
	fclose(f);
	say("kmemleak-scanned", "twice");
}

#define CONTIG "/sys/kernel/mm/contiguous"
#define MAP_MAX 4094	/* CMA_MAP_MAX: 4 KiB - 2, whatever the page size */

/* @s[0..len) with \n, \0 and other control characters escaped. */
static const char *esc(const char *s, size_t len)
{
	static char out[4 * 4096 + 1];
	size_t i, o = 0;

	for (i = 0; i < len && o < sizeof(out) - 5; i++) {
		unsigned char c = s[i];

		if (c == '\\' || c < 0x20 || c >= 0x7f)
			o += sprintf(out + o, "\\x%02x", c);
		else
			out[o++] = c;
	}
	out[o] = '\0';
	return out;
}

/* Reads a sysfs file whole; returns its length or -errno. */
static ssize_t get(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	if (n < 0)
		n = -errno;
	else
		buf[n] = '\0';
	close(fd);
	return n;
}

/* One write(2) of @len bytes; returns 0 or the errno. */
static int put(const char *path, const char *val, size_t len)
{
	int fd = open(path, O_WRONLY), err = 0;
	ssize_t n;

	if (fd < 0)
		return errno;
	n = write(fd, val, len);
	if (n < 0)
		err = errno;
	else if ((size_t)n != len)
		err = -1;
	close(fd);
	return err;
}

static int checks_failed;
static void mnt(const char *src, const char *dst, const char *type);

/*
 * The kernel writes its messages to the serial console directly, while
 * ours drain through the tty: a message of the next check (a refused
 * write logs one) would land inside this line.  So the line is out on the
 * wire before the next check starts.
 */
static void check(const char *desc, int ok, const char *detail)
{
	printf("SYS: check %s: %s%s%s\n", desc, ok ? "ok" : "FAIL",
	       ok ? "" : " ", ok ? "" : detail);
	fflush(stdout);
	tcdrain(STDOUT_FILENO);
	checks_failed += !ok;
}

/* The value of a one-line file without its newline, "" if unreadable. */
static const char *value(const char *path)
{
	static char buf[4097];
	ssize_t n = get(path, buf, sizeof(buf));

	if (n <= 0)
		return "";
	if (buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	return buf;
}

static void show_file(const char *rel)
{
	char path[512], buf[4097];
	struct stat st;
	ssize_t n;

	snprintf(path, sizeof(path), CONTIG "/%s", rel);
	if (stat(path, &st)) {
		printf("SYS: sysfs-missing %s: %s\n", rel, strerror(errno));
		return;
	}
	printf("SYS: sysfs-file %s %o\n", rel, st.st_mode & 0777);
	n = get(path, buf, sizeof(buf));
	if (n < 0)
		printf("SYS: sysfs-unreadable %s: %s\n", rel, strerror(-n));
	else
		printf("SYS: sysfs-value %s %s\n", rel, esc(buf, n));
}

/* The files of a region's subdirectory (stats/). */
static void show_subdir(const char *dir)
{
	char path[700], rel[1000];
	struct dirent *f;
	DIR *d;

	snprintf(path, sizeof(path), CONTIG "/%s", dir);
	d = opendir(path);
	if (!d) {
		printf("SYS: sysfs-missing %s: %s\n", dir, strerror(errno));
		return;
	}
	while ((f = readdir(d))) {
		if (f->d_name[0] == '.')
			continue;
		snprintf(rel, sizeof(rel), "%s/%s", dir, f->d_name);
		show_file(rel);
	}
	closedir(d);
}

/* Every file and link under /sys/kernel/mm/contiguous, with its value. */
static void show_sysfs(void)
{
	struct dirent *e, *f;
	DIR *d, *rd;
	char rel[600], target[256];
	ssize_t n;

	show_file("map");
	show_file("allocators");
	d = opendir(CONTIG "/regions");
	if (!d) {
		printf("SYS: sysfs-missing regions: %s\n", strerror(errno));
		return;
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(rel, sizeof(rel), CONTIG "/regions/%s", e->d_name);
		if (e->d_type == DT_LNK) {
			n = readlink(rel, target, sizeof(target) - 1);
			target[n < 0 ? 0 : n] = '\0';
			printf("SYS: sysfs-link regions/%s %s\n", e->d_name,
			       target);
			continue;
		}
		printf("SYS: sysfs-dir regions/%s\n", e->d_name);
		rd = opendir(rel);
		while (rd && (f = readdir(rd))) {
			if (f->d_name[0] == '.')
				continue;
			snprintf(rel, sizeof(rel), "regions/%s/%s", e->d_name,
				 f->d_name);
			if (f->d_type == DT_DIR)
				show_subdir(rel);
			else
				show_file(rel);
		}
		if (rd)
			closedir(rd);
	}
	closedir(d);
}

struct write_case {
	const char *desc;
	const char *val;
	size_t len;		/* 0: strlen(val) */
	int err;		/* 0: accepted */
	const char *after;	/* after success; NULL: what was there */
};

/* Writes each case to @file; a refused write must leave @file as it was. */
static void try_writes(const char *file, const struct write_case *c,
		       size_t n)
{
	char path[512], before[4097], detail[9000], desc[256];
	const char *now;
	size_t i, len;
	int err;

	snprintf(path, sizeof(path), CONTIG "/%s", file);
	for (i = 0; i < n; i++, c++) {
		len = c->len ? c->len : strlen(c->val);
		snprintf(before, sizeof(before), "%s", value(path));
		err = put(path, c->val, len);
		now = value(path);
		snprintf(desc, sizeof(desc), "%s: %s write (%s) %s", file,
			 c->err ? "malformed" : "valid", c->desc,
			 c->err ? strerror(c->err) : "accepted");
		snprintf(detail, sizeof(detail),
			 "errno %d (%s), expected %d; now \"%s\"", err,
			 err > 0 ? strerror(err) : "short write", c->err,
			 esc(now, strlen(now)));
		check(desc, err == c->err &&
		      !strcmp(now, c->err || !c->after ? before : c->after),
		      detail);
	}
}

static void write_map(void)
{
	static char longest[MAP_MAX + 2], longest_val[MAP_MAX + 1],
		    overlong[MAP_MAX + 2], huge[5000];
	char initial[4097], again[4098];
	size_t i;
	const struct write_case cases[] = {
		{ "rules, with a newline", "probe*=a,b;*=c\n", 0, 0,
		  "probe*=a,b;*=c" },
		{ "two newlines", "a=r\n\n", 0, EINVAL, NULL },
		{ "newline inside", "a=r\nb=s", 0, EINVAL, NULL },
		{ "embedded NUL", "a=r\0b=s", 7, EINVAL, NULL },
		{ "empty rule", "a=r;;b=s", 0, EINVAL, NULL },
		{ "no regions", "a=\n", 0, EINVAL, NULL },
		{ "star inside a pattern", "x*y=r", 0, EINVAL, NULL },
		{ "duplicate region", "a=r,r", 0, EINVAL, NULL },
		{ "region name too long",
		  "a=abcdefghijklmnopqrstuvwxyz012345", 0, EINVAL, NULL },
		{ "one byte too long", overlong, MAP_MAX + 1, EINVAL, NULL },
		/* sysfs passes the first page: still one byte too long. */
		{ "longer than a page", huge, sizeof(huge), EINVAL, NULL },
		{ "the longest, with a newline", longest, MAP_MAX + 1, 0,
		  longest_val },
		{ "empty (newline only)", "\n", 0, 0, "" },
	};

	for (i = 0; i + 8 <= MAP_MAX; i += 4)
		memcpy(longest + i, "a=r;", 4);
	memcpy(longest + i, "a=", 2);
	memset(longest + i + 2, 'r', MAP_MAX - i - 2);
	memcpy(overlong, longest, MAP_MAX);
	overlong[MAP_MAX] = 'r';
	memcpy(longest_val, longest, MAP_MAX);
	longest[MAP_MAX] = '\n';
	memset(huge, 'a', sizeof(huge));

	snprintf(initial, sizeof(initial), "%s", value(CONTIG "/map"));
	try_writes("map", cases, sizeof(cases) / sizeof(cases[0]));
	snprintf(again, sizeof(again), "%s\n", initial);
	check("map: the boot map written back is in force again",
	      !put(CONTIG "/map", again, strlen(again)) &&
	      !strcmp(value(CONTIG "/map"), initial), value(CONTIG "/map"));
}

/* Malformed writes to the alloc file of the first idle region. */
static void write_alloc(void)
{
	const struct write_case cases[] = {
		{ "just a newline", "\n", 0, EINVAL, NULL },
		{ "two newlines", "bf\n\n", 0, EINVAL, NULL },
		{ "space inside", "b f", 0, EINVAL, NULL },
		{ "embedded NUL", "bf\0", 3, EINVAL, NULL },
		{ "too long", "abcdefghijklmnopqrstuvwxyz012345", 0, EINVAL, NULL },
		{ "unknown allocator", "no-such-allocator\n", 0, ENOENT, NULL },
	};
	char path[700], rel[600], cur[64];
	struct dirent *e;
	DIR *d = opendir(CONTIG "/regions");

	while (d && (e = readdir(d))) {
		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), CONTIG "/regions/%s/users",
			 e->d_name);
		if (strcmp(value(path), "0"))
			continue;
		snprintf(rel, sizeof(rel), "regions/%s/alloc", e->d_name);
		try_writes(rel, cases, sizeof(cases) / sizeof(cases[0]));
		/* Its own allocator again: accepted, nothing changes. */
		snprintf(path, sizeof(path), CONTIG "/%s", rel);
		snprintf(cur, sizeof(cur), "%.62s\n", value(path));
		{
			const struct write_case same = {
				"the allocator in force", cur, 0, 0, NULL
			};

			if (cur[1])
				try_writes(rel, &same, 1);
		}
		break;
	}
	if (d)
		closedir(d);
}

/*
 * Writes to the user_alloc file of the first region open to user space:
 * the whole value must be one of 0, 1, n, y, off or on (any case), with
 * at most one trailing newline.  Ends with the region open again.
 */
static void write_user_alloc(void)
{
	const struct write_case cases[] = {
		{ "two", "2", 0, EINVAL, NULL },
		{ "empty (newline only)", "\n", 0, EINVAL, NULL },
		{ "yes please", "yes please", 0, EINVAL, NULL },
		{ "two newlines", "1\n\n", 0, EINVAL, NULL },
		{ "embedded NUL", "1\0", 2, EINVAL, NULL },
		{ "leading space", " 1", 0, EINVAL, NULL },
		{ "minus one", "-1", 0, EINVAL, NULL },
		{ "o alone", "o", 0, EINVAL, NULL },
		{ "0, with a newline", "0\n", 0, 0, "0" },
		{ "on", "on", 0, 0, "1" },
		{ "off, with a newline", "off\n", 0, 0, "0" },
		{ "Y", "Y", 0, 0, "1" },
		{ "n", "n", 0, 0, "0" },
		{ "1", "1", 0, 0, "1" },
	};
	char path[700], rel[600];
	struct dirent *e;
	DIR *d = opendir(CONTIG "/regions");

	while (d && (e = readdir(d))) {
		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), CONTIG "/regions/%s/user_alloc",
			 e->d_name);
		if (strcmp(value(path), "1"))
			continue;
		snprintf(rel, sizeof(rel), "regions/%s/user_alloc", e->d_name);
		try_writes(rel, cases, sizeof(cases) / sizeof(cases[0]));
		break;
	}
	if (d)
		closedir(d);
}

/*
 * No physical address for an unprivileged user: a child process drops to
 * uid and gid 65534 with no supplementary groups and walks every directory
 * under /sys/kernel/mm/contiguous.  No name may start with "0x", every
 * region's start must be refused at open with EACCES, every other file
 * must read, and no name or content may hold a region's start address
 * (any "0x", or a hexadecimal or decimal number equal to a start that
 * root read before).
 */
#define MAX_STARTS	64
#define NOBODY		65534

static unsigned long long starts[MAX_STARTS];
static int nstarts;

/* Does @s[0..len) look like it holds a physical address? */
static int shows_address(const char *s, size_t len)
{
	unsigned long long hex, dec;
	size_t i = 0, j, k;
	int decimal;

	for (j = 0; j + 1 < len; j++)
		if (s[j] == '0' && (s[j + 1] == 'x' || s[j + 1] == 'X'))
			return 1;
	while (i < len) {
		if (!isxdigit((unsigned char)s[i])) {
			i++;
			continue;
		}
		hex = dec = 0;
		decimal = 1;
		for (j = i; j < len && isxdigit((unsigned char)s[j]); j++) {
			unsigned char c = s[j];

			hex = hex * 16 + (isdigit(c) ? c - '0' :
					  tolower(c) - 'a' + 10);
			decimal &= !!isdigit(c);
			dec = dec * 10 + (c - '0');
		}
		for (k = 0; k < (size_t)nstarts && j - i <= 20; k++)
			if ((j - i <= 16 && hex == starts[k]) ||
			    (decimal && dec == starts[k]))
				return 1;
		i = j;
	}
	return 0;
}

struct walk {
	int files, dirs, starts_refused, address_names, start_read;
	char bad_name[300], bad_file[300], unreadable[300];
	int unreadable_n, shows_n;
};

static void walk_tree(const char *path, const char *rel, struct walk *w)
{
	char sub[600], subrel[600], buf[4097];
	struct dirent *e;
	struct stat st;
	ssize_t n;
	DIR *d = opendir(path);
	int fd;

	if (!d) {
		w->unreadable_n++;
		snprintf(w->unreadable, sizeof(w->unreadable), "%s/: %s", rel,
			 strerror(errno));
		return;
	}
	w->dirs++;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
		snprintf(subrel, sizeof(subrel), "%s%s%s", rel,
			 *rel ? "/" : "", e->d_name);
		if (shows_address(e->d_name, strlen(e->d_name))) {
			w->address_names++;
			snprintf(w->bad_name, sizeof(w->bad_name), "%.290s",
				 subrel);
		}
		if (lstat(sub, &st))
			continue;
		if (S_ISDIR(st.st_mode)) {
			walk_tree(sub, subrel, w);
			continue;
		}
		if (!S_ISREG(st.st_mode))
			continue;
		fd = open(sub, O_RDONLY);
		if (fd < 0) {
			if (!strcmp(e->d_name, "start") && errno == EACCES) {
				w->starts_refused++;
			} else {
				w->unreadable_n++;
				snprintf(w->unreadable, sizeof(w->unreadable),
					 "%.200s: %.80s", subrel, strerror(errno));
			}
			continue;
		}
		if (!strcmp(e->d_name, "start"))
			w->start_read++;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n < 0) {
			w->unreadable_n++;
			snprintf(w->unreadable, sizeof(w->unreadable),
				 "%.200s: read: %.80s", subrel, strerror(errno));
			continue;
		}
		w->files++;
		if (shows_address(buf, n)) {
			w->shows_n++;
			snprintf(w->bad_file, sizeof(w->bad_file), "%.100s: \"%.180s\"",
				 subrel, esc(buf, n));
		}
	}
	closedir(d);
}

static void sysfs_unprivileged(void)
{
	char path[700], detail[700], desc[200];
	struct walk w = { 0 };
	struct dirent *e;
	int regions = 0, status = -1;
	DIR *d;
	pid_t pid;

	/* As root: the regions and where they start. */
	d = opendir(CONTIG "/regions");
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		regions++;
		snprintf(path, sizeof(path), CONTIG "/regions/%s/start",
			 e->d_name);
		if (nstarts < MAX_STARTS && *value(path))
			starts[nstarts++] = strtoull(value(path), NULL, 0);
	}
	if (d)
		closedir(d);
	snprintf(detail, sizeof(detail), "root read %d starts of %d regions",
		 nstarts, regions);
	check("sysfs as root: every region's start reads", nstarts == regions,
	      detail);

	fflush(stdout);
	pid = fork();
	if (!pid) {
		checks_failed = 0;
		if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
		    setresuid(NOBODY, NOBODY, NOBODY) ||
		    getgroups(0, NULL) != 0 || geteuid() != NOBODY) {
			check("sysfs as uid 65534: privileges dropped", 0,
			      strerror(errno));
			_exit(1);
		}
		walk_tree(CONTIG, "", &w);
		snprintf(detail, sizeof(detail), "%d such names, last %s",
			 w.address_names, w.bad_name);
		check("sysfs as uid 65534: no name is an address",
		      !w.address_names && w.dirs > 0, detail);
		snprintf(desc, sizeof(desc),
			 "sysfs as uid 65534: start of each of %d regions refused with EACCES",
			 regions);
		snprintf(detail, sizeof(detail),
			 "%d refused with EACCES, %d read", w.starts_refused,
			 w.start_read);
		check(desc, w.starts_refused == regions && !w.start_read,
		      detail);
		snprintf(detail, sizeof(detail), "%d show one, last %s",
			 w.shows_n, w.bad_file);
		check("sysfs as uid 65534: no file read shows a physical address",
		      !w.shows_n && w.files >= 2, detail);
		snprintf(detail, sizeof(detail), "%d unreadable, last %s",
			 w.unreadable_n, w.unreadable);
		check("sysfs as uid 65534: every file but start reads",
		      !w.unreadable_n, detail);
		printf("SYS: sysfs-unprivileged %d directories, %d files read\n",
		       w.dirs, w.files);
		fflush(stdout);
		_exit(checks_failed);
	}
	if (pid > 0)
		waitpid(pid, &status, 0);
	snprintf(detail, sizeof(detail), "status 0x%x", status);
	if (!WIFEXITED(status))
		check("sysfs as uid 65534: the walk ran", 0, detail);
	else
		checks_failed += WEXITSTATUS(status);
}

/* The dma-buf heaps user space sees. */
static void show_heaps(void)
{
	struct dirent *e;
	DIR *d = opendir("/dev/dma_heap");

	if (!d)
		return;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			say("heap", e->d_name);
	closedir(d);
}

/*
 * What /dev/cma and the dma-buf heaps promise user space (v2 of the ABI,
 * include/uapi/linux/cma_regions.h), checked on two idle regions R1 and
 * R2 (the first two by name that have an allocator and are open to user
 * space) under a map of the checks' own, "abiprobe*=R1,R2", which the boot
 * map replaces again at the end:
 *
 *  - ALLOC and FREE need a file open for writing (EBADF), INFO does not;
 *  - ALLOC gives the spec back as it was passed ("dev/type" included);
 *  - chunk ids are not reused at once, and a freed chunk's mmap offset
 *    maps nothing;
 *  - mmap is MAP_SHARED only, for /dev/cma and heap buffers alike, and a
 *    shared mapping's offset in /proc/self/maps is 0, not a page frame;
 *  - the max_chunks parameter limits the chunks of one open file (ENOSPC);
 *  - a region closed to user space (user_alloc 0) refuses /dev/cma and its
 *    heap with EPERM, and a device's allocation falls through to the next
 *    region of its rule.
 *  - a region a driver unregisters while user space holds a heap buffer
 *    and a /dev/cma chunk of it leaves sysfs and allocates nothing more,
 *    while both stay usable until the last is gone (abi_outlive()).
 *
 * Every check runs in every case, failing when what it needs is missing,
 * and the count goes out as "SYS: abi-done N checks, M failed" for the
 * host to pin.  The regions, user_alloc, max_chunks and the map are left
 * as they were.
 */
#define MAX_CHUNKS_PARAM	"/sys/module/cma_dev/parameters/max_chunks"
#define ABI_LIMIT		8

static int abi_checks_run, abi_checks_failed;

static void abi_check(const char *desc, int ok, const char *detail)
{
	abi_checks_run++;
	abi_checks_failed += !ok;
	check(desc, ok, detail);
}

/* ALLOC on @fd; 0 or the errno, the answer in @a. */
static int cma_alloc(int fd, unsigned int flags, const char *spec,
		     unsigned long long size, struct cma_regions_alloc *a)
{
	memset(a, 0, sizeof(*a));
	a->flags = flags;
	a->size = size;
	snprintf(a->spec, sizeof(a->spec), "%s", spec);
	return ioctl(fd, CMA_REGIONS_IOC_ALLOC, a) ? errno : 0;
}

static int cma_free_id(int fd, unsigned int id)
{
	struct cma_regions_free f = { .id = id };

	return ioctl(fd, CMA_REGIONS_IOC_FREE, &f) ? errno : 0;
}

/* A buffer of @len bytes from the heap of region @name; 0 or the errno. */
static int heap_alloc(const char *name, unsigned long long len, int *buf)
{
	struct dma_heap_allocation_data d = { 0 };
	char path[128];
	int h, err = 0;

	*buf = -1;
	snprintf(path, sizeof(path), "/dev/dma_heap/cma_regions:%s", name);
	h = open(path, O_RDONLY | O_CLOEXEC);
	if (h < 0)
		return errno;
	d.len = len;
	d.fd_flags = O_RDWR | O_CLOEXEC;
	if (ioctl(h, DMA_HEAP_IOCTL_ALLOC, &d))
		err = errno;
	else
		*buf = d.fd;
	close(h);
	return err;
}

/* The offset column of the /proc/self/maps line of the mapping at @p. */
static long long maps_offset(const void *p)
{
	unsigned long lo, hi;
	unsigned long long off;
	char line[512], perms[8];
	long long ret = -1;
	FILE *f = fopen("/proc/self/maps", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx-%lx %7s %llx", &lo, &hi, perms,
			   &off) == 4 && lo == (unsigned long)p) {
			ret = off;
			break;
		}
	if (f)
		fclose(f);
	return ret;
}

/* The page frame of the page mapped at @p, from /proc/self/pagemap. */
static unsigned long long page_frame(const void *p)
{
	uint64_t e = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	if (fd < 0)
		return 0;
	if (pread(fd, &e, sizeof(e), (unsigned long)p /
		  sysconf(_SC_PAGESIZE) * sizeof(e)) != sizeof(e))
		e = 0;
	close(fd);
	return e >> 63 ? e & ((1ULL << 55) - 1) : 0;
}

static const char *region_file(const char *r, const char *file)
{
	static char path[300];

	snprintf(path, sizeof(path), CONTIG "/regions/%.63s/%.32s", r,
		 file);
	return path;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The first two idle regions by name with an allocator, open to users. */
static int abi_regions(char r[2][64])
{
	char names[16][64];
	struct dirent *e;
	int n = 0, i, found = 0;
	DIR *d = opendir(CONTIG "/regions");

	while (d && (e = readdir(d)) && n < 16)
		if (e->d_type == DT_DIR && e->d_name[0] != '.')
			snprintf(names[n++], sizeof(names[0]), "%.63s",
				 e->d_name);
	if (d)
		closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_names);
	for (i = 0; i < n && found < 2; i++) {
		if (strcmp(value(region_file(names[i], "name")), names[i]) ||
		    !*value(region_file(names[i], "alloc")) ||
		    strcmp(value(region_file(names[i], "users")), "0") ||
		    strcmp(value(region_file(names[i], "user_alloc")), "1") ||
		    strtoull(value(region_file(names[i], "free")), NULL, 0) <
		    (1 << 20))
			continue;
		memcpy(r[found++], names[i], sizeof(names[0]));
	}
	return found;
}

static void abi_rdonly(const char *r1)
{
	struct cma_regions_info in = { .flags = CMA_REGIONS_BY_NAME };
	struct cma_regions_alloc a;
	char detail[128];
	int fd = open("/dev/cma", O_RDONLY | O_CLOEXEC), err;

	err = fd < 0 ? errno : cma_alloc(fd, CMA_REGIONS_BY_NAME, r1, 4096,
					 &a);
	snprintf(detail, sizeof(detail), "%s", fd < 0 ? strerror(err) :
		 err ? strerror(err) : "it succeeded");
	abi_check("/dev/cma open O_RDONLY: ALLOC fails with EBADF",
		  fd >= 0 && err == EBADF, detail);
	err = fd < 0 ? -1 : cma_free_id(fd, 1);
	snprintf(detail, sizeof(detail), "%s", err > 0 ? strerror(err) :
		 err ? "no file" : "it succeeded");
	abi_check("/dev/cma open O_RDONLY: FREE fails with EBADF",
		  err == EBADF, detail);
	snprintf(in.spec, sizeof(in.spec), "%s", r1);
	err = fd < 0 ? -1 : ioctl(fd, CMA_REGIONS_IOC_INFO, &in) ? errno : 0;
	snprintf(detail, sizeof(detail), "%s, count %u",
		 err > 0 ? strerror(err) : err ? "no file" : "ok", in.count);
	abi_check("/dev/cma open O_RDONLY: INFO works", !err && in.count == 1,
		  detail);
	if (fd >= 0)
		close(fd);
}

/* A file open only for writing can neither allocate nor map: EBADF. */
static void abi_wronly(const char *r1)
{
	struct cma_regions_alloc a;
	char detail[128];
	int fd = open("/dev/cma", O_WRONLY | O_CLOEXEC), err;

	err = fd < 0 ? errno : cma_alloc(fd, CMA_REGIONS_BY_NAME, r1, 4096,
					 &a);
	snprintf(detail, sizeof(detail), "%s", fd < 0 ? strerror(err) :
		 err ? strerror(err) : "it succeeded");
	abi_check("/dev/cma open O_WRONLY: ALLOC fails with EBADF",
		  fd >= 0 && err == EBADF, detail);
	if (fd >= 0)
		close(fd);
}

static int cma_sync(int fd, unsigned int id, unsigned int flags,
		    unsigned long long reserved)
{
	struct cma_regions_sync s = { .id = id, .flags = flags };

	s.reserved[1] = reserved;
	return ioctl(fd, CMA_REGIONS_IOC_SYNC, &s) ? errno : 0;
}

/*
 * CMA_REGIONS_IOC_SYNC brackets CPU access to a chunk of the file, with
 * dma-buf's flags; anything else is refused and changes nothing.
 */
static void abi_sync(int fd, const char *r1)
{
	static const struct {
		const char *desc;
		unsigned int flags;
		unsigned long long reserved;
		int err;
	} cases[] = {
		{ "START|READ", CMA_REGIONS_SYNC_START | CMA_REGIONS_SYNC_READ,
		  0, 0 },
		{ "END|WRITE", CMA_REGIONS_SYNC_END | CMA_REGIONS_SYNC_WRITE,
		  0, 0 },
		{ "END|RW", CMA_REGIONS_SYNC_END | CMA_REGIONS_SYNC_RW, 0, 0 },
		{ "END alone (no direction)", CMA_REGIONS_SYNC_END, 0, EINVAL },
		{ "an unknown flag", CMA_REGIONS_SYNC_READ | 8, 0, EINVAL },
		{ "a reserved field set", CMA_REGIONS_SYNC_READ, 1, EINVAL },
	};
	struct cma_regions_alloc a;
	char detail[160];
	unsigned int i;
	int err, held;

	err = fd < 0 ? -1 : cma_alloc(fd, CMA_REGIONS_BY_NAME, r1, 8192, &a);
	held = !err;
	snprintf(detail, sizeof(detail), "%s", err > 0 ? strerror(err) :
		 err ? "no file" : "ok");
	abi_check("SYNC: a chunk to sync allocated", !err, detail);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char desc[120];

		err = !held ? -1 : cma_sync(fd, a.id, cases[i].flags,
					    cases[i].reserved);
		snprintf(desc, sizeof(desc), "SYNC %s: %s", cases[i].desc,
			 cases[i].err ? strerror(cases[i].err) : "done");
		snprintf(detail, sizeof(detail), "%s",
			 err > 0 ? strerror(err) : err ? "not run" : "done");
		abi_check(desc, err == cases[i].err, detail);
	}
	err = fd < 0 ? -1 : cma_sync(fd, 0x7fff0, CMA_REGIONS_SYNC_READ, 0);
	snprintf(detail, sizeof(detail), "%s", err > 0 ? strerror(err) :
		 err ? "no file" : "it succeeded");
	abi_check("SYNC of an id the file does not hold: ENOENT",
		  err == ENOENT, detail);
	if (held)
		cma_free_id(fd, a.id);
}

/* The spec comes back as passed; ids are not reused; stale offsets. */
static void abi_spec_ids(int fd, const char *r1)
{
	static const char spec[] = "abiprobe0/preview";
	struct cma_regions_alloc a = { 0 }, b = { 0 };
	char passed[CMA_REGIONS_SPEC_MAX] = "", detail[400];
	unsigned int k;
	int err, merr;
	void *p;

	snprintf(passed, sizeof(passed), "%s", spec);
	err = fd < 0 ? -1 : cma_alloc(fd, CMA_REGIONS_BY_DEVICE, spec, 4096,
				      &a);
	snprintf(detail, sizeof(detail),
		 "%s; spec back \"%s\", region \"%.31s\"",
		 err > 0 ? strerror(err) : err ? "no file" : "allocated",
		 esc(a.spec, sizeof(spec)), a.region);
	abi_check("ALLOC by device abiprobe0/preview: the spec comes back as passed",
		  !err && !memcmp(a.spec, passed, sizeof(passed)) &&
		  !strcmp(a.region, r1), detail);
	k = err ? 0 : a.id;
	if (!err)
		cma_free_id(fd, k);
	err = fd < 0 ? -1 : cma_alloc(fd, CMA_REGIONS_BY_NAME, r1, 4096, &b);
	snprintf(detail, sizeof(detail), "%s; ids %u then %u",
		 err > 0 ? strerror(err) : err ? "no file" : "allocated", k,
		 b.id);
	abi_check("ALLOC after a FREE: the freed id is not given again",
		  k && !err && b.id != k, detail);
	/* The freed chunk's offset maps nothing, not the new chunk. */
	p = k && !err ? mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd,
			     (off_t)k << 12) : MAP_FAILED;
	merr = p == MAP_FAILED ? errno : 0;
	snprintf(detail, sizeof(detail), "%s", p != MAP_FAILED ? "it mapped" :
		 k && !err ? strerror(merr) : "no chunks");
	abi_check("mmap at a freed chunk's offset fails with EINVAL",
		  k && !err && merr == EINVAL, detail);
	if (p != MAP_FAILED)
		munmap(p, 4096);
	/* A private mapping of a live chunk. */
	p = !err ? mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd,
			(off_t)b.offset) : MAP_FAILED;
	merr = p == MAP_FAILED ? errno : 0;
	snprintf(detail, sizeof(detail), "%s", p != MAP_FAILED ? "it mapped" :
		 !err ? strerror(merr) : "no chunk");
	abi_check("/dev/cma: mmap MAP_PRIVATE of a chunk fails with EINVAL",
		  !err && merr == EINVAL, detail);
	if (p != MAP_FAILED)
		munmap(p, 4096);
	if (!err)
		cma_free_id(fd, b.id);
}

/* Heap buffers: no private mapping, no page frame in /proc/self/maps. */
static void abi_heap_mmap(const char *r1)
{
	long long off = -1, poff = -1;
	unsigned long long pfn = 0;
	char detail[200];
	int buf, err, merr;
	off_t len = 0;
	char *p, *q;

	err = heap_alloc(r1, 4096, &buf);
	if (!err)
		len = lseek(buf, 0, SEEK_END);
	p = !err && len > 0 ? mmap(NULL, len, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE, buf, 0) : MAP_FAILED;
	merr = p == MAP_FAILED ? errno : 0;
	if (p != MAP_FAILED) {
		poff = maps_offset(p);
		munmap(p, len);
	}
	snprintf(detail, sizeof(detail), "%s",
		 err ? strerror(err) : len <= 0 ? "no size" :
		 p != MAP_FAILED ? "it mapped" : strerror(merr));
	if (poff >= 0)
		snprintf(detail, sizeof(detail),
			 "it mapped, offset 0x%llx in /proc/self/maps", poff);
	abi_check("heap buffer: mmap MAP_PRIVATE fails with EINVAL",
		  !err && len > 0 && merr == EINVAL, detail);
	q = !err && len > 0 ? mmap(NULL, len, PROT_READ | PROT_WRITE,
				   MAP_SHARED, buf, 0) : MAP_FAILED;
	merr = q == MAP_FAILED ? errno : 0;
	if (q != MAP_FAILED) {
		(void)*(volatile char *)q;
		off = maps_offset(q);
		pfn = page_frame(q);
		munmap(q, len);
	}
	snprintf(detail, sizeof(detail),
		 "%s; offset 0x%llx, page frame 0x%llx",
		 err ? strerror(err) : q == MAP_FAILED ? strerror(merr) :
		 "mapped", off, pfn);
	abi_check("heap buffer: a MAP_SHARED mapping's offset in /proc/self/maps is 0, not its page frame",
		  q != MAP_FAILED && off == 0, detail);
	if (buf >= 0)
		close(buf);
}

/* At most max_chunks chunks per open file. */
static void abi_max_chunks(const char *r1)
{
	struct cma_regions_alloc a[ABI_LIMIT + 1], b;
	char old[32], detail[200], limit[16];
	int fd, fd2, i, n = 0, err = 0, err2 = -1, err3 = -1;

	snprintf(old, sizeof(old), "%.31s", value(MAX_CHUNKS_PARAM));
	snprintf(limit, sizeof(limit), "%d", ABI_LIMIT);
	err = put(MAX_CHUNKS_PARAM, limit, strlen(limit));
	snprintf(detail, sizeof(detail), "was \"%s\", %s, now \"%.31s\"", old,
		 err > 0 ? strerror(err) : err ? "short write" : "written",
		 value(MAX_CHUNKS_PARAM));
	abi_check("max_chunks: " MAX_CHUNKS_PARAM " set to 8",
		  *old && !err && !strcmp(value(MAX_CHUNKS_PARAM), limit),
		  detail);

	fd = open("/dev/cma", O_RDWR | O_CLOEXEC);
	fd2 = open("/dev/cma", O_RDWR | O_CLOEXEC);
	for (i = 0; fd >= 0 && i < ABI_LIMIT; i++, n++)
		if ((err = cma_alloc(fd, CMA_REGIONS_BY_NAME, r1, 4096, &a[i])))
			break;
	if (fd >= 0 && n == ABI_LIMIT)
		err = cma_alloc(fd, CMA_REGIONS_BY_NAME, r1, 4096, &a[n]);
	snprintf(detail, sizeof(detail), "%d allocated, then %s", n,
		 fd < 0 ? "no file" : err ? strerror(err) : "one more");
	abi_check("max_chunks 8: 8 chunks on one file, the 9th fails with ENOSPC",
		  n == ABI_LIMIT && err == ENOSPC, detail);
	if (!err && n == ABI_LIMIT)
		n++;
	if (fd2 >= 0)
		err2 = cma_alloc(fd2, CMA_REGIONS_BY_NAME, r1, 4096, &b);
	snprintf(detail, sizeof(detail), "%s", err2 > 0 ? strerror(err2) :
		 err2 ? "no file" : "allocated");
	abi_check("max_chunks 8: another file still allocates", !err2, detail);
	if (n > 0 && !cma_free_id(fd, a[0].id))
		err3 = cma_alloc(fd, CMA_REGIONS_BY_NAME, r1, 4096, &a[0]);
	snprintf(detail, sizeof(detail), "%s", err3 > 0 ? strerror(err3) :
		 err3 ? "nothing to free" : "allocated");
	abi_check("max_chunks 8: after a FREE the file allocates again",
		  !err3, detail);
	if (fd >= 0)
		close(fd);
	if (fd2 >= 0)
		close(fd2);

	err = *old ? put(MAX_CHUNKS_PARAM, old, strlen(old)) : -1;
	snprintf(detail, sizeof(detail), "reads \"%.31s\", was \"%s\"",
		 value(MAX_CHUNKS_PARAM), old);
	abi_check("max_chunks: the value before written back", *old && !err &&
		  !strcmp(value(MAX_CHUNKS_PARAM), old), detail);
}

/* A region closed to user space. */
static void abi_user_alloc(int fd, const char *r1, const char *r2)
{
	char p1[300], p2[300], detail[300];
	struct cma_regions_alloc a;
	int err, err2, buf = -1;

	snprintf(p1, sizeof(p1), "%s", region_file(r1, "user_alloc"));
	snprintf(p2, sizeof(p2), "%s", region_file(r2, "user_alloc"));
	err = put(p1, "0\n", 2);
	snprintf(detail, sizeof(detail), "%s, reads \"%.31s\"",
		 err ? "refused" : "written", value(p1));
	abi_check("user_alloc: 0 written to R1", !err &&
		  !strcmp(value(p1), "0"), detail);

	err = fd < 0 ? -1 : cma_alloc(fd, CMA_REGIONS_BY_NAME, r1, 4096, &a);
	snprintf(detail, sizeof(detail), "%s", err > 0 ? strerror(err) :
		 err ? "no file" : a.region);
	abi_check("user_alloc 0: ALLOC by the name of R1 fails with EPERM",
		  err == EPERM, detail);
	if (!err)
		cma_free_id(fd, a.id);

	err = heap_alloc(r1, 4096, &buf);
	snprintf(detail, sizeof(detail), "%s", err ? strerror(err) :
		 "allocated");
	abi_check("user_alloc 0: a buffer from R1's heap fails with EPERM",
		  err == EPERM, detail);
	if (buf >= 0)
		close(buf);

	err = fd < 0 ? -1 : cma_alloc(fd, CMA_REGIONS_BY_DEVICE, "abiprobe0",
				      4096, &a);
	snprintf(detail, sizeof(detail), "%s", err > 0 ? strerror(err) :
		 err ? "no file" : a.region);
	abi_check("user_alloc 0: ALLOC by device abiprobe0 (rule R1,R2) comes from R2",
		  !err && !strcmp(a.region, r2), detail);
	if (!err)
		cma_free_id(fd, a.id);

	err2 = put(p2, "off", 3);
	err = fd < 0 ? -1 : cma_alloc(fd, CMA_REGIONS_BY_DEVICE, "abiprobe0",
				      4096, &a);
	snprintf(detail, sizeof(detail), "R2 %s; %s",
		 err2 ? "not closed" : "closed", err > 0 ? strerror(err) :
		 err ? "no file" : a.region);
	abi_check("user_alloc 0 on R1 and R2: ALLOC by device abiprobe0 fails with EPERM",
		  !err2 && err == EPERM, detail);
	if (!err)
		cma_free_id(fd, a.id);

	err = put(p1, "1", 1) | put(p2, "on\n", 3);
	snprintf(detail, sizeof(detail), "R1 reads \"%.31s\"", value(p1));
	snprintf(detail + strlen(detail), sizeof(detail) - strlen(detail),
		 ", R2 \"%.31s\"", value(p2));
	err2 = fd < 0 ? -1 : cma_alloc(fd, CMA_REGIONS_BY_NAME, r1, 4096, &a);
	if (!err2)
		cma_free_id(fd, a.id);
	if (!err2)
		err2 = heap_alloc(r1, 4096, &buf);
	if (buf >= 0)
		close(buf);
	snprintf(detail + strlen(detail), sizeof(detail) - strlen(detail),
		 "; %s", err2 > 0 ? strerror(err2) : err2 ? "no file" :
		 "allocated");
	abi_check("user_alloc 1 again: R1 gives a chunk and a heap buffer",
		  !err && !strcmp(value(p1), "1") && !strcmp(value(p2), "1") &&
		  !err2, detail);
}

/*
 * A region unregistered while user space holds its chunks: the test hook
 * cma_regions_kunit.owner plays a driver that registers 1 MiB of its own
 * as region "owner" and unregisters it (its remove(), which cannot fail).
 * A heap buffer (mapped, its fd closed) and a /dev/cma chunk (mapped)
 * stay usable after the unregistering, which succeeds at once; the region
 * leaves sysfs, and neither the heap nor /dev/cma allocates from it; the
 * release callback runs only when the last of the two is gone.  The
 * kernel's KASAN and kmemleak watch all of it.
 */
#define OWNER_PARAM	"/sys/module/cma_regions_kunit/parameters/owner"
#define OWNER_LEN	65536

/* Waits up to 2 s for the owner hook to read @want. */
static int owner_state_is(const char *want)
{
	int i;

	for (i = 0; i < 200; i++) {
		if (!strcmp(value(OWNER_PARAM), want))
			return 1;
		usleep(10000);
	}
	return 0;
}

static int filled(const unsigned char *p, size_t len, unsigned char c)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != c)
			return 0;
	return 1;
}

static void abi_outlive(int fd)
{
	struct cma_regions_alloc a = { 0 }, b = { 0 };
	unsigned char *hp = MAP_FAILED, *dp = MAP_FAILED;
	char detail[300];
	int err, herr, derr, buf = -1, ok;

	err = put(OWNER_PARAM, "register", 8);
	snprintf(detail, sizeof(detail), "%s; state %s; heap %s; sysfs %s",
		 err ? strerror(err) : "registered", value(OWNER_PARAM),
		 access("/dev/dma_heap/cma_regions:owner", F_OK) ? "missing" :
		 "present",
		 access(CONTIG "/regions/owner", F_OK) ? "missing" : "present");
	abi_check("outlive: a driver's region \"owner\" registered, with its heap and sysfs directory",
		  !err && !strcmp(value(OWNER_PARAM), "registered") &&
		  !access("/dev/dma_heap/cma_regions:owner", F_OK) &&
		  !access(CONTIG "/regions/owner", F_OK), detail);

	herr = heap_alloc("owner", OWNER_LEN, &buf);
	if (!herr) {
		hp = mmap(NULL, OWNER_LEN, PROT_READ | PROT_WRITE, MAP_SHARED,
			  buf, 0);
		herr = hp == MAP_FAILED ? errno : 0;
		close(buf);
	}
	derr = fd < 0 ? EBADF : cma_alloc(fd, CMA_REGIONS_BY_NAME, "owner",
					  OWNER_LEN, &a);
	if (!derr) {
		dp = mmap(NULL, OWNER_LEN, PROT_READ | PROT_WRITE, MAP_SHARED,
			  fd, (off_t)a.offset);
		derr = dp == MAP_FAILED ? errno : 0;
	}
	if (hp != MAP_FAILED)
		memset(hp, 0x5a, OWNER_LEN);
	if (dp != MAP_FAILED)
		memset(dp, 0xa5, OWNER_LEN);
	snprintf(detail, sizeof(detail), "heap: %s; /dev/cma: %s",
		 herr ? strerror(herr) : "mapped",
		 derr ? strerror(derr) : "mapped");
	abi_check("outlive: a heap buffer and a /dev/cma chunk of \"owner\" mapped and written",
		  !herr && !derr, detail);

	err = put(OWNER_PARAM, "unregister", 10);
	snprintf(detail, sizeof(detail), "%s; state %s; sysfs %s",
		 err ? strerror(err) : "unregistered", value(OWNER_PARAM),
		 access(CONTIG "/regions/owner", F_OK) ? "gone" : "still there");
	abi_check("outlive: unregistering succeeds while user space holds chunks, and the region leaves sysfs",
		  !err && !strcmp(value(OWNER_PARAM), "unregistered") &&
		  access(CONTIG "/regions/owner", F_OK) && errno == ENOENT,
		  detail);

	herr = heap_alloc("owner", 4096, &buf);
	if (!herr)
		close(buf);
	derr = fd < 0 ? EBADF : cma_alloc(fd, CMA_REGIONS_BY_NAME, "owner",
					  4096, &b);
	snprintf(detail, sizeof(detail), "heap: %s; /dev/cma: %s",
		 herr ? strerror(herr) : "allocated",
		 derr ? strerror(derr) : "allocated");
	abi_check("outlive: the unregistered region allocates nothing: heap ENODEV, /dev/cma ENOENT",
		  herr == ENODEV && derr == ENOENT, detail);

	ok = hp != MAP_FAILED && dp != MAP_FAILED &&
	     filled(hp, OWNER_LEN, 0x5a) && filled(dp, OWNER_LEN, 0xa5);
	if (ok) {
		memset(hp, 0x3c, OWNER_LEN);
		memset(dp, 0xc3, OWNER_LEN);
		ok = filled(hp, OWNER_LEN, 0x3c) && filled(dp, OWNER_LEN, 0xc3);
	}
	snprintf(detail, sizeof(detail), "state %s", value(OWNER_PARAM));
	abi_check("outlive: both mappings keep their data and take writes after the region is gone",
		  ok && !strcmp(value(OWNER_PARAM), "unregistered"), detail);

	/* The buffer's last reference: its release runs before munmap returns. */
	if (hp != MAP_FAILED)
		munmap(hp, OWNER_LEN);
	snprintf(detail, sizeof(detail), "state %s", value(OWNER_PARAM));
	abi_check("outlive: with the heap buffer unmapped, the /dev/cma chunk alone still keeps the region from its release",
		  !strcmp(value(OWNER_PARAM), "unregistered"), detail);

	if (dp != MAP_FAILED)
		munmap(dp, OWNER_LEN);
	derr = fd < 0 || !a.id ? EBADF : cma_free_id(fd, a.id);
	ok = owner_state_is("released");
	snprintf(detail, sizeof(detail), "FREE %s; state %s",
		 derr ? strerror(derr) : "done", value(OWNER_PARAM));
	abi_check("outlive: the last chunk's release hands the memory back (release callback)",
		  !derr && ok, detail);

	/* Again, with nothing held: unregistering releases at once. */
	err = put(OWNER_PARAM, "register", 8);
	herr = err ? err : put(OWNER_PARAM, "unregister", 10);
	snprintf(detail, sizeof(detail), "register %s, unregister %s; state %s",
		 err ? strerror(err) : "ok",
		 err ? "not tried" : herr ? strerror(herr) : "ok",
		 value(OWNER_PARAM));
	abi_check("outlive: registered again, then unregistered idle: released at once",
		  !err && !herr && !strcmp(value(OWNER_PARAM), "released"),
		  detail);
}

static void abi_checks(void)
{
	char r[2][64] = { "", "" }, map[4097], probe[200], detail[300],
	     free0[32];
	unsigned long long sz, fr;
	int fd, n, i, ok;

	n = abi_regions(r);
	snprintf(detail, sizeof(detail), "%d found: %s %s", n, r[0], r[1]);
	abi_check("ABI checks: two idle regions open to user space with an allocator",
		  n == 2, detail);
	snprintf(map, sizeof(map), "%.4095s\n", value(CONTIG "/map"));
	snprintf(probe, sizeof(probe), "abiprobe*=%s,%s", r[0], r[1]);
	n = put(CONTIG "/map", probe, strlen(probe));
	abi_check("ABI checks: map abiprobe*=R1,R2 written", !n &&
		  !strcmp(value(CONTIG "/map"), probe), value(CONTIG "/map"));

	abi_rdonly(r[0]);
	abi_wronly(r[0]);
	fd = open("/dev/cma", O_RDWR | O_CLOEXEC);
	abi_spec_ids(fd, r[0]);
	abi_sync(fd, r[0]);
	abi_heap_mmap(r[0]);
	abi_max_chunks(r[0]);
	abi_user_alloc(fd, r[0], r[1]);
	abi_outlive(fd);
	if (fd >= 0)
		close(fd);

	n = put(CONTIG "/map", map, strlen(map));
	map[strlen(map) - 1] = '\0';
	abi_check("ABI checks: the map before written back",
		  !n && !strcmp(value(CONTIG "/map"), map),
		  value(CONTIG "/map"));
	for (i = 0, ok = 1; i < 2; i++) {
		sz = strtoull(value(region_file(r[i], "size")), NULL, 0);
		fr = strtoull(value(region_file(r[i], "free")), NULL, 0);
		ok &= *r[i] && sz && sz == fr &&
		      !strcmp(value(region_file(r[i], "users")), "0") &&
		      !strcmp(value(region_file(r[i], "user_alloc")), "1");
	}
	snprintf(free0, sizeof(free0), "%.31s",
		 value(region_file(r[0], "free")));
	snprintf(detail, sizeof(detail), "%s free %s, %s free %.31s", r[0],
		 free0, r[1], value(region_file(r[1], "free")));
	abi_check("ABI checks: R1 and R2 idle, whole and open again", ok,
		  detail);
	printf("SYS: abi-done %d checks, %d failed\n", abi_checks_run,
	       abi_checks_failed);
}

/* Runs a program of the image to completion; it must exit with @want. */
static void run_status(const char *desc, const char *prog, const char *arg1,
		       const char *arg2, int want)
{
	struct timespec t0, t1;
	char detail[64];
	int status = -1;
	pid_t pid;

	if (access(prog, X_OK))
		return;
	printf("SYS: run %s\n", desc);
	fflush(stdout);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (!pid) {
		execl(prog, prog, arg1, arg2, (char *)NULL);
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, &status, 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("SYS: time %s %.2f s\n", desc,
	       (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	snprintf(detail, sizeof(detail), "exit status 0x%x", status);
	check(desc, WIFEXITED(status) && WEXITSTATUS(status) == want, detail);
}

static void run(const char *desc, const char *prog, const char *arg1,
		const char *arg2)
{
	run_status(desc, prog, arg1, arg2, 0);
}

#define TRACING		"/sys/kernel/tracing"
#define DEBUG_CHUNKS	"/sys/kernel/debug/cma_regions/common/chunks"

/* The lines of the debugfs chunks file of common, as "SYS: KEY LINE". */
static int dump_chunks(const char *key, pid_t pid)
{
	char line[1024], want[32];
	int n = 0;
	FILE *f = fopen(DEBUG_CHUNKS, "r");

	if (!f) {
		printf("SYS: %s-missing %s\n", key, strerror(errno));
		return -1;
	}
	snprintf(want, sizeof(want), "%d", pid);
	while (fgets(line, sizeof(line), f)) {
		char start[64], size[32], tgid[32];

		line[strcspn(line, "\n")] = '\0';
		say(key, line);
		/* The third field, the allocating process. */
		n += sscanf(line, "%63s %31s %31s", start, size, tgid) == 3 &&
		     !strcmp(tgid, want);
	}
	fclose(f);
	return n;
}

/* How many chunks of common @pid holds, as debugfs lists them. */
static int held_by(pid_t pid)
{
	char line[1024], start[64], size[32], tgid[32], want[32];
	FILE *f = fopen(DEBUG_CHUNKS, "r");
	int n = 0;

	snprintf(want, sizeof(want), "%d", pid);
	while (f && fgets(line, sizeof(line), f))
		n += sscanf(line, "%63s %31s %31s", start, size, tgid) == 3 &&
		     !strcmp(tgid, want);
	if (f)
		fclose(f);
	return n;
}

/* common's statistics and users, as "SYS: KEY NAME VALUE". */
static void print_stats(const char *key)
{
	static const char *const files[] = {
		"stats/allocs", "stats/fail_noroom", "stats/fail_fragmented",
		"stats/fail_noalloc", "users", "stats/peak_bytes",
	};
	char path[256];
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		const char *slash = strrchr(files[i], '/');

		snprintf(path, sizeof(path), CONTIG "/regions/common/%s",
			 files[i]);
		printf("SYS: %s %s %s\n", key, slash ? slash + 1 : files[i],
		       value(path));
	}
}

/*
 * While init prints what it observes, the kernel's console messages are
 * held back: one printed directly on the wire lands inside a line still
 * draining through the tty (a CI run lost "SYS: observe-pid" that way).
 * quiet() turns the console down to emergencies and opens /dev/kmsg at its
 * end; loud() restores the level and replays what the kernel logged
 * meanwhile as "SYS: kmsg <level> <text>" lines, so that nothing it said
 * goes unseen (run.py scans every line for warnings and oopses).
 */
static char console_level[64];

static int quiet(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	FILE *f = fopen("/proc/sys/kernel/printk", "r");

	console_level[0] = '\0';
	if (f) {
		if (!fgets(console_level, sizeof(console_level), f))
			console_level[0] = '\0';
		fclose(f);
	}
	console_level[strcspn(console_level, " \t\n")] = '\0';
	if (fd >= 0)
		lseek(fd, 0, SEEK_END);
	if (console_level[0])
		put("/proc/sys/kernel/printk", "1", 1);
	return fd;
}

static void loud(int fd)
{
	char rec[1024];
	ssize_t n;

	if (console_level[0])
		put("/proc/sys/kernel/printk", console_level,
		    strlen(console_level));
	while (fd >= 0 && (n = read(fd, rec, sizeof(rec) - 1)) > 0) {
		char *text = memchr(rec, ';', n);

		rec[n] = '\0';
		if (!text)
			continue;
		*text++ = '\0';
		text[strcspn(text, "\n")] = '\0';
		printf("SYS: kmsg %d %s\n", atoi(rec) & 7, text);
	}
	if (fd >= 0)
		close(fd);
	fflush(stdout);
}

/*
 * Observability: a cma-test child allocates from common through the three
 * paths (names, device through the map, heap) and fails once; meanwhile
 * init reads who holds what in debugfs, as root and without
 * CAP_SYS_ADMIN, and afterwards the trace events the child caused and
 * the statistics.  tests/system/run.py compares them (check_observe()).
 */
static void observe(void)
{
	char line[512];
	int status, i, n = 0, kmsg;
	pid_t pid, reader;
	FILE *f;

	mnt("tracefs", TRACING, "tracefs");
	kmsg = quiet();
	print_stats("stat-before");
	check("tracefs: cma_regions events enabled",
	      !put(TRACING "/events/cma_regions/enable", "1", 1) &&
	      !put(TRACING "/trace", "", 0) &&
	      !put(TRACING "/tracing_on", "1", 1), strerror(errno));

	fflush(stdout);
	pid = fork();
	if (!pid) {
		execl("/bin/cma-test", "cma-test", "-c",
		      "from common 64K; alloc gpu0/scratch 128K; "
		      "heap common 256K; ! ENOMEM from common 64M; sleep 3",
		      (char *)NULL);
		_exit(127);
	}
	printf("SYS: observe-pid %d\n", pid);
	/* Until the child holds its three chunks (at most 2.5 s). */
	for (i = 0; i < 25 && n < 3; i++) {
		usleep(100000);
		n = held_by(pid);
	}
	check("debugfs: the child's three chunks listed", n == 3, "not seen");
	dump_chunks("chunks-admin", pid);
	fflush(stdout);
	reader = fork();
	if (!reader) {
		struct __user_cap_header_struct h = {
			.version = _LINUX_CAPABILITY_VERSION_3,
		};
		struct __user_cap_data_struct d[2];

		if (syscall(SYS_capget, &h, d))
			_exit(2);
		d[CAP_SYS_ADMIN / 32].effective &= ~(1U << (CAP_SYS_ADMIN % 32));
		d[CAP_SYS_ADMIN / 32].permitted &= ~(1U << (CAP_SYS_ADMIN % 32));
		if (syscall(SYS_capset, &h, d))
			_exit(3);
		_exit(dump_chunks("chunks-noadmin", pid) == 3 ? 0 : 1);
	}
	waitpid(reader, &status, 0);
	check("debugfs: read without CAP_SYS_ADMIN",
	      WIFEXITED(status) && !WEXITSTATUS(status), "reader failed");
	waitpid(pid, &status, 0);
	check("observe: cma-test did what was asked",
	      WIFEXITED(status) && !WEXITSTATUS(status), "exit status");
	put(TRACING "/tracing_on", "0", 1);
	f = fopen(TRACING "/trace", "r");
	while (f && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (strstr(line, "cma_regions_"))
			say("trace", line);
	}
	if (f)
		fclose(f);
	put(TRACING "/events/cma_regions/enable", "0", 1);
	print_stats("stat-after");
	dump("free-extents", "/sys/kernel/debug/cma_regions/common/free_extents",
	     NULL);
	loud(kmsg);
	run("cma-test stat common", "/bin/cma-test", "stat", "common");
}

/* The user-space programs a scenario asks for with cmatest= on its command line. */
static void user_space(void)
{
	const char *what = getenv("cmatest");

	if (!what)
		return;
	if (!strcmp(what, "user") || !strcmp(what, "hostile"))
		abi_checks();
	if (!strcmp(what, "user")) {
		run("cma-test spare.cma", "/bin/cma-test", "-f",
		    "/scripts/spare.cma");
		run("cma-test user.cma", "/bin/cma-test", "-f",
		    "/scripts/user.cma");
		run("cma-test32 user.cma (32-bit)", "/bin/cma-test32", "-f",
		    "/scripts/user.cma");
		observe();
	} else if (!strcmp(what, "product")) {
		run("cma-test product.cma", "/bin/cma-test", "-f",
		    "/scripts/product.cma");
	} else if (!strcmp(what, "selftest")) {
		run("dmabuf-heaps selftest", "/bin/dmabuf-heap", NULL, NULL);
	} else if (!strcmp(what, "hostile")) {
		const char *seed = getenv("fuzzseed"), *ops = getenv("fuzzops");
		const char *race = getenv("raceiters");

		run("cma-test corpus.cma", "/bin/cma-test", "-f",
		    "/scripts/corpus.cma");
		/* Every line is malformed: cma-test must exit with 1. */
		run_status("cma-test commands.cma fails", "/bin/cma-test", "-f",
			   "/scripts/commands.cma", 1);
		run("cma-race", "/bin/cma-race", race ? race : "10000", NULL);
		run("cma-fuzz", "/bin/cma-fuzz", seed ? seed : "1",
		    ops ? ops : "1000");
	}
	printf("SYS: user-space-done %s\n", what);
}

static void mnt(const char *src, const char *dst, const char *type)
{
	mkdir(dst, 0755);
	if (mount(src, dst, type, 0, NULL) && errno != EBUSY)
		printf("SYS: mount-failed %s: %s\n", dst, strerror(errno));
}

int main(void)
{
	int fd;

	mnt("devtmpfs", "/dev", "devtmpfs");
	fd = open("/dev/console", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	mnt("proc", "/proc", "proc");
	mnt("sysfs", "/sys", "sysfs");
	mnt("debugfs", "/sys/kernel/debug", "debugfs");

	say("begin", "");
	dump("uptime", "/proc/uptime", NULL);
	dump("cmdline", "/proc/cmdline", NULL);
	dump("meminfo", "/proc/meminfo", "MemTotal");
	dump("iomem", "/proc/iomem", "cma region");
	dump("memblock", "/sys/kernel/debug/memblock/reserved", NULL);

	show_heaps();
	show_sysfs();
	if (!access(CONTIG, F_OK)) {
		sysfs_unprivileged();
		write_map();
		write_alloc();
		write_user_alloc();
		printf("SYS: sysfs-writes-done %d failed\n", checks_failed);
	}
	user_space();

	kmemleak_scan();

	/*
	 * Late reports (deferred frees, RCU callbacks) have a moment to
	 * reach the console; the taint flags and lockdep's state tell what a
	 * console line could miss, and every check init made is counted.
	 */
	sleep(1);
	dump("tainted", "/proc/sys/kernel/tainted", NULL);
	dump("lockdep", "/proc/lockdep_stats", "debug_locks:");
	printf("SYS: checks-failed %d\n", checks_failed);
	say("end", "");
	fflush(stdout);
	sync();
	reboot(RB_AUTOBOOT);
	return 0;
}
