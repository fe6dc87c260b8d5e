// SPDX-License-Identifier: MIT
/*
 * tap.c - "tap:NAME", a tap device: the way a vNIC or a VMkernel
 * port meets a network stack on this host or in a network namespace. The
 * backend creates the tap, or adopts an existing one of that name, with
 * IFF_TAP | IFF_NO_PI, and brings it up.
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
 * switches it (TUNSETCARRIER). Closing the instance deletes a tap that is
 * not persistent; a persistent one (ip tuntap's, or made so by the
 * persist option or vsw_backend_set_persist()) stays for the next open.
 *
 * Spec: tap:NAME[,OPTION...]: the options may end the argument, or come in
 * the options string, or both (the string's win). Options:
 * mac=XX:XX:XX:XX:XX:XX sets the tap's MAC address (the address the
 * host or namespace behind the tap sends from: the vNIC's MAC);
 * offloads=on|off (default on); netns=NS opens the tap inside the named
 * network namespace /run/netns/NS (the descriptor then keeps working from
 * the caller's own); existing: adopt the tap NAME, never create one
 * (-ENODEV if there is none); new: create it, never adopt (-EEXIST if it
 * is there); without either, adopt or create. A device of that name that
 * is not a tap (a veth, a tun) is -EEXIST, never attached. persist makes
 * the tap persistent (TUNSETPERSIST). What open did, adopted or created,
 * is logged when a port attaches the instance; why it failed, by
 * vsw_port_attach().
 */
#include "backends/private.h"

#include <fcntl.h>
#include <linux/ethtool.h>
#include <linux/if_tun.h>
#include <linux/sockios.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
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
	int ctl;               /* a datagram socket in the tap's namespace: its MTU */
	char ifname[IFNAMSIZ];
	uint8_t *buf;          /* the receive arena of one batch */
	bool vnet;             /* IFF_VNET_HDR: frames come with offload metadata */
	int carrier;
	bool dead;             /* the tap was deleted under us */
};

/* What "tap:NAME[,OPTION...]" and the options string ask for. */
struct tap_req {
	char name[IFNAMSIZ];
	char netns[VSW_NAME_MAX + 1];
	bool set_mac, offloads, persist;
	enum { TAP_ANY, TAP_EXISTING, TAP_NEW } which;
	uint8_t mac[6];
};

static struct tap *tap_of(struct vsw_backend *be)
{
	return vsw_backend_priv(be);
}

static int parse_mac(const char *val, uint8_t mac[6])
{
	unsigned int b[6];
	char tail;

	if (sscanf(val, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
		   &tail) != 6)
		return -EINVAL;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	return vsw__check_port_mac(mac);
}

/* One option; -EINVAL (with the reason noted) for one the tap does not take. */
static int parse_opt(struct tap_req *q, const char *key, const char *val)
{
	bool bare = !*val;

	if (!strcmp(key, "offloads") && (!strcmp(val, "on") || !strcmp(val, "off")))
		q->offloads = !strcmp(val, "on");
	else if (!strcmp(key, "mac") && !parse_mac(val, q->mac))
		q->set_mac = true;
	else if (!strcmp(key, "netns") && !vsw__netns_check_name(val))
		snprintf(q->netns, sizeof(q->netns), "%s", val);
	else if (!strcmp(key, "persist") && bare)
		q->persist = true;
	else if ((!strcmp(key, "existing") || !strcmp(key, "new")) && bare)
		q->which = !strcmp(key, "new") ? TAP_NEW : TAP_EXISTING;
	else {
		vsw__backend_note("tap: bad option '%s%s%s' (offloads=on|off, mac=, netns=, "
				  "existing, new, persist)", key, bare ? "" : "=", val);
		return -EINVAL;
	}
	return 0;
}

static int parse_opts(struct tap_req *q, const char *options)
{
	char key[16], val[VSW_NAME_MAX + 1];
	int r;

	while ((r = vsw__opt_next(&options, key, sizeof(key), val, sizeof(val))) > 0)
		if (parse_opt(q, key, val))
			return -EINVAL;
	if (r < 0)
		vsw__backend_note("tap: malformed or too long option");
	return r;
}

/* "NAME[,OPTION...]" then the options string: options may end the argument
 * as they end vhostuser's path. */
