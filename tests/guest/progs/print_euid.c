// SPDX-License-Identifier: GPL-2.0
/*
 * Prints "euid=N", its effective user ID: installed set-user-ID root,
 * it shows whether an exec raised the caller's privileges.
 */
#include <stdio.h>
#include <unistd.h>

int main(void)
{
	printf("euid=%d\n", (int)geteuid());
	return 0;
}
