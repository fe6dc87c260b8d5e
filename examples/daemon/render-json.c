// SPDX-License-Identifier: MIT
/*
 * render-json.c - the read commands' output as JSON for programs: one
 * object on one line (see render.h; the emitter and its escaping are in
 * json.h). Each command's object has its switches under "vswitches".
 */
#include "cmdval.h"
#include "host.h"
#include "json.h"
#include "render.h"
#include "view.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

/* ---- list ---- */

static int neighbor(const struct vsw_lldp_neighbor *n, void *user);

/* The uplink's beacon state on each VLAN the switch probes. */
static void beacon_vlans(struct json *j, struct vsw_switch *sw, struct vsw_uplink *u)
{
	uint8_t seen[4096 / 8] = { 0 };
	unsigned int vid;
	char key[8];

	json_key(j, "beacon_vlans");
	json_object(j);
	for (struct vsw_portgroup *pg = vsw_portgroup_next(sw, NULL); pg; pg = vsw_portgroup_next(sw, pg)) {
		enum vsw_beacon_state s;
		if (!view_probes(pg, &vid) || (seen[vid / 8] & (1u << (vid % 8))))
			continue;
		seen[vid / 8] |= (uint8_t)(1u << (vid % 8));
		s = vsw_uplink_beacon_vlan_state(u, vid);
		if (s == VSW_BEACON_OFF)
			continue;
		snprintf(key, sizeof(key), "%u", vid);
		json_kstr(j, key, view_beacon_word(s));
	}
	json_end(j);
}

/* "offloads": the port's VSW_OFFLOAD_* bits as --offloads names them. */
static void offloads(struct json *j, struct vsw_port *p)
{
	uint64_t m = vsw_port_offloads(p);

	json_key(j, "offloads");
	json_array(j);
	for (uint64_t b = 1; b && b <= m; b <<= 1)
		if ((m & b) && vswcmd_offload_name(b))
			json_str(j, vswcmd_offload_name(b));
	json_end(j);
}

static void list_uplink(struct json *j, struct vsw_switch *sw, struct vsw_uplink *u)
{
	struct vsw_port *p = vsw_uplink_port(u);

	json_object(j);
	json_kstr(j, "name", vsw_port_name(p));
	json_kstr(j, "link", vsw_port_link(p) ? "up" : "down");
	json_kstr(j, "state", view_uplink_state(u));
	json_kstr(j, "beacon", view_beacon_word(vsw_uplink_beacon_state(u)));
	beacon_vlans(j, sw, u);
	offloads(j, p);
	json_key(j, "lldp_neighbors");
	json_array(j);
	vsw_uplink_lldp_foreach(u, neighbor, j);
	json_end(j);
	json_end(j);
}

static void list_vmk(struct json *j, struct vsw_vmk *k)
{
	unsigned int sv = vsw_vmk_services(k);
	struct view_vmk_iface v;

	json_key(j, "services");
	json_array(j);
	for (unsigned int b = 1; b & VSW_VMK_SERVICES_ALL; b <<= 1)
		if (sv & b)
			json_str(j, vsw_vmk_service_name(b));
	json_end(j);
	if (!vswd_vmk_iface_view(k, &v))
		return;
	json_kstr(j, "netstack", v.netstack);
	json_key(j, "mtu");
	json_int(j, v.mtu);
	json_key(j, "ips");
	json_array(j);
	for (int i = 0; i < v.nips; i++)
		json_str(j, v.ips[i]);
	json_end(j);
	json_key(j, "gateways");
	json_array(j);
	for (int i = 0; i < v.ngws; i++)
		json_str(j, v.gws[i]);
	json_end(j);
}

static void list_port(struct json *j, struct vsw_port *p)
{
	uint8_t mac[6];
	char m[18];

	vsw_port_mac(p, mac);
	view_mac(mac, m);
	json_object(j);
	json_kstr(j, "name", vsw_port_name(p));
	json_kstr(j, "kind", vsw_port_kind(p) == VSW_PORT_VMK ? "vmk" : "vnic");
	json_kstr(j, "mac", m);
	json_kstr(j, "link", vsw_port_link(p) ? "up" : "down");
	json_kstr(j, "current_uplink", vsw_port_current_uplink(p) ?
		  vsw_port_name(vsw_uplink_port(vsw_port_current_uplink(p))) : NULL);
	offloads(j, p);
	if (vsw_port_kind(p) == VSW_PORT_VMK)
		list_vmk(j, vsw_port_to_vmk(p));
	json_end(j);
}

