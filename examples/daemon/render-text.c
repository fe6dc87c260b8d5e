// SPDX-License-Identifier: MIT
/*
 * render-text.c - the read commands' output as text for people: list in
 * the manner of esxcfg-vswitch -l, neighbors in the manner of esxcli
 * network nic cdp neighbor get, tables for stats and fdb (see render.h).
 * Names go out as they are.
 */
#include "cmdval.h"
#include "host.h"
#include "render.h"
#include "view.h"

#include <arpa/inet.h>
#include <string.h>

/* ---- list ---- */

static void list_port(struct outbuf *o, struct vsw_port *p)
{
	struct view_vmk_iface v;
	uint8_t mac[6];
	char m[18];

	vsw_port_mac(p, mac);
	view_mac(mac, m);
	out_printf(o, "    %-4s %-22s %s %s", vsw_port_kind(p) == VSW_PORT_VMK ? "vmk" : "vnic",
		   vsw_port_name(p), m, vsw_port_link(p) ? "up" : "down");
	if (vsw_port_kind(p) == VSW_PORT_VMK) {
		unsigned int sv = vsw_vmk_services(vsw_port_to_vmk(p));
		bool first = true;
		for (unsigned int b = 1; b & VSW_VMK_SERVICES_ALL; b <<= 1)
			if (sv & b) {
				out_printf(o, "%s%s", first ? " " : ",", vsw_vmk_service_name(b));
				first = false;
			}
		if (vswd_vmk_iface_view(vsw_port_to_vmk(p), &v)) {
			out_printf(o, " netstack=%s mtu=%d", v.netstack, v.mtu);
			for (int i = 0; i < v.nips; i++)
				out_printf(o, "%s%s", i ? "," : " ip=", v.ips[i]);
			for (int i = 0; i < v.ngws; i++)
				out_printf(o, "%s%s", i ? "," : " gw=", v.gws[i]);
		}
	}
	if (vsw_port_offloads(p)) {
		char ofl[64];
		out_printf(o, " offloads=%s", vswcmd_offloads(vsw_port_offloads(p), ofl, sizeof(ofl)));
	}
	out_printf(o, " uplink=%s\n", vsw_port_current_uplink(p) ?
		   vsw_port_name(vsw_uplink_port(vsw_port_current_uplink(p))) : "-");
}

/* Each uplink's beacon state and LLDP neighbors, where there are any. */
static int lldp_brief(const struct vsw_lldp_neighbor *n, void *user)
{
	out_printf(user, " lldp=%s/%s", n->system_name ? n->system_name : n->chassis_id_text, n->port_id_text);
	return 0;
}

static void list_uplink_states(struct outbuf *o, struct vsw_switch *sw)
{
	for (struct vsw_uplink *u = vsw_uplink_next(sw, NULL); u; u = vsw_uplink_next(sw, u)) {
		enum vsw_beacon_state b = vsw_uplink_beacon_state(u);
		size_t at = o->len;
		out_printf(o, "\n%-20s %s:", "", vsw_port_name(vsw_uplink_port(u)));
		size_t mark = o->len;
		if (b != VSW_BEACON_OFF)
			out_printf(o, " beacon=%s", view_beacon_word(b));
		vsw_uplink_lldp_foreach(u, lldp_brief, o);
		if (o->len == mark && o->p) {
			o->len = at; /* nothing to say */
			o->p[at] = 0;
		}
	}
}

/* A line of the uplinks' offloads, when one of them takes any. */
static void list_uplink_offloads(struct outbuf *o, struct vsw_switch *sw)
{
	struct vsw_uplink *u;
	char ofl[64];

	for (u = vsw_uplink_next(sw, NULL); u; u = vsw_uplink_next(sw, u))
		if (vsw_port_offloads(vsw_uplink_port(u)))
			break;
	if (!u)
		return;
	out_printf(o, "\n%-20s offloads", "");
	for (u = vsw_uplink_next(sw, NULL); u; u = vsw_uplink_next(sw, u))
		out_printf(o, " %s=%s", vsw_port_name(vsw_uplink_port(u)),
			   vswcmd_offloads(vsw_port_offloads(vsw_uplink_port(u)), ofl, sizeof(ofl)));
}

