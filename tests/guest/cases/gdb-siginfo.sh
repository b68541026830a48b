#!/bin/bash
# case-timeout: 300
# A signal stop and $_siginfo (qXfer:siginfo:read): gdb shows the
# thread the signal went to, its number, its code and who sent it; kill
# ends the process. The same session through gdbserver prints the same.
# The signal goes to the worker thread with tgkill: a process-wide kill
# may be taken by any thread, so the outputs could not be compared.
. "$(dirname "$0")/../gdb-lib.sh"

# session PID: the gdb commands, in the array $session.
session() {
	local worker tgkill
	worker=$(ls /proc/$1/task | grep -vx "$1" | head -n 1)
	tgkill="import ctypes; ctypes.CDLL(None).syscall(234, $1, $worker, 10)"
	session=(-ex "shell python3 -c '$tgkill'" -ex continue -ex 'print $_siginfo.si_signo'
		-ex 'print $_siginfo.si_code' -ex 'print $_siginfo._sifields._kill.si_pid > 1'
		-ex 'print $_siginfo._sifields._kill.si_uid' -ex kill)
}

start_target 1
first=$pid
session $pid
run_gdb $pid "$BIN/gdb_target" "${session[@]}"
expect_out '^Thread 2 "worker0" received signal SIGUSR1, User defined signal 1\.$'
expect_out '^\$1 = 10$'
expect_out '^\$2 = -6$'
expect_out '^\$3 = 1$'
expect_out '^\$4 = 0$'
expect_out '\[Inferior 1 \(process '"$pid"'\) killed\]'
sleep 0.3
kill -0 $first 2>/dev/null && fail "the process outlived gdb's kill"

start_target 1
session $pid
run_gdbserver $pid "$BIN/gdb_target" "${session[@]}"
expect_same_as_gdbserver '^(Thread [0-9]+ "[^"]*" received|\$[0-9])'
kill -9 $pid 2>/dev/null
true
