// SPDX-License-Identifier: MIT
/*
 * afpacket.c - "afpacket:IFNAME", an uplink at speed: PACKET_MMAP
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
 * A frame is handed to the switch whole or not at all: one longer than the
 * interface's MTU allows (vsw__packet_frame_max), cut by the kernel to its
 * slot or too long to get its S-tag back is dropped and counted as
 * truncated.
 *
 * Offloads (offloads=on, the default): the socket has PACKET_VNET_HDR, so
 * the interface (and a veth's peer) keeps TSO, GSO, GRO and checksum
 * offload. The kernel writes a virtio_net_hdr right before each frame in
 * its slot and hands over 64 KiB TCP super-frames and frames whose L4
 * checksum is partial; the header becomes the frame's offload metadata
 * (vnet.c) and the frame goes to the switch as it is, in its slot. The
 * switch passes it on to ports that take it and finishes it for the
 * others. A super-frame is measured against the MTU by its longest
 * segment (hdr_len + gso_size); one with an S-tag that its scratch copy
 * cannot hold is dropped as truncated. Frames sent carry their metadata
 * in the header, so the kernel segments on the way out only where the
 * device behind cannot take a super-frame; the backend takes every offload
 * but UDP segmentation. A frame longer than a TX ring slot (a super-frame)
 * leaves through sendmmsg(2) instead, in order. Slots hold a 64 KiB
 * super-frame: 128 KiB each in V2 (512 slots within RING_BYTES). With
 * offloads=off the kernel's super-frames are dropped as truncated: turn
 * TSO, GSO and GRO off on the interfaces then.
 *
 * The rings follow the interface's MTU: the link poll (whenever the loop
 * reads the link: on the interface's rtnetlink link event, which an MTU
 * change is, 100 ms after the port carried frames, at once after a
 * truncated frame) reads it, and a change rebuilds the receive ring for the
 * new size. The kernel's own drops (a full ring) are read there too and
 * counted as rx_dropped.
 *
 * Options: rx=v2|v3, tx=ring|mmsg, frames=N (ring slots, 64 to 65536,
 * default 4096, fewer when they would take more than RING_BYTES),
 * block_tov=MS (1 to 1000), offloads=on|off (default on).
 */
#include "backends/private.h"
#include "backends/packet-socket.h"

#include <arpa/inet.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#define V3_BLOCK_SIZE (1u << 20)
/* a receive ring never takes more than this (unless 64 slots do): 4096
 * slots of 16 KiB at an MTU of 9000, 512 of 128 KiB at 65535 */
#define RING_BYTES (64u << 20)

#define VNET_HLEN 10u /* struct virtio_net_hdr, before each frame */
/* The longest super-frame a slot takes whole: 64 KiB of IP (the kernel's
 * default gso_max_size) behind the Ethernet header and two tags. */
#define GSO_FRAME_MAX (65536u + 14u + 8u)

struct afp {
	struct vsw_backend *be;
	int fd;
	char ifname[IFNAMSIZ];
	int ifindex;
	int version;           /* TPACKET_V2 or TPACKET_V3 for receive */
	bool tx_ring;
	bool vnet;             /* PACKET_VNET_HDR: offloads on */

	uint8_t *map;          /* rx ring, then tx ring */
	size_t map_len;

	/* receive, V2: frame slots */
	uint8_t *rx;
	size_t rx_len;
	unsigned int rx_frames, rx_frame_size, rx_cur, rx_held;
	unsigned int rx_unit;  /* the bytes per frame the ring is sized by */
	unsigned int frames_req, tov; /* the frames= and block_tov= asked for */
	/* receive, V3: blocks */
	unsigned int n_blocks, blk_cur, blk_left;
	struct tpacket3_hdr *blk_pkt; /* next frame in the block at blk_cur, or NULL */
	unsigned int blk_done; /* consumed blocks before blk_cur, to release */
	uint32_t blk_seq;      /* sequence number of the next block the kernel fills */

	/* transmit */
	uint8_t *tx;
	unsigned int tx_frames, tx_frame_size, tx_cur;
	struct mmsghdr *msgs;
	struct iovec *iov;

