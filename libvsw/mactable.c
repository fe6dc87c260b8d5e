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
	uint32_t now_s;

	if (!sw || !fn)
		return -EINVAL;
	now_s = (uint32_t)(vsw__now((struct vsw_switch *)sw) / 1000000000u);
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
		r = fn(&info, user);
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
