// SPDX-License-Identifier: MIT
/*
 * names.c - ports by name. A switch may hold tens of thousands of ports and
 * every add checks that its name is unused, so the lookup is a chained hash
 * (FNV-1a) that doubles when it averages more than one port per bucket.
 */
#include "core/alloc.h"
#include "core/core.h"

static uint32_t name_hash(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s)
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h;
}

int vsw__names_reserve(struct vsw_switch *sw)
{
	uint32_t n = sw->name_bucket ? sw->name_mask + 1 : 0;
	struct vsw_port **b;

	if (sw->n_ports + 1 <= n)
		return 0;
	n = n ? n * 2 : 64;
	b = vsw__calloc(n, sizeof(*b));
	if (!b)
		return -ENOMEM;
	/* rehash the existing ports */
	for (uint32_t i = 0; sw->name_bucket && i <= sw->name_mask; i++) {
		struct vsw_port *p = sw->name_bucket[i], *next;
		for (; p; p = next) {
			uint32_t h = name_hash(p->name) & (n - 1);
			next = p->name_next;
			p->name_next = b[h];
			b[h] = p;
		}
	}
	vsw__free(sw->name_bucket);
	sw->name_bucket = b;
	sw->name_mask = n - 1;
	return 0;
}

void vsw__names_insert(struct vsw_switch *sw, struct vsw_port *p)
{
	uint32_t h = name_hash(p->name) & sw->name_mask;

	p->name_next = sw->name_bucket[h];
	sw->name_bucket[h] = p;
	sw->n_ports++;
}

void vsw__names_remove(struct vsw_switch *sw, struct vsw_port *p)
{
	struct vsw_port **pp = &sw->name_bucket[name_hash(p->name) & sw->name_mask];

	while (*pp != p)
		pp = &(*pp)->name_next;
	*pp = p->name_next;
	sw->n_ports--;
}

struct vsw_port *vsw__port_by_name(const struct vsw_switch *sw, const char *name)
{
	struct vsw_port *p;

	if (!sw->name_bucket)
		return NULL;
	for (p = sw->name_bucket[name_hash(name) & sw->name_mask]; p; p = p->name_next)
		if (!strcmp(p->name, name))
			return p;
	return NULL;
}

void vsw__names_fini(struct vsw_switch *sw)
{
	vsw__free(sw->name_bucket);
	sw->name_bucket = NULL;
}
