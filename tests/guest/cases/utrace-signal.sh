#!/bin/bash
# Signal reports: an engine sees a signal before the thread acts on it,
# stops the thread there, and then discards it, replaces it or lets it
# through. Fatal signals reach engines that asked for them.
. "$(dirname "$0")/../lib.sh"

start_probe
id=$(attach $pid)
expect ok events "$id" signal
expect ok answer "$id" signal stop
expect ok signal "$id" ignore
kill -USR1 $pid
wait_stat "$id" signal 1
wait_state $pid t
[ "$(stat "$id" signo)" = 10 ] || fail "reported signal $(stat "$id" signo), sent 10"
expect ok control "$id" resume
[ "$(probe count)" = "usr1=0 usr2=0" ] || fail "a discarded signal ran its handler"

expect ok signal "$id" 12
kill -USR1 $pid
wait_stat "$id" signal 2
wait_state $pid t
expect ok control "$id" resume
[ "$(probe count)" = "usr1=0 usr2=1" ] || fail "SIGUSR1 not replaced by SIGUSR2"

expect ok signal "$id" keep
expect ok answer "$id" signal resume
kill -USR1 $pid
wait_stat "$id" signal 3
[ "$(probe count)" = "usr1=1 usr2=1" ] || fail "SIGUSR1 not delivered"

# SIGTERM would kill the probe; the engine sees it and discards it.
expect ok events "$id" signal,signal_term
expect ok signal "$id" ignore
kill -TERM $pid
wait_stat "$id" signal 4
[ "$(stat "$id" signo)" = 15 ] || fail "reported signal $(stat "$id" signo), sent 15"
[ "$(probe getppid)" = "ret=$$ errno=0" ] || fail "the probe did not survive SIGTERM"

expect ok control "$id" detach
expect ok release "$id"
kill -TERM $pid
wait $pid
[ $? = 143 ] || fail "SIGTERM after detach did not kill the probe"
expect_no_leak
