#!/bin/bash
# A syscall-entry engine sees entry and exit; aborting a system call skips
# it (ENOSYS); after detach the call works again.
. "$(dirname "$0")/../lib.sh"

dir=$(mktemp -d)
mkfifo "$dir/in"
"$BIN/syscall_probe" <"$dir/in" >"$dir/out" &
pid=$!
exec 3>"$dir/in"

id=$(attach $pid)
expect ok events "$id" syscall_entry,syscall_exit
expect ok abort "$id" 110
echo getppid >&3
n=50
while [ ! -s "$dir/out" ] && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
grep -q "ret=-1 errno=38" "$dir/out" || fail "getppid not aborted: $(cat "$dir/out")"
[ "$(stat "$id" entry)" -gt 0 ] || fail "no syscall entry reports"
[ "$(stat "$id" sysexit)" -gt 0 ] || fail "no syscall exit reports"

expect ok control "$id" detach
: >"$dir/out"
echo getppid >&3
n=50
while [ ! -s "$dir/out" ] && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
grep -q "ret=$$ errno=0" "$dir/out" || fail "getppid after detach: $(cat "$dir/out")"
exec 3>&-
wait $pid
expect ok release "$id"
expect_no_leak
rm -rf "$dir"
