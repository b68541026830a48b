#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make bench: boots our kernel and the stock 6.12 kernel one after the
# other in this one run, runs tests/guest/bench/ on each, and prints the
# ratio ours/stock of every figure. Absolute times on shared machines are
# noise; ratios from one run are what we compare.
#
# The host's load drifts within a minute, so the lanes take turns,
# UG_BENCH_ROUNDS times (2 by default: ours, stock, ours, stock), and
# each lane's figure is its best round. gdb against gdbserver compares
# two tools in one guest and runs in the first round only.

source "$(dirname "$0")/lib.sh"

ug_build_both_kernels

rounds=${UG_BENCH_ROUNDS:-2}
rm -rf "$UG_CACHE"/bench-default* "$UG_CACHE"/bench-stock*
for ((round = 1; round <= rounds; round++)); do
	for lane in default stock; do
		results=$UG_CACHE/bench-$lane-$round
		mkdir -p "$results"
		tests=${UG_TESTS:-}
		[ $round = 1 ] || tests=${UG_TESTS:-ptrace-syscall,untraced-syscall}
		UG_TESTS=$tests UG_BOOT_TIMEOUT=${UG_BOOT_TIMEOUT:-3000} \
			"$UG_ROOT/scripts/boot.sh" "$lane" bench "$results" ||
			ug_die "the $lane guest failed; console: $results/console.log"
		grep '^bench-failed' "$results/bench.log" &&
			ug_die "a benchmark failed on $lane: $results/bench.log"
	done
done

# best LANE: each figure of LANE, the lowest of its rounds.
best() {
	cat "$UG_CACHE"/bench-"$1"-*/bench.log |
		sed -n 's/^bench \([^ ]*\) \([^ ]*\)$/\1 \2/p' | sort -k1,1 -k2,2g |
		awk '!seen[$1]++'
}

ug_say "ratios, ours / stock, best of $rounds rounds each (lower is faster for ours)"
join <(best default) <(best stock) |
	awk '{ printf "%-24s ours %10s  stock %10s  ratio %.3f\n", $1, $2, $3, $2 / $3 }'

ug_say "the gdb engine against gdbserver, same guest, same run (lower is faster for ours)"
sed -n 's/^vs-gdbserver \([^ ]*\) \([^ ]*\) \([^ ]*\)$/\1 \2 \3/p' "$UG_CACHE/bench-default-1/bench.log" |
	awk '{ printf "%-24s ours %8s us  gdbserver %8s us  ratio %.3f\n", $1, $2, $3, $2 / $3 }'
