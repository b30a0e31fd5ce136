// SPDX-License-Identifier: GPL-2.0
/*
 * The cma.regions= and cma.map= boot parameters.
 *
 * They take the grammar of the platform interface (see parse.c) and replace
 * the regions and the map of the device tree and of cma_set_defaults().  A
 * malformed value is rejected as a whole, with a message naming the offset
 * of the problem, and the lower-precedence declarations stay in force.
 *
 * Copyright (C) 2026 The CMA regions developers
 */

#define pr_fmt(fmt) "cma_regions: " fmt

#include <linux/cma_regions.h>
#include <linux/init.h>
#include <linux/string.h>

#include <asm/setup.h>

#include "internal.h"

#define CMA_PARAM_MAX_REGIONS	16

/*
 * The parser ends the names in place and the core copies the regions when
 * it registers them, so all of this goes away after init.
 */
static __initdata struct {
	char buf[COMMAND_LINE_SIZE];
	/* One more, with a zero size, ends the list. */
	struct cma_region regions[CMA_PARAM_MAX_REGIONS + 1];
	bool taken;
} cma_param;

static int __init cma_param_regions(char *val)
{
	int n, ret;

	if (!val || !*val) {
		pr_err("cma.regions= is empty: ignored\n");
		return -EINVAL;
	}
	/* The regions of the first one are declared from this buffer. */
	if (cma_param.taken) {
		pr_err("cma.regions= given more than once: only the first is used\n");
		return -EINVAL;
	}
	if (strscpy(cma_param.buf, val, sizeof(cma_param.buf)) < 0) {
		pr_err("cma.regions= is longer than the command line can be\n");
		return -E2BIG;
	}
	n = cma_parse_regions(cma_param.buf, cma_param.regions,
			      CMA_PARAM_MAX_REGIONS);
	if (n < 0) {
		pr_err("cma.regions= rejected: the other regions stay in force\n");
		return n;
	}
	memset(&cma_param.regions[n], 0, sizeof(cma_param.regions[n]));
	/* All or nothing, like the platform's defaults. */
	ret = cma_early_declare_set(cma_param.regions, NULL, CMA_EARLY_PARAM);
	if (ret) {
		pr_err("cma.regions= rejected: %pe (%s): the other regions stay in force\n",
		       ERR_PTR(ret), cma_strerror(CMA_OP_DECLARE, ret));
		return ret;
	}
	cma_param.taken = true;
	return 0;
}
early_param("cma.regions", cma_param_regions);

static int __init cma_param_map(char *val)
{
	if (!val) {
		pr_err("cma.map needs a value (cma.map= for an empty map)\n");
		return -EINVAL;
	}
	if (cma_map_validate(val)) {
		pr_err("cma.map= rejected: the previous map stays in force\n");
		return -EINVAL;
	}
	/* The early copy of the command line lives until init is over. */
	cma_early_declare_map(val, CMA_EARLY_PARAM);
	return 0;
}
early_param("cma.map", cma_param_map);
