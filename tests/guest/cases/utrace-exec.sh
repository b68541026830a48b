#!/bin/bash
# Exec while other threads are stopped: exec kills them (SIGKILL wins over
# their engines' stops), the exec completes and its engine hears of it.
. "$(dirname "$0")/../lib.sh"

start_probe
[ "$(probe threads 2)" = "threads=2" ] || fail "the probe could not start threads"
main=$(attach $pid)
expect ok events "$main" exec
ids=()
for tid in $(threads $pid); do
	[ "$tid" = "$pid" ] && continue
	id=$(attach "$tid")
	ids+=("$id")
	expect ok events "$id" quiesce,death,reap
	expect ok answer "$id" quiesce stop
	ctl control "$id" interrupt >/dev/null
	wait_state "$tid" t
done
[ ${#ids[@]} = 2 ] || fail "expected 2 threads, found ${#ids[@]}"
echo "exec /bin/true" >&3
exec 3>&-
wait $pid
status=$?
[ $status = 0 ] || fail "exec'd program exited with $status"
[ "$(stat "$main" exec)" = 1 ] || fail "no exec report: $(ctl stats "$main")"
[ "$(stat "$main" old_pid)" = "$pid" ] || fail "exec report old pid: $(ctl stats "$main")"
for id in "${ids[@]}"; do
	[ "$(stat "$id" reap)" = 1 ] || fail "engine $id: thread not reaped: $(ctl stats "$id")"
	expect ok release "$id"
done
expect ok release "$main"
expect_no_leak
