#!/bin/bash
# A stop asked for at a vfork's clone report happens before the parent
# waits for its child: with the child held by its own engine, the parent
# still stops (where ptrace's vfork event stop is), and both finish once
# resumed.
. "$(dirname "$0")/../lib.sh"

start_probe
id=$(attach $pid)
expect ok events "$id" clone
expect ok follow "$id"
expect ok answer "$id" clone stop
echo vfork >&3
wait_stat "$id" clone 1
c=$(ctl adopt "$id")
cid=${c#engine }
echo "$cid" >>"$ENGINES"
# The parent stops in its clone report, not in the wait for its child.
wait_state "$pid" t
grep -q "vfork child" "$PROBE_DIR/out" && fail "the parent went on past vfork"
expect ok control "$cid" resume
expect ok answer "$id" clone resume
expect ok control "$id" resume
n=50
while ! grep -q "vfork child" "$PROBE_DIR/out" && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
grep -q "status=768" "$PROBE_DIR/out" || fail "after resume: $(cat "$PROBE_DIR/out")"
for e in "$id" "$cid"; do
	ctl control "$e" detach >/dev/null
	expect ok release "$e"
done
kill -9 $pid
wait $pid 2>/dev/null
expect_no_leak
