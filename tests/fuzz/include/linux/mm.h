/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHIM_LINUX_MM_H
#define _SHIM_LINUX_MM_H
#include <linux/kernel.h>
#define PAGE_SHIFT		12
#define PAGE_SIZE		((size_t)1 << PAGE_SHIFT)
#define PAGE_ALIGN(x)		ALIGN(x, PAGE_SIZE)
#define PAGE_ALIGNED(x)		IS_ALIGNED((uintptr_t)(x), PAGE_SIZE)
#endif
