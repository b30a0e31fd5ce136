// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for /sys/kernel/mm/contiguous: every file is found in sysfs
 * by name and read and written through its kobject's sysfs_ops, with the
 * buffers sysfs would pass, so the tests need no mounted sysfs.
 *
 * The regions use fake physical ranges that nothing touches.
 *
 * Copyright (C) 2026 The CMA regions developers
 */

#include <kunit/device.h>
#include <kunit/test.h>
#include <linux/capability.h>
#include <linux/cma_regions.h>
#include <linux/cred.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/io.h>
#include <linux/kernfs.h>
#include <linux/kobject.h>
#include <linux/mm.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "../internal.h"

/* Fake physical ranges, below 4 GiB so 32-bit phys_addr_t works too. */
#define KS_BASE		((phys_addr_t)0xd0000000)

/* Hands out the whole region as one chunk; counts set-ups. */
static int ks_inits;

static int ks_init(struct cma_region *reg)
{
	ks_inits++;
	return 0;
}

static int ks_alloc(struct cma_region *reg, struct cma_chunk *chunk,
		    phys_addr_t alignment)
{
	if (reg->free_space != reg->size)
		return -ENOMEM;
	chunk->start = reg->start;
	return 0;
}

static void ks_free(struct cma_region *reg, struct cma_chunk *chunk)
{
}

static struct cma_allocator ks_a = {
	.name = "kunit-sa",
	.init = ks_init,
	.alloc = ks_alloc,
	.free = ks_free,
};

static struct cma_allocator ks_b = {
	.name = "kunit-sb",
	.init = ks_init,
	.alloc = ks_alloc,
	.free = ks_free,
};

/* Chunks a failed test left keep the core's copy, not this handle. */
static void ks_region_release(void *data)
{
	cma_region_unregister(data);
	kfree(data);
}

static struct cma_region *ks_region(struct kunit *test, const char *name,
				    phys_addr_t offset, size_t size)
{
	struct cma_region *reg = kzalloc(sizeof(*reg), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, reg);
	reg->name = name;
	reg->start = KS_BASE + offset;
	reg->size = size;
	reg->alloc_name = "kunit-sa";
	if (cma_region_register(reg)) {
		kfree(reg);
		KUNIT_FAIL_AND_ABORT(test, "cannot register region %s",
				     name ?: "(private)");
		return NULL;	/* not reached: the test was aborted */
	}
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, ks_region_release,
							reg), 0);
	return reg;
}

KUNIT_DEFINE_ACTION_WRAPPER(ks_kobject_put, kobject_put, struct kobject *);

/* The directory of @reg, or /sys/kernel/mm/contiguous for NULL. */
static struct kobject *ks_dir(struct kunit *test, struct cma_region *reg)
{
	struct kobject *kobj = cma_sysfs_region_kobj(reg);

	KUNIT_ASSERT_NOT_NULL_MSG(test, kobj, "no directory for %s",
				  reg ? reg->name ?: "(private)" : "the top");
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, ks_kobject_put,
							kobj), 0);
	return kobj;
}

/*
 * The node of regions/, where the directories and links live.  It lasts as
 * long as /sys/kernel/mm/contiguous, which ks_dir() holds.
 */
static struct kernfs_node *ks_regions(struct kunit *test)
{
	struct kernfs_node *kn = kernfs_find_and_get(ks_dir(test, NULL)->sd,
						     "regions");

	KUNIT_ASSERT_NOT_NULL(test, kn);
	kernfs_put(kn);
	return kn;
}

static bool ks_present(struct kunit *test, const char *name)
{
	struct kernfs_node *kn = kernfs_find_and_get(ks_regions(test), name);

	kernfs_put(kn);
	return kn;
}

