/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHIM_LINUX_KSTRTOX_H
#define _SHIM_LINUX_KSTRTOX_H
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <linux/types.h>
/* kstrtoull(): whole string, base 0 or given, -ERANGE on overflow. */
static inline int kstrtoull(const char *s, unsigned int base, u64 *res)
{
	char *end;
	unsigned long long v;

	if (!isxdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, base);
	if (errno == ERANGE)
		return -ERANGE;
	if (end == s || *end)
		return -EINVAL;
	*res = v;
	return 0;
}
#endif
