#!/bin/bash
# case-timeout: 300
# catch syscall: gdb stops at the entry and at the return of the system
# call it names, and shows its number and its result; with the
# catchpoint deleted the process runs freely. The same session through
# gdbserver prints the same. One thread, so that the order of the stops
# is fixed (with more, another thread's entry may come first).
. "$(dirname "$0")/../gdb-lib.sh"

session=(-ex 'catch syscall clock_nanosleep' -ex 'continue' -ex 'print $orig_rax'
	-ex 'continue' -ex 'print $rax' -ex 'delete' -ex 'break marker'
	-ex 'continue' -ex 'detach')

start_target 0
run_gdb $pid "$BIN/gdb_target" "${session[@]}"
expect_out '^Catchpoint 1 \(syscall .clock_nanosleep. \[230\]\)$'
expect_out '^Catchpoint 1 \(call to syscall clock_nanosleep\)'
expect_out '^\$1 = 230$'
expect_out '^Catchpoint 1 \(returned from syscall clock_nanosleep\)'
expect_out '^\$2 = 0$'
expect_out '^Breakpoint 2, (0x[0-9a-f]+ in )?marker'
expect_out '\[Inferior 1 \(process '"$pid"'\) detached\]'
sleep 0.3
expect_running $pid
kill -0 $pid || fail "the target died"

run_gdbserver $pid "$BIN/gdb_target" "${session[@]}"
expect_same_as_gdbserver '^(Catchpoint|Breakpoint|\$[0-9])'
kill $pid
