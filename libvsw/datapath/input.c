// SPDX-License-Identifier: MIT
/*
 * input.c - vsw_port_input(), the frame path, read top to bottom: parse,
 * ingress policy, learning, lookup, then staging through deliver.h.
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
#include "datapath/datapath.h"
#include "datapath/deliver.h"
#include "datapath/frame.h"
#include "datapath/mirror.h"
#include "datapath/offload.h"
#include "datapath/shaper.h"

/* ---- classification shared by both directions ---- */

/* Sanity and VLAN classification. 'vst_domain' is the domain of a VST/EST
 * source port (which may send no tag), or VSW_DOMAIN_ANY for trunk ports
 * and uplinks, which take the domain from the frame's tag. */
static inline void parse(struct vsw_switch *sw, const struct vsw_frame *f, struct pkt *k,
			 uint16_t vst_domain)
{
	const uint8_t *d = f->data;
	uint32_t len = f->len;
	bool oob = f->flags & VSW_FRAME_VLAN_TCI;
	uint16_t et;
	bool inband;

	uint32_t l2len = len;
	uint64_t tail;

	k->d = d;
	k->len = len;
	k->drop = NO_DROP;
	k->tag = TAG_NONE;
	k->tci = 0;
	k->ofl = NULL;
	if (len < VSW_ETH_HLEN) {
		k->drop = VSW_CTR_RUNT;
		return;
	}
	/* offload metadata: flags other than the tag's, a GSO type or a
	 * reserved byte, all seen in one load past the flags */
	memcpy(&tail, &f->gso_type, sizeof(tail));
	if (__builtin_expect((f->flags & ~VSW_FRAME_VLAN_TCI) | tail, 0)) {
		if (!vsw__frame_offload_ok(f)) {
			k->drop = VSW_CTR_BAD_OFFLOAD;
			return;
		}
		k->ofl = f;
		sw->batch_ofl = true;
		/* a super-frame is as long as each segment it makes */
		if (f->gso_type)
			l2len = (uint32_t)f->hdr_len + f->gso_size;
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
	if (l2len - VSW_ETH_HLEN + (oob ? VSW_VLAN_HLEN : 0) >
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
	/* a link-local control protocol (LLDP) ends at the switch, from any port */
	if (__builtin_expect((k->dkey & VSW_LINK_LOCAL_MASK) == VSW_LINK_LOCAL_GROUP, 0) &&
	    (sw->ctl.ll_dst_low >> (k->dkey & 0xf) & 1) &&
	    (k->tag == TAG_INBAND ? vsw_be16(d + VSW_ETH_HLEN + 2) : et) == sw->ctl.ll_ethertype) {
		k->drop = sw->ctl.ll_counter;
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
		if (eff->shaping && !vsw__shaper_take(p, k->len)) {
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
			stage(sw, u, data, len, k->ofl);
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
		/* the uplink control protocol's frames (beacon probes) end here */
		if (__builtin_expect(vsw_be16(k->d + pl - 2) == sw->ctl.uplink_ethertype, 0) &&
		    sw->ctl.uplink_input) {
			k->drop = sw->ctl.uplink_input(p, k->d + pl, k->len - pl, k->domain);
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
			if (k->drop == sw->ctl.ll_counter && sw->ctl.ll_input)
				sw->ctl.ll_input(p, k->d, k->len);
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

void vsw__backlog_run(struct vsw_switch *sw)
{
	struct vsw_port *p;
	const struct vsw_frame *f;
	unsigned int k;

	/* what this forwarding queues again is appended and forwarded in the
	 * same run: the queue's bounds end it */
	if (!vsw__backlog_begin(sw))
		return;
	while ((k = vsw__backlog_next(sw, &p, &f)))
		if (p)
			vsw_port_input(p, f, k);
	vsw__backlog_end(sw);
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
	if (sw->in_flush) {
		if (!sw->in_deliver)
			return -EBUSY;
		/* a receiver answering: forwarded when this delivery ends */
		vsw__backlog_add(sw, p, frames, n);
		return 0;
	}
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
	/* copies of what the port sent, as it sent it, whatever becomes of it */
	if (__builtin_expect(p->n_mir_in != 0, 0))
		vsw__mirror_ingress(sw, p, frames, n);
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
			vsw__shaper_refill(sw, p);
		from_vport(sw, p, pk, n, now_s);
	}
	vsw__flush_outputs(sw);
	sw->arena_used = 0;
	sw->batch_ofl = false;
	if (__builtin_expect(sw->backlog != NULL, 0))
		vsw__backlog_run(sw);
	return 0;
}
