// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the contiguous memory regions grammar.
 *
 * Copyright (C) 2026 The CMA regions developers
 */

#include <kunit/test.h>
#include <linux/mm.h>
#include <linux/string.h>

#include "../internal.h"

/* A test description safe for KTAP: control characters and '#' masked. */
static void cma_test_desc(const char *str, char *desc)
{
	size_t i;

	if (!*str) {
		strscpy(desc, "(empty)", KUNIT_PARAM_DESC_SIZE);
		return;
	}
	strscpy(desc, str, KUNIT_PARAM_DESC_SIZE);
	for (i = 0; desc[i]; i++)
		if (desc[i] < ' ' || desc[i] > '~' || desc[i] == '#')
			desc[i] = '.';
}

/* Valid maps, the RFC's examples first. */
static const char * const cma_valid_maps[] = {
	"",
	"video,camera=region;*=common",
	"foo/quaz=r1;foo/*=r2;bar=r1,r2;baz?/a,baz?/b=r3",
	"foo/a=a,b;foo/b=b,a;*=a,b",
	"a=r;",
	"*=r",
	"foo/quaz=r1;/*=r2",
	"foo/a,/b=r1",
	"a?c*=r",
	"0000:00:02.0=r",
	"*/video=v;*/*=c",
	"a/b,/c,d/e=r1,r2,r3",
	"dev=abcdefghijklmnopqrstuvwxyz01234",
	"dev/abcdefghijklmnopqrstuvwxyz01234=r",
};

static void cma_valid_map_desc(const char * const *p, char *desc)
{
	cma_test_desc(*p, desc);
}

KUNIT_ARRAY_PARAM(cma_valid_map, cma_valid_maps, cma_valid_map_desc);

static void cma_regions_test_map_valid(struct kunit *test)
{
	const char * const *map = test->param_value;
	char now[128];

	KUNIT_EXPECT_EQ(test, cma_map_validate(*map), 0);

	/* Put in force, it reads back unchanged. */
	KUNIT_ASSERT_EQ(test, cma_map_replace(*map), 0);
	KUNIT_EXPECT_EQ(test, cma_map_print(now, sizeof(now)), strlen(*map));
	KUNIT_EXPECT_STREQ(test, now, *map);
}

/* Malformed maps: each must be refused as a whole. */
static const char * const cma_invalid_maps[] = {
	";",
	";a=r",
	"a=r;;",
	"a=r;;b=s",
	"=r",
	"a=",
	"a=r,",
	"a=,r",
	"a=r,,s",
	"a",
	"a;b=r",
	"a,=r",
	",a=r",
	"a,,b=r",
	"a/=r",
	"/x=r",
	"a*b=r",
	"**=r",
	"a/b/c=r",
	"a/b*=r",
	"a/*x=r",
	"a/t?=r",
	"a=r=s",
	"a==r",
	"a b=r",
	"a= r",
	"a=r ",
	"a=r\n",
	"a=r;b",
	"a=r;/",
	"a=r1,r1",
	"a=r!",
	"a=abcdefghijklmnopqrstuvwxyz012345",
	"a/abcdefghijklmnopqrstuvwxyz012345=r",
	"a/ty pe=r",
	"\x01=r",
	"a\x7f=r",
	"a=r\t",
	"a=r\xe9",
	"\xc0=r",
};

static void cma_invalid_map_desc(const char * const *p, char *desc)
{
	cma_test_desc(*p, desc);
}

KUNIT_ARRAY_PARAM(cma_invalid_map, cma_invalid_maps, cma_invalid_map_desc);

static void cma_regions_test_map_invalid(struct kunit *test)
{
	static const char before[] = "kunit-dev/kunit=kunit-r1,kunit-r2";
	const char * const *map = test->param_value;
	char now[128];

	KUNIT_EXPECT_EQ(test, cma_map_validate(*map), -EINVAL);

	/* Refused as a whole: the map in force stays. */
	KUNIT_ASSERT_EQ(test, cma_map_replace(before), 0);
	KUNIT_EXPECT_EQ(test, cma_map_replace(*map), -EINVAL);
	cma_map_print(now, sizeof(now));
	KUNIT_EXPECT_STREQ(test, now, before);
}