/* A file's attribute, as sysfs keeps it in the file's node. */
static struct attribute *ks_attr(struct kunit *test, struct kobject *dir,
				 const char *file, umode_t mode)
{
	const char *slash = strchr(file, '/');
	struct kernfs_node *kn, *sub = dir->sd;
	struct attribute *attr;

	/* "stats/FILE": the statistics are in a subdirectory. */
	if (slash) {
		char name[16] = "";

		strncat(name, file, min_t(size_t, slash - file,
					  sizeof(name) - 1));
		sub = kernfs_find_and_get(dir->sd, name);
		KUNIT_ASSERT_NOT_NULL_MSG(test, sub, "no directory %s", name);
		file = slash + 1;
	}
	kn = kernfs_find_and_get(sub, file);
	if (slash)
		kernfs_put(sub);

	KUNIT_ASSERT_NOT_NULL_MSG(test, kn, "no file %s", file);
	KUNIT_EXPECT_EQ_MSG(test, kn->mode & 0777, mode, "mode of %s", file);
	attr = kn->priv;
	kernfs_put(kn);
	return attr;
}

/* Reads a file as sysfs does, into a page; returns what it holds. */
static const char *ks_read(struct kunit *test, struct kobject *dir,
			   const char *file, umode_t mode)
{
	struct attribute *attr = ks_attr(test, dir, file, mode);
	char *page = kunit_kzalloc(test, PAGE_SIZE + 1, GFP_KERNEL);
	ssize_t len;

	KUNIT_ASSERT_NOT_NULL(test, page);
	len = dir->ktype->sysfs_ops->show(dir, attr, page);
	KUNIT_ASSERT_GT_MSG(test, len, 0, "reading %s", file);
	KUNIT_ASSERT_LT(test, len, (ssize_t)PAGE_SIZE);
	KUNIT_EXPECT_EQ_MSG(test, page[len - 1], '\n', "%s ends a line", file);
	page[len] = '\0';
	return page;
}

/*
 * Reads the root-only start file as sysfs does, as a file opened with
 * @cred; returns what it holds, or an error pointer.
 */
static const char *ks_read_start(struct kunit *test, struct kobject *dir,
				 const struct cred *cred)
{
	struct kernfs_node *kn = kernfs_find_and_get(dir->sd, "start");
	char *page = kunit_kzalloc(test, PAGE_SIZE + 1, GFP_KERNEL);
	struct file *file = kunit_kzalloc(test, sizeof(*file), GFP_KERNEL);
	struct bin_attribute *attr;
	ssize_t len;

	KUNIT_ASSERT_NOT_NULL(test, kn);
	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_ASSERT_NOT_NULL(test, file);
	KUNIT_EXPECT_EQ(test, kn->mode & 0777, 0400);
	attr = kn->priv;
	kernfs_put(kn);
	file->f_cred = cred;
	len = attr->read(file, dir, attr, page, 0, PAGE_SIZE);
	if (len < 0)
		return ERR_PTR(len);
	page[len] = '\0';
	return page;
}

