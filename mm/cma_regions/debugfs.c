// SPDX-License-Identifier: GPL-2.0
/*
 * Contiguous memory regions: who holds what, and how fragmented it is.
 *
 * <debugfs>/cma_regions/<region>/ (private regions: private:<n>) has
 *
 *   chunks		(root only) one line per chunk alive, in allocation
 *			order: its start (shown only to
 *			openers with CAP_SYS_ADMIN, "-" to others), its size,
 *			the allocating process's thread group id (0 for the
 *			kernel), what was asked for (device/type, the region
 *			names, or "-" for a driver's own region handle), and
 *			the allocating process's name ("-" for the kernel);
 *			spaces, tabs, newlines and backslashes in the last two
 *			are escaped in octal (\040), as in /proc/PID/mountinfo.
 *   free_extents	the free space in all, the number of free extents and
 *			the largest, then one line per size class from one
 *			page up to the largest: the class's lower bound in
 *			bytes and how many free extents fall into it.
 *
 * The statistics counters are in sysfs; this is the view for working out
 * why an allocation failed.
 *
 * Copyright (C) 2026 The CMA regions developers
 */

#define pr_fmt(fmt) "cma_regions: " fmt

#include <linux/capability.h>
#include <linux/cma_regions.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/idr.h>
#include <linux/init.h>
#include <linux/list.h>
#include <linux/log2.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/user_namespace.h>

#include "internal.h"

/**
 * struct cma_debugfs_region - a region's directory
 * @reg:	The core's copy of the region.
 * @dir:	Its directory.
 * @list:	On cma_debugfs_list.
 * @id:		For a private region, the number in its name; otherwise -1.
 */
struct cma_debugfs_region {
	struct cma_region *reg;
	struct dentry *dir;
	struct list_head list;
	int id;
};

static struct dentry *cma_debugfs_root;
/* Guards cma_debugfs_list. */
static DEFINE_MUTEX(cma_debugfs_lock);
static LIST_HEAD(cma_debugfs_list);
static DEFINE_IDA(cma_debugfs_private_ids);

static int cma_debugfs_chunks_show(struct seq_file *m, void *unused)
{
	struct cma_region *reg = m->private;
	/* Decided by the opener, as for kallsyms and /proc/PID/pagemap. */
	bool see_start = file_ns_capable(m->file, &init_user_ns, CAP_SYS_ADMIN);
	struct cma_chunk *chunk;

	seq_puts(m, "start size pid request comm\n");
	mutex_lock(&reg->lock);
	list_for_each_entry(chunk, &reg->chunks, node) {
		const char *req = chunk->owner;
		const char *comm = req + strlen(req) + 1;

		if (see_start)
			seq_printf(m, "%#llx", (u64)chunk->start);
		else
			seq_putc(m, '-');
		seq_printf(m, " %zu %d ", chunk->size, chunk->tgid);
		/* One line per chunk, one word per field, whatever a comm holds. */
		seq_escape(m, *req ? req : "-", " \t\n\\");
		seq_putc(m, ' ');
		seq_escape(m, chunk->tgid ? comm : "-", " \t\n\\");
		seq_putc(m, '\n');
	}
	mutex_unlock(&reg->lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(cma_debugfs_chunks);

static int cma_debugfs_free_extents_show(struct seq_file *m, void *unused)
{
	struct cma_free_extents *fe;
	unsigned int i, top;
	int ret;

	fe = kmalloc(sizeof(*fe), GFP_KERNEL);
	if (!fe)
		return -ENOMEM;
	ret = cma_region_free_extents(m->private, fe);
	if (ret)
		goto out;
	seq_printf(m, "free %llu\nextents %lu\nlargest %llu\n",
		   (u64)fe->bytes, fe->extents, (u64)fe->largest);
	/* Classes from one page up to the largest extent's. */
	top = fe->largest >= PAGE_SIZE ?
	      min_t(unsigned int, ilog2(fe->largest >> PAGE_SHIFT),
		    CMA_FREE_CLASSES - 1) + 1 : 0;
	for (i = 0; i < top; i++)
		seq_printf(m, "%llu %lu\n", (u64)PAGE_SIZE << i, fe->count[i]);
out:
	kfree(fe);
	return ret;
}
DEFINE_SHOW_ATTRIBUTE(cma_debugfs_free_extents);

static int cma_debugfs_region_add(struct cma_region *reg)
{
	struct cma_debugfs_region *dr;
	char name[32];

	dr = kzalloc(sizeof(*dr), GFP_KERNEL);
	if (!dr)
		return -ENOMEM;
	dr->reg = reg;
	dr->id = -1;
	if (!reg->name) {
		dr->id = ida_alloc(&cma_debugfs_private_ids, GFP_KERNEL);
		if (dr->id < 0) {
			int ret = dr->id;

			kfree(dr);
			return ret;
		}
		snprintf(name, sizeof(name), "private:%d", dr->id);
	}
	/* debugfs is best effort: its errors are not the region's. */
	dr->dir = debugfs_create_dir(reg->name ?: name, cma_debugfs_root);
	/* Who allocated what is the administrator's business only. */
	debugfs_create_file("chunks", 0400, dr->dir, reg,
			    &cma_debugfs_chunks_fops);
	debugfs_create_file("free_extents", 0444, dr->dir, reg,
			    &cma_debugfs_free_extents_fops);
	mutex_lock(&cma_debugfs_lock);
	list_add_tail(&dr->list, &cma_debugfs_list);
	mutex_unlock(&cma_debugfs_lock);
	return 0;
}

static void cma_debugfs_region_del(struct cma_region *reg)
{
	struct cma_debugfs_region *dr, *found = NULL;

	mutex_lock(&cma_debugfs_lock);
	list_for_each_entry(dr, &cma_debugfs_list, list) {
		if (dr->reg == reg) {
			list_del(&dr->list);
			found = dr;
			break;
		}
	}
	mutex_unlock(&cma_debugfs_lock);
	if (!found)
		return;
	/* Waits for readers of the region's files. */
	debugfs_remove(found->dir);
	if (found->id >= 0)
		ida_free(&cma_debugfs_private_ids, found->id);
	kfree(found);
}

static int cma_debugfs_watch(struct notifier_block *nb, unsigned long event,
			     void *data)
{
	struct cma_region *reg = data;
	int ret;

	switch (event) {
	case CMA_REGION_ADD:
		/* A debugging aid: the region works without its directory. */
		ret = cma_debugfs_region_add(reg);
		if (ret)
			pr_warn("region %s: no debugfs directory: %pe\n",
				reg->name ?: "(private)", ERR_PTR(ret));
		return NOTIFY_OK;
	case CMA_REGION_DEL:
		cma_debugfs_region_del(data);
		return NOTIFY_OK;
	}
	return NOTIFY_DONE;
}

static struct notifier_block cma_debugfs_nb = {
	.notifier_call = cma_debugfs_watch,
};

static int __init cma_debugfs_init(void)
{
	int ret;

	cma_debugfs_root = debugfs_create_dir("cma_regions", NULL);
	ret = cma_regions_watch(&cma_debugfs_nb);
	if (ret) {
		pr_warn("no debugfs view: %d\n", ret);
		debugfs_remove(cma_debugfs_root);
	}
	return 0;
}
late_initcall(cma_debugfs_init);
