/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHIM_LINUX_PRINTK_H
#define _SHIM_LINUX_PRINTK_H
#include <stdio.h>
extern int shim_verbose;
#define pr_err(fmt, ...) \
	do { if (shim_verbose) fprintf(stderr, pr_fmt(fmt), ##__VA_ARGS__); } while (0)
#endif
