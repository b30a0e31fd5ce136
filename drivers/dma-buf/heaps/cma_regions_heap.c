// SPDX-License-Identifier: GPL-2.0
/*
 * DMA-BUF heaps for contiguous memory regions.
 *
 * Every named region whose memory has struct pages is also a heap,
 * /dev/dma_heap/cma_regions:<name>, so the standard heap interface and its
 * clients allocate from the configured regions and get a dma-buf they can
 * map, pass to another process and import into drivers.  The ':' keeps the
 * names apart from upstream CMA's heap, which is named after the default
 * CMA area ("reserved" or a device-tree node's name, which cannot hold
 * one).
 *
 * Buffers come from cma_alloc_user(): only while the region is open to
 * user space (sysfs' user_alloc), cleared, and charged to the allocating
 * process's memory cgroup.  Like the CMA heap's, they map only shared and
 * cached, with dma-buf's CPU access calls doing the cache maintenance.
 *
 * 6.12 cannot remove a heap.  When a region is unregistered its heap stays
 * and allocations from it fail with -ENODEV; a region of memory with
 * struct pages registered again under the same name gets the heap back.
 * Buffers hold their chunk: a region unregistered while buffers of it
 * live keeps their memory until the last is released.
 *
 * Modelled on the CMA heap (drivers/dma-buf/heaps/cma_heap.c).
 *
 * Copyright (C) 2026 The CMA regions developers
 */

#define pr_fmt(fmt) "cma_regions_heap: " fmt

#include <linux/cma_regions.h>
#include <linux/dma-buf.h>
#include <linux/dma-heap.h>
#include <linux/dma-mapping.h>
#include <linux/err.h>
#include <linux/highmem.h>
#include <linux/init.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/scatterlist.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#define CMAR_HEAP_PREFIX	"cma_regions:"

/**
 * struct cmar_heap - a region's heap
 * @list:	In cmar_heaps.
 * @heap:	The heap; never removed.
 * @lock:	Guards @reg.
 * @reg:	The region, or NULL while no region of this name is
 *		registered.
 * @name:	The heap's name.
 */
struct cmar_heap {
	struct list_head list;
	struct dma_heap *heap;
	struct mutex lock;		/* guards reg */
	struct cma_region *reg;
	char name[sizeof(CMAR_HEAP_PREFIX) + CMA_REGIONS_NAME_MAX];
};

/* Only touched by the region watcher, which the core serialises. */
static LIST_HEAD(cmar_heaps);

/**
 * struct cmar_buffer - a dma-buf of a region heap
 * @chunk:	The memory.
 * @lock:	Guards @attachments, @vmap_cnt and @vaddr.
 * @attachments: The devices it is attached to.
 * @vmap_cnt:	Users of @vaddr.
 * @vaddr:	Kernel mapping, while @vmap_cnt is not zero.
 */
struct cmar_buffer {
	struct cma_chunk *chunk;
	struct mutex lock;		/* guards the three below */
	struct list_head attachments;
	int vmap_cnt;
	void *vaddr;
};

struct cmar_attachment {
	struct device *dev;
	struct sg_table table;
	struct list_head list;
	bool mapped;
};

static struct page *cmar_page(struct cmar_buffer *buffer, size_t offset)
{
	return pfn_to_page(PHYS_PFN(buffer->chunk->start + offset));
}

/* The chunk as a table of entries of at most 1 GiB (sg lengths are int). */
static int cmar_table(struct cmar_buffer *buffer, struct sg_table *table)
{
	size_t size = buffer->chunk->size, off = 0, len;
	struct scatterlist *sg;
	int ret;

	ret = sg_alloc_table(table, DIV_ROUND_UP(size, SZ_1G), GFP_KERNEL);
	if (ret)
		return ret;
	for (sg = table->sgl; sg; sg = sg_next(sg), off += len) {
		len = min_t(size_t, size - off, SZ_1G);
		sg_set_page(sg, cmar_page(buffer, off), len, 0);
	}
	return 0;
}

static int cmar_attach(struct dma_buf *dmabuf,
		       struct dma_buf_attachment *attachment)
{
	struct cmar_buffer *buffer = dmabuf->priv;
	struct cmar_attachment *a;
	int ret;

	a = kzalloc(sizeof(*a), GFP_KERNEL);
	if (!a)
		return -ENOMEM;
	ret = cmar_table(buffer, &a->table);
	if (ret) {
		kfree(a);
		return ret;
	}
	a->dev = attachment->dev;
	attachment->priv = a;

	mutex_lock(&buffer->lock);
	list_add(&a->list, &buffer->attachments);
	mutex_unlock(&buffer->lock);
	return 0;
}

static void cmar_detach(struct dma_buf *dmabuf,
			struct dma_buf_attachment *attachment)
{
	struct cmar_buffer *buffer = dmabuf->priv;
	struct cmar_attachment *a = attachment->priv;

	mutex_lock(&buffer->lock);
	list_del(&a->list);
	mutex_unlock(&buffer->lock);
	sg_free_table(&a->table);
	kfree(a);
}

