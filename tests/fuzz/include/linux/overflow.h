/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHIM_LINUX_OVERFLOW_H
#define _SHIM_LINUX_OVERFLOW_H
#include <linux/types.h>
#define check_add_overflow(a, b, d)	__builtin_add_overflow(a, b, d)
/* As the kernel's: the shift must not lose bits or exceed the width. */
#define check_shl_overflow(a, s, d) ({					\
	__typeof__(a) _a = (a);						\
	unsigned int _s = (s);						\
	bool _of = _s >= 64 || ((_a << _s) >> _s) != _a;		\
	*(d) = _of ? 0 : _a << _s;					\
	_of;								\
})
#endif
