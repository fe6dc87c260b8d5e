// SPDX-License-Identifier: MIT
/*
 * portgroup.c - port groups: named L2 segments with a VLAN ID (EST 0, VST
 * 1-4094, VGT 4095), policy overrides and an optional teaming order. A port
 * group's VLAN is the MAC-table domain of its ports, so changing the VLAN
 * re-keys their entries.
 */
#include "core/alloc.h"
#include "core/check.h"
#include "core/core.h"
#include "core/log.h"
#include "datapath/datapath.h"

static void pg_free(struct vsw_portgroup *pg)
{
	vsw__team_free(&pg->team);
	vsw__free(pg->tm.act);
	vsw__free(pg->tm.stb);
	vsw__free(pg->tm.usable_act);
	vsw__free(pg->tm.act_ok);
	vsw__free(pg->tm.stb_ok);
	vsw__free(pg);
}

int vsw_portgroup_add(struct vsw_switch *sw, const char *name, unsigned int vlan,
		      unsigned int flags, struct vsw_portgroup **out)
{
	struct vsw_portgroup *pg, *dup;
	int err;

	if (!sw || flags || vlan > VSW_VLAN_TRUNK)
		return -EINVAL;
	err = vsw__check_name(name);
	if (err)
		return err;
	if (vsw__busy(sw))
		return -EBUSY;
	if (vsw_portgroup_find(sw, name, &dup) == 0)
		return -EEXIST;
	pg = vsw__calloc(1, sizeof(*pg));
	if (!pg)
		return -ENOMEM;
	pg->sw = sw;
	if (vsw__pg_team_alloc(sw, pg) < 0) {
		pg_free(pg);
		return -ENOMEM;
	}
	strcpy(pg->name, name);
	pg->vlan = vlan;
	vsw_list_init(&pg->ports);
	vsw__pg_refresh_policy(pg);
	vsw_list_append(&sw->portgroups, &pg->node);
	vsw__info(sw, "port group '%s' added, VLAN %u", name, vlan);
	vsw__switch_config_changed(sw);
	if (out)
		*out = pg;
	return 0;
}

int vsw_portgroup_remove(struct vsw_portgroup *pg)
{
	if (!pg)
		return -EINVAL;
	if (pg->n_ports || pg->sw->in_flush)
		return -EBUSY;
	vsw_list_del(&pg->node);
	vsw__switch_config_changed(pg->sw);
	pg_free(pg);
	return 0;
}

int vsw_portgroup_find(const struct vsw_switch *sw, const char *name,
		       struct vsw_portgroup **out)
{
	struct vsw_list *n;

	if (!sw || !name || !out)
		return -EINVAL;
	vsw_list_for_each(n, &sw->portgroups) {
		struct vsw_portgroup *pg = vsw_container_of(n, struct vsw_portgroup, node);
		if (!strcmp(pg->name, name)) {
			*out = pg;
			return 0;
		}
	}
	return -ENOENT;
}

struct vsw_portgroup *vsw_portgroup_next(const struct vsw_switch *sw,
					 const struct vsw_portgroup *prev)
{
	struct vsw_list *n;

	if (!sw || (prev && prev->sw != sw))
		return NULL;
	n = vsw_list_after(&sw->portgroups, prev ? &prev->node : NULL);
	return n ? vsw_container_of(n, struct vsw_portgroup, node) : NULL;
}

const char *vsw_portgroup_name(const struct vsw_portgroup *pg)
{
	return pg ? pg->name : NULL;
}

struct vsw_switch *vsw_portgroup_switch(const struct vsw_portgroup *pg)
{
	return pg ? pg->sw : NULL;
}

unsigned int vsw_portgroup_vlan(const struct vsw_portgroup *pg)
{
	return pg ? pg->vlan : 0;
}

unsigned int vsw_portgroup_port_count(const struct vsw_portgroup *pg)
{
	return pg ? pg->n_ports : 0;
}

struct vsw_port *vsw_portgroup_port_next(const struct vsw_portgroup *pg,
					 const struct vsw_port *prev)
{
	struct vsw_list *n;

	if (!pg || (prev && prev->pg != pg))
		return NULL;
	n = vsw_list_after(&pg->ports, prev ? &prev->kind_node : NULL);
	return n ? vsw_container_of(n, struct vsw_port, kind_node) : NULL;
}

int vsw_portgroup_set_vlan(struct vsw_portgroup *pg, unsigned int vlan)
{
	struct vsw_switch *sw;
	struct vsw_list *n;
	uint16_t old_dom;

	if (!pg || vlan > VSW_VLAN_TRUNK)
		return -EINVAL;
	if (vlan == pg->vlan)
		return 0;
	sw = pg->sw;
	if (vsw__busy(sw))
		return -EBUSY;
	vsw_list_for_each(n, &pg->ports) {
		struct vsw_port *p = vsw_container_of(n, struct vsw_port, kind_node);
		if (vsw__mac_in_use(sw, (uint16_t)vlan, p->mac, pg))
			return -EADDRINUSE;
	}
	if (vsw__dom_reserve(sw, (uint16_t)vlan, pg->n_ports) < 0)
		return -ENOMEM;
	old_dom = vsw__pg_domain(pg);
	vsw__fdb_forget_pg(sw, pg);
	vsw_list_for_each(n, &pg->ports) {
		struct vsw_port *p = vsw_container_of(n, struct vsw_port, kind_node);
		vsw__fdb_del(&sw->fdb, vsw_fdb_key(old_dom, p->mac));
	}
	pg->vlan = vlan;
	vsw_list_for_each(n, &pg->ports) {
		struct vsw_port *p = vsw_container_of(n, struct vsw_port, kind_node);
		/* same number of entries: cannot fail for room, and no clash (checked) */
		vsw__fdb_add_own(sw, vsw_fdb_key(vsw__pg_domain(pg), p->mac), p->idx);
	}
	vsw__switch_config_changed(sw);
	return 0;
}
