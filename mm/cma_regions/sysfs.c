// SPDX-License-Identifier: GPL-2.0
/*
 * Contiguous memory regions in sysfs, under /sys/kernel/mm/contiguous/:
 *
 *	map			the map in force; write a new one
 *	allocators		the registered allocators
 *	regions/<name>/		one directory per registered named region
 *	regions/private:<N>/	one per private region
 *
 * The files are described in
 * Documentation/ABI/testing/sysfs-kernel-mm-contiguous.  No file or
 * directory name an unprivileged user can read shows a physical address
 * (as /proc/iomem since 4.15): only root reads a region's start.
 *
 * Copyright (C) 2026 The CMA regions developers
 */

#define pr_fmt(fmt) "cma_regions: " fmt

#include <kunit/visibility.h>
#include <linux/capability.h>
#include <linux/cma_regions.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/idr.h>
#include <linux/init.h>
#include <linux/kobject.h>
#include <linux/list.h>
#include <linux/lockdep.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/user_namespace.h>

#include "internal.h"

/**
 * struct cma_sysfs_region - a region's directory
 * @kobj:	regions/<name>/ or regions/private:<@id>/.
 * @reg:	The region; valid while the directory exists, since the core
 *		removes it before cma_region_unregister() returns.
 * @list:	In cma_sysfs_list, under cma_sysfs_lock.
 * @id:		A private region's number in cma_sysfs_private_ids, or -1.
 */
struct cma_sysfs_region {
	struct kobject kobj;
	struct cma_region *reg;
	struct list_head list;
	int id;
};

static struct kobject *cma_sysfs_kobj;
static struct kobject *cma_sysfs_regions_kobj;
/* Guards cma_sysfs_list; never held while files are added or removed. */
static DEFINE_MUTEX(cma_sysfs_lock);
static LIST_HEAD(cma_sysfs_list);
static DEFINE_IDA(cma_sysfs_private_ids);

static struct cma_region *to_region(struct kobject *kobj)
{
	return container_of(kobj, struct cma_sysfs_region, kobj)->reg;
}

/*
 * Takes a sysfs write the way the kernel's files do: at most one trailing
 * newline, and no NUL before the end.  Returns the length of the value,
 * or -EINVAL.
 */
static ssize_t cma_sysfs_value(const char *buf, size_t count)
{
	if (count && buf[count - 1] == '\n')
		count--;
	if (memchr(buf, '\0', count))
		return -EINVAL;
	return count;
}

static ssize_t map_show(struct kobject *kobj, struct kobj_attribute *attr,
			char *buf)
{
	size_t len = cma_map_print(buf, PAGE_SIZE - 1);

	/* CMA_MAP_MAX leaves room for the newline. */
	len = min_t(size_t, len, PAGE_SIZE - 2);
	buf[len++] = '\n';
	return len;
}

static ssize_t map_store(struct kobject *kobj, struct kobj_attribute *attr,
			 const char *buf, size_t count)
{
	ssize_t len = cma_sysfs_value(buf, count);
	char *map;
	int ret;

	if (len < 0) {
		pr_err_ratelimited("map: rejected: embedded NUL; the old map stays in force\n");
		return len;
	}
	if (len > CMA_MAP_MAX) {
		pr_err_ratelimited("map: rejected: longer than %lu bytes; the old map stays in force\n",
				   CMA_MAP_MAX);
		return -EINVAL;
	}
	map = kmemdup_nul(buf, len, GFP_KERNEL);
	if (!map)
		return -ENOMEM;
	/* The parser names what is wrong and where. */
	ret = cma_map_replace(map);
	kfree(map);
	return ret ?: count;
}

static struct kobj_attribute cma_map_attr = __ATTR_RW_MODE(map, 0644);

static ssize_t allocators_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *buf)
{
	size_t len = cma_allocators_print(buf, PAGE_SIZE - 1);

	len = min_t(size_t, len, PAGE_SIZE - 2);
	buf[len++] = '\n';
	return len;
}

