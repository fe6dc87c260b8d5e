// SPDX-License-Identifier: MIT
/*
 * view.c - what the read commands show, whatever the form (see view.h).
 */
#include "view.h"

#include <stdio.h>
#include <string.h>

void view_mac(const uint8_t m[6], char *s)
{
	sprintf(s, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

unsigned int view_port_count(struct vsw_switch *sw)
{
	unsigned int n = 0;

	for (struct vsw_port *p = vsw_port_next(sw, NULL); p; p = vsw_port_next(sw, p))
		n++;
	return n;
}

const char *view_uplink_state(struct vsw_uplink *u)
{
	if (!vsw_port_link(vsw_uplink_port(u)))
		return "down";
	switch (vsw_uplink_beacon_state(u)) {
	case VSW_BEACON_FAILED: return "beacon-failed";
	case VSW_BEACON_INCONCLUSIVE: return "beacon-inconclusive";
	default: return "up";
	}
}

const char *view_beacon_word(enum vsw_beacon_state s)
{
	static const char *const w[] = { "off", "alone", "ok", "inconclusive", "failed" };

	return (unsigned int)s < sizeof(w) / sizeof(w[0]) ? w[s] : "unknown";
}

bool view_probes(struct vsw_portgroup *pg, unsigned int *vid)
{
	uint64_t v = 0;

	vsw_portgroup_policy_get(pg, VSW_POL_FAILURE_DETECTION, &v, NULL);
	*vid = vsw_portgroup_vlan(pg) == VSW_VLAN_TRUNK ? 0 : vsw_portgroup_vlan(pg);
	return v == VSW_DETECT_BEACON;
}

bool view_any_probes(struct vsw_switch *sw)
{
	unsigned int vid;

	for (struct vsw_portgroup *pg = vsw_portgroup_next(sw, NULL); pg; pg = vsw_portgroup_next(sw, pg))
		if (view_probes(pg, &vid))
			return true;
	return false;
}

const char *view_lldp_subtype(unsigned int st, bool chassis)
{
	static const char *const ch[] = { NULL, "chassis component", "interface alias",
		"port component", "MAC address", "network address", "interface name", "local" };
	static const char *const po[] = { NULL, "interface alias", "port component", "MAC address",
		"network address", "interface name", "agent circuit ID", "local" };

	return st >= 1 && st <= 7 ? (chassis ? ch : po)[st] : "reserved subtype";
}

void view_team(struct vsw_switch *sw, struct vsw_portgroup *pg, struct view_team *t)
{
	struct vsw_uplink *u;

	memset(t, 0, sizeof(*t));
	t->inherited = pg ? vsw_portgroup_teaming_inherited(pg) : 0;
	for (unsigned int i = 0; t->na < VSWCMD_MAX_TEAM &&
	     (u = pg ? vsw_portgroup_teaming_uplink(pg, VSW_UPLINK_ACTIVE, i)
		     : vsw_switch_teaming_uplink(sw, VSW_UPLINK_ACTIVE, i)); i++)
		t->act[t->na++] = vsw_port_name(vsw_uplink_port(u));
	for (unsigned int i = 0; t->ns < VSWCMD_MAX_TEAM &&
	     (u = pg ? vsw_portgroup_teaming_uplink(pg, VSW_UPLINK_STANDBY, i)
		     : vsw_switch_teaming_uplink(sw, VSW_UPLINK_STANDBY, i)); i++)
		t->stb[t->ns++] = vsw_port_name(vsw_uplink_port(u));
}
