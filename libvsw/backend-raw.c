// SPDX-License-Identifier: MIT
/*
 * backend-raw.c - "raw:IFNAME", the simple, portable path to an interface:
 * an AF_PACKET SOCK_RAW socket read with recvmmsg() and written with
 * sendmmsg(), one system call per batch each way. VLAN tags the kernel
 * stripped come back from PACKET_AUXDATA control messages and travel in the
 * frame descriptor, as with the afpacket backend.
 *
 * Options: none.
 */
#include "internal.h"
#include "netdev.h"
#include "packet-socket.h"

#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

struct raw {
	int fd;
	char ifname[IFNAMSIZ];
	int ifindex;
	unsigned int slot;      /* bytes per receive buffer (largest frame + 4) */
	uint8_t *buf;           /* VSW_BATCH_MAX receive buffers */
	uint8_t *scratch;       /* frames whose outer S-tag is put back */
	struct mmsghdr *msgs;
	struct iovec *iov;
	union {
		struct cmsghdr align;
		char b[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
	} *cmsg;
};

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
	r->slot = (unsigned int)mtu + 14 + 8 + 4;
	r->buf = vsw__calloc(VSW_BATCH_MAX, r->slot);
	r->scratch = vsw__calloc(VSW_BATCH_MAX, r->slot + 4);
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

static int raw_recv(struct vsw_backend *be, struct vsw_frame *f, unsigned int n)
{
	struct raw *r = raw_of(be);
	int got, k = 0;

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
	for (int i = 0; i < got; i++) {
		struct msghdr *m = &r->msgs[i].msg_hdr;
		/* a GSO super-frame does not fit: its full length makes the switch
		 * drop and count it as oversize */
		uint32_t len = (m->msg_flags & MSG_TRUNC) ? r->slot : r->msgs[i].msg_len;
		f[k] = (struct vsw_frame){ .data = r->iov[i].iov_base, .len = len };
		for (struct cmsghdr *c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR(m, c)) {
			if (c->cmsg_level == SOL_PACKET && c->cmsg_type == PACKET_AUXDATA) {
				struct tpacket_auxdata aux;
				memcpy(&aux, CMSG_DATA(c), sizeof(aux));
				vsw__packet_vlan(&f[k], aux.tp_status, aux.tp_vlan_tci, aux.tp_vlan_tpid,
						 r->scratch + (size_t)k * (r->slot + 4));
			}
		}
		k++;
	}
	return k;
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

static int raw_link_state(struct vsw_backend *be)
{
	struct raw *r = raw_of(be);
	int x = vsw__packet_rebind(r->fd, r->ifname, r->ifindex);

	if (x < 0)
		return 0;
	if (x > 0)
		r->ifindex = x;
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