static void cma_regions_test_map_too_long(struct kunit *test)
{
	char *map = kunit_kzalloc(test, CMA_MAP_MAX + 2, GFP_KERNEL);
	size_t i;

	KUNIT_ASSERT_NOT_NULL(test, map);
	/* "a=r;a=r;...a=rrrr" of exactly the limit is fine, one more is not. */
	for (i = 0; i + 8 <= CMA_MAP_MAX; i += 4)
		memcpy(map + i, "a=r;", 4);
	/* The last rule names a region of 3 to 6 characters. */
	memcpy(map + i, "a=", 2);
	memset(map + i + 2, 'r', CMA_MAP_MAX - i - 2);
	KUNIT_EXPECT_EQ(test, cma_map_validate(map), 0);
	map[CMA_MAP_MAX] = 'r';
	KUNIT_EXPECT_EQ(test, cma_map_validate(map), -EINVAL);
	KUNIT_EXPECT_EQ(test, cma_map_replace(NULL), -EINVAL);
}

struct cma_match_case {
	const char *map;
	const char *dev;
	const char *type;
	const char *list;	/* NULL: no rule matches */
};

static const struct cma_match_case cma_match_cases[] = {
	{ "video,camera=region;*=common", "video", "common", "region" },
	{ "video,camera=region;*=common", "camera", "x", "region" },
	{ "video,camera=region;*=common", "foo", "common", "common" },
	{ "foo/quaz=r1;foo/*=r2;bar=r1,r2;baz?/a,baz?/b=r3",
	  "foo", "quaz", "r1" },
	{ "foo/quaz=r1;foo/*=r2;bar=r1,r2;baz?/a,baz?/b=r3",
	  "foo", "common", "r2" },
	{ "foo/quaz=r1;foo/*=r2;bar=r1,r2;baz?/a,baz?/b=r3",
	  "bar", "any", "r1,r2" },
	{ "foo/quaz=r1;foo/*=r2;bar=r1,r2;baz?/a,baz?/b=r3",
	  "baz1", "a", "r3" },
	{ "foo/quaz=r1;foo/*=r2;bar=r1,r2;baz?/a,baz?/b=r3",
	  "bazz", "b", "r3" },
	{ "foo/quaz=r1;foo/*=r2;bar=r1,r2;baz?/a,baz?/b=r3",
	  "baz1", "c", NULL },
	{ "foo/quaz=r1;foo/*=r2;bar=r1,r2;baz?/a,baz?/b=r3",
	  "baz", "a", NULL },
	{ "foo/quaz=r1;foo/*=r2;bar=r1,r2;baz?/a,baz?/b=r3",
	  "baz12", "a", NULL },
	{ "foo/a=a,b;foo/b=b,a;*=a,b", "foo", "a", "a,b" },
	{ "foo/a=a,b;foo/b=b,a;*=a,b", "foo", "b", "b,a" },
	{ "foo/a=a,b;foo/b=b,a;*=a,b", "foo", "c", "a,b" },
	{ "foo/a=a,b;foo/b=b,a;*=a,b", "other", "common", "a,b" },
	/* The device part is reused across rules... */
	{ "foo/quaz=r1;/*=r2", "foo", "quaz", "r1" },
	{ "foo/quaz=r1;/*=r2", "foo", "other", "r2" },
	{ "foo/quaz=r1;/*=r2", "bar", "other", NULL },
	/* ... and within one. */
	{ "foo/a,/b=r1", "foo", "b", "r1" },
	{ "foo/a,/b=r1", "foo", "c", NULL },
	{ "foo/a,bar/b,/c=r1", "bar", "c", "r1" },
	{ "foo/a,bar/b,/c=r1", "foo", "c", NULL },
	/* A final '*' matches any rest, including nothing. */
	{ "dev*=r", "dev", "common", "r" },
	{ "dev*=r", "device", "common", "r" },
	{ "dev*=r", "de", "common", NULL },
	{ "d?v*=r", "dxvice", "common", "r" },
	/* Types: none matches all, '*' matches all, others exactly. */
	{ "*/video=v;*=c", "any", "video", "v" },
	{ "*/video=v;*=c", "any", "common", "c" },
	{ "a=r", "a", "x", "r" },
	{ "a/x=r", "a", "xy", NULL },
	{ "a/xy=r", "a", "x", NULL },
	/* The first matching rule decides. */
	{ "a=r1;a=r2", "a", "common", "r1" },
	{ "a/x=r1;*=r2", "a", "x", "r1" },
	{ "", "a", "common", NULL },
	{ "0000:00:02.0=r", "0000:00:02.0", "common", "r" },
	{ "0000:00:02.?=r", "0000:00:02.1", "common", "r" },
};

