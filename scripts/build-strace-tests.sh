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

ug_need_deb_src strace

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
