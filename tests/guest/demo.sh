#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The make run demo, inside the guest: gdb debugs a running
# multi-threaded process through /dev/utrace-gdb/PID, with no ptrace and
# no gdbserver, and the process runs on after gdb detaches.

bin=${ug_bin:?}
echo
echo "== utrace-gdb guest: $(uname -sr)"
dmesg | grep -q 'utrace_gdb: gdbstub self-test passed' || {
	echo "the gdb engine is not built in, or its protocol self-test failed"
	exit 1
}
echo "== the gdb engine's protocol self-test passed at boot"
mountpoint -q /dev/utrace-gdb || {
	echo "/dev/utrace-gdb is not mounted"
	exit 1
}

"$bin/gdb_target" 2 >/tmp/demo-target.out &
pid=$!
sleep 0.5
echo "== a running process with 3 threads: $bin/gdb_target, pid $pid"
echo "== \$ gdb -ex 'target remote /dev/utrace-gdb/$pid' $bin/gdb_target"
echo
out=$(timeout -k 5 120 gdb -batch -nx -ex 'set confirm off' -ex 'set trace-commands on' \
	-ex "target remote /dev/utrace-gdb/$pid" \
	-ex 'break marker' -ex 'continue' -ex 'bt' -ex 'info threads' \
	-ex 'print counter' -ex 'watch counter' -ex 'continue' -ex 'delete' \
	-ex 'thread apply 2 bt 1' -ex 'detach' "$bin/gdb_target" 2>&1 |
	grep -v -e '^warning: ' -e 'No such file or directory\.$')
echo "$out"
echo
status=0
grep -q 'hit Breakpoint 1, .*marker' <<<"$out" || status=1
grep -q 'hit Hardware watchpoint 2: counter' <<<"$out" || status=1
grep -q "\[Inferior 1 (process $pid) detached\]" <<<"$out" || status=1
sleep 0.3
stopped=$(awk '$3 == "t" || $3 == "T"' /proc/$pid/task/*/stat)
if [ $status = 0 ] && kill -0 $pid && [ -z "$stopped" ]; then
	echo "== gdb detached: pid $pid runs on, untraced ($(ls /proc/$pid/task | wc -l) threads)"
	echo "== try it: gdb -ex 'target remote /dev/utrace-gdb/$pid' $bin/gdb_target"
else
	echo "== the demo session did not go as expected"
	status=1
fi
exit $status
