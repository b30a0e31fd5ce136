#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Seeded combinations of the series' Kconfig symbols, KUnit off.

  kconfig-combos.py ARCH [--seed N] [--count N]

Prints one combination a line, as Kconfig lines separated by tabs, to be
applied on top of the product configuration (kunit/product*.config), which
is itself the combination with everything on.  The first is the framework
off.  Each of the others is, of 200 candidates drawn at random from the
seed, the one that pairs the most values of two symbols not paired yet;
the set must have had every symbol a product can choose (all of the
series' but the KUnit tests and the benchmark, which need KUnit and are
built in the KUnit kernels) both on and off (a tristate: n, m and y) with
the framework on.  Every symbol is named in every combination.  Each
combination is an incremental build, so a few that cover many pairs are
worth more than many drawn blindly.  Ties go to the candidate drawn first;
a set that misses a value is drawn again, up to 1000 times.
"""

import argparse
import random
import sys

# (symbol, values); each depends on CMA_REGIONS.
COMMON = [
    ("CMA_REGIONS_BEST_FIT", "ny"),
    ("CMA_REGIONS_PARAMS", "ny"),
    ("CMA_REGIONS_SYSFS", "ny"),
    ("CMA_REGIONS_DEBUGFS", "ny"),
    ("CMA_REGIONS_DEV", "nmy"),
    ("DMABUF_HEAPS_CMA_REGIONS", "ny"),
]
ARCH = {
    "x86_64": [],
    "arm": [("CMA_REGIONS_OF", "ny"), ("MACH_VIRT_CMA_REGIONS", "ny")],
    "arm64": [("CMA_REGIONS_OF", "ny")],
}


def line(sym, val):
    return f"# CONFIG_{sym} is not set" if val == "n" else f"CONFIG_{sym}={val}"


def pairs(c, syms):
    names = [s for s, _ in syms]
    return {(a, c[a], b, c[b]) for i, a in enumerate(names)
            for b in names[i + 1:]}


def combos(arch, seed, count):
    syms = COMMON + ARCH[arch]
    rng = random.Random(seed)
    for _ in range(1000):
        out = [dict([("CMA_REGIONS", "n")] + [(s, "n") for s, _ in syms])]
        # The product configuration: everything on, already paired.
        seen = pairs({s: vals[-1] for s, vals in syms}, syms)
        while len(out) < count:
            cands = [dict([("CMA_REGIONS", "y")] +
                          [(s, rng.choice(v)) for s, v in syms])
                     for _ in range(200)]
            best = max(cands, key=lambda c: len(pairs(c, syms) - seen))
            seen |= pairs(best, syms)
            out.append(best)
        values = {(s, c[s]) for c in out[1:] for s, _ in syms}
        if all((s, v) in values for s, vals in syms for v in vals):
            return out
    sys.exit(f"no covering set of {count} from seed {seed}")


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("arch", choices=sorted(ARCH))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=6)
    args = ap.parse_args()
    for c in combos(args.arch, args.seed, args.count):
        print("\t".join(line(s, v) for s, v in c.items()))


if __name__ == "__main__":
    main()
