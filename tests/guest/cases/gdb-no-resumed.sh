#!/bin/bash
# case-timeout: 300
# gdb's `N`: with scheduler locking on, gdb lets only the worker run, and
# the worker exits. No thread gdb resumed is left, so the stub says so
# and gdb gets its prompt back instead of waiting for ever. The held
# main thread is untouched: resumed, it leaves pthread_join() and hits
# a breakpoint. The same session through gdbserver prints the same.
. "$(dirname "$0")/../gdb-lib.sh"

session=(-ex 'break worker_done' -ex 'set var go=1' -ex continue
	-ex 'set scheduler-locking on' -ex continue -ex 'info threads'
	-ex 'thread 1' -ex 'set scheduler-locking off' -ex 'break after_join' -ex continue
	-ex 'print n == 1' -ex detach)
# Not the thread list: where the main thread stopped differs from run to
# run (in clone3() or in pthread_join()).
lines='^(Thread [0-9]+ "[^"]*" hit|No unwaited-for|The current thread|\$[0-9]|\[Inferior)'

start_prog thread_exit
run_gdb $pid "$BIN/thread_exit" "${session[@]}"
expect_out '^Thread 2 "thread_exit" hit Breakpoint 1, (0x[0-9a-f]+ in )?worker_done \(\)'
expect_out '^No unwaited-for children left\.$'
expect_out '^  1    Thread [0-9.]+ "thread_exit" '
grep -Eq '^\*? +2 +Thread' <<<"$out" && fail "the exited worker is still listed"
expect_out '^Thread 1 "thread_exit" hit Breakpoint 2, (0x[0-9a-f]+ in )?after_join \(n=[0-9]+\)'
expect_out '^\$1 = 1$'
expect_out '\[Inferior 1 \(process '"$pid"'\) detached\]'
expect_running $pid
kill $pid
wait $pid 2>/dev/null

start_prog thread_exit
run_gdbserver $pid "$BIN/thread_exit" "${session[@]}"
expect_same_as_gdbserver "$lines"
kill $pid
true