/* Writes @count bytes of @val as sysfs does: copied, NUL after the end. */
static ssize_t ks_write(struct kunit *test, struct kobject *dir,
			const char *file, const char *val, size_t count)
{
	struct attribute *attr = ks_attr(test, dir, file, 0644);
	char *buf = kunit_kzalloc(test, count + 1, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	memcpy(buf, val, count);
	return dir->ktype->sysfs_ops->store(dir, attr, buf, count);
}

static char ks_saved_map[CMA_MAP_MAX + 1];

static int ks_suite_init(struct kunit_suite *suite)
{
	int ret;

	cma_map_print(ks_saved_map, sizeof(ks_saved_map));
	ret = cma_allocator_register(&ks_a);
	if (ret)
		return ret;
	ret = cma_allocator_register(&ks_b);
	if (ret)
		cma_allocator_unregister(&ks_a);
	return ret;
}

static void ks_suite_exit(struct kunit_suite *suite)
{
	cma_allocator_unregister(&ks_b);
	cma_allocator_unregister(&ks_a);
	cma_map_replace(ks_saved_map);
}

static void cma_sysfs_test_region_files(struct kunit *test)
{
	struct cma_region *reg = ks_region(test, "kt-sysfs", SZ_16M, SZ_2M);
	struct cma_region *priv = ks_region(test, NULL, SZ_32M, SZ_1M);
	struct kobject *dir = ks_dir(test, reg), *pdir = ks_dir(test, priv);
	struct kernfs_node *kn;
	struct cma_chunk *chunk;
	struct cred *cred;
	unsigned int id;
	char want[24];

	/* Named by the region's name: no address in a directory's name. */
	KUNIT_EXPECT_STREQ(test, kobject_name(dir), "kt-sysfs");
	KUNIT_EXPECT_STREQ(test, ks_read(test, dir, "name", 0444),
			   "kt-sysfs\n");
	/* The start is root's only, and only with CAP_SYS_ADMIN. */
	KUNIT_EXPECT_STREQ(test, ks_read_start(test, dir, current_cred()),
			   "0xd1000000\n");
	cred = prepare_creds();
	KUNIT_ASSERT_NOT_NULL(test, cred);
	cap_lower(cred->cap_effective, CAP_SYS_ADMIN);
	KUNIT_EXPECT_EQ(test, PTR_ERR(ks_read_start(test, dir, cred)), -EPERM);
	put_cred(cred);
	KUNIT_EXPECT_STREQ(test, ks_read(test, dir, "size", 0444),
			   "2097152\n");
	KUNIT_EXPECT_STREQ(test, ks_read(test, dir, "free", 0444),
			   "2097152\n");
	KUNIT_EXPECT_STREQ(test, ks_read(test, dir, "users", 0444), "0\n");
	KUNIT_EXPECT_STREQ(test, ks_read(test, dir, "alloc", 0644),
			   "kunit-sa\n");
	/* No struct pages behind the fake range: never open to user space. */
	KUNIT_EXPECT_STREQ(test, ks_read(test, dir, "user_alloc", 0644),
			   "0\n");
	KUNIT_EXPECT_EQ(test, ks_write(test, dir, "user_alloc", "1\n", 2),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, ks_write(test, dir, "user_alloc", "0\n", 2), 2);
	KUNIT_EXPECT_STREQ(test, ks_read(test, dir, "user_alloc", 0644),
			   "0\n");

	/* regions/kt-sysfs is the directory itself, not a link. */
	kn = kernfs_find_and_get(ks_regions(test), "kt-sysfs");
	KUNIT_ASSERT_NOT_NULL(test, kn);
	KUNIT_EXPECT_EQ(test, kernfs_type(kn), KERNFS_DIR);
	KUNIT_EXPECT_PTR_EQ(test, kn, dir->sd);
	kernfs_put(kn);

	chunk = cma_alloc_from("kt-sysfs", PAGE_SIZE, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(chunk));
	snprintf(want, sizeof(want), "%lu\n", SZ_2M - PAGE_SIZE);
	KUNIT_EXPECT_STREQ(test, ks_read(test, dir, "free", 0444), want);
	KUNIT_EXPECT_STREQ(test, ks_read(test, dir, "users", 0444), "1\n");
	cma_free(chunk);
	KUNIT_EXPECT_STREQ(test, ks_read(test, dir, "free", 0444),
			   "2097152\n");

	/*
	 * A private region: private:<number> (no region name holds a
	 * colon), an empty name.
	 */
	KUNIT_EXPECT_TRUE_MSG(test,
			      str_has_prefix(kobject_name(pdir), "private:") &&
			      !kstrtouint(kobject_name(pdir) + 8, 10, &id),
			      "directory %s", kobject_name(pdir));
	KUNIT_EXPECT_STREQ(test, ks_read(test, pdir, "name", 0444), "\n");
	KUNIT_EXPECT_STREQ(test, ks_read(test, pdir, "size", 0444),
			   "1048576\n");
	kn = kernfs_find_and_get(ks_regions(test), kobject_name(pdir));
	KUNIT_EXPECT_EQ(test, kernfs_type(kn), KERNFS_DIR);
	kernfs_put(kn);
	KUNIT_EXPECT_FALSE(test, ks_present(test, "0xd1000000"));
	KUNIT_EXPECT_FALSE(test, ks_present(test, "0xd2000000"));
}

static void cma_sysfs_test_follows_registration(struct kunit *test)
{
	struct cma_region reg = { .name = "kt-gone", .start = KS_BASE,
				  .size = SZ_1M };
	struct kobject *kobj;

	KUNIT_EXPECT_FALSE(test, ks_present(test, "kt-gone"));
	KUNIT_ASSERT_EQ(test, cma_region_register(&reg), 0);
	KUNIT_EXPECT_TRUE(test, ks_present(test, "kt-gone"));
	KUNIT_EXPECT_FALSE(test, ks_present(test, "0xd0000000"));
	kobj = cma_sysfs_region_kobj(&reg);
	KUNIT_EXPECT_NOT_NULL(test, kobj);
	kobject_put(kobj);

	KUNIT_ASSERT_EQ(test, cma_region_unregister(&reg), 0);
	KUNIT_EXPECT_FALSE(test, ks_present(test, "kt-gone"));
	KUNIT_EXPECT_NULL(test, cma_sysfs_region_kobj(&reg));

	/* Registered again, at the same place: the same names come back. */
	KUNIT_ASSERT_EQ(test, cma_region_register(&reg), 0);
	KUNIT_EXPECT_TRUE(test, ks_present(test, "kt-gone"));
	KUNIT_EXPECT_EQ(test, cma_region_unregister(&reg), 0);
	KUNIT_EXPECT_FALSE(test, ks_present(test, "kt-gone"));
}

struct ks_write_case {
	const char *desc;
	const char *val;
	size_t len;		/* 0: strlen(val) */
	int err;		/* 0: accepted */
	const char *after;	/* the value read back after success */
};

#define KS_OK(d, v, a)		{ .desc = d, .val = v, .after = a }
#define KS_BAD(d, v, e)		{ .desc = d, .val = v, .err = e }
#define KS_BAD_LEN(d, v, l, e)	{ .desc = d, .val = v, .len = l, .err = e }

static const struct ks_write_case ks_map_cases[] = {
	KS_OK("valid", "video*,display*=video,common;*=common",
	      "video*,display*=video,common;*=common\n"),
	KS_OK("one trailing newline", "cam?/preview=a,b\n",
	      "cam?/preview=a,b\n"),
	KS_OK("trailing semicolon", "a=r;\n", "a=r;\n"),
	KS_OK("regions not registered (yet)", "a=nowhere", "a=nowhere\n"),
	KS_OK("empty", "", "\n"),
	KS_OK("just a newline", "\n", "\n"),
	KS_BAD("two trailing newlines", "a=r\n\n", -EINVAL),
	KS_BAD("newline inside", "a=r\nb=s", -EINVAL),
	KS_BAD("carriage return", "a=r\r\n", -EINVAL),
	KS_BAD_LEN("embedded NUL", "a=r\0b=s", 7, -EINVAL),
	KS_BAD_LEN("NUL alone", "\0", 1, -EINVAL),
	KS_BAD_LEN("NUL before the newline", "a=r\0\n", 5, -EINVAL),
	KS_BAD("trailing garbage", "a=r;b", -EINVAL),
	KS_BAD("space", "a=r s", -EINVAL),
	KS_BAD("no regions", "a=", -EINVAL),
	KS_BAD("no pattern", "=r", -EINVAL),
	KS_BAD("star inside a pattern", "a*b=r", -EINVAL),
	KS_BAD("duplicate region in a rule", "a=r,r", -EINVAL),
	KS_BAD("region name too long", "a=abcdefghijklmnopqrstuvwxyz012345",
	       -EINVAL),
	KS_BAD("empty rule", "a=r;;b=s", -EINVAL),
	KS_BAD("leading semicolon", ";a=r", -EINVAL),
};

KUNIT_ARRAY_PARAM_DESC(ks_map, ks_map_cases, desc);

static void cma_sysfs_test_map_write(struct kunit *test)
{
	const struct ks_write_case *c = test->param_value;
	struct kobject *top = ks_dir(test, NULL);
	size_t len = c->len ?: strlen(c->val);
	const char *before = "kt-before=kt-x\n";

	KUNIT_ASSERT_EQ(test, ks_write(test, top, "map", before,
				       strlen(before)),
			(ssize_t)strlen(before));
	KUNIT_ASSERT_STREQ(test, ks_read(test, top, "map", 0644), before);

	if (c->err) {
		KUNIT_EXPECT_EQ(test, ks_write(test, top, "map", c->val, len),
				(ssize_t)c->err);
		KUNIT_EXPECT_STREQ(test, ks_read(test, top, "map", 0644),
				   before);
	} else {
		KUNIT_EXPECT_EQ(test, ks_write(test, top, "map", c->val, len),
				(ssize_t)len);
		KUNIT_EXPECT_STREQ(test, ks_read(test, top, "map", 0644),
				   c->after);
	}
}

static void cma_sysfs_test_map_length(struct kunit *test)
{
	struct kobject *top = ks_dir(test, NULL);
	char *map = kunit_kzalloc(test, CMA_MAP_MAX + 2, GFP_KERNEL);
	const char *shown;
	size_t i;

	KUNIT_ASSERT_NOT_NULL(test, map);
	for (i = 0; i + 8 <= CMA_MAP_MAX; i += 4)
		memcpy(map + i, "a=r;", 4);
	memcpy(map + i, "a=", 2);
	memset(map + i + 2, 'r', CMA_MAP_MAX - i - 2);

	/* The longest map, with its newline, fits both ways. */
	map[CMA_MAP_MAX] = '\n';
	KUNIT_EXPECT_EQ(test, ks_write(test, top, "map", map, CMA_MAP_MAX + 1),
			(ssize_t)CMA_MAP_MAX + 1);
	shown = ks_read(test, top, "map", 0644);
	KUNIT_EXPECT_EQ(test, strlen(shown), CMA_MAP_MAX + 1);
	KUNIT_EXPECT_EQ(test, memcmp(shown, map, CMA_MAP_MAX + 1), 0);

	/* One more byte is refused, and the map stays. */
	map[CMA_MAP_MAX] = 'r';
	KUNIT_EXPECT_EQ(test, ks_write(test, top, "map", map, CMA_MAP_MAX + 1),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, strlen(ks_read(test, top, "map", 0644)),
			CMA_MAP_MAX + 1);
}

/* A map written through sysfs decides where the next allocation lands. */
static void cma_sysfs_test_map_steers(struct kunit *test)
{
	struct cma_region *one = ks_region(test, "kt-one", 0, SZ_1M);
	struct cma_region *two = ks_region(test, "kt-two", SZ_1M, SZ_1M);
	struct kobject *top = ks_dir(test, NULL);
	struct device *dev = kunit_device_register(test, "kt-steer");
	struct cma_chunk *chunk;
	char map[64];

	KUNIT_ASSERT_FALSE(test, IS_ERR(dev));
	snprintf(map, sizeof(map), "%s=kt-one,kt-two\n", dev_name(dev));
	KUNIT_ASSERT_EQ(test, ks_write(test, top, "map", map, strlen(map)),
			(ssize_t)strlen(map));
	chunk = cma_alloc_for(dev, NULL, PAGE_SIZE, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(chunk));
	KUNIT_EXPECT_PTR_EQ(test, chunk->reg, one->core);
	cma_free(chunk);

	snprintf(map, sizeof(map), "%s=kt-two", dev_name(dev));
	KUNIT_ASSERT_EQ(test, ks_write(test, top, "map", map, strlen(map)),
			(ssize_t)strlen(map));
	chunk = cma_alloc_for(dev, NULL, PAGE_SIZE, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(chunk));
	KUNIT_EXPECT_PTR_EQ(test, chunk->reg, two->core);
	cma_free(chunk);

	/* A rejected map leaves the last one steering. */
	KUNIT_EXPECT_EQ(test, ks_write(test, top, "map", "x=", 2), -EINVAL);
	chunk = cma_alloc_for(dev, NULL, PAGE_SIZE, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(chunk));
	KUNIT_EXPECT_PTR_EQ(test, chunk->reg, two->core);
	cma_free(chunk);
}

static const struct ks_write_case ks_alloc_cases[] = {
	KS_OK("registered allocator", "kunit-sb", "kunit-sb\n"),
	KS_OK("one trailing newline", "kunit-sb\n", "kunit-sb\n"),
	KS_OK("the one in force", "kunit-sa\n", "kunit-sa\n"),
	KS_BAD("empty", "", -EINVAL),
	KS_BAD("just a newline", "\n", -EINVAL),
	KS_BAD("two trailing newlines", "kunit-sb\n\n", -EINVAL),
	KS_BAD("leading space", " kunit-sb", -EINVAL),
	KS_BAD("trailing garbage", "kunit-sb x", -EINVAL),
	KS_BAD("bad character", "kunit/sb", -EINVAL),
	KS_BAD("too long", "abcdefghijklmnopqrstuvwxyz012345", -EINVAL),
	KS_BAD_LEN("embedded NUL", "kunit-sb\0x", 10, -EINVAL),
	KS_BAD_LEN("trailing NUL", "kunit-sb\0", 9, -EINVAL),
	KS_BAD("unknown allocator", "kunit-none", -ENOENT),
	KS_BAD("unknown, with newline", "kunit-none\n", -ENOENT),
};

KUNIT_ARRAY_PARAM_DESC(ks_alloc, ks_alloc_cases, desc);

static void cma_sysfs_test_alloc_write(struct kunit *test)
{
	const struct ks_write_case *c = test->param_value;
	struct cma_region *reg = ks_region(test, "kt-sw", 0, SZ_1M);
	struct kobject *dir = ks_dir(test, reg);
	size_t len = c->len ?: strlen(c->val);
	int inits = ks_inits;

	if (c->err) {
		KUNIT_EXPECT_EQ(test, ks_write(test, dir, "alloc", c->val, len),
				(ssize_t)c->err);
		KUNIT_EXPECT_STREQ(test, ks_read(test, dir, "alloc", 0644),
				   "kunit-sa\n");
		KUNIT_EXPECT_PTR_EQ(test, reg->core->alloc, &ks_a);
		KUNIT_EXPECT_EQ(test, ks_inits, inits);
	} else {
		KUNIT_EXPECT_EQ(test, ks_write(test, dir, "alloc", c->val, len),
				(ssize_t)len);
		KUNIT_EXPECT_STREQ(test, ks_read(test, dir, "alloc", 0644),
				   c->after);
	}
}

static void cma_sysfs_test_alloc_busy(struct kunit *test)
{
	struct cma_region *reg = ks_region(test, "kt-busy", 0, SZ_1M);
	struct kobject *dir = ks_dir(test, reg);
	struct cma_chunk *chunk;

	chunk = cma_alloc_from("kt-busy", PAGE_SIZE, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(chunk));
	KUNIT_EXPECT_EQ(test, ks_write(test, dir, "alloc", "kunit-sb\n", 9),
			-EBUSY);
	/* Busy is busy, even for the allocator in force. */
	KUNIT_EXPECT_EQ(test, ks_write(test, dir, "alloc", "kunit-sa\n", 9),
			-EBUSY);
	KUNIT_EXPECT_STREQ(test, ks_read(test, dir, "alloc", 0644),
			   "kunit-sa\n");
	KUNIT_EXPECT_STREQ(test, ks_read(test, dir, "users", 0444), "1\n");
	cma_free(chunk);

	/* Idle again: the switch goes through and the region works. */
	KUNIT_EXPECT_EQ(test, ks_write(test, dir, "alloc", "kunit-sb\n", 9),
			9);
	KUNIT_EXPECT_PTR_EQ(test, reg->core->alloc, &ks_b);
	chunk = cma_alloc_from("kt-busy", PAGE_SIZE, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(chunk));
	KUNIT_EXPECT_EQ(test, chunk->start, reg->start);
	cma_free(chunk);
}

static const struct ks_write_case ks_user_cases[] = {
	KS_OK("0", "0", "0\n"),
	KS_OK("1", "1", "1\n"),
	KS_OK("n", "n\n", "0\n"),
	KS_OK("Y", "Y", "1\n"),
	KS_OK("off", "off\n", "0\n"),
	KS_OK("ON", "ON", "1\n"),
	KS_BAD("empty", "", -EINVAL),
	KS_BAD("just a newline", "\n", -EINVAL),
	KS_BAD("2", "2", -EINVAL),
	KS_BAD("10", "10", -EINVAL),
	KS_BAD("yes", "yes", -EINVAL),
	KS_BAD("o", "o", -EINVAL),
	KS_BAD("leading space", " 0", -EINVAL),
	KS_BAD("two trailing newlines", "0\n\n", -EINVAL),
	KS_BAD_LEN("embedded NUL", "0\0", 2, -EINVAL),
};

KUNIT_ARRAY_PARAM_DESC(ks_user, ks_user_cases, desc);

static void ks_free_pages(void *pages)
{
	__free_pages(pages, get_order(SZ_1M));
}

/* user_alloc of a region of real memory: open by default, 0 closes it. */
static void cma_sysfs_test_user_alloc_write(struct kunit *test)
{
	const struct ks_write_case *c = test->param_value;
	size_t len = c->len ?: strlen(c->val);
	struct cma_region *reg;
	struct kobject *dir;
	struct page *pages;

	pages = alloc_pages(GFP_KERNEL, get_order(SZ_1M));
	KUNIT_ASSERT_NOT_NULL(test, pages);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, ks_free_pages,
							pages), 0);
	/* Unregistered (by the action ks_region() adds) before freed. */
	reg = ks_region(test, "kt-user", page_to_phys(pages) - KS_BASE, SZ_1M);
	dir = ks_dir(test, reg);
	KUNIT_ASSERT_STREQ(test, ks_read(test, dir, "user_alloc", 0644),
			   "1\n");
	if (c->err) {
		KUNIT_EXPECT_EQ(test, ks_write(test, dir, "user_alloc", c->val,
					       len), (ssize_t)c->err);
		KUNIT_EXPECT_STREQ(test, ks_read(test, dir, "user_alloc",
						 0644), "1\n");
		KUNIT_EXPECT_TRUE(test, cma_region_user(reg));
	} else {
		KUNIT_EXPECT_EQ(test, ks_write(test, dir, "user_alloc", c->val,
					       len), (ssize_t)len);
		KUNIT_EXPECT_STREQ(test, ks_read(test, dir, "user_alloc",
						 0644), c->after);
		KUNIT_EXPECT_EQ(test, cma_region_user(reg),
				!strcmp(c->after, "1\n"));
	}
}