static int parse_req(struct tap_req *q, const char *arg, const char *options)
{
	const char *comma = strchr(arg, ',');
	size_t n = comma ? (size_t)(comma - arg) : strlen(arg);
	int err;

	*q = (struct tap_req){ .offloads = true };
	if (n < sizeof(q->name))
		memcpy(q->name, arg, n); /* else left empty: refused below */
	if (vsw__netdev_name_ok(q->name)) {
		vsw__backend_note("tap: bad interface name '%.*s' (1 to 15 bytes, no '/' or space)",
				  (int)(n < 32 ? n : 32), arg);
		return -EINVAL;
	}
	err = comma ? parse_opts(q, comma + 1) : 0;
	if (!err)
		err = parse_opts(q, options);
	/* adopting needs the name itself: a template (tap%d) names no tap yet */
	if (!err && q->which == TAP_EXISTING && strchr(q->name, '%')) {
		vsw__backend_note("tap %s: 'existing' needs a name, not a template", q->name);
		err = -EINVAL;
	}
	return err;
}

/* What holds 'name' in the calling thread's namespace: 1 a tap, 0 nothing,
 * or -EEXIST (a device of another kind: a veth, a tun...). */
static int name_taken(int ctl, const char *name, int *ifindex)
{
	struct ethtool_drvinfo info = { .cmd = ETHTOOL_GDRVINFO };
	struct ifreq ifr;

	*ifindex = 0;
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, name, strlen(name));
	if (strchr(name, '%') || ioctl(ctl, SIOCGIFINDEX, &ifr) < 0)
		return 0;
	*ifindex = ifr.ifr_ifindex;
	ifr.ifr_data = (void *)&info;
	/* the kernel's tun driver names itself "tun", its mode in bus_info: "tap" or "tun" */
	if (ioctl(ctl, SIOCETHTOOL, &ifr) < 0)
		snprintf(info.driver, sizeof(info.driver), "unknown");
	else if (!strcmp(info.driver, "tun") && !strcmp(info.bus_info, "tap"))
		return 1;
	vsw__backend_note("tap %s: the name is taken by a device that is not a tap (driver %s%s%s):"
			  " not attached", name, info.driver, strcmp(info.driver, "tun") ? "" : ", mode ",
			  strcmp(info.driver, "tun") ? "" : info.bus_info);
	return -EEXIST;
}

static int tap_ifindex(int ctl, const char *name)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, name, strlen(name));
	return ioctl(ctl, SIOCGIFINDEX, &ifr) < 0 ? -errno : ifr.ifr_ifindex;
}

/* Open the tap in the calling thread's namespace: adopt the one named, or
 * create it, as q->which allows; 'adopted' tells which happened. */
