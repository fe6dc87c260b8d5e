// SPDX-License-Identifier: MIT
/*
 * bytequeue.c - a bounded byte ring: appends never block and never grow it
 * (the writer checks the room first); writes go out with writev, in two
 * pieces when the bytes wrap (sendmsg without SIGPIPE on a socket).
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "core/alloc.h"
#include "core/bytequeue.h"

int vsw__bq_init(struct vsw__bytequeue *q, size_t cap)
{
	q->buf = vsw__calloc(1, cap);
	if (!q->buf)
		return -ENOMEM;
	q->cap = cap;
	q->head = 0;
	q->len = 0;
	return 0;
}

void vsw__bq_fini(struct vsw__bytequeue *q)
{
	vsw__free(q->buf);
	q->buf = NULL;
	q->cap = q->len = q->head = 0;
}

size_t vsw__bq_room(const struct vsw__bytequeue *q)
{
	return q->cap - q->len;
}

/* Copy in 'n' bytes from 'p', or zeros if 'p' is NULL. */
static void put(struct vsw__bytequeue *q, const void *p, size_t n)
{
	size_t tail = (q->head + q->len) % q->cap;
	size_t first = n < q->cap - tail ? n : q->cap - tail;

	if (p) {
		memcpy(q->buf + tail, p, first);
		memcpy(q->buf, (const uint8_t *)p + first, n - first);
	} else {
		memset(q->buf + tail, 0, first);
		memset(q->buf, 0, n - first);
	}
	q->len += n;
}

void vsw__bq_put(struct vsw__bytequeue *q, const void *p, size_t n)
{
	if (n)
		put(q, p, n);
}

void vsw__bq_zero(struct vsw__bytequeue *q, size_t n)
{
	if (n)
		put(q, NULL, n);
}

long vsw__bq_write(struct vsw__bytequeue *q, int fd)
{
	struct iovec iov[2];
	size_t first = q->len < q->cap - q->head ? q->len : q->cap - q->head;
	ssize_t r;
	int n = 0;

	if (!q->len)
		return 0;
	iov[n++] = (struct iovec){ .iov_base = q->buf + q->head, .iov_len = first };
	if (q->len > first)
		iov[n++] = (struct iovec){ .iov_base = q->buf, .iov_len = q->len - first };
	/* a socket whose reader went must not raise SIGPIPE in the host */
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = (size_t)n };
	do
		r = sendmsg(fd, &mh, MSG_NOSIGNAL);
	while (r < 0 && errno == EINTR);
	if (r < 0 && errno == ENOTSOCK)
		do
			r = writev(fd, iov, n);
		while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	q->head = (q->head + (size_t)r) % q->cap;
	q->len -= (size_t)r;
	if (!q->len)
		q->head = 0;
	return r;
}