/* stats/ counts what happened to the region's allocations. */
static void cma_sysfs_test_stats(struct kunit *test)
{
	static const char * const ro[] = {
		"allocs", "fail_noroom", "fail_fragmented", "fail_noalloc",
		"largest_free",
	};
	struct cma_region *reg = ks_region(test, "kt-stats", 0, SZ_2M);
	struct kobject *dir = ks_dir(test, reg);
	char path[32], one_page[24];
	struct attribute *attr;
	struct cma_chunk *chunk;
	char *page;
	int i;

	for (i = 0; i < ARRAY_SIZE(ro); i++) {
		snprintf(path, sizeof(path), "stats/%s", ro[i]);
		ks_attr(test, dir, path, 0444);
	}
	snprintf(one_page, sizeof(one_page), "%lu\n", PAGE_SIZE);
	chunk = cma_alloc_from("kt-stats", PAGE_SIZE, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(chunk));
	/* kunit-sa hands out nothing more: fragmented, as it sees it. */
	KUNIT_EXPECT_TRUE(test, IS_ERR(cma_alloc_from("kt-stats", PAGE_SIZE,
						      0)));
	KUNIT_EXPECT_TRUE(test, IS_ERR(cma_alloc_from("kt-stats", SZ_4M, 0)));
	KUNIT_EXPECT_STREQ(test, ks_read(test, dir, "stats/allocs", 0444),
			   "1\n");
	KUNIT_EXPECT_STREQ(test, ks_read(test, dir, "stats/fail_fragmented",
					 0444), "1\n");
	KUNIT_EXPECT_STREQ(test, ks_read(test, dir, "stats/fail_noroom", 0444),
			   "1\n");
	KUNIT_EXPECT_STREQ(test, ks_read(test, dir, "stats/fail_noalloc", 0444),
			   "0\n");
	cma_free(chunk);
	KUNIT_EXPECT_STREQ(test, ks_read(test, dir, "stats/peak_chunks", 0644),
			   "1\n");
	KUNIT_EXPECT_STREQ(test, ks_read(test, dir, "stats/peak_bytes", 0644),
			   one_page);
	/* Writing 0 to a peak resets that one only. */
	KUNIT_EXPECT_EQ(test, ks_write(test, dir, "stats/peak_chunks", "0", 1),
			1);
	KUNIT_EXPECT_STREQ(test, ks_read(test, dir, "stats/peak_chunks", 0644),
			   "0\n");
	KUNIT_EXPECT_STREQ(test, ks_read(test, dir, "stats/peak_bytes", 0644),
			   one_page);
	/* kunit-sa cannot tell its largest free extent. */
	attr = ks_attr(test, dir, "stats/largest_free", 0444);
	page = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_EXPECT_EQ(test, dir->ktype->sysfs_ops->show(dir, attr, page),
			-EOPNOTSUPP);
}

