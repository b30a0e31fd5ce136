/* SPDX-License-Identifier: GPL-2.0 */
struct kref { int refcount; };
