#!/bin/bash
# case-timeout: 900
# strace's own test suite (Debian's strace 6.1 source, built on the host
# by scripts/build-strace-tests.sh into $ug_bin/strace), run against this
# kernel. Every test must end as it does on the stock kernel: the
# expected results, one "NAME RESULT" line a test, are in
# tests/guest/strace-suite.expected, made from a stock-kernel run
# (ug_strace_record=1 writes this run's results to the results folder,
# strace-suite.results, in that format). A difference is a bug, or is
# explained in that file.
#
# ug_strace_suite (kernel command line, from UG_STRACE_SUITE on the host):
#   subset (default)  the representative list below, for make test
#   full              every test of tests/Makefile's TESTS
#   NAME,NAME...      those tests only
#
# Each test runs as automake's harness would run it (tests/run.sh with
# the variables of AM_TEST_LOG_FLAGS), in a writable copy of the build's
# tests folder: the root is read-only, so the folder is rebuilt in /tmp
# out of symbolic links to the built programs. strace itself is the one
# built from the same source (src/strace): its config.h is the one the
# tests read; /usr/bin/strace is the same 6.1-0.1 source and can be
# used with STRACE_SUITE_STRACE=/usr/bin/strace (strace-V then fails,
# stock or not: Debian's binary has m32/mx32 personalities).
#
# It does not source ../lib.sh, which skips when the utrace test engine
# is missing: on a stock kernel this case must run, not skip.
#
# Runs on the host too (for a look at the tests, not at our kernel):
#   ug_bin=$HOME/.cache/utrace-gdb/guest-bin bash strace-suite.sh

BASE=${STRACE_SUITE_DIR:-${ug_bin:?}/strace}
SRC=$BASE/source
BUILD=$BASE/build
EXPECTED=${STRACE_SUITE_EXPECTED:-$(dirname "$0")/../strace-suite.expected}
WORK=${STRACE_SUITE_WORK:-/tmp/strace-suite}
# strace's own per-test limit (run.sh: timeout -s XCPU). It also bounds
# the looping tests (kill_child, looping_threads, threads-execve try
# again until TIMEOUT_DURATION/2 or /16).
TIMEOUT_DURATION=${STRACE_SUITE_TIMEOUT:-300}
# A test whose result differs from the stock one runs again this many
# times; only a difference every run counts (the suite has tests that
# depend on timing).
RETRIES=${STRACE_SUITE_RETRIES:-1}

fail() {
	echo "FAIL: $*"
	exit 1
}

[ -x "$BUILD/src/strace" ] && [ -f "$BUILD/tests/libtests.a" ] ||
	fail "strace's test suite is not built in $BASE (scripts/build-strace-tests.sh)"

# The representative part, for make test: what strace asks of ptrace,
# at about 6 s of CPU on the host, 3 of them detach-running's spinning
# tracee; most of the 57 s it takes there are sleeps. Some minutes
# under TCG. Left for the full run: tests that
# spin or loop for a fixed time or until a race shows (qual_fault*,
# kill_child, looping_threads, filter_seccomp-perf, sigblock, sigign),
# and heavy decoder tests (read-write, siginfo, printpath-umovestr).
subset="
fork-f.gen vfork-f.gen clone_ptrace clone_parent.gen strace-ff count-f
strace--follow-forks-output-separately.gen threads-execve
status-unfinished-threads orphaned_process_group.gen
attach-f-p attach-p-cmd detach-running detach-sleeping detach-stopped
strace-p-Y-p strace-D strace-DD strace-DDD bexecve
signal_receive.gen termsig restart_syscall erestartsys.gen pc kill.gen
status-detached rt_sigreturn.gen rt_sigsuspend.gen tgkill.gen
interactive_block
filter_seccomp.gen filter_seccomp-flag.gen seccomp-strict prctl-seccomp-strict
openat.gen uname execve first_exec_failure nanosleep.gen umovestr
umovestr_cached printstrn-umoven-undumpable.gen waitid.gen wait4.gen
ptrace.gen ptrace_syscall_info.gen legacy_syscall_info get_regs
strace-k strace-k-p
qual_inject-signal qual_inject-error-signal qual_inject-retval
qual_fault-exit_group inject-nf poke poke-ptrace tampering-notes
"

