#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs every benchmark in tests/guest/bench/; each prints lines
# "bench NAME VALUE" that scripts/bench.sh compares across kernels.

cd "$(dirname "$0")/bench" || exit 1
for b in *; do
	echo "utrace-gdb: bench $b" >/dev/kmsg
	# Debugger sessions under TCG are slow: a generous limit each.
	timeout -k 5 1500 "./$b" || echo "bench-failed $b"
done
