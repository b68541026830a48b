#!/bin/bash
# The price of the hooks when nothing is traced: a getppid loop.
"$ug_bin/syscall_loop" 300000 7
