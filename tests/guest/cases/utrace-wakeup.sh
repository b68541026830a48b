#!/bin/bash
# wake_up_on_stop: a tracer woken for a stop finds the thread already in
# it; when SIGKILL cancels the stop, the tracer is woken all the same.
. "$(dirname "$0")/../lib.sh"

"$BIN/spinner" 0 &
pid=$!
id=$(attach $pid)
expect ok events "$id" quiesce,exit
expect ok answer "$id" quiesce stop
expect ok notify "$id"
ctl control "$id" interrupt >/dev/null
wait_state $pid t
wait_stat "$id" woken_stopped 1
[ "$(stat "$id" woken_running)" = 0 ] || fail "woken before the stop: $(ctl stats "$id")"

# SIGKILL: the exit report's quiesce callback asks to stop; the thread
# cannot, and the waiter hears so.
kill -9 $pid
wait $pid 2>/dev/null
wait_stat "$id" woken_running 1
expect ok release "$id"
expect_no_leak
