#!/bin/bash
# case-timeout: 400
# Fork, vfork and exec events. With gdb's defaults (follow the parent,
# detach the child) the forked child runs marker() under the breakpoint
# gdb set in the parent and still exits with 7; the vforked child execs;
# the breakpoint is set again in the exec'd program and hit there. With
# "follow-fork-mode child" gdb keeps the child, stops it in in_child()
# and sees it exit with 7, while the detached parent runs to its end.
# The same sessions through gdbserver print the same.
. "$(dirname "$0")/../gdb-lib.sh"

parent=(-ex 'break marker' -ex 'set var go=1' -ex continue -ex 'print child_status'
	-ex continue -ex continue)
child=(-ex 'set follow-fork-mode child' -ex 'break in_child' -ex 'set var go=1'
	-ex continue -ex 'print $_inferior' -ex continue)
events='^(\[Detaching|\[Attaching|\[New inferior|\[Inferior|Breakpoint [0-9]+,|Thread .* hit|\$[0-9]|process [0-9]+ is executing)'

# exit_status PID: the exit status of the finished background job PID.
exit_status() {
	local n=100
	while kill -0 "$1" 2>/dev/null && [ $n -gt 0 ]; do
		sleep 0.1
		n=$((n - 1))
	done
	kill -0 "$1" 2>/dev/null && fail "process $1 is still running"
	wait "$1"
}

start_target_prog() {
	local fifo
	fifo=$(mktemp -u)
	mkfifo "$fifo"
	"$BIN/fork_target" >"$fifo" &
	pid=$!
	read -r _ <"$fifo" || fail "fork_target did not start"
	rm -f "$fifo"
}

start_target_prog
run_gdb $pid "$BIN/fork_target" "${parent[@]}"
expect_out '^\[Detaching after fork from child process [0-9]+\]$'
expect_out '^Breakpoint 1, marker \(where=3\)'
expect_out '^\$1 = 1792$'
expect_out '^\[Detaching after vfork from child process [0-9]+\]$'
expect_out "^process $pid is executing new program: .*fork_target\$"
expect_out '^Breakpoint 1, marker \(where=4\)'
expect_out '^\[Inferior 1 \(process '"$pid"'\) exited normally\]$'
first=$pid

start_target_prog
run_gdbserver $pid "$BIN/fork_target" "${parent[@]}"
expect_same_as_gdbserver "$events"
exit_status $first >/dev/null

start_target_prog
run_gdb $pid "$BIN/fork_target" "${child[@]}"
expect_out '^\[Attaching after Thread '"$pid.$pid"' fork to child Thread [0-9]+\.[0-9]+\]$'
expect_out '^\[Detaching after fork from parent process '"$pid"'\]$'
expect_out '^\[Inferior 1 \(process '"$pid"'\) detached\]$'
expect_out '^Thread 2\.1 "fork_target" hit Breakpoint 1, in_child \(\)'
expect_out '^\$1 = 2$'
expect_out '^\[Inferior 2 \(process [0-9]+\) exited with code 07\]$'
# The parent, detached, went on through its vfork and exec to exit 0.
rc=0
exit_status $pid || rc=$?
[ $rc = 0 ] || fail "the detached parent exited with $rc"

start_target_prog
run_gdbserver $pid "$BIN/fork_target" "${child[@]}"
expect_same_as_gdbserver "$events"
exit_status $pid >/dev/null
true
