#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The tracepoint table of docs/benchmark.md from the um benchmark's runs.

    bench-trace.py LOG...   (names: bench-trace-{none,off,on}-ROUND.log)

Each log is the console of one full benchmark run.  bf (the bare
allocator) goes through no tracepoint, bf-api through the core's; so the
ratio bf-api / bf of a run is the framework's cost with that run's noise
divided out.  Per workload and configuration the median of the rounds is
taken; "off vs none" is the cost of the tracepoints compiled in and
disabled, "on" the nanoseconds an enabled event adds per operation.
"""
import re
import statistics
import sys
from collections import defaultdict

ROW = re.compile(r"cma_regions_bench: \| ([^|]+?) \| (bf|bf-api) \| (\d+) \|")

ratio = defaultdict(list)    # (config, workload) -> [bf-api / bf]
ns = defaultdict(list)       # (config, workload) -> [bf ns/op]
order = []
for path in sys.argv[1:]:
    cfg = re.search(r"bench-trace-(none|off|on)-\d+\.log$", path).group(1)
    rows = {}
    with open(path) as f:
        for m in ROW.finditer(f.read()):
            rows[(m.group(1), m.group(2))] = int(m.group(3))
    for (w, a), v in rows.items():
        if a != "bf" or (w, "bf-api") not in rows:
            continue
        if w not in order:
            order.append(w)
        ratio[(cfg, w)].append(rows[(w, "bf-api")] / v)
        ns[(cfg, w)].append(v)

rounds = len(ratio[("none", order[0])]) if order else 0
print(f"bf-api / bf, median of {rounds} runs per configuration, the "
      "configurations interleaved: without tracepoints (`none`), compiled "
      "in and disabled (`off`), enabled with `trace_event=cma_regions:*` "
      "(`on`, events written to the ring buffer).")
print()
print("| workload | none | off | on | off vs none | on: ns/op added |")
print("| --- | ---: | ---: | ---: | ---: | ---: |")
worst = 0.0
for w in order:
    med = {c: statistics.median(ratio[(c, w)]) for c in ("none", "off", "on")}
    bf = statistics.median(ns[("off", w)] + ns[("on", w)])
    off = med["off"] / med["none"] - 1
    worst = max(worst, off)
    print(f"| {w} | {med['none']:.3f} | {med['off']:.3f} | {med['on']:.3f} "
          f"| {off * 100:+.1f} % | {(med['on'] - med['off']) * bf:.0f} |")
print()
print(f"Largest cost of the disabled tracepoints: {worst * 100:+.1f} %.")
