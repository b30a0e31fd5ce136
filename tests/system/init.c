// SPDX-License-Identifier: GPL-2.0
/*
 * /init of the QEMU system-test initramfs: mounts what it needs, reports
 * what user space sees of the contiguous memory regions on the console as
 * "SYS: " lines, tries well-formed and malformed writes to the sysfs files
 * (each reported as "SYS: check DESC: ok" or ": FAIL ..."), and powers
 * off.  Static, so one binary per architecture and nothing else in the
 * image.  The host side (tests/system/run.py) asserts on the lines.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

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
#define MAP_MAX 4094	/* PAGE_SIZE - 2 with 4 KiB pages */

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

static void check(const char *desc, int ok, const char *detail)
{
	printf("SYS: check %s: %s%s%s\n", desc, ok ? "ok" : "FAIL",
	       ok ? "" : " ", ok ? "" : detail);
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
		snprintf(cur, sizeof(cur), "%s\n", value(path));
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

/* The user-space programs a scenario asks for with cmatest= on its command line. */
static void user_space(void)
{
	const char *what = getenv("cmatest");

	if (!what)
		return;
	if (!strcmp(what, "user")) {
		run("cma-test spare.cma", "/bin/cma-test", "-f",
		    "/scripts/spare.cma");
		run("cma-test user.cma", "/bin/cma-test", "-f",
		    "/scripts/user.cma");
		run("cma-test32 user.cma (32-bit)", "/bin/cma-test32", "-f",
		    "/scripts/user.cma");
	} else if (!strcmp(what, "product")) {
		run("cma-test product.cma", "/bin/cma-test", "-f",
		    "/scripts/product.cma");
	} else if (!strcmp(what, "selftest")) {
		run("dmabuf-heaps selftest", "/bin/dmabuf-heap", NULL, NULL);
	} else if (!strcmp(what, "hostile")) {
		const char *seed = getenv("fuzzseed"), *ops = getenv("fuzzops");

		run("cma-test corpus.cma", "/bin/cma-test", "-f",
		    "/scripts/corpus.cma");
		/* Every line is malformed: cma-test must exit with 1. */
		run_status("cma-test commands.cma fails", "/bin/cma-test", "-f",
			   "/scripts/commands.cma", 1);
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
		write_map();
		write_alloc();
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
