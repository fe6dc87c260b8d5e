/* SPDX-License-Identifier: MIT */
/*
 * alloc.h - every allocation of the library goes through here, so that the
 * allocation-failure sweep in the tests can make the Nth one fail and check
 * that each public call then returns -ENOMEM and leaves no trace. Nothing on
 * the frame path allocates.
 *
 * Inline, because every folder allocates and a leaf helper is not a call
 * between concerns; the one shared variable is defined in alloc.c.
 */
#ifndef VSW_CORE_ALLOC_H
#define VSW_CORE_ALLOC_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Allocations left before an injected failure; 0: none is injected. */
extern unsigned long vsw__alloc_countdown;

/* Test hook: make the Nth allocation from now fail (0 disables). */
static inline void vsw__alloc_fail_after(unsigned long n)
{
	vsw__alloc_countdown = n;
}

static inline bool vsw__alloc_injected_failure(void)
{
	if (vsw__alloc_countdown == 0)
		return false;
	return --vsw__alloc_countdown == 0;
}

static inline void *vsw__calloc(size_t n, size_t size)
{
	if (vsw__alloc_injected_failure())
		return NULL;
	return calloc(n, size);
}

static inline void *vsw__realloc(void *p, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	if (vsw__alloc_injected_failure())
		return NULL;
	return realloc(p, n * size);
}

/* n elements of 'size' bytes on a 64-byte boundary, zeroed; release with vsw__free. */
static inline void *vsw__calloc_aligned(size_t n, size_t size)
{
	void *p;

	if (size && n > SIZE_MAX / size)
		return NULL;
	if (vsw__alloc_injected_failure() || posix_memalign(&p, 64, n * size > 0 ? n * size : 64))
		return NULL;
	memset(p, 0, n * size);
	return p;
}

static inline void vsw__free(void *p)
{
	free(p);
}

#endif
