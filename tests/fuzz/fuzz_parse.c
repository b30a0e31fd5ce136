// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the contiguous memory regions grammar.  It compiles
 * mm/cma_regions/parse.c unchanged against the shims in include/ (as
 * tools/testing/memblock does) and checks, for any input:
 *
 *  - nothing crashes, reads out of bounds or leaks (ASan, UBSan, LSan);
 *  - a map is valid or not, and stays so when validated again; a valid map
 *    compiles to the same patterns whatever room it is given, never
 *    writing beyond that room, every pattern pointing into the map; it
 *    can be matched, and every list it yields is a valid list of names;
 *  - a region list that parses prints canonically, and the printed form
 *    parses to the same regions (parse -> print -> parse), every region
 *    passing cma_region_check(); a rejected one is left untouched;
 *  - a size parses to the same value after printing it in decimal.
 */
#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../mm/cma_regions/internal.h"

int shim_verbose;
char shim_msg[256];

#define MAX_REGIONS	16

static size_t print_regions(char *buf, size_t len, const struct cma_region *r,
			    int n)
{
	size_t off = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		off += snprintf(buf + off, len - off, "%s%s=%" PRIu64, i ? ";" : "",
				r[i].name, r[i].size);
		if (r[i].start)
			off += snprintf(buf + off, len - off, "@0x%" PRIx64,
					(uint64_t)r[i].start);
		if (r[i].alignment)
			off += snprintf(buf + off, len - off, "/0x%" PRIx64,
					(uint64_t)r[i].alignment);
		if (r[i].alloc_name)
			off += snprintf(buf + off, len - off, ":%s",
					r[i].alloc_name);
		assert(off < len);
	}
	return off;
}

static void check_regions(const char *in)
{
	struct cma_region a[MAX_REGIONS], b[MAX_REGIONS];
	char *s1 = strdup(in), *s2, *printed;
	int n, m, i;

	n = cma_parse_regions(s1, a, MAX_REGIONS);
	if (n < 0) {
		assert(n == -EINVAL);
		assert(!strcmp(s1, in));	/* rejected: left intact */
		free(s1);
		return;
	}
	printed = malloc(MAX_REGIONS * 160 + 1);
	print_regions(printed, MAX_REGIONS * 160 + 1, a, n);
	s2 = strdup(printed);
	m = cma_parse_regions(s2, b, MAX_REGIONS);
	assert(m == n);
	for (i = 0; i < n; i++) {
		assert(cma_region_check(&a[i]) == 0);
		assert(!strcmp(a[i].name, b[i].name));
		assert(a[i].size == b[i].size && a[i].start == b[i].start);
		assert(a[i].alignment == b[i].alignment);
		assert(!a[i].alloc_name == !b[i].alloc_name);
		assert(!a[i].alloc_name ||
		       !strcmp(a[i].alloc_name, b[i].alloc_name));
	}
	free(printed);
	free(s1);
	free(s2);
}

static void check_map(const char *in)
{
	static const char * const devs[] = { "video", "foo", "baz1", "a",
					     "0000:00:02.0", "" };
	static const char * const types[] = { "common", "quaz", "a", "*" };
	int ret = cma_map_validate(in), nr;
	const char *end = in + strlen(in);
	struct cma_map_pattern *pats, *part;
	size_t d, t;
	int i;

	assert(ret == 0 || ret == -EINVAL);
	assert(cma_map_validate(in) == ret);
	nr = cma_map_compile(in, NULL, 0);
	assert(ret ? nr == -EINVAL : nr >= 0);
	if (ret)
		return;
	/* Exactly sized, so ASan catches a write beyond (malloc(0) too). */
	pats = malloc(nr * sizeof(*pats));
	part = malloc(nr / 2 * sizeof(*part));
	assert(cma_map_compile(in, pats, nr) == nr);
	assert(cma_map_compile(in, part, nr / 2) == nr);
	/* Field by field: the structure has padding memcmp() would read. */
	for (i = 0; i < nr / 2; i++) {
		assert(part[i].dev == pats[i].dev &&
		       part[i].dev_len == pats[i].dev_len);
		assert(part[i].type == pats[i].type &&
		       part[i].type_len == pats[i].type_len);
		assert(part[i].names == pats[i].names &&
		       part[i].names_len == pats[i].names_len);
	}
	for (i = 0; i < nr; i++) {
		assert(pats[i].dev >= in && pats[i].dev + pats[i].dev_len <= end);
		assert(pats[i].dev_len > 0);
		assert(!pats[i].type || (pats[i].type > in &&
					 pats[i].type + pats[i].type_len <= end));
		assert(pats[i].names > in &&
		       pats[i].names + pats[i].names_len <= end);
		assert(!cma_names_validate(pats[i].names, pats[i].names_len));
	}
	free(part);
	for (d = 0; d < sizeof(devs) / sizeof(devs[0]); d++) {
		for (t = 0; t < sizeof(types) / sizeof(types[0]); t++) {
			const char *list;
			size_t len;

			ret = cma_map_find(pats, nr, devs[d], types[t], &list,
					   &len);
			/* "" is no device name, "*" no type. */
			if (!*devs[d] || !strcmp(types[t], "*")) {
				assert(ret == -EINVAL);
				continue;
			}
			assert(ret == 0 || ret == -ENOENT);
			if (!ret)
				assert(!cma_names_validate(list, len));
		}
	}
	free(pats);
}

static void check_size(const char *in)
{
	const char *p = in, *q;
	char buf[32];
	uint64_t v, w;

	if (cma_parse_size(&p, &v))
		return;
	assert(p > in);
	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	q = buf;
	assert(!cma_parse_size(&q, &w) && w == v && !*q);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	memcpy(s, data, size);
	s[size] = '\0';		/* an embedded NUL ends the string early */
	check_regions(s);
	check_map(s);
	check_size(s);
	free(s);
	return 0;
}