static void list_portgroup(struct json *j, struct vsw_portgroup *pg)
{
	static const char *const role[] = { [VSW_UPLINK_ACTIVE] = "active", [VSW_UPLINK_STANDBY] = "standby" };
	struct vsw_uplink *u;

	json_object(j);
	json_kstr(j, "name", vsw_portgroup_name(pg));
	json_kuint(j, "vlan", vsw_portgroup_vlan(pg));
	json_kuint(j, "used_ports", vsw_portgroup_port_count(pg));
	for (unsigned int r = VSW_UPLINK_ACTIVE; r <= VSW_UPLINK_STANDBY; r++) {
		json_key(j, role[r]);
		json_array(j);
		for (unsigned int i = 0; (u = vsw_portgroup_teaming_uplink(pg, r, i)); i++)
			json_str(j, vsw_port_name(vsw_uplink_port(u)));
		json_end(j);
	}
	json_key(j, "ports");
	json_array(j);
	for (struct vsw_port *p = vsw_portgroup_port_next(pg, NULL); p; p = vsw_portgroup_port_next(pg, p))
		list_port(j, p);
	json_end(j);
	json_end(j);
}

static void json_list(struct outbuf *o, const struct vswd *d)
{
	struct json j;

	json_init(&j, o);
	json_object(&j);
	json_key(&j, "vswitches");
	json_array(&j);
	for (const struct vswd_switch *s = d->switches; s; s = s->next) {
		struct vsw_switch *sw = s->sw;
		json_object(&j);
		json_kstr(&j, "name", vsw_switch_name(sw));
		json_kuint(&j, "used_ports", view_port_count(sw));
		json_kuint(&j, "mtu", vsw_switch_mtu(sw));
		json_kuint(&j, "max_macs", s->max_macs);
		json_kuint(&j, "beacon_interval_ms", vsw_switch_beacon_interval(sw));
		json_key(&j, "uplinks");
		json_array(&j);
		for (struct vsw_uplink *u = vsw_uplink_next(sw, NULL); u; u = vsw_uplink_next(sw, u))
			list_uplink(&j, sw, u);
		json_end(&j);
		json_key(&j, "portgroups");
		json_array(&j);
		for (struct vsw_portgroup *pg = vsw_portgroup_next(sw, NULL); pg; pg = vsw_portgroup_next(sw, pg))
			list_portgroup(&j, pg);
		json_end(&j);
		json_end(&j);
	}
	json_end(&j);
	json_end(&j);
}

/* ---- policy get ---- */

static void names(struct json *j, const char *key, const char *const *n, unsigned int count)
{
	json_key(j, key);
	json_array(j);
	for (unsigned int i = 0; i < count; i++)
		json_str(j, n[i]);
	json_end(j);
}

/* A policy's value typed: a number as a number, yes/no as a boolean, a
 * word (accept, ip_hash, beacon) as a string. */
static void policy_value(struct json *j, int k, uint64_t val, char *buf, size_t len)
{
	const char *text = vswcmd_policy_value(k, val, buf, len);

	json_key(j, "value");
	if (text == buf)
		json_uint(j, val);
	else if (!strcmp(text, "yes") || !strcmp(text, "no"))
		json_bool(j, val != 0);
	else
		json_str(j, text);
}

static void json_policy(struct outbuf *o, struct vsw_switch *sw, struct vsw_portgroup *pg)
{
	struct view_team t;
	struct json j;
	char v[32];

	json_init(&j, o);
	json_object(&j);
	json_kstr(&j, "vswitch", vsw_switch_name(sw));
	if (pg)
		json_kstr(&j, "portgroup", vsw_portgroup_name(pg));
	json_key(&j, "policies");
	json_object(&j);
	for (int k = 0; vsw_policy_name(k); k++) {
		uint64_t val;
		int inh = 0;
		if (pg)
			vsw_portgroup_policy_get(pg, k, &val, &inh);
		else
			vsw_switch_policy_get(sw, k, &val);
		json_key(&j, vsw_policy_name(k));
		json_object(&j);
		policy_value(&j, k, val, v, sizeof(v));
		json_kbool(&j, "inherited", inh);
		json_end(&j);
	}
	json_end(&j);
	view_team(sw, pg, &t);
	json_key(&j, "teaming");
	json_object(&j);
	json_kbool(&j, "inherited", t.inherited);
	names(&j, "active", t.act, t.na);
	names(&j, "standby", t.stb, t.ns);
	json_end(&j);
	json_end(&j);
}

