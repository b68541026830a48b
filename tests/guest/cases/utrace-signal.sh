#!/bin/bash
# Signal reports: an engine sees a signal before the thread acts on it,
# stops the thread there, and then discards it, replaces it, lets it
# through or holds it for another report. Fatal signals reach engines
# that asked for them.
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

# A held signal goes back in the queue: the engine sees it again, and
# the thread then handles it once.
expect ok signal "$id" hold
kill -USR2 $pid
wait_stat "$id" signal 6
[ "$(probe count)" = "usr1=1 usr2=2" ] || fail "a held SIGUSR2 was not handled once"

expect ok control "$id" detach
expect ok release "$id"
kill -TERM $pid
wait $pid
[ $? = 143 ] || fail "SIGTERM after detach did not kill the probe"
expect_no_leak
