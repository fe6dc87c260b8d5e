/* SPDX-License-Identifier: MIT */
/*
 * outbuf.h - text that grows: a command's output, or an answer being sent.
 * Out of memory, it stops growing (the output is cut short, never corrupt).
 */
#ifndef VSWD_OUTBUF_H
#define VSWD_OUTBUF_H

#include <stddef.h>

struct outbuf {
	char *p;
	size_t len, cap;
};

void out_printf(struct outbuf *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append 'n' bytes as they are. */
void out_write(struct outbuf *o, const void *p, size_t n);
void out_free(struct outbuf *o);

#endif
