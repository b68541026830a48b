#!/bin/bash
# case-timeout: 200
# A ptracer and another utrace engine on one thread share one stop: the
# thread runs only when both let go, the tracer sees exactly its own
# stops, and SIGKILL ends a stop both hold (progs/ptrace_with_engine.c).
. "$(dirname "$0")/../lib.sh"

log=$(mktemp)
trap 'rm -f "$log"; release_leftovers' EXIT

"$BIN/ptrace_with_engine" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
grep -q '^not ok' "$log" && fail "failing subtests"
[ "$rc" = 0 ] || fail "ptrace_with_engine exited with status $rc"
plan=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$log")
[ -n "$plan" ] && [ "$(grep -c '^ok ' "$log")" = "$plan" ] ||
	fail "fewer subtests passed than planned"
expect_no_leak
