// SPDX-License-Identifier: GPL-2.0
/*
 * Runs the boot-parameter cases of the malformed-input corpus through the
 * grammar that cma.regions= and cma.map= use (mm/cma_regions/parse.c,
 * compiled unchanged against the shims of tests/fuzz/include).
 *
 * Reads records "regions|map LEN\n" followed by LEN bytes and a newline on
 * stdin (corpus.py decodes the table's escapes) and prints, for each, the
 * return value, whether a rejected value was left intact, and the message
 * the parser logged, its bytes other than printable ASCII as \xHH (the
 * final newline dropped):  "RC<TAB>intact|changed<TAB>MESSAGE".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../mm/cma_regions/internal.h"

int shim_verbose;
char shim_msg[256];

#define MAX_REGIONS	16

static void print_escaped(const char *s)
{
	size_t len = strlen(s);

	if (len && s[len - 1] == '\n')
		len--;
	for (; len--; s++) {
		if (*s >= ' ' && *s <= '~' && *s != '\\')
			putchar(*s);
		else
			printf("\\x%02x", (unsigned char)*s);
	}
	putchar('\n');
}

int main(void)
{
	struct cma_region regs[MAX_REGIONS];
	char kind[16], *buf, *copy;
	size_t len;
	int ret;

	while (scanf("%15s %zu", kind, &len) == 2 && getchar() == '\n') {
		buf = calloc(1, len + 1);
		copy = calloc(1, len + 1);
		if (!buf || !copy || fread(buf, 1, len, stdin) != len ||
		    getchar() != '\n')
			return 2;
		memcpy(copy, buf, len);
		shim_msg[0] = '\0';
		if (!strcmp(kind, "regions"))
			ret = cma_parse_regions(buf, regs, MAX_REGIONS);
		else if (!strcmp(kind, "map"))
			ret = cma_map_validate(buf);
		else
			return 2;
		printf("%d\t%s\t", ret,
		       memcmp(buf, copy, len + 1) ? "changed" : "intact");
		print_escaped(shim_msg);
		free(buf);
		free(copy);
	}
	return 0;
}
