#!/bin/bash
# case-timeout: 300
# Thread-local variables (qGetTLSAddr) in the program and in a shared
# library, in every thread, and the shared library list. The same session
# through gdbserver prints the same.
. "$(dirname "$0")/../gdb-lib.sh"

session=(-ex 'thread apply all print tls_main' -ex 'thread apply all print tls_lib'
	-ex 'info sharedlibrary' -ex detach)

# start_tls_target: a tls_target with two workers; sets $pid.
start_tls_target() {
	local fifo
	fifo=$(mktemp -u)
	mkfifo "$fifo"
	"$BIN/tls_target" 2 >"$fifo" &
	pid=$!
	read -r _ <"$fifo" || fail "tls_target did not start"
	rm -f "$fifo"
}

start_tls_target
run_gdb $pid "$BIN/tls_target" "${session[@]}"
# Threads are listed last first: worker 1, worker 0, then main.
expect_out '^\$1 = 102$'
expect_out '^\$2 = 101$'
expect_out '^\$3 = 1$'
expect_out '^\$4 = 202$'
expect_out '^\$5 = 201$'
expect_out '^\$6 = 2$'
expect_out 'Yes +(target:)?.*/libtls_lib\.so$'
expect_out '\[Inferior 1 \(process '"$pid"'\) detached\]'
sleep 0.3
expect_running $pid
kill $pid

start_tls_target
run_gdbserver $pid "$BIN/tls_target" "${session[@]}"
expect_same_as_gdbserver '^(\$[0-9]|Thread [0-9]+ \(Thread)'
kill $pid