/* A port group's line: its uplinks, "active / standby". */
static void list_portgroup(struct outbuf *o, struct vsw_portgroup *pg)
{
	struct vsw_uplink *u;

	out_printf(o, "  %-24s %-8u %-11u ", vsw_portgroup_name(pg), vsw_portgroup_vlan(pg),
		   vsw_portgroup_port_count(pg));
	for (unsigned int i = 0; (u = vsw_portgroup_teaming_uplink(pg, VSW_UPLINK_ACTIVE, i)); i++)
		out_printf(o, "%s%s", i ? "," : "", vsw_port_name(vsw_uplink_port(u)));
	for (unsigned int i = 0; (u = vsw_portgroup_teaming_uplink(pg, VSW_UPLINK_STANDBY, i)); i++)
		out_printf(o, "%s%s", i ? "," : " / ", vsw_port_name(vsw_uplink_port(u)));
	out_printf(o, "\n");
	for (struct vsw_port *p = vsw_portgroup_port_next(pg, NULL); p; p = vsw_portgroup_port_next(pg, p))
		list_port(o, p);
}

static void list_switch(struct outbuf *o, const struct vswd_switch *s, bool first)
{
	struct vsw_switch *sw = s->sw;
	int n = 0;

	out_printf(o, "%s%-20s %-11s %-5s %-9s %s\n", first ? "" : "\n", "Switch Name", "Used Ports",
		   "MTU", "Max MACs", "Uplinks");
	out_printf(o, "%-20s %-11u %-5u %-9u %s", vsw_switch_name(sw), view_port_count(sw),
		   vsw_switch_mtu(sw), s->max_macs, vsw_uplink_next(sw, NULL) ? "" : "-");
	for (struct vsw_uplink *u = vsw_uplink_next(sw, NULL); u; u = vsw_uplink_next(sw, u), n++) {
		const char *st = view_uplink_state(u);
		out_printf(o, "%s%s", n ? "," : "", vsw_port_name(vsw_uplink_port(u)));
		if (strcmp(st, "up"))
			out_printf(o, "(%s)", st);
	}
	list_uplink_offloads(o, sw);
	list_uplink_states(o, sw);
	if (view_any_probes(sw))
		out_printf(o, "\n%-20s beacon probing every %u ms", "", vsw_switch_beacon_interval(sw));
	out_printf(o, "\n\n  %-24s %-8s %-11s %s\n", "PortGroup Name", "VLAN ID", "Used Ports", "Uplinks");
	for (struct vsw_portgroup *pg = vsw_portgroup_next(sw, NULL); pg; pg = vsw_portgroup_next(sw, pg))
		list_portgroup(o, pg);
}

static void text_list(struct outbuf *o, const struct vswd *d)
{
	for (const struct vswd_switch *s = d->switches; s; s = s->next)
		list_switch(o, s, s == d->switches);
}

/* ---- policy get ---- */

static void text_policy(struct outbuf *o, struct vsw_switch *sw, struct vsw_portgroup *pg)
{
	struct view_team t;
	char v[32];

	for (int k = 0; vsw_policy_name(k); k++) {
		uint64_t val;
		int inh = 0;
		if (pg)
			vsw_portgroup_policy_get(pg, k, &val, &inh);
		else
			vsw_switch_policy_get(sw, k, &val);
		const char *s = vswcmd_policy_value(k, val, v, sizeof(v));
		if (pg)
			out_printf(o, "%-20s %-14s %s\n", vsw_policy_name(k), s, inh ? "(inherited)" : "(set here)");
		else
			out_printf(o, "%-20s %s\n", vsw_policy_name(k), s);
	}
	view_team(sw, pg, &t);
	out_printf(o, "%-20s", "active");
	for (unsigned int i = 0; i < t.na; i++)
		out_printf(o, "%s%s", i ? "," : " ", t.act[i]);
	out_printf(o, "%s\n%-20s", pg ? (t.inherited ? "  (inherited)" : "  (set here)") : "", "standby");
	for (unsigned int i = 0; i < t.ns; i++)
		out_printf(o, "%s%s", i ? "," : " ", t.stb[i]);
	out_printf(o, "\n");
}

