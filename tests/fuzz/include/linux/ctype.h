/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHIM_LINUX_CTYPE_H
#define _SHIM_LINUX_CTYPE_H
#include <ctype.h>
/*
 * The kernel's ctype takes char and, unlike glibc's "C" locale, classes
 * the Latin-1 letters 0xc0-0xff (but 0xd7 and 0xf7) as alphanumeric
 * (lib/ctype.c): the shims do the same, or the harness would accept less
 * than the kernel does.
 */
#undef isalnum
#undef isascii
#undef isdigit
#undef isgraph
#undef isxdigit
#undef tolower
static inline int shim_isalnum(int c)
{
	c = (unsigned char)c;
	if (c >= 0xc0)
		return c != 0xd7 && c != 0xf7;
	return isalnum(c);
}
#define isalnum(c)	shim_isalnum(c)
#define isascii(c)	(((unsigned char)(c)) <= 0x7f)
#define isdigit(c)	isdigit((unsigned char)(c))
/* Used only after isascii(), where glibc and the kernel agree. */
#define isgraph(c)	isgraph((unsigned char)(c))
#define isxdigit(c)	isxdigit((unsigned char)(c))
#define tolower(c)	tolower((unsigned char)(c))
#endif
