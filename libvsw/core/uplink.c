// SPDX-License-Identifier: MIT
/*
 * uplink.c - vmnics: the switch's ports to the physical network. An uplink
 * has no MAC in the switch and no port group; which virtual ports use it is
 * decided by the teaming order of their port group (teaming-order.c,
 * datapath/derive.c).
 */
#include "core/alloc.h"
#include "core/core.h"
#include "core/log.h"
#include "control/control.h"
#include "datapath/datapath.h"

int vsw_uplink_add(struct vsw_switch *sw, const char *name, unsigned int flags,
		   struct vsw_uplink **out)
{
	struct vsw_uplink *u;
	struct vsw_uplink **act;
	int err;

	if (!sw || !name || flags)
		return -EINVAL;
	if (vsw__busy(sw))
		return -EBUSY;
	u = vsw__calloc(1, sizeof(*u));
	if (!u)
		return -ENOMEM;
	err = vsw__port_init(sw, &u->port, name, VSW_PORT_UPLINK);
	if (!err)
		err = vsw__team_reserve(sw);
	if (err)
		goto fail;
	/* a new vmnic joins the switch's active list, as on ESXi */
	act = vsw__realloc(sw->team.active, sw->team.n_active + 1, sizeof(*act));
	if (!act) {
		err = -ENOMEM;
		goto fail;
	}
	sw->team.active = act;
	act[sw->team.n_active++] = u;
	vsw__uplink_link_in(&u->port);
	vsw__info(sw, "uplink %s added", name);
	vsw__switch_config_changed(sw);
	if (out)
		*out = u;
	return 0;
fail:
	vsw__free(u);
	return err;
}

int vsw_uplink_remove(struct vsw_uplink *u)
{
	struct vsw_switch *sw;
	struct vsw_list *n;

	if (!u)
		return -EINVAL;
	sw = u->port.sw;
	if (sw->in_flush)
		return -EBUSY;
	vsw__control_uplink_removed(u);
	if (u->port.be)
		vsw_port_detach(&u->port);
	vsw__info(sw, "uplink %s removed", u->port.name);
	vsw__team_forget(&sw->team, u);
	vsw_list_for_each(n, &sw->portgroups)
		vsw__team_forget(&vsw_container_of(n, struct vsw_portgroup, node)->team, u);
	vsw__port_fini(&u->port);
	vsw__switch_config_changed(sw);
	vsw__free(u);
	return 0;
}

int vsw_uplink_find(const struct vsw_switch *sw, const char *name, struct vsw_uplink **out)
{
	struct vsw_port *p;

	if (!sw || !name || !out)
		return -EINVAL;
	p = vsw__port_by_name(sw, name);
	if (!p || p->kind != VSW_PORT_UPLINK)
		return -ENOENT;
	*out = vsw_port_to_uplink(p);
	return 0;
}

struct vsw_uplink *vsw_uplink_next(const struct vsw_switch *sw, const struct vsw_uplink *prev)
{
	struct vsw_list *n;

	if (!sw || (prev && prev->port.sw != sw))
		return NULL;
	n = vsw_list_after(&sw->uplinks, prev ? &prev->port.kind_node : NULL);
	return n ? vsw_port_to_uplink(vsw_container_of(n, struct vsw_port, kind_node)) : NULL;
}

struct vsw_port *vsw_uplink_port(struct vsw_uplink *u)
{
	return u ? &u->port : NULL;
}

struct vsw_uplink *vsw_port_to_uplink(struct vsw_port *port)
{
	if (!port || port->kind != VSW_PORT_UPLINK)
		return NULL;
	return vsw_container_of(port, struct vsw_uplink, port);
}