/* ---- stats, fdb ---- */

static void text_stats(struct outbuf *o, const struct vswd *d, const struct vswd_switch *only,
		       struct vsw_port *one, bool all)
{
	bool first = true;

	for (const struct vswd_switch *s = d->switches; s; s = s->next) {
		if (only && s != only)
			continue;
		out_printf(o, "%s== %s\n", first ? "" : "\n", vsw_switch_name(s->sw));
		first = false;
		for (struct vsw_port *p = vsw_port_next(s->sw, NULL); p; p = vsw_port_next(s->sw, p)) {
			if (one && p != one)
				continue;
			int shown = 0;
			out_printf(o, "%s:\n", vsw_port_name(p));
			for (int c = 0; vsw_counter_name(c); c++) {
				uint64_t v = vsw_port_counter(p, c);
				if (!v && !all)
					continue;
				out_printf(o, "  %-20s %llu\n", vsw_counter_name(c), (unsigned long long)v);
				shown++;
			}
			if (!shown)
				out_printf(o, "  (every counter 0)\n");
		}
	}
}

static int fdb_line(const struct vsw_fdb_entry_info *e, void *user)
{
	char m[18], vlan[8];

	view_mac(e->mac, m);
	snprintf(vlan, sizeof(vlan), "%u", e->vlan);
	out_printf(user, "%-6s %-18s %-24s %-8s %u\n", e->vlan == 4095 ? "trunk" : vlan, m,
		   vsw_port_name(e->port), e->learned ? "learned" : "static", e->age_sec);
	return 0;
}

static void text_fdb(struct outbuf *o, const struct vswd *d, const struct vswd_switch *only)
{
	bool first = true;

	for (const struct vswd_switch *s = d->switches; s; s = s->next) {
		if (only && s != only)
			continue;
		out_printf(o, "%s== %s\n%-6s %-18s %-24s %-8s %s\n", first ? "" : "\n",
			   vsw_switch_name(s->sw), "VLAN", "MAC", "Port", "Type", "Age");
		first = false;
		vsw_switch_fdb_foreach(s->sw, fdb_line, o);
	}
}

/* ---- uplink neighbors ---- */

struct nb_ctx {
	struct outbuf *o;
	unsigned int n;
};

static int neighbor(const struct vsw_lldp_neighbor *n, void *user)
{
	struct nb_ctx *x = user;
	struct outbuf *o = x->o;
	char a[INET6_ADDRSTRLEN], m[18];

	if (x->n++)
		out_printf(o, "\n");
	out_printf(o, "   Chassis ID: %s (%s)\n", n->chassis_id_text,
		   view_lldp_subtype(n->chassis_id_subtype, true));
	out_printf(o, "   Port ID: %s (%s)\n", n->port_id_text, view_lldp_subtype(n->port_id_subtype, false));
	out_printf(o, "   Time to Live: %u (expires in %u)\n", n->ttl, n->expires_sec);
	if (n->port_description)
		out_printf(o, "   Port Description: %s\n", n->port_description);
	if (n->system_name)
		out_printf(o, "   System Name: %s\n", n->system_name);
	if (n->system_description)
		out_printf(o, "   System Description: %s\n", n->system_description);
	if (n->has_mgmt_ipv4)
		out_printf(o, "   Management Address: %s\n", inet_ntop(AF_INET, n->mgmt_ipv4, a, sizeof(a)));
	if (n->has_mgmt_ipv6)
		out_printf(o, "   Management Address: %s\n", inet_ntop(AF_INET6, n->mgmt_ipv6, a, sizeof(a)));
	if (n->port_vlan_id)
		out_printf(o, "   Port VLAN ID: %u\n", n->port_vlan_id);
	view_mac(n->src_mac, m);
	out_printf(o, "   Source MAC: %s\n", m);
	return 0;
}

