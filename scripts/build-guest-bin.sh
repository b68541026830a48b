#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build the C programs that guest tests run (tests/guest/progs/*.c) into
# $UG_CACHE/guest-bin. The guest sees the host's root, so it runs them
# from there.

source "$(dirname "$0")/lib.sh"

bin=$UG_CACHE/guest-bin
mkdir -p "$bin"
# lib*.c are shared libraries, built first; a program names those it
# uses in a "// link: -lNAME" line.
for src in "$UG_ROOT"/tests/guest/progs/lib*.c; do
	[ -e "$src" ] || continue
	lib=$bin/$(basename "$src" .c).so
	[ "$lib" -nt "$src" ] && continue
	gcc -g -O0 -Wall -Werror -fPIC -shared -o "$lib" "$src" ||
		ug_die "could not build guest library $src"
done
# headers_newer_than EXE: a header the programs share changed since EXE
# was built.
headers_newer_than() {
	local h
	for h in "$UG_ROOT"/tests/guest/progs/*.h; do
		[ -e "$h" ] && [ "$h" -nt "$1" ] && return 0
	done
	return 1
}

for src in "$UG_ROOT"/tests/guest/progs/*.c; do
	[ -e "$src" ] || continue
	case $(basename "$src") in lib*) continue ;; esac
	exe=$bin/$(basename "$src" .c)
	[ "$exe" -nt "$src" ] && ! headers_newer_than "$exe" && continue
	libs=$(sed -n 's|^// link: ||p' "$src")
	gcc -g -O0 -Wall -Werror -pthread -o "$exe" "$src" -L"$bin" -Wl,-rpath,"$bin" $libs ||
		ug_die "could not build guest program $src"
done

# The kernel's own ptrace selftests, against the UAPI headers of the
# pinned source (Debian's are older). rsync, which headers_install uses,
# is not needed: the headers target leaves them in usr/include.
selftests=$UG_SRC/linux/tools/testing/selftests
uapi=$UG_CACHE/uapi-build
if [ ! -f "$uapi/usr/include/linux/ptrace.h" ]; then
	make -s -C "$UG_SRC/linux" O="$uapi" ARCH=x86_64 headers >"$UG_LOGS/uapi-headers.log" 2>&1 ||
		ug_die "could not make the UAPI headers (see $UG_LOGS/uapi-headers.log)"
fi
mkdir -p "$bin/selftests/ptrace"
for src in "$selftests"/ptrace/*.c; do
	exe=$bin/selftests/ptrace/$(basename "$src" .c)
	[ "$exe" -nt "$src" ] && continue
	gcc -std=gnu99 -pthread -Wall -isystem "$uapi/usr/include" -I "$selftests" -o "$exe" "$src" ||
		ug_die "could not build the ptrace selftest $src"
done
# seccomp_bpf: its tracer fixtures use syscall and PTRACE_EVENT_SECCOMP stops.
mkdir -p "$bin/selftests/seccomp"
src=$selftests/seccomp/seccomp_bpf.c
exe=$bin/selftests/seccomp/seccomp_bpf
if [ ! "$exe" -nt "$src" ]; then
	gcc -pthread -Wall -Wl,-no-as-needed -isystem "$uapi/usr/include" -I "$selftests" \
		-o "$exe" "$src" -lcap ||
		ug_die "could not build the seccomp selftest $src"
fi
