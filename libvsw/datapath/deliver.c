// SPDX-License-Identifier: MIT
/*
 * deliver.c - handing frames to a port: its backend's send or its receive
 * callback, once per port and batch, with the switch busy meanwhile so a
 * receiver cannot reconfigure it under the batch; tx counted on what was
 * taken. control/ sends what it generates (beacons, LLDP, RARP) the same way.
 */
#include "core/objects.h"
#include "backends/backends.h"
#include "datapath/datapath.h"

void vsw__port_deliver(struct vsw_switch *sw, struct vsw_hot *q, const struct vsw_frame *f,
			unsigned int n)
{
	bool was = sw->in_flush;
	unsigned int sent = n;
	uint64_t bytes = 0;

	/* a receiver may not reconfigure the switch or send into it while it
	 * delivers: the calls it could make return -EBUSY */
	sw->in_flush = true;
	if (q->be) {
		int r = q->be->ops->send(q->be, f, n);
		if (r == -EAGAIN)
			r = 0;
		if (r < 0 || (unsigned int)r > n)
			r = 0;
		sent = (unsigned int)r;
		q->port->ctr[VSW_CTR_TX_ERRORS] += n - sent;
	} else if (q->rx_fn) {
		q->rx_fn(q->port, f, n, q->rx_user);
	}
	sw->in_flush = was;
	for (unsigned int i = 0; i < sent; i++)
		bytes += f[i].len;
	q->tx_packets += sent;
	q->tx_bytes += bytes;
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
		struct vsw_frame *o = &sw->out[sw->hot[st->port].out_pos++];
		o->data = st->data;
		o->len = st->len;
		o->vlan_tci = 0;
		o->flags = 0;
	}
	for (uint32_t i = 0; i < sw->n_dirty; i++) {
		struct vsw_hot *h = &sw->hot[sw->dirty_ports[i]];
		uint32_t n = h->n_pending;
		h->n_pending = 0;
		vsw__port_deliver(sw, h, &sw->out[h->out_pos - n], n);
	}
	sw->n_stage = 0;
	sw->n_dirty = 0;
}
