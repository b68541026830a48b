#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Fails (and prints the report) if a guest console log holds a kernel
# warning, bug, oops, lockdep, RCU or KASAN report, or a panic.
# Usage: check-console.sh CONSOLE_LOG

log=$1
pattern='WARNING: CPU|BUG:|Oops|KASAN|UBSAN|possible recursive locking|circular locking dependency|inconsistent lock state|suspicious RCU usage|lockdep|Kernel panic|general protection fault|stack-protector|hung_task|blocked for more than'
if grep -E -n "$pattern" "$log" >/dev/null; then
	echo "kernel reports in $log:"
	grep -E -n -A 12 "$pattern" "$log" | head -n 80
	exit 1
fi
exit 0
