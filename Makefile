# SPDX-License-Identifier: GPL-2.0
#
# utrace-gdb: the entry points. See README.md.
#   make run            set up, build, boot QEMU and show the demo
#   make test           set up, build, run every test (host and guest)
#   make test DEBUG=1   the same on the debug lane (lockdep, KASAN...)
#   make stock-kernel   the same pinned 6.12 and config without our code
#   make test-stock     the ptrace tests on the stock kernel, which pins
#                       what they expect
#   make test-strace    strace's whole test suite (hours under TCG);
#                       STRACE_LANE=stock for the stock kernel,
#                       UG_STRACE_SHARD=K/M for every M-th test from the K-th
#                       (K-L/M: shards K to L)
#   make bench          benchmarks: ratios of our kernel to the stock one
#   make profile        what the benchmarks' paths run, counted: ours
#                       against stock, per operation
#
# The kernel tree grafts this directory as utrace_gdb/ and reads Kbuild
# there, never this file.

LANE := $(if $(filter 1 y yes,$(DEBUG)),debug,default)

.PHONY: run test test-stock test-strace bench profile setup kernel stock-kernel host-test

run:
	@scripts/run.sh $(LANE)

test:
	@scripts/test.sh $(LANE)

setup:
	@scripts/setup.sh

kernel:
	@scripts/build-kernel.sh $(LANE)

stock-kernel:
	@scripts/build-kernel.sh stock

# Guest cases that hold for any kernel, run on stock 6.12.
STOCK_TESTS ?= ptrace-corners,ptrace-selftests,ptrace-setid-exec,seccomp-selftest,strace-suite
test-stock:
	@UG_TESTS=$(STOCK_TESTS) scripts/test.sh stock

# make test runs a representative part of strace's suite; this runs all.
STRACE_LANE ?= default
test-strace:
	@UG_TESTS=strace-suite UG_STRACE_SUITE=full UG_CASE_TIMEOUT=86400 \
		UG_BOOT_TIMEOUT=90000 scripts/test.sh $(STRACE_LANE)

bench:
	@scripts/bench.sh

profile:
	@scripts/profile.sh

host-test:
	cargo test --workspace --locked
