#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs every benchmark in tests/guest/bench/; each prints lines
# "bench NAME VALUE" that scripts/bench.sh compares across kernels.

cd "$(dirname "$0")/bench" || exit 1
# ug_tests (from UG_TESTS on the host) picks benchmarks, as it picks cases.
benches=(*)
[ -n "${ug_tests:-}" ] && benches=(${ug_tests//,/.sh }.sh)
for b in "${benches[@]}"; do
	echo "utrace-gdb: bench $b" >/dev/kmsg
	# Debugger sessions under TCG are slow: a generous limit each.
	timeout -k 5 1500 "./$b" || echo "bench-failed $b"
done
