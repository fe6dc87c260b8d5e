// SPDX-License-Identifier: MIT
/*
 * vhostuser.c - "vhostuser:PATH": the vhost-user back-end of a virtio-net
 * device (QEMU's docs/interop/vhost-user.rst), so that a VM (QEMU's
 * -netdev vhost-user) or a DPDK application (net_virtio_user) shares its
 * virtio rings and memory with the switch: frames move by one copy into
 * or out of guest memory, with no system call per frame.
 *
 *   vhostuser:PATH[,server]   the switch listens on PATH, the front-end
 *                             connects (QEMU: -chardev socket,path=PATH,
 *                             reconnect=1 to come back after a restart)
 *   vhostuser:PATH,client     the switch connects to a front-end that
 *                             listens (QEMU: server=on) and reconnects by
 *                             itself, every reconnect_ms (default 1000)
 *   Options: client, server, reconnect_ms=N, mode=OCTAL, group=NAME|GID
 *   (the socket file the switch makes, as for qemu:stream).
 *
 * One queue pair: queue 0 is the guest's receive queue (the switch
 * writes), queue 1 its transmit queue (the switch reads). Features
 * offered: VERSION_1, MRG_RXBUF, MTU (with QEMU's host_mtu=, which it
 * then tells by NET_SET_MTU), CSUM, GUEST_CSUM, HOST_TSO4/6, HOST_ECN,
 * GUEST_TSO4/6, GUEST_ECN, RING_INDIRECT_DESC, RING_EVENT_IDX and
 * PROTOCOL_FEATURES with REPLY_ACK and MTU. A ring that stops on a
 * guest's fault counts bad_ring once, whatever else the fault counted. The port's link is up while
 * both queues run (addresses, kick descriptor, enabled); the offloads the
 * port takes are the guest's GUEST_* features, asked again as the link
 * comes up.
 *
 * Receiving from the guest copies each chain (header and frame) into an
 * arena of the instance, so that the guest cannot change a frame after
 * the switch looked at it; the chain goes back used at once. A frame
 * longer than VU_FRAME_MAX is dropped and counted truncated; a malformed
 * chain bad_desc, a header that is too short or of a GSO type the frame
 * contract has no name for (UFO) bad_vnet_hdr, an index that moves
 * impossibly bad_ring (the ring then stops and the link goes down until
 * the front-end sets it up again: a restarted driver does).
 *
 * The instance's descriptor is an epoll set over the socket, the kick
 * descriptors, a reconnect timer (client) and an eventfd kept readable
 * while the transmit ring still holds chains after a batch.
 */
#include "backends/private.h"
#include "backends/virtq.h"

#include <endian.h>
#include <linux/virtio_net.h>
#include <linux/virtio_ring.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <unistd.h>

/* ---- the protocol ---- */
enum {
	VU_GET_FEATURES = 1,
	VU_SET_FEATURES = 2,
	VU_SET_OWNER = 3,
	VU_RESET_OWNER = 4,
	VU_SET_MEM_TABLE = 5,
	VU_SET_LOG_BASE = 6,
	VU_SET_LOG_FD = 7,
	VU_SET_VRING_NUM = 8,
	VU_SET_VRING_ADDR = 9,
	VU_SET_VRING_BASE = 10,
	VU_GET_VRING_BASE = 11,
	VU_SET_VRING_KICK = 12,
	VU_SET_VRING_CALL = 13,
	VU_SET_VRING_ERR = 14,
	VU_GET_PROTOCOL_FEATURES = 15,
	VU_SET_PROTOCOL_FEATURES = 16,
	VU_GET_QUEUE_NUM = 17,
	VU_SET_VRING_ENABLE = 18,
	VU_SEND_RARP = 19,
	VU_NET_SET_MTU = 20,
};

#define VU_VERSION 0x1u
#define VU_FLAG_REPLY (1u << 2)
#define VU_FLAG_NEED_REPLY (1u << 3)

#define VU_F_PROTOCOL_FEATURES 30
#define VU_PF_REPLY_ACK 3
#define VU_PF_MTU 4

#define BIT(n) (1ull << (n))
#define VU_FEATURES (BIT(VIRTIO_F_VERSION_1) | BIT(VIRTIO_NET_F_MRG_RXBUF) | BIT(VIRTIO_NET_F_MTU) | \
		     BIT(VIRTIO_NET_F_CSUM) | BIT(VIRTIO_NET_F_GUEST_CSUM) | \
		     BIT(VIRTIO_NET_F_HOST_TSO4) | BIT(VIRTIO_NET_F_HOST_TSO6) | \
		     BIT(VIRTIO_NET_F_HOST_ECN) | BIT(VIRTIO_NET_F_GUEST_TSO4) | \
		     BIT(VIRTIO_NET_F_GUEST_TSO6) | BIT(VIRTIO_NET_F_GUEST_ECN) | \
		     BIT(VIRTIO_RING_F_INDIRECT_DESC) | BIT(VIRTIO_RING_F_EVENT_IDX) | \
		     BIT(VU_F_PROTOCOL_FEATURES))
