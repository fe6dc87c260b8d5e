// SPDX-License-Identifier: MIT
/*
 * forward.c - vsw_port_input(), the frame path.
 *
 * A batch from one port goes through two passes. The first parses each
 * frame (sanity, VLAN classification) and prefetches its MAC-table bucket;
 * the second applies the ingress policy and the uplink guards, looks the
 * destination up and stages one output per destination port. Outputs are
 * then grouped by port (a counting sort over the ports touched) and handed
 * over once per port: one backend send or one callback per batch.
 *
 * The forwarding rules are those of vsw(7) and DESIGN.md section 3; the
 * first check that fails decides the frame's single drop counter. Nothing
 * here allocates, locks or makes a system call per frame: the per-batch
 * scratch (staging array, output descriptors, rewrite arena) is allocated
 * with the switch. A frame is copied only when a tag must be pushed or
 * popped, into the arena, and at most once per tag variant.
 */
#include "internal.h"
#include "frame.h"

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
};

/* Rewritten copies of the frame being forwarded, built on first use. */
struct variants {
	const uint8_t *data[VAR_N];
	uint32_t len[VAR_N];
};

static void flush_outputs(struct vsw_switch *sw);

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
static void flush_outputs(struct vsw_switch *sw)
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

static inline void stage(struct vsw_switch *sw, uint32_t port, const uint8_t *data, uint32_t len)
{
	/* only a flood into a domain larger than the staging array gets here;
	 * the arena is left alone, so the frame's variants stay valid */
	if (sw->n_stage == VSW_STAGE_MAX)
		flush_outputs(sw);
	if (sw->hot[port].n_pending++ == 0)
		sw->dirty_ports[sw->n_dirty++] = port;
	sw->stage[sw->n_stage++] = (struct vsw_staged){ .port = port, .len = len, .data = data };
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
		flush_outputs(sw);
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

	if (__builtin_expect(!q->up || q->mac_blocked, 0)) {
		q->port->ctr[q->up ? VSW_CTR_MAC_CHANGE_BLOCKED : VSW_CTR_LINK_DOWN]++;
		*blocked = true;
		return 0;
	}
	/* a trunk port gets the domain's tag; everyone else untagged */
	data = variant(sw, k, v, q->domain == VSW_DOMAIN_ANY && k->domain ? VAR_TAG : VAR_UNTAG, &len);
	stage(sw, r, data, len);
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

/* ---- classification shared by both directions ---- */

/* Sanity and VLAN classification. 'vst_domain' is the domain of a VST/EST
 * source port (which may send no tag), or VSW_DOMAIN_ANY for trunk ports
 * and uplinks, which take the domain from the frame's tag. */
static inline void parse(const struct vsw_switch *sw, const struct vsw_frame *f, struct pkt *k,
			 uint16_t vst_domain)
{
	const uint8_t *d = f->data;
	uint32_t len = f->len;
	bool oob = f->flags & VSW_FRAME_VLAN_TCI;
	uint16_t et;
	bool inband;

	k->d = d;
	k->len = len;
	k->drop = NO_DROP;
	k->tag = TAG_NONE;
	k->tci = 0;
	if (len < VSW_ETH_HLEN) {
		k->drop = VSW_CTR_RUNT;
		return;
	}
	et = vsw_be16(d + VSW_ETHERTYPE_OFF);
	inband = et == VSW_ETH_P_8021Q || et == VSW_ETH_P_8021AD;
	if (inband && len < VSW_ETH_HLEN + VSW_VLAN_HLEN) {
		k->drop = VSW_CTR_RUNT;
		return;
	}
	k->src = vsw_load_mac48(d + 6);
	if ((k->src & VSW_MAC48_MULTICAST) || !k->src) {
		k->drop = VSW_CTR_BAD_SRC;
		return;
	}
	/* the +4 allowance applies once, however many tags */
	if (len - VSW_ETH_HLEN + (oob ? VSW_VLAN_HLEN : 0) >
	    sw->mtu + ((inband || oob) ? VSW_VLAN_HLEN : 0)) {
		k->drop = VSW_CTR_OVERSIZE;
		return;
	}
	if (vst_domain != VSW_DOMAIN_ANY) {
		if (inband || oob) {
			k->drop = VSW_CTR_VLAN_VIOLATION;
			return;
		}
		k->domain = vst_domain;
	} else {
		if (oob) {
			k->tag = TAG_OOB;
			k->tci = f->vlan_tci;
		} else if (et == VSW_ETH_P_8021Q) {
			k->tag = TAG_INBAND;
			k->tci = vsw_be16(d + VSW_ETHERTYPE_OFF + 2);
		}
		/* an S-tagged frame is domain 0 and its tag is payload */
		k->domain = k->tci & VSW_VID_MASK;
		if (k->tag != TAG_NONE && k->domain == VSW_VID_RESERVED) {
			k->drop = VSW_CTR_VLAN_VIOLATION;
			return;
		}
	}
	k->dkey = (uint64_t)k->domain << 48 | vsw_load_mac48(d);
	/* LLDP is link-local: the switch consumes it, from any port */
	if (__builtin_expect(vsw__lldp_dst(k->dkey), 0) &&
	    (k->tag == TAG_INBAND ? vsw_be16(d + VSW_ETH_HLEN + 2) : et) == VSW_ETH_P_LLDP) {
		k->drop = VSW_CTR_LLDP_RX;
		return;
	}
	__builtin_prefetch(vsw_fdb_bucket(&sw->fdb, k->dkey));
	/* frames from the physical network also look their source up */
	if (vst_domain == VSW_DOMAIN_ANY)
		__builtin_prefetch(vsw_fdb_bucket(&sw->fdb, (uint64_t)k->domain << 48 | k->src));
}

/* The MAC-table entry for 'key' or, failing that, the trunk entry for its
 * MAC; aged-out learned entries are misses. */
static inline const struct vsw_fdb_entry *lookup(const struct vsw_switch *sw, uint64_t key,
						 uint32_t now_s)
{
	const struct vsw_fdb_entry *e = vsw_fdb_lookup(&sw->fdb, key);

	if (!e && sw->n_trunk)
		e = vsw_fdb_lookup(&sw->fdb, (key & 0xffffffffffffull) |
					     (uint64_t)VSW_DOMAIN_ANY << 48);
	if (e && (e->port & VSW_FDB_LEARNED) && vsw__fdb_expired(sw, e, now_s))
		return NULL;
	return e;
}

/* ---- teaming choice per frame ---- */

uint32_t vsw__mac_hash(const uint8_t *mac)
{
	return mac[0] ^ mac[1] ^ mac[2] ^ mac[3] ^ mac[4] ^ mac[5];
}

/* XOR of the source and destination addresses folded to 8 bits; -1 if the
 * frame is not IPv4 or IPv6 (or too short to tell). */
int vsw__ip_hash(const uint8_t *d, uint32_t len, bool inband_tag)
{
	uint32_t off = VSW_ETHERTYPE_OFF + (inband_tag ? VSW_VLAN_HLEN : 0);
	uint32_t x = 0;
	uint16_t et;

	if (len < off + 2)
		return -1;
	et = vsw_be16(d + off);
	off += 2;
	if (et == VSW_ETH_P_IPV4 && len >= off + 20) {
		for (int i = 12; i < 20; i += 4)
			x ^= (uint32_t)d[off + i] << 24 | (uint32_t)d[off + i + 1] << 16 |
			     (uint32_t)d[off + i + 2] << 8 | d[off + i + 3];
	} else if (et == VSW_ETH_P_IPV6 && len >= off + 40) {
		for (int i = 8; i < 40; i += 4)
			x ^= (uint32_t)d[off + i] << 24 | (uint32_t)d[off + i + 1] << 16 |
			     (uint32_t)d[off + i + 2] << 8 | d[off + i + 3];
	} else {
		return -1;
	}
	x ^= x >> 16;
	x ^= x >> 8;
	return (int)(x & 0xff);
}

static inline uint32_t pick_uplink(const struct vsw_port *p, const struct pkt *k)
{
	const struct vsw_pg_team *t = &p->pg->tm;
	int h;

	switch (p->pg->eff.load_balancing) {
	case VSW_LB_SRC_MAC:
		if (k->src == p->mac48)
			return vsw__hot(p)->cur_uplink;
		return vsw__team_pick(t, vsw__mac_hash(k->d + 6));
	case VSW_LB_IP_HASH:
		h = vsw__ip_hash(k->d, k->len, k->tag == TAG_INBAND);
		if (h < 0)
			return vsw__team_pick(t, vsw__mac_hash(k->d + 6));
		if (t->n_usable_act)
			return t->usable_act[(uint32_t)h % t->n_usable_act];
		return t->first_usable_stb;
	default: /* port ID and explicit order: decided per port */
		return vsw__hot(p)->cur_uplink;
	}
}

/* ---- ingress policy of virtual ports ---- */

static inline bool shaper_take(struct vsw_port *p, uint32_t len)
{
	struct vsw_shaper *s = &p->shaper;

	if (s->avg_tokens < len || s->peak_tokens < len)
		return false;
	s->avg_tokens -= len;
	s->peak_tokens -= len;
	return true;
}

static void shaper_refill(struct vsw_switch *sw, struct vsw_port *p)
{
	const struct vsw_pg_eff *e = &p->pg->eff;
	struct vsw_shaper *s = &p->shaper;
	double dt = sw->now_ns > s->last_ns ? (double)(sw->now_ns - s->last_ns) / 1e9 : 0;
	double peak_depth = vsw__shaper_peak_depth(sw, e);

	s->last_ns = sw->now_ns;
	s->avg_tokens += dt * (double)e->avg_bps / 8;
	if (s->avg_tokens > (double)e->burst_bytes)
		s->avg_tokens = (double)e->burst_bytes;
	s->peak_tokens += dt * (double)e->peak_bps / 8;
	if (s->peak_tokens > peak_depth)
		s->peak_tokens = peak_depth;
}

/* Learn the frame's source MAC on 'p'; true if the MAC is now p's. */
static bool learn(struct vsw_switch *sw, struct vsw_port *p, uint16_t domain,
		  const uint8_t *src, uint32_t now_s)
{
	uint64_t key = vsw_fdb_key(domain, src);
	struct vsw_fdb_entry *e = vsw_fdb_lookup(&sw->fdb, key);
	uint32_t limit = p->pg->eff.mac_limit;

	/* at the limit or the table's capacity, aged entries must not count:
	 * sweep them, at most once a second */
	if (((limit && p->n_learned >= limit) || sw->fdb.n_learned >= sw->fdb.max_learned) &&
	    sw->last_age_s != now_s) {
		sw->last_age_s = now_s;
		vsw__fdb_age(sw);
		e = vsw_fdb_lookup(&sw->fdb, key);
	}

	if (e) {
		uint32_t owner = e->port & VSW_FDB_PORT_MASK;
		if (!(e->port & VSW_FDB_LEARNED))
			goto refused; /* another port's own address */
		if (owner == p->idx) {
			e->seen = now_s;
			return true;
		}
		if (limit && p->n_learned >= limit)
			goto refused;
		/* the address moved behind another port */
		sw->port_by_idx[owner]->n_learned--;
		e->port = p->idx | VSW_FDB_LEARNED;
		e->seen = now_s;
		p->n_learned++;
		return true;
	}
	if (limit && p->n_learned >= limit)
		goto refused;
	if (vsw__fdb_learn(&sw->fdb, key, p->idx, now_s) < 0 &&
	    (!vsw__fdb_make_room(sw, p) || vsw__fdb_learn(&sw->fdb, key, p->idx, now_s) < 0))
		goto refused;
	p->n_learned++;
	return true;
refused:
	p->ctr[VSW_CTR_LEARN_REFUSED]++;
	return false;
}

/* ---- the two directions ---- */

/* The frame's destination: flood, a port, or unknown; the port's hot state
 * is prefetched for the pass that stages the outputs. */
static inline void find_dst(struct vsw_switch *sw, struct pkt *k, uint32_t now_s)
{
	const struct vsw_fdb_entry *e;

	if (k->dkey & VSW_MAC48_MULTICAST) {
		k->dst = DST_FLOOD;
		return;
	}
	e = lookup(sw, k->dkey, now_s);
	k->dst = e ? e->port & VSW_FDB_PORT_MASK : VSW_NO_PORT;
	if (e)
		__builtin_prefetch(&sw->hot[k->dst]);
}

/*
 * Second pass for a virtual port: ingress policy, then the lookup, whose
 * bucket the first pass prefetched; the destination's hot state is
 * prefetched in turn for the third pass.
 */
static void vport_policy_lookup(struct vsw_switch *sw, struct vsw_port *p, struct pkt *pk,
				unsigned int n, uint32_t now_s)
{
	const struct vsw_pg_eff *eff = &p->pg->eff;

	for (unsigned int i = 0; i < n; i++) {
		struct pkt *k = &pk[i];
		if (k->drop != NO_DROP)
			continue;
		if (k->src != p->mac48) {
			bool own = eff->mac_learning && learn(sw, p, k->domain, k->d + 6, now_s);
			if (!eff->forged_transmits && !own) {
				k->drop = VSW_CTR_FORGED;
				continue;
			}
		}
		if (eff->shaping && !shaper_take(p, k->len)) {
			k->drop = VSW_CTR_SHAPED;
			continue;
		}
		find_dst(sw, k, now_s);
	}
}

static void from_vport(struct vsw_switch *sw, struct vsw_port *p, struct pkt *pk, unsigned int n,
		       uint32_t now_s)
{
	uint16_t own_domain = vsw__hot(p)->domain;
	uint32_t to_uplink_var = own_domain == VSW_DOMAIN_ANY ? VAR_ASIS :
				 own_domain ? VAR_TAG : VAR_UNTAG;

	vport_policy_lookup(sw, p, pk, n, now_s);
	for (unsigned int i = 0; i < n; i++) {
		struct pkt *k = &pk[i];
		struct variants v;
		const uint8_t *data;
		bool blocked = false;
		uint32_t u, len, r = k->dst;

		if (k->drop != NO_DROP) {
			p->ctr[k->drop]++;
			continue;
		}
		memset(&v, 0, sizeof(v));
		if (r == p->idx) {
			p->ctr[VSW_CTR_SELF_DST]++;
			continue;
		}
		if (r < DST_FLOOD) {
			/* known unicast */
			ensure_room(sw, 1 + promisc_count(sw, k->domain), k->len);
			to_vport(sw, k, &v, r, &blocked);
			promisc_copies(sw, k, &v, p->idx, r);
			continue;
		}
		if (r == DST_FLOOD) {
			/* broadcast and multicast: the domain */
			const struct vsw_dom *dm = &sw->dom[k->domain];
			const struct vsw_dom *tr = &sw->dom[VSW_DOMAIN_ANY];
			ensure_room(sw, dm->n_member + tr->n_member + 1, k->len);
			for (uint32_t j = 0; j < dm->n_member; j++)
				if (dm->member[j] != p->idx)
					to_vport(sw, k, &v, dm->member[j], &blocked);
			for (uint32_t j = 0; j < tr->n_member; j++)
				if (tr->member[j] != p->idx)
					to_vport(sw, k, &v, tr->member[j], &blocked);
		} else {
			ensure_room(sw, 1 + promisc_count(sw, k->domain), k->len);
		}
		/* unknown unicast, and floods: one uplink to the physical network */
		u = pick_uplink(p, k);
		if (u == VSW_NO_PORT) {
			p->ctr[VSW_CTR_NO_UPLINK]++;
		} else {
			data = variant(sw, k, &v, (int)to_uplink_var, &len);
			stage(sw, u, data, len);
		}
		if (r != DST_FLOOD)
			promisc_copies(sw, k, &v, p->idx, VSW_NO_PORT);
	}
}

/* May virtual port 'q' take a flood that arrived on uplink 'u'? */
static inline bool takes_flood_from(const struct vsw_switch *sw, uint32_t q, uint32_t u)
{
	const struct vsw_portgroup *pg = sw->hot[q].port->pg;
	const struct vsw_pg_team *t;

	if (pg->eff.promiscuous)
		return true;
	if (pg->eff.load_balancing != VSW_LB_IP_HASH)
		return sw->hot[q].cur_uplink == u;
	/* IP hash: any usable active uplink; with none, the standby in use */
	t = &pg->tm;
	for (uint32_t i = 0; i < t->n_usable_act; i++)
		if (t->usable_act[i] == u)
			return true;
	return !t->n_usable_act && t->first_usable_stb == u;
}

/* Second pass for an uplink: beacons, the reflection guard, then the lookup. */
static void uplink_guard_lookup(struct vsw_switch *sw, struct vsw_port *p, struct pkt *pk,
				unsigned int n, uint32_t now_s)
{
	for (unsigned int i = 0; i < n; i++) {
		struct pkt *k = &pk[i];
		const struct vsw_fdb_entry *e;
		uint32_t pl;

		if (k->drop != NO_DROP)
			continue;
		pl = VSW_ETH_HLEN + (k->tag == TAG_INBAND ? VSW_VLAN_HLEN : 0);
		/* beacon probing's frames end here, counted as beacon_rx or _ignored */
		if (__builtin_expect(vsw_be16(k->d + pl - 2) == VSW_ETH_P_BEACON, 0)) {
			k->drop = vsw__beacon_input(p, k->d + pl, k->len - pl, k->domain);
			continue;
		}
		e = lookup(sw, (uint64_t)k->domain << 48 | k->src, now_s);
		if (__builtin_expect(e != NULL, 0)) {
			/* a port's own address, or a learned one the switch itself
			 * has just sent out, coming back from the physical network */
			if (!(e->port & VSW_FDB_LEARNED) || now_s - e->seen <= VSW_REFLECT_WINDOW_S) {
				k->drop = VSW_CTR_REFLECTED;
				continue;
			}
			/* a learned address gone quiet behind its port now lives
			 * on the physical network: it moves, nothing is dropped */
			vsw__fdb_unlearn(sw, e->key);
		}
		find_dst(sw, k, now_s);
	}
}

static void from_uplink(struct vsw_switch *sw, struct vsw_port *p, struct pkt *pk, unsigned int n,
			uint32_t now_s)
{
	uplink_guard_lookup(sw, p, pk, n, now_s);
	for (unsigned int i = 0; i < n; i++) {
		struct pkt *k = &pk[i];
		struct variants v;
		bool blocked = false;
		uint32_t r = k->dst;

		if (k->drop != NO_DROP) {
			p->ctr[k->drop]++;
			if (k->drop == VSW_CTR_LLDP_RX)
				vsw__lldp_input(p, k->d, k->len);
			continue;
		}
		memset(&v, 0, sizeof(v));
		if (r < DST_FLOOD) {
			ensure_room(sw, 1 + promisc_count(sw, k->domain), k->len);
			to_vport(sw, k, &v, r, &blocked);
			promisc_copies(sw, k, &v, r, VSW_NO_PORT);
			continue;
		}
		if (r == VSW_NO_PORT) {
			ensure_room(sw, promisc_count(sw, k->domain), k->len);
			p->ctr[VSW_CTR_UNKNOWN_DST]++;
			promisc_copies(sw, k, &v, VSW_NO_PORT, VSW_NO_PORT);
			continue;
		}

		/* a flood reaches the ports whose current uplink this is */
		const struct vsw_dom *dm = &sw->dom[k->domain];
		const struct vsw_dom *tr = &sw->dom[VSW_DOMAIN_ANY];
		unsigned int got = 0;
		ensure_room(sw, dm->n_member + tr->n_member, k->len);
		for (int pass = 0; pass < 2; pass++) {
			const struct vsw_dom *x = pass ? tr : dm;
			for (uint32_t j = 0; j < x->n_member; j++) {
				uint32_t q = x->member[j];
				if (takes_flood_from(sw, q, p->idx))
					got += (unsigned int)to_vport(sw, k, &v, q, &blocked);
			}
		}
		if (!got && !blocked)
			p->ctr[VSW_CTR_NO_RECEIVER]++;
	}
}

int vsw_port_input(struct vsw_port *p, const struct vsw_frame *frames, unsigned int n)
{
	struct pkt pk[VSW_BATCH_MAX];
	struct vsw_switch *sw;
	uint16_t vst_domain;
	uint32_t now_s = 0;
	uint64_t bytes = 0;

	if (!p || (n && !frames) || n > VSW_BATCH_MAX)
		return -EINVAL;
	sw = p->sw;
	if (sw->in_flush)
		return -EBUSY;
	if (sw->dirty)
		vsw__switch_sync(sw);
	if (!n)
		return 0;
	for (unsigned int i = 0; i < n; i++)
		bytes += frames[i].len;
	p->ctr[VSW_CTR_RX_PACKETS] += n;
	p->ctr[VSW_CTR_RX_BYTES] += bytes;
	if (!vsw__hot(p)->up) {
		p->ctr[VSW_CTR_LINK_DOWN] += n;
		return 0;
	}
	if (sw->need_clock) {
		sw->now_ns = vsw__now(sw);
		now_s = (uint32_t)(sw->now_ns / 1000000000u);
	}

	vst_domain = p->kind == VSW_PORT_UPLINK ? VSW_DOMAIN_ANY : vsw__hot(p)->domain;
	for (unsigned int i = 0; i < n; i++)
		parse(sw, &frames[i], &pk[i], vst_domain);

	if (p->kind == VSW_PORT_UPLINK) {
		from_uplink(sw, p, pk, n, now_s);
	} else {
		if (p->pg->eff.shaping)
			shaper_refill(sw, p);
		from_vport(sw, p, pk, n, now_s);
	}
	flush_outputs(sw);
	sw->arena_used = 0;
	return 0;
}
