#!/bin/bash
# Single step: a stopped thread runs one instruction, traps, and its
# engine sees the SIGTRAP and stops it again; examine reads where it is.
. "$(dirname "$0")/../lib.sh"

"$BIN/spinner" 0 &
pid=$!
id=$(attach $pid)
expect "err -22" examine "$id"
expect ok events "$id" signal_core
expect ok answer "$id" signal stop
expect ok signal "$id" ignore
expect "err -115" control "$id" stop
wait_state $pid t
prev=$(ctl examine "$id")
case $prev in ip=*) ;; *) fail "examine replied '$prev'" ;; esac
for n in 1 2 3 4; do
	expect ok control "$id" singlestep
	wait_stat "$id" signal $n
	[ "$(stat "$id" signo)" = 5 ] || fail "step trap was signal $(stat "$id" signo)"
	wait_state $pid t
	ip=$(ctl examine "$id")
	[ "$ip" != "$prev" ] || fail "step $n did not move the thread from $ip"
	prev=$ip
done
expect ok control "$id" resume
wait_state $pid R
sleep 0.3
[ "$(stat "$id" signal)" = 4 ] || fail "the thread kept stepping after resume"
expect ok control "$id" detach
expect ok release "$id"
kill -9 $pid
wait $pid 2>/dev/null
expect_no_leak
