// SPDX-License-Identifier: MIT
/*
 * backend-afpacket.c - "afpacket:IFNAME", an uplink at speed: PACKET_MMAP
 * rings on an AF_PACKET socket bound to a network interface.
 *
 * Receive uses a ring the kernel writes frames into; the switch walks it in
 * batches with no system call while frames keep coming. Two layouts:
 *  - rx=v2 (default): a slot per frame; each frame is visible as soon as the
 *    kernel has written it, so a lone frame (a ping) waits for nothing.
 *  - rx=v3: TPACKET_V3 blocks; the kernel hands over a block when it is full
 *    or when its timer (block_tov=MS, default 1) fires. Fewer wake-ups under
 *    load, but a lone frame waits up to the timer: V3 makes latency pay for
 *    batching, which is why a forwarding switch defaults to V2 (as libpcap's
 *    immediate mode and Click do).
 * Transmit uses one sendmmsg() per batch (tx=mmsg, the default), or fills a
 * TPACKET_V2 TX ring and flushes it with one sendto() per batch (tx=ring,
 * with rx=v2 only). The ring avoids a copy into the kernel on drivers that
 * send from its pages; veth (and anything that hands frames to a local
 * receiver) copies them anyway, and there sendmmsg measured faster: 1.57x
 * against 1.38x the Linux bridge on 64-byte frames, tests/bench/peers-vsw.sh.
 *
 * VLAN tags that the kernel stripped are reported from the ring's headers
 * and travel in the frame descriptor (VSW_FRAME_VLAN_TCI) without a copy.
 * GSO super-frames (turn TSO, GSO and GRO off on the interfaces that feed a
 * software switch) do not fit a slot; what fits is passed on and the switch
 * counts it as oversize.
 *
 * Options: rx=v2|v3, tx=ring|mmsg, frames=N (ring slots, 64 to 65536,
 * default 4096), block_tov=MS (1 to 1000).
 */
#include "internal.h"
#include "netdev.h"
#include "packet-socket.h"

#include <arpa/inet.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#define V3_BLOCK_SIZE (1u << 20)

struct afp {
	int fd;
	char ifname[IFNAMSIZ];
	int ifindex;
	int version;           /* TPACKET_V2 or TPACKET_V3 for receive */
	bool tx_ring;

	uint8_t *map;          /* rx ring, then tx ring */
	size_t map_len;

	/* receive, V2: frame slots */
	uint8_t *rx;
	unsigned int rx_frames, rx_frame_size, rx_cur, rx_held;
	/* receive, V3: blocks */
	unsigned int n_blocks, blk_cur, blk_left;
	struct tpacket3_hdr *blk_pkt;
	bool blk_release;      /* the block at blk_cur is consumed: release it */

	/* transmit */
	uint8_t *tx;
	unsigned int tx_frames, tx_frame_size, tx_cur;
	struct mmsghdr *msgs;
	struct iovec *iov;

	uint8_t *scratch;      /* frames whose outer S-tag is put back */
	unsigned int frame_max;
};

static struct afp *afp_of(struct vsw_backend *be)
{
	return vsw_backend_priv(be);
}

static unsigned int pow2_at_least(unsigned int v)
{
	unsigned int p = 1;

	while (p < v)
		p <<= 1;
	return p;
}

static int afp_parse(struct afp *a, const char *options, unsigned int *frames, unsigned int *tov)
{
	char key[32], val[32];
	int r;

	a->version = TPACKET_V2;
	a->tx_ring = false;
	*frames = 4096;
	*tov = 1;
	while ((r = vsw__opt_next(&options, key, sizeof(key), val, sizeof(val))) > 0) {
		long v;
		if (!strcmp(key, "rx") && (!strcmp(val, "v2") || !strcmp(val, "v3"))) {
			a->version = val[1] == '2' ? TPACKET_V2 : TPACKET_V3;
		} else if (!strcmp(key, "tx") && (!strcmp(val, "ring") || !strcmp(val, "mmsg"))) {
			a->tx_ring = !strcmp(val, "ring");
		} else if (!strcmp(key, "frames") && (v = vsw__opt_long(val, 64, 65536)) > 0) {
			*frames = pow2_at_least((unsigned int)v);
		} else if (!strcmp(key, "block_tov") && (v = vsw__opt_long(val, 1, 1000)) > 0) {
			*tov = (unsigned int)v;
		} else {
			return -EINVAL;
		}
	}
	return r;
}

