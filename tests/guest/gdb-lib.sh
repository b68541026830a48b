# SPDX-License-Identifier: GPL-2.0
# Helpers for guest tests that run gdb against /dev/utrace-gdb/PID.

. "$(dirname "$0")/../lib.sh"

# start_prog PROG ARGS...: start the test program PROG, which prints a
# line once it is ready, and wait for that line; sets $pid.
start_prog() {
	local fifo prog=$1
	shift
	fifo=$(mktemp -u)
	mkfifo "$fifo"
	"$BIN/$prog" "$@" >"$fifo" &
	pid=$!
	read -r _ <"$fifo" || fail "$prog did not start"
	rm -f "$fifo"
}

# start_target ARGS...: start gdb_target, wait until its threads run;
# sets $pid.
start_target() {
	start_prog gdb_target "$@"
}

# gdb_batch REMOTE GDB-ARGS...: a batch gdb session on "target remote
# REMOTE", with a time limit; prints its output.
gdb_batch() {
	local remote=$1
	shift
	local limit=60
	# KASAN and lockdep under TCG: gdb's symbol loading alone takes minutes.
	[ "${ug_lane:-}" = debug ] && limit=300
	timeout -k 5 $limit gdb -batch -nx -ex "set confirm off" \
		-ex "target remote $remote" "$@" 2>&1
}

# run_gdb PID GDB-ARGS...: a batch gdb session on the device file; its
# output is printed (for the test log) and kept in $out.
run_gdb() {
	local target=$1
	shift
	out=$(gdb_batch "/dev/utrace-gdb/$target" "$@")
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

# run_gdbserver PID GDB-ARGS...: the same batch session through gdbserver
# (ptrace), for differential tests; its output is kept in $ref_out.
run_gdbserver() {
	local target=$1
	shift
	ref_out=$(gdb_batch "| exec gdbserver - --attach $target" "$@")
	echo "$ref_out"
}

# normalise: the lines of a session that must agree between the device
# and gdbserver, with numbers and addresses blanked.
normalise() {
	grep -E "$1" | sed -E 's/0x[0-9a-f]+/ADDR/g; s/[0-9]+/N/g'
}

# expect_same_as_gdbserver PATTERN: the session's lines matching the
# extended regex PATTERN are the same, normalised, as gdbserver's.
expect_same_as_gdbserver() {
	local ours theirs
	ours=$(normalise "$1" <<<"$out")
	theirs=$(normalise "$1" <<<"$ref_out")
	[ -n "$theirs" ] || fail "the gdbserver session printed nothing matching /$1/"
	[ "$ours" = "$theirs" ] || fail "differs from gdbserver:
--- device
$ours
--- gdbserver
$theirs"
}
