#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The price of a ptrace syscall stop: a tracer that drives a getppid loop
# with PTRACE_SYSCALL and waitpid (an entry and an exit stop per call),
# pinned to one CPU too, then the same kind of loop under strace -f,
# which is what users run.
# All print ns per syscall, the fastest of 3 rounds, each round timed
# inside the program so that start-up, exec and exit are not counted.
#
# Counts: under TCG an untraced getppid takes about 300 ns; a round trip
# adds four context switches and wake-ups across the vCPUs, 20-100 us
# perhaps. 20,000 round trips a round, 3 rounds and a warm-up of 2,001
# are 62,001 round trips: 1-6 s, and under a minute even at 1 ms. strace
# also fetches and formats each call, 1.3-1.6 times a bare round trip on
# the host, so its loop is 10,000 calls a round: under a minute even at
# 2 ms. A hang fails this bench after 5 minutes instead of holding up
# the others.
bin=${ug_bin:?}

timeout -k 5 300 "$bin/ptrace_pingpong" 20000 3 || exit 1

# The same with tracer and tracee on one CPU: each stop is then a plain
# switch between the two, with no wake-up across vCPUs (which TCG makes
# slow and noisy), so this is the kernel's own path.
out=$(timeout -k 5 300 taskset -c 0 "$bin/ptrace_pingpong" 20000 3) || exit 1
sed -n 's/^bench ptrace-syscall-roundtrip /bench ptrace-syscall-roundtrip-1cpu /p' <<<"$out"

# The guest runs the host's root: strace is there if the host has it.
command -v strace >/dev/null || exit 0
# syscall_loop names its figure getppid_ns, the untraced bench's name:
# take the figure and print it under a name of its own.
out=$(timeout -k 5 300 strace -f -o /dev/null "$bin/syscall_loop" 10000 3) || {
	echo "strace -f syscall_loop failed" >&2
	exit 1
}
ns=$(sed -n 's/^bench getppid_ns \([0-9.]*\)$/\1/p' <<<"$out")
[ -n "$ns" ] || {
	echo "no figure from syscall_loop under strace: $out" >&2
	exit 1
}
echo "bench strace-f-syscall-loop $ns"
