// SPDX-License-Identifier: MIT
/*
 * derive.c - everything the frame path derives from configuration: each
 * port group's teaming order as port indices with the usable uplinks, each
 * virtual port's current uplink, the per-domain member and promiscuous
 * lists, and which ports must announce their MAC on a new uplink (the RARP
 * itself is control/'s, through the control hook).
 *
 * A configuration change rebuilds all of it (vsw__switch_rebuild); adding a
 * virtual port only appends and removing one only takes it out, so that
 * building or emptying a switch with tens of thousands of ports stays linear. Capacity for the lists is reserved by the
 * configuration call before it changes anything, so a rebuild never
 * allocates and cannot fail.
 */
#include "core/alloc.h"
#include "core/objects.h"
#include "datapath/datapath.h"
#include "datapath/frame.h"

static int grow(uint32_t **a, uint32_t *cap, uint32_t need)
{
	uint32_t c = *cap ? *cap : 4;
	uint32_t *t;

	if (need <= *cap)
		return 0;
	while (c < need)
		c *= 2;
	t = vsw__realloc(*a, c, sizeof(**a));
	if (!t)
		return -ENOMEM;
	*a = t;
	*cap = c;
	return 0;
}

int vsw__dom_reserve(struct vsw_switch *sw, uint16_t domain, uint32_t extra)
{
	struct vsw_dom *d = &sw->dom[domain];
	uint32_t cap = d->cap_member;
	uint32_t need = d->n_member + extra;
	int err;

	err = grow(&d->member, &cap, need);
	if (err)
		return err;
	d->cap_member = cap;
	cap = d->cap_promisc;
	err = grow(&d->promisc, &cap, need);
	if (err)
		return err;
	d->cap_promisc = cap;
	return 0;
}

int vsw__pg_team_alloc(struct vsw_switch *sw, struct vsw_portgroup *pg)
{
	struct vsw_pg_team *t = &pg->tm;
	uint32_t need = sw->uplink_cap ? sw->uplink_cap : 4;
	uint32_t c1 = t->cap, c2 = t->cap, c3 = t->cap, c4 = t->cap, c5 = t->cap;

	if (need <= t->cap)
		return 0;
	if (grow(&t->act, &c1, need) || grow(&t->stb, &c2, need) || grow(&t->usable_act, &c3, need) ||
	    grow(&t->act_ok, &c4, need) || grow(&t->stb_ok, &c5, need))
		return -ENOMEM;
	t->cap = need;
	return 0;
}

int vsw__team_reserve(struct vsw_switch *sw)
{
	uint32_t n = 0;
	struct vsw_list *x;

	vsw_list_for_each(x, &sw->uplinks)
		n++;
	if (n + 1 <= sw->uplink_cap)
		return 0;
	uint32_t old = sw->uplink_cap;
	sw->uplink_cap = old ? old * 2 : 4;
	vsw_list_for_each(x, &sw->portgroups) {
		if (vsw__pg_team_alloc(sw, vsw_container_of(x, struct vsw_portgroup, node)) < 0) {
			sw->uplink_cap = old;
			return -ENOMEM;
		}
	}
	return 0;
}

/* ---- derivation ---- */

/* An uplink a port group may use: link up and, with beacon probing, not
 * located as cut off by the beacons of the port group's VLAN. */
static bool uplink_usable(const struct vsw_portgroup *pg, const struct vsw_uplink *u)
{
	if (!vsw__hot(&u->port)->up)
		return false;
	return pg->eff.failure_detection != VSW_DETECT_BEACON || !pg->sw->ctl.uplink_failed ||
	       !pg->sw->ctl.uplink_failed(pg->sw, u,
					  pg->vlan == VSW_VLAN_TRUNK ? 0 : (uint16_t)pg->vlan);
}

static void pg_derive_team(struct vsw_switch *sw, struct vsw_portgroup *pg)
{
	const struct vsw_team *cfg = vsw__pg_team(pg);
	struct vsw_pg_team *t = &pg->tm;

	t->n_act = t->n_stb = t->n_usable_act = 0;
	t->first_usable_stb = VSW_NO_PORT;
	for (unsigned int i = 0; i < cfg->n_active; i++) {
		bool ok = uplink_usable(pg, cfg->active[i]);
		t->act_ok[t->n_act] = ok;
		t->act[t->n_act++] = cfg->active[i]->port.idx;
		if (ok)
			t->usable_act[t->n_usable_act++] = cfg->active[i]->port.idx;
	}
	for (unsigned int i = 0; i < cfg->n_standby; i++) {
		bool ok = uplink_usable(pg, cfg->standby[i]);
		t->stb_ok[t->n_stb] = ok;
		t->stb[t->n_stb++] = cfg->standby[i]->port.idx;
		if (ok && t->first_usable_stb == VSW_NO_PORT)
			t->first_usable_stb = cfg->standby[i]->port.idx;
	}
	(void)sw;
}