	uint8_t *scratch;      /* frames whose outer S-tag is put back */
	uint8_t *vnet_hdrs;    /* the virtio_net_hdr of each frame sent by sendmmsg */
	uint64_t errors;       /* virtio_net_hdrs without a name, counted at the end */
	unsigned int frame_max; /* longest frame handed over, as on the wire */
	int mtu;               /* the interface MTU the rings are sized for */
	uint64_t truncated;    /* dropped in this receive, counted at its end */
	int mtu_want;          /* the MTU seen at the last link poll */
	bool follow_at_recv;   /* the poll left it to the next receive */
	unsigned int polls_since_fail; /* a failed rebuild is retried slowly */
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
	a->vnet = true;
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
		} else if (!strcmp(key, "offloads") && (!strcmp(val, "on") || !strcmp(val, "off"))) {
			a->vnet = !strcmp(val, "on");
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
	vsw__free(a->vnet_hdrs);
	vsw__free(a->msgs);
	vsw__free(a->iov);
	vsw__free(a);
}

/* The slot size for frames of up to 'frame_max' bytes, ring header and
 * headroom included; with offloads, a super-frame and its virtio_net_hdr
 * fit too. */
static unsigned int plain_slot_size(unsigned int frame_max)
{
	return pow2_at_least(frame_max + TPACKET_ALIGN(sizeof(struct tpacket2_hdr)) + 64);
}

static unsigned int slot_size(const struct afp *a, unsigned int frame_max)
{
	if (a->vnet)
		frame_max = (frame_max > GSO_FRAME_MAX ? frame_max : GSO_FRAME_MAX) + VNET_HLEN;
	return plain_slot_size(frame_max);
}

/* The scratch copy of a frame whose S-tag goes back: at most frame_max. */
static size_t scratch_room(const struct afp *a)
{
	return (size_t)a->frame_max + 4;
}

/* The bytes per frame a ring for frames of up to 'frame_max' is sized by:
 * its slot, except that V3 packs frames into blocks, whatever the slot
 * size: with offloads a V3 ring takes the bytes it takes without them, in
 * blocks that hold a super-frame. */
static unsigned int ring_unit(const struct afp *a, unsigned int frame_max)
{
	if (a->version == TPACKET_V3 && a->vnet)
		return plain_slot_size(frame_max);
	return slot_size(a, frame_max);
}

/* Ask the kernel for a receive ring of 'frame_size' slots, sized by 'unit'
 * bytes per frame (or free it, frame_size 0), and note its geometry. */
static int rx_ring_set(struct afp *a, unsigned int frame_size, unsigned int unit)
{
	unsigned int page = (unsigned int)sysconf(_SC_PAGESIZE);
	unsigned int frames = a->frames_req;
	union {
		struct tpacket_req r2;
		struct tpacket_req3 r3;
	} req;

	memset(&req, 0, sizeof(req));
	if (frame_size && (size_t)frames * unit > RING_BYTES)
		frames = RING_BYTES / unit < 64 ? 64 : RING_BYTES / unit;
	if (frame_size && a->version == TPACKET_V2) {
		req.r2.tp_frame_size = frame_size;
		req.r2.tp_frame_nr = frames;
		req.r2.tp_block_size = frame_size < page ? page : frame_size;
		req.r2.tp_block_nr = frames * frame_size / req.r2.tp_block_size;
	} else if (frame_size) {
		unsigned int blocks = (unsigned int)((size_t)frames * unit / V3_BLOCK_SIZE);
		if (blocks < 4)
			blocks = 4;
		req.r3.tp_block_size = V3_BLOCK_SIZE;
		req.r3.tp_block_nr = blocks;
		req.r3.tp_frame_size = frame_size;
		req.r3.tp_frame_nr = blocks * (V3_BLOCK_SIZE / frame_size);
		req.r3.tp_retire_blk_tov = a->tov;
	}
	if (setsockopt(a->fd, SOL_PACKET, PACKET_RX_RING, &req,
		       a->version == TPACKET_V2 ? sizeof(req.r2) : sizeof(req.r3)) < 0)
		return -errno;
	if (!frame_size)
		return 0;
	a->rx_frame_size = frame_size;
	a->rx_unit = unit;
	if (a->version == TPACKET_V2) {
		a->rx_frames = frames;
		a->rx_len = (size_t)frames * frame_size;
	} else {
		a->n_blocks = req.r3.tp_block_nr;
		a->rx_len = (size_t)a->n_blocks * V3_BLOCK_SIZE;
	}
	a->rx_cur = a->rx_held = 0;
	a->blk_cur = a->blk_left = a->blk_done = 0;
	a->blk_pkt = NULL;
	a->blk_seq = 1; /* the kernel numbers blocks from 1 as it opens them */
	return 0;
}