/* ---- stats, fdb ---- */

/* Opens {"vswitches": [ ... and a switch's {"name": NAME, "KEY": [ */
static void open_doc(struct json *j, struct outbuf *o)
{
	json_init(j, o);
	json_object(j);
	json_key(j, "vswitches");
	json_array(j);
}

static void open_switch(struct json *j, struct vsw_switch *sw, const char *key)
{
	json_object(j);
	json_kstr(j, "name", vsw_switch_name(sw));
	json_key(j, key);
	json_array(j);
}

static void json_stats(struct outbuf *o, const struct vswd *d, const struct vswd_switch *only,
		       struct vsw_port *one, bool all)
{
	struct json j;

	(void)all; /* a program gets every counter, always */
	open_doc(&j, o);
	for (const struct vswd_switch *s = d->switches; s; s = s->next) {
		if (only && s != only)
			continue;
		open_switch(&j, s->sw, "ports");
		for (struct vsw_port *p = vsw_port_next(s->sw, NULL); p; p = vsw_port_next(s->sw, p)) {
			if (one && p != one)
				continue;
			json_object(&j);
			json_kstr(&j, "port", vsw_port_name(p));
			json_key(&j, "counters");
			json_object(&j);
			for (int c = 0; vsw_counter_name(c); c++)
				json_kuint(&j, vsw_counter_name(c), vsw_port_counter(p, c));
			json_end(&j);
			json_end(&j);
		}
		json_end(&j);
		json_end(&j);
	}
	json_end(&j);
	json_end(&j);
}

static int fdb_entry(const struct vsw_fdb_entry_info *e, void *user)
{
	struct json *j = user;
	char m[18];

	view_mac(e->mac, m);
	json_object(j);
	json_kuint(j, "vlan", e->vlan);
	json_kstr(j, "mac", m);
	json_kstr(j, "port", vsw_port_name(e->port));
	json_kstr(j, "type", e->learned ? "learned" : "static");
	json_kuint(j, "age", e->age_sec);
	json_end(j);
	return 0;
}

static void json_fdb(struct outbuf *o, const struct vswd *d, const struct vswd_switch *only)
{
	struct json j;

	open_doc(&j, o);
	for (const struct vswd_switch *s = d->switches; s; s = s->next) {
		if (only && s != only)
			continue;
		open_switch(&j, s->sw, "entries");
		vsw_switch_fdb_foreach(s->sw, fdb_entry, &j);
		json_end(&j);
		json_end(&j);
	}
	json_end(&j);
	json_end(&j);
}

/* ---- uplink neighbors ---- */

static int neighbor(const struct vsw_lldp_neighbor *n, void *user)
{
	struct json *j = user;
	char a[INET6_ADDRSTRLEN], m[18];

	json_object(j);
	json_kstr(j, "chassis_id", n->chassis_id_text);
	json_kuint(j, "chassis_id_subtype", n->chassis_id_subtype);
	json_kstr(j, "chassis_id_type", view_lldp_subtype(n->chassis_id_subtype, true));
	json_kstr(j, "port_id", n->port_id_text);
	json_kuint(j, "port_id_subtype", n->port_id_subtype);
	json_kstr(j, "port_id_type", view_lldp_subtype(n->port_id_subtype, false));
	json_kuint(j, "ttl", n->ttl);
	json_kuint(j, "expires", n->expires_sec);
	json_kstr(j, "port_description", n->port_description);
	json_kstr(j, "system_name", n->system_name);
	json_kstr(j, "system_description", n->system_description);
	json_key(j, "management_addresses");
	json_array(j);
	if (n->has_mgmt_ipv4)
		json_str(j, inet_ntop(AF_INET, n->mgmt_ipv4, a, sizeof(a)));
	if (n->has_mgmt_ipv6)
		json_str(j, inet_ntop(AF_INET6, n->mgmt_ipv6, a, sizeof(a)));
	json_end(j);
	json_key(j, "port_vlan_id");
	if (n->port_vlan_id)
		json_uint(j, n->port_vlan_id);
	else
		json_null(j);
	view_mac(n->src_mac, m);
	json_kstr(j, "source_mac", m);
	json_end(j);
	return 0;
}

