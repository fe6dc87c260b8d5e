// SPDX-License-Identifier: MIT
/*
 * deliver.c - the end of a batch: every staged output described (its
 * offload metadata carried over, offsets moved by the tag) and handed to
 * its port, grouped by port, once per port (handoff.c); frames with offload
 * metadata the port does not take are finished first (finish.c).
 */
#include <stddef.h>

#include "core/objects.h"
#include "datapath/datapath.h"
#include "datapath/finish.h"

/* The output descriptor of a staged frame: its offload metadata carried
 * over, its offsets moved by the tag the switch pushed (+4) or popped (-4),
 * which is exactly the change in length. */
static inline void describe(struct vsw_frame *o, const struct vsw_staged *st)
{
	/* the members after flags are zero in sw->out between batches (the
	 * end of vsw__flush_outputs() sees to it) */
	if (!st->ofl) {
		o->data = st->data;
		o->len = st->len;
		o->vlan_tci = 0;
		o->flags = 0;
		return;
	}
	vsw__frame_retagged(o, st->ofl, st->data, st->len);
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
	if (__builtin_expect(sw->batch_ofl, 0)) {
		for (uint32_t i = 0; i < sw->n_stage; i++) {
			const struct vsw_staged *st = &sw->stage[i];
			describe(&sw->out[sw->hot[st->port].out_pos++], st);
		}
	} else {
		/* plain frames only: what a 1.x descriptor held, and no more */
		for (uint32_t i = 0; i < sw->n_stage; i++) {
			const struct vsw_staged *st = &sw->stage[i];
			struct vsw_frame *o = &sw->out[sw->hot[st->port].out_pos++];
			o->data = st->data;
			o->len = st->len;
			o->vlan_tci = 0;
			o->flags = 0;
		}
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
	if (__builtin_expect(sw->batch_ofl, 0))
		for (uint32_t i = 0; i < sw->n_stage; i++)
			memset(&sw->out[i].csum_start, 0,
			       sizeof(struct vsw_frame) - offsetof(struct vsw_frame, csum_start));
	sw->n_stage = 0;
	sw->n_dirty = 0;
}