static void afp_free(struct afp *a)
{
	if (a->map)
		munmap(a->map, a->map_len);
	if (a->fd >= 0)
		close(a->fd);
	vsw__free(a->scratch);
	vsw__free(a->msgs);
	vsw__free(a->iov);
	vsw__free(a);
}

static int afp_rings(struct afp *a, unsigned int frames, unsigned int tov)
{
	int ver = a->version, loss = 1;
	unsigned int page = (unsigned int)sysconf(_SC_PAGESIZE);
	size_t rx_len, tx_len = 0;
	union {
		struct tpacket_req r2;
		struct tpacket_req3 r3;
	} req;

	memset(&req, 0, sizeof(req));
	/* a malformed frame on the TX ring (longer than the interface's MTU)
	 * is skipped instead of stopping the ring; must precede the rings */
	if (setsockopt(a->fd, SOL_PACKET, PACKET_VERSION, &ver, sizeof(ver)) < 0 ||
	    (a->tx_ring && setsockopt(a->fd, SOL_PACKET, PACKET_LOSS, &loss, sizeof(loss)) < 0))
		return -errno;
	/* a slot holds the ring header and the largest frame */
	a->rx_frame_size = pow2_at_least(a->frame_max + TPACKET_ALIGN(sizeof(struct tpacket2_hdr)) + 64);
	if (ver == TPACKET_V2) {
		a->rx_frames = frames;
		req.r2.tp_frame_size = a->rx_frame_size;
		req.r2.tp_frame_nr = frames;
		req.r2.tp_block_size = a->rx_frame_size < page ? page : a->rx_frame_size;
		req.r2.tp_block_nr = frames * a->rx_frame_size / req.r2.tp_block_size;
		rx_len = (size_t)frames * a->rx_frame_size;
		if (setsockopt(a->fd, SOL_PACKET, PACKET_RX_RING, &req.r2, sizeof(req.r2)) < 0)
			return -errno;
	} else {
		a->n_blocks = (unsigned int)((size_t)frames * a->rx_frame_size / V3_BLOCK_SIZE);
		if (a->n_blocks < 4)
			a->n_blocks = 4;
		req.r3.tp_block_size = V3_BLOCK_SIZE;
		req.r3.tp_block_nr = a->n_blocks;
		req.r3.tp_frame_size = a->rx_frame_size;
		req.r3.tp_frame_nr = a->n_blocks * (V3_BLOCK_SIZE / a->rx_frame_size);
		req.r3.tp_retire_blk_tov = tov;
		rx_len = (size_t)a->n_blocks * V3_BLOCK_SIZE;
		if (setsockopt(a->fd, SOL_PACKET, PACKET_RX_RING, &req.r3, sizeof(req.r3)) < 0)
			return -errno;
	}
	if (a->tx_ring) {
		struct tpacket_req t = {
			.tp_frame_size = a->rx_frame_size,
			.tp_frame_nr = 1024,
			.tp_block_size = a->rx_frame_size < page ? page : a->rx_frame_size,
		};
		t.tp_block_nr = t.tp_frame_nr * t.tp_frame_size / t.tp_block_size;
		if (setsockopt(a->fd, SOL_PACKET, PACKET_TX_RING, &t, sizeof(t)) < 0)
			return -errno;
		a->tx_frames = t.tp_frame_nr;
		a->tx_frame_size = t.tp_frame_size;
		tx_len = (size_t)t.tp_frame_nr * t.tp_frame_size;
	}
	a->map_len = rx_len + tx_len;
	a->map = mmap(NULL, a->map_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, a->fd, 0);
	if (a->map == MAP_FAILED) {
		a->map = NULL;
		return -errno;
	}
	a->rx = a->map;
	a->tx = a->map + rx_len;
	return 0;
}