static void cma_match_desc(const struct cma_match_case *c, char *desc)
{
	char buf[KUNIT_PARAM_DESC_SIZE];

	snprintf(buf, sizeof(buf), "%s/%s in %s", c->dev, c->type, c->map);
	cma_test_desc(buf, desc);
}

KUNIT_ARRAY_PARAM(cma_match, cma_match_cases, cma_match_desc);

/* Compiles @map as the core does and matches a request against it. */
static int cma_test_match(struct kunit *test, const char *map,
			  const char *dev, const char *type, const char **list,
			  size_t *len)
{
	struct cma_map_pattern *pats;
	int nr = cma_map_compile(map, NULL, 0);

	KUNIT_ASSERT_GE(test, nr, 0);
	pats = kunit_kcalloc(test, max(nr, 1), sizeof(*pats), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pats);
	KUNIT_ASSERT_EQ(test, cma_map_compile(map, pats, nr), nr);
	return cma_map_find(pats, nr, dev, type, list, len);
}

static void cma_regions_test_map_match(struct kunit *test)
{
	const struct cma_match_case *c = test->param_value;
	const char *list = NULL;
	size_t len = 0;
	int ret;

	ret = cma_test_match(test, c->map, c->dev, c->type, &list, &len);
	if (!c->list) {
		KUNIT_EXPECT_EQ(test, ret, -ENOENT);
		return;
	}
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, len, strlen(c->list));
	KUNIT_EXPECT_EQ(test, strncmp(list, c->list, len), 0);
}

/* Requests no map can match: refused before any rule is looked at. */
static const struct cma_match_case cma_bad_request_cases[] = {
	{ "*=r", "", "common" },
	{ "*=r", "a b", "common" },
	{ "*=r", "a/b", "common" },
	{ "*=r", "a\n", "common" },
	{ "*=r", "a\x7f", "common" },
	{ "*=r", "a\xe9", "common" },
	{ "*=r", "a", "" },
	{ "*=r", "a", "*" },
	{ "*=r", "a", "b/c" },
	{ "*=r", "a", "b c" },
	{ "*=r", "a", "abcdefghijklmnopqrstuvwxyz012345" },
	{ "", "a b", "common" },
};

KUNIT_ARRAY_PARAM(cma_bad_request, cma_bad_request_cases, cma_match_desc);

static void cma_regions_test_map_match_bad_request(struct kunit *test)
{
	const struct cma_match_case *c = test->param_value;
	const char *list = NULL;
	size_t len = 0;

	KUNIT_EXPECT_EQ(test, cma_test_match(test, c->map, c->dev, c->type,
					     &list, &len), -EINVAL);
	KUNIT_EXPECT_NULL(test, list);
}

/*
 * What the compiled form holds: a device part reused from the previous
 * pattern, also across rules; a type of '*' as none; every pattern of a rule
 * pointing at the rule's list; and nothing written beyond what the caller
 * sized.
 */
