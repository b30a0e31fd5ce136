// SPDX-License-Identifier: GPL-2.0
/*
 * /init of the QEMU system-test initramfs: mounts what it needs, reports
 * what user space sees of the contiguous memory regions on the console as
 * "SYS: " lines, and powers off.  Static, so one binary per architecture and nothing else in the
 * image.  The host side (tests/system/run.py) asserts on the lines.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
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
 * With kmemleak built in, scan once the scenario is over and print what it
 * finds; it reports only objects older than five seconds, so wait that long.
 */
static void kmemleak_scan(void)
{
	const char *path = "/sys/kernel/debug/kmemleak";
	char line[512];
	FILE *f;
	int fd;

	if (access(path, F_OK))
		return;
	sleep(6);
	fd = open(path, O_WRONLY);
	if (fd < 0 || write(fd, "scan", 4) != 4) {
		printf("SYS: kmemleak-scan-failed %s\n", strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	close(fd);
	f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		printf("SYS: kmemleak: %s\n", line);
	}
	fclose(f);
	say("kmemleak-scanned", "");
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

	kmemleak_scan();

	say("end", "");
	fflush(stdout);
	sync();
	reboot(RB_AUTOBOOT);
	return 0;
}