static const struct ks_write_case ks_peak_cases[] = {
	KS_OK("0", "0", "0\n"),
	KS_OK("0 and a newline", "0\n", "0\n"),
	KS_BAD("empty", "", -EINVAL),
	KS_BAD("just a newline", "\n", -EINVAL),
	KS_BAD("1", "1", -EINVAL),
	KS_BAD("the peak itself", "8192", -EINVAL),
	KS_BAD("00", "00", -EINVAL),
	KS_BAD("0x0", "0x0", -EINVAL),
	KS_BAD("-0", "-0", -EINVAL),
	KS_BAD("+0", "+0", -EINVAL),
	KS_BAD("leading space", " 0", -EINVAL),
	KS_BAD("two trailing newlines", "0\n\n", -EINVAL),
	KS_BAD_LEN("embedded NUL", "0\0", 2, -EINVAL),
	KS_BAD_LEN("NUL alone", "\0", 1, -EINVAL),
};

KUNIT_ARRAY_PARAM_DESC(ks_peak, ks_peak_cases, desc);

/*
 * Only 0 resets peak_bytes to what is allocated now; any other write is
 * refused and leaves it; peak_chunks is left either way.
 */
static void cma_sysfs_test_peak_write(struct kunit *test)
{
	const struct ks_write_case *c = test->param_value;
	struct cma_region *reg = ks_region(test, "kt-peak", 0, SZ_1M);
	struct kobject *dir = ks_dir(test, reg);
	size_t len = c->len ?: strlen(c->val);
	struct cma_chunk *chunk;
	char peak[24];

	chunk = cma_alloc_from("kt-peak", 2 * PAGE_SIZE, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(chunk));
	cma_free(chunk);
	snprintf(peak, sizeof(peak), "%lu\n", 2 * PAGE_SIZE);
	KUNIT_EXPECT_STREQ(test, ks_read(test, dir, "stats/peak_bytes", 0644),
			   peak);
	KUNIT_EXPECT_EQ(test, ks_write(test, dir, "stats/peak_bytes", c->val,
				       len),
			c->err ? (ssize_t)c->err : (ssize_t)len);
	KUNIT_EXPECT_STREQ(test, ks_read(test, dir, "stats/peak_bytes", 0644),
			   c->err ? peak : c->after);
	KUNIT_EXPECT_STREQ(test, ks_read(test, dir, "stats/peak_chunks", 0644),
			   "1\n");
}

