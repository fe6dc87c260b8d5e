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
 * call per frame, the only one that does. The kernel finishes checksums and
 * segmentation before handing frames to a tap without offloads, so every
 * frame is a plain Ethernet frame.
 *
 * The tap's carrier is the switch port's cable: vsw_backend_set_link()
 * switches it (TUNSETCARRIER). Closing the instance deletes a tap that the
 * backend created, unless it was made persistent by someone else.
 *
 * Options: mac=XX:XX:XX:XX:XX:XX sets the tap's MAC address (the address the
 * host or namespace behind the tap sends from: the vNIC's MAC).
 */
#include "backends/private.h"

#include <fcntl.h>
#include <linux/if_tun.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define TAP_SLOT 9216u /* an MTU 9000 frame with headers and tags */

struct tap {
	int fd;
	char ifname[IFNAMSIZ];
	uint8_t *buf;          /* VSW_BATCH_MAX receive buffers */
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

	bool set_mac = false;
	uint8_t mac[6];
	char key[16], val[32];
	int r;

	if (vsw__netdev_name_ok(arg))
		return -EINVAL;
	while ((r = vsw__opt_next(&options, key, sizeof(key), val, sizeof(val))) > 0) {
		unsigned int b[6];
		char tail;
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
	t->buf = vsw__calloc(VSW_BATCH_MAX, TAP_SLOT);
	if (!t->buf) {
		vsw__free(t);
		return -ENOMEM;
	}
	t->fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (t->fd < 0) {
		err = -errno;
		goto fail;
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	strncpy(ifr.ifr_name, arg, IFNAMSIZ - 1);
	if (ioctl(t->fd, TUNSETIFF, &ifr) < 0) {
		err = -errno;
		goto fail;
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
	unsigned int k = 0;

	while (k < n) {
		uint8_t *b = t->buf + (size_t)k * TAP_SLOT;
		ssize_t r = read(t->fd, b, TAP_SLOT);
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
		f[k++] = (struct vsw_frame){ .data = b, .len = (uint32_t)r };
	}
	return (int)k;
}

static int tap_send(struct vsw_backend *be, const struct vsw_frame *f, unsigned int n)
{
	struct tap *t = tap_of(be);
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (write(t->fd, f[i].data, f[i].len) < 0) {
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
};
