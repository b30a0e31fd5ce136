// SPDX-License-Identifier: GPL-2.0
/*
 * Contiguous memory regions: the configuration grammar.
 *
 * Copyright (C) 2026 The CMA regions developers
 */

/**
 * DOC: Configuration grammar
 *
 * Regions and the map from devices to regions are described by two strings,
 * as in the 2010 Contiguous Memory Allocator RFC::
 *
 *   regions  ::= region [ ';' regions ]
 *   region   ::= REG-NAME '=' SIZE [ '@' START ] [ '/' ALIGN ] [ ':' ALLOC-NAME ]
 *   map      ::= [ rules [ ';' ] ]
 *   rules    ::= rule [ ';' rules ]
 *   rule     ::= patterns '=' REG-NAME [ ',' REG-NAME ]*
 *   patterns ::= pattern [ ',' patterns ]
 *   pattern  ::= DEV-PATTERN [ '/' TYPE ] | '/' TYPE
 *
 * Names (regions, allocators and types) are 1 to %CMA_REGIONS_NAME_MAX
 * characters from ``[A-Za-z0-9_.-]``.  SIZE, START and ALIGN are numbers in
 * C notation with an optional memparse() suffix (K, M, G, T, P or E); unlike
 * memparse(), a value that does not fit in 64 bits is an error rather than
 * silently truncated.  DEV-PATTERN is any printable ASCII outside ``,;=/``;
 * ``?`` matches one character and a final ``*`` matches any rest.  A pattern
 * without a device part reuses the device part of the previous pattern, also
 * across rules; a pattern without a type matches every type, as does the
 * type ``*``.  The first rule with a matching pattern decides.
 *
 * The parser keeps no state, allocates nothing and takes no locks, so early
 * boot code can validate a map before slab is up.  A map put in force is
 * compiled once into an array of &struct cma_map_pattern, each pointing into
 * the map's text, so matching a request never parses the text again.  Every
 * malformed string is rejected as a whole with -EINVAL and a single message
 * naming the offset of the first offending character.
 */

#define pr_fmt(fmt) "cma_regions: " fmt

#include <kunit/visibility.h>
#include <linux/ctype.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/kstrtox.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/printk.h>
#include <linux/string.h>

#include "internal.h"

/* ASCII only: the kernel's isalnum() also takes Latin-1 letters. */
static bool cma_name_char(char c)
{
	return isascii(c) &&
	       (isalnum(c) || c == '_' || c == '-' || c == '.');
}

static size_t cma_name_span(const char *s)
{
	const char *p = s;

	while (cma_name_char(*p))
		p++;
	return p - s;
}

static bool cma_pow2(u64 v)
{
	return v && !(v & (v - 1));
}

/**
 * cma_name_valid() - check a region, allocator or type name
 * @name:	The name; need not be NUL-terminated.
 * @len:	Its length.
 *
 * Context: Any context.
 * Return: true if @name is 1 to %CMA_REGIONS_NAME_MAX characters from
 * ``[A-Za-z0-9_.-]``, false otherwise.
 */
