// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/cma: contiguous memory regions for user space.
 *
 * Camera, codec and display pipelines often run in user space and need
 * physically contiguous buffers they can hand to devices.  This misc
 * device lets a program allocate chunks from the regions, by device (the
 * map decides, as it does for the device's driver) or by region names, map
 * them, and free them.  The interface is in include/uapi/linux/cma_regions.h.
 *
 * Every chunk is cleared before user space sees it.  The open file holds
 * one reference per chunk it allocated, in an xarray indexed by the
 * chunk's id; each mapping holds another, so freeing a chunk that is still
 * mapped (or closing the file) leaves the memory with the mapping until it
 * goes.  The mmap offset of a chunk is its id in pages, in the manner of
 * DRM's fake offsets: a mapping covers one chunk, from its start, and
 * never more than it.
 *
 * Copyright (C) 2026 The CMA regions developers
 */

#define pr_fmt(fmt) "cma-dev: " fmt

#include <linux/capability.h>
#include <linux/cma_regions.h>
#include <linux/compat.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/xarray.h>

#include <uapi/linux/cma_regions.h>

/*
 * Chunk ids, so that an mmap offset (the id in pages) fits the off_t of a
 * 32-bit program.
 */
#define CMA_DEV_ID_MAX	((u32)(INT_MAX >> PAGE_SHIFT))

/**
 * struct cma_dev_file - an open /dev/cma
 * @chunks:	The chunks the file allocated and has not freed, by id, each
 *		with the allocation's reference.  The xarray's lock makes
 *		looking a chunk up and taking a reference to it atomic with
 *		respect to freeing it.
 * @see_phys:	The file was opened with CAP_SYS_ADMIN.
 */
struct cma_dev_file {
	struct xarray chunks;
	bool see_phys;
};

/* Physical addresses go only to a privileged caller of a privileged open. */
static bool cma_dev_see_phys(struct cma_dev_file *f)
{
	return f->see_phys && capable(CAP_SYS_ADMIN);
}

static int cma_dev_open(struct inode *inode, struct file *file)
{
	struct cma_dev_file *f;

	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return -ENOMEM;
	xa_init_flags(&f->chunks, XA_FLAGS_ALLOC1);
	f->see_phys = capable(CAP_SYS_ADMIN);
	file->private_data = f;
	return 0;
}

static int cma_dev_release(struct inode *inode, struct file *file)
{
	struct cma_dev_file *f = file->private_data;
	struct cma_chunk *chunk;
	unsigned long id;

	xa_for_each(&f->chunks, id, chunk)
		cma_free(chunk);
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

	if (arg.flags == CMA_REGIONS_BY_DEVICE)
		chunk = cma_alloc_for_name(arg.spec, type, arg.size,
					   arg.alignment);
	else
		chunk = cma_alloc_from(arg.spec, arg.size, arg.alignment);
	if (IS_ERR(chunk))
		return PTR_ERR(chunk);

	ret = cma_chunk_zero(chunk);
	if (ret)
		goto err_free;
	ret = xa_alloc(&f->chunks, &id, chunk, XA_LIMIT(1, CMA_DEV_ID_MAX),
		       GFP_KERNEL);
	if (ret)
		goto err_free;

	arg.size = chunk->size;
	arg.id = id;
	arg.offset = (u64)id << PAGE_SHIFT;
	arg.start = cma_dev_see_phys(f) ? chunk->start : 0;
	strscpy(arg.region, chunk->reg->name ?: "", sizeof(arg.region));
	if (copy_to_user(uarg, &arg, sizeof(arg))) {
		xa_erase(&f->chunks, id);
		ret = -EFAULT;
		goto err_free;
	}
	return 0;

err_free:
	cma_free(chunk);
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
	chunk = xa_erase(&f->chunks, arg.id);
	if (!chunk)
		return -ENOENT;
	cma_free(chunk);
	return 0;
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
	if (cma_dev_see_phys(f)) {
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
		return cma_dev_alloc(f, uarg);
	case CMA_REGIONS_IOC_FREE:
		return cma_dev_free(f, uarg);
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
	struct cma_chunk *chunk = NULL;
	int ret;

	/* A private copy of device memory makes no sense. */
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (vma->vm_pgoff && vma->vm_pgoff <= CMA_DEV_ID_MAX) {
		xa_lock(&f->chunks);
		chunk = xa_load(&f->chunks, vma->vm_pgoff);
		if (chunk)
			cma_chunk_get(chunk);
		xa_unlock(&f->chunks);
	}
	if (!chunk)
		return -EINVAL;

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
