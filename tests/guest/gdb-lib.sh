# SPDX-License-Identifier: GPL-2.0
# Helpers for guest tests that run gdb against /dev/utrace-gdb/PID.

. "$(dirname "$0")/../lib.sh"

# start_target ARGS...: start gdb_target, wait until its threads run;
# sets $pid.
start_target() {
	local fifo
	fifo=$(mktemp -u)
	mkfifo "$fifo"
	"$BIN/gdb_target" "$@" >"$fifo" &
	pid=$!
	read -r _ <"$fifo" || fail "gdb_target did not start"
	rm -f "$fifo"
}

# run_gdb PID GDB-ARGS...: a batch gdb session on the device file; its
# output is printed (for the test log) and kept in $out.
run_gdb() {
	local target=$1
	shift
	out=$(timeout -k 5 60 gdb -batch -nx -ex "set confirm off" \
		-ex "target remote /dev/utrace-gdb/$target" "$@" 2>&1)
	echo "$out"
}

# expect_out PATTERN: the session's output must match the extended regex.
expect_out() {
	grep -Eq -- "$1" <<<"$out" || fail "gdb output lacks /$1/"
}

# expect_running PID: no thread of PID is left in a stop.
expect_running() {
	local st
	for st in /proc/"$1"/task/*/stat; do
		case $(awk '{print $3}' "$st") in
		t | T) fail "thread ${st%/stat} left stopped" ;;
		esac
	done
}

# counter_advances PID: the target's main loop still runs.
counter_advances() {
	local a b
	a=$(awk '{print $14 + $15}' /proc/"$1"/stat)
	sleep 0.3
	b=$(awk '{print $14 + $15}' /proc/"$1"/stat)
	kill -0 "$1" || fail "target died"
}
