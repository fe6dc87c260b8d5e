// SPDX-License-Identifier: MIT
/*
 * virtq.c - split virtqueues in a guest's memory (virtio 1.x, 2.6), the
 * device's side: what the vhost-user backend does with the rings a VM
 * shares. See virtq.h for what is checked; the fuzz target fuzz-virtq
 * drives it with arbitrary ring contents.
 *
 * Ordering: the guest publishes a chain by writing the ring entry, then
 * avail->idx; the index is read with acquire before the entry. The device
 * writes used entries, then used->idx with release. Between publishing
 * and reading the guest's used_event (or turning kicks back on and looking
 * at avail->idx again) a full fence, or a notification is lost.
 */
#include "backends/private.h"
#include "backends/virtq.h"

#include <endian.h>
#include <linux/virtio_ring.h>

#define END UINT32_MAX

uint8_t *vsw__gmem_piece(const struct vsw__gmem *m, uint64_t gpa, uint64_t len, uint64_t *got)
{
	for (unsigned int i = 0; i < m->n; i++) {
		const struct vsw__gmem_region *r = &m->r[i];
		if (gpa >= r->gpa && gpa - r->gpa < r->size) {
			uint64_t off = gpa - r->gpa, room = r->size - off;
			*got = len < room ? len : room;
			return r->host + off;
		}
	}
	return NULL;
}

void *vsw__gmem_uaddr(const struct vsw__gmem *m, uint64_t ua, uint64_t len)
{
	for (unsigned int i = 0; i < m->n; i++) {
		const struct vsw__gmem_region *r = &m->r[i];
		if (ua >= r->uaddr && ua - r->uaddr < r->size && len <= r->size - (ua - r->uaddr))
			return r->host + (ua - r->uaddr);
	}
	return NULL;
}

static uint16_t load16(const void *p)
{
	return le16toh(__atomic_load_n((const uint16_t *)p, __ATOMIC_RELAXED));
}

static uint16_t avail_idx(const struct vsw__vq *vq)
{
	return le16toh(__atomic_load_n(&vq->avail->idx, __ATOMIC_ACQUIRE));
}

/* The used_event and avail_event words after the two rings. */
static uint16_t *used_event(const struct vsw__vq *vq)
{
	return &vq->avail->ring[vq->num];
}

static uint16_t *avail_event(const struct vsw__vq *vq)
{
	return (uint16_t *)(void *)&vq->used->ring[vq->num];
}

int vsw__vq_map(struct vsw__vq *vq, const struct vsw__gmem *m)
{
	size_t n = vq->num;

	vq->desc = vsw__gmem_uaddr(m, vq->desc_ua, 16 * n);
	vq->avail = vsw__gmem_uaddr(m, vq->avail_ua, 6 + 2 * n);
	vq->used = vsw__gmem_uaddr(m, vq->used_ua, 6 + 8 * n);
	/* the alignments of virtio 2.6 (16, 2, 4), which the loads need */
	if (!n || !vq->desc || !vq->avail || !vq->used || ((uintptr_t)vq->desc & 15) ||
	    ((uintptr_t)vq->avail & 1) || ((uintptr_t)vq->used & 3)) {
		vq->desc = NULL;
		vq->avail = NULL;
		vq->used = NULL;
		return -EFAULT;
	}
	return 0;
}

void vsw__vq_start(struct vsw__vq *vq)
{
	vq->broken = false;
	if (!vq->used)
		return;
	vq->used_idx = vq->published = vq->signalled = load16(&vq->used->idx);
	vq->avail_seen = vq->last_avail;
	vq->signalled_ok = false;
}

bool vsw__vq_pending(struct vsw__vq *vq)
{
	return vq->avail && !vq->broken && avail_idx(vq) != vq->last_avail;
}

/* ---- walking a chain ---- */

struct chain {
	const struct vring_desc *tab; /* the ring's table, or an indirect one */
	uint32_t size;                /* its entries */
	uint32_t next;                /* the next entry to read, or END */
	uint32_t seen;                /* entries read in this table */
	bool in_indirect;
};

struct desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
};

/* The next descriptor of the chain in '*d': 1, 0 at its end, -1 when the
 * chain is malformed (out of its table, a loop, a nested or misplaced
 * indirect table, one outside guest memory). */
static int chain_next(struct chain *c, const struct vsw__vq *vq, const struct vsw__gmem *m,
		      struct desc *d)
{
	for (;;) {
		struct vring_desc raw;
		uint16_t flags;

		if (c->next == END)
			return 0;
		/* more entries than the table has is a loop */
		if (c->next >= c->size || ++c->seen > c->size)
			return -1;
		memcpy(&raw, &c->tab[c->next], sizeof(raw)); /* read once */
		flags = le16toh(raw.flags);
		d->addr = le64toh(raw.addr);
		d->len = le32toh(raw.len);
		d->flags = flags;
		if (flags & VRING_DESC_F_INDIRECT) {
			uint64_t got;
			const void *tab;
			/* only as the chain's one descriptor, never nested */
			if (!vq->indirect || c->in_indirect || c->seen != 1 || (flags & VRING_DESC_F_NEXT) ||
			    !d->len || d->len % sizeof(raw) || d->len / sizeof(raw) > VSW_VQ_MAX)
				return -1;
			tab = vsw__gmem_piece(m, d->addr, d->len, &got);
			if (!tab || got != d->len)
				return -1;
			c->tab = tab;
			c->size = d->len / (uint32_t)sizeof(raw);
			c->next = 0;
			c->seen = 0;
			c->in_indirect = true;
			continue;
		}
		c->next = (flags & VRING_DESC_F_NEXT) ? le16toh(raw.next) : END;
		return 1;
	}
}