#define VU_PROTOCOL_FEATURES (BIT(VU_PF_REPLY_ACK) | BIT(VU_PF_MTU))

struct vu_region {
	uint64_t gpa, size, uaddr, mmap_offset;
};

struct vu_msg {
	uint32_t request, flags, size;
	union {
		uint64_t u64;
		struct {
			uint32_t index, num;
		} state;
		struct {
			uint32_t index, flags;
			uint64_t desc, used, avail, log;
		} addr;
		struct {
			uint32_t n, padding;
			struct vu_region r[VSW_GMEM_MAX];
		} mem;
		uint8_t raw[512];
	} p;
};

#define VU_HDR 12u
#define VU_FRAME_MAX (65535u + 14u + 4u) /* an IP datagram of 64 KiB, tagged */
#define VU_SLOT (VU_FRAME_MAX + 12u)     /* and its virtio-net header */
#define VU_ARENA (1u << 20)              /* frames of one receive batch */
#define VU_AHEAD 8                       /* chains prefetched ahead of the copy */
#define VU_STREAK 8                      /* full batches between looks at the descriptors */
#define VU_NQ 2                          /* queue 0: to the guest; 1: from it */

enum vu_mode { VU_SERVER, VU_CLIENT };
/* what an epoll event's data says woke it */
enum { EV_LISTEN, EV_CONN, EV_TIMER, EV_CONNECTING, EV_MORE, EV_KICK0 };

struct vu_queue {
	struct vsw__vq vq;
	int kick, call;
	bool kick_set;               /* SET_VRING_KICK seen (a descriptor, or polling) */
	bool enabled;
	bool stopped;                /* GET_VRING_BASE: until the next kick descriptor */
};

struct vhostuser {
	enum vu_mode mode;
	int epfd, lfd, cfd, tfd, pfd, morefd;
	struct sockaddr_storage addr;
	socklen_t alen;
	struct vsw__unix_file file;
	unsigned int reconnect_ms;
	bool connected, more;
	bool more_armed;             /* morefd written and not drained yet */
	unsigned int streak;         /* full batches in a row since the last housekeeping */
	bool debug;                  /* VSW_VU_DEBUG set: each request to stderr */
	bool link;                   /* as last told to the switch */
	bool want_room;              /* send was short: tell the switch when the guest adds buffers */

	uint64_t features, protocol;
	size_t hdr_len;              /* 12 (VERSION_1 or MRG_RXBUF) or 10 */
	unsigned int mtu;            /* NET_SET_MTU, or 0 */
	struct vsw__gmem mem;
	void *maps[VSW_GMEM_MAX];
	size_t map_len[VSW_GMEM_MAX];
	struct vu_queue q[VU_NQ];

	/* a message being read: its bytes (the payload follows the 12-byte
	 * header at once, unaligned) and descriptors, then the whole of it */
	uint8_t raw[VU_HDR + sizeof(((struct vu_msg *)0)->p)];
	size_t msg_have;
	struct vu_msg msg;
	int fds[VSW_GMEM_MAX];
	unsigned int nfds;

	uint8_t *arena;
};