static int afp_open(struct vsw_backend *be, const char *arg, const char *options)
{
	struct afp *a;
	unsigned int frames, tov;
	int err, mtu;

	if (vsw__netdev_name_ok(arg))
		return -EINVAL;
	a = vsw__calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	a->fd = -1;
	strcpy(a->ifname, arg);
	err = afp_parse(a, options, &frames, &tov);
	if (err)
		goto fail;
	/* the TX ring here is written in the V2 layout: a V3 socket uses sendmmsg */
	if (a->version == TPACKET_V3)
		a->tx_ring = false;
	mtu = vsw__netdev_mtu(arg);
	if (mtu < 0) {
		err = mtu;
		goto fail;
	}
	/* the largest frame: the MTU, the Ethernet header and two tags */
	a->frame_max = (unsigned int)mtu + 14 + 8;
	a->scratch = vsw__calloc(VSW_BATCH_MAX, a->frame_max + 4);
	a->msgs = vsw__calloc(VSW_BATCH_MAX, sizeof(*a->msgs));
	a->iov = vsw__calloc(VSW_BATCH_MAX, sizeof(*a->iov));
	if (!a->scratch || !a->msgs || !a->iov) {
		err = -ENOMEM;
		goto fail;
	}
	a->fd = vsw__packet_socket();
	if (a->fd < 0) {
		err = a->fd;
		goto fail;
	}
	err = afp_rings(a, frames, tov);
	if (err)
		goto fail;
	a->ifindex = vsw__packet_bind(a->fd, arg);
	if (a->ifindex < 0) {
		err = a->ifindex;
		goto fail;
	}
	vsw_backend_set_priv(be, a);
	return 0;
fail:
	afp_free(a);
	return err;
}

static void afp_close(struct vsw_backend *be)
{
	afp_free(afp_of(be));
}

static int afp_fd(struct vsw_backend *be)
{
	return afp_of(be)->fd;
}

/* A frame the kernel cut short to its slot (a GSO super-frame) goes to the
 * switch at its full length as far as the slot holds it: longer than any
 * MTU allows, the switch drops and counts it as oversize on the port. */
static inline uint32_t frame_len(uint32_t snaplen, uint32_t len)
{
	(void)len;
	return snaplen;
}

static int recv_v2(struct afp *a, struct vsw_frame *f, unsigned int n)
{
	unsigned int k = 0;

	/* slots handed out by the previous call go back to the kernel */
	while (a->rx_held) {
		struct tpacket2_hdr *h = (void *)(a->rx + (size_t)a->rx_cur * a->rx_frame_size);
		__atomic_store_n(&h->tp_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
		a->rx_cur = (a->rx_cur + 1) & (a->rx_frames - 1);
		a->rx_held--;
	}
	for (unsigned int i = a->rx_cur; k < n && a->rx_held < a->rx_frames;
	     i = (i + 1) & (a->rx_frames - 1)) {
		struct tpacket2_hdr *h = (void *)(a->rx + (size_t)i * a->rx_frame_size);
		uint32_t st = __atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE);
		if (!(st & TP_STATUS_USER))
			break;
		a->rx_held++;
		f[k] = (struct vsw_frame){ .data = (uint8_t *)h + h->tp_mac, .len = frame_len(h->tp_snaplen, h->tp_len) };
		vsw__packet_vlan(&f[k], st, h->tp_vlan_tci, h->tp_vlan_tpid,
				 a->scratch + (size_t)k * (a->frame_max + 4));
		k++;
	}
	return (int)k;
}

static struct tpacket_block_desc *block(struct afp *a, unsigned int i)
{
	return (void *)(a->rx + (size_t)i * V3_BLOCK_SIZE);
}

