// SPDX-License-Identifier: MIT
/*
 * switch.c - the switch object: creation, destruction, name and MTU, and the
 * input checks shared by every constructor (names, MACs, options structs).
 */
#include "core/alloc.h"
#include "core/check.h"
#include "core/core.h"
#include "backends/backends.h"
#include "control/control.h"
#include "datapath/datapath.h"

#define OPT(o, field, def) \
	((o) && (o)->size >= offsetof(struct vsw_switch_opts, field) + sizeof((o)->field) \
	 && (o)->field ? (o)->field : (def))

int vsw_switch_new(const char *name, const struct vsw_switch_opts *opts,
		   struct vsw_switch **out)
{
	struct vsw_switch *sw;
	unsigned int mtu, max_macs;
	int err;

	if (!out)
		return -EINVAL;
	err = vsw__check_name(name);
	if (err)
		return err;
	if (opts) {
		err = vsw__check_opts_size(opts, opts->size,
					   vsw__offsetofend(struct vsw_switch_opts, max_macs));
		if (err)
			return err;
	}
	mtu = OPT(opts, mtu, VSW_MTU_DEFAULT);
	max_macs = OPT(opts, max_macs, 4096);
	if (mtu < VSW_MTU_MIN || mtu > VSW_MTU_MAX || max_macs > (1u << 24))
		return -EINVAL;

	sw = vsw__calloc(1, sizeof(*sw));
	if (!sw)
		return -ENOMEM;
	strcpy(sw->name, name);
	sw->mtu = mtu;
	sw->max_macs = max_macs;
	vsw_list_init(&sw->portgroups);
	vsw_list_init(&sw->mirrors);
	vsw_list_init(&sw->ports);
	vsw_list_init(&sw->uplinks);
	vsw__policy_defaults(&sw->policy);
	vsw__loop_setup(sw);
	vsw__control_init(sw);
	if (vsw__fdb_init(&sw->fdb, max_macs) < 0) {
		vsw__free(sw);
		return -ENOMEM;
	}
	if (vsw__switch_fastpath_init(sw) < 0) {
		vsw__fdb_fini(&sw->fdb);
		vsw__free(sw);
		return -ENOMEM;
	}
	*out = sw;
	return 0;
}

void vsw_switch_free(struct vsw_switch *sw)
{
	struct vsw_list *n, *t;

	if (!sw || sw->in_flush)
		return;
	sw->dying = true;
	/* ports first: port groups must be empty to go */
	vsw_list_for_each_safe(n, t, &sw->ports) {
		struct vsw_port *p = vsw_container_of(n, struct vsw_port, sw_node);
		switch (p->kind) {
		case VSW_PORT_UPLINK:
			vsw_uplink_remove(vsw_port_to_uplink(p));
			break;
		case VSW_PORT_VNIC:
			vsw_vnic_remove(vsw_port_to_vnic(p));
			break;
		case VSW_PORT_VMK:
			vsw_vmk_remove(vsw_port_to_vmk(p));
			break;
		}
	}
	vsw_list_for_each_safe(n, t, &sw->portgroups)
		vsw_portgroup_remove(vsw_container_of(n, struct vsw_portgroup, node));
	vsw__mirror_fini(sw);
	vsw__team_free(&sw->team);
	vsw__control_fini(sw);
	vsw__loop_fini(sw);
	vsw__switch_fastpath_fini(sw);
	vsw__fdb_fini(&sw->fdb);
	vsw__free(sw->port_by_idx);
	vsw__free(sw->hot);
	vsw__names_fini(sw);
	vsw__free(sw);
}

const char *vsw_switch_name(const struct vsw_switch *sw)
{
	return sw ? sw->name : NULL;
}

unsigned int vsw_switch_mtu(const struct vsw_switch *sw)
{
	return sw ? sw->mtu : 0;
}

int vsw_switch_set_mtu(struct vsw_switch *sw, unsigned int mtu)
{
	struct vsw_list *n;
	int err;

	if (!sw || mtu < VSW_MTU_MIN || mtu > VSW_MTU_MAX)
		return -EINVAL;
	if (vsw__busy(sw))
		return -EBUSY;
	/* VMkernel interfaces above the new MTU follow it, all or nothing */
	err = sw->host ? sw->host->lower_mtu(sw, mtu) : 0;
	if (err)
		return err;
	sw->mtu = mtu;
	vsw_list_for_each(n, &sw->ports)
		vsw__port_check_mtu(vsw_container_of(n, struct vsw_port, sw_node));
	return 0;
}

