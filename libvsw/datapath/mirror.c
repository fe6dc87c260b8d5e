// SPDX-License-Identifier: MIT
/*
 * mirror.c - copies of a port's frames for its mirroring sessions, made in
 * the switch's mirror scratch and handed to each session's destination: a
 * port (SPAN; RSPAN with the encapsulation VLAN's tag), or a callback.
 *
 * A copy points at the frame itself unless its bytes must change: a tag
 * held out of band is written into them, an RSPAN copy gets its outer
 * 802.1Q tag replaced by the session's. Copies go to a destination port
 * through send.c, which mirrors nothing, so no copy is ever copied again.
 * Nothing here allocates: the scratch exists from the first session on.
 */
#include <time.h>

#include "core/objects.h"
#include "datapath/datapath.h"
#include "datapath/finish.h"
#include "datapath/frame.h"
#include "datapath/mirror.h"

/* The VLAN of a frame of port 'p' for a source's VLAN filter; -1 if it
 * has none (too short to hold a header). */
static int vlan_of(const struct vsw_port *p, const struct vsw_frame *f)
{
	uint16_t d = vsw__hot(p)->domain;

	if (p->kind != VSW_PORT_UPLINK && d != VSW_DOMAIN_ANY)
		return d;
	if (f->len < VSW_ETH_HLEN)
		return -1;
	if (f->flags & VSW_FRAME_VLAN_TCI)
		return f->vlan_tci & VSW_VID_MASK;
	if (f->len >= VSW_ETH_HLEN + VSW_VLAN_HLEN &&
	    vsw_be16(f->data + VSW_ETHERTYPE_OFF) == VSW_ETH_P_8021Q)
		return vsw_be16(f->data + VSW_ETH_HLEN) & VSW_VID_MASK;
	return 0;
}

static bool vlan_ok(const struct vsw_mirror_src *s, const struct vsw_port *p,
		    const struct vsw_frame *f)
{
	int v;

	if (!s->vlans)
		return true;
	v = vlan_of(p, f);
	return v >= 0 && (s->vlans[v >> 6] >> (v & 63) & 1);
}

/* A batch of copies being gathered for one session. */
struct gather {
	struct vsw_switch *sw;
	struct vsw_mirror *m;
	struct vsw__mirror_scratch *x;
	unsigned int n;
	uint32_t used;      /* bytes of x->buf taken */
	uint64_t ts_ns;
};

static void hand_over(struct gather *g)
{
	struct vsw_mirror *m = g->m;
	unsigned int took = 0;

	if (!g->n)
		return;
	if (m->dst) {
		struct vsw_hot *q = vsw__hot(m->dst);
		if (q->up)
			took = vsw__port_send(g->sw, q, g->x->frame, g->n);
	} else if (m->fn) {
		bool was = g->sw->in_flush, was_delivering = g->sw->in_deliver;
		/* the callback is a receiver: it may not reconfigure the switch */
		g->sw->in_flush = true;
		g->sw->in_deliver = true;
		took = m->fn(m, g->x->copy, g->n, m->user);
		g->sw->in_flush = was;
		g->sw->in_deliver = was_delivering;
		if (took > g->n)
			took = g->n;
	}
	m->mirrored += took;
	m->dropped += g->n - took;
	g->n = 0;
	g->used = 0;
}

/* Write the frame's first 'cap' bytes, as they would be with its outer
 * 802.1Q tag replaced by 'tci' (or given one), into 'o'; the whole such
 * frame's length in *len. */
static uint32_t copy_retagged(const struct vsw_frame *f, uint8_t *o, uint16_t tci, uint32_t cap,
			      uint32_t *len)
{
	uint32_t off = VSW_ETHERTYPE_OFF, head = VSW_ETH_HLEN + 2;
	uint32_t rest, n;

	/* an in-band 802.1Q tag goes; an out-of-band one was never in the bytes */
	if (!(f->flags & VSW_FRAME_VLAN_TCI) && f->len >= VSW_ETH_HLEN + VSW_VLAN_HLEN &&
	    vsw_be16(f->data + VSW_ETHERTYPE_OFF) == VSW_ETH_P_8021Q)
		off += VSW_VLAN_HLEN;
	rest = f->len - off;
	*len = head + rest;
	n = *len < cap ? *len : cap;
	memcpy(o, f->data, VSW_ETHERTYPE_OFF);
	vsw_put_be16(o + VSW_ETHERTYPE_OFF, VSW_ETH_P_8021Q);
	vsw_put_be16(o + VSW_ETH_HLEN, tci);
	if (n > head)
		memcpy(o + head, f->data + off, n - head);
	return n;
}

