#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make bench: boots our kernel and the stock 6.12 kernel one after the
# other in this one run, runs tests/guest/bench/ on each, and prints the
# ratio ours/stock of every figure. Absolute times on shared machines are
# noise; ratios from one run are what we compare.

source "$(dirname "$0")/lib.sh"

[ -n "${UG_SETUP_DONE:-}" ] || "$UG_ROOT/scripts/setup.sh"
export UG_SETUP_DONE=1

"$UG_ROOT/scripts/build-kernel.sh" default
"$UG_ROOT/scripts/build-kernel.sh" stock
"$UG_ROOT/scripts/build-guest-bin.sh"

for lane in default stock; do
	results=$UG_CACHE/bench-$lane
	rm -rf "$results"
	mkdir -p "$results"
	UG_BOOT_TIMEOUT=${UG_BOOT_TIMEOUT:-3000} "$UG_ROOT/scripts/boot.sh" "$lane" bench "$results" ||
		ug_die "the $lane guest failed; console: $results/console.log"
	grep '^bench-failed' "$results/bench.log" &&
		ug_die "a benchmark failed on $lane: $results/bench.log"
done

ug_say "ratios, ours / stock (lower is faster for ours)"
join <(sed -n 's/^bench \([^ ]*\) \([^ ]*\)$/\1 \2/p' "$UG_CACHE/bench-default/bench.log" | sort) \
	<(sed -n 's/^bench \([^ ]*\) \([^ ]*\)$/\1 \2/p' "$UG_CACHE/bench-stock/bench.log" | sort) |
	awk '{ printf "%-24s ours %10s  stock %10s  ratio %.3f\n", $1, $2, $3, $2 / $3 }'

ug_say "the gdb engine against gdbserver, same guest, same run (lower is faster for ours)"
sed -n 's/^vs-gdbserver \([^ ]*\) \([^ ]*\) \([^ ]*\)$/\1 \2 \3/p' "$UG_CACHE/bench-default/bench.log" |
	awk '{ printf "%-24s ours %8s us  gdbserver %8s us  ratio %.3f\n", $1, $2, $3, $2 / $3 }'