case ${ug_strace_suite:-subset} in
subset) tests=$subset ;;
full) tests=$(cat "$BUILD/tests-list.txt") || fail "no $BUILD/tests-list.txt" ;;
*) tests=${ug_strace_suite//,/ } ;;
esac
# ug_strace_shard=K/M: only every M-th test from the K-th (1-based), to
# split the full run (hours under TCG) over several boots; K-L/M takes
# the shards K to L of M in one boot.
if [ -n "${ug_strace_shard:-}" ]; then
	k=${ug_strace_shard%/*} m=${ug_strace_shard#*/}
	first=${k%-*} last=${k#*-}
	tests=$(printf '%s\n' $tests |
		awk -v a="$first" -v b="$last" -v m="$m" '(NR - 1) % m + 1 >= a && (NR - 1) % m + 1 <= b')
fi

# The writable copy: tests/ holds links to every built file, src/ is the
# build's (config.h, strace, the disable_ptrace_* helpers). Each test
# makes NAME.dir beside the programs and runs them as ../NAME.
rm -rf "$WORK"
mkdir -p "$WORK/tests" "$WORK/logs" || fail "cannot make $WORK"
ln -s "$BUILD/src" "$WORK/src"
ln -s "$BUILD"/tests/* "$WORK/tests/" || fail "cannot link the built tests into $WORK"

# The net tests connect to 127.0.0.1; nothing else brings lo up.
ip link set dev lo up 2>/dev/null

export STRACE_ARCH=x86_64 STRACE_NATIVE_ARCH=x86_64 SIZEOF_KERNEL_LONG_T=8 \
	SIZEOF_LONG=8 MIPS_ABI= srcdir=$SRC/tests TIMEOUT_DURATION
[ -n "${STRACE_SUITE_STRACE:-}" ] && export STRACE=$STRACE_SUITE_STRACE

# run_one NAME: runs one test, prints PASS, FAIL or SKIP (automake's
# meanings: 0 passes, 77 skips, 99 is a hard error, counted as FAIL).
run_one() {
	local t=$1 script rc
	script=$SRC/tests/$t.test
	[ -f "$script" ] || { echo MISSING; return; }
	(cd "$WORK/tests" && exec "$SRC/tests/run.sh" "$script") >"$WORK/logs/$t.log" 2>&1 </dev/null
	rc=$?
	# Its NAME.dir is kept when it fails, for a look.
	[ $rc = 0 ] || [ $rc = 77 ] && rm -rf "$WORK/tests/${t%.gen}.dir"
	case $rc in
	0) echo PASS ;;
	77) echo SKIP ;;
	*) echo FAIL ;;
	esac
}

# expected NAME: the stock result, or "?" when the list has none.
expected() {
	local r
	r=$(awk -v n="$1" '$1 == n { print $2; exit }' "$EXPECTED" 2>/dev/null)
	echo "${r:-?}"
}

record=$WORK/results
: >"$record"
diffs=() unknown=() npass=0 nfail=0 nskip=0
t0=$(date +%s)
for t in $tests; do
	s0=$(date +%s)
	r=$(run_one "$t")
	want=$(expected "$t")
	tries=0
	while [ "$want" != "?" ] && [ "$want" != ANY ] && [ "$r" != "$want" ] && [ $tries -lt "$RETRIES" ]; do
		echo "$t: $r, stock gives $want; running it again"
		r=$(run_one "$t")
		tries=$((tries + 1))
	done
	echo "$t $r" >>"$record"
	case $r in
	PASS) npass=$((npass + 1)) ;;
	SKIP) nskip=$((nskip + 1)) ;;
	*) nfail=$((nfail + 1)) ;;
	esac
	note=
	if [ "$want" = "?" ]; then
		unknown+=("$t=$r")
		note=" (no stock result)"
	elif [ "$want" != ANY ] && [ "$r" != "$want" ]; then
		diffs+=("$t: $r, stock $want")
		note=" (stock: $want)"
	fi
	echo "$t: $r in $(($(date +%s) - s0))s$note"
	# The log of a test that did not end as on stock, or failed.
	if [ -n "$note" ] && [ "$r" != PASS ]; then
		tail -n 25 "$WORK/logs/$t.log" | sed "s/^/    $t| /"
	fi
done

[ "${ug_strace_record:-0}" = 1 ] && [ -d /mnt ] &&
	cp "$record" "/mnt/strace-suite${ug_strace_shard:+-${k}of${m}}.results"
echo "strace suite (${ug_strace_suite:-subset}): $npass passed, $nfail failed, $nskip skipped in $(($(date +%s) - t0))s"
[ ${#unknown[@]} = 0 ] || echo "no stock result for: ${unknown[*]}"
[ ${#diffs[@]} = 0 ] || fail "not as on stock: $(printf '%s; ' "${diffs[@]}")"
# Until the stock list is filled in, a test without a stock result
# fails the case, so that the list cannot silently stay empty.
[ ${#unknown[@]} = 0 ] || fail "${#unknown[@]} tests have no stock result in $EXPECTED"
rm -rf "$WORK"
exit 0
