#!/bin/bash
# The C API (utrace/utrace_engine.h), through a C test engine: it
# attaches exclusively (a second attach is EEXIST), counts system calls,
# stops a thread blocked in read() and resumes it, and detaching releases
# its data.
. "$(dirname "$0")/../lib.sh"

C=/sys/kernel/debug/utrace_test_c/ctl
[ -w $C ] || { echo "no C test engine"; exit 77; }

# c CMD: runs a command; prints "result=R entries=N released=M".
c() {
	echo "$*" >$C
	cat $C
}

# field NAME: a field of the engine's last reply.
field() {
	sed -n "s/.*\\<$1=\\(-\\?[0-9]*\\).*/\\1/p" $C
}

start_probe
released=$(field released)
r=$(c attach $pid)
[ "$(field result)" = 0 ] || fail "attach: $r"
c attach $pid >/dev/null
[ "$(field result)" = -17 ] || fail "a second exclusive attach: $(cat $C)"
[ "$(field released)" = "$released" ] || fail "a failed attach released the engine's data"
before=$(field entries)
for i in 1 2 3; do
	[ "$(probe getppid)" = "ret=$$ errno=0" ] || fail "getppid under the C engine"
done
[ $(($(field entries) - before)) -ge 3 ] || fail "the C engine counted $(cat $C)"

c stop >/dev/null
wait_state $pid t
c resume >/dev/null
[ "$(field result)" = 0 ] || fail "resume: $(cat $C)"
[ "$(probe getppid)" = "ret=$$ errno=0" ] || fail "the probe did not run on after resume"

c detach >/dev/null
[ "$(field result)" = 0 ] || fail "detach: $(cat $C)"
after=$(field entries)
probe getppid >/dev/null
[ "$(field entries)" = "$after" ] || fail "the detached engine still counts"
# The core lets go of a detached engine at the thread's next report, or
# when the thread is gone.
kill -9 $pid
wait $pid 2>/dev/null
n=50
while [ "$(field released)" != $((released + 1)) ] && [ $n -gt 0 ]; do
	sleep 0.1
	n=$((n - 1))
done
[ "$(field released)" = $((released + 1)) ] || fail "the engine's data was not released: $(cat $C)"
true
