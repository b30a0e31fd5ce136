#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Pin the KUnit cases each suite runs, per architecture.

  kunit-counts.py ARCH CONSOLE-LOG [--table kunit/expected-counts.tsv]

Reads the KTAP output in a KUnit console log (build/kunit-ARCH/test.log),
counts every suite's cases (parameters count one each) and compares them
and every skipped case with the table: a suite that ran more or fewer
cases, a suite missing, unknown, unfinished or run twice, a failure, a
skip the table does not name, or a named skip that did not happen fails.
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
SUBTEST = re.compile(r"^( *)# Subtest: (\S+)$")
RESULT = re.compile(r"^( *)(not )?ok \d+ (.*?)(?: # SKIP(?: (.*))?)?$")


def parse(path):
    """Counts the leaves of lib/kunit/test.c's KTAP (6.12): a suite opens
    with "    # Subtest: SUITE" and closes with "ok N SUITE" at column 0;
    a case's result is indented 4, a parameterised case opens with
    "        # Subtest: CASE" and its parameters' results are indented 8
    (then its own result, which is not counted again).  Totals lines are
    not used: lib/kunit prints them only for more than one case.

    Returns ({suite: [passed, failed, skipped, finished]}, [(suite, name,
    reason) of skips], [problems])."""
    suites, skips, problems = {}, [], []
    suite = case = None
    with open(path, errors="replace") as f:
        for raw in f:
            ln = TS.sub("", raw.rstrip("\n"))
            m = SUBTEST.match(ln)
            if m and len(m.group(1)) == 4:
                if suite is not None:
                    problems.append(f"{suite}: did not finish")
                suite, case = m.group(2), None
                if suite in suites:
                    problems.append(f"{suite}: ran twice")
                suites[suite] = [0, 0, 0, False]
                continue
            if m and len(m.group(1)) == 8 and suite is not None:
                case = m.group(2)
                continue
            m = RESULT.match(ln)
            if not m or suite is None:
                continue
            indent, failed, name, reason = (len(m.group(1)), m.group(2),
                                            m.group(3), m.group(4))
            skipped = " # SKIP" in ln
            if indent == 0:
                if name != suite:
                    problems.append(f"{suite}: closed as {name}")
                suites[suite][3] = True
                if failed:
                    suites[suite][1] += 0 if suites[suite][1] else 1
                suite = case = None
                continue
            if indent == 4 and case == name:
                case = None     # its parameters were counted
                continue
            if indent not in (4, 8):
                continue
            leaf = name if indent == 4 else f"{case}/{name}"
            i = 1 if failed else 2 if skipped else 0
            suites[suite][i] += 1
            if skipped:
                skips.append((suite, leaf, reason or ""))
    if suite is not None:
        problems.append(f"{suite}: did not finish")
    return suites, skips, problems


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
    suites, skips, problems = parse(args.log)
    counts, allowed = load(args.table, args.arch)
    bad = list(problems)
    for suite in sorted(set(suites) | set(counts)):
        got, want = suites.get(suite), counts.get(suite)
        if got is None:
            bad.append(f"{suite}: expected {want[0]} passed, {want[1]} "
                       f"skipped; did not run")
            continue
        p, f, s, _ = got
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
    missing = allowed - {(su, n) for su, n, _ in skips}
    for suite, name in sorted(missing):
        bad.append(f"the table allows a skip that did not happen: {suite} "
                   f"{name}")
    if not suites:
        bad.append("no KTAP suite in the log")
    if bad:
        print("\n".join(bad))
        print("rows of what ran:")
        for suite, (p, f, s, _) in sorted(suites.items()):
            print(f"count\t{args.arch}\t{suite}\t{p}\t{s}")
        for suite, name, reason in skips:
            print(f"skip\t{args.arch}\t{suite}\t{name}\t{reason}")
        sys.exit(1)
    print(f"{args.arch}: {len(suites)} suites, "
          f"{sum(v[0] for v in suites.values())} cases passed, "
          f"{len(skips)} skipped as pinned")


if __name__ == "__main__":
    main()
