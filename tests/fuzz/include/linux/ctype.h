/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHIM_LINUX_CTYPE_H
#define _SHIM_LINUX_CTYPE_H
#include <ctype.h>
/* The kernel's ctype takes char; glibc's wants unsigned char values. */
#undef isalnum
#undef isdigit
#undef isxdigit
#undef tolower
#define isalnum(c)	isalnum((unsigned char)(c))
#define isdigit(c)	isdigit((unsigned char)(c))
#define isxdigit(c)	isxdigit((unsigned char)(c))
#define tolower(c)	tolower((unsigned char)(c))
#endif
