// SPDX-License-Identifier: MIT
/*
 * finish.c - frames finished in software for a port that does not take
 * their offloads: a partial checksum completed in a copy, a super-frame cut
 * into segments. Only a batch that carried offload metadata comes here.
 * The finished frames are gathered in the switch's finishing scratch
 * (VSW_FIN_FRAMES descriptors, VSW_FIN_BUF bytes) and handed over in
 * batches of at most VSW_BATCH_MAX, in order.
 */
#include "datapath/datapath.h"
#include "datapath/finish.h"
#include "datapath/offload.h"

bool vsw__port_takes_all(const struct vsw_port *p, const struct vsw_frame *f, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		if (vsw__frame_needs(&f[i]) & ~p->offloads)
			return false;
	return true;
}

struct fin {
	struct vsw_switch *sw;
	struct vsw_hot *q;
	unsigned int n;     /* frames gathered in sw->fin */
	size_t used;        /* bytes taken in sw->fin_buf */
};

static void hand_over(struct fin *x)
{
	for (unsigned int i = 0; i < x->n; i += VSW_BATCH_MAX) {
		unsigned int k = x->n - i < VSW_BATCH_MAX ? x->n - i : VSW_BATCH_MAX;
		vsw__port_deliver(x->sw, x->q, &x->sw->fin[i], k);
	}
	x->n = 0;
	x->used = 0;
}

/* Room for 'frames' descriptors and 'bytes' bytes, handing over what is
 * gathered if need be; false if even an empty scratch is too small. */
static bool room(struct fin *x, unsigned int frames, size_t bytes)
{
	bytes = (bytes + 7u) & ~(size_t)7u;
	if (frames > VSW_FIN_FRAMES || bytes > VSW_FIN_BUF)
		return false;
	if (x->n + frames > VSW_FIN_FRAMES || x->used + bytes > VSW_FIN_BUF)
		hand_over(x);
	return true;
}

/* One frame the port does not take: its finished form(s) gathered. */
static void finish_one(struct fin *x, const struct vsw_frame *f)
{
	struct vsw_port *p = x->q->port;
	struct vsw__offload o;
	size_t bytes;
	unsigned int segs;
	int r;

	vsw__offload_of(f, &o);
	if (!o.gso_type) {
		/* a checksum to complete (or a hint to drop): one copy */
		if (!(f->flags & VSW_FRAME_CSUM_PARTIAL)) {
			if (!room(x, 1, 0))
				goto failed;
			x->sw->fin[x->n] = *f;
			x->sw->fin[x->n++].flags &= (uint16_t)~VSW_FRAME_CSUM_VALID;
			return;
		}
		segs = 1;
		bytes = f->len;
	} else {
		segs = (f->len - o.hdr_len + o.gso_size - 1u) / o.gso_size;
		bytes = vsw__gso_room(f->len, &o);
	}
	if (!room(x, segs, bytes))
		goto failed;
	r = vsw__gso_segment(f->data, f->len, &o, x->sw->fin_buf + x->used, VSW_FIN_BUF - x->used,
			     &x->sw->fin[x->n], VSW_FIN_FRAMES - x->n);
	if (r < 0)
		goto failed;
	x->n += (unsigned int)r;
	x->used += (bytes + 7u) & ~(size_t)7u;
	p->ctr[o.gso_type ? VSW_CTR_SW_SEGMENTED : VSW_CTR_SW_CSUM]++;
	return;
failed:
	p->ctr[VSW_CTR_OFFLOAD_FAILED]++;
}

void vsw__deliver_finished(struct vsw_switch *sw, struct vsw_hot *q, struct vsw_frame *f,
			   unsigned int n)
{
	struct fin x = { .sw = sw, .q = q };
	uint64_t caps = q->port->offloads;

	for (unsigned int i = 0; i < n; i++) {
		if (!(vsw__frame_needs(&f[i]) & ~caps)) {
			if (room(&x, 1, 0))
				sw->fin[x.n++] = f[i];
			continue;
		}
		finish_one(&x, &f[i]);
	}
	hand_over(&x);
}
