#!/bin/bash
# case-timeout: 1200
# Stress: attach, stop, resume and detach cycles against process trees
# that clone, exec and exit all the time. No unexpected error, no task
# left stopped, no engine leaked. 10,000 cycles on the debug lane (where
# lockdep and KASAN watch), fewer on the default lane.
#
# ptrace works the same trees meanwhile, so its engine meets the test
# engine on the same threads: strace attaches to the first tree's
# threads and detaches, over and over, and strace -f follows a third
# tree from its start, restarted every few seconds.
. "$(dirname "$0")/../lib.sh"

cycles=2000
[ "${ug_lane:-}" = debug ] && cycles=10000
nice -n 10 "$BIN/churn" &
churn=$!
nice -n 10 "$BIN/churn" &
churn2=$!
sleep 1
stop=$(mktemp -u)
attaches=$(mktemp)
follows=$(mktemp)
(
	while [ ! -e "$stop" ]; do
		timeout -s INT 2 strace -f -qq -o /dev/null -p $churn
		echo >>"$attaches"
	done
) &
attach_loop=$!
(
	while [ ! -e "$stop" ]; do
		timeout -s INT 5 strace -f -qq -o /dev/null nice -n 10 "$BIN/churn"
		echo >>"$follows"
	done
) &
follow_loop=$!
"$BIN/utrace_stress" $cycles || fail "the stress driver failed"
touch "$stop"
wait $attach_loop $follow_loop
echo "# strace: $(wc -l <"$attaches") attach-detach cycles, $(wc -l <"$follows") strace -f runs"
[ "$(wc -l <"$attaches")" -gt 0 ] || fail "strace never attached and detached"
rm -f "$stop" "$attaches" "$follows"
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
