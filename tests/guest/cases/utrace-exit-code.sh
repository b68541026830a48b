#!/bin/bash
# An exit engine sees the exit and may change the exit code.
. "$(dirname "$0")/../lib.sh"

dir=$(mktemp -d)
mkfifo "$dir/in"
"$BIN/syscall_probe" <"$dir/in" >/dev/null &
pid=$!
exec 3>"$dir/in"
id=$(attach $pid)
expect ok events "$id" exit
expect ok exitcode "$id" $((7 << 8))
echo "exit 3" >&3
wait $pid
status=$?
exec 3>&-
[ $status = 7 ] || fail "exit status $status, the engine set 7"
[ "$(stat "$id" exit)" = 1 ] || fail "no exit report: $(ctl stats "$id")"
expect ok release "$id"
expect_no_leak
rm -rf "$dir"
