#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Seeded combinations of the series' Kconfig symbols, KUnit off.

  kconfig-combos.py ARCH [--seed N] [--count N]

Prints one combination a line, as Kconfig lines separated by tabs, to be
applied on top of the product configuration (kunit/product*.config).  The
first is the framework off; the others are drawn at random from the seed
until every symbol a product can choose (all of the series' but the KUnit
tests and the benchmark, which need KUnit and are built in the KUnit
kernels) has been both on and off (a tristate:
n, m and y) in a combination where its parent is on.  Every symbol is
named in every combination (the product configuration turns them on).
"""

import argparse
import random
import sys

# (symbol, values); all but the first depend on CMA_REGIONS.
COMMON = [
    ("CMA_REGIONS_BEST_FIT", "ny"),
    ("CMA_REGIONS_PARAMS", "ny"),
    ("CMA_REGIONS_SYSFS", "ny"),
    ("CMA_REGIONS_DEV", "nmy"),
    ("DMABUF_HEAPS_CMA_REGIONS", "ny"),
]
ARCH = {
    "x86_64": [],
    "arm": [("CMA_REGIONS_OF", "ny"), ("MACH_VIRT_CMA_REGIONS", "ny")],
}


def line(sym, val):
    return f"# CONFIG_{sym} is not set" if val == "n" else f"CONFIG_{sym}={val}"


def combos(arch, seed, count):
    syms = COMMON + ARCH[arch]
    rng = random.Random(seed)
    for _ in range(1000):
        out = [dict([("CMA_REGIONS", "n")] + [(s, "n") for s, _ in syms])]
        while len(out) < count:
            out.append(dict([("CMA_REGIONS", "y")] +
                            [(s, rng.choice(v)) for s, v in syms]))
        seen = {(s, c[s]) for c in out[1:] for s, _ in syms}
        if all((s, v) in seen for s, vals in syms for v in vals):
            return out
    sys.exit(f"no covering set of {count} from seed {seed}")


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("arch", choices=sorted(ARCH))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=8)
    args = ap.parse_args()
    for c in combos(args.arch, args.seed, args.count):
        print("\t".join(line(s, v) for s, v in c.items()))


if __name__ == "__main__":
    main()
