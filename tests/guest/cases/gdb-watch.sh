#!/bin/bash
# case-timeout: 300
# Hardware watchpoints and breakpoints through the debug registers: a
# write watchpoint on a variable, a hardware breakpoint, an access
# watchpoint that a worker thread hits. The same session through
# gdbserver prints the same. After detach no debug register is left set:
# one that fired with nobody tracing would kill the process with SIGTRAP.
. "$(dirname "$0")/../gdb-lib.sh"

session=(-ex 'watch counter' -ex 'continue' -ex 'delete'
	-ex 'hbreak marker' -ex 'continue' -ex 'print value == counter + 1'
	-ex 'delete' -ex 'awatch worker_spins[1]' -ex 'continue'
	-ex 'print $_thread != 1' -ex 'detach')

start_target 2
run_gdb $pid "$BIN/gdb_target" "${session[@]}"
expect_out '^Hardware watchpoint 1: counter$'
old=$(sed -n 's/^Old value = //p' <<<"$out")
new=$(sed -n 's/^New value = //p' <<<"$out")
[ -n "$old" ] && [ "$new" = $((old + 1)) ] || fail "watchpoint values: old '$old', new '$new'"
expect_out '^Hardware assisted breakpoint 2 at 0x[0-9a-f]+'
expect_out '^Thread 1 "gdb_target" hit Breakpoint 2, (0x[0-9a-f]+ in )?marker \(value=[0-9]+\)'
expect_out '^\$1 = 1$'
expect_out '^Hardware access \(read/write\) watchpoint 3: worker_spins\[1\]$'
expect_out '^Thread 3 "worker1" hit Hardware access'
expect_out '^\$2 = 1$'
expect_out '\[Inferior 1 \(process '"$pid"'\) detached\]'
sleep 0.5
kill -0 $pid || fail "the process died after detach: a debug register was left set"
expect_running $pid

run_gdbserver $pid "$BIN/gdb_target" "${session[@]}"
expect_same_as_gdbserver '^(Hardware|Thread [0-9]+ "[^"]*" hit|Old value|New value|Value|\$[0-9])'
sleep 0.3
kill -0 $pid || fail "the process died after gdbserver detached"
kill $pid
