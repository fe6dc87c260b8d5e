// SPDX-License-Identifier: MIT
/*
 * port.c - what uplinks, vNICs and VMkernel ports have in common: a name
 * unique in the switch, an index for the frame path, link state and
 * counters. Virtual ports (vNICs, VMkernel ports) also own a MAC-table entry
 * under their effective MAC in their port group's domain.
 */
#include "core/alloc.h"
#include "core/check.h"
#include "core/core.h"
#include "core/log.h"
#include "datapath/datapath.h"

/* A free index, growing the table if needed; the growth itself is invisible. */
static int port_index_reserve(struct vsw_switch *sw, uint32_t *idx)
{
	for (uint32_t i = sw->idx_hint; i < sw->port_cap; i++)
		if (!sw->port_by_idx[i]) {
			*idx = i;
			return 0;
		}
	uint32_t cap = sw->port_cap ? sw->port_cap * 2 : 16;
	struct vsw_port **t = vsw__realloc(sw->port_by_idx, cap, sizeof(*t));
	if (!t)
		return -ENOMEM;
	memset(t + sw->port_cap, 0, (cap - sw->port_cap) * sizeof(*t));
	sw->port_by_idx = t;
	struct vsw_hot *h = vsw__calloc_aligned(cap, sizeof(*h));
	if (!h)
		return -ENOMEM; /* the larger port_by_idx stays: capacity only */
	if (sw->hot)
		memcpy(h, sw->hot, sw->port_cap * sizeof(*h));
	vsw__free(sw->hot);
	sw->hot = h;
	*idx = sw->port_cap;
	sw->port_cap = cap;
	return 0;
}

int vsw__port_init(struct vsw_switch *sw, struct vsw_port *p, const char *name,
		   enum vsw_port_kind kind)
{
	int err = vsw__check_name(name);

	if (err)
		return err;
	if (vsw__busy(sw))
		return -EBUSY;
	if (vsw__port_by_name(sw, name))
		return -EEXIST;
	err = port_index_reserve(sw, &p->idx);
	if (!err)
		err = vsw__names_reserve(sw);
	if (err)
		return err;
	p->sw = sw;
	p->kind = kind;
	strcpy(p->name, name);
	p->admin_up = true;
	p->carrier = true;
	vsw_list_init(&p->kind_node);
	return 0;
}

/* Second half of adding any port: after this point nothing may fail. */
static void port_link_in(struct vsw_port *p)
{
	p->sw->port_by_idx[p->idx] = p;
	p->sw->hot[p->idx] = (struct vsw_hot){ .port = p, .cur_uplink = VSW_NO_PORT,
					      .up = p->admin_up && p->carrier };
	p->sw->idx_hint = p->idx + 1;
	vsw__names_insert(p->sw, p);
	vsw_list_append(&p->sw->ports, &p->sw_node);
}

void vsw__port_fini(struct vsw_port *p)
{
	vsw__mirror_port_gone(p);
	vsw_list_del(&p->sw_node);
	vsw_list_del(&p->kind_node);
	vsw__names_remove(p->sw, p);
	p->sw->port_by_idx[p->idx] = NULL;
	p->sw->hot[p->idx].port = NULL;
	vsw__backlog_forget(p->sw, p);
	if (p->idx < p->sw->idx_hint)
		p->sw->idx_hint = p->idx;
}

bool vsw__mac_in_use(const struct vsw_switch *sw, uint16_t domain, const uint8_t mac[6],
		     const struct vsw_portgroup *ignore)
{
	const struct vsw_fdb_entry *e;

	if (domain == VSW_DOMAIN_ANY) {
		/* a trunk port is in every domain: any port with that MAC clashes */
		struct vsw_list *n;
		vsw_list_for_each(n, &sw->ports) {
			const struct vsw_port *p = vsw_container_of(n, struct vsw_port, sw_node);
			if (vsw__port_is_virtual(p) && p->pg != ignore && !memcmp(p->mac, mac, 6))
				return true;
		}
		return false;
	}
	for (int pass = 0; pass < 2; pass++) {
		e = vsw_fdb_lookup(&sw->fdb, vsw_fdb_key(pass ? VSW_DOMAIN_ANY : domain, mac));
		if (e && !(e->port & VSW_FDB_LEARNED) && sw->port_by_idx[e->port]->pg != ignore)
			return true;
	}
	return false;
}

int vsw__vport_add(struct vsw_portgroup *pg, struct vsw_port *p, const char *name,
		   enum vsw_port_kind kind, const uint8_t mac[6])
{
	struct vsw_switch *sw = pg->sw;
	int err;

