#!/bin/bash
# Detach racing the stop it asked for: nobody is left stopped with no one
# to wake it, and every engine is freed.
. "$(dirname "$0")/../lib.sh"

start_spinner 2 19
tids=$(threads $pid)
for i in $(seq 40); do
	for tid in $tids; do
		id=$(attach "$tid")
		ctl control "$id" stop >/dev/null
		r=$(ctl control "$id" detach)
		case $r in ok | "err -115") ;; *) fail "detach replied '$r'" ;; esac
		ctl barrier "$id" >/dev/null
		ctl release "$id" >/dev/null
	done
done
for tid in $tids; do
	wait_state "$tid" R 50
done
kill -9 $pid
wait $pid 2>/dev/null
expect_no_leak
