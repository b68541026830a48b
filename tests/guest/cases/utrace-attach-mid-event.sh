#!/bin/bash
# An engine attached while the thread reports an event does not see that
# event: engine b, attached during a's syscall-entry stop in getppid, does
# not abort that getppid, and does abort the next one.
. "$(dirname "$0")/../lib.sh"

start_probe
a=$(attach $pid)
expect ok events "$a" syscall_entry
expect ok answer "$a" syscall_entry stop
echo getppid >&3
wait_state $pid t
b=$(attach $pid)
expect ok events "$b" syscall_entry
expect ok abort "$b" 110
expect ok answer "$a" syscall_entry resume
expect ok control "$a" resume
n=50
while [ ! -s "$PROBE_DIR/out" ] && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
[ "$(head -n 1 "$PROBE_DIR/out")" = "ret=$$ errno=0" ] ||
	fail "the late engine acted on the event it joined: $(cat "$PROBE_DIR/out")"
[ "$(probe getppid)" = "ret=-1 errno=38" ] || fail "the late engine missed the next event"
for e in "$a" "$b"; do
	expect ok control "$e" detach
	expect ok release "$e"
done
kill -9 $pid
wait $pid 2>/dev/null
expect_no_leak
