/* SPDX-License-Identifier: GPL-2.0 */
/* User-space shim: just enough of the kernel for mm/cma_regions/parse.c. */
#ifndef _SHIM_LINUX_TYPES_H
#define _SHIM_LINUX_TYPES_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
typedef uint64_t u64;
typedef uint32_t u32;
typedef uint8_t u8;
typedef uint64_t phys_addr_t;
/* No kernel configuration here: every option is off. */
#define IS_ENABLED(option) 0
#endif
