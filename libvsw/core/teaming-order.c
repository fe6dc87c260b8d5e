// SPDX-License-Identifier: MIT
/*
 * teaming-order.c - teaming orders: which uplinks are active (in priority order),
 * which are standby, and by omission which are unused. The switch always has
 * an explicit order (a new uplink is appended to its active list); a port
 * group has one only when it overrides the switch's.
 */
#include "core/alloc.h"
#include "core/core.h"
#include "datapath/datapath.h"

void vsw__team_free(struct vsw_team *t)
{
	vsw__free(t->active);
	vsw__free(t->standby);
	memset(t, 0, sizeof(*t));
}

static void list_forget(struct vsw_uplink **l, unsigned int *n, const struct vsw_uplink *u)
{
	unsigned int j = 0;

	for (unsigned int i = 0; i < *n; i++)
		if (l[i] != u)
			l[j++] = l[i];
	*n = j;
}

void vsw__team_forget(struct vsw_team *t, const struct vsw_uplink *u)
{
	list_forget(t->active, &t->n_active, u);
	list_forget(t->standby, &t->n_standby, u);
}

static int resolve(const struct vsw_switch *sw, const char *const *names, unsigned int n,
		   struct vsw_uplink **out)
{
	for (unsigned int i = 0; i < n; i++) {
		if (!names[i])
			return -EINVAL;
		struct vsw_port *p = vsw__port_by_name(sw, names[i]);
		if (!p || p->kind != VSW_PORT_UPLINK)
			return -ENOENT;
		out[i] = vsw__uplink_of(p);
	}
	return 0;
}

/* Build a new order from names; on success the caller swaps it in. */
static int team_build(const struct vsw_switch *sw, const char *const *active, unsigned int na,
		      const char *const *standby, unsigned int ns, struct vsw_team *t)
{
	int err;

	/* no active uplink at all is a valid order (ESXi allows it): the
	 * group's traffic then takes a standby, or drops as no_uplink */
	if ((na && !active) || (ns && !standby))
		return -EINVAL;
	memset(t, 0, sizeof(*t));
	t->active = vsw__calloc(na ? na : 1, sizeof(*t->active));
	t->standby = vsw__calloc(ns ? ns : 1, sizeof(*t->standby));
	if (!t->active || !t->standby) {
		err = -ENOMEM;
		goto fail;
	}
	err = resolve(sw, active, na, t->active);
	if (!err)
		err = resolve(sw, standby, ns, t->standby);
	if (err)
		goto fail;
	t->n_active = na;
	t->n_standby = ns;
	/* an uplink may stand in the order once */
	for (unsigned int i = 0; i < na + ns; i++)
		for (unsigned int j = i + 1; j < na + ns; j++) {
			const struct vsw_uplink *a = i < na ? t->active[i] : t->standby[i - na];
			const struct vsw_uplink *b = j < na ? t->active[j] : t->standby[j - na];
			if (a == b) {
				err = -EINVAL;
				goto fail;
			}
		}
	return 0;
fail:
	vsw__team_free(t);
	return err;
}

int vsw_switch_set_teaming(struct vsw_switch *sw, const char *const *active, unsigned int n_active,
			   const char *const *standby, unsigned int n_standby)
{
	struct vsw_team t;
	int err;

	if (!sw)
		return -EINVAL;
	if (vsw__busy(sw))
		return -EBUSY;
	err = team_build(sw, active, n_active, standby, n_standby, &t);
	if (err)
		return err;
	vsw__team_free(&sw->team);
	sw->team = t;
	vsw__switch_config_changed(sw);
	return 0;
}

int vsw_portgroup_set_teaming(struct vsw_portgroup *pg, const char *const *active,
			      unsigned int n_active, const char *const *standby,
			      unsigned int n_standby)
{
	struct vsw_team t;
	int err;

	if (!pg)
		return -EINVAL;
	if (vsw__busy(pg->sw))
		return -EBUSY;
	err = team_build(pg->sw, active, n_active, standby, n_standby, &t);
	if (err)
		return err;
	vsw__team_free(&pg->team);
	pg->team = t;
	pg->team_override = true;
	vsw__pg_changed(pg);
	return 0;
}

int vsw_portgroup_clear_teaming(struct vsw_portgroup *pg)
{
	if (!pg)
		return -EINVAL;
	if (vsw__busy(pg->sw))
		return -EBUSY;
	vsw__team_free(&pg->team);
	pg->team_override = false;
	vsw__pg_changed(pg);
	return 0;
}

int vsw_portgroup_teaming_inherited(const struct vsw_portgroup *pg)
{
	return pg ? !pg->team_override : -EINVAL;
}

static bool in_list(struct vsw_uplink *const *l, unsigned int n, const struct vsw_uplink *u)
{
	for (unsigned int i = 0; i < n; i++)
		if (l[i] == u)
			return true;
	return false;
}

static struct vsw_uplink *team_at(const struct vsw_switch *sw, const struct vsw_team *t,
				  enum vsw_uplink_role role, unsigned int index)
{
	switch (role) {
	case VSW_UPLINK_ACTIVE:
		return index < t->n_active ? t->active[index] : NULL;
	case VSW_UPLINK_STANDBY:
		return index < t->n_standby ? t->standby[index] : NULL;
	case VSW_UPLINK_UNUSED:
		for (struct vsw_uplink *u = vsw__uplink_next(sw, NULL); u; u = vsw__uplink_next(sw, u))
			if (!in_list(t->active, t->n_active, u) &&
			    !in_list(t->standby, t->n_standby, u) && index-- == 0)
				return u;
		return NULL;
	}
	return NULL;
}

struct vsw_uplink *vsw_switch_teaming_uplink(const struct vsw_switch *sw,
					     enum vsw_uplink_role role, unsigned int index)
{
	return sw ? team_at(sw, &sw->team, role, index) : NULL;
}

struct vsw_uplink *vsw_portgroup_teaming_uplink(const struct vsw_portgroup *pg,
						enum vsw_uplink_role role, unsigned int index)
{
	return pg ? team_at(pg->sw, vsw__pg_team(pg), role, index) : NULL;
}
