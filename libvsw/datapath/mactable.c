// SPDX-License-Identifier: MIT
/*
 * mactable.c - the MAC table, one module: sizing, insertion, deletion and
 * sweeping of the open-addressed table (lookups are inline in mactable.h,
 * as the frame path makes them per frame), then what the switch does with
 * it: own addresses taking over learned ones, fair-share eviction when it
 * is full, aging, forgetting a port's or port group's entries, walking and
 * flushing it for users. The frame path learns in input.c.
 */
#include "core/alloc.h"
#include "core/objects.h"
#include "datapath/datapath.h"

/* ---- the table ---- */

static unsigned int log2_ceil(uint64_t n)
{
	unsigned int b = 0;

	while ((1ull << b) < n)
		b++;
	return b;
}

static int fdb_alloc(struct vsw_fdb *f, uint64_t want_entries)
{
	/* at most half full, and never fewer than 64 slots */
	unsigned int bits = log2_ceil(want_entries * 2);
	struct vsw_fdb_entry *s;

	if (bits < 6)
		bits = 6;
	if (bits > 30)
		return -ENOMEM;
	s = vsw__calloc((size_t)1 << bits, sizeof(*s));
	if (!s)
		return -ENOMEM;
	f->slot = s;
	f->mask = (1u << bits) - 1;
	f->shift = 64 - bits;
	return 0;
}

int vsw__fdb_init(struct vsw_fdb *f, uint32_t max_learned)
{
	memset(f, 0, sizeof(*f));
	f->max_learned = max_learned;
	return fdb_alloc(f, max_learned);
}

void vsw__fdb_fini(struct vsw_fdb *f)
{
	vsw__free(f->slot);
	f->slot = NULL;
}

static void fdb_place(struct vsw_fdb *f, const struct vsw_fdb_entry *e)
{
	uint32_t i = vsw_fdb_hash(f, e->key);

	while (f->slot[i].key)
		i = (i + 1) & f->mask;
	f->slot[i] = *e;
}

int vsw__fdb_reserve(struct vsw_fdb *f, uint32_t extra)
{
	uint64_t need = (uint64_t)f->n_static + extra + f->max_learned;
	struct vsw_fdb old = *f;

	if (need * 2 <= (uint64_t)f->mask + 1)
		return 0;
	if (fdb_alloc(f, need + need / 2) < 0) {
		*f = old;
		return -ENOMEM;
	}
	for (uint32_t i = 0; i <= old.mask; i++)
		if (old.slot[i].key)
			fdb_place(f, &old.slot[i]);
	vsw__free(old.slot);
	return 0;
}

int vsw__fdb_add_static(struct vsw_fdb *f, uint64_t key, uint32_t port)
{
	struct vsw_fdb_entry e = { .key = key, .port = port };
	struct vsw_fdb_entry *cur = vsw_fdb_lookup(f, key);

	if (cur) {
		if (!(cur->port & VSW_FDB_LEARNED))
			return -EADDRINUSE;
		/* a port's own address takes over from a learned entry */
		vsw__fdb_del(f, key);
	}
	fdb_place(f, &e);
	f->n_static++;
	return 0;
}

int vsw__fdb_learn(struct vsw_fdb *f, uint64_t key, uint32_t port, uint32_t now_s)
{
	struct vsw_fdb_entry *cur = vsw_fdb_lookup(f, key);
	struct vsw_fdb_entry e = { .key = key, .port = port | VSW_FDB_LEARNED, .seen = now_s };

	if (cur) {
		if (!(cur->port & VSW_FDB_LEARNED))
			return -EADDRINUSE;
		cur->port = e.port;
		cur->seen = now_s;
		return 0;
	}
	if (f->n_learned >= f->max_learned)
		return -ENOSPC;
	fdb_place(f, &e);
	f->n_learned++;
	return 0;
}

/* Backward-shift deletion keeps every probe chain unbroken without tombstones. */
static void fdb_remove_at(struct vsw_fdb *f, uint32_t i)
{
	uint32_t j = i;

	if (f->slot[i].port & VSW_FDB_LEARNED)
		f->n_learned--;
	else
		f->n_static--;
	for (;;) {
		f->slot[i].key = 0;
		for (;;) {
			j = (j + 1) & f->mask;
			if (!f->slot[j].key)
				return;
			uint32_t home = vsw_fdb_hash(f, f->slot[j].key);
			/* can the entry at j move back to i? only if home is not in (i, j] */
			if (i <= j ? (home <= i || home > j) : (home <= i && home > j))
				break;
		}
		f->slot[i] = f->slot[j];
		i = j;
	}
}

int vsw__fdb_evict_one(struct vsw_fdb *f, uint32_t port, uint32_t *cursor)
{
	uint32_t want = port | VSW_FDB_LEARNED;

	/* the cursor rotates, so that eviction spreads over the port's
	 * entries instead of always hitting the same slot's neighbours */
	for (uint32_t k = 0; k <= f->mask; k++) {
		uint32_t s = (*cursor + k) & f->mask;
		if (f->slot[s].key && f->slot[s].port == want) {
			fdb_remove_at(f, s);
			*cursor = (s + 1) & f->mask;
			return 0;
		}
	}
	return -ENOENT;
}

void vsw__fdb_del(struct vsw_fdb *f, uint64_t key)
{
	struct vsw_fdb_entry *e = vsw_fdb_lookup(f, key);

	if (e)
		fdb_remove_at(f, (uint32_t)(e - f->slot));
}

unsigned int vsw__fdb_sweep(struct vsw_fdb *f,
			    int (*drop)(const struct vsw_fdb_entry *e, void *ctx), void *ctx)
{
	unsigned int n = 0;
	uint32_t i = 0;

	/* Start after an empty slot so that backward shifts never wrap an
	 * unvisited entry into a visited position. */
	while (i <= f->mask && f->slot[i].key)
		i++;
	for (uint32_t k = 0; k <= f->mask; k++) {
		uint32_t s = (i + k) & f->mask;
		while (f->slot[s].key && (f->slot[s].port & VSW_FDB_LEARNED) &&
		       drop(&f->slot[s], ctx)) {
			fdb_remove_at(f, s);
			n++;
		}
	}
	return n;
}

/* ---- the switch's entries ---- */

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

/* ---- aging ---- */

bool vsw__fdb_expired(const struct vsw_switch *sw, const struct vsw_fdb_entry *e, uint32_t now_s)
{
	const struct vsw_port *p = sw->port_by_idx[e->port & VSW_FDB_PORT_MASK];
	uint32_t aging = p->pg->eff.mac_aging_sec;

	return aging && now_s - e->seen > aging;
}

static int age_match(const struct vsw_fdb_entry *e, void *arg)
{
	struct vsw_switch *sw = arg;

	if (!vsw__fdb_expired(sw, e, (uint32_t)(sw->now_ns / 1000000000u)))
		return 0;
	sw->port_by_idx[e->port & VSW_FDB_PORT_MASK]->n_learned--;
	return 1;
}

void vsw__fdb_age(struct vsw_switch *sw)
{
	if (!sw->fdb.n_learned)
		return;
	sw->now_ns = vsw__now(sw);
	vsw__fdb_sweep(&sw->fdb, age_match, sw);
}