/* Map the receive ring and, after it, the transmit ring. */
static int map_rings(struct afp *a)
{
	size_t tx_len = (size_t)a->tx_frames * a->tx_frame_size;

	a->map_len = a->rx_len + tx_len;
	a->map = mmap(NULL, a->map_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, a->fd, 0);
	if (a->map == MAP_FAILED) {
		a->map = NULL;
		return -errno;
	}
	a->rx = a->map;
	a->tx = a->map + a->rx_len;
	return 0;
}

static int afp_rings(struct afp *a)
{
	int ver = a->version, loss = 1, err;
	unsigned int page = (unsigned int)sysconf(_SC_PAGESIZE);

	/* a malformed frame on the TX ring (longer than the interface's MTU)
	 * is skipped instead of stopping the ring; must precede the rings */
	if (setsockopt(a->fd, SOL_PACKET, PACKET_VERSION, &ver, sizeof(ver)) < 0 ||
	    (a->tx_ring && setsockopt(a->fd, SOL_PACKET, PACKET_LOSS, &loss, sizeof(loss)) < 0))
		return -errno;
	/* a virtio_net_hdr before every frame, both ways; before the rings
	 * (the kernel refuses it after) */
	if (a->vnet && setsockopt(a->fd, SOL_PACKET, PACKET_VNET_HDR, &loss, sizeof(loss)) < 0)
		return -errno;
	err = rx_ring_set(a, slot_size(a, a->frame_max), ring_unit(a, a->frame_max));
	if (err)
		return err;
	if (a->tx_ring) {
		/* sized at open: a later, larger MTU's longest frames do not
		 * fit it and count as tx_errors (tx=mmsg has no such limit) */
		/* the switch's frames are complete: with offloads, no room for
		 * super-frames, only for the empty virtio_net_hdr */
		unsigned int fs = a->vnet ? plain_slot_size(a->frame_max + VNET_HLEN) : a->rx_frame_size;
		struct tpacket_req t = {
			.tp_frame_size = fs,
			.tp_frame_nr = 1024,
			.tp_block_size = fs < page ? page : fs,
		};
		t.tp_block_nr = t.tp_frame_nr * t.tp_frame_size / t.tp_block_size;
		if (setsockopt(a->fd, SOL_PACKET, PACKET_TX_RING, &t, sizeof(t)) < 0)
			return -errno;
		a->tx_frames = t.tp_frame_nr;
		a->tx_frame_size = t.tp_frame_size;
	}
	return map_rings(a);
}

/* Frames waiting in the receive ring that no receive handed out yet. */
static uint64_t rx_waiting(struct afp *a)
{
	uint64_t n = 0;

	if (a->version == TPACKET_V2) {
		for (unsigned int i = 0; i < a->rx_frames; i++) {
			unsigned int slot = (a->rx_cur + i) & (a->rx_frames - 1);
			struct tpacket2_hdr *h = (void *)(a->rx + (size_t)slot * a->rx_frame_size);
			if (i >= a->rx_held &&
			    (__atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE) & TP_STATUS_USER))
				n++;
		}
		return n;
	}
	/* from the next block to read on: blocks handed over, then the one
	 * the kernel is filling (its number is the next; a block released
	 * earlier still shows its old count and an older number) */
	uint32_t seq = a->blk_seq;
	for (unsigned int i = 0; i < a->n_blocks - a->blk_done; i++) {
		unsigned int j = (a->blk_cur + i) % a->n_blocks;
		struct tpacket_block_desc *b = (void *)(a->rx + (size_t)j * V3_BLOCK_SIZE);
		uint32_t st = __atomic_load_n(&b->hdr.bh1.block_status, __ATOMIC_ACQUIRE);
		if (!(st & TP_STATUS_USER)) {
			if (b->hdr.bh1.seq_num == seq)
				n += b->hdr.bh1.num_pkts;
			break;
		}
		n += i == 0 && a->blk_pkt ? a->blk_left : b->hdr.bh1.num_pkts;
		seq = (uint32_t)b->hdr.bh1.seq_num + 1;
	}
	return n;
}

