#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make test: host tests, kernel build, guest tests in one boot, and the
# kernel log check. Ends with "N passed, N failed"; non-zero on failure.
#
# Usage: test.sh [default|debug]

source "$(dirname "$0")/lib.sh"

lane=${1:-default}
passed=0 failed=0 skipped=0
failures=()

count() {
	passed=$((passed + $1))
	failed=$((failed + $2))
	skipped=$((skipped + ${3:-0}))
}

[ -n "${UG_SETUP_DONE:-}" ] || "$UG_ROOT/scripts/setup.sh"
export UG_SETUP_DONE=1

# Host tests: cargo's own summary lines are summed.
host_log=$UG_LOGS/host-tests.log
ug_say "host: cargo test"
if ! (cd "$UG_ROOT" && cargo test --workspace --locked) >"$host_log" 2>&1; then
	grep -q '^test result' "$host_log" || {
		tail -n 30 "$host_log"
		count 0 1
		failures+=("host tests did not build (see $host_log)")
	}
fi
while read -r p f; do
	count "$p" "$f"
	[ "$f" = 0 ] || failures+=("host: $f cargo test failures (see $host_log)")
done < <(sed -n 's/^test result: [a-zA-Z]*\. \([0-9]*\) passed; \([0-9]*\) failed.*/\1 \2/p' "$host_log")
grep -E '^test .* FAILED$' "$host_log" || true

"$UG_ROOT/scripts/build-kernel.sh" "$lane"
"$UG_ROOT/scripts/build-guest-bin.sh"
"$UG_ROOT/scripts/build-strace-tests.sh"

results=$UG_CACHE/results-$lane
rm -rf "$results"
mkdir -p "$results"
boot_ok=1
"$UG_ROOT/scripts/boot.sh" "$lane" test "$results" || boot_ok=0

# Guest tests: KTAP results.
ktap=$results/ktap.log
if [ -f "$ktap" ]; then
	ug_say "guest: results from $ktap"
	while read -r line; do
		case $line in
		"ok "*"# SKIP"*) count 0 0 1 ;;
		"ok "*) count 1 0 ;;
		"not ok "*) count 0 1 && failures+=("guest: ${line#not ok }") ;;
		esac
	done <"$ktap"
	grep -E '^(not ok|ok .*# SKIP)' "$ktap" || true
	planned=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$ktap")
	seen=$(grep -c -E '^(not )?ok ' "$ktap")
	if [ "${planned:-0}" != "$seen" ]; then
		count 0 1
		failures+=("guest: planned ${planned:-?} tests, saw $seen (guest died?)")
	fi
else
	count 0 1
	failures+=("guest: no KTAP output (boot failed?); console: $results/console.log")
	tail -n 30 "$results/console.log" 2>/dev/null
fi
[ $boot_ok = 1 ] || { count 0 1; failures+=("guest: boot or run failed"); }

# The kernel log must be clean.
if "$UG_ROOT/scripts/check-console.sh" "$results/console.log"; then
	count 1 0
else
	count 0 1
	failures+=("guest kernel log has a WARN/BUG/lockdep/KASAN report: $results/console.log")
fi

for f in "${failures[@]}"; do
	echo "FAIL: $f"
done
ug_say "done ($lane lane)"
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" = 0 ]
