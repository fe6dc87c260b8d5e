// SPDX-License-Identifier: MIT
/*
 * derive.c - everything the frame path derives from configuration: each
 * port group's teaming order as port indices with the usable uplinks, each
 * virtual port's current uplink, the per-domain member and promiscuous
 * lists, and which ports must announce their MAC on a new uplink (the RARP
 * itself is control/'s, through the control hook).
 *
 * A change derives again only what depends on it: adding a virtual port
 * appends it, removing one drops it from its lists (vsw__vport_derive_new,
 * vsw__vport_derive_gone); a port's link state changes its own announcement
 * and, for an uplink, the teaming state of the port groups whose order names
 * that uplink and, unless none of their choices can change, the uplink of
 * their ports (vsw__port_link_changed); a port group's policy or teaming
 * order changes that port group and its ports (vsw__pg_changed). The cost follows what
 * depends on the change, not the size of the switch. Any other change
 * rebuilds all of it (vsw__switch_rebuild). Capacity for the lists is
 * reserved by the configuration call before it changes anything, so
 * deriving never allocates and cannot fail.
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

/* What control/ derives from this state (what beacon probing probes)
 * follows at its next poll. */
static void control_rederive(struct vsw_switch *sw)
{
	if (sw->ctl.derived)
		sw->ctl.derived(sw);
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
	p->promisc_pos = VSW_NO_PORT;
	if (p->pg->eff.promiscuous) {
		p->promisc_pos = d->n_promisc;
		d->promisc[d->n_promisc++] = p->idx;
	}
	if (domain == VSW_DOMAIN_ANY)
		sw->n_trunk++;
}

/* Whether the port's group shapes or learns, counted in sw->n_clocked. */
static void port_set_clocked(struct vsw_switch *sw, struct vsw_port *p, bool on)
{
	if (p->clocked == on)
		return;
	p->clocked = on;
	if (on)
		sw->n_clocked++;
	else
		sw->n_clocked--;
	sw->need_clock = sw->n_clocked != 0;
}

/* What a virtual port derives from its port group's policy, its domain
 * lists aside. */
static void vport_derive_policy(struct vsw_switch *sw, struct vsw_port *p)
{
	const struct vsw_pg_eff *e = &p->pg->eff;
	struct vsw_hot *h = vsw__hot(p);

	h->domain = vsw__pg_domain(p->pg);
	h->flags &= (uint8_t)~VSW_HOT_MAC_BLOCKED;
	if (p->kind == VSW_PORT_VNIC && !e->mac_changes &&
	    !vsw_mac_eq(p->mac, vsw__vnic_of(p)->initial_mac))
		h->flags |= VSW_HOT_MAC_BLOCKED;
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
	port_set_clocked(sw, p, e->shaping || e->mac_learning);
}

static void vport_derive(struct vsw_switch *sw, struct vsw_port *p)
{
	vport_derive_policy(sw, p);
	dom_append(sw, p);
	vsw__hot(p)->cur_uplink = port_choose_uplink(p);
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
	if (p->promisc_pos != VSW_NO_PORT)
		list_drop(sw, d->promisc, &d->n_promisc, p->promisc_pos, true);
	if (domain == VSW_DOMAIN_ANY)
		sw->n_trunk--;
	port_set_clocked(sw, p, false);
	control_rederive(sw);
}

/* Whether derived state can follow a change incrementally now: not while a
 * rebuild is pending, frames are being delivered or the switch goes. */
static bool incremental_ok(const struct vsw_switch *sw)
{
	return !sw->dirty && !sw->dying && !sw->in_flush;
}

/* A port group's ports' uplinks derived again; with 'policy', also what
 * they derive from its policy. Then the RARPs, once every port has chosen
 * (a receiver of one may look at any port's uplink). */
static void pg_rederive_ports(struct vsw_switch *sw, struct vsw_portgroup *pg, bool policy)
{
	struct vsw_list *x;

	vsw_list_for_each(x, &pg->ports) {
		struct vsw_port *p = vsw_container_of(x, struct vsw_port, kind_node);
		if (policy) {
			struct vsw_dom *d = &sw->dom[vsw__hot(p)->domain];
			vport_derive_policy(sw, p);
			/* room is there: the promiscuous list holds as many as the members */
			if (pg->eff.promiscuous && p->promisc_pos == VSW_NO_PORT) {
				p->promisc_pos = d->n_promisc;
				d->promisc[d->n_promisc++] = p->idx;
			} else if (!pg->eff.promiscuous && p->promisc_pos != VSW_NO_PORT) {
				list_drop(sw, d->promisc, &d->n_promisc, p->promisc_pos, true);
				p->promisc_pos = VSW_NO_PORT;
			}
		}
		vsw__hot(p)->cur_uplink = port_choose_uplink(p);
	}
	vsw_list_for_each(x, &pg->ports)
		vport_announce(sw, vsw_container_of(x, struct vsw_port, kind_node));
}

/* What the choice of a port group's ports reads of its teaming state, seen
 * from one uplink 'u' whose usability alone may have changed. */
