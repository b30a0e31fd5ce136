#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Builds the grammar fuzzer (mm/cma_regions/parse.c compiled unchanged,
# clang's libFuzzer with ASan, UBSan and LeakSanitizer) and runs it from the
# seeded corpus for FUZZ_SECONDS (default 60) or FUZZ_RUNS executions.
# Findings go to build/fuzz/; the repository's corpus is never modified.
#
#   tests/fuzz/run.sh [SECONDS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${BUILD:-$root/build}/fuzz
seconds=${1:-${FUZZ_SECONDS:-60}}
mkdir -p "$out/corpus" "$out/findings"

clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-Wall -Werror -DCONFIG_CMA_REGIONS -I"$here/include" -I"$root/include" \
	-o "$out/fuzz_parse" "$here/fuzz_parse.c" "$root/mm/cma_regions/parse.c"

cp "$here"/corpus/* "$out/corpus/"
args=(-max_total_time="$seconds" -print_final_stats=1 -timeout=10
      -artifact_prefix="$out/findings/")
[ -n "${FUZZ_RUNS:-}" ] && args=(-runs="$FUZZ_RUNS" -print_final_stats=1
				 -timeout=10 -artifact_prefix="$out/findings/")
"$out/fuzz_parse" "${args[@]}" "$out/corpus" >"$out/log" 2>&1 || {
	grep -E 'ERROR|Assertion|SUMMARY|runtime error' "$out/log" | head -n 20
	echo "fuzzer found a problem; reproducer in $out/findings/, log $out/log"
	exit 1
}
grep -E '^stat::(number_of_executed_units|average_exec_per_sec)' "$out/log"