static void text_neighbors(struct outbuf *o, const struct vswd *d, const struct vswd_switch *only,
			   struct vsw_uplink *one)
{
	bool first = true;

	for (const struct vswd_switch *s = d->switches; s; s = s->next) {
		struct vsw_switch *sw = s->sw;
		enum vsw_lldp_mode mode = vsw_switch_lldp_mode(sw);

		if (only && s != only)
			continue;
		for (struct vsw_uplink *u = vsw_uplink_next(sw, NULL); u; u = vsw_uplink_next(sw, u)) {
			struct nb_ctx x = { o, 0 };
			if (one && u != one)
				continue;
			out_printf(o, "%s%s %s (LLDP %s", first ? "" : "\n", vsw_switch_name(sw),
				   vsw_port_name(vsw_uplink_port(u)), vswcmd_lldp_mode(mode));
			if (mode & VSW_LLDP_ADVERTISE)
				out_printf(o, ", every %u s", vsw_switch_lldp_interval(sw));
			out_printf(o, ")\n");
			vsw_uplink_lldp_foreach(u, neighbor, &x);
			if (!x.n)
				out_printf(o, "   %s\n", mode & VSW_LLDP_LISTEN ? "no LLDP neighbor" : "not listening");
			first = false;
		}
	}
}

/* ---- mirror list ---- */

static void text_mirrors(struct outbuf *o, const struct vswd *d, const struct vswd_switch *only)
{
	bool first = true;

	for (const struct vswd_switch *s = d->switches; s; s = s->next) {
		if (only && s != only)
			continue;
		out_printf(o, "%s== %s\n%-20s %-7s %-7s %-24s %-12s %s\n", first ? "" : "\n",
			   vsw_switch_name(s->sw), "Session", "Enabled", "Snaplen", "Destination", "Mirrored",
			   "Dropped");
		first = false;
		for (struct vsw_mirror *m = vsw_mirror_next(s->sw, NULL); m; m = vsw_mirror_next(s->sw, m)) {
			VSW_OPTS(vsw_mirror_stats, st);
			unsigned int dir, vlan = 0;
			struct vsw_port *dp = vsw_mirror_dest_port(m, &vlan);
			char dest[VSW_NAME_MAX + 16], v[256];
			if (dp && vlan)
				snprintf(dest, sizeof(dest), "%s:vlan=%u", vsw_port_name(dp), vlan);
			else
				snprintf(dest, sizeof(dest), "%s", dp ? vsw_port_name(dp) :
					 vswd_mirror_is_capture(d, m) ? "(capture)" : "-");
			vsw_mirror_stats(m, &st);
			out_printf(o, "%-20s %-7s %-7u %-24s %-12llu %llu\n", vsw_mirror_name(m),
				   vsw_mirror_enabled(m) == 1 ? "yes" : "no", vsw_mirror_snaplen(m), dest,
				   (unsigned long long)st.mirrored, (unsigned long long)st.dropped);
			for (struct vsw_port *p = vsw_mirror_source_next(m, NULL, &dir); p;
			     p = vsw_mirror_source_next(m, p, &dir))
				out_printf(o, "    source %s %s vlans=%s\n", vsw_port_name(p), cmdval_direction_word(dir),
					   *vswd_mirror_vlans(m, p, v, sizeof(v)) ? v : "all");
		}
	}
}

const struct vswd_render vswd_render_text = {
	.list = text_list,
	.policy = text_policy,
	.stats = text_stats,
	.fdb = text_fdb,
	.neighbors = text_neighbors,
	.mirrors = text_mirrors,
};