bool cma_name_valid(const char *name, size_t len)
{
	size_t i;

	if (!len || len > CMA_REGIONS_NAME_MAX)
		return false;
	for (i = 0; i < len; i++)
		if (!cma_name_char(name[i]))
			return false;
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(cma_name_valid);

/**
 * cma_names_next() - iterate over a comma-separated list of names
 * @cursor:	Position in the list; advanced past the name returned.
 * @end:	End of the list.
 * @len:	Set to the length of the name returned.
 *
 * Context: Any context.
 * Return: the next name (not NUL-terminated), or NULL at the end.
 */
const char *cma_names_next(const char **cursor, const char *end, size_t *len)
{
	const char *name = *cursor, *comma;

	if (name >= end)
		return NULL;
	comma = memchr(name, ',', end - name);
	if (!comma)
		comma = end;
	*len = comma - name;
	*cursor = comma < end ? comma + 1 : end;
	return name;
}
EXPORT_SYMBOL_IF_KUNIT(cma_names_next);

/**
 * cma_names_validate() - check a comma-separated list of region names
 * @list:	The list; need not be NUL-terminated.
 * @len:	Its length.
 *
 * Context: Any context.
 * Return: 0 if @list holds one or more valid names, each once, separated by
 * single commas; -EINVAL otherwise.
 */
int cma_names_validate(const char *list, size_t len)
{
	const char *end = list + len, *cursor = list, *name;
	size_t n;

	if (!len || list[len - 1] == ',')
		return -EINVAL;
	while ((name = cma_names_next(&cursor, end, &n))) {
		const char *before = list, *other;
		size_t m;

		if (!cma_name_valid(name, n))
			return -EINVAL;
		while ((other = cma_names_next(&before, name, &m)))
			if (m == n && !memcmp(other, name, n))
				return -EINVAL;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(cma_names_validate);

/*
 * A region's name is its sysfs directory's: not "." or "..".  Nor may it
 * look like an address, which v1 named the directories by.
 */
static bool cma_name_is_address(const char *name, size_t len)
{
	return len >= 2 && name[0] == '0' && (name[1] == 'x' || name[1] == 'X');
}

static bool cma_name_is_dots(const char *name, size_t len)
{
	return (len == 1 || len == 2) && name[0] == '.' && name[len - 1] == '.';
}

/**
 * cma_region_check() - check the public fields of a region
 * @reg:	The region.
 *
 * Context: Any context.
 * Return: 0 if @reg has a valid or no name (not "." or "..", not starting
 * with "0x"), a valid or no allocator name, a non-zero page-aligned size,
 * a page-aligned start aligned to its alignment, an alignment of zero or
 * a power of two of at least %PAGE_SIZE, and does not wrap around the
 * physical address space (it may end at its very top); -EINVAL otherwise.
 */
int cma_region_check(const struct cma_region *reg)
{
	phys_addr_t last;

	if (!reg)
		return -EINVAL;
	if (reg->name &&
	    (!cma_name_valid(reg->name,
			     strnlen(reg->name, CMA_REGIONS_NAME_MAX + 1)) ||
	     cma_name_is_address(reg->name, 2) ||
	     cma_name_is_dots(reg->name, strlen(reg->name))))
		return -EINVAL;
	if (reg->alloc_name &&
	    !cma_name_valid(reg->alloc_name,
			    strnlen(reg->alloc_name, CMA_REGIONS_NAME_MAX + 1)))
		return -EINVAL;
	if (!reg->size || !PAGE_ALIGNED(reg->size) || !PAGE_ALIGNED(reg->start))
		return -EINVAL;
	if (reg->alignment &&
	    (!cma_pow2(reg->alignment) || reg->alignment < PAGE_SIZE ||
	     !IS_ALIGNED(reg->start, reg->alignment)))
		return -EINVAL;
	/* By last address, as &struct resource: an end of 2^N is no wrap. */
	if (check_add_overflow(reg->start, reg->size - 1, &last))
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(cma_region_check);

/**
 * cma_parse_size() - parse a number with an optional memparse() suffix
 * @str:	The text; advanced past the number on success.
 * @val:	Set to the value on success.
 *
 * Accepts what memparse() accepts (decimal, 0x hexadecimal or 0 octal, then
 * K, M, G, T, P or E in either case) but, unlike memparse(), refuses values
 * that do not fit in 64 bits instead of truncating them.
 *
 * Context: Any context.
 * Return: 0 on success, -EINVAL if @str does not start with a number,
 * -ERANGE if the value overflows.
 */
int cma_parse_size(const char **str, u64 *val)
{
	const char *s = *str, *p = s;
	unsigned int shift = 0;
	char digits[24];
	u64 v;
	int ret;

	if (!isdigit(*s))
		return -EINVAL;
	if (s[0] == '0' && tolower(s[1]) == 'x' && isxdigit(s[2])) {
		p = s + 2;
		while (isxdigit(*p))
			p++;
	} else {
		while (isdigit(*p))
			p++;
	}
	if (p - s >= sizeof(digits))
		return -ERANGE;
	memcpy(digits, s, p - s);
	digits[p - s] = '\0';
	ret = kstrtoull(digits, 0, &v);
	if (ret)
		return ret;

	switch (tolower(*p)) {
	case 'e':
		shift += 10;
		fallthrough;
	case 'p':
		shift += 10;
		fallthrough;
	case 't':
		shift += 10;
		fallthrough;
	case 'g':
		shift += 10;
		fallthrough;
	case 'm':
		shift += 10;
		fallthrough;
	case 'k':
		shift += 10;
		p++;
		break;
	default:
		break;
	}
	if (check_shl_overflow(v, shift, &v))
		return -ERANGE;
	*str = p;
	*val = v;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(cma_parse_size);

/* Parses a number at *@p into @val; on failure leaves *@p at the number. */
static const char *cma_parse_number(char **p, u64 *val)
{
	const char *q = *p;
	int ret = cma_parse_size(&q, val);

	if (ret == -ERANGE)
		return "number out of range";
	if (ret)
		return "expected a number";
	*p += q - *p;
	return NULL;
}

/**
 * cma_parse_regions() - parse a list of regions
 * @str:	The list, in the grammar above; modified only on success.
 * @regs:	Array to fill in.
 * @max:	Size of @regs.
 *
 * On success the names in @regs point into @str, which is NUL-terminated
 * behind each of them; SIZE is rounded up to whole pages.  On failure @str
 * is left intact and the content of @regs is undefined.
 *
 * Context: Any context, including early boot.
 * Return: the number of regions parsed (0 for an empty string), or -EINVAL
 * if @str is malformed, names a region twice, or holds more than @max
 * regions.
 */
int cma_parse_regions(char *str, struct cma_region *regs, unsigned int max)
{
	unsigned int n = 0, i;
	char *p = str, *num;
	const char *err;
	u64 v;

	if (!*p)
		return 0;
	for (;;) {
		struct cma_region *reg;
		size_t len = cma_name_span(p);
		phys_addr_t last;

		if (n == max) {
			err = "too many regions";
			goto fail;
		}
		reg = &regs[n];
		memset(reg, 0, sizeof(*reg));
		if (!len) {
			err = "expected a region name";
			goto fail;
		}
		if (len > CMA_REGIONS_NAME_MAX) {
			err = "region name too long";
			goto fail;
		}
		if (cma_name_is_address(p, len)) {
			err = "region name starts with 0x";
			goto fail;
		}
		if (cma_name_is_dots(p, len)) {
			err = "region name is . or ..";
			goto fail;
		}
		for (i = 0; i < n; i++) {
			if (cma_name_span(regs[i].name) == len &&
			    !memcmp(regs[i].name, p, len)) {
				err = "duplicate region name";
				goto fail;
			}
		}
		reg->name = p;
		p += len;
		if (*p != '=') {
			err = "expected '=' after the region name";
			goto fail;
		}
		num = ++p;
		err = cma_parse_number(&p, &v);
		if (err)
			goto fail;
		if (!v || v > (u64)PHYS_ADDR_MAX - PAGE_SIZE + 1) {
			p = num;
			err = "size out of range";
			goto fail;
		}
		reg->size = PAGE_ALIGN(v);

		if (*p == '@') {
			num = ++p;
			err = cma_parse_number(&p, &v);
			if (err)
				goto fail;
			if (v != (phys_addr_t)v || !PAGE_ALIGNED(v)) {
				p = num;
				err = "start not a page-aligned physical address";
				goto fail;
			}
			reg->start = v;
		}

		if (*p == '/') {
			num = ++p;
			err = cma_parse_number(&p, &v);
			if (err)
				goto fail;
			if (!cma_pow2(v) || v < PAGE_SIZE || v != (phys_addr_t)v) {
				p = num;
				err = "alignment not a power of two >= PAGE_SIZE";
				goto fail;
			}
			reg->alignment = v;
			if (!IS_ALIGNED(reg->start, reg->alignment)) {
				p = num;
				err = "start not aligned to the alignment";
				goto fail;
			}
		}

		if (*p == ':') {
			p++;
			len = cma_name_span(p);
			if (!len || len > CMA_REGIONS_NAME_MAX) {
				err = "expected an allocator name";
				goto fail;
			}
			reg->alloc_name = p;
			p += len;
		}

		if (check_add_overflow(reg->start, reg->size - 1, &last)) {
			p = (char *)reg->name;
			err = "region wraps around the address space";
			goto fail;
		}

		n++;
		if (!*p)
			break;
		if (*p != ';') {
			err = "unexpected character";
			goto fail;
		}
		p++;
	}

	/* Everything parsed: terminate the names in place. */
	for (i = 0; i < n; i++) {
		char *name = (char *)regs[i].name;
		char *alloc_name = (char *)regs[i].alloc_name;

		name[cma_name_span(name)] = '\0';
		if (alloc_name)
			alloc_name[cma_name_span(alloc_name)] = '\0';
	}
	return n;

fail:
	pr_err("regions: %s at offset %td: '%.32s'\n", err, p - str, p);
	return -EINVAL;
}
EXPORT_SYMBOL_IF_KUNIT(cma_parse_regions);

/*
 * A character of a device name as a request carries it: printable ASCII
 * but '/', which separates the type in a "device/type" request.
 */
static bool cma_dev_name_char(char c)
{
	return isascii(c) && isgraph(c) && c != '/';
}

/* ... and as a map pattern holds it: not one of the map's separators. */
static bool cma_dev_char(char c)
{
	return cma_dev_name_char(c) && c != ',' && c != ';' && c != '=';
}

static bool cma_dev_match(const char *pat, size_t len, const char *name)
{
	for (; len; pat++, len--, name++) {
		if (*pat == '*')
			return true;
		if (!*name || (*pat != '?' && *pat != *name))
			return false;
	}
	return !*name;
}

/*
 * Validates @map and counts its patterns in *@nr; with @pats, also fills in
 * the first @max of them.
 */
static int cma_map_walk(const char *map, struct cma_map_pattern *pats,
			unsigned int max, unsigned int *nr)
{
	const char *p = map, *last = NULL, *err;
	size_t last_len = 0;

	*nr = 0;
	if (strnlen(map, CMA_MAP_MAX + 1) > CMA_MAP_MAX) {
		err = "map too long";
		goto fail;
	}

	while (*p) {
		unsigned int first = *nr, i;
		const char *names;

		for (;;) {
			const char *d = p, *t = NULL, *star;
			size_t tlen = 0;

			while (cma_dev_char(*p))
				p++;
			if (p > d) {
				star = memchr(d, '*', p - d);
				if (star && star != p - 1) {
					p = star;
					err = "'*' must end a device pattern";
					goto fail;
				}
				last = d;
				last_len = p - d;
			} else if (*p != '/') {
				err = "expected a device pattern";
				goto fail;
			} else if (!last) {
				err = "no earlier device pattern to reuse";
				goto fail;
			}

			if (*p == '/') {
				t = ++p;
				if (*p == '*')
					p++;
				else
					p += cma_name_span(p);
				tlen = p - t;
				if (!tlen || tlen > CMA_REGIONS_NAME_MAX) {
					p = t;
					err = "expected a type";
					goto fail;
				}
				/* A type of '*' is no type: any. */
				if (tlen == 1 && *t == '*')
					t = NULL;
			}

			if (pats && *nr < max)
				pats[*nr] = (struct cma_map_pattern){
					.dev = last, .dev_len = last_len,
					.type = t, .type_len = t ? tlen : 0,
				};
			(*nr)++;

			if (*p == ',') {
				p++;
				continue;
			}
			if (*p == '=')
				break;
			err = "expected ',', '/' or '='";
			goto fail;
		}

		names = ++p;
		while (*p && *p != ';')
			p++;
		if (cma_names_validate(names, p - names)) {
			p = names;
			err = "expected a list of distinct region names";
			goto fail;
		}
		for (i = first; pats && i < *nr && i < max; i++) {
			pats[i].names = names;
			pats[i].names_len = p - names;
		}
		if (*p == ';')
			p++;
	}
	return 0;

fail:
	pr_err("map: %s at offset %td: '%.32s'\n", err, p - map, p);
	return -EINVAL;
}

/**
 * cma_map_compile() - compile a map for cma_map_find()
 * @map:	The map, NUL-terminated.
 * @pats:	Filled in with the first @max patterns of @map, in order, each
 *		pointing into @map; may be NULL if @max is zero.
 * @max:	Size of @pats.
 *
 * Call once with @max zero to learn the size, then with an array that big.
 *
 * Context: Any context.
 * Return: the number of patterns in @map, or -EINVAL, after one message
 * naming the offending offset, if @map is malformed.
 */
int cma_map_compile(const char *map, struct cma_map_pattern *pats,
		    unsigned int max)
{
	unsigned int nr;
	int ret;

	ret = cma_map_walk(map, pats, max, &nr);
	return ret ?: nr;
}
EXPORT_SYMBOL_IF_KUNIT(cma_map_compile);

/**
 * cma_map_validate() - check a map
 * @map:	The map, NUL-terminated.
 *
 * Context: Any context, including early boot.
 * Return: 0 if @map follows the grammar above and is at most %CMA_MAP_MAX
 * characters long; -EINVAL, after one message naming the offending offset,
 * otherwise.
 */
int cma_map_validate(const char *map)
{
	int ret = cma_map_compile(map, NULL, 0);

	return ret < 0 ? ret : 0;
}
EXPORT_SYMBOL_IF_KUNIT(cma_map_validate);

/**
 * cma_request_valid() - check what a request names
 * @dev:	Device name: printable ASCII without blanks or '/'.
 * @type:	Memory type asked for: a name, as region names are.
 *
 * Context: Any context.
 * Return: whether cma_map_find() can match @dev and @type.
 */
bool cma_request_valid(const char *dev, const char *type)
{
	const char *p;

	if (!*dev)
		return false;
	for (p = dev; *p; p++)
		if (!cma_dev_name_char(*p))
			return false;
	return cma_name_valid(type, strlen(type));
}
EXPORT_SYMBOL_IF_KUNIT(cma_request_valid);

/**
 * cma_map_find() - find the regions a compiled map gives a device
 * @pats:	The patterns of a map, from cma_map_compile().
 * @nr:		How many.
 * @dev:	Device name: printable ASCII without blanks or '/'.
 * @type:	Memory type asked for: a name, as region names are.
 * @list:	Set to the rule's region list (not NUL-terminated, in the
 *		map's text) on a match.
 * @len:	Set to the length of @list on a match.
 *
 * Context: Any context.
 * Return: 0 on a match, -ENOENT if no pattern matches, -EINVAL if @dev or
 * @type is malformed.
 */
int cma_map_find(const struct cma_map_pattern *pats, unsigned int nr,
		 const char *dev, const char *type, const char **list,
		 size_t *len)
{
	size_t tlen = strlen(type);
	unsigned int i;

	if (!cma_request_valid(dev, type))
		return -EINVAL;
	for (i = 0; i < nr; i++) {
		const struct cma_map_pattern *pat = &pats[i];

		if (pat->type && (pat->type_len != tlen ||
				  memcmp(pat->type, type, tlen)))
			continue;
		if (!cma_dev_match(pat->dev, pat->dev_len, dev))
			continue;
		*list = pat->names;
		*len = pat->names_len;
		return 0;
	}
	return -ENOENT;
}
EXPORT_SYMBOL_IF_KUNIT(cma_map_find);
