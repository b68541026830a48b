#!/bin/bash
# case-timeout: 400
# gdb on ptrace itself, now an engine of the core: "gdb -p PID" runs the
# sessions of gdb-basic and gdb-watch (breakpoints, threads, finish,
# stepi, hardware watchpoints) and prints what the same sessions print
# through the device; "gdb --args PROG" starts the program under ptrace
# (PTRACE_TRACEME, exec through the shell) and stops it at a breakpoint
# and a watchpoint. Every session detaches or kills cleanly.
. "$(dirname "$0")/../gdb-lib.sh"

# native_gdb GDB-ARGS...: a batch gdb session of its own (no target
# remote); its output is printed and kept in $ref_out.
native_gdb() {
	local limit=60
	[ "${ug_lane:-}" = debug ] && limit=300
	ref_out=$(timeout -k 5 $limit gdb -batch -nx -ex "set confirm off" "$@" 2>&1)
	echo "$ref_out"
}

# expect_same_as_native PATTERN: the device session's lines matching the
# extended regex PATTERN are the same, normalised, as the native one's.
expect_same_as_native() {
	local ours theirs
	ours=$(normalise "$1" <<<"$out")
	theirs=$(normalise "$1" <<<"$ref_out")
	[ -n "$theirs" ] || fail "the native session printed nothing matching /$1/"
	[ "$ours" = "$theirs" ] || fail "differs from native gdb:
--- device
$ours
--- gdb -p
$theirs"
}

basic=(-ex 'break marker' -ex 'continue' -ex 'print value == counter + 1'
	-ex 'info threads' -ex 'bt' -ex 'finish' -ex 'print counter > 0'
	-ex 'stepi' -ex 'print $pc != 0' -ex 'detach')
watch=(-ex 'watch counter' -ex 'continue' -ex 'delete'
	-ex 'hbreak marker' -ex 'continue' -ex 'print value == counter + 1'
	-ex 'detach')

start_target 2
run_gdb $pid "$BIN/gdb_target" "${basic[@]}"
native_gdb -p $pid "${basic[@]}"
grep -q 'ptrace: Operation not permitted' <<<"$ref_out" && fail "gdb -p could not attach"
expect_same_as_native '^(Thread [0-9]+ "[^"]*" hit|\$[0-9]|Run till exit|#[01] )'
grep -q '^\[Inferior 1 (process '"$pid"') detached\]' <<<"$ref_out" ||
	fail "gdb -p did not detach"
sleep 0.3
expect_running $pid

run_gdb $pid "$BIN/gdb_target" "${watch[@]}"
native_gdb -p $pid "${watch[@]}"
expect_same_as_native '^(Hardware|Thread [0-9]+ "[^"]*" hit|Old value|New value|\$[0-9])'
sleep 0.3
kill -0 $pid || fail "the process died after gdb -p detached"
expect_running $pid
grep -q "TracerPid:[[:space:]]*0" /proc/$pid/status || fail "still ptraced after gdb -p detached"
kill $pid

native_gdb -ex 'break marker' -ex 'run' -ex 'print value == counter + 1' \
	-ex 'watch counter' -ex 'continue' -ex 'kill' --args "$BIN/gdb_target" 2
grep -Eq '^(Thread 1 "gdb_target" hit )?Breakpoint 1, (0x[0-9a-f]+ in )?marker \(value=[0-9]+\)' <<<"$ref_out" ||
	fail "gdb --args: no breakpoint hit"
grep -q '^\$1 = 1$' <<<"$ref_out" || fail "gdb --args: wrong variables at the breakpoint"
old=$(sed -n 's/^Old value = //p' <<<"$ref_out")
new=$(sed -n 's/^New value = //p' <<<"$ref_out")
[ -n "$old" ] && [ "$new" = $((old + 1)) ] ||
	fail "gdb --args: watchpoint values: old '$old', new '$new'"
grep -q '\[Inferior 1 (process [0-9]*) killed\]' <<<"$ref_out" || fail "gdb --args: no kill"
true
