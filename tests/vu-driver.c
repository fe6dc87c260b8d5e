// SPDX-License-Identifier: MIT
/*
 * vu-driver.c - the tests' vhost-user front-end (see vu-driver.h): the
 * requests QEMU sends, and a virtio-net driver's use of the two rings.
 */

#include "vu-driver.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define F_REPLY (1u << 2)
#define F_NEED_REPLY (1u << 3)

uint64_t vud_gpa(uint32_t off)
{
	return VUD_GPA + off;
}

void vud_pump(struct vud *d, int rounds)
{
	for (int i = 0; i < rounds; i++)
		vsw_switch_poll(d->sw, 0);
}

int vud_open(struct vud *d, struct vsw_switch *sw, const char *path, int fd)
{
	memset(d, 0, sizeof(*d));
	d->sw = sw;
	d->fd = fd;
	d->q[0].kick = d->q[0].call = d->q[1].kick = d->q[1].call = -1;
	if (path) {
		struct sockaddr_un sa = { .sun_family = AF_UNIX };
		d->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		strncpy(sa.sun_path, path, sizeof(sa.sun_path) - 1);
		if (d->fd < 0 || connect(d->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
			return -errno;
	}
	d->memfd = memfd_create("vud-guest", MFD_CLOEXEC);
	if (d->memfd < 0 || ftruncate(d->memfd, VUD_MEM) < 0)
		return -errno;
	d->mem = mmap(NULL, VUD_MEM, PROT_READ | PROT_WRITE, MAP_SHARED, d->memfd, 0);
	if (d->mem == MAP_FAILED)
		return -errno;
	for (unsigned int i = 0; i < 2; i++) {
		struct vud_q *q = &d->q[i];
		q->ring_off = i * 0x4000u;
		q->desc = (void *)(d->mem + q->ring_off);
		q->avail = (void *)(d->mem + q->ring_off + 16 * VUD_NUM);
		q->used = (void *)(d->mem + q->ring_off + 16 * VUD_NUM + 0x1000);
	}
	return 0;
}

void vud_close(struct vud *d)
{
	if (d->fd >= 0)
		close(d->fd);
	for (int i = 0; i < 2; i++) {
		if (d->q[i].kick >= 0)
			close(d->q[i].kick);
		if (d->q[i].call >= 0)
			close(d->q[i].call);
	}
	if (d->mem && d->mem != MAP_FAILED)
		munmap(d->mem, VUD_MEM);
	if (d->memfd >= 0)
		close(d->memfd);
	d->fd = d->memfd = -1;
	d->mem = NULL;
}

static int send_msg(struct vud *d, uint32_t req, uint32_t flags, const void *payload,
		    uint32_t size, const int *fds, unsigned int nfds)
{
	uint8_t buf[12 + 512];
	uint32_t h[3] = { req, 1u | flags, size };
	union {
		char c[CMSG_SPACE(sizeof(int) * 16)]; /* more than a table may have */
		struct cmsghdr a;
	} ctl = { { 0 } };
	struct iovec iov = { buf, 12 + size };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	memcpy(buf, h, 12);
	if (size)
		memcpy(buf + 12, payload, size);
	if (nfds) {
		struct cmsghdr *c;
		mh.msg_control = ctl.c;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
	}
	return sendmsg(d->fd, &mh, MSG_NOSIGNAL) == (ssize_t)(12 + size) ? 0 : -EIO;
}

/* Wait (running the switch) for the answer to 'req'. */
static long wait_reply(struct vud *d, uint32_t req, void *out, uint32_t cap)
{
	uint8_t buf[12 + 64];

	for (int i = 0; i < 2000; i++) {
		uint32_t h[3];
		ssize_t r;
		vud_pump(d, 1);
		r = recv(d->fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (r == 0)
			return -ECONNRESET;
		if (r < 0) {
			if (errno != EAGAIN)
				return -errno;
			struct pollfd p = { .fd = d->fd, .events = POLLIN };
			poll(&p, 1, 1);
			continue;
		}
		memcpy(h, buf, 12);
		if (r < 12 || h[0] != req || !(h[1] & F_REPLY) || h[2] > (uint32_t)r - 12)
			return -EPROTO;
		memcpy(out, buf + 12, h[2] < cap ? h[2] : cap);
		return h[2];
	}
	return -ETIMEDOUT;
}

long vud_request(struct vud *d, uint32_t req, const void *payload, uint32_t size,
		 const int *fds, unsigned int nfds, void *reply, uint32_t reply_size)
{
	uint64_t ack = 0;
	long r;

	if (reply) {
		r = send_msg(d, req, 0, payload, size, fds, nfds);
		return r ? r : wait_reply(d, req, reply, reply_size);
	}
	r = send_msg(d, req, F_NEED_REPLY, payload, size, fds, nfds);
	if (r)
		return r;
	r = wait_reply(d, req, &ack, sizeof(ack));
	return r < 0 ? r : (long)ack;
}

int vud_set_mem_table(struct vud *d)
{
	struct {
		uint32_t n, pad;
		uint64_t gpa, size, uaddr, off;
	} mt = { 1, 0, VUD_GPA, VUD_MEM, (uint64_t)(uintptr_t)d->mem, 0 };

	return (int)vud_request(d, 5, &mt, sizeof(mt), &d->memfd, 1, NULL, 0);
}

int vud_start_queue(struct vud *d, unsigned int qi)
{
	struct vud_q *q = &d->q[qi];
	uint32_t st[2] = { qi, VUD_NUM };
	struct {
		uint32_t index, flags;
		uint64_t desc, used, avail, log;
	} addr = { qi, 0, (uint64_t)(uintptr_t)q->desc, (uint64_t)(uintptr_t)q->used,
		   (uint64_t)(uintptr_t)q->avail, 0 };
	uint64_t v = qi;
	long r;

	if (q->call < 0)
		q->call = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (q->kick < 0)
		q->kick = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if ((r = vud_request(d, 8, st, 8, NULL, 0, NULL, 0)) ||
	    (r = vud_request(d, 9, &addr, sizeof(addr), NULL, 0, NULL, 0)))
		return (int)r;
	st[1] = q->avail_idx;
	if ((r = vud_request(d, 10, st, 8, NULL, 0, NULL, 0)) ||
	    (r = vud_request(d, 13, &v, 8, &q->call, 1, NULL, 0)) ||
	    (r = vud_request(d, 12, &v, 8, &q->kick, 1, NULL, 0)))
		return (int)r;
	st[1] = 1;
	return (int)vud_request(d, 18, st, 8, NULL, 0, NULL, 0);
}

int vud_setup(struct vud *d, uint64_t features)
{
	uint64_t offered = 0, pf = 0, v;
	long r;

	if ((r = vud_request(d, 1, NULL, 0, NULL, 0, &offered, 8)) != 8)
		return r < 0 ? (int)r : -EPROTO;
	if ((r = vud_request(d, 15, NULL, 0, NULL, 0, &pf, 8)) != 8)
		return r < 0 ? (int)r : -EPROTO;
	v = pf & (1ull << 3); /* REPLY_ACK: every request below is acked */
	if (send_msg(d, 16, 0, &v, 8, NULL, 0))
		return -EIO;
	d->features = features & offered;
	d->hdr = d->features & ((1ull << 32) | (1ull << 15)) ? 12 : 10;
	if ((r = vud_request(d, 3, NULL, 0, NULL, 0, NULL, 0)) ||
	    (r = vud_request(d, 2, &d->features, 8, NULL, 0, NULL, 0)) ||
	    (r = vud_set_mem_table(d)) || (r = vud_start_queue(d, 0)) || (r = vud_start_queue(d, 1)))
		return r < 0 ? (int)r : -EPROTO;
	return 0;
}

void vud_offer(struct vud *d, unsigned int qi, uint16_t head)
{
	struct vud_q *q = &d->q[qi];

	q->avail->ring[q->avail_idx % VUD_NUM] = head;
	q->avail_idx++;
	__atomic_store_n(&q->avail->idx, q->avail_idx, __ATOMIC_RELEASE);
}

void vud_kick(struct vud *d, unsigned int qi)
{
	eventfd_write(d->q[qi].kick, 1);
}

void vud_tx(struct vud *d, const void *hdr, const void *frame, size_t len)
{
	struct vud_q *q = &d->q[1];
	uint16_t k = q->avail_idx % (VUD_NUM / 2), head = (uint16_t)(2 * k);
	uint32_t off = VUD_TX_AREA + k * VUD_TX_SLOT;

	if (hdr)
		memcpy(d->mem + off, hdr, d->hdr);
	else
		memset(d->mem + off, 0, d->hdr);
	memcpy(d->mem + off + 16, frame, len);
	q->desc[head] = (struct vring_desc){ vud_gpa(off), (uint32_t)d->hdr, VRING_DESC_F_NEXT,
					     (uint16_t)(head + 1) };
	q->desc[head + 1] = (struct vring_desc){ vud_gpa(off + 16), (uint32_t)len, 0, 0 };
	vud_offer(d, 1, head);
	vud_kick(d, 1);
}

void vud_post_rx(struct vud *d, unsigned int n, uint32_t size)
{
	struct vud_q *q = &d->q[0];

	for (unsigned int i = 0; i < n; i++) {
		uint16_t slot = q->avail_idx % VUD_NUM;
		q->desc[slot] = (struct vring_desc){ vud_gpa(VUD_RX_AREA + slot * VUD_RX_SLOT), size,
						     VRING_DESC_F_WRITE, 0 };
		vud_offer(d, 0, slot);
	}
	vud_kick(d, 0);
}

long vud_rx(struct vud *d, uint8_t *out, size_t cap, uint8_t *hdr)
{
	struct vud_q *q = &d->q[0];
	uint16_t idx = __atomic_load_n(&q->used->idx, __ATOMIC_ACQUIRE), nb = 1;
	size_t total = 0;

	for (uint16_t i = 0; i < nb; i++) {
		struct vring_used_elem e;
		const uint8_t *b;
		size_t skip = 0;
		if (idx == q->used_seen)
			return -1; /* none, or a frame not whole yet */
		e = q->used->ring[q->used_seen % VUD_NUM];
		q->used_seen++;
		b = d->mem + VUD_RX_AREA + (e.id % VUD_NUM) * VUD_RX_SLOT;
		if (!i) {
			memcpy(hdr, b, d->hdr);
			if (d->hdr == 12)
				nb = (uint16_t)(b[10] | b[11] << 8);
			skip = d->hdr;
		}
		if (e.len < skip || total + e.len - skip > cap)
			return -2;
		memcpy(out + total, b + skip, e.len - skip);
		total += e.len - skip;
	}
	return (long)total;
}