static int tap_attach_dev(struct tap *t, const struct tap_req *q, bool *adopted)
{
	struct ifreq ifr;
	int before, after, err;

	t->ctl = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (t->ctl < 0)
		return -errno;
	err = name_taken(t->ctl, q->name, &before);
	if (err < 0)
		return err;
	if (err && q->which == TAP_NEW) {
		vsw__backend_note("tap %s: exists (ifindex %d) and 'new' was asked", q->name, before);
		return -EEXIST;
	}
	if (!err && q->which == TAP_EXISTING) {
		vsw__backend_note("tap %s: no such tap%s%s and 'existing' was asked: none created",
				  q->name, *q->netns ? " in netns " : "", q->netns);
		return -ENODEV;
	}
	t->fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (t->fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = (short)(IFF_TAP | IFF_NO_PI | (q->offloads ? IFF_VNET_HDR : 0) |
				(q->which == TAP_NEW ? IFF_TUN_EXCL : 0));
	memcpy(ifr.ifr_name, q->name, sizeof(q->name));
	if (ioctl(t->fd, TUNSETIFF, &ifr) < 0) {
		err = -errno;
		if (err == -EBUSY && q->which == TAP_NEW)
			err = -EEXIST; /* made meanwhile (IFF_TUN_EXCL) */
		vsw__backend_note("tap %s: %s", q->name, strerror(-err));
		return err;
	}
	memcpy(t->ifname, ifr.ifr_name, IFNAMSIZ);
	t->ifname[IFNAMSIZ - 1] = 0;
	after = tap_ifindex(t->ctl, t->ifname);
	*adopted = before > 0 && after == before;
	if (q->which == TAP_EXISTING && !*adopted) {
		/* deleted since we looked, and made anew by TUNSETIFF: the
		 * descriptor's close takes it away again */
		vsw__backend_note("tap %s: went away while adopted: none created", q->name);
		return -ENODEV;
	}
	if (q->persist && ioctl(t->fd, TUNSETPERSIST, 1) < 0)
		return -errno;
	return after < 0 ? after : 0;
}

/* The rest of the setup: offloads, MAC, up; in the tap's namespace. */
static int tap_setup(struct tap *t, const struct tap_req *q)
{
	struct ifreq ifr;

	if (q->offloads) {
		int hlen = TAP_VNET_HLEN;
		/* what the stack behind the tap may hand us unfinished */
		unsigned int feat = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN;
		if (ioctl(t->fd, TUNSETVNETHDRSZ, &hlen) < 0 || ioctl(t->fd, TUNSETOFFLOAD, feat) < 0)
			return -errno;
		t->vnet = true;
	}
	if (q->set_mac) {
		memset(&ifr, 0, sizeof(ifr));
		ifr.ifr_hwaddr.sa_family = 1; /* ARPHRD_ETHER */
		memcpy(ifr.ifr_hwaddr.sa_data, q->mac, 6);
		if (ioctl(t->fd, SIOCSIFHWADDR, &ifr) < 0)
			return -errno;
	}
	return vsw__netdev_up(t->ifname, false);
}

static void tap_free(struct tap *t)
{
	if (t->fd >= 0)
		close(t->fd);
	if (t->ctl >= 0)
		close(t->ctl);
	vsw__free(t->buf);
	vsw__free(t);
}

static int tap_open(struct vsw_backend *be, const char *arg, const char *options)
{
	struct tap_req q;
	struct tap *t;
	bool adopted = false;
	int saved, err, err2;

	err = parse_req(&q, arg, options);
	if (err)
		return err;
	t = vsw__calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->fd = t->ctl = -1;
	t->buf = vsw__calloc(1, TAP_ARENA);
	if (!t->buf) {
		tap_free(t);
		return -ENOMEM;
	}
	err = vsw__netns_enter(q.netns, &saved);
	if (err) {
		vsw__backend_note("tap %s: netns '%s': %s", q.name, q.netns, strerror(-err));
		tap_free(t);
		return err;
	}
	err = tap_attach_dev(t, &q, &adopted);
	if (!err)
		err = tap_setup(t, &q);
	err2 = vsw__netns_leave(saved);
	if (err2)
		vsw__backend_note("tap %s: cannot leave netns '%s': %s", q.name, q.netns,
				  strerror(-err2));
	if (!err && err2)
		err = err2;
	if (err) {
		/* a tap made persistent here goes with the failure */
		if (q.persist && !adopted && t->fd >= 0)
			(void)ioctl(t->fd, TUNSETPERSIST, 0);
		tap_free(t);
		return err;
	}
	vsw__backend_note("%s tap %s (ifindex %d)%s%s%s", adopted ? "adopted" : "created",
			  t->ifname, tap_ifindex(t->ctl, t->ifname), *q.netns ? " in netns " : "",
			  q.netns, q.persist ? ", persistent" : "");
	t->carrier = 1;
	vsw_backend_set_priv(be, t);
	return 0;
}

static void tap_close(struct vsw_backend *be)
{
	struct tap *t = tap_of(be);

	/* a persistent tap stays, with its namespace, for the next open */
	tap_free(t);
}

static int tap_set_persist(struct vsw_backend *be, int persist)
{
	if (ioctl(tap_of(be)->fd, TUNSETPERSIST, persist) < 0)
		return -errno;
	return 0;
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
	struct tap *t = tap_of(be);
	struct ifreq ifr;

	/* asked in the tap's own namespace, wherever the caller is */
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, t->ifname, IFNAMSIZ);
	return ioctl(t->ctl, SIOCGIFMTU, &ifr) < 0 ? -errno : ifr.ifr_mtu;
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
	.set_persist = tap_set_persist,
};
