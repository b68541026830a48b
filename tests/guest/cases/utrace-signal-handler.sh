#!/bin/bash
# A handler's entry: an engine that sees signals with handlers hears again
# once the handler's frame is set up, and can hold the thread there, on
# the handler's first instruction. A thread that was stepping when the
# signal came (the architecture turns stepping off to set the frame up)
# steps on into the handler once its engine asks.
. "$(dirname "$0")/../lib.sh"

start_probe
id=$(attach $pid)
expect ok events "$id" quiesce,signal,signal_core
expect ok answer "$id" handler stop
# The probe waits in read(): interrupt it, and stop at the report.
expect ok answer "$id" quiesce stop
expect ok control "$id" interrupt
wait_state $pid t
expect ok answer "$id" quiesce resume

# Where on_signal() is in the running probe (PIE: mapped at its base).
offset=$(nm "$BIN/syscall_probe" | awk '$3 == "on_signal" { print $1 }')
base=$(awk -v exe="$BIN/syscall_probe" '$6 == exe { split($1, r, "-"); print r[1]; exit }' /proc/$pid/maps)
[ -n "$offset" ] && [ -n "$base" ] || fail "cannot find on_signal: offset '$offset' base '$base'"
entry=$(printf '%x' $((0x$base + 0x$offset)))

# Stepping, the thread takes SIGUSR1 and stops at the handler's entry.
kill -USR1 $pid
expect ok control "$id" singlestep
wait_stat "$id" handler 1
wait_state $pid t
[ "$(stat "$id" signo)" = 10 ] || fail "reported signal $(stat "$id" signo), sent 10"
expect "ip=$entry" examine "$id"

# One more step runs the handler's first instruction and traps.
expect ok answer "$id" signal stop
expect ok signal "$id" ignore
expect ok control "$id" singlestep
wait_stat "$id" signal 2
wait_state $pid t
[ "$(stat "$id" signo)" = 5 ] || fail "the step trapped with signal $(stat "$id" signo)"
ip=$(ctl examine "$id")
ip=${ip#ip=}
[ $((0x$ip > 0x$entry && 0x$ip < 0x$entry + 16)) = 1 ] ||
	fail "one step into the handler at $entry went to $ip"

# Resumed (the trap discarded), the handler runs once.
expect ok answer "$id" signal resume
expect ok answer "$id" handler resume
expect ok control "$id" resume
[ "$(probe count)" = "usr1=1 usr2=0" ] || fail "the handler did not run once"
expect ok control "$id" detach
expect ok release "$id"
kill -9 $pid
wait $pid 2>/dev/null
expect_no_leak
