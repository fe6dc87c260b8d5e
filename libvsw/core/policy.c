// SPDX-License-Identifier: MIT
/*
 * policy.c - security, shaping and teaming options with two-level
 * inheritance: the switch holds a value for every key; a port group holds an
 * override bit and value per key. The frame path never walks that chain: a
 * port group's effective values are flattened into struct vsw_pg_eff whenever
 * either level changes, so a change on the switch reaches every inheriting
 * port group at once ("live").
 */
#include "core/core.h"
#include "datapath/datapath.h"

static const struct {
	const char *name;
	uint64_t def;
	uint64_t min, max;
} pol_info[VSW_POL_COUNT] = {
	[VSW_POL_PROMISCUOUS] = { "promiscuous", 0, 0, 1 },
	[VSW_POL_MAC_CHANGES] = { "mac_changes", 1, 0, 1 },
	[VSW_POL_FORGED_TRANSMITS] = { "forged_transmits", 1, 0, 1 },
	[VSW_POL_SHAPING_ENABLED] = { "shaping", 0, 0, 1 },
	/* ESXi's defaults: 100000 Kbit/s average and peak, 102400 KB burst */
	[VSW_POL_SHAPING_AVERAGE_BPS] = { "average_bps", 100000000ull, 1, UINT64_MAX / 2 },
	[VSW_POL_SHAPING_PEAK_BPS] = { "peak_bps", 100000000ull, 1, UINT64_MAX / 2 },
	[VSW_POL_SHAPING_BURST_BYTES] = { "burst_bytes", 104857600ull, 1, UINT32_MAX },
	[VSW_POL_LOAD_BALANCING] = { "load_balancing", VSW_LB_PORT_ID, VSW_LB_PORT_ID, VSW_LB_EXPLICIT },
	[VSW_POL_FAILURE_DETECTION] = { "failure_detection", VSW_DETECT_LINK_STATUS,
					VSW_DETECT_LINK_STATUS, VSW_DETECT_BEACON },
	[VSW_POL_NOTIFY_SWITCHES] = { "notify_switches", 1, 0, 1 },
	[VSW_POL_FAILBACK] = { "failback", 1, 0, 1 },
	[VSW_POL_MAC_LEARNING] = { "mac_learning", 0, 0, 1 },
	[VSW_POL_MAC_LIMIT] = { "mac_limit", 4096, 0, 1000000 },
	[VSW_POL_MAC_AGING_SEC] = { "mac_aging_sec", 300, 0, 1000000 },
};

static bool key_ok(enum vsw_policy key)
{
	return (unsigned int)key < VSW_POL_COUNT;
}

const char *vsw_policy_name(enum vsw_policy key)
{
	return key_ok(key) ? pol_info[key].name : NULL;
}

void vsw__policy_defaults(struct vsw_policy_vals *p)
{
	for (unsigned int k = 0; k < VSW_POL_COUNT; k++)
		p->v[k] = pol_info[k].def;
}

int vsw__policy_check(enum vsw_policy key, uint64_t value)
{
	if (!key_ok(key) || value < pol_info[key].min || value > pol_info[key].max)
		return -EINVAL;
	return 0;
}

static uint64_t eff_value(const struct vsw_portgroup *pg, unsigned int k)
{
	return (pg->policy_set & (UINT64_C(1) << k)) ? pg->policy.v[k] : pg->sw->policy.v[k];
}

void vsw__pg_refresh_policy(struct vsw_portgroup *pg)
{
	struct vsw_pg_eff *e = &pg->eff;

	e->promiscuous = eff_value(pg, VSW_POL_PROMISCUOUS);
	e->mac_changes = eff_value(pg, VSW_POL_MAC_CHANGES);
	e->forged_transmits = eff_value(pg, VSW_POL_FORGED_TRANSMITS);
	e->shaping = eff_value(pg, VSW_POL_SHAPING_ENABLED);
	e->avg_bps = eff_value(pg, VSW_POL_SHAPING_AVERAGE_BPS);
	e->peak_bps = eff_value(pg, VSW_POL_SHAPING_PEAK_BPS);
	e->burst_bytes = eff_value(pg, VSW_POL_SHAPING_BURST_BYTES);
	e->load_balancing = (uint8_t)eff_value(pg, VSW_POL_LOAD_BALANCING);
	e->failure_detection = (uint8_t)eff_value(pg, VSW_POL_FAILURE_DETECTION);
	e->notify_switches = eff_value(pg, VSW_POL_NOTIFY_SWITCHES);
	e->failback = eff_value(pg, VSW_POL_FAILBACK);
	e->mac_learning = eff_value(pg, VSW_POL_MAC_LEARNING);
	e->mac_limit = (uint32_t)eff_value(pg, VSW_POL_MAC_LIMIT);
	e->mac_aging_sec = (uint32_t)eff_value(pg, VSW_POL_MAC_AGING_SEC);
}

static void switch_refresh_all(struct vsw_switch *sw)
{
	struct vsw_list *n;

	vsw_list_for_each(n, &sw->portgroups) {
		struct vsw_portgroup *pg = vsw_container_of(n, struct vsw_portgroup, node);
		vsw__pg_refresh_policy(pg);
		/* turning learning off forgets what was learned */
		if (!pg->eff.mac_learning)
			vsw__fdb_forget_pg(sw, pg);
	}
	vsw__switch_config_changed(sw);
}

int vsw_switch_policy_set(struct vsw_switch *sw, enum vsw_policy key, uint64_t value)
{
	int err;

	if (!sw)
		return -EINVAL;
	err = vsw__policy_check(key, value);
	if (err)
		return err;
	if (vsw__busy(sw))
		return -EBUSY;
	sw->policy.v[key] = value;
	switch_refresh_all(sw);
	return 0;
}

int vsw_switch_policy_get(const struct vsw_switch *sw, enum vsw_policy key, uint64_t *value)
{
	if (!sw || !value || !key_ok(key))
		return -EINVAL;
	*value = sw->policy.v[key];
	return 0;
}

int vsw_portgroup_policy_set(struct vsw_portgroup *pg, enum vsw_policy key, uint64_t value)
{
	int err;

	if (!pg)
		return -EINVAL;
	err = vsw__policy_check(key, value);
	if (err)
		return err;
	if (vsw__busy(pg->sw))
		return -EBUSY;
	pg->policy.v[key] = value;
	pg->policy_set |= UINT64_C(1) << key;
	vsw__pg_refresh_policy(pg);
	if (!pg->eff.mac_learning)
		vsw__fdb_forget_pg(pg->sw, pg);
	vsw__pg_changed(pg);
	return 0;
}

int vsw_portgroup_policy_get(const struct vsw_portgroup *pg, enum vsw_policy key,
			     uint64_t *value, int *inherited)
{
	if (!pg || !value || !key_ok(key))
		return -EINVAL;
	*value = eff_value(pg, key);
	if (inherited)
		*inherited = !(pg->policy_set & (UINT64_C(1) << key));
	return 0;
}

int vsw_portgroup_policy_clear(struct vsw_portgroup *pg, enum vsw_policy key)
{
	if (!pg || !key_ok(key))
		return -EINVAL;
	if (vsw__busy(pg->sw))
		return -EBUSY;
	pg->policy_set &= ~(UINT64_C(1) << key);
	vsw__pg_refresh_policy(pg);
	if (!pg->eff.mac_learning)
		vsw__fdb_forget_pg(pg->sw, pg);
	vsw__pg_changed(pg);
	return 0;
}
