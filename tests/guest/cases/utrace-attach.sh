#!/bin/bash
# Attach refuses kernel threads and missing tasks; exclusive and lookup
# find the engine already there; reaping detaches and frees every engine.
. "$(dirname "$0")/../lib.sh"

expect "err -1" attach 2
expect "err -3" attach 999999

"$BIN/spinner" 0 &
pid=$!
id=$(attach $pid)
expect "err -17" attach $pid exclusive
expect "engine $id" attach $pid lookup
expect "ok" events "$id" death,reap
kill -9 $pid
wait $pid 2>/dev/null
[ "$(stat "$id" reap)" = 1 ] || fail "no reap report: $(ctl stats "$id")"
[ "$(stat "$id" detached)" = 1 ] || fail "engine not detached after reap"
expect "err -3" control "$id" stop
expect ok release "$id"
expect_no_leak
