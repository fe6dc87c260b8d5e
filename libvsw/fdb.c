// SPDX-License-Identifier: MIT
/*
 * fdb.c - MAC table maintenance: sizing, insertion, deletion, sweeping.
 * Lookups are inline in fdb.h because the frame path calls them per frame.
 */
#include "internal.h"

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
