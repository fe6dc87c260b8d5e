// SPDX-License-Identifier: MIT
/*
 * policy.c - "policy set" and "policy clear" on a switch or a port group.
 * A set is all or nothing: when one value is refused, the values set
 * before it and the teaming order go back to what they were.
 */
#include "exec.h"
#include "view.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define ERR(...) do { snprintf(err, errlen, __VA_ARGS__); return -1; } while (0)

static int team_apply(struct vsw_switch *sw, struct vsw_portgroup *pg, const char *const *act,
		      unsigned int na, const char *const *stb, unsigned int ns)
{
	return pg ? vsw_portgroup_set_teaming(pg, act, na, stb, ns)
		  : vsw_switch_set_teaming(sw, act, na, stb, ns);
}

/* An empty active list is an order too: it is put back like any other. */
static void team_restore(struct vsw_switch *sw, struct vsw_portgroup *pg, const struct view_team *t)
{
	if (pg && t->inherited)
		vsw_portgroup_clear_teaming(pg);
	else
		team_apply(sw, pg, t->act, t->na, t->stb, t->ns);
}

/* active= and standby=: a list given replaces the old one; standby= alone
 * keeps the active uplinks, active= alone empties the standby list. */
static int team_set(struct vsw_switch *sw, struct vsw_portgroup *pg, const struct vswcmd *c,
		    const struct view_team *old, char *err, size_t errlen)
{
	const char *const *act = c->has_active ? c->active : old->act;
	unsigned int na = c->has_active ? (unsigned int)c->nactive : old->na;
	int given = c->has_active ? c->nactive : 0;
	struct vsw_uplink *u;
	int e = team_apply(sw, pg, act, na, c->standby, (unsigned int)c->nstandby);

	if (!e)
		return 0;
	/* name the uplink that is not there */
	for (int j = 0; j < given + c->nstandby; j++) {
		const char *n = j < given ? c->active[j] : c->standby[j - given];
		if (vsw_uplink_find(sw, n, &u))
			ERR("unknown uplink '%s'", n);
	}
	ERR("teaming order: %s", e == -EINVAL ? "an uplink is named twice" : strerror(-e));
}

static int policy_set(struct vsw_switch *sw, struct vsw_portgroup *pg, const struct vswcmd *c,
		      char *err, size_t errlen)
{
	uint64_t old[VSWCMD_MAX_KV];
	int inh[VSWCMD_MAX_KV], e = 0, i;
	struct view_team team;

	view_team(sw, pg, &team);
	for (i = 0; i < c->nkv; i++) {
		int k = c->kv[i].key;
		if (pg)
			vsw_portgroup_policy_get(pg, k, &old[i], &inh[i]);
		else
			vsw_switch_policy_get(sw, k, &old[i]);
		e = pg ? vsw_portgroup_policy_set(pg, k, c->kv[i].value)
		       : vsw_switch_policy_set(sw, k, c->kv[i].value);
		if (e)
			break;
	}
	if (!e && (c->has_active || c->has_standby) && team_set(sw, pg, c, &team, err, errlen) < 0)
		e = -1;
	if (!e)
		return 0;
	/* undo: every key set so far goes back */
	for (int j = i - 1; j >= 0; j--) {
		int k = c->kv[j].key;
		if (!pg)
			vsw_switch_policy_set(sw, k, old[j]);
		else if (inh[j])
			vsw_portgroup_policy_clear(pg, k);
		else
			vsw_portgroup_policy_set(pg, k, old[j]);
	}
	if (i < c->nkv)
		ERR("bad value '%s' for %s (out of range)", c->kv[i].text, vswcmd_policy_key(c->kv[i].key));
	team_restore(sw, pg, &team);
	return -1;
}

int vswd_policy_cmd(struct vswd *d, const struct vswcmd *c, char *err, size_t errlen)
{
	struct vswd_switch *s = vswd_find_switch(d, c->pos[0]);
	struct vsw_portgroup *pg = NULL;

	if (!s)
		ERR("unknown vswitch '%s'", c->pos[0]);
	if (c->npos == 2 && vsw_portgroup_find(s->sw, c->pos[1], &pg))
		ERR("unknown port group '%s'", c->pos[1]);
	if (c->verb == VERB_SET)
		return policy_set(s->sw, pg, c, err, errlen);
	for (int i = 0; i < c->nclear; i++) {
		int k = c->clear_keys[i];
		if (k == KEY_ACTIVE || k == KEY_STANDBY)
			vsw_portgroup_clear_teaming(pg);
		else
			vsw_portgroup_policy_clear(pg, k);
	}
	return 0;
}
