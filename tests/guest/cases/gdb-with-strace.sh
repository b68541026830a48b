#!/bin/bash
# case-timeout: 300
# gdb (through the device) and strace (through ptrace) on one process at
# once, which ptrace alone cannot do: strace -f follows every thread's
# system calls while gdb stops the process at a breakpoint twice, reads
# its variables and detaches. The breakpoints' SIGTRAPs are gdb's alone:
# strace never reports them (gdb's engine claims its own traps). strace
# goes on tracing after gdb has gone, and when strace detaches too,
# nothing is left stopped.
. "$(dirname "$0")/../gdb-lib.sh"

log=$(mktemp)
start_target 2
strace -f -qq -e trace=clock_nanosleep -o "$log" -p $pid &
strace_pid=$!
n=100
until grep -q clock_nanosleep "$log" 2>/dev/null || [ $n = 0 ]; do
	sleep 0.1
	n=$((n - 1))
done
grep -q clock_nanosleep "$log" || fail "strace saw no system call"

run_gdb $pid "$BIN/gdb_target" -ex 'break marker' -ex continue \
	-ex 'print value == counter + 1' -ex continue -ex 'print value == counter + 1' \
	-ex delete -ex detach
expect_out '^Thread 1 "gdb_target" hit Breakpoint 1, (0x[0-9a-f]+ in )?marker \(value=[0-9]+\)'
[ "$(grep -c '^\$[12] = 1$' <<<"$out")" = 2 ] || fail "gdb did not read the variables at both stops"
expect_out '\[Inferior 1 \(process '"$pid"'\) detached\]'

before=$(wc -l <"$log")
sleep 1
after=$(wc -l <"$log")
[ "$after" -gt "$before" ] || fail "strace stopped tracing after gdb detached"
if grep -q SIGTRAP "$log"; then
	fail "strace saw gdb's breakpoint traps: $(grep -m2 SIGTRAP "$log")"
fi
kill -INT $strace_pid
wait $strace_pid
sleep 0.3
kill -0 $pid || fail "the process died"
expect_running $pid
grep -q "TracerPid:[[:space:]]*0" /proc/$pid/status || fail "still ptraced after strace detached"
kill $pid
rm -f "$log"
true
