/* SPDX-License-Identifier: GPL-2.0 */
struct list_head { struct list_head *next, *prev; };