static void cma_sysfs_test_allocators(struct kunit *test)
{
	const char *list = ks_read(test, ks_dir(test, NULL), "allocators",
				   0444);

	/* One line, the test's allocators last, in registration order. */
	KUNIT_EXPECT_NOT_NULL(test, strstr(list, "kunit-sa kunit-sb\n"));
	KUNIT_EXPECT_PTR_EQ(test, strchr(list, '\n'), list + strlen(list) - 1);
}

static struct kunit_case cma_sysfs_cases[] = {
	KUNIT_CASE(cma_sysfs_test_region_files),
	KUNIT_CASE(cma_sysfs_test_follows_registration),
	KUNIT_CASE_PARAM(cma_sysfs_test_map_write, ks_map_gen_params),
	KUNIT_CASE(cma_sysfs_test_map_length),
	KUNIT_CASE(cma_sysfs_test_map_steers),
	KUNIT_CASE_PARAM(cma_sysfs_test_alloc_write, ks_alloc_gen_params),
	KUNIT_CASE(cma_sysfs_test_alloc_busy),
	KUNIT_CASE_PARAM(cma_sysfs_test_user_alloc_write, ks_user_gen_params),
	KUNIT_CASE(cma_sysfs_test_stats),
	KUNIT_CASE_PARAM(cma_sysfs_test_peak_write, ks_peak_gen_params),
	KUNIT_CASE(cma_sysfs_test_allocators),
	{}
};

static struct kunit_suite cma_sysfs_suite = {
	.name = "cma_regions_sysfs",
	.suite_init = ks_suite_init,
	.suite_exit = ks_suite_exit,
	.test_cases = cma_sysfs_cases,
};

kunit_test_suites(&cma_sysfs_suite);
