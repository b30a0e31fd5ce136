// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/cma: contiguous memory regions for user space, the test and
 * bring-up device of the framework.
 *
 * Bringing up a camera, codec or display pipeline, or testing a region
 * layout, needs physically contiguous buffers allocated the way the
 * device's driver will allocate them.  This misc device lets root
 * allocate chunks from the regions, by device (the map decides, as it
 * does for the device's driver) or by region names, map them, and free
 * them.  Programs that share buffers with drivers use the regions' dma-buf
 * heaps instead.  The interface is in include/uapi/linux/cma_regions.h.
 *
 * Chunks come from cma_alloc_user(): only from regions open to user
 * space, cleared and written back from the CPU caches.  They are mapped
 * cached, as the kernel's own mapping of the memory is (a second,
 * uncached alias of RAM is what architectures forbid), and a program
 * sharing one with a device that does not snoop the caches brackets its
 * own access with CMA_REGIONS_IOC_SYNC, as with dma-buf's
 * DMA_BUF_IOCTL_SYNC.  The open file holds one reference
 * per chunk it allocated, in an xarray indexed by the chunk's id; each
 * mapping holds another, so freeing a chunk that is still mapped (or
 * closing the file) leaves the memory with the mapping until it goes.
 * The mmap offset of a chunk is its id in pages, in the manner of DRM's
 * fake offsets: a mapping covers one chunk, from its start, and never
 * more than it.  Ids are handed out cyclically, so a stale offset does
 * not soon map another chunk.
 *
 * Copyright (C) 2026 The CMA regions developers
 */

#define pr_fmt(fmt) "cma-dev: " fmt

#include <linux/capability.h>
#include <linux/cma_regions.h>
#include <linux/compat.h>
#include <linux/dma-direction.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/user_namespace.h>
#include <linux/xarray.h>

#include <uapi/linux/cma_regions.h>

/*
 * Chunk ids, so that an mmap offset (the id in pages) fits the off_t of a
 * 32-bit program.
 */
#define CMA_DEV_ID_MAX	((u32)(INT_MAX >> PAGE_SHIFT))

/* Chunks one open file may hold; root may change it at run time. */
static unsigned int max_chunks = 1024;

static int cma_dev_set_max_chunks(const char *val,
				  const struct kernel_param *kp)
{
	return param_set_uint_minmax(val, kp, 1, CMA_DEV_ID_MAX);
}

static const struct kernel_param_ops cma_dev_max_chunks_ops = {
	.set = cma_dev_set_max_chunks,
	.get = param_get_uint,
};
module_param_cb(max_chunks, &cma_dev_max_chunks_ops, &max_chunks, 0644);
MODULE_PARM_DESC(max_chunks,
		 "Chunks one open file may hold (default 1024; at least 1)");

/**
 * struct cma_dev_file - an open /dev/cma
 * @chunks:	The chunks the file allocated and has not freed, by id, each
 *		with the allocation's reference.  An ALLOC reserves its id
 *		(a NULL entry, which lookups do not see) until the id has
 *		reached user space, and only then stores the chunk.  The
 *		xarray's lock makes looking a chunk up and taking a
 *		reference to it atomic with respect to freeing it, and
 *		guards @count and @next.
 * @count:	Ids reserved or holding a chunk.
 * @next:	Where the cyclic id allocation goes on from.
 * @see_phys:	The file was opened by a process with CAP_SYS_ADMIN.
 */
struct cma_dev_file {
	struct xarray chunks;
	unsigned int count;
	u32 next;
	bool see_phys;
};

static int cma_dev_open(struct inode *inode, struct file *file)
{
	struct cma_dev_file *f;

	f = kzalloc(sizeof(*f), GFP_KERNEL_ACCOUNT);
	if (!f)
		return -ENOMEM;
	xa_init_flags(&f->chunks, XA_FLAGS_ALLOC1 | XA_FLAGS_ACCOUNT);
	/*
	 * Decided once, for the opener, as kallsyms and /proc/PID/pagemap
	 * do: no capability check at every ioctl (audit noise when the file
	 * was passed on), and a file passed to a less privileged process
	 * keeps what its opener could see.
	 */
	f->see_phys = file_ns_capable(file, &init_user_ns, CAP_SYS_ADMIN);
	file->private_data = f;
	return 0;
}

static int cma_dev_release(struct inode *inode, struct file *file)
{
	struct cma_dev_file *f = file->private_data;
	struct cma_chunk *chunk;
	unsigned long id;

	xa_for_each(&f->chunks, id, chunk) {
		cma_free(chunk);
		cond_resched();
	}
	xa_destroy(&f->chunks);
	kfree(f);
	return 0;
}

static bool cma_dev_zeroed(const u64 *v, size_t n)
{
	while (n--)
		if (*v++)
			return false;
	return true;
}

/*
 * Checks the flags and the spec, and splits a device spec at its '/'.
 * Returns the type (NULL for none) through @type.
 */
