# SPDX-License-Identifier: GPL-2.0
# Helpers for guest tests that drive the utrace test engine.

CTL=/sys/kernel/debug/utrace_test/ctl
BIN=${ug_bin:?}

fail() {
	echo "FAIL: $*"
	exit 1
}

# ctl CMD...: run a test engine command, print its reply.
ctl() {
	echo "$*" >"$CTL" && cat "$CTL"
}

# expect REPLY CMD...: the command must reply REPLY.
expect() {
	local want=$1 got
	shift
	got=$(ctl "$@")
	[ "$got" = "$want" ] || fail "'$*' replied '$got', expected '$want'"
}

# attach PID: attach a test engine, print its id. Engines a test leaves
# behind (on failure) are detached and released when it exits.
attach() {
	local r
	r=$(ctl attach "$@")
	case $r in
	"engine "*)
		echo "${r#engine }" >>"$ENGINES"
		echo "${r#engine }"
		;;
	*) fail "attach $* replied '$r'" ;;
	esac
}

ENGINES=$(mktemp)
release_leftovers() {
	local id
	for id in $(sort -u "$ENGINES"); do
		echo "control $id detach" >"$CTL"
		echo "release $id" >"$CTL"
	done
	rm -f "$ENGINES"
}
trap release_leftovers EXIT

# stat_of TID: the one-letter state of a thread.
state_of() {
	local s
	s=$(cat "/proc/$1/stat" 2>/dev/null) || { echo X; return; }
	s=${s##*) }
	echo "${s%% *}"
}

# wait_state TID STATES [TENTHS]: until the thread's state is one of STATES.
wait_state() {
	local tid=$1 states=$2 n=${3:-100} s
	while [ "$n" -gt 0 ]; do
		s=$(state_of "$tid")
		case $states in *"$s"*) return 0 ;; esac
		sleep 0.1
		n=$((n - 1))
	done
	fail "thread $tid stayed in state $(state_of "$tid"), wanted one of '$states'"
}

# start_spinner N [NICE]: start spinner with N extra threads (at nice
# level NICE) and wait until all N + 1 run; sets $pid. A thread created
# after a test lists the threads would escape it.
start_spinner() {
	local n=50
	nice -n "${2:-0}" "$BIN/spinner" "$1" &
	pid=$!
	while [ "$(threads $pid | wc -l)" -le "$1" ] && [ $n -gt 0 ]; do
		sleep 0.1
		n=$((n - 1))
	done
	[ "$(threads $pid | wc -l)" -gt "$1" ] || fail "spinner $1 did not start its threads"
}

# threads PID: the thread ids of a process.
threads() {
	ls "/proc/$1/task"
}

# stat ID FIELD: one field of an engine's stats.
stat() {
	local s
	s=$(ctl stats "$1")
	s=" $s "
	s=${s#* $2=}
	echo "${s%% *}"
}

# expect_no_leak: every test engine has been freed (within a few seconds).
expect_no_leak() {
	local n=50
	while [ "$(ctl live)" != "live=0" ] && [ $n -gt 0 ]; do
		sleep 0.1
		n=$((n - 1))
	done
	expect "live=0" live
}

[ -w "$CTL" ] || { echo "no utrace test engine ($CTL)"; exit 77; }

# start_probe: runs syscall_probe with its commands on fd 3; sets $pid.
start_probe() {
	PROBE_DIR=$(mktemp -d)
	mkfifo "$PROBE_DIR/in"
	"$BIN/syscall_probe" <"$PROBE_DIR/in" >>"$PROBE_DIR/out" &
	pid=$!
	exec 3>"$PROBE_DIR/in"
}

# probe CMD: sends a command to the probe, prints its first output line.
probe() {
	local n=100
	: >"$PROBE_DIR/out"
	echo "$*" >&3
	while [ ! -s "$PROBE_DIR/out" ] && [ $n -gt 0 ]; do
		sleep 0.1
		n=$((n - 1))
	done
	head -n 1 "$PROBE_DIR/out"
}

# wait_stat ID FIELD VALUE: until an engine's stat reaches VALUE.
wait_stat() {
	local n=100
	while [ "$(stat "$1" "$2")" != "$3" ] && [ $n -gt 0 ]; do
		sleep 0.1
		n=$((n - 1))
	done
	[ "$(stat "$1" "$2")" = "$3" ] || fail "engine $1: $2 is not $3: $(ctl stats "$1")"
}