static void chain_start(struct chain *c, const struct vsw__vq *vq, uint16_t head)
{
	c->tab = vq->desc;
	c->size = vq->num;
	c->next = head;
	c->seen = 0;
	c->in_indirect = false;
}

static void put_used(struct vsw__vq *vq, uint16_t id, uint32_t len)
{
	struct vring_used_elem e = { .id = htole32(id), .len = htole32(len) };

	memcpy(&vq->used->ring[vq->used_idx & (vq->num - 1)], &e, sizeof(e));
	vq->used_idx++;
}

/* The head of the next available chain: 1, 0 if none (up to 'aidx'), -EIO
 * when the ring is broken. */
static int take_head(struct vsw__vq *vq, uint16_t aidx, uint16_t *head)
{
	uint16_t h;

	if (aidx == vq->last_avail)
		return 0;
	h = load16(&vq->avail->ring[vq->last_avail & (vq->num - 1)]);
	if (h >= vq->num) {
		vq->broken = true;
		return -EIO;
	}
	vq->last_avail++;
	*head = h;
	return 1;
}

/* How far the guest has made chains available: avail->idx as last read
 * while it is ahead of the device, else read again; -EIO (ring broken)
 * when it is more than a ring ahead. */
static int fresh_avail(struct vsw__vq *vq, uint16_t *aidx)
{
	if (!vq->desc || vq->broken)
		return -EIO;
	if (vq->avail_seen != vq->last_avail) {
		*aidx = vq->avail_seen;
		return 0;
	}
	*aidx = avail_idx(vq);
	if ((uint16_t)(*aidx - vq->last_avail) > vq->num) {
		vq->broken = true;
		return -EIO;
	}
	vq->avail_seen = *aidx;
	return 0;
}

int vsw__vq_pop(struct vsw__vq *vq, const struct vsw__gmem *m, uint8_t *buf, size_t cap,
		size_t *len, enum vsw__vq_fault *fault)
{
	struct chain c;
	struct desc d;
	uint16_t aidx, head;
	size_t off = 0;
	int r;

	*fault = VSW_VQ_OK;
	*len = 0;
	if (fresh_avail(vq, &aidx) < 0)
		return vq->broken ? -EIO : 0;
	r = take_head(vq, aidx, &head);
	if (r <= 0)
		return r;
	chain_start(&c, vq, head);
	while (!*fault && (r = chain_next(&c, vq, m, &d)) > 0) {
		uint64_t addr = d.addr, left = d.len;
		if (d.flags & VRING_DESC_F_WRITE) {
			*fault = VSW_VQ_BAD_DESC; /* a receive buffer in a transmit chain */
			break;
		}
		while (left) {
			uint64_t got;
			const uint8_t *p = vsw__gmem_piece(m, addr, left, &got);
			if (!p) {
				*fault = VSW_VQ_BAD_DESC;
				break;
			}
			if (got > cap - off) {
				*fault = VSW_VQ_TOO_LONG;
				break;
			}
			memcpy(buf + off, p, got);
			off += got;
			addr += got;
			left -= got;
		}
	}
	if (r < 0)
		*fault = VSW_VQ_BAD_DESC;
	if (!*fault)
		*len = off;
	put_used(vq, head, 0);
	return 1;
}

/* The bytes of a frame to write, the header then the data, and where the
 * header's num_buffers (its bytes 10 and 11) landed in guest memory. */
struct source {
	const uint8_t *hdr, *data;
	size_t hdr_len, len, off;     /* 'off' bytes of hdr+data written */
	uint8_t *nb[2];
};

static void source_copy(struct source *s, uint8_t *dst, size_t n)
{
	while (n) {
		size_t k;
		if (s->off < s->hdr_len) {
			k = s->hdr_len - s->off < n ? s->hdr_len - s->off : n;
			for (size_t i = 0; i < k; i++)
				if (s->off + i == 10 || s->off + i == 11)
					s->nb[s->off + i - 10] = dst + i;
			memcpy(dst, s->hdr + s->off, k);
		} else {
			k = n;
			memcpy(dst, s->data + (s->off - s->hdr_len), k);
		}
		s->off += k;
		dst += k;
		n -= k;
	}
}

