#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The make run demo, inside the guest.

echo
echo "== utrace-gdb guest: $(uname -sr)"
echo "== the utrace subsystem at boot:"
dmesg | grep -E 'utrace' || { echo "no utrace messages: the subsystem is not built in"; exit 1; }
dmesg | grep -q 'utrace_gdb: gdbstub self-test passed' || exit 1
echo "== the gdb engine's protocol self-test passed"
