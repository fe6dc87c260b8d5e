/* SPDX-License-Identifier: MIT */
/*
 * deliver.h - the second half of the frame path: a frame's rewritten
 * variants (tag pushed, popped or kept, each built once, in the arena),
 * staging one output per destination port, and the room a batch needs.
 * Inline, as input.c calls them per frame and per destination;
 * deliver.c hands the staged outputs over once per port.
 */
#ifndef VSW_DATAPATH_DELIVER_H
#define VSW_DATAPATH_DELIVER_H

#include "core/objects.h"
#include "datapath/datapath.h"
#include "datapath/frame.h"

enum { TAG_NONE, TAG_INBAND, TAG_OOB };
enum { VAR_UNTAG, VAR_TAG, VAR_ASIS, VAR_N };

#define NO_DROP 0xff

/* Destination of a frame after the lookup pass. */
#define DST_FLOOD (VSW_NO_PORT - 1)

/* What the first passes learn of a frame. */
struct pkt {
	const uint8_t *d;
	uint32_t len;
	uint16_t domain;
	uint16_t tci;
	uint8_t tag;
	uint8_t drop;
	uint32_t dst;        /* port index, VSW_NO_PORT (unknown) or DST_FLOOD */
	uint64_t dkey;       /* MAC-table key of (domain, destination) */
	uint64_t src;        /* source MAC as an integer */
	const struct vsw_frame *ofl; /* the frame, if it carries offload metadata */
};

/* Rewritten copies of the frame being forwarded, built on first use. */
struct variants {
	const uint8_t *data[VAR_N];
	uint32_t len[VAR_N];
};

static inline void stage(struct vsw_switch *sw, uint32_t port, const uint8_t *data, uint32_t len,
			 const struct vsw_frame *ofl)
{
	/* only a flood into a domain larger than the staging array gets here;
	 * the arena is left alone, so the frame's variants stay valid */
	if (sw->n_stage == VSW_STAGE_MAX)
		vsw__flush_outputs(sw);
	if (sw->hot[port].n_pending++ == 0)
		sw->dirty_ports[sw->n_dirty++] = port;
	sw->stage[sw->n_stage++] =
		(struct vsw_staged){ .port = port, .len = len, .data = data, .ofl = ofl };
}

/* Arena bytes one rewritten copy of a 'len'-byte frame takes: a tag may be
 * pushed, and every copy starts 8-byte aligned. */
static inline uint32_t variant_room(uint32_t len)
{
	return (len + VSW_VLAN_HLEN + 7) & ~7u;
}

/* Room for 'outputs' more outputs of one frame and its rewritten copies:
 * exactly what rewrite() may take for each of the VAR_N variants. */
static inline void ensure_room(struct vsw_switch *sw, uint32_t outputs, uint32_t len)
{
	if (sw->n_stage + outputs > VSW_STAGE_MAX ||
	    sw->arena_used + VAR_N * variant_room(len) > VSW_ARENA_SIZE) {
		vsw__flush_outputs(sw);
		sw->arena_used = 0;
	}
}

/* Copy the frame with its outer 802.1Q tag replaced by 'tci', or removed. */
static const uint8_t *rewrite(struct vsw_switch *sw, const struct pkt *k, bool tagged,
			      uint16_t tci, uint32_t *olen)
{
	uint8_t *o = sw->arena + sw->arena_used;
	uint32_t off = k->tag == TAG_INBAND ? VSW_ETHERTYPE_OFF + VSW_VLAN_HLEN : VSW_ETHERTYPE_OFF;
	uint32_t rest = k->len - off;
	uint32_t at = VSW_ETHERTYPE_OFF;

	memcpy(o, k->d, VSW_ETHERTYPE_OFF);
	if (tagged) {
		vsw_put_be16(o + at, VSW_ETH_P_8021Q);
		vsw_put_be16(o + at + 2, tci);
		at += VSW_VLAN_HLEN;
	}
	memcpy(o + at, k->d + off, rest);
	*olen = at + rest;
	sw->arena_used += variant_room(k->len);
	return o;
}

/* The frame as it leaves: untagged, tagged with the domain, or as sent. */
static inline const uint8_t *variant(struct vsw_switch *sw, const struct pkt *k,
				     struct variants *v, int which, uint32_t *len)
{
	uint16_t tci;

	if (v->data[which]) {
		*len = v->len[which];
		return v->data[which];
	}
	switch (which) {
	case VAR_UNTAG:
		if (k->tag == TAG_NONE) {
			v->data[which] = k->d;
			v->len[which] = k->len;
		} else {
			v->data[which] = rewrite(sw, k, false, 0, &v->len[which]);
		}
		break;
	case VAR_TAG:
		tci = (uint16_t)((k->tag != TAG_NONE ? (k->tci & VSW_PCP_DEI_MASK) : 0) | k->domain);
		if (k->tag == TAG_INBAND && k->tci == tci) {
			v->data[which] = k->d;
			v->len[which] = k->len;
		} else {
			v->data[which] = rewrite(sw, k, true, tci, &v->len[which]);
		}
		break;
	default: /* VAR_ASIS */
		if (k->tag != TAG_OOB) {
			v->data[which] = k->d;
			v->len[which] = k->len;
		} else {
			v->data[which] = rewrite(sw, k, true, k->tci, &v->len[which]);
		}
		break;
	}
	*len = v->len[which];
	return v->data[which];
}

/* Stage the frame for virtual port 'r'; 0 if its state forbids delivery. */
static inline __attribute__((always_inline)) int to_vport(struct vsw_switch *sw, const struct pkt *k, struct variants *v,
			   uint32_t r, bool *blocked)
{
	const struct vsw_hot *q = &sw->hot[r];
	const uint8_t *data;
	uint32_t len;

	if (__builtin_expect(!q->up || (q->flags & (VSW_HOT_MAC_BLOCKED | VSW_HOT_SPAN_DST)), 0)) {
		q->port->ctr[!q->up ? VSW_CTR_LINK_DOWN :
			     q->flags & VSW_HOT_SPAN_DST ? VSW_CTR_MIRROR_DST :
							   VSW_CTR_MAC_CHANGE_BLOCKED]++;
		*blocked = true;
		return 0;
	}
	/* a trunk port gets the domain's tag; everyone else untagged */
	data = variant(sw, k, v, q->domain == VSW_DOMAIN_ANY && k->domain ? VAR_TAG : VAR_UNTAG, &len);
	stage(sw, r, data, len, k->ofl);
	return 1;
}

/* Copies for promiscuous ports of the frame's domain(s), except 'skip1/2'. */
static inline void promisc_copies(struct vsw_switch *sw, const struct pkt *k, struct variants *v,
				  uint32_t skip1, uint32_t skip2)
{
	bool blocked = false;

	if (!(sw->dom[k->domain].n_promisc | sw->dom[VSW_DOMAIN_ANY].n_promisc))
		return;
	for (int pass = 0; pass < 2; pass++) {
		const struct vsw_dom *dm = &sw->dom[pass ? VSW_DOMAIN_ANY : k->domain];
		if (pass && k->domain == VSW_DOMAIN_ANY)
			break;
		for (uint32_t i = 0; i < dm->n_promisc; i++) {
			uint32_t r = dm->promisc[i];
			if (r != skip1 && r != skip2)
				to_vport(sw, k, v, r, &blocked);
		}
	}
}

static inline uint32_t promisc_count(const struct vsw_switch *sw, uint16_t domain)
{
	return sw->dom[domain].n_promisc + sw->dom[VSW_DOMAIN_ANY].n_promisc;
}

#endif
