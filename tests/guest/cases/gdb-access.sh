#!/bin/bash
# Who may open /dev/utrace-gdb/PID: ptrace's rules, one session per
# process, clear errors for bad names; closing resumes the process.
. "$(dirname "$0")/../gdb-lib.sh"

start_target 1
open_err() {
	bash -c "exec 4<>/dev/utrace-gdb/$1" 2>&1 | sed 's/.*: //'
}
exec 3<>/dev/utrace-gdb/$pid || fail "root cannot open its own child"
[ "$(open_err $pid)" = "Device or resource busy" ] || fail "a second session was allowed"
exec 3>&-
sleep 0.2
expect_running $pid
err=$(setpriv --reuid=65534 --regid=65534 --clear-groups bash -c \
	"exec 4<>/dev/utrace-gdb/$pid" 2>&1 | sed 's/.*: //')
[ "$err" = "Operation not permitted" ] || fail "nobody opened root's process: '$err'"
[ "$(open_err 2)" = "Operation not permitted" ] || fail "a kernel thread was traced"
[ "$(open_err 999999)" = "No such file or directory" ] || fail "a missing PID"
[ "$(open_err 0$pid)" = "No such file or directory" ] || fail "a PID with a leading zero"
err=$(bash -c 'exec 4<>/dev/utrace-gdb/$$' 2>&1 | sed 's/.*: //')
[ "$err" = "Operation not permitted" ] || fail "a shell traced itself: '$err'"
kill $pid
wait $pid 2>/dev/null
[ "$(open_err $pid)" = "No such file or directory" ] || fail "a reaped PID"
exit 0
