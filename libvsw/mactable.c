// SPDX-License-Identifier: MIT
/*
 * mactable.c - the MAC table as users and configuration calls see it:
 * walking it, flushing learned entries, and forgetting what a port or a port
 * group learned when it goes away or changes VLAN. The table itself is
 * fdb.c; the frame path learns in forward.c and ages in teaming.c.
 */
#include "internal.h"

struct forget_ctx {
	const struct vsw_switch *sw;
	const struct vsw_portgroup *pg;
	const struct vsw_port *port;
};

static int forget_match(const struct vsw_fdb_entry *e, void *arg)
{
	const struct forget_ctx *c = arg;
	struct vsw_port *p = c->sw->port_by_idx[e->port & VSW_FDB_PORT_MASK];

	if (c->port ? p != c->port : p->pg != c->pg)
		return 0;
	p->n_learned--;
	return 1;
}

void vsw__fdb_add_own(struct vsw_switch *sw, uint64_t key, uint32_t port)
{
	const struct vsw_fdb_entry *e = vsw_fdb_lookup(&sw->fdb, key);

	/* a port's own address takes over from a learned entry: its owner
	 * must get the entry back in its count, or it is refused learning
	 * for an address it no longer holds */
	if (e && (e->port & VSW_FDB_LEARNED))
		sw->port_by_idx[e->port & VSW_FDB_PORT_MASK]->n_learned--;
	vsw__fdb_add_static(&sw->fdb, key, port);
}

void vsw__fdb_unlearn(struct vsw_switch *sw, uint64_t key)
{
	const struct vsw_fdb_entry *e = vsw_fdb_lookup(&sw->fdb, key);

	if (!e || !(e->port & VSW_FDB_LEARNED))
		return;
	sw->port_by_idx[e->port & VSW_FDB_PORT_MASK]->n_learned--;
	vsw__fdb_del(&sw->fdb, key);
}

bool vsw__fdb_make_room(struct vsw_switch *sw, const struct vsw_port *p)
{
	struct vsw_port *top = NULL;

	/* Open vSwitch's rule: a full table gives way to a port holding fewer
	 * addresses than the port that holds the most, which loses one. The
	 * scan is over ports, and only when the table is full; a port that
	 * holds half the table already (a flooder) is refused without one. */
	if ((uint64_t)p->n_learned * 2 >= sw->fdb.n_learned)
		return false;
	for (uint32_t i = 0; i < sw->port_cap; i++) {
		struct vsw_port *q = sw->port_by_idx[i];
		if (q && (!top || q->n_learned > top->n_learned))
			top = q;
	}
	if (!top || top == p || top->n_learned <= p->n_learned + 1)
		return false;
	if (vsw__fdb_evict_one(&sw->fdb, top->idx, &sw->evict_cursor) < 0)
		return false;
	top->n_learned--;
	return true;
}

void vsw__fdb_forget_pg(struct vsw_switch *sw, const struct vsw_portgroup *pg)
{
	struct forget_ctx c = { .sw = sw, .pg = pg };

	if (sw->fdb.n_learned)
		vsw__fdb_sweep(&sw->fdb, forget_match, &c);
}

void vsw__fdb_forget_port(struct vsw_switch *sw, const struct vsw_port *p)
{
	struct forget_ctx c = { .sw = sw, .port = p };

	if (sw->fdb.n_learned)
		vsw__fdb_sweep(&sw->fdb, forget_match, &c);
}

int vsw_switch_fdb_foreach(const struct vsw_switch *sw, vsw_fdb_fn fn, void *user)
{
	/* the visitor runs with the switch busy, like a receive callback: it
	 * may read, but a removal or a free under the walk is refused */
	struct vsw_switch *busy = (struct vsw_switch *)sw;
	uint32_t now_s;
	bool was;

	if (!sw || !fn)
		return -EINVAL;
	now_s = (uint32_t)(vsw__now(busy) / 1000000000u);
	for (uint32_t i = 0; i <= sw->fdb.mask; i++) {
		const struct vsw_fdb_entry *e = &sw->fdb.slot[i];
		struct vsw_fdb_entry_info info = { .size = sizeof(info) };
		int r;

		if (!e->key)
			continue;
		info.learned = !!(e->port & VSW_FDB_LEARNED);
		if (info.learned && vsw__fdb_expired(sw, e, now_s))
			continue;
		info.vlan = (unsigned int)(e->key >> 48);
		for (int b = 0; b < 6; b++)
			info.mac[b] = (uint8_t)(e->key >> (40 - 8 * b));
		info.age_sec = info.learned ? now_s - e->seen : 0;
		info.port = sw->port_by_idx[e->port & VSW_FDB_PORT_MASK];
		was = busy->in_flush;
		busy->in_flush = true;
		r = fn(&info, user);
		busy->in_flush = was;
		if (r)
			return r;
	}
	return 0;
}

static int flush_match(const struct vsw_fdb_entry *e, void *arg)
{
	struct vsw_switch *sw = arg;

	sw->port_by_idx[e->port & VSW_FDB_PORT_MASK]->n_learned--;
	return 1;
}

int vsw_switch_fdb_flush(struct vsw_switch *sw)
{
	if (!sw)
		return -EINVAL;
	if (vsw__busy(sw))
		return -EBUSY;
	return (int)vsw__fdb_sweep(&sw->fdb, flush_match, sw);
}