static void json_neighbors(struct outbuf *o, const struct vswd *d, const struct vswd_switch *only,
			   struct vsw_uplink *one)
{
	struct json j;

	open_doc(&j, o);
	for (const struct vswd_switch *s = d->switches; s; s = s->next) {
		struct vsw_switch *sw = s->sw;
		if (only && s != only)
			continue;
		json_object(&j);
		json_kstr(&j, "name", vsw_switch_name(sw));
		json_key(&j, "lldp");
		json_object(&j);
		json_kstr(&j, "mode", vswcmd_lldp_mode(vsw_switch_lldp_mode(sw)));
		json_kuint(&j, "interval", vsw_switch_lldp_interval(sw));
		json_end(&j);
		json_key(&j, "uplinks");
		json_array(&j);
		for (struct vsw_uplink *u = vsw_uplink_next(sw, NULL); u; u = vsw_uplink_next(sw, u)) {
			if (one && u != one)
				continue;
			json_object(&j);
			json_kstr(&j, "name", vsw_port_name(vsw_uplink_port(u)));
			json_key(&j, "neighbors");
			json_array(&j);
			vsw_uplink_lldp_foreach(u, neighbor, &j);
			json_end(&j);
			json_end(&j);
		}
		json_end(&j);
		json_end(&j);
	}
	json_end(&j);
	json_end(&j);
}

/* ---- mirror list ---- */

static void json_session(struct json *j, const struct vswd *d, struct vsw_mirror *m)
{
	VSW_OPTS(vsw_mirror_stats, st);
	static uint16_t v[VSW_VLAN_MAX + 1];
	unsigned int dir, vlan = 0;
	struct vsw_port *dp = vsw_mirror_dest_port(m, &vlan);

	json_object(j);
	json_kstr(j, "name", vsw_mirror_name(m));
	json_kbool(j, "enabled", vsw_mirror_enabled(m) == 1);
	json_kuint(j, "snaplen", vsw_mirror_snaplen(m));
	json_kbool(j, "capture", vswd_mirror_is_capture(d, m));
	json_key(j, "destination");
	if (dp) {
		json_object(j);
		json_kstr(j, "port", vsw_port_name(dp));
		json_key(j, "encap_vlan");
		if (vlan)
			json_uint(j, vlan);
		else
			json_null(j);
		json_end(j);
	} else {
		json_null(j);
	}
	json_key(j, "sources");
	json_array(j);
	for (struct vsw_port *p = vsw_mirror_source_next(m, NULL, &dir); p; p = vsw_mirror_source_next(m, p, &dir)) {
		int n = vsw_mirror_source_vlans(m, p, v, VSW_VLAN_MAX + 1);
		json_object(j);
		json_kstr(j, "port", vsw_port_name(p));
		json_kstr(j, "direction", cmdval_direction_word(dir));
		json_key(j, "vlans"); /* null: every VLAN */
		if (n > 0) {
			json_array(j);
			for (int i = 0; i < n; i++)
				json_uint(j, v[i]);
			json_end(j);
		} else {
			json_null(j);
		}
		json_end(j);
	}
	json_end(j);
	vsw_mirror_stats(m, &st);
	json_kuint(j, "mirrored", st.mirrored);
	json_kuint(j, "dropped", st.dropped);
	json_end(j);
}

static void json_mirrors(struct outbuf *o, const struct vswd *d, const struct vswd_switch *only)
{
	struct json j;

	open_doc(&j, o);
	for (const struct vswd_switch *s = d->switches; s; s = s->next) {
		if (only && s != only)
			continue;
		open_switch(&j, s->sw, "sessions");
		for (struct vsw_mirror *m = vsw_mirror_next(s->sw, NULL); m; m = vsw_mirror_next(s->sw, m))
			json_session(&j, d, m);
		json_end(&j);
		json_end(&j);
	}
	json_end(&j);
	json_end(&j);
}

const struct vswd_render vswd_render_json = {
	.list = json_list,
	.policy = json_policy,
	.stats = json_stats,
	.fdb = json_fdb,
	.neighbors = json_neighbors,
	.mirrors = json_mirrors,
};
