// SPDX-License-Identifier: MIT
/*
 * Description: the receive paths of the afpacket and raw backends at the
 * edges of their buffers (run by tests/netns-backend-edges.sh).
 *
 *   backend-edges PEER_NETNS IFNAME PEER_IFNAME
 *
 * Runs in the namespace of IFNAME, one end of a veth pair whose other end,
 * PEER_IFNAME, is in the namespace file PEER_NETNS (/run/netns/NAME). A raw
 * socket opened in the peer's namespace sends frames of lengths from 0 to
 * 65,553 bytes (a stride across the whole range, and every limit +-2),
 * untagged, 802.1Q, 802.1ad and QinQ, while IFNAME's MTU is raised and
 * lowered, both before and after the backend followed the change. Each
 * backend (afpacket rx=v2, rx=v3, tx=ring; raw) is checked two ways:
 *
 *  - on its own (vsw_backend_recv): every frame it hands out is one that
 *    was sent, byte for byte, in order, and every frame it may hand out is
 *    there: not longer than the MTU it follows allows (+22), not dropped
 *    by the kernel (veth drops what exceeds its MTU + 18);
 *  - as a switch's uplink, to a VGT vNIC: the same, and the port's
 *    counters name every frame not delivered (truncated by the backend,
 *    oversize by the switch).
 *
 * GSO super-frames (TCP over IPv4 with a partial checksum, from a peer
 * with TSO) are dropped as truncated by raw and afpacket offloads=off; the
 * afpacket backend with offloads (its default) hands them over whole with
 * their metadata (checked: bytes, GSO type and size, the real hdr_len, the
 * partial checksum's offsets), and through the switch to a port without
 * offloads they come as their segments, each checked: lengths, payload,
 * sequence numbers, IPv4 and TCP checksums (truncated when a segment is
 * longer than the MTU allows).
 *
 * Then the kernel's drops: 200,000 broadcasts blasted into the uplink's
 * veth while the switch does not read for a while; the interface's
 * received count must equal the port's rx_packets + rx_dropped + truncated.
 *
 * Exit 0 and "PASS" when all hold; 1 and "FAIL: ..." otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <linux/virtio_net.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <vsw.h>

#define FMAX 65600      /* larger than any frame sent */
#define GROUP 40        /* lengths per group (x4 tag variants), then a fence */
#define VETH_SLACK 18   /* a veth receives up to its MTU + 18 bytes */
#define SW_MTU 9000

static const uint8_t SRC[6] = { 0x02, 0x00, 0x00, 0x5e, 0xd6, 0x01 };
static const char *ifname, *peer_ifname;
static int ctl_self, ctl_peer, tx_fd, gso_fd;
static int failures;
static double t0;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("FAIL: ");
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
	fflush(stdout);
	if (++failures > 20)
		exit(1);
}

#define DIE(...) do { printf("FAIL: " __VA_ARGS__); printf("\n"); exit(1); } while (0)

/* ---- the two namespaces ---- */

