#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build the C programs that guest tests run (tests/guest/progs/*.c) into
# $UG_CACHE/guest-bin. The guest sees the host's root, so it runs them
# from there.

source "$(dirname "$0")/lib.sh"

bin=$UG_CACHE/guest-bin
mkdir -p "$bin"
for src in "$UG_ROOT"/tests/guest/progs/*.c; do
	[ -e "$src" ] || continue
	exe=$bin/$(basename "$src" .c)
	[ "$exe" -nt "$src" ] && continue
	gcc -g -O0 -Wall -Werror -pthread -o "$exe" "$src" ||
		ug_die "could not build guest program $src"
done