static int cma_dev_spec(u32 flags, char *spec, const char **type)
{
	char *slash;

	*type = NULL;
	if (flags != CMA_REGIONS_BY_DEVICE && flags != CMA_REGIONS_BY_NAME)
		return -EINVAL;
	if (!memchr(spec, '\0', CMA_REGIONS_SPEC_MAX) || !*spec)
		return -EINVAL;
	if (flags == CMA_REGIONS_BY_NAME)
		return 0;
	/* Device names have no '/': the first one starts the type. */
	slash = strchr(spec, '/');
	if (slash) {
		*slash = '\0';
		*type = slash + 1;
		if (slash == spec || !**type)
			return -EINVAL;
	}
	return 0;
}

/* Reserves an id for a new chunk; -ENOSPC if the file holds its limit. */
static int cma_dev_reserve_id(struct cma_dev_file *f, u32 *id)
{
	int ret;

	xa_lock(&f->chunks);
	if (f->count >= READ_ONCE(max_chunks)) {
		xa_unlock(&f->chunks);
		return -ENOSPC;
	}
	/* Counted first: the allocation may drop the lock to sleep. */
	f->count++;
	ret = __xa_alloc_cyclic(&f->chunks, id, NULL,
				XA_LIMIT(1, CMA_DEV_ID_MAX), &f->next,
				GFP_KERNEL);
	if (ret < 0)
		f->count--;
	xa_unlock(&f->chunks);
	if (ret == -EBUSY)
		return -ENOSPC;
	return ret < 0 ? ret : 0;
}

/* Gives back an id that never held a chunk. */
static void cma_dev_release_id(struct cma_dev_file *f, u32 id)
{
	xa_lock(&f->chunks);
	__xa_erase(&f->chunks, id);
	f->count--;
	xa_unlock(&f->chunks);
}

static long cma_dev_alloc(struct cma_dev_file *f, void __user *uarg)
{
	struct cma_regions_alloc arg;
	struct cma_chunk *chunk;
	const char *type;
	u32 id;
	int ret;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (!cma_dev_zeroed(arg.reserved, ARRAY_SIZE(arg.reserved)))
		return -EINVAL;
	ret = cma_dev_spec(arg.flags, arg.spec, &type);
	if (ret)
		return ret;
	if (arg.size > SIZE_MAX || arg.alignment != (phys_addr_t)arg.alignment)
		return -EINVAL;

	ret = cma_dev_reserve_id(f, &id);
	if (ret)
		return ret;
	if (arg.flags == CMA_REGIONS_BY_DEVICE)
		chunk = cma_alloc_user(arg.spec, type, NULL, arg.size,
				       arg.alignment);
	else
		chunk = cma_alloc_user(NULL, NULL, arg.spec, arg.size,
				       arg.alignment);
	if (IS_ERR(chunk)) {
		ret = PTR_ERR(chunk);
		goto err_id;
	}

	/* The spec goes back as it came. */
	if (type)
		arg.spec[type - arg.spec - 1] = '/';
	arg.size = chunk->size;
	arg.id = id;
	arg.offset = (u64)id << PAGE_SHIFT;
	arg.start = f->see_phys ? chunk->start : 0;
	strscpy(arg.region, chunk->reg->name ?: "", sizeof(arg.region));
	/*
	 * The id is reserved, not yet usable: until the chunk is stored
	 * below, a FREE or an mmap of it finds nothing, so a failed copy
	 * frees the chunk exactly once, here.
	 */
	if (copy_to_user(uarg, &arg, sizeof(arg))) {
		ret = -EFAULT;
		goto err_chunk;
	}
	/* Storing into a reserved slot allocates nothing: it cannot fail. */
	xa_store(&f->chunks, id, chunk, GFP_KERNEL);
	return 0;

err_chunk:
	cma_free(chunk);
err_id:
	cma_dev_release_id(f, id);
	return ret;
}

static long cma_dev_free(struct cma_dev_file *f, void __user *uarg)
{
	struct cma_regions_free arg;
	struct cma_chunk *chunk;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (arg.flags || !cma_dev_zeroed(arg.reserved, ARRAY_SIZE(arg.reserved)))
		return -EINVAL;
	/* A reserved id (an ALLOC under way) holds no chunk: left alone. */
	xa_lock(&f->chunks);
	chunk = xa_load(&f->chunks, arg.id);
	if (chunk) {
		__xa_erase(&f->chunks, arg.id);
		f->count--;
	}
	xa_unlock(&f->chunks);
	if (!chunk)
		return -ENOENT;
	cma_free(chunk);
	return 0;
}

/*
 * The chunk of id @id, with a reference the caller drops, or NULL.  A
 * reserved id (an ALLOC under way) holds none.
 */
static struct cma_chunk *cma_dev_chunk_get(struct cma_dev_file *f,
					   unsigned long id)
{
	struct cma_chunk *chunk;

	xa_lock(&f->chunks);
	chunk = xa_load(&f->chunks, id);
	if (chunk)
		cma_chunk_get(chunk);
	xa_unlock(&f->chunks);
	return chunk;
}

