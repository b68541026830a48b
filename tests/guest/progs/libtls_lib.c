// SPDX-License-Identifier: GPL-2.0
/*
 * A shared library with a thread-local variable of its own, for the
 * gdb engine's TLS and shared library tests (see tls_target.c).
 */
__thread int tls_lib;

__attribute__((noinline)) void lib_set(int value)
{
	tls_lib = value;
}