static struct vhostuser *vu_of(struct vsw_backend *be)
{
	return vsw_backend_priv(be);
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static int ep_add(struct vhostuser *u, int fd, uint32_t events, uint64_t tag)
{
	struct epoll_event ev = { .events = events, .data.u64 = tag };

	return epoll_ctl(u->epfd, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

static void ep_del(struct vhostuser *u, int fd)
{
	if (fd >= 0)
		epoll_ctl(u->epfd, EPOLL_CTL_DEL, fd, NULL);
}

static void unmap_memory(struct vhostuser *u)
{
	for (unsigned int i = 0; i < u->mem.n; i++)
		munmap(u->maps[i], u->map_len[i]);
	u->mem.n = 0;
}

static void drop_msg_fds(struct vhostuser *u)
{
	for (unsigned int i = 0; i < u->nfds; i++)
		close(u->fds[i]);
	u->nfds = 0;
}

static void reset_queue(struct vhostuser *u, struct vu_queue *q)
{
	ep_del(u, q->kick);
	close_fd(&q->kick);
	close_fd(&q->call);
	q->vq = (struct vsw__vq){ 0 };
	q->kick_set = q->enabled = q->stopped = false;
}

/* Whether both queues run: the port's link. */
static bool queues_run(const struct vhostuser *u)
{
	for (int i = 0; i < VU_NQ; i++) {
		const struct vu_queue *q = &u->q[i];
		if (!q->vq.desc || !q->kick_set || !q->enabled || q->stopped || q->vq.broken)
			return false;
	}
	return true;
}

/* Tell the switch when the link it would read changed. */
static void link_check(struct vsw_backend *be, struct vhostuser *u)
{
	bool up = u->connected && queues_run(u);

	if (up != u->link) {
		u->link = up;
		vsw_backend_notify(be);
	}
}

static void reset_device(struct vhostuser *u)
{
	for (int i = 0; i < VU_NQ; i++)
		reset_queue(u, &u->q[i]);
	unmap_memory(u);
	u->features = u->protocol = 0;
	u->hdr_len = 10;
	u->mtu = 0;
	u->want_room = false;
}

static void arm_reconnect(struct vhostuser *u, bool soon)
{
	long ms = u->reconnect_ms;
	struct itimerspec its = {
		.it_interval = { ms / 1000, (ms % 1000) * 1000000 },
		.it_value = { soon ? 0 : ms / 1000, soon ? 1000000 : (ms % 1000) * 1000000 },
	};

	if (u->tfd >= 0)
		timerfd_settime(u->tfd, 0, &its, NULL);
}

/* The front-end went away (or broke the protocol): everything it set up
 * is released, as at a reset; a client tries again later. */
static void disconnect(struct vsw_backend *be, struct vhostuser *u)
{
	if (u->cfd >= 0) {
		ep_del(u, u->cfd);
		close_fd(&u->cfd);
	}
	u->connected = false;
	u->msg_have = 0;
	drop_msg_fds(u);
	reset_device(u);
	if (u->mode == VU_CLIENT)
		arm_reconnect(u, false);
	link_check(be, u);
}

static void took_connection(struct vsw_backend *be, struct vhostuser *u, int fd)
{
	struct itimerspec off = { { 0, 0 }, { 0, 0 } };

	if (ep_add(u, fd, EPOLLIN, EV_CONN) < 0) {
		close(fd);
		return;
	}
	u->cfd = fd;
	u->connected = true;
	reset_device(u);
	if (u->tfd >= 0)
		timerfd_settime(u->tfd, 0, &off, NULL);
	link_check(be, u);
}

static void try_connect(struct vsw_backend *be, struct vhostuser *u)
{
	int fd, r;

	if (u->pfd >= 0 || u->connected)
		return;
	r = vsw__stream_connect(&u->addr, u->alen, &fd);
	if (r > 0)
		took_connection(be, u, fd);
	else if (r == 0 && ep_add(u, fd, EPOLLOUT, EV_CONNECTING) == 0)
		u->pfd = fd;
	else if (r == 0)
		close(fd);
}

static void connect_done(struct vsw_backend *be, struct vhostuser *u)
{
	int fd = u->pfd;

	u->pfd = -1;
	ep_del(u, fd);
	if (vsw__stream_connected(fd) == 0)
		took_connection(be, u, fd);
	else
		close(fd); /* the timer tries again */
}

/* ---- messages ---- */

static int send_reply(struct vhostuser *u, const struct vu_msg *req, const void *payload,
		      uint32_t size)
{
	uint32_t h[3] = { req->request, VU_VERSION | VU_FLAG_REPLY, size };
	uint8_t buf[VU_HDR + 16];
	size_t len = VU_HDR + size;
	ssize_t w;

	memcpy(buf, h, VU_HDR);
	memcpy(buf + VU_HDR, payload, size);
	/* replies are small and the front-end waits for them: a socket
	 * that cannot take one is a broken front-end */
	w = send(u->cfd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
	return w == (ssize_t)len ? 0 : -EIO;
}

static int reply_u64(struct vhostuser *u, const struct vu_msg *req, uint64_t v)
{
	return send_reply(u, req, &v, sizeof(v));
}

/* Map a new memory table (the old one goes once the new one is whole),
 * then translate the rings again. */
static int set_mem_table(struct vhostuser *u, const struct vu_msg *m)
{
	struct vsw__gmem mem = { 0 };
	void *maps[VSW_GMEM_MAX];
	size_t lens[VSW_GMEM_MAX];
	uint32_t n = m->p.mem.n;
	int err = 0;

	if (m->size < 8 || n > VSW_GMEM_MAX || m->size < 8 + n * sizeof(struct vu_region) || n != u->nfds)
		return -EINVAL;
	for (uint32_t i = 0; i < n; i++) {
		const struct vu_region *r = &m->p.mem.r[i];
		struct stat st;
		uint64_t len = r->mmap_offset + r->size;
		void *p;

		/* a file shorter than the region would fault (SIGBUS) on access */
		if (!r->size || len < r->size || len > SIZE_MAX || r->gpa + r->size < r->gpa ||
		    r->uaddr + r->size < r->uaddr || fstat(u->fds[i], &st) < 0 ||
		    (uint64_t)st.st_size < len) {
			err = -EINVAL;
		} else {
			p = mmap(NULL, (size_t)len, PROT_READ | PROT_WRITE, MAP_SHARED, u->fds[i], 0);
			if (p == MAP_FAILED) {
				err = -errno;
			} else {
				maps[mem.n] = p;
				lens[mem.n] = (size_t)len;
				mem.r[mem.n] = (struct vsw__gmem_region){ .gpa = r->gpa, .size = r->size,
					.uaddr = r->uaddr, .host = (uint8_t *)p + r->mmap_offset };
				mem.n++;
			}
		}
		if (err)
			break;
	}
	drop_msg_fds(u);
	if (err) {
		for (unsigned int i = 0; i < mem.n; i++)
			munmap(maps[i], lens[i]);
		return err;
	}
	unmap_memory(u);
	u->mem = mem;
	memcpy(u->maps, maps, sizeof(maps[0]) * mem.n);
	memcpy(u->map_len, lens, sizeof(lens[0]) * mem.n);
	for (int i = 0; i < VU_NQ; i++)
		if (u->q[i].vq.desc_ua && u->q[i].vq.num)
			vsw__vq_map(&u->q[i].vq, &u->mem);
	return 0;
}

static struct vu_queue *queue_of(struct vhostuser *u, uint32_t index)
{
	return index < VU_NQ ? &u->q[index] : NULL;
}

/* SET_VRING_KICK and SET_VRING_CALL: a queue index, and bit 8 when no
 * descriptor comes with it. */
static int set_vring_fd(struct vhostuser *u, const struct vu_msg *m, bool kick)
{
	struct vu_queue *q = queue_of(u, (uint32_t)(m->p.u64 & 0xff));
	bool nofd = m->p.u64 & 0x100;
	int fd = -1;

	if (m->size < 8 || !q || (nofd ? u->nfds != 0 : u->nfds != 1))
		return -EINVAL;
	if (!nofd) {
		fd = u->fds[0];
		u->nfds = 0;
	}
	if (!kick) {
		close_fd(&q->call);
		q->call = fd;
		return 0;
	}
	ep_del(u, q->kick);
	close_fd(&q->kick);
	if (fd >= 0 && ep_add(u, fd, EPOLLIN, EV_KICK0 + (uint64_t)(q - u->q)) < 0) {
		close(fd);
		return -EIO;
	}
	q->kick = fd;
	q->kick_set = true;
	q->stopped = false;
	/* without protocol features a ring runs as soon as it is kicked */
	if (!(u->features & BIT(VU_F_PROTOCOL_FEATURES)))
		q->enabled = true;
	vsw__vq_start(&q->vq);
	/* the guest's transmit queue kicks; its receive queue only when the
	 * switch waits for buffers */
	vsw__vq_notify(&q->vq, q == &u->q[1]);
	u->more = true; /* look at the rings at once */
	return 0;
}

/* Handle one whole message; a negative errno breaks the connection. */
static int handle(struct vhostuser *u, const struct vu_msg *m)
{
	struct vu_queue *q;
	int r = 0;
	bool replied = false;

	switch (m->request) {
	case VU_GET_FEATURES:
		r = reply_u64(u, m, VU_FEATURES);
		replied = true;
		break;
	case VU_SET_FEATURES:
		if (m->size < 8 || (m->p.u64 & ~VU_FEATURES)) {
			r = -EINVAL;
			break;
		}
		u->features = m->p.u64;
		u->hdr_len = u->features & (BIT(VIRTIO_F_VERSION_1) | BIT(VIRTIO_NET_F_MRG_RXBUF)) ? 12 : 10;
		for (int i = 0; i < VU_NQ; i++) {
			u->q[i].vq.event_idx = u->features & BIT(VIRTIO_RING_F_EVENT_IDX);
			u->q[i].vq.indirect = u->features & BIT(VIRTIO_RING_F_INDIRECT_DESC);
		}
		break;
	case VU_GET_PROTOCOL_FEATURES:
		r = reply_u64(u, m, VU_PROTOCOL_FEATURES);
		replied = true;
		break;
	case VU_SET_PROTOCOL_FEATURES:
		if (m->size < 8)
			r = -EINVAL;
		else
			u->protocol = m->p.u64 & VU_PROTOCOL_FEATURES;
		break;
	case VU_SET_OWNER:
		break;
	case VU_RESET_OWNER:
		reset_device(u);
		break;
	case VU_GET_QUEUE_NUM:
		r = reply_u64(u, m, 1);
		replied = true;
		break;
	case VU_SET_MEM_TABLE:
		r = set_mem_table(u, m);
		break;
	case VU_SET_VRING_NUM:
		q = queue_of(u, m->p.state.index);
		if (m->size < 8 || !q || !m->p.state.num || m->p.state.num > VSW_VQ_MAX ||
		    (m->p.state.num & (m->p.state.num - 1)))
			r = -EINVAL;
		else
			q->vq.num = (uint16_t)m->p.state.num;
		break;
	case VU_SET_VRING_ADDR:
		q = queue_of(u, m->p.addr.index);
		if (m->size < sizeof(m->p.addr) || !q || !q->vq.num) {
			r = -EINVAL;
			break;
		}
		q->vq.desc_ua = m->p.addr.desc;
		q->vq.avail_ua = m->p.addr.avail;
		q->vq.used_ua = m->p.addr.used;
		r = vsw__vq_map(&q->vq, &u->mem);
		break;
	case VU_SET_VRING_BASE:
		q = queue_of(u, m->p.state.index);
		if (m->size < 8 || !q || m->p.state.num > 0xffff)
			r = -EINVAL;
		else
			q->vq.last_avail = q->vq.avail_seen = (uint16_t)m->p.state.num;
		break;
	case VU_GET_VRING_BASE: {
		struct { uint32_t index, num; } st;
		q = queue_of(u, m->p.state.index);
		if (m->size < 8 || !q) {
			r = -EINVAL;
			break;
		}
		/* stop the ring: what was used is published first */
		if (vsw__vq_flush(&q->vq) && q->call >= 0)
			eventfd_write(q->call, 1);
		q->stopped = true;
		ep_del(u, q->kick);
		close_fd(&q->kick);
		q->kick_set = false;
		st.index = m->p.state.index;
		st.num = q->vq.last_avail;
		r = send_reply(u, m, &st, sizeof(st));
		replied = true;
		break;
	}
	case VU_SET_VRING_KICK:
		r = set_vring_fd(u, m, true);
		break;
	case VU_SET_VRING_CALL:
		r = set_vring_fd(u, m, false);
		break;
	case VU_SET_VRING_ERR:
		break; /* its descriptor, if any, is closed below */
	case VU_SET_VRING_ENABLE:
		q = queue_of(u, m->p.state.index);
		if (m->size < 8 || !q)
			r = -EINVAL;
		else
			q->enabled = m->p.state.num != 0;
		break;
	case VU_NET_SET_MTU:
		if (m->size < 8 || m->p.u64 < 68 || m->p.u64 > 65535)
			r = -EINVAL;
		else
			u->mtu = (unsigned int)m->p.u64;
		break;
	default:
		/* not offered (logging, RARP, slave channels...): refused */
		r = -EOPNOTSUPP;
		break;
	}
	drop_msg_fds(u);
	if (u->debug)
		fprintf(stderr, "vu: req %u flags %#x size %u -> %d\n", m->request, m->flags, m->size, r);
	if (r == -EIO)
		return r;
	if (!replied && (m->flags & VU_FLAG_NEED_REPLY) && (u->protocol & BIT(VU_PF_REPLY_ACK)))
		return reply_u64(u, m, r ? 1 : 0);
	return 0; /* a refused request leaves the device as it was */
}

/* Read what the socket has: whole messages are handled as they complete
 * (their descriptors come with their first byte). */
static void read_messages(struct vsw_backend *be, struct vhostuser *u)
{
	for (;;) {
		union {
			char buf[CMSG_SPACE(sizeof(int) * VSW_GMEM_MAX)];
			struct cmsghdr align;
		} ctl;
		uint8_t *base = u->raw;
		size_t want = u->msg_have < VU_HDR ? VU_HDR : VU_HDR + u->msg.size;
		struct iovec iov = { base + u->msg_have, want - u->msg_have };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf,
				     .msg_controllen = sizeof(ctl.buf) };
		ssize_t r = recvmsg(u->cfd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);

		if (r < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (r <= 0) {
			disconnect(be, u);
			return;
		}
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
			if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
				continue;
			size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			for (size_t i = 0; i < k; i++) {
				int fd;
				memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(fd));
				if (u->nfds < VSW_GMEM_MAX)
					u->fds[u->nfds++] = fd;
				else
					close(fd);
			}
		}
		u->msg_have += (size_t)r;
		if (u->msg_have == VU_HDR)
			memcpy(&u->msg, u->raw, VU_HDR);
		if (u->msg_have == VU_HDR && u->msg.size > sizeof(u->msg.p)) {
			disconnect(be, u); /* no message of ours is that long */
			return;
		}
		if (u->msg_have < VU_HDR || u->msg_have < VU_HDR + u->msg.size)
			continue;
		u->msg_have = 0;
		memset(&u->msg.p, 0, sizeof(u->msg.p));
		memcpy(&u->msg.p, u->raw + VU_HDR, u->msg.size);
		if ((u->msg.flags & 3) != VU_VERSION || handle(u, &u->msg) < 0) {
			disconnect(be, u);
			return;
		}
		link_check(be, u);
		if (u->cfd < 0)
			return;
	}
}

/* ---- frames ---- */

static void signal_guest(struct vu_queue *q)
{
	if (vsw__vq_flush(&q->vq) && q->call >= 0)
		eventfd_write(q->call, 1);
}

static bool queue_runs(const struct vu_queue *q)
{
	return q->vq.desc && q->kick_set && q->enabled && !q->stopped && !q->vq.broken;
}

static void count_fault(struct vsw_backend *be, enum vsw__vq_fault f)
{
	if (f == VSW_VQ_BAD_DESC)
		vsw_backend_count(be, VSW_CTR_BAD_DESC, 1);
	else if (f == VSW_VQ_TOO_LONG)
		vsw_backend_count(be, VSW_CTR_TRUNCATED, 1);
	else if (f == VSW_VQ_BAD_HDR)
		vsw_backend_count(be, VSW_CTR_BAD_VNET_HDR, 1);
}

/* The guest's transmit queue: up to 'n' frames into the arena. */
static int take_frames(struct vsw_backend *be, struct vhostuser *u, struct vsw_frame *f, unsigned int n)
{
	struct vu_queue *q = &u->q[1];
	size_t used = 0;
	unsigned int k = 0;
	int r = 0;

	while (k < n && VU_ARENA - used >= VU_SLOT) {
		enum vsw__vq_fault fault;
		uint8_t *buf = u->arena + used;
		size_t len;

		vsw__vq_prefetch(&q->vq, &u->mem, VU_AHEAD, false);
		r = vsw__vq_pop(&q->vq, &u->mem, buf, VU_SLOT, &len, &fault);
		if (r <= 0)
			break;
		if (!fault && len < u->hdr_len)
			fault = VSW_VQ_BAD_HDR;
		if (!fault) {
			f[k] = (struct vsw_frame){ .data = buf + u->hdr_len, .len = (uint32_t)(len - u->hdr_len) };
			if (vsw__vnet_to_frame(buf, &f[k]) < 0)
				fault = VSW_VQ_BAD_HDR;
		}
		if (fault) {
			count_fault(be, fault);
			continue;
		}
		k++;
		used += (len + 63) & ~(size_t)63;
	}
	if (r < 0) {
		vsw_backend_count(be, VSW_CTR_BAD_RING, 1);
		link_check(be, u);
	}
	signal_guest(q);
	/* more waiting than one batch took: come back at once; else ask
	 * for a kick, and look once more in case it came meanwhile */
	if (r > 0 || vsw__vq_notify(&q->vq, true))
		u->more = true;
	return (int)k;
}

static void drain(int fd)
{
	uint64_t v;

	if (fd >= 0 && read(fd, &v, sizeof(v)) < 0)
		v = 0;
}

/* What woke the instance, besides the rings: connections, messages, the
 * reconnect timer, kicks. */
static void housekeeping(struct vsw_backend *be, struct vhostuser *u)
{
	struct epoll_event ev[8];
	int m = epoll_wait(u->epfd, ev, 8, 0);

	for (int i = 0; i < m; i++) {
		uint64_t tag = ev[i].data.u64;
		switch (tag) {
		case EV_LISTEN: {
			int c = accept4(u->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
			/* one front-end per port: a second one waits its turn */
			if (c >= 0 && u->connected)
				close(c);
			else if (c >= 0)
				took_connection(be, u, c);
			break;
		}
		case EV_CONN:
			if (u->cfd >= 0)
				read_messages(be, u);
			break;
		case EV_TIMER:
			drain(u->tfd);
			try_connect(be, u);
			break;
		case EV_CONNECTING:
			connect_done(be, u);
			break;
		case EV_MORE:
			drain(u->morefd);
			u->more_armed = false;
			break;
		case EV_KICK0:
			drain(u->q[0].kick);
			if (u->want_room) {
				u->want_room = false;
				vsw__vq_notify(&u->q[0].vq, false);
				vsw_backend_writable(be);
			}
			break;
		default:
			drain(u->q[1].kick);
			break;
		}
	}
}

static int vu_recv(struct vsw_backend *be, struct vsw_frame *f, unsigned int n)
{
	struct vhostuser *u = vu_of(be);
	bool was_up = u->link;
	int m = 0;

	/* under load the switch asks again at once after a full batch: the
	 * descriptors are looked at every VU_STREAK calls, not every call */
	if (!u->streak || u->streak >= VU_STREAK) {
		u->streak = 0;
		housekeeping(be, u);
	}
	u->more = false;
	if (u->link && !was_up)
		u->more = true; /* the switch sees the link up after this call: frames
				 * taken now would be dropped as link_down */
	else if (u->link)
		m = take_frames(be, u, f, n);
	u->streak = m == (int)n ? u->streak + 1 : 0;
	/* a ring polled without a kick descriptor is looked at every round */
	if (u->connected && u->q[1].kick_set && u->q[1].kick < 0)
		u->more = true;
	/* one write keeps the descriptor readable until it is drained */
	if (u->more && !u->more_armed) {
		eventfd_write(u->morefd, 1);
		u->more_armed = true;
	}
	return m;
}

static int vu_send(struct vsw_backend *be, const struct vsw_frame *f, unsigned int n)
{
	struct vhostuser *u = vu_of(be);
	struct vu_queue *q = &u->q[0];
	bool mrg = u->features & BIT(VIRTIO_NET_F_MRG_RXBUF);
	unsigned int k;
	int r = 1;

	if (!u->link || !queue_runs(q))
		return -ENOTCONN;
	for (k = 0; k < n; k++) {
		uint8_t hdr[12] = { 0 };
		enum vsw__vq_fault fault;

		vsw__vnet_from_frame(&f[k], hdr);
		vsw__vq_prefetch(&q->vq, &u->mem, VU_AHEAD, true);
		r = vsw__vq_push(&q->vq, &u->mem, hdr, u->hdr_len, f[k].data, f[k].len, mrg, &fault);
		if (r <= 0)
			break;
		if (fault == VSW_VQ_TOO_LONG)
			vsw_backend_count(be, VSW_CTR_TX_ERRORS, 1); /* larger than its buffers */
		else if (fault)
			count_fault(be, fault);
		if (q->vq.broken) {
			k++; /* lost with the ring */
			break;
		}
	}
	signal_guest(q);
	/* a ring that stops is counted once, whatever stopped it */
	if (q->vq.broken) {
		vsw_backend_count(be, VSW_CTR_BAD_RING, 1);
		link_check(be, u);
	}
	return (int)k;
}

static void vu_want_writable(struct vsw_backend *be)
{
	struct vhostuser *u = vu_of(be);

	u->want_room = true;
	/* buffers the guest added since the short send: room at once */
	if (vsw__vq_notify(&u->q[0].vq, true) || !queue_runs(&u->q[0])) {
		u->want_room = false;
		vsw__vq_notify(&u->q[0].vq, false);
		vsw_backend_writable(be);
	}
}

static int vu_link_state(struct vsw_backend *be)
{
	return vu_of(be)->link;
}

static uint64_t vu_offloads(struct vsw_backend *be)
{
	uint64_t g = vu_of(be)->features, o = 0;

	if (!(g & BIT(VIRTIO_NET_F_GUEST_CSUM)))
		return 0;
	o = VSW_OFFLOAD_CSUM;
	if (g & BIT(VIRTIO_NET_F_GUEST_TSO4))
		o |= VSW_OFFLOAD_TSO4;
	if (g & BIT(VIRTIO_NET_F_GUEST_TSO6))
		o |= VSW_OFFLOAD_TSO6;
	if ((g & BIT(VIRTIO_NET_F_GUEST_ECN)) && (o & (VSW_OFFLOAD_TSO4 | VSW_OFFLOAD_TSO6)))
		o |= VSW_OFFLOAD_TSO_ECN;
	return o;
}

static int vu_mtu(struct vsw_backend *be)
{
	struct vhostuser *u = vu_of(be);

	return u->mtu ? (int)u->mtu : -EOPNOTSUPP;
}

static int vu_fd(struct vsw_backend *be)
{
	return vu_of(be)->epfd;
}

static void vu_free(struct vhostuser *u)
{
	if (u->cfd >= 0)
		close(u->cfd);
	drop_msg_fds(u);
	reset_device(u);
	close_fd(&u->lfd);
	close_fd(&u->tfd);
	close_fd(&u->pfd);
	close_fd(&u->morefd);
	close_fd(&u->epfd);
	vsw__unix_file_remove(&u->file);
	vsw__free(u->arena);
	vsw__free(u);
}

static void vu_close(struct vsw_backend *be)
{
	vu_free(vu_of(be));
}

/* "PATH[,server|client]": the mode may end the argument too. */
static int parse_arg(struct vhostuser *u, const char *arg, bool *client)
{
	struct sockaddr_un *sun = (struct sockaddr_un *)&u->addr;
	const char *comma = strrchr(arg, ',');
	size_t len = strlen(arg);

	if (comma && (!strcmp(comma, ",client") || !strcmp(comma, ",server"))) {
		*client = !strcmp(comma, ",client");
		len = (size_t)(comma - arg);
	}
	if (!len || len >= sizeof(sun->sun_path))
		return -EINVAL;
	sun->sun_family = AF_UNIX;
	memcpy(sun->sun_path, arg, len);
	sun->sun_path[len] = 0;
	u->alen = sizeof(*sun);
	return 0;
}

static int vu_open(struct vsw_backend *be, const char *arg, const char *options)
{
	struct vhostuser *u = vsw__calloc(1, sizeof(*u));
	char key[16], val[64];
	bool client = false;
	int r, err;

	if (!u)
		return -ENOMEM;
	u->epfd = u->lfd = u->cfd = u->tfd = u->pfd = u->morefd = -1;
	for (int i = 0; i < VU_NQ; i++)
		u->q[i].kick = u->q[i].call = -1;
	u->hdr_len = 10;
	u->reconnect_ms = 1000;
	u->debug = getenv("VSW_VU_DEBUG") != NULL;
	vsw__unix_file_init(&u->file);
	err = parse_arg(u, arg, &client);
	while (!err && (r = vsw__opt_next(&options, key, sizeof(key), val, sizeof(val))) != 0) {
		char *end;
		long v;
		if (r < 0)
			err = r;
		else if (!strcmp(key, "client") && !*val)
			client = true;
		else if (!strcmp(key, "server") && !*val)
			client = false;
		else if (!strcmp(key, "reconnect_ms") && (v = vsw__opt_long(val, 10, 3600000)) > 0)
			u->reconnect_ms = (unsigned int)v;
		else if (!strcmp(key, "mode") && *val && (v = strtol(val, &end, 8)) >= 0 && v <= 0777 && !*end)
			u->file.mode = (int)v;
		else if (!strcmp(key, "group") && (u->file.gid = vsw__unix_group_id(val)) >= 0)
			;
		else
			err = -EINVAL;
	}
	if (err)
		goto fail;
	u->mode = client ? VU_CLIENT : VU_SERVER;
	u->arena = vsw__calloc(1, VU_ARENA);
	u->epfd = epoll_create1(EPOLL_CLOEXEC);
	u->morefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (!u->arena) {
		err = -ENOMEM;
		goto fail;
	}
	if (u->epfd < 0 || u->morefd < 0) {
		err = -errno;
		goto fail;
	}
	err = ep_add(u, u->morefd, EPOLLIN, EV_MORE);
	if (err)
		goto fail;
	if (client) {
		u->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
		if (u->tfd < 0 || (err = ep_add(u, u->tfd, EPOLLIN, EV_TIMER)) < 0) {
			err = err ? err : -errno;
			goto fail;
		}
		try_connect(be, u);
		if (!u->connected)
			arm_reconnect(u, true);
	} else {
		u->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (u->lfd < 0) {
			err = -errno;
			goto fail;
		}
		err = vsw__unix_bind(&u->file, u->lfd, SOCK_STREAM, &u->addr, u->alen);
		if (!err && listen(u->lfd, 4) < 0)
			err = -errno;
		if (!err)
			err = ep_add(u, u->lfd, EPOLLIN, EV_LISTEN);
		if (err)
			goto fail;
	}
	vsw_backend_set_priv(be, u);
	return 0;
fail:
	vu_free(u);
	return err;
}

const struct vsw_backend_ops vsw__vhostuser_ops = {
	.size = sizeof(struct vsw_backend_ops),
	.name = "vhostuser",
	.open = vu_open,
	.close = vu_close,
	.fd = vu_fd,
	.recv = vu_recv,
	.send = vu_send,
	.link_state = vu_link_state,
	.mtu = vu_mtu,
	.offloads = vu_offloads,
	.want_writable = vu_want_writable,
};