static long cma_dev_sync(struct cma_dev_file *f, void __user *uarg)
{
	struct cma_regions_sync arg;
	enum dma_data_direction dir;
	struct cma_chunk *chunk;
	int ret;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if ((arg.flags & ~CMA_REGIONS_SYNC_VALID) ||
	    !(arg.flags & CMA_REGIONS_SYNC_RW) ||
	    !cma_dev_zeroed(arg.reserved, ARRAY_SIZE(arg.reserved)))
		return -EINVAL;
	switch (arg.flags & CMA_REGIONS_SYNC_RW) {
	case CMA_REGIONS_SYNC_READ:
		dir = DMA_FROM_DEVICE;
		break;
	case CMA_REGIONS_SYNC_WRITE:
		dir = DMA_TO_DEVICE;
		break;
	default:
		dir = DMA_BIDIRECTIONAL;
		break;
	}

	chunk = cma_dev_chunk_get(f, arg.id);
	if (!chunk)
		return -ENOENT;
	/* START: the CPU is about to access it; END: devices are. */
	ret = cma_chunk_sync(chunk, arg.flags & CMA_REGIONS_SYNC_END, dir);
	cma_chunk_put(chunk);
	return ret;
}

static long cma_dev_info(struct cma_dev_file *f, void __user *uarg)
{
	struct cma_regions_info arg;
	struct cma_info info;
	const char *type;
	int ret;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (arg.count || arg.lower_bound || arg.upper_bound ||
	    arg.total_size || arg.free_size ||
	    !cma_dev_zeroed(arg.reserved, ARRAY_SIZE(arg.reserved)))
		return -EINVAL;
	ret = cma_dev_spec(arg.flags, arg.spec, &type);
	if (ret)
		return ret;

	if (arg.flags == CMA_REGIONS_BY_DEVICE)
		ret = cma_info_for_name(&info, arg.spec, type);
	else
		ret = cma_info_about(&info, arg.spec);
	if (ret)
		return ret;

	arg.count = info.count;
	if (f->see_phys) {
		arg.lower_bound = info.lower_bound;
		arg.upper_bound = info.upper_bound;
	}
	arg.total_size = info.total_size;
	arg.free_size = info.free_size;
	/* The spec goes back as it came, '/' included. */
	if (copy_to_user(uarg, &arg, offsetof(typeof(arg), spec)))
		return -EFAULT;
	return 0;
}

static long cma_dev_ioctl(struct file *file, unsigned int cmd,
			  unsigned long arg)
{
	struct cma_dev_file *f = file->private_data;
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case CMA_REGIONS_IOC_ALLOC:
	case CMA_REGIONS_IOC_FREE:
		/*
		 * They change what the file holds, and a chunk is for
		 * mapping shared, read and write: a file open for both.
		 */
		if ((file->f_mode & (FMODE_READ | FMODE_WRITE)) !=
		    (FMODE_READ | FMODE_WRITE))
			return -EBADF;
		if (cmd == CMA_REGIONS_IOC_FREE)
			return cma_dev_free(f, uarg);
		return cma_dev_alloc(f, uarg);
	case CMA_REGIONS_IOC_SYNC:
		return cma_dev_sync(f, uarg);
	case CMA_REGIONS_IOC_INFO:
		return cma_dev_info(f, uarg);
	}
	return -ENOTTY;
}

static void cma_dev_vm_open(struct vm_area_struct *vma)
{
	cma_chunk_get(vma->vm_private_data);
}

static void cma_dev_vm_close(struct vm_area_struct *vma)
{
	cma_chunk_put(vma->vm_private_data);
}

static const struct vm_operations_struct cma_dev_vm_ops = {
	.open = cma_dev_vm_open,
	.close = cma_dev_vm_close,
};

static int cma_dev_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct cma_dev_file *f = file->private_data;
	struct cma_chunk *chunk;
	int ret;

	/* The offset is the chunk's id, in pages. */
	chunk = cma_dev_chunk_get(f, vma->vm_pgoff);
	if (!chunk)
		return -EINVAL;

	/* Cached; cma_chunk_mmap() refuses a private mapping. */
	ret = cma_chunk_mmap(chunk, vma, 0);
	if (ret) {
		cma_chunk_put(chunk);
		return ret;
	}
	vma->vm_private_data = chunk;
	vma->vm_ops = &cma_dev_vm_ops;
	return 0;
}

static const struct file_operations cma_dev_fops = {
	.owner = THIS_MODULE,
	.open = cma_dev_open,
	.release = cma_dev_release,
	.unlocked_ioctl = cma_dev_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.mmap = cma_dev_mmap,
};

static struct miscdevice cma_dev_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "cma",
	.fops = &cma_dev_fops,
	.mode = 0600,
};
module_misc_device(cma_dev_misc);

MODULE_DESCRIPTION("User-space access to contiguous memory regions");
MODULE_LICENSE("GPL");