/*
 * Rebuild the receive ring with slots of 'size' bytes. The frames still in
 * the old ring go with it and count as rx_dropped, and so do those that
 * reached the socket's queue between the two rings. If the new ring cannot
 * be had, the old size is asked for again and the error returned; if that
 * fails too the socket is left without a ring (a->map NULL).
 */
static int rx_rebuild(struct afp *a, unsigned int size, unsigned int unit)
{
	unsigned int old = a->rx_frame_size, old_unit = a->rx_unit;
	uint64_t lost = a->map ? rx_waiting(a) : 0;
	bool ring = true; /* a ring is set up, to be mapped */
	int err;

	if (a->map)
		munmap(a->map, a->map_len);
	a->map = NULL;
	err = rx_ring_set(a, 0, 0);
	if (!err) {
		err = rx_ring_set(a, size, unit);
		ring = !err || (old && rx_ring_set(a, old, old_unit) == 0);
	}
	if (ring) {
		int e = map_rings(a);
		if (e)
			err = e;
	}
	/* what arrived between the two rings would keep the descriptor
	 * readable over an empty ring; bounded by the socket's buffer */
	for (int i = 0; i < 65536; i++) {
		char b[1];
		if (recv(a->fd, b, sizeof(b), MSG_DONTWAIT | MSG_TRUNC) < 0)
			break;
		lost++;
	}
	vsw_backend_count(a->be, VSW_CTR_RX_DROPPED, lost);
	return err;
}

/* Follow the MTU seen at the last link poll: the longest frame, its
 * scratch copy and, when they no longer fit the slots, the ring. */
