# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the utrace-gdb scripts: paths, step timing, logs.

set -euo pipefail

UG_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
UG_CACHE=${UTRACE_GDB_CACHE:-$HOME/.cache/utrace-gdb}
UG_KVER_PIN=6.12.117
UG_SRC=$UG_CACHE/src
UG_LOGS=$UG_CACHE/logs
mkdir -p "$UG_CACHE" "$UG_LOGS"

UG_T0=${UG_T0:-$(date +%s)}
export UG_T0
ug_t0=$UG_T0

ug_elapsed() {
	local s=$(($(date +%s) - ug_t0))
	printf '%d:%02d' $((s / 60)) $((s % 60))
}

ug_say() {
	printf '[%s] %s\n' "$(ug_elapsed)" "$*"
}

ug_die() {
	printf 'error: %s\n' "$*" >&2
	exit 1
}

# ug_step NAME LOG CMD...: run CMD with its output in LOG; on failure
# print the tail of the log and its path, then exit.
ug_step() {
	local name=$1 log=$2
	shift 2
	ug_say "$name"
	if ! "$@" >"$log" 2>&1; then
		printf '\nerror: step "%s" failed. Last lines of %s:\n' "$name" "$log" >&2
		tail -n 30 "$log" >&2
		printf '\nfull log: %s\n' "$log" >&2
		exit 1
	fi
}
