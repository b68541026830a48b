#!/bin/bash
# gdb SIGKILLed mid-session, with a breakpoint hit a thousand times a
# second: the stub removes it and the process runs on as if never traced.
. "$(dirname "$0")/../gdb-lib.sh"

start_target 2
timeout -s KILL 4 gdb -batch -nx -ex "target remote /dev/utrace-gdb/$pid" \
	-ex 'break marker' -ex 'continue' -ex 'continue 100000000' "$BIN/gdb_target" >/dev/null 2>&1
sleep 0.5
kill -0 $pid || fail "the process died: a breakpoint was left behind"
expect_running $pid
# And a new session works.
run_gdb $pid "$BIN/gdb_target" -ex 'break marker' -ex 'continue' -ex 'detach'
expect_out 'Breakpoint 1, (0x[0-9a-f]+ in )?marker'
sleep 0.2
kill -0 $pid || fail "the process died after the second session"
kill $pid
