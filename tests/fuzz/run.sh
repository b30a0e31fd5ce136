#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Builds the grammar fuzzer (mm/cma_regions/parse.c compiled unchanged,
# clang's libFuzzer with ASan, UBSan and LeakSanitizer) and runs it from the
# seeded corpus for FUZZ_SECONDS (default 60) or FUZZ_RUNS executions,
# with libFuzzer's seed LIBFUZZER_SEED (default 1; 0 is random).  The run fails unless it
# executed at least FUZZ_MIN_RUNS inputs, so a harness that stops early or
# crawls cannot pass: by default FUZZ_RUNS if given, else 1000 a second
# (60000 for the minute), where a two-core machine busy building kernels
# runs about 50000 a second.
# Findings go to build/fuzz/; the repository's corpus is never modified.
#
#   tests/fuzz/run.sh [SECONDS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${BUILD:-$root/build}/fuzz
seconds=${1:-${FUZZ_SECONDS:-60}}
seed=${LIBFUZZER_SEED:-1}
min_runs=${FUZZ_MIN_RUNS:-${FUZZ_RUNS:-$((seconds * 1000))}}
mkdir -p "$out/corpus" "$out/findings"

clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-Wall -Werror -DCONFIG_CMA_REGIONS -I"$here/include" -I"$root/include" \
	-o "$out/fuzz_parse" "$here/fuzz_parse.c" "$root/mm/cma_regions/parse.c"

cp "$here"/corpus/* "$out/corpus/"
# What an earlier run found must not crash any more, whatever this run's
# search happens to reach.
found=("$out"/findings/*)
if [ -e "${found[0]}" ]; then
	"$out/fuzz_parse" -timeout=10 -artifact_prefix="$out/replay-" \
		"${found[@]}" >"$out/replay.log" 2>&1 || {
		grep -E 'ERROR|SUMMARY|runtime error' "$out/replay.log" | head -n 20
		echo "an earlier finding still fails: $out/findings/, log $out/replay.log"
		exit 1
	}
	echo "replayed ${#found[@]} earlier findings: no failure"
fi
args=(-max_total_time="$seconds" -seed="$seed" -print_final_stats=1
      -timeout=10 -artifact_prefix="$out/findings/")
[ -n "${FUZZ_RUNS:-}" ] && args=(-runs="$FUZZ_RUNS" -seed="$seed"
				 -print_final_stats=1 -timeout=10
				 -artifact_prefix="$out/findings/")
"$out/fuzz_parse" "${args[@]}" "$out/corpus" >"$out/log" 2>&1 || {
	grep -E 'ERROR|Assertion|SUMMARY|runtime error' "$out/log" | head -n 20
	echo "fuzzer found a problem; reproducer in $out/findings/, log $out/log"
	exit 1
}
grep -E '^stat::(number_of_executed_units|average_exec_per_sec)' "$out/log" ||
	true
runs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\)$/\1/p' \
	"$out/log" | tail -n 1)
if [ -z "$runs" ] || [ "$runs" -lt "$min_runs" ]; then
	echo "fuzzer executed ${runs:-no} inputs, fewer than $min_runs (FUZZ_MIN_RUNS); log $out/log"
	exit 1
fi
echo "fuzzer executed $runs inputs with seed $seed (at least $min_runs required)"
