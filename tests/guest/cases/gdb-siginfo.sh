#!/bin/bash
# case-timeout: 300
# A signal stop and $_siginfo (qXfer:siginfo:read): gdb shows the
# thread the signal went to, its number, its code and who sent it; kill
# ends the process. A rewritten $_siginfo (qXfer:siginfo:write) is what
# the program's SA_SIGINFO handler gets. The same sessions through
# gdbserver print the same. stepi with a signal pending stops on the
# handler's first instruction.
# The signal goes to the worker thread with tgkill: a process-wide kill
# may be taken by any thread, so the outputs could not be compared.
. "$(dirname "$0")/../gdb-lib.sh"

# tgkill PID TID SIGNAL: the shell command that sends it.
tgkill() {
	echo "python3 -c 'import ctypes; ctypes.CDLL(None).syscall(234, $1, $2, $3)'"
}

# session PID: the gdb commands, in the array $session.
session() {
	local worker
	worker=$(ls /proc/$1/task | grep -vx "$1" | head -n 1)
	session=(-ex "shell $(tgkill $1 $worker 10)" -ex continue -ex 'print $_siginfo.si_signo'
		-ex 'print $_siginfo.si_code' -ex 'print $_siginfo._sifields._kill.si_pid > 1'
		-ex 'print $_siginfo._sifields._kill.si_uid' -ex kill)
}

# rewrite PID: a session that rewrites the sender of a SIGUSR2 (12).
rewrite() {
	rewrite=(-ex "shell $(tgkill $1 $1 12)" -ex continue
		-ex 'set $_siginfo._sifields._kill.si_pid = 4242' -ex 'break on_usr2' -ex continue
		-ex 'print info->_sifields._kill.si_pid' -ex detach)
}

# step_in PID: a session that steps into the SIGUSR2 handler.
step_in() {
	step_in=(-ex "shell $(tgkill $1 $1 12)" -ex continue -ex stepi
		-ex 'print $pc == (long)&on_usr2' -ex 'print usr2_pid' -ex detach)
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

start_target 1
rewrite $pid
run_gdb $pid "$BIN/gdb_target" "${rewrite[@]}"
expect_out '^Thread 1 "gdb_target" received signal SIGUSR2'
expect_out '^Thread 1 "gdb_target" hit Breakpoint 1, on_usr2 '
expect_out '^\$1 = 4242$'
kill -9 $pid 2>/dev/null
start_target 1
rewrite $pid
run_gdbserver $pid "$BIN/gdb_target" "${rewrite[@]}"
expect_same_as_gdbserver '^(Thread [0-9]+ "[^"]*" (received|hit)|\$[0-9])'
kill -9 $pid 2>/dev/null

# stepi with a signal pending stops on the handler's first instruction.
start_target 1
step_in $pid
run_gdb $pid "$BIN/gdb_target" "${step_in[@]}"
expect_out '^\$1 = 1$'
expect_out '^\$2 = 0$'
kill -9 $pid 2>/dev/null
start_target 1
step_in $pid
run_gdbserver $pid "$BIN/gdb_target" "${step_in[@]}"
expect_same_as_gdbserver '^(Thread [0-9]+ "[^"]*" received|\$[0-9])'
kill -9 $pid 2>/dev/null
true
