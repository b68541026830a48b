#!/bin/bash
# The most restrictive request wins: one engine's RESUME does not release
# a thread another engine holds stopped.
. "$(dirname "$0")/../lib.sh"

"$BIN/spinner" 0 &
pid=$!
a=$(attach $pid)
b=$(attach $pid)
expect "err -115" control "$a" stop
wait_state $pid t
expect ok control "$b" resume
sleep 0.5
[ "$(state_of $pid)" = t ] || fail "engine b's resume released engine a's stop"
expect ok control "$a" resume
wait_state $pid R
expect ok control "$a" detach
expect ok control "$b" detach
expect ok release "$a"
expect ok release "$b"
kill -9 $pid
wait $pid 2>/dev/null
expect_no_leak
