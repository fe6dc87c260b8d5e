// SPDX-License-Identifier: MIT
/*
 * neighbors.c - "vswctl uplink neighbors": what each uplink hears over LLDP
 * (vsw_uplink_lldp_foreach), as blocks of "Key: Value" lines in the manner
 * of ESXi's esxcli network nic cdp neighbor get, or as JSON. The library
 * hands text fields over escaped to printable ASCII, so they go out as they
 * are (JSON-quoted in JSON).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "exec.h"

#define ERR(...) do { snprintf(err, errlen, __VA_ARGS__); return -1; } while (0)

/* 802.1AB's names of the chassis ID and port ID subtypes. */
static const char *subtype_name(unsigned int st, bool chassis)
{
	static const char *const ch[] = { NULL, "chassis component", "interface alias",
		"port component", "MAC address", "network address", "interface name", "local" };
	static const char *const po[] = { NULL, "interface alias", "port component", "MAC address",
		"network address", "interface name", "agent circuit ID", "local" };

	return st >= 1 && st <= 7 ? (chassis ? ch : po)[st] : "reserved subtype";
}

struct nb_ctx {
	struct outbuf *o;
	bool json;
	unsigned int n;
};

static void mac_text(const uint8_t m[6], char *s)
{
	sprintf(s, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

static void json_opt_str(struct outbuf *o, const char *key, const char *s)
{
	out_printf(o, ", \"%s\": ", key);
	if (s)
		out_json_str(o, s);
	else
		out_printf(o, "null");
}

static int neighbor_json(const struct vsw_lldp_neighbor *n, struct nb_ctx *x)
{
	struct outbuf *o = x->o;
	char a4[INET_ADDRSTRLEN], a6[INET6_ADDRSTRLEN], m[18];

	out_printf(o, "%s{\"chassis_id\": ", x->n ? ", " : "");
	out_json_str(o, n->chassis_id_text);
	out_printf(o, ", \"chassis_id_subtype\": %u, \"chassis_id_type\": \"%s\", \"port_id\": ",
		   n->chassis_id_subtype, subtype_name(n->chassis_id_subtype, true));
	out_json_str(o, n->port_id_text);
	out_printf(o, ", \"port_id_subtype\": %u, \"port_id_type\": \"%s\", \"ttl\": %u, \"expires\": %u",
		   n->port_id_subtype, subtype_name(n->port_id_subtype, false), n->ttl, n->expires_sec);
	json_opt_str(o, "port_description", n->port_description);
	json_opt_str(o, "system_name", n->system_name);
	json_opt_str(o, "system_description", n->system_description);
	out_printf(o, ", \"management_addresses\": [");
	if (n->has_mgmt_ipv4)
		out_printf(o, "\"%s\"", inet_ntop(AF_INET, n->mgmt_ipv4, a4, sizeof(a4)));
	if (n->has_mgmt_ipv6)
		out_printf(o, "%s\"%s\"", n->has_mgmt_ipv4 ? ", " : "",
			   inet_ntop(AF_INET6, n->mgmt_ipv6, a6, sizeof(a6)));
	mac_text(n->src_mac, m);
	out_printf(o, "], \"port_vlan_id\": ");
	out_printf(o, n->port_vlan_id ? "%u" : "null", n->port_vlan_id);
	out_printf(o, ", \"source_mac\": \"%s\"}", m);
	return 0;
}

static int neighbor_line(const struct vsw_lldp_neighbor *n, void *user)
{
	struct nb_ctx *x = user;
	struct outbuf *o = x->o;
	char a[INET6_ADDRSTRLEN], m[18];

	if (x->json) {
		neighbor_json(n, x);
		x->n++;
		return 0;
	}
	if (x->n++)
		out_printf(o, "\n");
	out_printf(o, "   Chassis ID: %s (%s)\n", n->chassis_id_text,
		   subtype_name(n->chassis_id_subtype, true));
	out_printf(o, "   Port ID: %s (%s)\n", n->port_id_text, subtype_name(n->port_id_subtype, false));
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
	mac_text(n->src_mac, m);
	out_printf(o, "   Source MAC: %s\n", m);
	return 0;
}

static void one_uplink(struct vsw_switch *sw, struct vsw_uplink *u, bool json, bool first,
		       struct outbuf *o)
{
	enum vsw_lldp_mode mode = vsw_switch_lldp_mode(sw);
	struct nb_ctx x = { o, json, 0 };

	if (json) {
		out_printf(o, "%s{\"name\": ", first ? "" : ", ");
		out_json_str(o, vsw_port_name(vsw_uplink_port(u)));
		out_printf(o, ", \"neighbors\": [");
		vsw_uplink_lldp_foreach(u, neighbor_line, &x);
		out_printf(o, "]}");
		return;
	}
	out_printf(o, "%s%s %s (LLDP %s", first ? "" : "\n", vsw_switch_name(sw),
		   vsw_port_name(vsw_uplink_port(u)), vswcmd_lldp_mode(mode));
	if (mode & VSW_LLDP_ADVERTISE)
		out_printf(o, ", every %u s", vsw_switch_lldp_interval(sw));
	out_printf(o, ")\n");
	vsw_uplink_lldp_foreach(u, neighbor_line, &x);
	if (!x.n)
		out_printf(o, "   %s\n", mode & VSW_LLDP_LISTEN ? "no LLDP neighbor" : "not listening");
}

int vswd_neighbors(struct vswd *d, const struct vswcmd *c, struct outbuf *o, char *err,
		   size_t errlen)
{
	struct vsw_uplink *one = NULL;
	bool first = true, found = false;

	for (struct vswd_switch *s = d->switches; s; s = s->next) {
		if (c->npos >= 1 && strcmp(vsw_switch_name(s->sw), c->pos[0]))
			continue;
		found = true;
		if (c->npos == 2 && vsw_uplink_find(s->sw, c->pos[1], &one))
			ERR("unknown uplink '%s'", c->pos[1]);
	}
	if (c->npos >= 1 && !found)
		ERR("unknown vswitch '%s'", c->pos[0]);
	if (c->json)
		out_printf(o, "{\"vswitches\": [");
	for (struct vswd_switch *s = d->switches; s; s = s->next) {
		struct vsw_switch *sw = s->sw;
		bool ufirst = true;

		if (c->npos >= 1 && strcmp(vsw_switch_name(sw), c->pos[0]))
			continue;
		if (c->json) {
			out_printf(o, "%s{\"name\": ", first ? "" : ", ");
			out_json_str(o, vsw_switch_name(sw));
			out_printf(o, ", \"lldp\": {\"mode\": \"%s\", \"interval\": %u}, \"uplinks\": [",
				   vswcmd_lldp_mode(vsw_switch_lldp_mode(sw)), vsw_switch_lldp_interval(sw));
		}
		for (struct vsw_uplink *u = vsw_uplink_next(sw, NULL); u; u = vsw_uplink_next(sw, u)) {
			if (one && u != one)
				continue;
			one_uplink(sw, u, c->json, c->json ? ufirst : first, o);
			ufirst = first = false;
		}
		if (c->json) {
			out_printf(o, "]}");
			first = false; /* JSON separates switches; text, uplinks only */
		}
	}
	if (c->json)
		out_printf(o, "]}\n");
	return 0;
}