static void cma_regions_test_map_compile(struct kunit *test)
{
	static const char map[] = "foo/quaz=r1;/*=r2;a?c*,/v,b=r3,r4";
	static const struct {
		const char *dev, *type, *names;
	} want[] = {
		{ "foo", "quaz", "r1" },
		{ "foo", NULL, "r2" },
		{ "a?c*", NULL, "r3,r4" },
		{ "a?c*", "v", "r3,r4" },
		{ "b", NULL, "r3,r4" },
	};
	struct cma_map_pattern pats[ARRAY_SIZE(want) + 1];
	unsigned int i;

	KUNIT_ASSERT_EQ(test, cma_map_compile(map, NULL, 0), ARRAY_SIZE(want));
	memset(pats, 0x5a, sizeof(pats));
	KUNIT_ASSERT_EQ(test, cma_map_compile(map, pats, 2), ARRAY_SIZE(want));
	KUNIT_EXPECT_NULL(test, memchr_inv(&pats[2], 0x5a, sizeof(pats[2])));
	KUNIT_ASSERT_EQ(test, cma_map_compile(map, pats, ARRAY_SIZE(want)),
			ARRAY_SIZE(want));
	KUNIT_EXPECT_NULL(test, memchr_inv(&pats[ARRAY_SIZE(want)], 0x5a,
					   sizeof(pats[0])));
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		const struct cma_map_pattern *p = &pats[i];

		KUNIT_EXPECT_TRUE(test, p->dev >= map &&
				  p->dev + p->dev_len <= map + sizeof(map));
		KUNIT_EXPECT_EQ(test, p->dev_len, strlen(want[i].dev));
		KUNIT_EXPECT_EQ(test, strncmp(p->dev, want[i].dev, p->dev_len), 0);
		if (want[i].type) {
			KUNIT_ASSERT_NOT_NULL(test, p->type);
			KUNIT_EXPECT_EQ(test, p->type_len, strlen(want[i].type));
			KUNIT_EXPECT_EQ(test, strncmp(p->type, want[i].type,
						      p->type_len), 0);
		} else {
			KUNIT_EXPECT_NULL(test, p->type);
		}
		KUNIT_EXPECT_EQ(test, p->names_len, strlen(want[i].names));
		KUNIT_EXPECT_EQ(test, strncmp(p->names, want[i].names,
					      p->names_len), 0);
	}
	KUNIT_EXPECT_EQ(test, cma_map_compile("a=r;b=", pats, 0), -EINVAL);
}

struct cma_regions_case {
	const char *str;
	int count;
	struct {
		const char *name;
		size_t size;
		phys_addr_t start;
		phys_addr_t alignment;
		const char *alloc_name;
	} reg[3];
};

static const struct cma_regions_case cma_valid_regions[] = {
	{ "", 0 },
	{ "a=16M", 1, { { "a", SZ_16M } } },
	{ "video=8M@0x40000000/1M:bf", 1,
	  { { "video", SZ_8M, 0x40000000, SZ_1M, "bf" } } },
	{ "r1=1;r2=4K", 2, { { "r1", PAGE_SIZE }, { "r2", PAGE_ALIGN(SZ_4K) } } },
	{ "x=0x100000@256M", 1, { { "x", SZ_1M, SZ_256M } } },
	{ "a=1G/2M", 1, { { "a", SZ_1G, 0, SZ_2M } } },
	{ "a.b-c_D=64k", 1, { { "a.b-c_D", SZ_64K } } },
	{ "a=1M;b=2M:bf;c=3M@0x80000000", 3,
	  { { "a", SZ_1M }, { "b", SZ_2M, 0, 0, "bf" },
	    { "c", SZ_2M + SZ_1M, 0x80000000 } } },
	{ "abcdefghijklmnopqrstuvwxyz01234=1M:abcdefghijklmnopqrstuvwxyz01234",
	  1, { { "abcdefghijklmnopqrstuvwxyz01234", SZ_1M, 0, 0,
		 "abcdefghijklmnopqrstuvwxyz01234" } } },
};

static void cma_valid_regions_desc(const struct cma_regions_case *c,
				   char *desc)
{
	cma_test_desc(c->str, desc);
}