static int recv_v3(struct afp *a, struct vsw_frame *f, unsigned int n)
{
	unsigned int k = 0;

	for (;;) {
		struct tpacket_block_desc *b = block(a, a->blk_cur);
		if (a->blk_release) {
			__atomic_store_n(&b->hdr.bh1.block_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
			a->blk_release = false;
			a->blk_pkt = NULL;
			a->blk_cur = (a->blk_cur + 1) % a->n_blocks;
			b = block(a, a->blk_cur);
		}
		if (k == n)
			break;
		if (!a->blk_pkt) {
			uint32_t st = __atomic_load_n(&b->hdr.bh1.block_status, __ATOMIC_ACQUIRE);
			if (!(st & TP_STATUS_USER))
				break;
			a->blk_pkt = (void *)((uint8_t *)b + b->hdr.bh1.offset_to_first_pkt);
			a->blk_left = b->hdr.bh1.num_pkts;
		}
		while (a->blk_left && k < n) {
			struct tpacket3_hdr *h = a->blk_pkt;
			f[k] = (struct vsw_frame){ .data = (uint8_t *)h + h->tp_mac,
						   .len = frame_len(h->tp_snaplen, h->tp_len) };
			vsw__packet_vlan(&f[k], h->tp_status, h->hv1.tp_vlan_tci, h->hv1.tp_vlan_tpid,
					 a->scratch + (size_t)k * (a->frame_max + 4));
			k++;
			a->blk_pkt = (void *)((uint8_t *)h + h->tp_next_offset);
			a->blk_left--;
		}
		/* a consumed block is released on the next call, when the
		 * frames handed out now are done with */
		if (!a->blk_left) {
			a->blk_release = true;
			if (k)
				break;
		}
	}
	return (int)k;
}

static int afp_recv(struct vsw_backend *be, struct vsw_frame *f, unsigned int n)
{
	struct afp *a = afp_of(be);
	int k = a->version == TPACKET_V2 ? recv_v2(a, f, n) : recv_v3(a, f, n);

	/* woken with nothing: an error (the interface went down or away) is
	 * pending on the socket; reading it stops the wake-ups */
	if (k == 0) {
		int err = vsw__packet_error(a->fd);
		if (err)
			return err;
	}
	return k;
}

static int send_ring(struct afp *a, const struct vsw_frame *f, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct tpacket2_hdr *h = (void *)(a->tx + (size_t)a->tx_cur * a->tx_frame_size);
		uint32_t st = __atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE);
		if (st != TP_STATUS_AVAILABLE && st != TP_STATUS_WRONG_FORMAT)
			break; /* the ring is full: the kernel is still sending */
		if (f[i].len > a->tx_frame_size - TPACKET2_HDRLEN)
			break;
		memcpy((uint8_t *)h + TPACKET2_HDRLEN - sizeof(struct sockaddr_ll), f[i].data, f[i].len);
		h->tp_len = f[i].len;
		__atomic_store_n(&h->tp_status, TP_STATUS_SEND_REQUEST, __ATOMIC_RELEASE);
		a->tx_cur = (a->tx_cur + 1) % a->tx_frames;
	}
	if (i && sendto(a->fd, NULL, 0, MSG_DONTWAIT, NULL, 0) < 0 && errno != EAGAIN &&
	    errno != ENOBUFS) {
		int err = -errno;
		/* nothing went (the interface is down): take the frames back, so
		 * that they do not leave as a stale burst later */
		for (unsigned int j = 0; j < i; j++) {
			a->tx_cur = (a->tx_cur + a->tx_frames - 1) % a->tx_frames;
			struct tpacket2_hdr *h = (void *)(a->tx + (size_t)a->tx_cur * a->tx_frame_size);
			if (__atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE) == TP_STATUS_SEND_REQUEST)
				__atomic_store_n(&h->tp_status, TP_STATUS_AVAILABLE, __ATOMIC_RELEASE);
		}
		return err;
	}
	return (int)i;
}

static int send_mmsg(struct afp *a, const struct vsw_frame *f, unsigned int n)
{
	int r;

	for (unsigned int i = 0; i < n; i++) {
		a->iov[i] = (struct iovec){ .iov_base = (void *)f[i].data, .iov_len = f[i].len };
		a->msgs[i].msg_hdr = (struct msghdr){ .msg_iov = &a->iov[i], .msg_iovlen = 1 };
	}
	r = sendmmsg(a->fd, a->msgs, n, MSG_DONTWAIT);
	if (r < 0)
		return errno == EAGAIN || errno == ENOBUFS ? 0 : -errno;
	return r;
}

static int afp_send(struct vsw_backend *be, const struct vsw_frame *f, unsigned int n)
{
	struct afp *a = afp_of(be);

	return a->tx_ring ? send_ring(a, f, n) : send_mmsg(a, f, n);
}

static int afp_link_state(struct vsw_backend *be)
{
	struct afp *a = afp_of(be);
	int r = vsw__packet_rebind(a->fd, a->ifname, a->ifindex);

	if (r < 0)
		return 0; /* gone */
	if (r > 0)
		a->ifindex = r; /* deleted and created again: bound to the new one */
	return vsw__netdev_running(a->ifname);
}

static int afp_mac(struct vsw_backend *be, uint8_t mac[6])
{
	return vsw__netdev_mac(afp_of(be)->ifname, mac);
}

static int afp_mtu(struct vsw_backend *be)
{
	return vsw__netdev_mtu(afp_of(be)->ifname);
}

const struct vsw_backend_ops vsw__afpacket_ops = {
	.size = sizeof(struct vsw_backend_ops),
	.name = "afpacket",
	.open = afp_open,
	.close = afp_close,
	.fd = afp_fd,
	.recv = afp_recv,
	.send = afp_send,
	.link_state = afp_link_state,
	.mac = afp_mac,
	.mtu = afp_mtu,
};
