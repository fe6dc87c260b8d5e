// SPDX-License-Identifier: MIT
/*
 * alloc.c - every allocation of the library goes through here, so that the
 * allocation-failure sweep in the tests can make the Nth one fail and check
 * that each public call then returns -ENOMEM and leaves no trace. Nothing on
 * the frame path allocates.
 */
#include "internal.h"

#include <stdlib.h>

static unsigned long fail_countdown;

void vsw__alloc_fail_after(unsigned long n)
{
	fail_countdown = n;
}

static bool injected_failure(void)
{
	if (fail_countdown == 0)
		return false;
	return --fail_countdown == 0;
}

void *vsw__calloc(size_t n, size_t size)
{
	if (injected_failure())
		return NULL;
	return calloc(n, size);
}

void *vsw__realloc(void *p, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	if (injected_failure())
		return NULL;
	return realloc(p, n * size);
}

void *vsw__calloc_aligned(size_t n, size_t size)
{
	void *p;

	if (size && n > SIZE_MAX / size)
		return NULL;
	if (injected_failure() || posix_memalign(&p, 64, n * size > 0 ? n * size : 64))
		return NULL;
	memset(p, 0, n * size);
	return p;
}

void vsw__free(void *p)
{
	free(p);
}
