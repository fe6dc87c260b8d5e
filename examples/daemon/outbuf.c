// SPDX-License-Identifier: MIT
/*
 * outbuf.c - text that grows (see outbuf.h).
 */
#include "outbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Room for 'n' more bytes and a NUL; false when memory ran out. */
static int reserve(struct outbuf *o, size_t n)
{
	size_t cap = o->cap ? o->cap : 4096;
	char *p;

	if (o->p && o->len + n < o->cap)
		return 1;
	while (cap < o->len + n + 1)
		cap *= 2;
	p = realloc(o->p, cap);
	if (!p)
		return 0;
	o->p = p;
	o->cap = cap;
	return 1;
}

void out_printf(struct outbuf *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(o->p ? o->p + o->len : NULL, o->p ? o->cap - o->len : 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (o->p && (size_t)n < o->cap - o->len) {
		o->len += (size_t)n;
		return;
	}
	if (!reserve(o, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(o->p + o->len, o->cap - o->len, fmt, ap);
	va_end(ap);
	o->len += (size_t)n;
}

void out_write(struct outbuf *o, const void *p, size_t n)
{
	if (!n || !reserve(o, n))
		return;
	memcpy(o->p + o->len, p, n);
	o->len += n;
	o->p[o->len] = 0;
}

void out_free(struct outbuf *o)
{
	free(o->p);
	o->p = NULL;
	o->len = o->cap = 0;
}