struct team_view {
	int u_at;            /* 1: u is an active, -1: a standby, 0: not named */
	bool u_ok;           /* u usable for the port group */
	bool all_act_ok;     /* some active, and every one usable */
	uint32_t first_stb;  /* first usable standby */
	uint32_t first;      /* first usable active, else first_stb */
};

static struct team_view team_view(const struct vsw_pg_team *t, uint32_t u)
{
	struct team_view v = { .all_act_ok = t->n_act != 0, .first_stb = t->first_usable_stb };

	for (uint32_t i = 0; i < t->n_act; i++) {
		v.all_act_ok &= t->act_ok[i] != 0;
		if (t->act[i] == u) {
			v.u_at = 1;
			v.u_ok = t->act_ok[i];
		}
	}
	for (uint32_t i = 0; i < t->n_stb; i++)
		if (t->stb[i] == u) {
			v.u_at = -1;
			v.u_ok = t->stb_ok[i];
		}
	v.first = t->n_usable_act ? t->usable_act[0] : t->first_usable_stb;
	return v;
}

/*
 * Uplink 'u' changed link state: the teaming state of a port group whose
 * order names it, derived again, and its ports when their choice can
 * change (port_choose_uplink reads nothing else that moved):
 * - u's usability for the group unchanged (beacon-failed already): nothing;
 * - without failback a port keeps a usable uplink, and every port holds a
 *   usable one or none (none only when the group had no usable uplink), so
 *   only u going down, or the group gaining its first usable uplink, moves
 *   ports;
 * - explicit and IP hash: every port takes the first usable uplink in order;
 * - port ID and source MAC (vsw__team_pick): an active's change moves the
 *   ports hashed onto it; a standby's matters only through the first usable
 *   standby, which a port takes only when its hashed active is unusable.
 */
static void pg_uplink_changed(struct vsw_switch *sw, struct vsw_portgroup *pg, uint32_t u)
{
	const struct vsw_pg_eff *e = &pg->eff;
	struct team_view was = team_view(&pg->tm, u), now;
	bool moves;

	if (!was.u_at)
		return;
	pg_derive_team(sw, pg);
	now = team_view(&pg->tm, u);
	if (was.u_ok == now.u_ok)
		return;
	if (!e->failback)
		moves = !now.u_ok || was.first == VSW_NO_PORT;
	else if (e->load_balancing == VSW_LB_EXPLICIT || e->load_balancing == VSW_LB_IP_HASH)
		moves = was.first != now.first;
	else
		moves = now.u_at > 0 || (was.first_stb != now.first_stb && !now.all_act_ok);
	if (moves)
		pg_rederive_ports(sw, pg, false);
}

void vsw__port_link_changed(struct vsw_port *p)
{
	struct vsw_switch *sw = p->sw;
	struct vsw_list *x;

	if (!incremental_ok(sw)) {
		vsw__switch_config_changed(sw);
		return;
	}
	vsw__hot(p)->up = p->admin_up && p->carrier;
	control_rederive(sw);
	if (vsw__port_is_virtual(p)) {
		/* no other port depends on a virtual port's link */
		vport_announce(sw, p);
		return;
	}
	/* an uplink's usability feeds only the port groups whose order names it */
	vsw_list_for_each(x, &sw->portgroups)
		pg_uplink_changed(sw, vsw_container_of(x, struct vsw_portgroup, node), p->idx);
}

void vsw__pg_changed(struct vsw_portgroup *pg)
{
	struct vsw_switch *sw = pg->sw;

	if (!incremental_ok(sw)) {
		vsw__switch_config_changed(sw);
		return;
	}
	control_rederive(sw); /* the port group may start or stop beacon probing */
	pg_derive_team(sw, pg);
	pg_rederive_ports(sw, pg, true);
}

void vsw__switch_rebuild(struct vsw_switch *sw)
{
	struct vsw_list *x;

	sw->dirty = false;
	sw->need_clock = false;
	sw->n_clocked = 0;
	control_rederive(sw);
	sw->n_trunk = 0;
	for (unsigned int d = 0; d <= VSW_DOMAIN_ANY; d++)
		sw->dom[d].n_member = sw->dom[d].n_promisc = 0;
	vsw_list_for_each(x, &sw->ports) {
		struct vsw_port *p = vsw_container_of(x, struct vsw_port, sw_node);
		vsw__hot(p)->up = p->admin_up && p->carrier;
		p->clocked = false;
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
	sw->fin = vsw__calloc(VSW_FIN_FRAMES, sizeof(*sw->fin));
	sw->fin_buf = vsw__calloc(1, VSW_FIN_BUF);
	if (!sw->dom || !sw->stage || !sw->out || !sw->dirty_ports || !sw->arena || !sw->fin ||
	    !sw->fin_buf) {
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
	vsw__free(sw->fin);
	vsw__free(sw->fin_buf);
	vsw__backlog_free(sw);
	sw->fin = NULL;
	sw->fin_buf = NULL;
	sw->dom = NULL;
	sw->stage = NULL;
	sw->out = NULL;
	sw->dirty_ports = NULL;
	sw->arena = NULL;
}