/* Whether uplink index 'u' is in the port group's order and usable by it. */
static bool usable_in_order(const struct vsw_pg_team *t, uint32_t u)
{
	for (uint32_t i = 0; i < t->n_act; i++)
		if (t->act[i] == u)
			return t->act_ok[i];
	for (uint32_t i = 0; i < t->n_stb; i++)
		if (t->stb[i] == u)
			return t->stb_ok[i];
	return false;
}

/* The uplink a virtual port's own traffic uses (DESIGN 3, failover rules). */
static uint32_t port_choose_uplink(const struct vsw_port *p)
{
	const struct vsw_pg_team *t = &p->pg->tm;
	const struct vsw_pg_eff *e = &p->pg->eff;
	uint32_t h, cur = vsw__hot(p)->cur_uplink;

	/* without failback a port stays where failover put it while that works */
	if (!e->failback && cur != VSW_NO_PORT && usable_in_order(t, cur))
		return cur;

	switch (e->load_balancing) {
	case VSW_LB_EXPLICIT:
	case VSW_LB_IP_HASH:
		if (t->n_usable_act)
			return t->usable_act[0];
		return t->first_usable_stb;
	case VSW_LB_SRC_MAC:
		h = vsw__mac_hash(p->mac);
		break;
	default:
		h = p->idx;
		break;
	}
	return vsw__team_pick(t, h);
}

static void dom_append(struct vsw_switch *sw, struct vsw_port *p)
{
	uint16_t domain = vsw__hot(p)->domain;
	struct vsw_dom *d = &sw->dom[domain];

	p->dom_pos = d->n_member;
	d->member[d->n_member++] = p->idx;
	if (p->pg->eff.promiscuous) {
		p->promisc_pos = d->n_promisc;
		d->promisc[d->n_promisc++] = p->idx;
	}
	if (domain == VSW_DOMAIN_ANY)
		sw->n_trunk++;
}

static void vport_derive(struct vsw_switch *sw, struct vsw_port *p)
{
	const struct vsw_pg_eff *e = &p->pg->eff;

	struct vsw_hot *h = vsw__hot(p);

	h->domain = vsw__pg_domain(p->pg);
	h->mac_blocked = 0;
	if (p->kind == VSW_PORT_VNIC && !e->mac_changes)
		h->mac_blocked = !vsw_mac_eq(p->mac, vsw__vnic_of(p)->initial_mac);
	if (e->shaping && !p->shaper.on) {
		/* a shaper starts with full buckets */
		sw->now_ns = vsw__now(sw);
		p->shaper.on = true;
		p->shaper.last_ns = sw->now_ns;
		p->shaper.avg_tokens = (double)e->burst_bytes;
		p->shaper.peak_tokens = vsw__shaper_peak_depth(sw, e);
	} else if (!e->shaping) {
		p->shaper.on = false;
	}
	if (e->shaping || e->mac_learning)
		sw->need_clock = true;
	dom_append(sw, p);
	h->cur_uplink = port_choose_uplink(p);
}

/* Announce a port's MAC on its uplink when that uplink changed (or the port
 * just came up), if the port group notifies switches. */
static void vport_announce(struct vsw_switch *sw, struct vsw_port *p)
{
	const struct vsw_hot *h = vsw__hot(p);

	if (!h->up || h->cur_uplink == VSW_NO_PORT) {
		p->announced = VSW_NO_PORT;
		return;
	}
	if (h->cur_uplink == p->announced)
		return;
	p->announced = h->cur_uplink;
	if (p->pg->eff.notify_switches && sw->ctl.announce)
		sw->ctl.announce(p, sw->port_by_idx[h->cur_uplink]);
}

void vsw__vport_derive_new(struct vsw_port *p)
{
	struct vsw_switch *sw = p->sw;

	vsw__hot(p)->up = p->admin_up && p->carrier;
	vsw__hot(p)->cur_uplink = VSW_NO_PORT;
	p->announced = VSW_NO_PORT;
	if (sw->dirty) {
		vsw__switch_sync(sw);
		return;
	}
	vport_derive(sw, p);
	vport_announce(sw, p);
}

/* Remove the entry at 'pos' of an index list in O(1): the last entry takes
 * its place (flood order across ports carries no meaning; each port still
 * gets its own frames in order), and says where it now stands. */
