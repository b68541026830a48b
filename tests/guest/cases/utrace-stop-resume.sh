#!/bin/bash
# STOP on running threads returns EINPROGRESS and every thread stops; a
# second STOP on a stopped thread returns 0; RESUME lets them all run.
. "$(dirname "$0")/../lib.sh"

start_spinner 3
ids=()
for tid in $(threads $pid); do
	id=$(attach "$tid")
	ids+=("$id")
	expect "err -115" control "$id" stop
done
for tid in $(threads $pid); do
	wait_state "$tid" t
done
for id in "${ids[@]}"; do
	expect ok control "$id" stop
done
sleep 0.5
for tid in $(threads $pid); do
	[ "$(state_of "$tid")" = t ] || fail "thread $tid left its stop"
done
for id in "${ids[@]}"; do
	expect ok control "$id" resume
done
for tid in $(threads $pid); do
	wait_state "$tid" R
done
for id in "${ids[@]}"; do
	expect ok control "$id" detach
	expect ok release "$id"
done
kill -9 $pid
wait $pid 2>/dev/null
expect_no_leak
