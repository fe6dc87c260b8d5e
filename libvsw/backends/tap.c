// SPDX-License-Identifier: MIT
/*
 * tap.c - "tap:NAME", a tap device: the way a vNIC or a VMkernel
 * port meets a network stack on this host (or in a network namespace the
 * tap is moved into). The backend creates the tap, or attaches to an
 * existing one of that name, with IFF_TAP | IFF_NO_PI, and brings it up.
 *
 * What the kernel transmits on the tap is read from the descriptor; what
 * the switch delivers is written to it, and the kernel receives it on the
 * tap. A tap descriptor moves one frame per read(2) or write(2): the kernel
 * offers no batched interface without vhost, so this backend makes a system
 * call per frame, the only one that does.
 *
 * Offloads (on by default): the tap is opened with IFF_VNET_HDR and offers
 * checksum offload and TSO (TUNSETOFFLOAD), so the stack behind it keeps
 * its offloads and sends one 64 KiB TCP super-frame where it would send
 * forty-five frames: fewer system calls on both sides. Each frame read
 * comes with a virtio_net_hdr, which becomes the frame's offload metadata
 * (vnet.c): the switch passes the super-frame as it is to ports that take
 * it and finishes it for the others. Frames written to the tap carry their
 * metadata in the header too: the backend takes every offload but UDP
 * segmentation, and the kernel finishes what the stack behind the tap
 * cannot take. With offloads=off the kernel finishes everything before the
 * tap, and the switch everything before it writes.
 *
 * The tap's carrier is the switch port's cable: vsw_backend_set_link()
 * switches it (TUNSETCARRIER). Closing the instance deletes a tap that the
 * backend created, unless it was made persistent by someone else.
 *
 * Options: mac=XX:XX:XX:XX:XX:XX sets the tap's MAC address (the address the
 * host or namespace behind the tap sends from: the vNIC's MAC);
 * offloads=on|off (default on).
 */
#include "backends/private.h"

#include <fcntl.h>
#include <linux/if_tun.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <unistd.h>

#define TAP_SLOT 9216u /* an MTU 9000 frame with headers and tags */
/* The receive arena of one batch: VSW_BATCH_MAX frames of TAP_SLOT bytes
 * without offloads; with them, a read may bring a 64 KiB super-frame, so a
 * batch ends when the arena cannot take one more (36 of them). */
#define TAP_ARENA ((size_t)VSW_BATCH_MAX * TAP_SLOT)
#define TAP_READ_MAX (65536u + 64u)
#define TAP_VNET_HLEN 10u /* struct virtio_net_hdr */

struct tap {
	int fd;
	char ifname[IFNAMSIZ];
	uint8_t *buf;          /* the receive arena of one batch */
	bool vnet;             /* IFF_VNET_HDR: frames come with offload metadata */
	int carrier;
	bool dead;             /* the tap was deleted under us */
};

static struct tap *tap_of(struct vsw_backend *be)
{
	return vsw_backend_priv(be);
}

static int tap_open(struct vsw_backend *be, const char *arg, const char *options)
{
	struct ifreq ifr;
	struct tap *t;
	int err;

	bool set_mac = false, offloads = true;
	uint8_t mac[6];
	char key[16], val[32];
	int r;

	if (vsw__netdev_name_ok(arg))
		return -EINVAL;
	while ((r = vsw__opt_next(&options, key, sizeof(key), val, sizeof(val))) > 0) {
		unsigned int b[6];
		char tail;
		if (!strcmp(key, "offloads") && (!strcmp(val, "on") || !strcmp(val, "off"))) {
			offloads = !strcmp(val, "on");
			continue;
		}
		if (strcmp(key, "mac") || sscanf(val, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2],
						 &b[3], &b[4], &b[5], &tail) != 6)
			return -EINVAL;
		for (int i = 0; i < 6; i++)
			mac[i] = (uint8_t)b[i];
		if (vsw__check_port_mac(mac))
			return -EINVAL;
		set_mac = true;
	}
	if (r < 0)
		return r;
	t = vsw__calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->fd = -1;
	t->buf = vsw__calloc(1, TAP_ARENA);
	if (!t->buf) {
		err = -ENOMEM;
		goto fail;
	}
	t->fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (t->fd < 0) {
		err = -errno;
		goto fail;
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | (offloads ? IFF_VNET_HDR : 0);
	strncpy(ifr.ifr_name, arg, IFNAMSIZ - 1);
	if (ioctl(t->fd, TUNSETIFF, &ifr) < 0) {
		err = -errno;
		goto fail;
	}
	if (offloads) {
		int hlen = TAP_VNET_HLEN;
		/* what the stack behind the tap may hand us unfinished */
		unsigned int feat = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN;
		if (ioctl(t->fd, TUNSETVNETHDRSZ, &hlen) < 0 || ioctl(t->fd, TUNSETOFFLOAD, feat) < 0) {
			err = -errno;
			goto fail;
		}
		t->vnet = true;
	}
	memcpy(t->ifname, ifr.ifr_name, IFNAMSIZ);
	t->ifname[IFNAMSIZ - 1] = 0;
	if (set_mac) {
		memset(&ifr, 0, sizeof(ifr));
		ifr.ifr_hwaddr.sa_family = 1; /* ARPHRD_ETHER */
		memcpy(ifr.ifr_hwaddr.sa_data, mac, 6);
		if (ioctl(t->fd, SIOCSIFHWADDR, &ifr) < 0) {
			err = -errno;
			goto fail;
		}
	}
	err = vsw__netdev_up(t->ifname, false);
	if (err)
		goto fail;
	t->carrier = 1;
	vsw_backend_set_priv(be, t);
	return 0;
fail:
	if (t->fd >= 0)
		close(t->fd);
	vsw__free(t->buf);
	vsw__free(t);
	return err;
}

