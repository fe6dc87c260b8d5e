/* SPDX-License-Identifier: MIT */
/*
 * virtq.h - a guest's memory and its split virtqueues, as the vhost-user
 * backend (vhostuser.c) shares them with a VM: translating the guest's
 * addresses, taking the chains the guest made available and giving them
 * back used, with notification suppression (EVENT_IDX or the flags).
 *
 * Nothing the guest wrote is trusted. Every address and length is checked
 * against the memory table before a byte is touched; a descriptor is read
 * once into a local copy (the guest may change it meanwhile); a chain is
 * bounded by the ring's size (an indirect one by its table's); an index
 * that moves impossibly breaks the ring, which then does nothing until
 * the front-end sets it up again. No socket, no descriptor: what the
 * fuzz target drives over a fake memory table.
 */
#ifndef VSW_BACKENDS_VIRTQ_H
#define VSW_BACKENDS_VIRTQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VSW_GMEM_MAX 8          /* regions in a memory table (vhost-user's limit) */
#define VSW_VQ_MAX 32768u       /* the largest split ring */

/* One region of guest memory, mapped into this process. */
struct vsw__gmem_region {
	uint64_t gpa;                /* guest-physical start */
	uint64_t size;
	uint64_t uaddr;              /* where the front-end (QEMU) has it */
	uint8_t *host;               /* where it is here */
};

struct vsw__gmem {
	unsigned int n;
	struct vsw__gmem_region r[VSW_GMEM_MAX];
};

/*
 * Host address of guest-physical [gpa, gpa+len) within one region, and in
 * '*got' how much of 'len' is contiguous there (a buffer may continue in
 * the next region); NULL when 'gpa' is in no region.
 */
uint8_t *vsw__gmem_piece(const struct vsw__gmem *m, uint64_t gpa, uint64_t len, uint64_t *got);
/* Host address of the front-end's [ua, ua+len), all in one region, or NULL. */
void *vsw__gmem_uaddr(const struct vsw__gmem *m, uint64_t ua, uint64_t len);

/* Why a chain was refused (each one the backend's counter). */
enum vsw__vq_fault {
	VSW_VQ_OK = 0,
	VSW_VQ_BAD_DESC,             /* outside memory, looping, too long, wrong direction */
	VSW_VQ_TOO_LONG,             /* a frame longer than the buffer it must fit */
	VSW_VQ_BAD_HDR,              /* shorter than the virtio-net header */
};

struct vsw__vq {
	uint16_t num;                /* ring size (a power of 2), 0 until set */
	bool event_idx;              /* VIRTIO_RING_F_EVENT_IDX negotiated */
	bool indirect;               /* VIRTIO_RING_F_INDIRECT_DESC negotiated */
	bool broken;                 /* an index moved impossibly: stopped */
	struct vring_desc *desc;     /* in guest memory, or NULL */
	struct vring_avail *avail;
	struct vring_used *used;
	uint64_t desc_ua, avail_ua, used_ua; /* the front-end's addresses, kept
					      * to translate again on a new table */
	uint16_t last_avail;         /* the next available entry to take */
	uint16_t avail_seen;         /* avail->idx as last read (and checked): read
				      * again only when the device caught up with it,
				      * so that the guest's line is not pulled over
				      * for every frame */
	uint16_t used_idx;           /* used entries written, not all published */
	uint16_t published;          /* used->idx as last written */
	uint16_t signalled;          /* used->idx at the last interrupt */
	bool signalled_ok;           /* 'signalled' means something */
};

/* Translate the ring addresses against 'm' (after SET_VRING_ADDR or a new
 * memory table): 0, or -EFAULT when a part is outside guest memory (the
 * pointers are then NULL). */
int vsw__vq_map(struct vsw__vq *vq, const struct vsw__gmem *m);
/* The ring is ready to start: read where the guest's used index stands. */
void vsw__vq_start(struct vsw__vq *vq);
/* Whether the guest has made chains available that were not taken. */
bool vsw__vq_pending(struct vsw__vq *vq);

/*
 * Take the next available chain (the guest's transmit queue) and copy its
 * device-readable bytes to buf[0, cap): 1 with '*len' set and '*fault'
 * VSW_VQ_OK, or 1 with '*fault' saying why nothing usable was copied (the
 * chain is given back used all the same); 0 when none is available; -EIO
 * when the ring broke (an avail index or head out of range).
 */
int vsw__vq_pop(struct vsw__vq *vq, const struct vsw__gmem *m, uint8_t *buf, size_t cap,
		size_t *len, enum vsw__vq_fault *fault);

/*
 * Copy a frame, 'hdr' (hdr_len bytes, the virtio-net header) then 'data',
 * into chains the guest made available for receiving. With 'mergeable'
 * (VIRTIO_NET_F_MRG_RXBUF) it may span several chains and the header's
 * num_buffers (bytes 10-11) says how many; without, it must fit one.
 * Returns 1 (written, or dropped with '*fault' set), 0 when the guest has
 * not made enough room yet (nothing taken), -EIO when the ring broke.
 */
int vsw__vq_push(struct vsw__vq *vq, const struct vsw__gmem *m, uint8_t *hdr, size_t hdr_len,
		 const uint8_t *data, size_t len, bool mergeable, enum vsw__vq_fault *fault);

/*
 * Warm the cache for what comes: the buffer of the chain 'ahead' places
 * past the next one (for writing, or reading), and the descriptor of the
 * one twice as far. Only chains already known to be available; nothing
 * is taken or checked, and a wild address is simply not prefetched.
 */
void vsw__vq_prefetch(const struct vsw__vq *vq, const struct vsw__gmem *m, uint16_t ahead,
		      bool write);

/* Publish the used entries written since the last call; true when the
 * guest wants an interrupt for them (its used_event or flags). */
bool vsw__vq_flush(struct vsw__vq *vq);

/* Ask the guest to kick when it makes more available (on), or not (off);
 * after turning it on, true if chains came meanwhile (take them now). */
bool vsw__vq_notify(struct vsw__vq *vq, bool on);

#endif
