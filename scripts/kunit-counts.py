#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Pin the KUnit cases each suite runs, per architecture.

  kunit-counts.py ARCH CONSOLE-LOG [--table kunit/expected-counts.tsv]

Reads the KTAP output in a KUnit console log (build/kunit-ARCH/test.log)
and compares every suite's totals (parameters count one each) and every
skipped case with the table: a suite that ran more or fewer cases, a suite
missing or unknown, a failure, or a skip the table does not name fails.
Prints one line per suite and, on a mismatch, the rows the table would
need, so a deliberate change is easy to pin.

Table rows (tab-separated, '#' starts a comment):
  count  ARCH  SUITE  PASSED  SKIPPED
  skip   ARCH  SUITE  CASE[/PARAM]  REASON
"""

import argparse
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TS = re.compile(r"^\[\s*\d+\.\d+\]\s?")
SUBTEST = re.compile(r"^( *)# Subtest: (\S+)")
TOTALS = re.compile(r"^ *# (\S+): pass:(\d+) fail:(\d+) skip:(\d+) "
                    r"total:(\d+)")
RESULT = re.compile(r"^( *)(not )?ok \d+ (.*?)(?: # SKIP(?: (.*))?)?$")


def parse(path):
    """{suite: (pass, fail, skip)}, [(suite, name, reason) of skips]."""
    totals, skips = {}, []
    stack = []          # names of the open subtests, by depth
    with open(path, errors="replace") as f:
        for raw in f:
            ln = TS.sub("", raw.rstrip("\n"))
            m = SUBTEST.match(ln)
            if m:
                depth = len(m.group(1)) // 4
                del stack[depth:]
                stack.append(m.group(2))
                continue
            m = TOTALS.match(ln)
            if m:
                totals[m.group(1)] = tuple(int(m.group(i)) for i in (2, 3, 4))
                continue
            m = RESULT.match(ln)
            if not m or " # SKIP" not in ln:
                continue
            depth = len(m.group(1)) // 4
            # depth 1: a case of suite stack[0]; depth 2: a parameter of
            # case stack[1].  A parameterised case whose parameters all
            # skipped is reported by its parameters.
            if depth == 1 and len(stack) > 1 and stack[1] == m.group(3):
                continue
            name = "/".join(stack[1:depth] + [m.group(3)])
            skips.append((stack[0] if stack else "?", name,
                          m.group(4) or ""))
    return totals, skips


def load(table, arch):
    counts, skips = {}, set()
    with open(table) as f:
        for ln in f:
            if not ln.strip() or ln.startswith("#"):
                continue
            row = ln.rstrip("\n").split("\t")
            if row[1] != arch:
                continue
            if row[0] == "count":
                counts[row[2]] = (int(row[3]), int(row[4]))
            elif row[0] == "skip":
                skips.add((row[2], row[3]))
    return counts, skips


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("arch")
    ap.add_argument("log")
    ap.add_argument("--table", default=os.path.join(ROOT, "kunit",
                                                    "expected-counts.tsv"))
    args = ap.parse_args()
    totals, skips = parse(args.log)
    counts, allowed = load(args.table, args.arch)
    bad = []
    for suite in sorted(set(totals) | set(counts)):
        got, want = totals.get(suite), counts.get(suite)
        if got is None:
            bad.append(f"{suite}: expected {want[0]} passed, {want[1]} "
                       f"skipped; did not run")
            continue
        p, f, s = got
        line = f"{suite}: {p} passed, {f} failed, {s} skipped"
        if want is None:
            bad.append(f"{line}; not in the table")
        elif f or (p, s) != want:
            bad.append(f"{line}; expected {want[0]} passed, {want[1]} "
                       f"skipped, 0 failed")
        else:
            print(f"  {line}")
    for suite, name, reason in skips:
        if (suite, name) in allowed:
            print(f"  skipped, as the table allows: {suite} {name} "
                  f"({reason})")
        else:
            bad.append(f"skip not allowed by the table: {suite} {name} "
                       f"({reason})")
    if not totals:
        bad.append("no KTAP suite totals in the log")
    if bad:
        print("\n".join(bad))
        print("rows of what ran:")
        for suite, (p, f, s) in sorted(totals.items()):
            print(f"count\t{args.arch}\t{suite}\t{p}\t{s}")
        for suite, name, reason in skips:
            print(f"skip\t{args.arch}\t{suite}\t{name}\t{reason}")
        sys.exit(1)
    print(f"{args.arch}: {len(totals)} suites, "
          f"{sum(p for p, _, _ in totals.values())} cases passed, "
          f"{len(skips)} skips, all as pinned")


if __name__ == "__main__":
    main()
