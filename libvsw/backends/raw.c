// SPDX-License-Identifier: MIT
/*
 * raw.c - "raw:IFNAME", the simple, portable path to an interface:
 * an AF_PACKET SOCK_RAW socket read with recvmmsg() and written with
 * sendmmsg(), one system call per batch each way. VLAN tags the kernel
 * stripped come back from PACKET_AUXDATA control messages and travel in the
 * frame descriptor, as with the afpacket backend.
 *
 * The receive buffers follow the interface's MTU (read at every link poll);
 * a frame longer than the MTU allows, or cut to its buffer (MSG_TRUNC), is
 * dropped and counted as truncated, and what the kernel dropped with the
 * socket's queue full is read from PACKET_STATISTICS and counted as
 * rx_dropped.
 *
 * Options: none.
 */
#include "backends/private.h"
#include "backends/packet-socket.h"

#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

struct raw {
	int fd;
	char ifname[IFNAMSIZ];
	int ifindex;
	int mtu, mtu_want;      /* the MTU the buffers are sized for; the last seen */
	bool handed;            /* the last receive handed out frames */
	unsigned int frame_max; /* longest frame handed over, as on the wire */
	unsigned int slot;      /* bytes per receive buffer and scratch copy */
	uint8_t *buf;           /* VSW_BATCH_MAX receive buffers */
	uint8_t *scratch;       /* frames whose outer S-tag is put back */
	struct mmsghdr *msgs;
	struct iovec *iov;
	union {
		struct cmsghdr align;
		char b[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
	} *cmsg;
};

static void raw_rcvbuf(struct raw *r);

static struct raw *raw_of(struct vsw_backend *be)
{
	return vsw_backend_priv(be);
}

static void raw_free(struct raw *r)
{
	if (r->fd >= 0)
		close(r->fd);
	vsw__free(r->buf);
	vsw__free(r->scratch);
	vsw__free(r->msgs);
	vsw__free(r->iov);
	vsw__free(r->cmsg);
	vsw__free(r);
}

static int raw_open(struct vsw_backend *be, const char *arg, const char *options)
{
	struct raw *r;
	int err, mtu;

	if (vsw__netdev_name_ok(arg) || (options && *options))
		return -EINVAL;
	r = vsw__calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->fd = -1;
	strcpy(r->ifname, arg);
	mtu = vsw__netdev_mtu(arg);
	if (mtu < 0) {
		err = mtu;
		goto fail;
	}
	if (mtu > VSW_PACKET_MTU_MAX)
		mtu = VSW_PACKET_MTU_MAX;
	r->mtu = r->mtu_want = mtu;
	r->frame_max = vsw__packet_frame_max(mtu);
	/* one byte more than the longest frame: a longer one is seen */
	r->slot = r->frame_max + 4;
	r->buf = vsw__calloc(VSW_BATCH_MAX, r->slot);
	r->scratch = vsw__calloc(VSW_BATCH_MAX, r->slot);
	r->msgs = vsw__calloc(VSW_BATCH_MAX, sizeof(*r->msgs));
	r->iov = vsw__calloc(VSW_BATCH_MAX, sizeof(*r->iov));
	r->cmsg = vsw__calloc(VSW_BATCH_MAX, sizeof(*r->cmsg));
	if (!r->buf || !r->scratch || !r->msgs || !r->iov || !r->cmsg) {
		err = -ENOMEM;
		goto fail;
	}
	r->fd = vsw__packet_socket();
	if (r->fd < 0) {
		err = r->fd;
		goto fail;
	}
	raw_rcvbuf(r);
	r->ifindex = vsw__packet_bind(r->fd, arg);
	if (r->ifindex < 0) {
		err = r->ifindex;
		goto fail;
	}
	vsw_backend_set_priv(be, r);
	return 0;
fail:
	raw_free(r);
	return err;
}

static void raw_close(struct vsw_backend *be)
{
	raw_free(raw_of(be));
}

static int raw_fd(struct vsw_backend *be)
{
	return raw_of(be)->fd;
}

/*
 * The socket's queue holds a batch of the longest frames (the default,
 * about 200 KiB, holds three of 64 KiB): with SO_RCVBUFFORCE where the
 * program may (CAP_NET_ADMIN), else as far as net.core.rmem_max allows.
 */
static void raw_rcvbuf(struct raw *r)
{
	int want = (int)(VSW_BATCH_MAX * (r->slot + 1024u));

	if (setsockopt(r->fd, SOL_SOCKET, SO_RCVBUFFORCE, &want, sizeof(want)) < 0)
		(void)setsockopt(r->fd, SOL_SOCKET, SO_RCVBUF, &want, sizeof(want));
}

/* Size the buffers for the MTU seen at the last link poll. On failure the
 * old ones stay, with the old limit, and the next receive or link poll
 * tries again. */
static int raw_follow(struct raw *r)
{
	unsigned int fmax = vsw__packet_frame_max(r->mtu_want), slot = fmax + 4;
	uint8_t *buf = vsw__calloc(VSW_BATCH_MAX, slot);
	uint8_t *scratch = vsw__calloc(VSW_BATCH_MAX, slot);

	if (!buf || !scratch) {
		vsw__free(buf);
		vsw__free(scratch);
		return -ENOMEM;
	}
	vsw__free(r->buf);
	vsw__free(r->scratch);
	r->buf = buf;
	r->scratch = scratch;
	r->slot = slot;
	r->frame_max = fmax;
	r->mtu = r->mtu_want;
	raw_rcvbuf(r);
	return 0;
}

/*
 * Take the i-th message as f[*k] if it is whole and no longer than the
 * interface's MTU allows (its S-tag put back); else count it truncated.
 */
static bool take(struct raw *r, struct vsw_frame *f, unsigned int *k, unsigned int i)
{
	struct msghdr *m = &r->msgs[i].msg_hdr;
	struct tpacket_auxdata aux = { 0 };
	struct vsw_frame *x = &f[*k];

	if (m->msg_flags & MSG_TRUNC)
		return false;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR(m, c))
		if (c->cmsg_level == SOL_PACKET && c->cmsg_type == PACKET_AUXDATA)
			memcpy(&aux, CMSG_DATA(c), sizeof(aux));
	if (vsw__packet_wire_len(r->msgs[i].msg_len, aux.tp_status) > r->frame_max)
		return false;
	*x = (struct vsw_frame){ .data = r->iov[i].iov_base, .len = r->msgs[i].msg_len };
	if (vsw__packet_vlan(x, aux.tp_status, aux.tp_vlan_tci, aux.tp_vlan_tpid,
			     r->scratch + (size_t)*k * r->slot, r->slot))
		return false;
	(*k)++;
	return true;
}