	err = vsw__check_port_mac(mac);
	if (err)
		return err;
	err = vsw__port_init(sw, p, name, kind);
	if (err)
		return err;
	if (vsw__mac_in_use(sw, vsw__pg_domain(pg), mac, NULL))
		return -EADDRINUSE;
	err = vsw__fdb_reserve(&sw->fdb, 1);
	if (!err)
		err = vsw__dom_reserve(sw, vsw__pg_domain(pg), 1);
	if (err)
		return err;
	memcpy(p->mac, mac, 6);
	p->mac48 = vsw_fdb_key(0, mac);
	p->pg = pg;
	vsw__fdb_add_own(sw, vsw_fdb_key(vsw__pg_domain(pg), mac), p->idx);
	port_link_in(p);
	vsw_list_append(&pg->ports, &p->kind_node);
	pg->n_ports++;
	vsw__info(sw, "%s %s added to port group '%s'", kind == VSW_PORT_VMK ? "vmk" : "vnic",
		  name, pg->name);
	vsw__vport_derive_new(p);
	return 0;
}

void vsw__vport_remove(struct vsw_port *p)
{
	struct vsw_switch *sw = p->sw;

	if (p->be)
		vsw_port_detach(p);
	vsw__fdb_forget_port(sw, p);
	vsw__fdb_del(&sw->fdb, vsw_fdb_key(vsw__pg_domain(p->pg), p->mac));
	p->pg->n_ports--;
	vsw__vport_derive_gone(p);
	vsw__port_fini(p);
	vsw__switch_sync(sw);
}

void vsw__uplink_link_in(struct vsw_port *p)
{
	port_link_in(p);
	vsw_list_append(&p->sw->uplinks, &p->kind_node);
}

int vsw_port_find(const struct vsw_switch *sw, const char *name, struct vsw_port **out)
{
	struct vsw_port *p;

	if (!sw || !name || !out)
		return -EINVAL;
	p = vsw__port_by_name(sw, name);
	if (!p)
		return -ENOENT;
	*out = p;
	return 0;
}

struct vsw_port *vsw_port_next(const struct vsw_switch *sw, const struct vsw_port *prev)
{
	struct vsw_list *n;

	if (!sw || (prev && prev->sw != sw))
		return NULL;
	n = vsw_list_after(&sw->ports, prev ? &prev->sw_node : NULL);
	return n ? vsw_container_of(n, struct vsw_port, sw_node) : NULL;
}

enum vsw_port_kind vsw_port_kind(const struct vsw_port *port)
{
	return port ? port->kind : 0;
}

const char *vsw_port_name(const struct vsw_port *port)
{
	return port ? port->name : NULL;
}

struct vsw_switch *vsw_port_switch(const struct vsw_port *port)
{
	return port ? port->sw : NULL;
}

struct vsw_portgroup *vsw_port_portgroup(const struct vsw_port *port)
{
	return port ? port->pg : NULL;
}

int vsw_port_mac(const struct vsw_port *port, uint8_t mac[6])
{
	if (!port || !mac)
		return -EINVAL;
	if (!vsw__port_is_virtual(port))
		return -ENODATA;
	memcpy(mac, port->mac, 6);
	return 0;
}

int vsw_port_set_link(struct vsw_port *port, int up)
{
	if (!port || (up != 0 && up != 1))
		return -EINVAL;
	if (vsw__busy(port->sw))
		return -EBUSY;
	if (port->admin_up == (bool)up)
		return 0;
	port->admin_up = up;
	vsw__port_link_changed(port);
	return 0;
}

int vsw_port_link(const struct vsw_port *port)
{
	return port && port->admin_up && port->carrier;
}

int vsw_port_set_offloads(struct vsw_port *port, uint64_t offloads)
{
	if (!port || (offloads & ~(uint64_t)VSW_OFFLOAD_ALL))
		return -EINVAL;
	if (port->sw->in_flush)
		return -EBUSY;
	/* narrowing only, below what an attached backend takes (now and
	 * when it says again, as its link comes up) */
	port->offloads_off = ~offloads & VSW_OFFLOAD_ALL;
	if (port->be)
		offloads &= port->be_offloads;
	port->offloads = offloads;
	return 0;
}

uint64_t vsw_port_offloads(const struct vsw_port *port)
{
	return port ? port->offloads : 0;
}

int vsw_port_set_rx(struct vsw_port *port, vsw_rx_fn fn, void *user)
{
	if (!port)
		return -EINVAL;
	vsw__hot(port)->rx_fn = fn;
	vsw__hot(port)->rx_user = user;
	return 0;
}
