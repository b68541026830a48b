// SPDX-License-Identifier: GPL-2.0
/* A tracee that never sleeps: spinner N runs N extra threads, all busy. */
#include <pthread.h>
#include <stdlib.h>

static volatile unsigned long counter;

static void *spin(void *arg)
{
	for (;;)
		counter++;
	return arg;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 0;
	pthread_t t;

	for (int i = 0; i < n; i++)
		if (pthread_create(&t, NULL, spin, NULL))
			return 1;
	spin(NULL);
	return 0;
}