static struct sg_table *cmar_map_dma_buf(struct dma_buf_attachment *attachment,
					 enum dma_data_direction direction)
{
	struct cmar_buffer *buffer = attachment->dmabuf->priv;
	struct cmar_attachment *a = attachment->priv;
	int ret;

	ret = dma_map_sgtable(attachment->dev, &a->table, direction, 0);
	if (ret)
		return ERR_PTR(ret);
	/* Under the lock the CPU access calls read it with. */
	mutex_lock(&buffer->lock);
	a->mapped = true;
	mutex_unlock(&buffer->lock);
	return &a->table;
}

static void cmar_unmap_dma_buf(struct dma_buf_attachment *attachment,
			       struct sg_table *table,
			       enum dma_data_direction direction)
{
	struct cmar_buffer *buffer = attachment->dmabuf->priv;
	struct cmar_attachment *a = attachment->priv;

	mutex_lock(&buffer->lock);
	a->mapped = false;
	mutex_unlock(&buffer->lock);
	dma_unmap_sgtable(attachment->dev, table, direction, 0);
}

static int cmar_begin_cpu_access(struct dma_buf *dmabuf,
				 enum dma_data_direction direction)
{
	struct cmar_buffer *buffer = dmabuf->priv;
	struct cmar_attachment *a;

	mutex_lock(&buffer->lock);
	if (buffer->vmap_cnt)
		invalidate_kernel_vmap_range(buffer->vaddr,
					     buffer->chunk->size);
	list_for_each_entry(a, &buffer->attachments, list)
		if (a->mapped)
			dma_sync_sgtable_for_cpu(a->dev, &a->table, direction);
	mutex_unlock(&buffer->lock);
	return 0;
}

static int cmar_end_cpu_access(struct dma_buf *dmabuf,
			       enum dma_data_direction direction)
{
	struct cmar_buffer *buffer = dmabuf->priv;
	struct cmar_attachment *a;

	mutex_lock(&buffer->lock);
	if (buffer->vmap_cnt)
		flush_kernel_vmap_range(buffer->vaddr, buffer->chunk->size);
	list_for_each_entry(a, &buffer->attachments, list)
		if (a->mapped)
			dma_sync_sgtable_for_device(a->dev, &a->table,
						    direction);
	mutex_unlock(&buffer->lock);
	return 0;
}

static int cmar_mmap(struct dma_buf *dmabuf, struct vm_area_struct *vma)
{
	struct cmar_buffer *buffer = dmabuf->priv;

	/*
	 * The dma-buf core keeps the buffer while the mapping exists;
	 * cma_chunk_mmap() refuses a private one.
	 */
	return cma_chunk_mmap(buffer->chunk, vma, vma->vm_pgoff);
}

