#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs every guest test case and prints KTAP. A case is an executable in
# tests/guest/cases/: exit 0 passes, 77 skips, anything else fails. Its
# output becomes KTAP diagnostics. Each case has a time limit.

cd "$(dirname "$0")/cases" || exit 1
cases=(*)
case_timeout=${UG_CASE_TIMEOUT:-300}

echo "KTAP version 1"
echo "1..${#cases[@]}"
n=0
for c in "${cases[@]}"; do
	n=$((n + 1))
	name=${c%.*}
	out=$(timeout -k 5 "$case_timeout" "./$c" 2>&1)
	rc=$?
	[ -n "$out" ] && sed 's/^/# /' <<<"$out"
	case $rc in
	0) echo "ok $n $name" ;;
	77) echo "ok $n $name # SKIP" ;;
	124) echo "# timed out after ${case_timeout}s" && echo "not ok $n $name" ;;
	*) echo "not ok $n $name" ;;
	esac
done