static struct kobj_attribute cma_allocators_attr = __ATTR_RO(allocators);

static struct attribute *cma_sysfs_top_attrs[] = {
	&cma_map_attr.attr,
	&cma_allocators_attr.attr,
	NULL
};

static const struct attribute_group cma_sysfs_top_group = {
	.attrs = cma_sysfs_top_attrs,
};

static ssize_t name_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%s\n", to_region(kobj)->name ?: "");
}

static struct kobj_attribute cma_name_attr = __ATTR_RO(name);

/*
 * A physical address helps an attacker aim at memory: the file is root's
 * (0400), and, as /proc/iomem does, read only with CAP_SYS_ADMIN in the
 * initial namespace by whoever opened it, so that root in a container
 * without it learns nothing.
 */
static ssize_t start_read(struct file *file, struct kobject *kobj,
			  struct bin_attribute *attr, char *buf, loff_t off,
			  size_t count)
{
	char val[24];
	int len;

	if (!file_ns_capable(file, &init_user_ns, CAP_SYS_ADMIN))
		return -EPERM;
	len = scnprintf(val, sizeof(val), "0x%llx\n",
			(unsigned long long)to_region(kobj)->start);
	return memory_read_from_buffer(buf, count, &off, val, len);
}

static BIN_ATTR_ADMIN_RO(start, 0);

static ssize_t size_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%llu\n", (u64)to_region(kobj)->size);
}

static struct kobj_attribute cma_size_attr = __ATTR_RO(size);

static ssize_t free_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	struct cma_region *reg = to_region(kobj);
	phys_addr_t free;

	mutex_lock(&reg->lock);
	free = reg->free_space;
	mutex_unlock(&reg->lock);
	return sysfs_emit(buf, "%llu\n", (u64)free);
}

static struct kobj_attribute cma_free_attr = __ATTR_RO(free);

static ssize_t users_show(struct kobject *kobj, struct kobj_attribute *attr,
			  char *buf)
{
	struct cma_region *reg = to_region(kobj);
	unsigned int users;

	mutex_lock(&reg->lock);
	users = reg->users;
	mutex_unlock(&reg->lock);
	return sysfs_emit(buf, "%u\n", users);
}

static struct kobj_attribute cma_users_attr = __ATTR_RO(users);

static ssize_t alloc_show(struct kobject *kobj, struct kobj_attribute *attr,
			  char *buf)
{
	struct cma_region *reg = to_region(kobj);
	ssize_t len;

	/* The allocator cannot go while its region's lock is held. */
	mutex_lock(&reg->lock);
	len = sysfs_emit(buf, "%s\n", reg->alloc ? reg->alloc->name : "");
	mutex_unlock(&reg->lock);
	return len;
}

static ssize_t alloc_store(struct kobject *kobj, struct kobj_attribute *attr,
			   const char *buf, size_t count)
{
	struct cma_region *reg = to_region(kobj);
	const char *rname = reg->name ?: "(private)";
	char name[CMA_REGIONS_NAME_MAX + 1];
	ssize_t len = cma_sysfs_value(buf, count);
	int ret;

	if (len < 0 || !len || len > CMA_REGIONS_NAME_MAX) {
		pr_err_ratelimited("region %s: alloc: rejected: %s\n", rname,
				   len < 0 ? "embedded NUL" :
				   !len ? "empty allocator name" :
				   "allocator name too long");
		return -EINVAL;
	}
	memcpy(name, buf, len);
	name[len] = '\0';
	ret = cma_region_set_allocator(reg, name);
	if (ret) {
		pr_err_ratelimited("region %s: alloc: cannot switch to \"%s\": %pe (%s)\n",
				   rname, name, ERR_PTR(ret),
				   cma_strerror(CMA_OP_SET_ALLOCATOR, ret));
		return ret;
	}
	return count;
}

