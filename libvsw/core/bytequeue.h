/* SPDX-License-Identifier: MIT */
/*
 * bytequeue.h - a bounded ring of bytes written out to a file descriptor
 * without blocking (bytequeue.c): what a capture (capture.c) keeps between
 * the frame path, which appends, and the host's loop, which writes.
 */
#ifndef VSW_CORE_BYTEQUEUE_H
#define VSW_CORE_BYTEQUEUE_H

#include <stddef.h>
#include <stdint.h>

struct vsw__bytequeue {
	uint8_t *buf;
	size_t cap;
	size_t head;        /* first byte queued */
	size_t len;         /* bytes queued */
};

/* ---- bytequeue.c ---- */
int vsw__bq_init(struct vsw__bytequeue *q, size_t cap);
void vsw__bq_fini(struct vsw__bytequeue *q);
/* Free room in bytes. */
size_t vsw__bq_room(const struct vsw__bytequeue *q);
/* Append 'n' bytes (the caller checked the room). */
void vsw__bq_put(struct vsw__bytequeue *q, const void *p, size_t n);
/* Append 'n' zero bytes (padding). */
void vsw__bq_zero(struct vsw__bytequeue *q, size_t n);
/* Write what is queued to 'fd': the bytes written (>= 0) or -errno. */
long vsw__bq_write(struct vsw__bytequeue *q, int fd);

#endif
