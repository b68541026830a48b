#!/bin/bash
# Job control reports. Every thread reports as it joins a group stop
# (SIGSTOP) and as SIGCONT ends it. An engine that stops a thread at the
# report holds it in a traced stop first; resumed, it joins the group
# stop, unless a SIGCONT came meanwhile and cancelled it.
. "$(dirname "$0")/../lib.sh"

start_spinner 2
ids=()
for tid in $(threads $pid); do
	id=$(attach "$tid")
	ids+=("$id")
	expect ok events "$id" jctl
done
[ ${#ids[@]} = 3 ] || fail "spinner has ${#ids[@]} threads"

# each FIELD VALUE: every engine's stat FIELD reaches VALUE.
each() {
	for id in "${ids[@]}"; do
		wait_stat "$id" "$1" "$2"
	done
}

# all_in STATES: every thread gets to one of STATES.
all_in() {
	for tid in $(threads $pid); do
		wait_state "$tid" "$1"
	done
}

# answer_jctl ACTION: what every engine's job control report returns.
answer_jctl() {
	for id in "${ids[@]}"; do
		expect ok answer "$id" jctl "$1"
	done
}

resume_all() {
	for id in "${ids[@]}"; do
		expect ok control "$id" resume
	done
}

kill -STOP $pid
all_in T
each jctl_stopped 1
each jctl_continued 0
kill -CONT $pid
each jctl_continued 1
all_in RS

# Held at the report: a traced stop, not the group stop. Resumed, the
# threads join the group stop.
answer_jctl stop
kill -STOP $pid
each jctl_stopped 2
all_in t
answer_jctl resume
resume_all
all_in T
kill -CONT $pid
each jctl_continued 2

# A SIGCONT while they are held cancels the group stop they were to join.
answer_jctl stop
kill -STOP $pid
each jctl_stopped 3
all_in t
kill -CONT $pid
answer_jctl resume
resume_all
all_in RS
sleep 0.5
for tid in $(threads $pid); do
	case $(state_of "$tid") in
	T | t) fail "thread $tid stopped after SIGCONT cancelled the group stop" ;;
	esac
done
each jctl_continued 2

for id in "${ids[@]}"; do
	ctl control "$id" detach >/dev/null
	expect ok release "$id"
done
kill -9 $pid
wait $pid 2>/dev/null
expect_no_leak