static struct kobj_attribute cma_alloc_attr = __ATTR_RW_MODE(alloc, 0644);

static ssize_t user_alloc_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", cma_region_user(to_region(kobj)));
}

static ssize_t user_alloc_store(struct kobject *kobj,
				struct kobj_attribute *attr,
				const char *buf, size_t count)
{
	static const char *const values[] = { "0", "1", "n", "y", "off", "on" };
	struct cma_region *reg = to_region(kobj);
	const char *rname = reg->name ?: "(private)";
	ssize_t len = cma_sysfs_value(buf, count);
	int i, ret;

	/* kstrtobool()'s words, but the whole value, not its first letter. */
	for (i = 0; len > 0 && i < ARRAY_SIZE(values); i++)
		if (strlen(values[i]) == len &&
		    !strncasecmp(buf, values[i], len))
			break;
	if (len <= 0 || i == ARRAY_SIZE(values)) {
		pr_err_ratelimited("region %s: user_alloc: rejected: not 0, 1, n, y, off or on\n",
				   rname);
		return -EINVAL;
	}
	ret = cma_region_set_user(reg, i & 1);
	if (ret)
		pr_err_ratelimited("region %s: user_alloc: rejected: %pe (%s)\n",
				   rname, ERR_PTR(ret),
				   cma_strerror(CMA_OP_SET_USER, ret));
	return ret ?: count;
}

static struct kobj_attribute cma_user_alloc_attr =
	__ATTR_RW_MODE(user_alloc, 0644);

static struct attribute *cma_sysfs_region_attrs[] = {
	&cma_name_attr.attr,
	&cma_size_attr.attr,
	&cma_free_attr.attr,
	&cma_users_attr.attr,
	&cma_alloc_attr.attr,
	&cma_user_alloc_attr.attr,
	NULL
};

static struct bin_attribute *cma_sysfs_region_bin_attrs[] = {
	&bin_attr_start,
	NULL
};

static const struct attribute_group cma_sysfs_region_group = {
	.attrs = cma_sysfs_region_attrs,
	.bin_attrs = cma_sysfs_region_bin_attrs,
};

/* regions/<name>/stats/: one value of the region's statistics per file. */
#define CMA_SYSFS_STAT(_name, _expr)					\
static ssize_t _name##_show(struct kobject *kobj,			\
			    struct kobj_attribute *attr, char *buf)	\
{									\
	struct cma_region *reg = to_region(kobj);			\
	u64 val;							\
									\
	mutex_lock(&reg->lock);						\
	val = (_expr);							\
	mutex_unlock(&reg->lock);					\
	return sysfs_emit(buf, "%llu\n", val);				\
}

CMA_SYSFS_STAT(allocs, reg->stats.allocs)
CMA_SYSFS_STAT(fail_noroom, reg->stats.fail_noroom)
CMA_SYSFS_STAT(fail_fragmented, reg->stats.fail_fragmented)
CMA_SYSFS_STAT(fail_noalloc, reg->stats.fail_noalloc)
CMA_SYSFS_STAT(peak_bytes, reg->stats.peak_bytes)
CMA_SYSFS_STAT(peak_chunks, reg->stats.peak_chunks)

static struct kobj_attribute cma_stat_allocs_attr = __ATTR_RO(allocs);
static struct kobj_attribute cma_stat_fail_noroom_attr =
	__ATTR_RO(fail_noroom);
static struct kobj_attribute cma_stat_fail_fragmented_attr =
	__ATTR_RO(fail_fragmented);
static struct kobj_attribute cma_stat_fail_noalloc_attr = __ATTR_RO(fail_noalloc);

/*
 * Writing 0 to peak_bytes or peak_chunks starts that peak again from what
 * is allocated now; nothing else may be written.
 */
