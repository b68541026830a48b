#!/bin/bash
# case-timeout: 300
# A debugged process that execs a set-user-ID program gains no
# privileges, as under ptrace: nobody's gdb lets nobody's process exec a
# set-user-ID root program, which runs with euid nobody. The same session
# through gdbserver (ptrace) gives the same euid.
. "$(dirname "$0")/../gdb-lib.sh"

nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)
dir=$(mktemp -d)
chmod 755 "$dir"
# Under /tmp: nobody cannot reach the guest binaries under /root.
cp "$BIN/fork_target" "$BIN/print_euid" "$dir/" || fail "cannot copy the programs"
suid=$dir/print_euid
chmod 4755 "$suid"
scope=/proc/sys/kernel/yama/ptrace_scope
old_scope=$(cat $scope 2>/dev/null)
restore() {
	[ -n "$old_scope" ] && echo "$old_scope" >$scope
	rm -rf "$dir"
}
trap restore EXIT
# Yama's default lets only ancestors attach, and nobody's gdb is none.
[ -n "$old_scope" ] && echo 0 >$scope

euid=$("${nobody[@]}" "$suid")
if [ "$euid" != "euid=0" ]; then
	echo "set-user-ID programs do not run as root here ($euid)"
	exit 77
fi

# session REMOTE: nobody's gdb, on "target remote REMOTE" with PID for
# the process, lets fork_target exec the set-user-ID program. The
# session's output is in $out, the program's in $euid.
session() {
	local log limit=60 n=100
	[ "${ug_lane:-}" = debug ] && limit=300
	log=$(mktemp)
	"${nobody[@]}" "$dir/fork_target" exec "$suid" >"$log" &
	pid=$!
	while ! grep -q ready "$log" && [ $n -gt 0 ]; do
		sleep 0.1
		n=$((n - 1))
	done
	out=$(timeout -k 5 $limit "${nobody[@]}" gdb -batch -nx -ex 'set confirm off' \
		-ex "target remote ${1//PID/$pid}" -ex 'set var go=1' -ex continue -ex continue \
		"$dir/fork_target" 2>&1)
	echo "$out"
	wait $pid
	euid=$(grep euid "$log")
	rm -f "$log"
}

session /dev/utrace-gdb/PID
expect_out "^process $pid is executing new program: $suid\$"
expect_out '^\[Inferior 1 \(process '"$pid"'\) exited normally\]$'
[ "$euid" = "euid=65534" ] || fail "the traced exec ran with $euid"

session '| exec gdbserver - --attach PID'
[ "$euid" = "euid=65534" ] || fail "under gdbserver the exec ran with $euid"
