#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs every guest test case and prints KTAP. A case is an executable in
# tests/guest/cases/: exit 0 passes, 77 skips, anything else fails. Its
# output becomes KTAP diagnostics. Each case has a time limit: 120 s
# (ug_case_timeout), or what its own "# case-timeout: SECONDS" line asks
# if that is longer.

cd "$(dirname "$0")/cases" || exit 1
# ug_tests (kernel command line, from UG_TESTS on the host) picks cases.
if [ -n "${ug_tests:-}" ]; then
	cases=()
	for t in ${ug_tests//,/ }; do
		cases+=("$t".*)
	done
else
	cases=(*)
fi
case_timeout=${ug_case_timeout:-120}

echo "KTAP version 1"
echo "1..${#cases[@]}"
n=0
for c in "${cases[@]}"; do
	n=$((n + 1))
	name=${c%.*}
	# Progress on the console: a hang then shows where it happened.
	echo "utrace-gdb: test $n $name" >/dev/kmsg
	# Each case runs in its own session; whatever it leaves running is
	# killed afterwards, so a stray tracee cannot hold up the next case.
	# A case may ask for more time with a "# case-timeout: SECONDS" line;
	# a longer ug_case_timeout (make test-strace) wins over it.
	limit=$(sed -n 's/^# case-timeout: \([0-9]*\)$/\1/p' "$c")
	limit=${limit:-$case_timeout}
	[ "$case_timeout" -gt "$limit" ] && limit=$case_timeout
	# KASAN and lockdep under TCG run everything about four times slower.
	[ "${ug_lane:-}" = debug ] && limit=$((limit * 4))
	log=/tmp/case.log
	trace=
	[ "${ug_trace:-0}" = 1 ] && trace=-x
	setsid --wait bash -c 'echo $$ >/tmp/case.sid; exec timeout -k 5 "$0" bash $1 "./$2"' \
		"$limit" "$trace" "$c" >"$log" 2>&1 </dev/null
	rc=$?
	if [ $rc = 124 ] || [ $rc = 137 ]; then
		# Where is it stuck? Every task's stack, into the case's log.
		echo t >/proc/sysrq-trigger
		echo l >/proc/sysrq-trigger
		sleep 2
		dmesg | sed -n '/sysrq: Show State/,$p' | grep -v '^\[[ 0-9.]*\] *$' >>"$log"
	fi
	pkill -9 -s "$(cat /tmp/case.sid)" 2>/dev/null
	[ "${ug_trace:-0}" = 1 ] && cat "$log" >/dev/console
	out=$(cat "$log")
	[ -n "$out" ] && sed 's/^/# /' <<<"$out"
	case $rc in
	0) echo "ok $n $name" ;;
	77) echo "ok $n $name # SKIP" ;;
	124) echo "# timed out after ${limit}s" && echo "not ok $n $name" ;;
	*) echo "not ok $n $name" ;;
	esac
done