static void list_drop(struct vsw_switch *sw, uint32_t *l, uint32_t *n, uint32_t pos, bool promisc)
{
	uint32_t last = l[--*n];

	if (pos == *n)
		return;
	l[pos] = last;
	if (promisc)
		sw->port_by_idx[last]->promisc_pos = pos;
	else
		sw->port_by_idx[last]->dom_pos = pos;
}

void vsw__vport_derive_gone(struct vsw_port *p)
{
	struct vsw_switch *sw = p->sw;
	uint16_t domain = vsw__hot(p)->domain;
	struct vsw_dom *d = &sw->dom[domain];

	/* a full rebuild is pending anyway (the caller syncs once the port is
	 * gone); else only what named this port changes: no other port's
	 * uplink depends on it */
	if (sw->dirty)
		return;
	list_drop(sw, d->member, &d->n_member, p->dom_pos, false);
	if (p->pg->eff.promiscuous)
		list_drop(sw, d->promisc, &d->n_promisc, p->promisc_pos, true);
	if (domain == VSW_DOMAIN_ANY)
		sw->n_trunk--;
	if (sw->ctl.derived)
		sw->ctl.derived(sw); /* beacon probing re-derives what it probes */
}

void vsw__switch_rebuild(struct vsw_switch *sw)
{
	struct vsw_list *x;

	sw->dirty = false;
	sw->need_clock = false;
	if (sw->ctl.derived)
		sw->ctl.derived(sw); /* beacon probing re-derives what it probes */
	sw->n_trunk = 0;
	for (unsigned int d = 0; d <= VSW_DOMAIN_ANY; d++)
		sw->dom[d].n_member = sw->dom[d].n_promisc = 0;
	vsw_list_for_each(x, &sw->ports) {
		struct vsw_port *p = vsw_container_of(x, struct vsw_port, sw_node);
		vsw__hot(p)->up = p->admin_up && p->carrier;
	}
	vsw_list_for_each(x, &sw->portgroups)
		pg_derive_team(sw, vsw_container_of(x, struct vsw_portgroup, node));
	vsw_list_for_each(x, &sw->ports) {
		struct vsw_port *p = vsw_container_of(x, struct vsw_port, sw_node);
		if (vsw__port_is_virtual(p))
			vport_derive(sw, p);
	}
	vsw_list_for_each(x, &sw->ports) {
		struct vsw_port *p = vsw_container_of(x, struct vsw_port, sw_node);
		if (vsw__port_is_virtual(p))
			vport_announce(sw, p);
	}
}

void vsw__switch_sync(struct vsw_switch *sw)
{
	if (sw->dirty && !sw->dying && !sw->in_flush)
		vsw__switch_rebuild(sw);
}

void vsw__switch_config_changed(struct vsw_switch *sw)
{
	sw->dirty = true;
	vsw__switch_sync(sw);
}

struct vsw_uplink *vsw_port_current_uplink(const struct vsw_port *port)
{
	struct vsw_switch *sw;

	if (!port || !vsw__port_is_virtual(port))
		return NULL;
	sw = port->sw;
	vsw__switch_sync(sw);
	if (vsw__hot(port)->cur_uplink == VSW_NO_PORT)
		return NULL;
	return vsw__uplink_of(sw->port_by_idx[vsw__hot(port)->cur_uplink]);
}

/* ---- set-up of the per-switch scratch ---- */

int vsw__switch_fastpath_init(struct vsw_switch *sw)
{
	sw->dom = vsw__calloc(VSW_DOMAIN_ANY + 1, sizeof(*sw->dom));
	sw->stage = vsw__calloc(VSW_STAGE_MAX, sizeof(*sw->stage));
	sw->out = vsw__calloc(VSW_STAGE_MAX, sizeof(*sw->out));
	sw->dirty_ports = vsw__calloc(VSW_STAGE_MAX, sizeof(*sw->dirty_ports));
	sw->arena = vsw__calloc(1, VSW_ARENA_SIZE);
	if (!sw->dom || !sw->stage || !sw->out || !sw->dirty_ports || !sw->arena) {
		vsw__switch_fastpath_fini(sw);
		return -ENOMEM;
	}
	return 0;
}

void vsw__switch_fastpath_fini(struct vsw_switch *sw)
{
	if (sw->dom)
		for (unsigned int d = 0; d <= VSW_DOMAIN_ANY; d++) {
			vsw__free(sw->dom[d].member);
			vsw__free(sw->dom[d].promisc);
		}
	vsw__free(sw->dom);
	vsw__free(sw->stage);
	vsw__free(sw->out);
	vsw__free(sw->dirty_ports);
	vsw__free(sw->arena);
	sw->dom = NULL;
	sw->stage = NULL;
	sw->out = NULL;
	sw->dirty_ports = NULL;
	sw->arena = NULL;
}
