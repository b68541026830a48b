#!/bin/bash
# SIGKILL wins over STOP: stopped threads die at once, and each engine sees
# death before reap.
. "$(dirname "$0")/../lib.sh"

start_spinner 2
ids=()
for tid in $(threads $pid); do
	id=$(attach "$tid")
	ids+=("$id")
	expect ok events "$id" death,reap
	ctl control "$id" stop >/dev/null
done
for tid in $(threads $pid); do
	wait_state "$tid" t
done
kill -9 $pid
n=100
while kill -0 $pid 2>/dev/null && [ $n -gt 0 ]; do
	wait $pid 2>/dev/null
	n=$((n - 1))
done
[ $n -gt 0 ] || fail "killed process still there"
for id in "${ids[@]}"; do
	[ "$(stat "$id" death)" = 1 ] || fail "engine $id: no death report: $(ctl stats "$id")"
	[ "$(stat "$id" reap)" = 1 ] || fail "engine $id: no reap report: $(ctl stats "$id")"
	[ "$(stat "$id" death_seq)" -lt "$(stat "$id" reap_seq)" ] ||
		fail "engine $id: reap before death: $(ctl stats "$id")"
	expect ok release "$id"
done
expect_no_leak
