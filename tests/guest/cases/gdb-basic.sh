#!/bin/bash
# gdb debugs a running multi-threaded PIE process through the device:
# breakpoint, arguments, variables, registers, threads, backtrace, finish,
# stepi; after detach every thread runs on.
. "$(dirname "$0")/../gdb-lib.sh"

start_target 2
run_gdb $pid "$BIN/gdb_target" \
	-ex 'break marker' -ex 'continue' \
	-ex 'print value == counter + 1' \
	-ex 'info threads' -ex 'bt' \
	-ex 'print/x $fs_base != 0' -ex 'print $orig_rax' \
	-ex 'finish' -ex 'print counter > 0' \
	-ex 'stepi' -ex 'print $pc != 0' \
	-ex 'detach'
expect_out 'Breakpoint 1, (0x[0-9a-f]+ in )?marker \(value=[0-9]+\)'
expect_out '^\$1 = 1$'
[ "$(grep -Ec '^[* ] +[0-9]+ +Thread ' <<<"$out")" = 3 ] || fail "gdb did not list 3 threads"
# Thread names, as the threads set them (qXfer:threads).
expect_out '^\* 1 +Thread '"$pid.$pid"' "gdb_target" '
expect_out '^  [23] +Thread '"$pid"'\.[0-9]+ "worker0" '
expect_out '^  [23] +Thread '"$pid"'\.[0-9]+ "worker1" '
expect_out '#1 +0x[0-9a-f]+ in main '
expect_out '^main \(argc=2, argv=0x[0-9a-f]+\) at .*gdb_target.c:[0-9]+$'
expect_out '\[Inferior 1 \(process [0-9]+\) detached\]'
grep -q 'get_tty_state failed\|Remote failure\|Remote connection closed' <<<"$out" &&
	fail "gdb complained about the device"
sleep 0.2
expect_running $pid
kill -0 $pid || fail "the target died"
kill $pid