static ssize_t peak_store(struct kobject *kobj, struct kobj_attribute *attr,
			  const char *buf, size_t count)
{
	struct cma_region *reg = to_region(kobj);
	ssize_t len = cma_sysfs_value(buf, count);

	if (len != 1 || buf[0] != '0') {
		pr_err_ratelimited("region %s: %s: rejected: only 0 resets the peak\n",
				   kobject_name(kobj), attr->attr.name);
		return -EINVAL;
	}
	mutex_lock(&reg->lock);
	if (!strcmp(attr->attr.name, "peak_bytes"))
		reg->stats.peak_bytes = reg->size - reg->free_space;
	else
		reg->stats.peak_chunks = reg->users;
	mutex_unlock(&reg->lock);
	return count;
}

static struct kobj_attribute cma_stat_peak_bytes_attr =
	__ATTR(peak_bytes, 0644, peak_bytes_show, peak_store);
static struct kobj_attribute cma_stat_peak_chunks_attr =
	__ATTR(peak_chunks, 0644, peak_chunks_show, peak_store);

/*
 * The largest free extent, as the region's allocator tells it; 0 without
 * an allocator, for nothing can be allocated then.
 */
static ssize_t largest_free_show(struct kobject *kobj,
				 struct kobj_attribute *attr, char *buf)
{
	struct cma_region *reg = to_region(kobj);
	phys_addr_t largest = 0;
	int ret = 0;

	mutex_lock(&reg->lock);
	if (reg->alloc && reg->alloc->largest_free)
		largest = reg->alloc->largest_free(reg);
	else if (reg->alloc)
		ret = -EOPNOTSUPP;
	mutex_unlock(&reg->lock);
	return ret ?: sysfs_emit(buf, "%llu\n", (u64)largest);
}

static struct kobj_attribute cma_stat_largest_free_attr =
	__ATTR_RO(largest_free);

static struct attribute *cma_sysfs_stats_attrs[] = {
	&cma_stat_allocs_attr.attr,
	&cma_stat_fail_noroom_attr.attr,
	&cma_stat_fail_fragmented_attr.attr,
	&cma_stat_fail_noalloc_attr.attr,
	&cma_stat_peak_bytes_attr.attr,
	&cma_stat_peak_chunks_attr.attr,
	&cma_stat_largest_free_attr.attr,
	NULL
};

static const struct attribute_group cma_sysfs_stats_group = {
	.name = "stats",
	.attrs = cma_sysfs_stats_attrs,
};

static const struct attribute_group *cma_sysfs_region_groups[] = {
	&cma_sysfs_region_group,
	&cma_sysfs_stats_group,
	NULL
};

static void cma_sysfs_region_release(struct kobject *kobj)
{
	struct cma_sysfs_region *sr;

	sr = container_of(kobj, struct cma_sysfs_region, kobj);
	if (sr->id >= 0)
		ida_free(&cma_sysfs_private_ids, sr->id);
	kfree(sr);
}

static const struct kobj_type cma_sysfs_region_ktype = {
	.release = cma_sysfs_region_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = cma_sysfs_region_groups,
};

static int cma_sysfs_region_add(struct cma_region *reg)
{
	struct cma_sysfs_region *sr;
	int ret;

	sr = kzalloc(sizeof(*sr), GFP_KERNEL);
	if (!sr)
		return -ENOMEM;
	sr->reg = reg;
	sr->id = -1;
	if (reg->name) {
		ret = kobject_init_and_add(&sr->kobj, &cma_sysfs_region_ktype,
					   cma_sysfs_regions_kobj, "%s",
					   reg->name);
	} else {
		ret = ida_alloc(&cma_sysfs_private_ids, GFP_KERNEL);
		if (ret < 0) {
			kfree(sr);
			return ret;
		}
		sr->id = ret;
		ret = kobject_init_and_add(&sr->kobj, &cma_sysfs_region_ktype,
					   cma_sysfs_regions_kobj,
					   "private:%d", sr->id);
	}
	if (ret) {
		/* The release frees the id and @sr. */
		kobject_put(&sr->kobj);
		return ret;
	}
	mutex_lock(&cma_sysfs_lock);
	list_add_tail(&sr->list, &cma_sysfs_list);
	mutex_unlock(&cma_sysfs_lock);
	return 0;
}

