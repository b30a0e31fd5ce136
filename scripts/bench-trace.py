#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The trace events' table of docs/benchmark.md from the um benchmark.

    bench-trace.py LOG...   (names: bench-trace-{none,off,on}-BOOT.log)

Each log is the console of one boot with cma_regions_bench.full=1 and
tracecost=N: per workload, bf (the bare allocator, which passes no
tracepoint) and bf-api (the same through the core, which does) ran in
turn N times, and the line gives the median ns/op of each.  bf-api / bf
is the core's cost with that boot's noise divided out; per configuration
the median over the boots is taken.  "off vs none" is what the
tracepoints cost compiled in and disabled; "on" what an enabled event
adds per operation, in ns of that boot's bf.
"""
import re
import statistics
import sys
from collections import defaultdict

ROW = re.compile(r"cma_regions_bench: tracecost \| ([^|]+?) \| (\d+) \| "
                 r"(\d+) \| (\d+) \|")

ratio = defaultdict(list)    # (config, workload) -> [bf-api / bf]
bf_ns = defaultdict(list)    # (config, workload) -> [bf ns/op]
order, rounds = [], set()
for path in sys.argv[1:]:
    cfg = re.search(r"bench-trace-(none|off|on)-\d+\.log$", path).group(1)
    with open(path) as f:
        for w, n, bf, api in ROW.findall(f.read()):
            if w not in order:
                order.append(w)
            rounds.add(int(n))
            ratio[(cfg, w)].append(int(api) / int(bf))
            bf_ns[(cfg, w)].append(int(bf))

boots = {c: len(ratio[(c, order[0])]) for c in ("none", "off", "on")} \
    if order else {}
print(f"bf-api / bf: per boot the median of {sorted(rounds)} alternating "
      f"rounds of each, then the median over {boots} boots per "
      "configuration, the configurations interleaved: without tracepoints "
      "(`none`), compiled in and disabled (`off`), enabled with "
      "`trace_event=cma_regions:*` (`on`: every allocation writes two "
      "events and every free one to the ring buffer).")
print()
print("| workload | bf ns/op | none | off | on | off vs none | on: ns/op added |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
worst = 0.0
for w in order:
    med = {c: statistics.median(ratio[(c, w)]) for c in ("none", "off", "on")}
    bf = statistics.median(bf_ns[("off", w)] + bf_ns[("on", w)])
    off = med["off"] / med["none"] - 1
    worst = max(worst, off)
    print(f"| {w} | {bf:.0f} | {med['none']:.3f} | {med['off']:.3f} | "
          f"{med['on']:.3f} | {off * 100:+.1f} % | "
          f"{(med['on'] - med['off']) * bf:.0f} |")
print()
print(f"Largest cost of the disabled tracepoints: {worst * 100:+.1f} % "
      "(the spread of one configuration's boots is of the same order).")
