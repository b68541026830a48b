#!/bin/bash
# The gdbstub crate, built into the kernel with the kernel's flags, ran its
# canned gdb exchange at boot and got the expected bytes back.
dmesg | grep -q 'utrace_gdb: gdbstub self-test passed' && exit 0
dmesg | grep 'utrace_gdb' || echo "no message from utrace_gdb at boot"
exit 1