static void tap_close(struct vsw_backend *be)
{
	struct tap *t = tap_of(be);

	close(t->fd);
	vsw__free(t->buf);
	vsw__free(t);
}

static int tap_fd(struct vsw_backend *be)
{
	return tap_of(be)->fd;
}

static int tap_recv(struct vsw_backend *be, struct vsw_frame *f, unsigned int n)
{
	struct tap *t = tap_of(be);
	size_t used = 0, rmax = t->vnet ? TAP_READ_MAX : TAP_SLOT;
	unsigned int k = 0;

	while (k < n && used + rmax <= TAP_ARENA) {
		uint8_t *b = t->buf + used;
		uint8_t hdr[TAP_VNET_HLEN];
		struct iovec iov[2] = { { hdr, sizeof(hdr) }, { b, rmax } };
		ssize_t r = t->vnet ? readv(t->fd, iov, 2) : read(t->fd, b, rmax);
		if (r < 0) {
			if (errno == EAGAIN || errno == EINTR)
				break;
			if (k)
				break;
			/* EBADFD: the device is gone (deleted, or its namespace was) */
			if (errno == EBADFD || errno == ENODEV)
				t->dead = true;
			return -errno;
		}
		if (r == 0)
			break;
		if (t->vnet) {
			if ((size_t)r <= sizeof(hdr)) {
				vsw_backend_count(be, VSW_CTR_RX_ERRORS, 1);
				continue;
			}
			r -= (ssize_t)sizeof(hdr);
		}
		f[k] = (struct vsw_frame){ .data = b, .len = (uint32_t)r };
		if (t->vnet && vsw__vnet_to_frame(hdr, &f[k])) {
			vsw_backend_count(be, VSW_CTR_RX_ERRORS, 1);
			continue;
		}
		k++;
		used += ((size_t)r + 7) & ~(size_t)7;
	}
	return (int)k;
}

static int tap_send(struct vsw_backend *be, const struct vsw_frame *f, unsigned int n)
{
	struct tap *t = tap_of(be);
	uint8_t hdr[TAP_VNET_HLEN];
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct iovec iov[2] = { { hdr, sizeof(hdr) }, { (void *)f[i].data, f[i].len } };
		ssize_t r;

		if (t->vnet) {
			vsw__vnet_from_frame(&f[i], hdr);
			r = writev(t->fd, iov, 2);
		} else {
			r = write(t->fd, f[i].data, f[i].len);
		}
		if (r < 0) {
			if (errno == EAGAIN || errno == ENOBUFS)
				break;
			/* EIO: the tap is down on the kernel side; the frame is lost */
			if (!i)
				return -errno;
			break;
		}
	}
	return (int)i;
}

/* What the kernel behind the tap takes unfinished (tun_get_user() hands
 * it to virtio_net_hdr_to_skb()): all but UDP segmentation, which not
 * every kernel knows there. */
static uint64_t tap_offloads(struct vsw_backend *be)
{
	return tap_of(be)->vnet ? VSW_OFFLOAD_CSUM | VSW_OFFLOAD_TSO4 | VSW_OFFLOAD_TSO6 |
					  VSW_OFFLOAD_TSO_ECN : 0;
}

static int tap_link_state(struct vsw_backend *be)
{
	return tap_of(be)->carrier && !tap_of(be)->dead;
}

static int tap_set_link(struct vsw_backend *be, int up)
{
	struct tap *t = tap_of(be);

	if (ioctl(t->fd, TUNSETCARRIER, &up) < 0)
		return -errno;
	t->carrier = up;
	vsw_backend_notify(be);
	return 0;
}

static int tap_mac(struct vsw_backend *be, uint8_t mac[6])
{
	struct ifreq ifr;

	/* asked through the descriptor: works after the tap moved namespaces */
	memset(&ifr, 0, sizeof(ifr));
	if (ioctl(tap_of(be)->fd, SIOCGIFHWADDR, &ifr) < 0)
		return vsw__netdev_mac(tap_of(be)->ifname, mac);
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	return 0;
}

static int tap_mtu(struct vsw_backend *be)
{
	return vsw__netdev_mtu(tap_of(be)->ifname);
}

const struct vsw_backend_ops vsw__tap_ops = {
	.size = sizeof(struct vsw_backend_ops),
	.name = "tap",
	.open = tap_open,
	.close = tap_close,
	.fd = tap_fd,
	.recv = tap_recv,
	.send = tap_send,
	.link_state = tap_link_state,
	.set_link = tap_set_link,
	.mac = tap_mac,
	.mtu = tap_mtu,
	.offloads = tap_offloads,
};
