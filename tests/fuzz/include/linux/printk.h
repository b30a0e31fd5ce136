/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHIM_LINUX_PRINTK_H
#define _SHIM_LINUX_PRINTK_H
#include <stdio.h>
extern int shim_verbose;
/* The last message, for tests/corpus/params.c to compare. */
extern char shim_msg[256];
#define pr_err(fmt, ...) do {						\
	snprintf(shim_msg, sizeof(shim_msg), pr_fmt(fmt), ##__VA_ARGS__); \
	if (shim_verbose)						\
		fputs(shim_msg, stderr);				\
} while (0)
#endif
