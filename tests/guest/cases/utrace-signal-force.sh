#!/bin/bash
# Forced default actions: an engine makes a signal stop, terminate or dump
# core whatever handler the thread installed; a signal whose own default
# is another action stands in as SIGSTOP, SIGKILL or SIGQUIT.
. "$(dirname "$0")/../lib.sh"
ulimit -c 0

# forced ACTION SIGNAL [EVENTS]: a fresh probe whose engine forces ACTION
# on the signals it hears of (EVENTS, by default those with a handler),
# sent SIGNAL; sets $pid and $id.
forced() {
	start_probe
	id=$(attach $pid)
	expect ok events "$id" "${3:-signal}"
	expect ok signal "$id" force "$1"
	kill -"$2" $pid
	wait_stat "$id" signal 1
}

# finish: the engine goes; the probe's exit status is printed.
finish() {
	ctl control "$id" detach >/dev/null
	expect ok release "$id"
	exec 3>&-
	wait $pid
}

# SIGUSR1 has a handler; forced to stop, it stops the process instead.
forced stop USR1
wait_state $pid T
kill -CONT $pid
[ "$(probe count)" = "usr1=0 usr2=0" ] || fail "the handler ran for a forced stop"
expect ok signal "$id" keep
kill -USR1 $pid
wait_stat "$id" signal 2
[ "$(probe count)" = "usr1=1 usr2=0" ] || fail "SIGUSR1 not handled once no longer forced"
kill -9 $pid
finish

# SIGUSR2's default is to terminate: it terminates despite the handler.
forced terminate USR2
rc=0
finish || rc=$?
[ $rc = $((128 + 12)) ] || fail "forced termination by SIGUSR2 exited $rc"

# SIGWINCH's default is to ignore it: SIGKILL stands in.
forced terminate WINCH signal_ign
rc=0
finish || rc=$?
[ $rc = $((128 + 9)) ] || fail "forced termination by SIGWINCH exited $rc"

# SIGUSR1 does not dump core by default: SIGQUIT stands in.
forced core USR1
rc=0
finish || rc=$?
[ $rc = $((128 + 3)) ] || fail "forced core dump by SIGUSR1 exited $rc"
expect_no_leak
