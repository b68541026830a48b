#!/bin/bash
# case-timeout: 690
# ptrace(2) in its hard corners, one program per topic (progs/ptrace_*.c,
# on the harness progs/ptrace_check.h):
#   ptrace_seize         SEIZE, INTERRUPT and LISTEN; group stop of an
#                        attached tracee
#   ptrace_tracer_death  the tracer killed in each kind of stop; EXITKILL
#   ptrace_exec          exec by a non-leader thread, also while the
#                        tracer detaches or waits for its TID; vfork
#                        across exec
#   ptrace_kill          SIGKILL and PTRACE_EVENT_EXIT
#   ptrace_detach        wait and requests from the tracer's other threads;
#                        detach and reattach
#   ptrace_syscall       syscall stops and PTRACE_GET_SYSCALL_INFO; task
#                        works done before an exit stop
#   ptrace_signals       signal-delivery stops: SETSIGINFO, a replaced or
#                        blocked signal, ignored signals, a step into a
#                        handler
#   ptrace_jobctl        job control traps: attach to a stopped task,
#                        INTERRUPT in read() and during a stop
# Every subtest asserts what a stock 6.12 kernel does, so this case must
# pass on stock and on ours. All programs run; the case fails if any
# reports "not ok", exits non-zero, or passes fewer subtests than its
# "1..N" line plans.
#
# The time limit: 21 subtests in all, and ptrace_check.h gives up on a
# stuck one after at most 30 s, so 630 s even if every one hangs.
#
# It does not source ../lib.sh, which skips when the utrace test engine is
# missing: on a stock kernel this case must run, not skip.
BIN=${ug_bin:?}

progs=(
	ptrace_seize
	ptrace_tracer_death
	ptrace_exec
	ptrace_kill
	ptrace_detach
	ptrace_syscall
	ptrace_signals
	ptrace_jobctl
)

log=$(mktemp)
trap 'rm -f "$log"' EXIT

failed=
for prog in "${progs[@]}"; do
	echo "# $prog"
	# tee, so that the log shows how far it got if the case times out.
	"$BIN/$prog" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}

	bad=$(grep '^not ok' "$log")
	[ -z "$bad" ] || failed+="$prog: failing subtests:"$'\n'"$bad"$'\n'
	[ "$rc" = 0 ] || failed+="$prog exited with status $rc"$'\n'
	plan=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$log")
	ran=$(grep -c '^ok ' "$log")
	[ -n "$plan" ] && [ "$plan" -gt 0 ] && [ "$ran" = "$plan" ] ||
		failed+="$prog planned ${plan:-no} subtests, $ran passed"$'\n'
done

if [ -n "$failed" ]; then
	printf 'FAIL: %s' "$failed"
	exit 1
fi
