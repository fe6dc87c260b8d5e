// SPDX-License-Identifier: MIT
/*
 * deliver.c - handing frames to a port: its backend's send or its receive
 * callback, once per port and batch, with the switch busy meanwhile so a
 * receiver cannot reconfigure it under the batch; tx counted on what was
 * taken, the rest lost as tx_full (the switch keeps nothing). Frames with
 * offload metadata the port does not take are finished first (finish.c).
 * control/ sends what it generates (beacons, LLDP, RARP) the same way.
 */
#include "core/objects.h"
#include "backends/backends.h"
#include "datapath/datapath.h"
#include "datapath/finish.h"

void vsw__port_deliver(struct vsw_switch *sw, struct vsw_hot *q, const struct vsw_frame *f,
			unsigned int n)
{
	bool was = sw->in_flush, was_delivering = sw->in_deliver;
	unsigned int sent = n;
	uint64_t bytes = 0;

	/* a receiver may not reconfigure the switch while it delivers (those
	 * calls return -EBUSY); what it sends into it waits in the backlog
	 * (backlog.c) until the outermost vsw_port_input() or poll round ends */
	sw->in_flush = true;
	sw->in_deliver = true;
	if (q->be) {
		int r = q->be->ops->send(q->be, f, n);
		if (r == -EAGAIN)
			r = 0;
		if (r < 0 || (unsigned int)r > n) {
			q->port->ctr[VSW_CTR_TX_ERRORS] += n;
			sent = 0;
		} else if ((sent = (unsigned int)r) < n) {
			q->port->ctr[VSW_CTR_TX_FULL] += n - sent;
			/* the loop (loop.c) waits for room before it receives
			 * more for this port than it can forward */
			q->be->tx_blocked = true;
			if (q->be->ops->want_writable)
				q->be->ops->want_writable(q->be);
		}
	} else if (q->rx_fn) {
		/* the port's counters are a cold line: touched only on a shortfall */
		sent = q->rx_fn(q->port, f, n, q->rx_user);
		if (__builtin_expect(sent < n, 0))
			q->port->ctr[VSW_CTR_TX_FULL] += n - sent;
		else
			sent = n;
	}
	sw->in_flush = was;
	sw->in_deliver = was_delivering;
	for (unsigned int i = 0; i < sent; i++)
		bytes += f[i].len;
	q->tx_packets += sent;
	q->tx_bytes += bytes;
}

/* The output descriptor of a staged frame: its offload metadata carried
 * over, its offsets moved by the tag the switch pushed (+4) or popped (-4),
 * which is exactly the change in length. */
static inline void describe(struct vsw_frame *o, const struct vsw_staged *st)
{
	if (__builtin_expect(!st->ofl, 1)) {
		*o = (struct vsw_frame){ .data = st->data, .len = st->len };
		return;
	}
	int32_t delta = (int32_t)st->len - (int32_t)st->ofl->len;
	*o = *st->ofl;
	o->data = st->data;
	o->len = st->len;
	o->vlan_tci = 0;
	o->flags &= (uint16_t)~VSW_FRAME_VLAN_TCI;
	if (o->flags & VSW_FRAME_CSUM_PARTIAL)
		o->csum_start = (uint16_t)(o->csum_start + delta);
	if (o->gso_type)
		o->hdr_len = (uint16_t)(o->hdr_len + delta);
}

/* Hand every staged output to its port, grouped by port, order kept. */
void vsw__flush_outputs(struct vsw_switch *sw)
{
	uint32_t pos = 0;

	if (!sw->n_stage)
		return;
	for (uint32_t i = 0; i < sw->n_dirty; i++) {
		struct vsw_hot *h = &sw->hot[sw->dirty_ports[i]];
		h->out_pos = pos;
		pos += h->n_pending;
	}
	for (uint32_t i = 0; i < sw->n_stage; i++) {
		const struct vsw_staged *st = &sw->stage[i];
		describe(&sw->out[sw->hot[st->port].out_pos++], st);
	}
	for (uint32_t i = 0; i < sw->n_dirty; i++) {
		struct vsw_hot *h = &sw->hot[sw->dirty_ports[i]];
		uint32_t n = h->n_pending;
		struct vsw_frame *f = &sw->out[h->out_pos - n];
		h->n_pending = 0;
		if (__builtin_expect(sw->batch_ofl, 0) && !vsw__port_takes_all(h->port, f, n))
			vsw__deliver_finished(sw, h, f, n);
		else
			vsw__port_deliver(sw, h, f, n);
	}
	sw->n_stage = 0;
	sw->n_dirty = 0;
}
