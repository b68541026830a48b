# SPDX-License-Identifier: GPL-2.0
#
# utrace-gdb: the entry points. See README.md.
#   make run            set up, build, boot QEMU and show the demo
#   make test           set up, build, run every test (host and guest)
#   make test DEBUG=1   the same on the debug lane (lockdep, KASAN...)
#   make stock-kernel   the same pinned 6.12 and config without our code
#   make bench          benchmarks: ratios of our kernel to the stock one
#
# The kernel tree grafts this directory as utrace_gdb/ and reads Kbuild
# there, never this file.

LANE := $(if $(filter 1 y yes,$(DEBUG)),debug,default)

.PHONY: run test bench setup kernel stock-kernel host-test

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

bench:
	@scripts/bench.sh

host-test:
	cargo test --workspace --locked
