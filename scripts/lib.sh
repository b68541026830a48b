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

# ug_need_deb_src PACKAGE: makes apt offer PACKAGE's source. The deb-src:
# a deb-src twin of each deb822 stanza of the Debian archive
# (URIs ending in /debian) in /etc/apt/sources.list.d/*.sources, or of
# each such "deb" line of a one-line-style sources.list. Added once; apt
# is asked first, so an existing deb-src line of any kind is enough.
UG_DEB_SRC_LIST=/etc/apt/sources.list.d/utrace-gdb-deb-src
ug_have_deb_src() {
	# grep -c reads it all: grep -q would end apt-cache with SIGPIPE,
	# which pipefail counts as a failure.
	apt-cache showsrc "$1" 2>/dev/null | grep -c "^Package: $1\$" >/dev/null
}
ug_add_deb_src() {
	local f
	[ "$(id -u)" = 0 ] || { echo "adding a deb-src line needs root"; return 1; }
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -e "$f" ] && [ "$f" != "$UG_DEB_SRC_LIST.sources" ] || continue
		# Stanzas are separated by blank lines; keep those whose
		# Types has deb and whose URIs is the Debian archive.
		awk 'BEGIN { RS = "" }
			/(^|\n)Types:([^\n]* )?deb( |\n|$)/ && /(^|\n)URIs:[^\n]*\/debian\/?(\n|$)/ {
				out = ""
				n = split($0, line, "\n")
				for (i = 1; i <= n; i++) {
					if (line[i] ~ /^#/) continue
					if (line[i] ~ /^Types:/) line[i] = "Types: deb-src"
					out = out line[i] "\n"
				}
				printf "%s\n", out
			}' "$f"
	done >"$UG_DEB_SRC_LIST.sources.new"
	[ -s "$UG_DEB_SRC_LIST.sources.new" ] && mv "$UG_DEB_SRC_LIST.sources.new" "$UG_DEB_SRC_LIST.sources" ||
		rm -f "$UG_DEB_SRC_LIST.sources.new"
	cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
		sed -n 's|^deb \(\[[^]]*\] \)\{0,1\}\([^ ]*/debian/\{0,1\} .*\)|deb-src \1\2|p' |
		sort -u >"$UG_DEB_SRC_LIST.list.new"
	[ -s "$UG_DEB_SRC_LIST.list.new" ] && mv "$UG_DEB_SRC_LIST.list.new" "$UG_DEB_SRC_LIST.list" ||
		rm -f "$UG_DEB_SRC_LIST.list.new"
	[ -e "$UG_DEB_SRC_LIST.sources" ] || [ -e "$UG_DEB_SRC_LIST.list" ] ||
		{ echo "no Debian archive found in /etc/apt/sources.list*"; return 1; }
	DEBIAN_FRONTEND=noninteractive apt-get update -qq
	ug_have_deb_src "$1" || { echo "apt still offers no $1 source"; return 1; }
}
ug_need_deb_src() {
	ug_have_deb_src "$1" ||
		ug_step "apt: adding deb-src for the Debian mirror" "$UG_LOGS/deb-src.log" ug_add_deb_src "$1"
}

# ug_build_both_kernels: set up if not done yet, then build our kernel,
# the stock one and the guest's programs (make bench, make profile).
ug_build_both_kernels() {
	[ -n "${UG_SETUP_DONE:-}" ] || "$UG_ROOT/scripts/setup.sh"
	export UG_SETUP_DONE=1
	"$UG_ROOT/scripts/build-kernel.sh" default
	"$UG_ROOT/scripts/build-kernel.sh" stock
	"$UG_ROOT/scripts/build-guest-bin.sh"
}