/* One frame's copy for the session being gathered; false if it is lost. */
static bool copy_one(struct gather *g, struct vsw_port *p, const struct vsw_frame *f,
		     unsigned int dir)
{
	struct vsw_mirror *m = g->m;
	uint32_t cap = m->snaplen ? m->snaplen : UINT32_MAX, len = f->len, caplen;
	bool oob = f->flags & VSW_FRAME_VLAN_TCI;
	bool rspan = m->dst && m->encap_vlan;
	const uint8_t *data = f->data;

	if (f->len < VSW_ETHERTYPE_OFF) {
		if (rspan)
			return false; /* no header to write a tag into */
		oob = false; /* a runt goes as it came */
	}
	if (oob || rspan) {
		uint32_t room = ((cap < f->len + VSW_VLAN_HLEN ? cap : f->len + VSW_VLAN_HLEN) + 7u) & ~7u;
		if (g->used + room > VSW_MIRROR_BUF)
			hand_over(g);
		uint8_t *o = g->x->buf + g->used;
		caplen = copy_retagged(f, o, rspan ? m->encap_vlan : f->vlan_tci, cap, &len);
		g->used += room;
		data = o;
	} else {
		caplen = len < cap ? len : cap;
	}
	if (m->fn) {
		g->x->copy[g->n++] = (struct vsw_mirror_copy){ .data = data, .caplen = caplen,
			.len = len, .ts_ns = g->ts_ns, .port = p, .direction = dir };
		return true;
	}
	/* to a port: offload metadata kept for a whole copy, its offsets moved
	 * by the tag written or replaced; a cut copy is a plain frame */
	struct vsw_frame *o = &g->x->frame[g->n];
	*o = (struct vsw_frame){ .data = data, .len = caplen };
	if (caplen == len && ((f->flags & ~VSW_FRAME_VLAN_TCI) || f->gso_type)) {
		vsw__frame_retagged(o, f, data, len);
		if (vsw__frame_needs(o) & ~m->dst->offloads) {
			if (o->gso_type)
				return false; /* a super-frame it cannot take */
			o->flags &= (uint16_t)~(VSW_FRAME_CSUM_PARTIAL | VSW_FRAME_CSUM_VALID);
		}
	}
	g->n++;
	return true;
}

static uint64_t wall_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void mirror(struct vsw_switch *sw, struct vsw_port *p, struct vsw_mirror_src **src,
		   unsigned int n_src, const struct vsw_frame *f, unsigned int n, unsigned int dir)
{
	struct gather g = { .sw = sw, .x = sw->mir };
	bool have_ts = false;

	for (unsigned int s = 0; s < n_src; s++) {
		g.m = src[s]->m;
		if (g.m->fn && !have_ts) {
			g.ts_ns = wall_ns();
			have_ts = true;
		}
		for (unsigned int i = 0; i < n; i++) {
			if (!vlan_ok(src[s], p, &f[i]))
				continue;
			if (g.n == VSW_BATCH_MAX)
				hand_over(&g);
			if (!copy_one(&g, p, &f[i], dir))
				g.m->dropped++;
		}
		hand_over(&g);
	}
}

void vsw__mirror_ingress(struct vsw_switch *sw, struct vsw_port *p, const struct vsw_frame *f,
			 unsigned int n)
{
	mirror(sw, p, p->mir, p->n_mir_in, f, n, VSW_MIRROR_INGRESS);
}

void vsw__mirror_egress(struct vsw_switch *sw, struct vsw_port *p, const struct vsw_frame *f,
			unsigned int n)
{
	mirror(sw, p, p->mir + p->n_mir_in, p->n_mir_out, f, n, VSW_MIRROR_EGRESS);
}

/* Whether a session copies anything at all. */
static bool active(const struct vsw_mirror *m)
{
	return m->enabled && (m->dst || m->fn) && m->n_sources;
}

void vsw__mirror_derive(struct vsw_switch *sw)
{
	struct vsw_list *n, *k;

	vsw_list_for_each(n, &sw->ports) {
		struct vsw_port *p = vsw_container_of(n, struct vsw_port, sw_node);
		p->n_mir_in = 0;
		p->n_mir_out = 0;
		vsw__hot(p)->flags &= (uint8_t)~(VSW_HOT_SPAN_DST | VSW_HOT_MIRROR_OUT);
	}
	/* ingress lists first, then egress: each port's room is twice its
	 * sources (core/mirror.c reserves it) */
	for (unsigned int dir = VSW_MIRROR_INGRESS; dir <= VSW_MIRROR_EGRESS; dir++)
		vsw_list_for_each(n, &sw->mirrors) {
			struct vsw_mirror *m = vsw_container_of(n, struct vsw_mirror, node);
			if (!active(m))
				continue;
			if (m->dst && m->dst->kind != VSW_PORT_UPLINK)
				vsw__hot(m->dst)->flags |= VSW_HOT_SPAN_DST;
			vsw_list_for_each(k, &m->sources) {
				struct vsw_mirror_src *s = vsw_container_of(k, struct vsw_mirror_src, node);
				struct vsw_port *p = s->port;
				if (!(s->dir & dir))
					continue;
				p->mir[p->n_mir_in + p->n_mir_out] = s;
				if (dir == VSW_MIRROR_INGRESS) {
					p->n_mir_in++;
				} else {
					p->n_mir_out++;
					vsw__hot(p)->flags |= VSW_HOT_MIRROR_OUT;
				}
			}
		}
}