KUNIT_ARRAY_PARAM(cma_valid_regions, cma_valid_regions,
		  cma_valid_regions_desc);

static void cma_regions_test_regions_valid(struct kunit *test)
{
	const struct cma_regions_case *c = test->param_value;
	struct cma_region regs[4];
	char *str;
	int i;

	str = kunit_kstrdup(test, c->str, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, str);
	KUNIT_ASSERT_EQ(test, cma_parse_regions(str, regs, ARRAY_SIZE(regs)),
			c->count);
	for (i = 0; i < c->count; i++) {
		KUNIT_EXPECT_STREQ(test, regs[i].name, c->reg[i].name);
		KUNIT_EXPECT_EQ(test, regs[i].size, c->reg[i].size);
		KUNIT_EXPECT_EQ(test, regs[i].start, c->reg[i].start);
		KUNIT_EXPECT_EQ(test, regs[i].alignment, c->reg[i].alignment);
		if (c->reg[i].alloc_name)
			KUNIT_EXPECT_STREQ(test, regs[i].alloc_name,
					   c->reg[i].alloc_name);
		else
			KUNIT_EXPECT_NULL(test, regs[i].alloc_name);
		KUNIT_EXPECT_EQ(test, cma_region_check(&regs[i]), 0);
	}
}

static const char * const cma_invalid_regions[] = {
	"0x10=4M",
	"a=4M;0Xa=4M",
	".=4M",
	"a=4M;..=4M",
	";",
	"a",
	"a=",
	"=1M",
	"a=0",
	"a=1M;",
	";a=1M",
	"a=1M;;b=1M",
	"a=1M;a=2M",
	"a=1Q",
	"a=1M@",
	"a=1M@0x1001",
	"a=1M/3",
	"a=1M/0",
	"a=1M/2048",
	"a=1M@1M/2M",
	"a=1M:",
	"a=1M:b c",
	"a=1M:b!",
	"a=99999999999999999999",
	"a=16E",
	"a=0x10000000000000000",
	"a=2M@0xfffffffffff00000",
	"a=x",
	"a=-1",
	"a b=1M",
	"a=1M@0x1000@0x2000",
	"a=1M:bf:bf",
	"a=1M/4K/4K",
	"abcdefghijklmnopqrstuvwxyz012345=1M",
	"a=1M:abcdefghijklmnopqrstuvwxyz012345",
	"a=1M,b=1M",
	"a=1M b=1M",
	"a=1M\n",
	"a=08",
	"a=1M;b=1M;c=1M;d=1M;e=1M",
};

static void cma_invalid_regions_desc(const char * const *p, char *desc)
{
	cma_test_desc(*p, desc);
}

KUNIT_ARRAY_PARAM(cma_invalid_regions, cma_invalid_regions,
		  cma_invalid_regions_desc);

static void cma_regions_test_regions_invalid(struct kunit *test)
{
	const char * const *p = test->param_value;
	struct cma_region regs[4];
	char *str;

	str = kunit_kstrdup(test, *p, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, str);
	KUNIT_EXPECT_EQ(test, cma_parse_regions(str, regs, ARRAY_SIZE(regs)),
			-EINVAL);
	/* Nothing was terminated in place. */
	KUNIT_EXPECT_STREQ(test, str, *p);
}

/*
 * The edges of the physical address space, whatever &phys_addr_t's width:
 * a region may end at its very top (v1 took an end of 2^N for a wrap), may
 * be as large as the space, and with a 64-bit &phys_addr_t (LPAE) may be
 * 4 GiB or more (v1's size was a size_t).
 */
