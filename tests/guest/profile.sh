#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The workloads of scripts/profile.sh. Each runs N operations, then 2N,
# with the marker (profile_mark) before, between and after, so that the
# QEMU plugin's snapshots give N operations with start-up and exit
# cancelled out. Prints "profile NAME N" for each, in order.
bin=${ug_bin:?}

# twice NAME OPS CMD1 CMD2: CMD1 (OPS operations fewer than CMD2) and
# CMD2, each a string run by bash, between markers.
twice() {
	local name=$1 ops=$2
	echo "utrace-gdb: profile $name" >/dev/kmsg
	if "$bin/profile_mark" && bash -c "$3" >/dev/null && "$bin/profile_mark" &&
		bash -c "$4" >/dev/null && "$bin/profile_mark"; then
		echo "profile $name $ops"
	else
		echo "profile-failed $name"
	fi
}

# ptrace_pingpong N makes N + N/10 + 1 round trips (a warm-up first),
# pinned to one CPU as in make bench.
twice ptrace-roundtrip-1cpu 5500 \
	"taskset -c 0 $bin/ptrace_pingpong 5000 1" \
	"taskset -c 0 $bin/ptrace_pingpong 10000 1"
twice strace-f-syscall 5000 \
	"strace -f -o /dev/null $bin/syscall_loop 5000 1" \
	"strace -f -o /dev/null $bin/syscall_loop 10000 1"