static void *cmar_do_vmap(struct cmar_buffer *buffer)
{
	pgoff_t i, n = buffer->chunk->size >> PAGE_SHIFT;
	struct page **pages;
	void *vaddr;

	pages = kvmalloc_array(n, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return ERR_PTR(-ENOMEM);
	for (i = 0; i < n; i++)
		pages[i] = cmar_page(buffer, i << PAGE_SHIFT);
	vaddr = vmap(pages, n, VM_MAP, PAGE_KERNEL);
	kvfree(pages);
	return vaddr ?: ERR_PTR(-ENOMEM);
}

static int cmar_vmap(struct dma_buf *dmabuf, struct iosys_map *map)
{
	struct cmar_buffer *buffer = dmabuf->priv;
	void *vaddr;
	int ret = 0;

	mutex_lock(&buffer->lock);
	if (!buffer->vmap_cnt) {
		vaddr = cmar_do_vmap(buffer);
		if (IS_ERR(vaddr)) {
			ret = PTR_ERR(vaddr);
			goto out;
		}
		buffer->vaddr = vaddr;
	}
	buffer->vmap_cnt++;
	iosys_map_set_vaddr(map, buffer->vaddr);
out:
	mutex_unlock(&buffer->lock);
	return ret;
}

static void cmar_vunmap(struct dma_buf *dmabuf, struct iosys_map *map)
{
	struct cmar_buffer *buffer = dmabuf->priv;

	mutex_lock(&buffer->lock);
	if (!--buffer->vmap_cnt) {
		vunmap(buffer->vaddr);
		buffer->vaddr = NULL;
	}
	mutex_unlock(&buffer->lock);
	iosys_map_clear(map);
}

static void cmar_release(struct dma_buf *dmabuf)
{
	struct cmar_buffer *buffer = dmabuf->priv;

	if (buffer->vmap_cnt > 0) {
		WARN(1, "%s: buffer still mapped in the kernel\n", __func__);
		vunmap(buffer->vaddr);
	}
	cma_free(buffer->chunk);
	mutex_destroy(&buffer->lock);
	kfree(buffer);
}

static const struct dma_buf_ops cmar_buf_ops = {
	.attach = cmar_attach,
	.detach = cmar_detach,
	.map_dma_buf = cmar_map_dma_buf,
	.unmap_dma_buf = cmar_unmap_dma_buf,
	.begin_cpu_access = cmar_begin_cpu_access,
	.end_cpu_access = cmar_end_cpu_access,
	.mmap = cmar_mmap,
	.vmap = cmar_vmap,
	.vunmap = cmar_vunmap,
	.release = cmar_release,
};

static struct dma_buf *cmar_allocate(struct dma_heap *heap, unsigned long len,
				     u32 fd_flags, u64 heap_flags)
{
	struct cmar_heap *h = dma_heap_get_drvdata(heap);
	DEFINE_DMA_BUF_EXPORT_INFO(exp_info);
	struct cmar_buffer *buffer;
	struct cma_chunk *chunk;
	struct dma_buf *dmabuf;
	int ret;

	/*
	 * By the heap's name, which outlives its region, and without the
	 * heap's lock, which region changes take: clearing a large chunk
	 * must hold up nobody.
	 */
	chunk = cma_alloc_user(NULL, NULL, h->name + strlen(CMAR_HEAP_PREFIX),
			       len, 0);
	if (IS_ERR(chunk))
		return ERR_PTR(PTR_ERR(chunk) == -ENOENT ? -ENODEV :
			       PTR_ERR(chunk));

	buffer = kzalloc(sizeof(*buffer), GFP_KERNEL_ACCOUNT);
	if (!buffer) {
		ret = -ENOMEM;
		goto err_chunk;
	}
	buffer->chunk = chunk;
	mutex_init(&buffer->lock);
	INIT_LIST_HEAD(&buffer->attachments);

	exp_info.exp_name = dma_heap_get_name(heap);
	exp_info.ops = &cmar_buf_ops;
	exp_info.size = chunk->size;
	exp_info.flags = fd_flags;
	exp_info.priv = buffer;
	dmabuf = dma_buf_export(&exp_info);
	if (IS_ERR(dmabuf)) {
		ret = PTR_ERR(dmabuf);
		goto err_buffer;
	}
	return dmabuf;

err_buffer:
	mutex_destroy(&buffer->lock);
	kfree(buffer);
err_chunk:
	cma_free(chunk);
	return ERR_PTR(ret);
}

static const struct dma_heap_ops cmar_heap_ops = {
	.allocate = cmar_allocate,
};

static void cmar_region_add(struct cma_region *reg)
{
	struct dma_heap_export_info exp_info = {};
	struct cmar_heap *h;

	if (!reg->name)
		return;
	/* A heap hands out pages: device memory has none to give. */
	if (!cma_region_has_pages(reg)) {
		pr_info("region %s: no heap: not all of it has struct pages\n",
			reg->name);
		return;
	}
	list_for_each_entry(h, &cmar_heaps, list) {
		if (strcmp(h->name + strlen(CMAR_HEAP_PREFIX), reg->name))
			continue;
		mutex_lock(&h->lock);
		h->reg = reg;
		mutex_unlock(&h->lock);
		return;
	}

	h = kzalloc(sizeof(*h), GFP_KERNEL);
	if (!h)
		goto err;
	mutex_init(&h->lock);
	h->reg = reg;
	snprintf(h->name, sizeof(h->name), CMAR_HEAP_PREFIX "%s", reg->name);
	exp_info.name = h->name;
	exp_info.ops = &cmar_heap_ops;
	exp_info.priv = h;
	h->heap = dma_heap_add(&exp_info);
	if (IS_ERR(h->heap)) {
		mutex_destroy(&h->lock);
		kfree(h);
		goto err;
	}
	list_add_tail(&h->list, &cmar_heaps);
	return;
err:
	/* The region works without its heap. */
	pr_err("region %s: cannot add heap %s%s\n", reg->name,
	       CMAR_HEAP_PREFIX, reg->name);
}

static void cmar_region_del(struct cma_region *reg)
{
	struct cmar_heap *h;

	list_for_each_entry(h, &cmar_heaps, list) {
		if (h->reg != reg)
			continue;
		mutex_lock(&h->lock);
		h->reg = NULL;
		mutex_unlock(&h->lock);
	}
}

static int cmar_watch(struct notifier_block *nb, unsigned long event,
		      void *data)
{
	switch (event) {
	case CMA_REGION_ADD:
		cmar_region_add(data);
		return NOTIFY_OK;
	case CMA_REGION_DEL:
		cmar_region_del(data);
		return NOTIFY_OK;
	}
	return NOTIFY_DONE;
}

static struct notifier_block cmar_nb = {
	.notifier_call = cmar_watch,
};

static int __init cmar_heaps_init(void)
{
	return cma_regions_watch(&cmar_nb);
}
module_init(cmar_heaps_init);
MODULE_IMPORT_NS(DMA_BUF);
MODULE_DESCRIPTION("DMA-BUF heaps for contiguous memory regions");
MODULE_LICENSE("GPL");