int vsw__vq_push(struct vsw__vq *vq, const struct vsw__gmem *m, uint8_t *hdr, size_t hdr_len,
		 const uint8_t *data, size_t len, bool mergeable, enum vsw__vq_fault *fault)
{
	struct source s = { .hdr = hdr, .data = data, .hdr_len = hdr_len, .len = len };
	uint16_t aidx, head, save_avail = vq->last_avail, save_used = vq->used_idx, nbufs = 0;
	size_t total = hdr_len + len;
	int r;

	*fault = VSW_VQ_OK;
	if (fresh_avail(vq, &aidx) < 0)
		return vq->broken ? -EIO : 0;
	while (s.off < total) {
		struct chain c;
		struct desc d;
		uint32_t written = 0;

		/* the frame does not fit one chain (or, mergeable, the whole
		 * ring): dropped, the chains stay the guest's */
		if ((nbufs && !mergeable) || nbufs == vq->num) {
			*fault = VSW_VQ_TOO_LONG;
			goto undo;
		}
		r = take_head(vq, aidx, &head);
		if (r <= 0)
			goto undo; /* no room yet, or the ring broke */
		chain_start(&c, vq, head);
		while (s.off < total && (r = chain_next(&c, vq, m, &d)) > 0) {
			uint64_t addr = d.addr, left = d.len;
			if (!(d.flags & VRING_DESC_F_WRITE)) {
				r = -1;
				break;
			}
			while (left && s.off < total) {
				uint64_t got;
				uint8_t *p = vsw__gmem_piece(m, addr, left < total - s.off ? left : total - s.off,
							     &got);
				if (!p) {
					r = -1;
					break;
				}
				source_copy(&s, p, got);
				written += (uint32_t)got;
				addr += got;
				left -= got;
			}
			if (r < 0)
				break;
		}
		if (r < 0) {
			/* a read-only or wild buffer offered for receiving: the
			 * driver is broken, and so is the ring until it is reset */
			vq->broken = true;
			*fault = VSW_VQ_BAD_DESC;
			vq->last_avail = save_avail;
			vq->used_idx = save_used;
			vq->avail_seen = save_avail;
			return 1;
		}
		put_used(vq, head, written);
		nbufs++;
	}
	if (s.nb[0] && s.nb[1]) {
		s.nb[0][0] = (uint8_t)nbufs;
		s.nb[1][0] = (uint8_t)(nbufs >> 8);
	}
	return 1;
undo:
	vq->last_avail = save_avail;
	vq->used_idx = save_used;
	vq->avail_seen = save_avail; /* read again next time */
	return vq->broken ? -EIO : *fault ? 1 : 0;
}

void vsw__vq_prefetch(const struct vsw__vq *vq, const struct vsw__gmem *m, uint16_t ahead,
		      bool write)
{
	uint16_t known, mask = (uint16_t)(vq->num - 1), head;
	struct vring_desc d;
	uint64_t got;
	uint8_t *p;

	if (!vq->desc || vq->broken)
		return;
	/* the guest's frames are written by another core: without this the
	 * copies wait on each line in turn, with it they overlap */
	known = (uint16_t)(vq->avail_seen - vq->last_avail);
	if (known > 2 * ahead) {
		head = load16(&vq->avail->ring[(uint16_t)(vq->last_avail + 2 * ahead) & mask]);
		if (head < vq->num)
			__builtin_prefetch(&vq->desc[head]);
	}
	if (known <= ahead)
		return;
	head = load16(&vq->avail->ring[(uint16_t)(vq->last_avail + ahead) & mask]);
	if (head >= vq->num)
		return;
	memcpy(&d, &vq->desc[head], sizeof(d));
	p = vsw__gmem_piece(m, le64toh(d.addr), 128, &got);
	if (!p)
		return;
	if (write) {
		__builtin_prefetch(p, 1);
		if (got > 64)
			__builtin_prefetch(p + 64, 1);
	} else {
		__builtin_prefetch(p, 0);
		if (got > 64)
			__builtin_prefetch(p + 64, 0);
	}
}

bool vsw__vq_flush(struct vsw__vq *vq)
{
	uint16_t old = vq->published, new = vq->used_idx;

	if (!vq->used || old == new)
		return false;
	__atomic_store_n(&vq->used->idx, htole16(new), __ATOMIC_RELEASE);
	vq->published = new;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (vq->event_idx) {
		uint16_t ev = load16(used_event(vq));
		bool need = !vq->signalled_ok || (uint16_t)(new - ev - 1) < (uint16_t)(new - vq->signalled);
		if (need) {
			vq->signalled = new;
			vq->signalled_ok = true;
		}
		return need;
	}
	return !(load16(&vq->avail->flags) & VRING_AVAIL_F_NO_INTERRUPT);
}

bool vsw__vq_notify(struct vsw__vq *vq, bool on)
{
	if (!vq->used || vq->broken)
		return false;
	if (vq->event_idx) {
		if (on)
			__atomic_store_n(avail_event(vq), htole16(vq->last_avail), __ATOMIC_RELAXED);
	} else {
		__atomic_store_n(&vq->used->flags, htole16(on ? 0 : VRING_USED_F_NO_NOTIFY),
				 __ATOMIC_RELAXED);
	}
	if (!on)
		return false;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return vsw__vq_pending(vq);
}
