#!/bin/bash
# Clone reports: an engine attaches to the new child and stops it before
# it runs a single user instruction; the child runs once resumed.
. "$(dirname "$0")/../lib.sh"

start_probe
id=$(attach $pid)
expect ok events "$id" clone
expect ok follow "$id"
r=$(probe fork)
child=${r#child=}
[ "$child" != "$r" ] || fail "fork replied '$r'"
wait_state "$child" t
sleep 0.3
grep -q "child ran" "$PROBE_DIR/out" && fail "the child ran before its engine resumed it"
[ "$(stat "$id" clone)" = 1 ] || fail "no clone report: $(ctl stats "$id")"
c=$(ctl adopt "$id")
cid=${c#engine }
echo "$cid" >>"$ENGINES"
expect ok control "$cid" resume
n=50
while ! grep -q "child ran" "$PROBE_DIR/out" && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
grep -q "child ran" "$PROBE_DIR/out" || fail "the child did not run after resume"
for e in "$id" "$cid"; do
	ctl control "$e" detach >/dev/null
	expect ok release "$e"
done
kill -9 $pid
wait $pid 2>/dev/null
expect_no_leak