static void cma_regions_test_regions_edge(struct kunit *test)
{
	phys_addr_t top = PHYS_ADDR_MAX - PAGE_SIZE + 1;
	u64 largest = (u64)PHYS_ADDR_MAX - PAGE_SIZE + 1;
	struct cma_region reg = { .start = top, .size = PAGE_SIZE };
	char str[96];

	KUNIT_EXPECT_EQ(test, cma_region_check(&reg), 0);
	reg.size = 2 * PAGE_SIZE;
	KUNIT_EXPECT_EQ(test, cma_region_check(&reg), -EINVAL);
	reg = (struct cma_region){ .size = largest };
	KUNIT_EXPECT_EQ(test, cma_region_check(&reg), 0);

	snprintf(str, sizeof(str), "top=%lu@%pa", PAGE_SIZE, &top);
	KUNIT_ASSERT_EQ_MSG(test, cma_parse_regions(str, &reg, 1), 1, "%s",
			    str);
	KUNIT_EXPECT_EQ(test, reg.start, top);
	KUNIT_EXPECT_EQ(test, reg.size, PAGE_SIZE);

	snprintf(str, sizeof(str), "top=%lu@%pa", 2 * PAGE_SIZE, &top);
	KUNIT_EXPECT_EQ_MSG(test, cma_parse_regions(str, &reg, 1), -EINVAL,
			    "%s", str);

	snprintf(str, sizeof(str), "all=%llu", largest);
	KUNIT_ASSERT_EQ_MSG(test, cma_parse_regions(str, &reg, 1), 1, "%s",
			    str);
	KUNIT_EXPECT_EQ(test, (u64)reg.size, largest);
	snprintf(str, sizeof(str), "all=%llu", largest + 1);
	KUNIT_EXPECT_EQ_MSG(test, cma_parse_regions(str, &reg, 1), -EINVAL,
			    "%s", str);

	if (sizeof(phys_addr_t) < sizeof(u64))
		return;
	snprintf(str, sizeof(str), "big=4G@0x100000000");
	KUNIT_ASSERT_EQ_MSG(test, cma_parse_regions(str, &reg, 1), 1, "%s",
			    str);
	KUNIT_EXPECT_EQ(test, (u64)reg.size, 4ULL << 30);
	KUNIT_EXPECT_EQ(test, cma_region_check(&reg), 0);
}

struct cma_size_case {
	const char *str;
	int ret;
	u64 val;
	const char *rest;
};

static const struct cma_size_case cma_size_cases[] = {
	{ "0", 0, 0, "" },
	{ "4096", 0, 4096, "" },
	{ "4k", 0, SZ_4K, "" },
	{ "4K", 0, SZ_4K, "" },
	{ "1M", 0, SZ_1M, "" },
	{ "1g", 0, SZ_1G, "" },
	{ "1T", 0, 1ULL << 40, "" },
	{ "1P", 0, 1ULL << 50, "" },
	{ "1E", 0, 1ULL << 60, "" },
	{ "15E", 0, 15ULL << 60, "" },
	{ "16E", -ERANGE },
	{ "0x10", 0, 16, "" },
	{ "0X10k", 0, 16 * SZ_1K, "" },
	{ "010", 0, 8, "" },
	{ "08", -EINVAL },
	{ "18446744073709551615", 0, U64_MAX, "" },
	{ "18446744073709551616", -ERANGE },
	{ "0xffffffffffffffff", 0, U64_MAX, "" },
	{ "0x10000000000000000", -ERANGE },
	{ "00000000000000000000000001", -ERANGE },
	{ "12a", 0, 12, "a" },
	{ "0x", 0, 0, "x" },
	{ "1Mb", 0, SZ_1M, "b" },
	{ "1@2", 0, 1, "@2" },
	{ "", -EINVAL },
	{ "x", -EINVAL },
	{ "-1", -EINVAL },
	{ " 1", -EINVAL },
	{ "K", -EINVAL },
};

static void cma_size_desc(const struct cma_size_case *c, char *desc)
{
	cma_test_desc(c->str, desc);
}

KUNIT_ARRAY_PARAM(cma_size, cma_size_cases, cma_size_desc);