static struct cma_sysfs_region *cma_sysfs_find(struct cma_region *reg)
{
	struct cma_sysfs_region *sr;

	lockdep_assert_held(&cma_sysfs_lock);
	list_for_each_entry(sr, &cma_sysfs_list, list)
		if (sr->reg == reg)
			return sr;
	return NULL;
}

static void cma_sysfs_region_del(struct cma_region *reg)
{
	struct cma_sysfs_region *sr;

	mutex_lock(&cma_sysfs_lock);
	sr = cma_sysfs_find(reg);
	if (sr)
		list_del(&sr->list);
	mutex_unlock(&cma_sysfs_lock);
	if (!sr)
		return;
	/* Waits for readers and writers of the region's files. */
	kobject_del(&sr->kobj);
	kobject_put(&sr->kobj);
}

static int cma_sysfs_watch(struct notifier_block *nb, unsigned long event,
			   void *data)
{
	switch (event) {
	case CMA_REGION_ADD:
		return notifier_from_errno(cma_sysfs_region_add(data));
	case CMA_REGION_DEL:
		cma_sysfs_region_del(data);
		return NOTIFY_OK;
	}
	return NOTIFY_DONE;
}

static struct notifier_block cma_sysfs_nb = {
	.notifier_call = cma_sysfs_watch,
};

/**
 * cma_sysfs_region_kobj() - find a region's directory
 * @reg:	The handle of a region the caller registered, or NULL for
 *		/sys/kernel/mm/contiguous.
 *
 * For the KUnit tests, which call the attributes' show and store functions
 * as sysfs does.
 *
 * Context: Process context.  The caller must not register or unregister
 * @reg meanwhile.
 * Return: the directory's kobject with a reference to drop with
 * kobject_put(), or NULL if there is none.
 */
struct kobject *cma_sysfs_region_kobj(struct cma_region *reg)
{
	struct cma_sysfs_region *sr;
	struct kobject *kobj;

	if (!reg)
		return kobject_get(cma_sysfs_kobj);
	mutex_lock(&cma_sysfs_lock);
	/* The directory is the core's copy's, which only a handle leads to. */
	sr = reg->core ? cma_sysfs_find(reg->core) : NULL;
	kobj = sr ? kobject_get(&sr->kobj) : NULL;
	mutex_unlock(&cma_sysfs_lock);
	return kobj;
}
EXPORT_SYMBOL_IF_KUNIT(cma_sysfs_region_kobj);

static int __init cma_sysfs_init(void)
{
	int ret;

	cma_sysfs_kobj = kobject_create_and_add("contiguous", mm_kobj);
	if (!cma_sysfs_kobj)
		return -ENOMEM;
	ret = sysfs_create_group(cma_sysfs_kobj, &cma_sysfs_top_group);
	if (ret)
		goto err_put;
	cma_sysfs_regions_kobj = kobject_create_and_add("regions",
							cma_sysfs_kobj);
	if (!cma_sysfs_regions_kobj) {
		ret = -ENOMEM;
		goto err_put;
	}
	ret = cma_regions_watch(&cma_sysfs_nb);
	if (ret)
		goto err_put_regions;
	return 0;

err_put_regions:
	kobject_put(cma_sysfs_regions_kobj);
err_put:
	kobject_put(cma_sysfs_kobj);
	cma_sysfs_kobj = NULL;
	pr_err("cannot create /sys/kernel/mm/contiguous: %pe\n", ERR_PTR(ret));
	return ret;
}
subsys_initcall(cma_sysfs_init);