static int rx_follow(struct afp *a)
{
	unsigned int fmax = vsw__packet_frame_max(a->mtu_want), size = slot_size(a, fmax);
	uint8_t *scratch = vsw__calloc(VSW_BATCH_MAX, (size_t)fmax + 4);
	int err = 0;

	if (!scratch)
		return -ENOMEM;
	if (size != a->rx_frame_size || ring_unit(a, fmax) != a->rx_unit || !a->map)
		err = rx_rebuild(a, size, ring_unit(a, fmax));
	if (err) {
		vsw__free(scratch);
		return err; /* the old limit stays; a later link poll tries again */
	}
	vsw__free(a->scratch);
	a->scratch = scratch;
	a->frame_max = fmax;
	a->mtu = a->mtu_want;
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
	a->be = be;
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
	if (mtu > VSW_PACKET_MTU_MAX)
		mtu = VSW_PACKET_MTU_MAX;
	a->mtu = a->mtu_want = mtu;
	a->frame_max = vsw__packet_frame_max(mtu);
	a->frames_req = frames;
	a->tov = tov;
	a->scratch = vsw__calloc(VSW_BATCH_MAX, scratch_room(a));
	a->msgs = vsw__calloc(VSW_BATCH_MAX, sizeof(*a->msgs));
	/* with offloads, two per frame: the empty virtio_net_hdr and the frame */
	a->iov = vsw__calloc(2 * VSW_BATCH_MAX, sizeof(*a->iov));
	a->vnet_hdrs = vsw__calloc(VSW_BATCH_MAX, VNET_HLEN);
	if (!a->scratch || !a->msgs || !a->iov || !a->vnet_hdrs) {
		err = -ENOMEM;
		goto fail;
	}
	a->fd = vsw__packet_socket();
	if (a->fd < 0) {
		err = a->fd;
		goto fail;
	}
	err = afp_rings(a);
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

/* Describe frame f[k] (maybe one segment of a super-frame) with the tag the
 * kernel stripped: an S-tag goes back into its bytes, in scratch copy k.
 * Its length on the wire was checked against frame_max, which the copy
 * takes with the tag. */
static int vlan_out(struct afp *a, struct vsw_frame *f, unsigned int k, uint32_t status,
		    uint16_t tci, uint16_t tpid)
{
	return vsw__packet_vlan(&f[k], status, tci, tpid, a->scratch + (size_t)k * scratch_room(a),
				scratch_room(a));
}

/*
 * Hand the frame in a ring slot to the switch as f[*k], whole, with its
 * offload metadata, or drop it: counted as truncated when the kernel cut
 * it to its slot (snaplen < len), when it (a super-frame: its longest
 * segment) is longer than the interface's MTU allows, or too long for the
 * scratch copy that puts its S-tag back; as rx_errors when its
 * virtio_net_hdr has a GSO type without a name here. Whether the metadata
 * matches the bytes is the switch's to check.
 */
static void take(struct afp *a, struct vsw_frame *f, unsigned int *k, uint8_t *data,
		 uint32_t snaplen, uint32_t len, uint32_t status, uint16_t tci, uint16_t tpid)
{
	struct vsw_frame *x = &f[*k];
	uint32_t wire = len;

	if (snaplen < len) {
		a->truncated++;
		return;
	}
	*x = (struct vsw_frame){ .data = data, .len = len };
	if (a->vnet) {
		if (vsw__vnet_to_frame(data - VNET_HLEN, x)) {
			a->errors++;
			return;
		}
		if (x->gso_type && (uint32_t)x->hdr_len + x->gso_size < len)
			wire = (uint32_t)x->hdr_len + x->gso_size;
	}
	if (vsw__packet_wire_len(wire, status) > a->frame_max ||
	    vlan_out(a, f, *k, status, tci, tpid)) {
		a->truncated++;
		return;
	}
	(*k)++;
}

/* Slots handed out by the previous call go back to the kernel. */
static void release_v2(struct afp *a)
{
	while (a->rx_held) {
		struct tpacket2_hdr *h = (void *)(a->rx + (size_t)a->rx_cur * a->rx_frame_size);
		__atomic_store_n(&h->tp_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
		a->rx_cur = (a->rx_cur + 1) & (a->rx_frames - 1);
		a->rx_held--;
	}
}

static int recv_v2(struct afp *a, struct vsw_frame *f, unsigned int n)
{
	unsigned int k = 0;

	release_v2(a);
	for (unsigned int i = a->rx_cur; k < n && a->rx_held < a->rx_frames;
	     i = (i + 1) & (a->rx_frames - 1)) {
		struct tpacket2_hdr *h = (void *)(a->rx + (size_t)i * a->rx_frame_size);
		uint32_t st = __atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE);
		if (!(st & TP_STATUS_USER))
			break;
		take(a, f, &k, (uint8_t *)h + h->tp_mac, h->tp_snaplen, h->tp_len, st,
		     h->tp_vlan_tci, h->tp_vlan_tpid);
		a->rx_held++;
	}
	/* only dropped frames: their slots need not wait for the next call */
	if (!k)
		release_v2(a);
	return (int)k;
}

static struct tpacket_block_desc *block(struct afp *a, unsigned int i)
{
	return (void *)(a->rx + (size_t)i * V3_BLOCK_SIZE);
}

/* Blocks consumed by the previous call go back to the kernel. */
static void release_v3(struct afp *a)
{
	for (; a->blk_done; a->blk_done--) {
		unsigned int i = (a->blk_cur + a->n_blocks - a->blk_done) % a->n_blocks;
		__atomic_store_n(&block(a, i)->hdr.bh1.block_status, TP_STATUS_KERNEL,
				 __ATOMIC_RELEASE);
	}
}

/* Frames from as many blocks as the kernel has handed over, up to n: a
 * burst split over blocks by the block timer comes in one call. */
static int recv_v3(struct afp *a, struct vsw_frame *f, unsigned int n)
{
	unsigned int k = 0;

	release_v3(a);
	/* a block consumed now is not released before the next call: stop
	 * before coming round to it again */
	while (k < n && a->blk_done < a->n_blocks) {
		struct tpacket_block_desc *b = block(a, a->blk_cur);
		if (!a->blk_pkt) {
			uint32_t st = __atomic_load_n(&b->hdr.bh1.block_status, __ATOMIC_ACQUIRE);
			if (!(st & TP_STATUS_USER))
				break;
			a->blk_pkt = (void *)((uint8_t *)b + b->hdr.bh1.offset_to_first_pkt);
			a->blk_left = b->hdr.bh1.num_pkts;
			a->blk_seq = (uint32_t)b->hdr.bh1.seq_num + 1;
		}
		while (a->blk_left && k < n) {
			struct tpacket3_hdr *h = a->blk_pkt;
			take(a, f, &k, (uint8_t *)h + h->tp_mac, h->tp_snaplen, h->tp_len,
			     h->tp_status, h->hv1.tp_vlan_tci, h->hv1.tp_vlan_tpid);
			a->blk_pkt = (void *)((uint8_t *)h + h->tp_next_offset);
			a->blk_left--;
		}
		/* a consumed block is released on the next call, when the
		 * frames handed out now are done with */
		if (!a->blk_left) {
			a->blk_pkt = NULL;
			a->blk_done++;
			a->blk_cur = (a->blk_cur + 1) % a->n_blocks;
		}
	}
	if (!k)
		release_v3(a);
	return (int)k;
}

static int afp_recv(struct vsw_backend *be, struct vsw_frame *f, unsigned int n)
{
	struct afp *a = afp_of(be);
	int k;

	/* the frames of the previous call are done with: a new MTU that the
	 * link poll could not apply then is applied now */
	if (a->follow_at_recv || !a->map) {
		a->follow_at_recv = false;
		if (rx_follow(a) && !a->map)
			return -ENOMEM;
	}
	k = a->version == TPACKET_V2 ? recv_v2(a, f, n) : recv_v3(a, f, n);
	if (a->errors) {
		vsw_backend_count(be, VSW_CTR_RX_ERRORS, a->errors);
		a->errors = 0;
	}
	if (a->truncated) {
		vsw_backend_count(be, VSW_CTR_TRUNCATED, a->truncated);
		a->truncated = 0;
		/* maybe the MTU grew and the switch has not read it yet:
		 * have it poll the link now */
		vsw_backend_notify(be);
	}
	/* woken with nothing: an error (the interface went down or away) is
	 * pending on the socket; reading it stops the wake-ups */
	if (k == 0) {
		int err = vsw__packet_error(a->fd);
		if (err)
			return err;
	}
	return k;
}

/* Whether frame 'f' fits a TX ring slot, with its virtio_net_hdr. */
static bool ring_fits(const struct afp *a, const struct vsw_frame *f)
{
	return f->len + (a->vnet ? VNET_HLEN : 0) <= a->tx_frame_size - TPACKET2_HDRLEN;
}

static int send_ring(struct afp *a, const struct vsw_frame *f, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct tpacket2_hdr *h = (void *)(a->tx + (size_t)a->tx_cur * a->tx_frame_size);
		uint32_t st = __atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE);
		if (st != TP_STATUS_AVAILABLE && st != TP_STATUS_WRONG_FORMAT)
			break; /* the ring is full: the kernel is still sending */
		uint8_t *d = (uint8_t *)h + TPACKET2_HDRLEN - sizeof(struct sockaddr_ll);
		uint32_t hl = a->vnet ? VNET_HLEN : 0;
		if (a->vnet)
			vsw__vnet_from_frame(&f[i], d);
		memcpy(d + hl, f[i].data, f[i].len);
		h->tp_len = f[i].len + hl;
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
	unsigned int per = a->vnet ? 2 : 1;
	int r;

	for (unsigned int i = 0; i < n; i++) {
		struct iovec *v = &a->iov[per * i];
		if (a->vnet) {
			uint8_t *h = a->vnet_hdrs + (size_t)i * VNET_HLEN;
			vsw__vnet_from_frame(&f[i], h);
			*v++ = (struct iovec){ .iov_base = h, .iov_len = VNET_HLEN };
		}
		*v = (struct iovec){ .iov_base = (void *)f[i].data, .iov_len = f[i].len };
		a->msgs[i].msg_hdr = (struct msghdr){ .msg_iov = &a->iov[per * i], .msg_iovlen = per };
	}
	r = sendmmsg(a->fd, a->msgs, n, MSG_DONTWAIT);
	if (r < 0)
		return errno == EAGAIN || errno == ENOBUFS ? 0 : -errno;
	return r;
}

