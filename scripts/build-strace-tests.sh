#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build strace's own test suite for the guest (tests/guest/cases/
# strace-suite.sh) into $UG_CACHE/guest-bin/strace:
#   source/          Debian's strace source (apt-get source), patches applied
#   build/           configured out of tree; src/strace and every test
#                    program built, no test run
#   build/tests-list.txt  every test of tests/Makefile's TESTS
# The guest sees the host's root, so it runs them from there. The source
# is Debian's, at the version of the strace package the guest also has
# (/usr/bin/strace): needs a deb-src line for the Debian mirror, which
# this script adds once, beside the existing sources.
#
# Idempotent: nothing is fetched or built when build/.built says the
# pinned version is built. About 6 minutes from scratch on one core
# (configure 1, strace 1, the test programs 4), 3-4 on two. The packages
# it needs (gawk, also in the guest; dpkg-dev for apt-get source;
# libunwind-dev for strace -k) come with scripts/setup.sh.

source "$(dirname "$0")/lib.sh"

STRACE_DEB_VERSION=6.1-0.1
jobs=${UG_STRACE_JOBS:-$(nproc)}

dir=$UG_CACHE/guest-bin/strace
stamp=$dir/build/.built
want="strace $STRACE_DEB_VERSION configure --enable-mpers=no"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
	exit 0
fi

# deb-src: a deb-src twin of each deb822 stanza of the Debian archive
# (URIs ending in /debian) in /etc/apt/sources.list.d/*.sources, or of
# each such "deb" line of a one-line-style sources.list. Added once; apt
# is asked first, so an existing deb-src line of any kind is enough.
src_list=/etc/apt/sources.list.d/utrace-gdb-deb-src
have_deb_src() {
	apt-cache showsrc strace 2>/dev/null | grep -q '^Package: strace$'
}
add_deb_src() {
	local f
	[ "$(id -u)" = 0 ] || { echo "adding a deb-src line needs root"; return 1; }
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -e "$f" ] && [ "$f" != "$src_list.sources" ] || continue
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
	done >"$src_list.sources.new"
	[ -s "$src_list.sources.new" ] && mv "$src_list.sources.new" "$src_list.sources" ||
		rm -f "$src_list.sources.new"
	cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
		sed -n 's|^deb \(\[[^]]*\] \)\{0,1\}\([^ ]*/debian/\{0,1\} .*\)|deb-src \1\2|p' |
		sort -u >"$src_list.list.new"
	[ -s "$src_list.list.new" ] && mv "$src_list.list.new" "$src_list.list" ||
		rm -f "$src_list.list.new"
	[ -e "$src_list.sources" ] || [ -e "$src_list.list" ] ||
		{ echo "no Debian archive found in /etc/apt/sources.list*"; return 1; }
	DEBIAN_FRONTEND=noninteractive apt-get update -qq
	have_deb_src || { echo "apt still offers no strace source"; return 1; }
}
if ! have_deb_src; then
	ug_step "apt: adding deb-src for the Debian mirror" "$UG_LOGS/strace-deb-src.log" add_deb_src
fi

# The source, at the pinned version or the newest one offered.
fetch_source() {
	local ver
	# (ug_step runs this in an "if": set -e is off, hence the returns.)
	rm -rf "$dir/deb" "$dir/source" && mkdir -p "$dir/deb" && cd "$dir/deb" || return 1
	if ! apt-get source -qq "strace=$STRACE_DEB_VERSION"; then
		ver=$(apt-cache showsrc strace | sed -n 's/^Version: //p' | sort -V | tail -n 1)
		[ -n "$ver" ] || { echo "apt offers no strace source"; return 1; }
		echo "NOTE: strace source $STRACE_DEB_VERSION is not offered; falling back to $ver" |
			tee "$dir/FALLBACK"
		apt-get source -qq "strace=$ver" || return 1
	fi
	mv "$dir"/deb/strace-*/ "$dir/source" || return 1
	sed -n '1s/^strace (\([^)]*\)).*/\1/p' "$dir/source/debian/changelog" >"$dir/VERSION"
}
if [ ! -s "$dir/VERSION" ] || [ "$(cat "$dir/VERSION")" != "$STRACE_DEB_VERSION" ] ||
	[ ! -x "$dir/source/configure" ]; then
	ug_step "strace tests: fetching Debian's strace source ($STRACE_DEB_VERSION pinned)" \
		"$UG_LOGS/strace-source.log" fetch_source
	[ -f "$dir/FALLBACK" ] && cat "$dir/FALLBACK"
fi
host_ver=$(dpkg-query -W -f='${Version}' strace 2>/dev/null || true)
[ "$host_ver" = "$(cat "$dir/VERSION")" ] ||
	ug_say "NOTE: /usr/bin/strace is ${host_ver:-not installed}, the test suite is $(cat "$dir/VERSION"); the guest case runs the strace it builds"

# No m32/mx32 personalities: the guest kernel has no IA32 emulation and
# they would need gcc-multilib. Everything else as Debian configures it.
configure() {
	rm -rf "$dir/build" && mkdir -p "$dir/build" && cd "$dir/build" &&
		nice -n 19 "$dir/source/configure" --enable-mpers=no --prefix=/usr
}
build() {
	cd "$dir/build" || return 1
	nice -n 19 make -j"$jobs" -C src || return 1
	# check with no TESTS: builds libtests.a, the generated headers and
	# every check_PROGRAMS, runs nothing.
	nice -n 19 make -j"$jobs" -C tests check TESTS= || return 1
	printf 'print-tests:\n\t@echo $(TESTS)\n' >"$dir/build/print-tests.mk"
	make -s -C tests -f Makefile -f "$dir/build/print-tests.mk" print-tests |
		tr ' ' '\n' | sed -n 's/\.test$//p' >"$dir/build/tests-list.txt"
	[ -s "$dir/build/tests-list.txt" ] || { echo "no TESTS in tests/Makefile"; return 1; }
}
ug_step "strace tests: configuring $(cat "$dir/VERSION") in $dir/build" "$UG_LOGS/strace-configure.log" configure
ug_step "strace tests: building strace and the test programs (-j$jobs)" "$UG_LOGS/strace-build.log" build
echo "$want" >"$stamp"
ug_say "strace tests: $(wc -l <"$dir/build/tests-list.txt") tests built in $dir/build"
