/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _FUZZ_LINUX_SIZES_H
#define _FUZZ_LINUX_SIZES_H
/* What the parser's headers use of <linux/sizes.h>. */
#define SZ_4K	0x00001000
#endif