/* With a TX ring, runs of frames that fit its slots go through it and the
 * others (super-frames) through sendmmsg, in order; a run that is not
 * taken whole ends the send. */
static int afp_send(struct vsw_backend *be, const struct vsw_frame *f, unsigned int n)
{
	struct afp *a = afp_of(be);
	unsigned int done = 0;

	if (!a->tx_ring)
		return send_mmsg(a, f, n);
	while (done < n) {
		bool ring = ring_fits(a, &f[done]);
		unsigned int run = 1;
		int r;

		while (done + run < n && ring_fits(a, &f[done + run]) == ring)
			run++;
		r = ring ? send_ring(a, f + done, run) : send_mmsg(a, f + done, run);
		if (r < 0)
			return done ? (int)done : r;
		done += (unsigned int)r;
		if ((unsigned int)r < run)
			break;
	}
	return (int)done;
}

/* What the kernel takes with a virtio_net_hdr on a packet socket's send
 * (packet_snd() and tpacket_snd() hand it to virtio_net_hdr_to_skb()). */
static uint64_t afp_offloads(struct vsw_backend *be)
{
	return afp_of(be)->vnet ? VSW_OFFLOAD_CSUM | VSW_OFFLOAD_TSO4 | VSW_OFFLOAD_TSO6 |
					  VSW_OFFLOAD_TSO_ECN : 0;
}