static void open_peer(const char *ns_path)
{
	int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	int peer = open(ns_path, O_RDONLY | O_CLOEXEC);
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };

	if (self < 0 || peer < 0 || setns(peer, CLONE_NEWNET) < 0)
		DIE("enter %s: %s", ns_path, strerror(errno));
	/* sockets keep the namespace they were made in */
	ctl_peer = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	tx_fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0); /* protocol 0: sends only */
	sll.sll_ifindex = (int)if_nametoindex(peer_ifname);
	if (ctl_peer < 0 || tx_fd < 0 || !sll.sll_ifindex ||
	    bind(tx_fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		DIE("peer socket on %s: %s", peer_ifname, strerror(errno));
	/* and one that sends GSO super-frames (a virtio-net header first) */
	int one = 1;
	gso_fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (gso_fd < 0 || setsockopt(gso_fd, SOL_PACKET, PACKET_VNET_HDR, &one, sizeof(one)) < 0 ||
	    bind(gso_fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		DIE("GSO socket on %s: %s", peer_ifname, strerror(errno));
	if (setns(self, CLONE_NEWNET) < 0)
		DIE("back to our namespace: %s", strerror(errno));
	close(self);
	close(peer);
	ctl_self = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (ctl_self < 0)
		DIE("socket: %s", strerror(errno));
}

static void set_mtu(int ctl, const char *name, int mtu)
{
	struct ifreq ifr = { .ifr_mtu = mtu };

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(ctl, SIOCSIFMTU, &ifr) < 0)
		DIE("MTU %d on %s: %s", mtu, name, strerror(errno));
}

static uint64_t iface_rx(void)
{
	char path[128];
	unsigned long long v = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/net/%s/statistics/rx_packets", ifname);
	f = fopen(path, "r");
	if (!f || fscanf(f, "%llu", &v) != 1)
		DIE("read %s", path);
	fclose(f);
	return v;
}

/* ---- frames ---- */

enum { UNTAGGED, DOT1Q, DOT1AD, QINQ, N_VARIANTS };
static const char *vname[] = { "untagged", "802.1Q", "802.1ad", "QinQ" };

static void put16(uint8_t *p, unsigned int v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* A broadcast frame of 'len' bytes on the wire (tags included); its bytes
 * depend on 'id', so that any mix-up shows. */
static void build(uint8_t *b, size_t len, int variant, uint32_t id, unsigned int type)
{
	uint8_t h[32];
	size_t n = 12;

	memset(h, 0xff, 6);
	memcpy(h + 6, SRC, 6);
	if (variant == DOT1Q) {
		put16(h + n, 0x8100), put16(h + n + 2, (3u << 13) | 100), n += 4;
	} else if (variant == DOT1AD) {
		put16(h + n, 0x88a8), put16(h + n + 2, 200), n += 4;
	} else if (variant == QINQ) {
		put16(h + n, 0x88a8), put16(h + n + 2, 300), n += 4;
		put16(h + n, 0x8100), put16(h + n + 2, 400), n += 4;
	}
	put16(h + n, type), n += 2;
	for (int i = 0; i < 4; i++)
		h[n++] = (uint8_t)(id >> (24 - 8 * i));
	for (size_t i = 0; i < len; i++)
		b[i] = i < n ? h[i] : (uint8_t)(id * 31u + i * 7u);
}

/* ---- what a receiver got: frames in order, as on the wire ---- */

struct got {
	uint8_t *data;
	size_t len;
	struct vsw_frame meta;    /* its offload metadata (data unused) */
};
static struct got *got;
static size_t n_got, cap_got;
static uint32_t fence_seen;
static useconds_t settle_us = 5000;

static void record(const struct vsw_frame *f)
{
	size_t len = f->len + (f->flags & VSW_FRAME_VLAN_TCI ? 4 : 0);
	uint8_t *d;

	if (f->len >= 12 && memcmp(f->data + 6, SRC, 6))
		return; /* not ours (the kernel's own traffic) */
	if (f->len >= 20 && f->data[12] == 0x88 && f->data[13] == 0xb6) {
		fence_seen = (uint32_t)f->data[14] << 24 | (uint32_t)f->data[15] << 16 |
			     (uint32_t)f->data[16] << 8 | f->data[17];
		return;
	}
	if (n_got == cap_got) {
		cap_got = cap_got ? 2 * cap_got : 64;
		got = realloc(got, cap_got * sizeof(*got));
	}
	d = malloc(len ? len : 1);
	if (!got || !d)
		DIE("out of memory");
	if (f->flags & VSW_FRAME_VLAN_TCI && f->len >= 12) {
		memcpy(d, f->data, 12);
		put16(d + 12, 0x8100);
		put16(d + 14, f->vlan_tci);
		memcpy(d + 16, f->data + 12, f->len - 12);
	} else {
		memcpy(d, f->data, f->len);
	}
	got[n_got++] = (struct got){ d, len, *f };
}

static void forget(void)
{
	for (size_t i = 0; i < n_got; i++)
		free(got[i].data);
	n_got = 0;
}

/* ---- receivers: a backend on its own, or a switch's uplink ---- */

struct rx {
	const char *what;
	struct vsw_backend *be;   /* on its own */
	struct vsw_switch *sw;    /* or as an uplink of this switch */
	struct vsw_port *up;
	int followed;             /* the MTU the backend follows (as we made it) */
};

static unsigned int on_rx(struct vsw_port *p, const struct vsw_frame *f, unsigned int n, void *u)
{
	(void)p;
	(void)u;
	for (unsigned int i = 0; i < n; i++)
		record(&f[i]);
	return n;
}

static void rx_open(struct rx *r, const char *spec, const char *opts, bool with_switch)
{
	char full[64];

	memset(r, 0, sizeof(*r));
	snprintf(full, sizeof(full), "%s:%s", spec, ifname);
	r->what = with_switch ? "uplink" : "own";
	if (!with_switch) {
		int e = vsw_backend_open(full, opts, &r->be);
		if (e < 0)
			DIE("open %s %s: %s", full, opts ? opts : "", strerror(-e));
		return;
	}
	struct vsw_portgroup *pg;
	struct vsw_uplink *u;
	struct vsw_vnic *v;
	static const uint8_t mac[6] = { 0x02, 0x00, 0x00, 0x5e, 0xd6, 0x02 };
	int e;

	if ((e = vsw_switch_new("edges", NULL, &r->sw)) < 0 ||
	    (e = vsw_switch_set_mtu(r->sw, SW_MTU)) < 0 ||
	    (e = vsw_portgroup_add(r->sw, "trunk", 4095, 0, &pg)) < 0 ||
	    (e = vsw_vnic_add(pg, "vm", mac, 0, &v)) < 0 ||
	    (e = vsw_vnic_set_rx(v, on_rx, NULL)) < 0 ||
	    (e = vsw_uplink_add(r->sw, "vmnic0", 0, &u)) < 0 ||
	    (e = vsw_port_attach(vsw_uplink_port(u), full, opts)) < 0)
		DIE("switch with %s %s: %s", full, opts ? opts : "", strerror(-e));
	r->up = vsw_uplink_port(u);
}

static void rx_close(struct rx *r)
{
	if (r->be)
		vsw_backend_close(r->be);
	if (r->sw)
		vsw_switch_free(r->sw);
}

/* Receive until the fence 'id' comes (or 3 s pass). */
static bool rx_until(struct rx *r, uint32_t id)
{
	double end = now() + 3;
	struct vsw_frame f[256] = { 0 };

	/* a V3 ring hands a block over when its timer (1 ms) fires: let the
	 * whole group land before the first receive, so that one receive
	 * takes it all, with the limit of the moment (which, for a window's
	 * group, must hold for all of it: a loaded machine gets more time) */
	usleep(settle_us);
	while (fence_seen != id && now() < end) {
		if (r->sw) {
			if (vsw_switch_poll(r->sw, 20) < 0)
				DIE("switch poll");
			continue;
		}
		struct pollfd p = { .fd = vsw_backend_fd(r->be), .events = POLLIN };
		poll(&p, 1, 20);
		int n = vsw_backend_recv(r->be, f, 256);
		if (n < 0)
			DIE("backend recv: %s", strerror(-n));
		for (int i = 0; i < n; i++)
			record(&f[i]);
	}
	return fence_seen == id;
}

/* Make the backend follow the interface's MTU: on its own, a link poll;
 * as an uplink, the switch's periodic tick (100 ms) does it. */
static void rx_follow(struct rx *r, int mtu)
{
	if (r->be) {
		/* a program receiving on its own hands back its frames with a
		 * receive (none is waiting here); the link poll then follows */
		struct vsw_frame f[4] = { 0 };
		int n = vsw_backend_recv(r->be, f, 4);
		for (int i = 0; i < n; i++)
			record(&f[i]);
		vsw_backend_link(r->be);
	} else {
		double end = now() + 0.25;
		while (now() < end)
			vsw_switch_poll(r->sw, 20);
	}
	r->followed = mtu;
}

static uint64_t ctr(struct rx *r, enum vsw_counter c)
{
	return r->up ? vsw_port_counter(r->up, c) : 0;
}

/* ---- one group of frames and its checks ---- */

struct sent {
	size_t len;
	int variant;
	uint32_t id;
	int fate;
};
enum { ARRIVES, KERNEL_DROPS, TRUNCATED, OVERSIZE, SEGMENTED };
/* the backend under test takes GSO super-frames (afpacket, offloads on) */
static bool segments;
#define GSO_HDR 54u   /* Ethernet, IPv4, TCP of the super-frames sent */
#define GSO_MSS 1448u

static uint32_t next_id = 1;
static int gso_skipped;
static uint8_t buf[FMAX], want[FMAX];

/* A TCP/IPv4 super-frame of 'len' bytes (PSH, ACK) whose payload depends
 * on 'id'; its TCP checksum field holds the pseudo-header's sum, as Linux
 * leaves it for a partial checksum. */
static unsigned int fold(unsigned int sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

static unsigned int sum16(const uint8_t *p, size_t n, unsigned int sum)
{
	for (size_t j = 0; j + 1 < n; j += 2)
		sum += (unsigned int)p[j] << 8 | p[j + 1];
	if (n & 1)
		sum += (unsigned int)p[n - 1] << 8;
	return fold(sum);
}

static void build_gso(uint8_t *f, size_t len, uint32_t id)
{
	build(f, len, UNTAGGED, id, 0x0800);
	memset(f + 14, 0, 40);
	f[14] = 0x45;                       /* IPv4, 20-byte header */
	put16(f + 16, (unsigned int)(len - 14));
	f[22] = 64;                          /* TTL */
	f[23] = 6;                           /* TCP */
	memcpy(f + 26, "\x0a\x4d\x00\x01\x0a\x4d\x00\x02", 8);
	put16(f + 24, ~sum16(f + 14, 20, 0) & 0xffff);
	put16(f + 34, 40000), put16(f + 36, 5001);
	put16(f + 38, (unsigned int)(id >> 16)), put16(f + 40, id & 0xffff); /* seq */
	f[46] = 0x50;                        /* TCP header of 20 bytes */
	f[47] = 0x18;                        /* PSH, ACK */
	put16(f + 48, 65535);
	put16(f + 50, sum16(f + 26, 8, 6 + (unsigned int)(len - 34)));
}

/* Super-frame 'sup' ('len' bytes) at got[*k...]: as it was sent, with its
 * metadata (hdr_len the real one), from a backend on its own; as its
 * segments from a switch to a port that takes no offloads. Checked,
 * consumed. */
static void check_segments(const uint8_t *sup, size_t len, size_t *k, const char *stage,
			   const char *what)
{
	size_t payload = len - GSO_HDR, nseg = (payload + GSO_MSS - 1) / GSO_MSS;
	uint32_t seq0 = (uint32_t)sup[38] << 24 | (uint32_t)sup[39] << 16 | (uint32_t)sup[40] << 8 | sup[41];

	if (*k < n_got && got[*k].meta.gso_type) {
		const struct vsw_frame *m = &got[*k].meta;
		if (got[*k].len != len || memcmp(got[*k].data, sup, len) ||
		    m->gso_type != VSW_GSO_TCPV4 || m->gso_size != GSO_MSS ||
		    m->hdr_len != GSO_HDR || m->flags != VSW_FRAME_CSUM_PARTIAL ||
		    m->csum_start != 34 || m->csum_offset != 16)
			fail("%s (%s): a %zu-byte super-frame came as %zu bytes, gso %u/%u/%u, "
			     "flags %#x, csum %u+%u", stage, what, len, got[*k].len, m->gso_type,
			     m->gso_size, m->hdr_len, m->flags, m->csum_start, m->csum_offset);
		(*k)++;
		return;
	}

	for (size_t j = 0; j < nseg; j++, (*k)++) {
		size_t pl = j + 1 < nseg ? GSO_MSS : payload - j * GSO_MSS;
		const uint8_t *g;
		if (*k >= n_got) {
			fail("%s (%s): segment %zu of %zu of a %zu-byte super-frame not received",
			     stage, what, j, nseg, len);
			return;
		}
		g = got[*k].data;
		uint32_t seq = (uint32_t)g[38] << 24 | (uint32_t)g[39] << 16 | (uint32_t)g[40] << 8 | g[41];
		if (got[*k].len != GSO_HDR + pl || memcmp(g, sup, 14) ||
		    memcmp(g + GSO_HDR, sup + GSO_HDR + j * GSO_MSS, pl) ||
		    ((unsigned int)g[16] << 8 | g[17]) != 40 + pl || seq != seq0 + j * GSO_MSS ||
		    sum16(g + 14, 20, 0) != 0xffff ||
		    sum16(g + 34, 20 + pl, sum16(g + 26, 8, 6 + (unsigned int)(20 + pl))) != 0xffff ||
		    (g[47] & 0x08) != (j + 1 == nseg ? 0x08 : 0)) {
			fail("%s (%s): segment %zu of %zu of a %zu-byte super-frame is wrong (%zu bytes)",
			     stage, what, j, nseg, len, got[*k].len);
			return;
		}
	}
}

/* What becomes of a frame of 'len' bytes on the wire, by the rules the
 * backends promise (vsw-backend-afpacket(7), vsw-backend-raw(7)). */
static int fate(struct rx *r, int iface_mtu, size_t len, int variant)
{
	size_t payload = len - 14 - (variant == UNTAGGED ? 0 : 4);

	/* the kernel takes the outer tag off only with 6 bytes behind it,
	 * and frees the frame otherwise; a veth takes its MTU + 18 */
	if ((variant != UNTAGGED && len < 20) || len > (size_t)iface_mtu + VETH_SLACK)
		return KERNEL_DROPS;
	/* the sender's own limit: its MTU (65535) + 14, + 4 for an 802.1Q tag */
	if (len > 65535 + 14 + (variant == DOT1Q ? 4u : 0u))
		return KERNEL_DROPS;
	if (len > (size_t)r->followed + 22)
		return TRUNCATED;
	if (r->sw && payload > SW_MTU)
		return OVERSIZE;
	return ARRIVES;
}

/* A group in the making: the frames sent, what the counters showed before. */
static struct sent s[2 * VSW_BATCH_MAX];
static size_t ns;
static uint64_t trunc0, over0, drop0, want_trunc, want_over;

static void group_begin(struct rx *r)
{
	forget();
	ns = 0;
	want_trunc = want_over = 0;
	trunc0 = ctr(r, VSW_CTR_TRUNCATED);
	over0 = ctr(r, VSW_CTR_OVERSIZE);
	drop0 = ctr(r, VSW_CTR_RX_DROPPED);
}

static void group_send(struct rx *r, int iface_mtu, size_t len, int v, const char *stage)
{
	uint32_t id = next_id++;
	int f = len < 14 ? KERNEL_DROPS : fate(r, iface_mtu, len, v);

	if (ns == sizeof(s) / sizeof(s[0]))
		DIE("group too large");
	build(buf, len, v, id, 0x88b5);
	ssize_t w = send(tx_fd, buf, len, 0);
	/* shorter than a header: refused (EINVAL); longer than the sender's
	 * MTU allows: refused (EMSGSIZE); longer than the receiving veth
	 * takes: dropped by it (ENOBUFS) */
	if (w < 0 && (f != KERNEL_DROPS || (errno != EINVAL && errno != EMSGSIZE && errno != ENOBUFS)))
		fail("%s: send %zu bytes %s: %s", stage, len, vname[v], strerror(errno));
	if (w < 0)
		return;
	if (len < 14)
		fail("%s: the kernel sent a %zu-byte frame", stage, len);
	s[ns] = (struct sent){ len, v, id, f };
	want_trunc += f == TRUNCATED;
	want_over += f == OVERSIZE;
	ns++;
}

/* Send the fence, receive up to it, and check every frame and counter. */
static void group_end(struct rx *r, const char *stage)
{
	size_t k = 0;
	uint32_t fid = next_id++;

	build(buf, 60, UNTAGGED, fid, 0x88b6);
	if (send(tx_fd, buf, 60, 0) != 60)
		DIE("send fence: %s", strerror(errno));
	if (!rx_until(r, fid))
		fail("%s: the fence never came (%s; %zu frames came)", stage, r->what, n_got);
	for (size_t i = 0; i < ns; i++) {
		if (s[i].fate == SEGMENTED) {
			build_gso(want, s[i].len, s[i].id);
			check_segments(want, s[i].len, &k, stage, r->what);
			continue;
		}
		if (s[i].fate != ARRIVES)
			continue;
		build(want, s[i].len, s[i].variant, s[i].id, 0x88b5);
		if (k >= n_got) {
			fail("%s (%s): %zu-byte %s frame not received", stage, r->what, s[i].len,
			     vname[s[i].variant]);
			continue;
		}
		if (got[k].len != s[i].len || memcmp(got[k].data, want, s[i].len))
			fail("%s (%s): %zu-byte %s frame received as %zu bytes%s", stage, r->what,
			     s[i].len, vname[s[i].variant], got[k].len,
			     got[k].len == s[i].len ? " with other bytes" : "");
		k++;
	}
	if (k < n_got)
		fail("%s (%s): %zu frames received that should not have been (first: %zu bytes)",
		     stage, r->what, n_got - k, got[k].len);
	if (r->up) {
		uint64_t t = ctr(r, VSW_CTR_TRUNCATED) - trunc0, o = ctr(r, VSW_CTR_OVERSIZE) - over0;
		uint64_t d = ctr(r, VSW_CTR_RX_DROPPED) - drop0;
		if (t != want_trunc || o != want_over || d)
			fail("%s (uplink): truncated %llu (want %llu), oversize %llu (want %llu), "
			     "rx_dropped %llu (want 0)", stage, (unsigned long long)t,
			     (unsigned long long)want_trunc, (unsigned long long)o,
			     (unsigned long long)want_over, (unsigned long long)d);
	}
}

/* Every length of 'lens' in the four tag variants, then the fence. */
static void group(struct rx *r, int iface_mtu, const size_t *lens, size_t n, const char *stage)
{
	group_begin(r);
	for (size_t i = 0; i < n; i++)
		for (int v = 0; v < N_VARIANTS; v++)
			group_send(r, iface_mtu, lens[i], v, stage);
	group_end(r, stage);
}

/*
 * A full batch whose last frame is the longest an S-tag restore ever saw:
 * 255 short frames, then an 802.1ad frame longer than the MTU the backend
 * follows but within its ring slot, so that its copy with the tag put back
 * lands in the last of the batch's scratch copies.
 */
static void full_batch(struct rx *r, int iface_mtu, const char *stage)
{
	group_begin(r);
	for (int i = 0; i < VSW_BATCH_MAX - 1; i++)
		group_send(r, iface_mtu, 60, UNTAGGED, stage);
	group_send(r, iface_mtu, (size_t)r->followed + 22 + 300, DOT1AD, stage);
	group_end(r, stage);
}

/*
 * GSO super-frames, as a peer with TSO on (or GRO on this side) passes
 * them: one TCP/IPv4 frame of each length, longer than any MTU the backend
 * follows here. Without offloads each is dropped whole and counted as
 * truncated, never handed over cut to a slot or buffer; with them, each
 * comes whole with its metadata from the backend on its own, as its
 * segments through the switch to a port that takes no offloads (or is
 * truncated if they exceed the MTU). Skipped (0) where the peer's veth
 * has no TSO (no ethtool to turn it on).
 */
static int gso_group(struct rx *r, int iface_mtu, const char *stage)
{
	static const size_t lens[] = { 3000, 16000, 40000, 65000 };
	struct virtio_net_hdr vh = {
		.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
		.gso_type = VIRTIO_NET_HDR_GSO_TCPV4,
		.hdr_len = 54, .gso_size = 1448, .csum_start = 34, .csum_offset = 16,
	};
	int sent = 0;

	group_begin(r);
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		size_t len = lens[i];
		uint8_t *f = buf + sizeof(vh);
		if (len <= (size_t)r->followed + 22)
			continue;
		uint32_t id = next_id++;
		memcpy(buf, &vh, sizeof(vh));
		build_gso(f, len, id);
		if (send(gso_fd, buf, sizeof(vh) + len, 0) < 0) {
			if (errno == EMSGSIZE || errno == ENOBUFS || errno == EINVAL)
				return 0; /* the peer segments it: no TSO there */
			fail("%s: send a %zu-byte GSO frame: %s", stage, len, strerror(errno));
			continue;
		}
		/* segmented only where a segment is a frame the MTU allows */
		int f_ = segments && GSO_HDR + GSO_MSS <= (size_t)r->followed + 22 ? SEGMENTED : TRUNCATED;
		s[ns++] = (struct sent){ len, UNTAGGED, id, f_ };
		want_trunc += f_ == TRUNCATED;
		sent++;
	}
	(void)iface_mtu;
	group_end(r, stage);
	return sent;
}

/* Send every length in [lo, hi] at 'stride', and each limit +-2, in groups. */
static void sweep(struct rx *r, int iface_mtu, size_t lo, size_t hi, size_t stride,
		  const size_t *limits, size_t n_limits, const char *stage)
{
	size_t lens[GROUP], n = 0;
	size_t all[4096], n_all = 0;

	for (size_t l = lo; l <= hi && n_all < 4000; l += stride)
		all[n_all++] = l;
	for (size_t i = 0; i < n_limits; i++)
		for (size_t d = 0; d <= 4; d++)
			if (limits[i] + d >= 2 && limits[i] + d - 2 <= 65535 + 18)
				all[n_all++] = limits[i] + d - 2;
	for (size_t i = 0; i < n_all; i++) {
		lens[n++] = all[i];
		if (n == GROUP || i + 1 == n_all) {
			group(r, iface_mtu, lens, n, stage);
			n = 0;
		}
	}
}

/* The buffers' limits when following 'mtu': the longest frame handed
 * over, the raw backend's buffer (+4), the afpacket slots' room after the
 * ring header (V2: 66 bytes before the frame, V3: 82). */
static size_t limits_for(int mtu, size_t *l)
{
	size_t fmax = (size_t)mtu + 22, slot = 1;

	while (slot < fmax + 96)
		slot <<= 1;
	l[0] = fmax;
	l[1] = fmax + 4;
	l[2] = slot - 66;
	l[3] = slot - 82;
	l[4] = (size_t)mtu + VETH_SLACK;
	l[5] = 14;
	l[6] = 18;
	l[7] = 20;
	l[8] = 60;
	l[9] = SW_MTU + 14;
	l[10] = SW_MTU + 18;
	return 11;
}

/*
 * Set the interface's MTU. Followed: the backend follows it, then every
 * length up to what the veth takes, at 'stride', and every limit +-2.
 * Not followed: one group, received in one receive before the backend's
 * next link poll (as an uplink, a truncated frame makes the switch poll
 * the link right after that receive): the old limit +-2, the buffers'
 * limits and lengths up to the new MTU.
 */
enum { FOLLOWED, WINDOW, FULL_BATCH };

static void stage(struct rx *r, int iface_mtu, int kind, size_t stride, const char *name)
{
	size_t lim[24], n, lens[GROUP], k = 0;
	size_t top = (size_t)iface_mtu + VETH_SLACK, fmax = (size_t)r->followed + 22;

	set_mtu(ctl_self, ifname, iface_mtu);
	if (kind == FULL_BATCH) {
		settle_us = 50000;
		full_batch(r, iface_mtu, name);
		settle_us = 5000;
		rx_follow(r, iface_mtu);
		return;
	}
	if (kind == FOLLOWED) {
		rx_follow(r, iface_mtu);
		if (iface_mtu <= 9000 && !gso_group(r, iface_mtu, name) && !gso_skipped++)
			printf("SKIP: GSO frames (the peer segments them: no TSO)\n");
		n = limits_for(r->followed, lim);
		n += limits_for(iface_mtu, lim + n);
		sweep(r, iface_mtu, 0, top + 2, stride, lim, n, name);
		return;
	}
	n = limits_for(r->followed, lim);
	for (size_t d = 0; d <= 8; d++)
		lens[k++] = fmax + d - 2;
	for (size_t i = 1; i < 4; i++)
		for (size_t d = 0; d <= 4 && fmax + 4 < top; d++)
			if (lim[i] + d - 2 > fmax + 6 && lim[i] + d - 2 <= top + 2)
				lens[k++] = lim[i] + d - 2;
	for (size_t d = 0; d <= 4; d++)
		lens[k++] = top + d - 2;
	for (size_t i = 1; i < 8 && top > fmax; i++)
		lens[k++] = fmax + (top - fmax) * i / 8;
	lens[k++] = 60;
	settle_us = 50000;
	group(r, iface_mtu, lens, k, name);
	settle_us = 5000;
	rx_follow(r, iface_mtu);
}

/* The whole story on one receiver: MTU raised and lowered, each time
 * first before the backend follows (the window until its next link poll,
 * where its old limit holds), then after. */
static void story(const char *spec, const char *opts, bool with_switch)
{
	struct rx r;
	char name[96];
	double t = now();

	segments = !strcmp(spec, "afpacket") && !(opts && strstr(opts, "offloads=off"));
	set_mtu(ctl_self, ifname, 1500);
	rx_open(&r, spec, opts, with_switch);
	r.followed = 1500;
#define STAGE(mtu, follow, stride, what) \
	(snprintf(name, sizeof(name), "%s%s%s: %s", spec, opts ? " " : "", opts ? opts : "", what), \
	 stage(&r, mtu, follow, stride, name))
	STAGE(1500, FOLLOWED, 97, "MTU 1500");
	STAGE(4000, FULL_BATCH, 0, "MTU raised to 4000, not followed yet, a full batch");
	STAGE(1500, FOLLOWED, 397, "MTU lowered to 1500, followed");
	STAGE(9000, WINDOW, 0, "MTU raised to 9000, not followed yet");
	STAGE(9000, FOLLOWED, 211, "MTU 9000 followed");
	STAGE(65535, WINDOW, 0, "MTU raised to 65535, not followed yet");
	STAGE(65535, FOLLOWED, 257, "MTU 65535 followed");
	STAGE(1280, FOLLOWED, 89, "MTU lowered to 1280, followed");
	STAGE(2000, WINDOW, 0, "MTU raised to 2000, not followed yet");
	STAGE(2000, FOLLOWED, 199, "MTU 2000 followed");
#undef STAGE
	rx_close(&r);
	printf("ok %s %s (%s): %.1f s\n", spec, opts ? opts : "", with_switch ? "uplink" : "own",
	       now() - t);
	fflush(stdout);
}

/* ---- the kernel's drops ---- */

static void blast(const char *spec, const char *opts)
{
	enum { N = 200000, BURST = 256, PAUSE_EVERY = 40000 };
	struct mmsghdr m[BURST];
	struct iovec iov;
	struct rx r;
	uint64_t rx0, c0[3], sent = 0;
	double end;

	set_mtu(ctl_self, ifname, 1500);
	rx_open(&r, spec, opts, true);
	rx_follow(&r, 1500);
	build(buf, 60, UNTAGGED, 0, 0x88b5);
	iov = (struct iovec){ buf, 60 };
	for (int i = 0; i < BURST; i++)
		m[i].msg_hdr = (struct msghdr){ .msg_iov = &iov, .msg_iovlen = 1 };
	rx0 = iface_rx();
	c0[0] = ctr(&r, VSW_CTR_RX_PACKETS);
	c0[1] = ctr(&r, VSW_CTR_RX_DROPPED);
	c0[2] = ctr(&r, VSW_CTR_TRUNCATED);
	end = now() + 20;
	/* the switch reads after every PAUSE_EVERY frames only: in between,
	 * its ring or socket queue overflows, as under a burst it cannot
	 * keep up with */
	while (sent < N && now() < end) {
		int w = sendmmsg(tx_fd, m, BURST, 0);
		if (w < 0 && errno != ENOBUFS && errno != EAGAIN)
			DIE("blast: %s", strerror(errno));
		sent += w > 0 ? (uint64_t)w : 0;
		if (sent % PAUSE_EVERY < BURST)
			for (int i = 0; i < 50; i++)
				vsw_switch_poll(r.sw, 0);
	}
	/* drain, and let two ticks read the kernel's counts */
	for (double quiet = now() + 0.35; now() < quiet;)
		if (vsw_switch_poll(r.sw, 20) > 0)
			quiet = now() + 0.35;
	uint64_t irx = iface_rx() - rx0, p = ctr(&r, VSW_CTR_RX_PACKETS) - c0[0];
	uint64_t d = ctr(&r, VSW_CTR_RX_DROPPED) - c0[1], t = ctr(&r, VSW_CTR_TRUNCATED) - c0[2];
	printf("%s %s: sent %llu, interface received %llu, rx_packets %llu + rx_dropped %llu "
	       "+ truncated %llu = %llu\n", spec, opts ? opts : "", (unsigned long long)sent,
	       (unsigned long long)irx, (unsigned long long)p, (unsigned long long)d,
	       (unsigned long long)t, (unsigned long long)(p + d + t));
	if (sent < N)
		fail("%s: only %llu of %d frames sent in time", spec, (unsigned long long)sent, N);
	if (p + d + t != irx)
		fail("%s %s: %lld frames the interface received are on no counter", spec,
		     opts ? opts : "", (long long)(irx - p - d - t));
	if (!d)
		fail("%s %s: rx_dropped did not rise: no drop provoked, or none counted", spec,
		     opts ? opts : "");
	rx_close(&r);
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: backend-edges PEER_NETNS IFNAME PEER_IFNAME\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	t0 = now();
	ifname = argv[2];
	peer_ifname = argv[3];
	open_peer(argv[1]);
	/* the sender can send anything up to 65535 + 18 bytes */
	set_mtu(ctl_peer, peer_ifname, 65535);

	static const struct { const char *spec, *opts; } be[] = {
		{ "afpacket", NULL },
		/* a V3 ring of the default size has 4 blocks of 1 MiB, each
		 * handed over by a 1 ms timer: on a loaded machine a group that
		 * trickles in takes a block per frame or two and fills the ring
		 * before the receive (the kernel's drops are blast()'s to
		 * test); 10 ms blocks hold a group however slowly it comes */
		{ "afpacket", "rx=v3,frames=1024,block_tov=10" },
		{ "afpacket", "tx=ring,frames=512" }, { "raw", NULL },
		/* as before offloads: GSO super-frames truncated */
		{ "afpacket", "offloads=off" },
	};
	/* BACKEND_EDGES_ONLY=N: the N-th backend of the list alone; =blast:
	 * the kernel's drops alone */
	const char *only = getenv("BACKEND_EDGES_ONLY");
	bool blast_only = only && !strcmp(only, "blast");
	for (size_t i = 0; i < sizeof(be) / sizeof(be[0]); i++) {
		if (blast_only || (only && (size_t)atoi(only) != i))
			continue;
		story(be[i].spec, be[i].opts, false);
		story(be[i].spec, be[i].opts, true);
	}
	if (!only || blast_only) {
		blast("afpacket", NULL);
		blast("afpacket", "rx=v3");
		blast("afpacket", "offloads=off");
		blast("raw", NULL);
	}
	printf("%.1f s\n", now() - t0);
	if (failures)
		return 1;
	printf("PASS\n");
	return 0;
}