static int raw_recv(struct vsw_backend *be, struct vsw_frame *f, unsigned int n)
{
	struct raw *r = raw_of(be);
	unsigned int k = 0;
	uint64_t cut = 0;
	int got;

	/* the frames of the previous call are done with: a new MTU that the
	 * link poll could not apply then is applied now */
	if (r->mtu_want != r->mtu)
		raw_follow(r);
	r->handed = false;
	for (unsigned int i = 0; i < n; i++) {
		r->iov[i] = (struct iovec){ .iov_base = r->buf + (size_t)i * r->slot, .iov_len = r->slot };
		r->msgs[i].msg_hdr = (struct msghdr){
			.msg_iov = &r->iov[i], .msg_iovlen = 1,
			.msg_control = r->cmsg[i].b, .msg_controllen = sizeof(r->cmsg[i].b),
		};
	}
	got = recvmmsg(r->fd, r->msgs, n, MSG_DONTWAIT, NULL);
	if (got < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		return -errno;
	}
	for (int i = 0; i < got; i++)
		if (!take(r, f, &k, (unsigned int)i))
			cut++;
	if (cut) {
		vsw_backend_count(be, VSW_CTR_TRUNCATED, cut);
		/* maybe the MTU grew and the switch has not read it yet:
		 * have it poll the link now */
		vsw_backend_notify(be);
	}
	r->handed = k > 0;
	return (int)k;
}

static int raw_send(struct vsw_backend *be, const struct vsw_frame *f, unsigned int n)
{
	struct raw *r = raw_of(be);
	int sent;

	for (unsigned int i = 0; i < n; i++) {
		r->iov[i] = (struct iovec){ .iov_base = (void *)f[i].data, .iov_len = f[i].len };
		r->msgs[i].msg_hdr = (struct msghdr){ .msg_iov = &r->iov[i], .msg_iovlen = 1 };
	}
	sent = sendmmsg(r->fd, r->msgs, n, MSG_DONTWAIT);
	if (sent < 0)
		return errno == EAGAIN || errno == ENOBUFS ? 0 : -errno;
	return sent;
}

/*
 * The link poll (whenever the switch's loop reads the link: on rtnetlink
 * link events of the interface, or every 100 ms in another network
 * namespace; 100 ms after the port carried frames; after a failed receive
 * and a truncated frame): the carrier, the kernel's drops since the last
 * poll, and the interface's MTU, which the buffers follow; at once, unless
 * a program receiving from an instance no port owns may still hold the
 * last frames.
 */
static int raw_link_state(struct vsw_backend *be)
{
	struct raw *r = raw_of(be);
	int x = vsw__packet_rebind(r->fd, r->ifname, r->ifindex), mtu;
	uint64_t drops;

	if (x < 0)
		return 0;
	if (x > 0)
		r->ifindex = x;
	drops = vsw__packet_drops(r->fd, false);
	if (drops)
		vsw_backend_count(be, VSW_CTR_RX_DROPPED, drops);
	mtu = vsw__netdev_mtu(r->ifname);
	if (mtu > VSW_PACKET_MTU_MAX)
		mtu = VSW_PACKET_MTU_MAX;
	if (mtu > 0 && mtu != r->mtu) {
		r->mtu_want = mtu;
		if (vsw__backend_owned(be) || !r->handed)
			raw_follow(r);
	}
	return vsw__netdev_running(r->ifname);
}

static int raw_mac(struct vsw_backend *be, uint8_t mac[6])
{
	return vsw__netdev_mac(raw_of(be)->ifname, mac);
}

static int raw_mtu(struct vsw_backend *be)
{
	return vsw__netdev_mtu(raw_of(be)->ifname);
}

const struct vsw_backend_ops vsw__raw_ops = {
	.size = sizeof(struct vsw_backend_ops),
	.name = "raw",
	.open = raw_open,
	.close = raw_close,
	.fd = raw_fd,
	.recv = raw_recv,
	.send = raw_send,
	.link_state = raw_link_state,
	.mac = raw_mac,
	.mtu = raw_mtu,
};
