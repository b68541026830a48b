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

# detach_hang STRACE: why strace, long after its SIGINT, has not finished
# detaching. Two hangs are known, and stock 6.12 has them too (see
# progs/ptrace_exec.c); both start with a thread other than the leader
# that execs, and strace waiting for that thread alone:
#  - the thread waits in de_thread() until its other threads are gone,
#    and one of them is stopped for PTRACE_EVENT_EXIT: neither goes on.
#    Prints "exec TID".
#  - the exec is done, and the thread's TID went with the old leader,
#    which strace detached: nothing wakes a wait for that TID. Prints
#    "gone TID".
# For any other hang, prints what it found.
detach_hang() {
	local call tid tgid t
	read -r call tid _ <"/proc/$1/syscall" || { echo "strace $1 has no system call"; return; }
	tid=$((tid))
	if [ "$call" != 61 ] || [ "$tid" -le 0 ]; then
		echo "strace $1 is in system call $call ($tid), not wait4 for one thread"
		return
	fi
	if [ "$(state_of $tid)" = X ]; then
		echo "gone $tid"
		return
	fi
	if [ "$(state_of $tid)" != D ] || ! grep -Eq 'exec|de_thread' "/proc/$tid/wchan"; then
		echo "strace $1 waits for thread $tid, in state $(state_of $tid) at $(cat /proc/$tid/wchan)"
		return
	fi
	tgid=$(awk '/^Tgid:/ { print $2 }' "/proc/$tid/status")
	for t in /proc/"$tgid"/task/*; do
		[ "$(state_of "${t##*/}")" = t ] && { echo "exec $tid"; return; }
	done
	echo "thread $tid execs, but no other thread of $tgid is stopped"
}

# running PID: whether a child of this shell still runs (bash may have
# reaped it already).
running() {
	case $(state_of "$1") in
	Z | X) return 1 ;;
	esac
}

# end_detach STRACE: waits for strace, sent SIGINT, to detach and exit.
# If it hangs, kills it and records why: a known hang in $known_hangs
# (after the first, the exec must then go on), any other in $hangs.
end_detach() {
	local n=300 why tid
	while [ $n -gt 0 ] && running "$1"; do
		sleep 0.1
		n=$((n - 1))
	done
	if running "$1"; then
		why=$(detach_hang "$1")
		# It may have finished while we looked.
		running "$1" || why=
		kill -9 "$1" 2>/dev/null
		case $why in
		"") ;;
		exec\ *)
			tid=${why#exec }
			n=100
			while [ $n -gt 0 ] && [ "$(state_of $tid)" = D ]; do
				sleep 0.1
				n=$((n - 1))
			done
			if [ "$(state_of $tid)" = D ]; then
				echo "the exec of $tid stays blocked after its tracer died" >>"$hangs"
			else
				echo >>"$known_hangs"
			fi
			;;
		gone\ *) echo >>"$known_hangs" ;;
		*) echo "$why" >>"$hangs" ;;
		esac
	fi
	wait "$1"
}

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
hangs=$(mktemp)
known_hangs=$(mktemp)
(
	while [ ! -e "$stop" ]; do
		strace -f -qq -o /dev/null -p $churn &
		tracer=$!
		sleep 2
		kill -INT $tracer
		end_detach $tracer
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
echo "# strace: $(wc -l <"$attaches") attach-detach cycles," \
	"$(wc -l <"$known_hangs") met a known strace hang and were killed," \
	"$(wc -l <"$follows") strace -f runs"
[ "$(wc -l <"$attaches")" -gt 0 ] || fail "strace never attached and detached"
[ -s "$hangs" ] && fail "strace hung detaching: $(head -n 3 "$hangs")"
rm -f "$stop" "$attaches" "$follows" "$hangs" "$known_hangs"
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