static void cma_regions_test_size(struct kunit *test)
{
	const struct cma_size_case *c = test->param_value;
	const char *p = c->str;
	u64 val = 0xdeadbeef;

	KUNIT_ASSERT_EQ(test, cma_parse_size(&p, &val), c->ret);
	if (c->ret) {
		/* Failure moves nothing. */
		KUNIT_EXPECT_PTR_EQ(test, p, c->str);
		KUNIT_EXPECT_EQ(test, val, 0xdeadbeef);
		return;
	}
	KUNIT_EXPECT_EQ(test, val, c->val);
	KUNIT_EXPECT_STREQ(test, p, c->rest);
}

struct cma_names_case {
	const char *list;
	int ret;
	int count;
};

static const struct cma_names_case cma_names_cases[] = {
	{ "a", 0, 1 },
	{ "a,b,c", 0, 3 },
	{ "video.0,cam-1,x_y", 0, 3 },
	{ "", -EINVAL },
	{ ",", -EINVAL },
	{ "a,", -EINVAL },
	{ ",a", -EINVAL },
	{ "a,,b", -EINVAL },
	{ "a,a", -EINVAL },
	{ "a,b,a", -EINVAL },
	{ "a b", -EINVAL },
	{ "a;b", -EINVAL },
	{ "a/b", -EINVAL },
	{ "abcdefghijklmnopqrstuvwxyz012345", -EINVAL },
	{ "vid\xe9o", -EINVAL },
	{ "\xff", -EINVAL },
};

static void cma_names_desc(const struct cma_names_case *c, char *desc)
{
	cma_test_desc(c->list, desc);
}

KUNIT_ARRAY_PARAM(cma_names, cma_names_cases, cma_names_desc);

static void cma_regions_test_names(struct kunit *test)
{
	const struct cma_names_case *c = test->param_value;
	const char *cursor = c->list, *end = c->list + strlen(c->list);
	const char *name;
	size_t len;
	int n = 0;

	KUNIT_ASSERT_EQ(test, cma_names_validate(c->list, strlen(c->list)),
			c->ret);
	if (c->ret)
		return;
	while ((name = cma_names_next(&cursor, end, &len))) {
		KUNIT_EXPECT_TRUE(test, cma_name_valid(name, len));
		n++;
	}
	KUNIT_EXPECT_EQ(test, n, c->count);
}

static char cma_saved_map[CMA_MAP_MAX + 1];

static int cma_parse_suite_init(struct kunit_suite *suite)
{
	cma_map_print(cma_saved_map, sizeof(cma_saved_map));
	return 0;
}

static void cma_parse_suite_exit(struct kunit_suite *suite)
{
	cma_map_replace(cma_saved_map);
}

static struct kunit_case cma_parse_cases[] = {
	KUNIT_CASE_PARAM(cma_regions_test_map_valid, cma_valid_map_gen_params),
	KUNIT_CASE_PARAM(cma_regions_test_map_invalid,
			 cma_invalid_map_gen_params),
	KUNIT_CASE(cma_regions_test_map_too_long),
	KUNIT_CASE(cma_regions_test_map_compile),
	KUNIT_CASE_PARAM(cma_regions_test_map_match, cma_match_gen_params),
	KUNIT_CASE_PARAM(cma_regions_test_map_match_bad_request,
			 cma_bad_request_gen_params),
	KUNIT_CASE_PARAM(cma_regions_test_regions_valid,
			 cma_valid_regions_gen_params),
	KUNIT_CASE(cma_regions_test_regions_edge),
	KUNIT_CASE_PARAM(cma_regions_test_regions_invalid,
			 cma_invalid_regions_gen_params),
	KUNIT_CASE_PARAM(cma_regions_test_size, cma_size_gen_params),
	KUNIT_CASE_PARAM(cma_regions_test_names, cma_names_gen_params),
	{}
};

static struct kunit_suite cma_parse_suite = {
	.name = "cma_regions_parse",
	.suite_init = cma_parse_suite_init,
	.suite_exit = cma_parse_suite_exit,
	.test_cases = cma_parse_cases,
};

kunit_test_suites(&cma_parse_suite);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
MODULE_DESCRIPTION("KUnit tests for contiguous memory regions");
MODULE_LICENSE("GPL");
