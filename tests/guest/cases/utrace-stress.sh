#!/bin/bash
# case-timeout: 1200
# Stress: attach, stop, resume and detach cycles against process trees
# that clone, exec and exit all the time. No unexpected error, no task
# left stopped, no engine leaked. 10,000 cycles on the debug lane (where
# lockdep and KASAN watch), fewer on the default lane.
. "$(dirname "$0")/../lib.sh"

cycles=2000
[ "${ug_lane:-}" = debug ] && cycles=10000
nice -n 10 "$BIN/churn" &
churn=$!
nice -n 10 "$BIN/churn" &
churn2=$!
sleep 1
"$BIN/utrace_stress" $cycles || fail "the stress driver failed"
# With every engine released, no churn thread may stay stopped.
sleep 1
for t in /proc/[0-9]*/task/[0-9]*; do
	[ "$(cat "$t/comm" 2>/dev/null)" = churn ] || continue
	tid=${t##*/}
	[ "$(state_of "$tid")" = t ] || continue
	sleep 1
	[ "$(state_of "$tid")" = t ] && fail "thread $tid left stopped"
done
kill -9 $churn $churn2
pkill -9 churn
wait 2>/dev/null
expect_no_leak
