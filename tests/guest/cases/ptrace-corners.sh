#!/bin/bash
# case-timeout: 240
# ptrace(2) in its hard corners (progs/ptrace_corners.c): SEIZE, INTERRUPT
# and LISTEN; the tracer killed in each kind of stop, and EXITKILL; exec by
# a non-leader thread; vfork across exec; SIGKILL and PTRACE_EVENT_EXIT;
# wait and requests from the tracer's other threads; detach and reattach;
# syscall stops and PTRACE_GET_SYSCALL_INFO. Every subtest asserts what a
# stock 6.12 kernel does, so this case must pass on stock and on ours.
#
# It does not source ../lib.sh, which skips when the utrace test engine is
# missing: on a stock kernel this case must run, not skip.
BIN=${ug_bin:?}

fail() {
	echo "FAIL: $*"
	exit 1
}

log=$(mktemp)
trap 'rm -f "$log"' EXIT

# tee, so that the log shows how far it got if the case times out.
"$BIN/ptrace_corners" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}

bad=$(grep '^not ok' "$log")
[ -z "$bad" ] || fail "failing subtests:"$'\n'"$bad"
[ "$rc" = 0 ] || fail "ptrace_corners exited with status $rc"
plan=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$log")
ran=$(grep -c '^ok ' "$log")
[ -n "$plan" ] && [ "$ran" = "$plan" ] ||
	fail "ptrace_corners planned ${plan:-no} subtests, $ran passed"