/* Frames of the last receive are still someone's: a program receiving
 * from an instance no port owns may hold them until its next receive. A
 * port's have been forwarded before the switch polls the link. */
static bool rx_in_use(struct vsw_backend *be, struct afp *a)
{
	if (vsw__backend_owned(be))
		return false;
	return a->version == TPACKET_V2 ? a->rx_held > 0 : a->blk_pkt || a->blk_done;
}

/*
 * The link poll (whenever the switch's loop reads the link: on rtnetlink
 * link events of the interface, or every 100 ms in another network
 * namespace; 100 ms after the port carried frames; after a failed receive
 * and a truncated frame): the carrier, the kernel's drops since the last
 * poll, and the interface's MTU, which the ring follows.
 */
static int afp_link_state(struct vsw_backend *be)
{
	struct afp *a = afp_of(be);
	int r = vsw__packet_rebind(a->fd, a->ifname, a->ifindex), mtu;
	uint64_t drops;

	if (r < 0)
		return 0; /* gone */
	if (r > 0)
		a->ifindex = r; /* deleted and created again: bound to the new one */
	drops = vsw__packet_drops(a->fd, a->version == TPACKET_V3);
	if (drops)
		vsw_backend_count(be, VSW_CTR_RX_DROPPED, drops);
	mtu = vsw__netdev_mtu(a->ifname);
	if (mtu > VSW_PACKET_MTU_MAX)
		mtu = VSW_PACKET_MTU_MAX;
	/* a rebuild that failed (no memory for the ring) lost what the ring
	 * held: the same MTU is tried again every 100 polls, not at every
	 * one (no fixed time: the loop polls on link events, 100 ms after
	 * traffic and after truncated frames) */
	if (mtu > 0 && mtu != a->mtu &&
	    (mtu != a->mtu_want || a->polls_since_fail == 0 || a->polls_since_fail++ >= 100)) {
		a->mtu_want = mtu;
		a->polls_since_fail = 0;
		if (rx_in_use(be, a))
			a->follow_at_recv = true;
		else if (rx_follow(a))
			a->polls_since_fail = 1;
	}
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
	.offloads = afp_offloads,
};
