// SPDX-License-Identifier: MIT
/*
 * exec.c - running vswctl commands against the daemon's switches, and the
 * read commands' output: esxcfg-vswitch-like text, or JSON.
 */
#include "exec.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ERR(...) do { snprintf(err, errlen, __VA_ARGS__); return -1; } while (0)

/* ---- output ---- */

void out_printf(struct outbuf *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		size_t room = o->cap - o->len;
		va_start(ap, fmt);
		n = vsnprintf(o->p ? o->p + o->len : NULL, o->p ? room : 0, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if (o->p && (size_t)n < room) {
			o->len += (size_t)n;
			return;
		}
		size_t cap = o->cap ? o->cap * 2 : 4096;
		while (cap < o->len + (size_t)n + 1)
			cap *= 2;
		char *p = realloc(o->p, cap);
		if (!p)
			return;
		o->p = p;
		o->cap = cap;
	}
}

void out_json_str(struct outbuf *o, const char *s)
{
	out_printf(o, "\"");
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			out_printf(o, "\\%c", c);
		else if (c < 0x20)
			out_printf(o, "\\u%04x", c);
		else
			out_printf(o, "%c", c);
	}
	out_printf(o, "\"");
}

void out_free(struct outbuf *o)
{
	free(o->p);
	o->p = NULL;
	o->len = o->cap = 0;
}

static void mac_str(const uint8_t m[6], char *s)
{
	sprintf(s, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

/* ---- lookups, each failing with a line that names the word ---- */

static struct vswd_switch *find_switch(struct vswd *d, const char *name)
{
	for (struct vswd_switch *s = d->switches; s; s = s->next)
		if (!strcmp(vsw_switch_name(s->sw), name))
			return s;
	return NULL;
}

#define NEED_SWITCH(var, name) \
	struct vswd_switch *var = find_switch(d, name); \
	if (!var) ERR("unknown vswitch '%s'", name)

static int need_port(struct vsw_switch *sw, const char *name, enum vsw_port_kind kind,
		     struct vsw_port **p, char *err, size_t errlen)
{
	static const char *const kinds[] = { "", "uplink", "vNIC", "VMkernel port" };

	if (vsw_port_find(sw, name, p) || vsw_port_kind(*p) != kind)
		ERR("unknown %s '%s'", kinds[kind], name);
	return 0;
}

static const char *why(int e)
{
	switch (-e) {
	case EEXIST: return "exists";
	case EADDRINUSE: return "MAC address in use on that VLAN";
	case EBUSY: return "in use";
	default: return strerror(-e);
	}
}

/* ---- vswitches ---- */

/* --lldp-interval, then --lldp, so that an advertising switch announces
 * the new interval once. */
static int vswitch_lldp(struct vsw_switch *sw, const struct vswcmd *c)
{
	int e = c->has_lldp_interval ? vsw_switch_set_lldp_interval(sw, c->lldp_interval) : 0;

	if (!e && c->has_lldp)
		e = vsw_switch_set_lldp_mode(sw, (enum vsw_lldp_mode)c->lldp);
	return e;
}

static int vswitch_cmd(struct vswd *d, const struct vswcmd *c, char *err, size_t errlen)
{
	struct vswd_switch *s = find_switch(d, c->pos[0]);
	int e;

	switch (c->verb) {
	case VERB_ADD: {
		VSW_OPTS(vsw_switch_opts, o, .mtu = c->has_mtu ? c->mtu : 0,
			 .max_macs = c->has_max_macs ? c->max_macs : 0);
		struct vsw_switch *sw;
		if (s)
			ERR("vswitch '%s' exists", c->pos[0]);
		e = vsw_switch_new(c->pos[0], &o, &sw);
		if (e)
			ERR("vswitch '%s': %s", c->pos[0], why(e));
		if (c->has_beacon_interval && (e = vsw_switch_set_beacon_interval(sw, c->beacon_interval))) {
			vsw_switch_free(sw);
			ERR("beacon interval %u: %s", c->beacon_interval, why(e));
		}
		if (d->log)
			vsw_switch_set_log(sw, d->log, VSW_LOG_INFO, d->user);
		if ((e = vswitch_lldp(sw, c)) < 0) {
			vsw_switch_free(sw);
			ERR("vswitch '%s': LLDP: %s", c->pos[0], why(e));
		}
		if (d->added && (e = d->added(d, sw)) < 0) {
			vsw_switch_free(sw);
			ERR("vswitch '%s': %s", c->pos[0], strerror(-e));
		}
		s = calloc(1, sizeof(*s));
		if (!s) {
			if (d->removing)
				d->removing(d, sw);
			vsw_switch_free(sw);
			ERR("out of memory");
		}
		s->sw = sw;
		s->max_macs = c->has_max_macs ? c->max_macs : VSWD_DEFAULT_MAX_MACS;
		/* keep the order of creation */
		struct vswd_switch **pp = &d->switches;
		while (*pp)
			pp = &(*pp)->next;
		*pp = s;
		return 0;
	}
	case VERB_REMOVE: {
		if (!s)
			ERR("unknown vswitch '%s'", c->pos[0]);
		for (struct vswd_switch **pp = &d->switches; *pp; pp = &(*pp)->next)
			if (*pp == s) {
				*pp = s->next;
				break;
			}
		if (d->removing)
			d->removing(d, s->sw);
		vsw_switch_free(s->sw);
		free(s);
		return 0;
	}
	default:
		if (!s)
			ERR("unknown vswitch '%s'", c->pos[0]);
		/* the grammar checked every range: these calls do not fail */
		e = c->has_mtu ? vsw_switch_set_mtu(s->sw, c->mtu) : 0;
		if (e)
			ERR("MTU %u: %s", c->mtu, why(e));
		e = c->has_beacon_interval ? vsw_switch_set_beacon_interval(s->sw, c->beacon_interval) : 0;
		if (e)
			ERR("beacon interval %u: %s", c->beacon_interval, why(e));
		e = vswitch_lldp(s->sw, c);
		if (e)
			ERR("LLDP: %s", why(e));
		return 0;
	}
}

/* ---- port groups ---- */

static int portgroup_cmd(struct vswd *d, const struct vswcmd *c, char *err, size_t errlen)
{
	NEED_SWITCH(s, c->pos[0]);
	struct vsw_portgroup *pg = NULL;
	int e;

	if (c->verb == VERB_ADD) {
		e = vsw_portgroup_add(s->sw, c->pos[1], c->has_vlan ? c->vlan : 0, 0, NULL);
		if (e == -EEXIST)
			ERR("port group '%s' exists on %s", c->pos[1], c->pos[0]);
		if (e)
			ERR("port group '%s': %s", c->pos[1], why(e));
		return 0;
	}
	if (vsw_portgroup_find(s->sw, c->pos[1], &pg))
		ERR("unknown port group '%s'", c->pos[1]);
	if (c->verb == VERB_REMOVE) {
		e = vsw_portgroup_remove(pg);
		if (e == -EBUSY)
			ERR("port group '%s' still has %u port(s)", c->pos[1], vsw_portgroup_port_count(pg));
		return e ? (snprintf(err, errlen, "%s", why(e)), -1) : 0;
	}
	e = vsw_portgroup_set_vlan(pg, c->vlan);
	if (e)
		ERR("VLAN %u: %s", c->vlan, why(e));
	return 0;
}

/* ---- ports ---- */

/* Options for a backend: the user's, plus mac= for a tap given a MAC. */
static void backend_options(const struct vswcmd *c, char *buf, size_t len)
{
	char m[18];

	snprintf(buf, len, "%s", c->options ? c->options : "");
	if (c->has_mac && !strncmp(c->backend, "tap:", 4)) {
		mac_str(c->mac, m);
		snprintf(buf + strlen(buf), len - strlen(buf), "%smac=%s", *buf ? "," : "", m);
	}
}

/* A MAC for a port added without one: the VMware OUI and a name hash. */
void vswd_default_mac(const char *sw, const char *name, unsigned int salt, uint8_t mac[6])
{
	uint32_t h = 2166136261u ^ salt;

	for (const char *p = sw; *p; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	for (const char *p = name; *p; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	mac[0] = 0x00;
	mac[1] = 0x50;
	mac[2] = 0x56;
	mac[3] = (uint8_t)(h >> 16) & 0x3f;
	mac[4] = (uint8_t)(h >> 8);
	mac[5] = (uint8_t)h;
}

static int port_add(struct vswd *d, const struct vswcmd *c, char *err, size_t errlen)
{
	NEED_SWITCH(s, c->pos[0]);
	bool vmk = c->obj == OBJ_VMK;
	struct vsw_portgroup *pg;
	struct vsw_backend *be = NULL;
	struct vsw_port *port;
	uint8_t mac[6];
	char opts[512];
	int e;

	if (vsw_portgroup_find(s->sw, c->pos[1], &pg))
		ERR("unknown port group '%s'", c->pos[1]);
	if (!vsw_port_find(s->sw, c->pos[2], &port))
		ERR("port '%s' exists on %s", c->pos[2], c->pos[0]);
	if (vmk && c->has_services && vswd_ft_check(d, NULL, c->services, err, errlen))
		return -1;
	if (c->backend && d->backend_ok && !d->backend_ok(c->backend))
		ERR("backend '%s' not allowed here", c->backend);
	if (c->backend) {
		backend_options(c, opts, sizeof(opts));
		e = vsw_backend_open(c->backend, *opts ? opts : NULL, &be);
		if (e)
			ERR("backend '%s': %s", c->backend, e == -ENOENT ? "no such backend type, device or file" : strerror(-e));
	}
	if (c->has_mac)
		memcpy(mac, c->mac, 6);
	else if (!be || vsw_backend_mac(be, mac) < 0)
		vswd_default_mac(c->pos[0], c->pos[2], 0, mac);
	for (unsigned int salt = 1;; salt++) {
		if (vmk) {
			struct vsw_vmk *k;
			e = vsw_vmk_add(pg, c->pos[2], mac, c->has_services ? c->services : 0, 0, &k);
			port = e ? NULL : vsw_vmk_port(k);
		} else {
			struct vsw_vnic *v;
			e = vsw_vnic_add(pg, c->pos[2], mac, 0, &v);
			port = e ? NULL : vsw_vnic_port(v);
		}
		/* a generated MAC that happens to clash: try another */
		if (e != -EADDRINUSE || c->has_mac || (be && vsw_backend_mac(be, mac) == 0) || salt > 16)
			break;
		vswd_default_mac(c->pos[0], c->pos[2], salt, mac);
	}
	if (e) {
		char m[18];
		vsw_backend_close(be);
		mac_str(mac, m);
		if (e == -EADDRINUSE)
			ERR("MAC address '%s' is in use on VLAN %u", m, vsw_portgroup_vlan(pg));
		ERR("%s '%s': %s", vmk ? "vmk" : "vnic", c->pos[2], why(e));
	}
	if (be && (e = vsw_port_attach_backend(port, be)) < 0) {
		vsw_backend_close(be);
		if (vmk)
			vsw_vmk_remove(vsw_port_to_vmk(port));
		else
			vsw_vnic_remove(vsw_port_to_vnic(port));
		ERR("backend '%s': %s", c->backend, strerror(-e));
	}
	if (vmk && vswd_vmk_iface(d, vsw_port_to_vmk(port), c, err, errlen) < 0) {
		vsw_vmk_remove(vsw_port_to_vmk(port)); /* all or nothing */
		return -1;
	}
	return 0;
}

static int port_cmd(struct vswd *d, const struct vswcmd *c, char *err, size_t errlen)
{
	static const enum vsw_port_kind kinds[] = {
		[OBJ_UPLINK] = VSW_PORT_UPLINK, [OBJ_VNIC] = VSW_PORT_VNIC, [OBJ_VMK] = VSW_PORT_VMK,
	};
	NEED_SWITCH(s, c->pos[0]);
	const char *name = c->pos[c->verb == VERB_ADD && c->obj != OBJ_UPLINK ? 2 : 1];
	struct vsw_port *p;
	int e;

	if (c->verb == VERB_ADD && c->obj != OBJ_UPLINK)
		return port_add(d, c, err, errlen);
	if (c->verb == VERB_ADD) {
		struct vsw_uplink *u;
		if (d->backend_ok && !d->backend_ok(c->backend))
			ERR("backend '%s' not allowed here", c->backend);
		e = vsw_uplink_add(s->sw, name, 0, &u);
		if (e == -EEXIST)
			ERR("port '%s' exists on %s", name, c->pos[0]);
		if (e)
			ERR("uplink '%s': %s", name, why(e));
		e = vsw_port_attach(vsw_uplink_port(u), c->backend, c->options);
		if (e) {
			vsw_uplink_remove(u);
			ERR("backend '%s': %s", c->backend, e == -ENOENT ? "no such backend type, device or file" : strerror(-e));
		}
		return 0;
	}
	if (need_port(s->sw, name, kinds[c->obj], &p, err, errlen))
		return -1;
	if (c->verb == VERB_REMOVE) {
		switch (c->obj) {
		case OBJ_UPLINK: e = vsw_uplink_remove(vsw_port_to_uplink(p)); break;
		case OBJ_VNIC: e = vsw_vnic_remove(vsw_port_to_vnic(p)); break;
		default: e = vsw_vmk_remove(vsw_port_to_vmk(p)); break;
		}
		return e ? (snprintf(err, errlen, "%s: %s", name, why(e)), -1) : 0;
	}
	if (c->obj == OBJ_VMK)
		return vswd_vmk_set(d, vsw_port_to_vmk(p), c, err, errlen);
	/* set: check everything, then change */
	if (c->has_mac) {
		char m[18];
		e = vsw_vnic_set_mac(vsw_port_to_vnic(p), c->mac);
		mac_str(c->mac, m);
		if (e)
			ERR("MAC address '%s': %s", m, why(e));
	}
	if (c->has_link)
		vsw_port_set_link(p, c->link);
	return 0;
}

/* ---- policies ---- */

struct saved_team {
	int inherited;
	const char *act[VSWCMD_MAX_TEAM], *stb[VSWCMD_MAX_TEAM];
	unsigned int na, ns;
};

static void team_save(struct vsw_switch *sw, struct vsw_portgroup *pg, struct saved_team *t)
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

static int team_apply(struct vsw_switch *sw, struct vsw_portgroup *pg, const char *const *act,
		      unsigned int na, const char *const *stb, unsigned int ns)
{
	return pg ? vsw_portgroup_set_teaming(pg, act, na, stb, ns)
		  : vsw_switch_set_teaming(sw, act, na, stb, ns);
}

static void team_restore(struct vsw_switch *sw, struct vsw_portgroup *pg, const struct saved_team *t)
{
	if (pg && t->inherited)
		vsw_portgroup_clear_teaming(pg);
	else if (t->na)
		team_apply(sw, pg, t->act, t->na, t->stb, t->ns);
}

static int policy_set(struct vsw_switch *sw, struct vsw_portgroup *pg, const struct vswcmd *c,
		      char *err, size_t errlen)
{
	uint64_t old[VSWCMD_MAX_KV];
	int inh[VSWCMD_MAX_KV], e = 0, i;
	struct saved_team team;

	team_save(sw, pg, &team);
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
	if (!e && (c->nactive || c->nstandby)) {
		const char *const *act = c->nactive > 0 ? c->active : team.act;
		unsigned int na = c->nactive > 0 ? (unsigned int)c->nactive : team.na;
		e = team_apply(sw, pg, act, na, c->standby, (unsigned int)c->nstandby);
		if (e) {
			/* name the uplink that is not there */
			struct vsw_uplink *u;
			int na_given = c->nactive > 0 ? c->nactive : 0;
			for (int j = 0; j < na_given + c->nstandby; j++) {
				const char *n = j < na_given ? c->active[j] : c->standby[j - na_given];
				if (vsw_uplink_find(sw, n, &u)) {
					snprintf(err, errlen, "unknown uplink '%s'", n);
					break;
				}
			}
			if (!*err)
				snprintf(err, errlen, "teaming order: %s", e == -EINVAL ?
					 "an uplink is named twice" : strerror(-e));
		}
		i = c->nkv;
	}
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

static void print_policy(struct vsw_switch *sw, struct vsw_portgroup *pg, bool json, struct outbuf *o)
{
	char v[32];
	struct saved_team t;

	if (json)
		out_printf(o, "{\"vswitch\": ");
	if (json)
		out_json_str(o, vsw_switch_name(sw));
	if (json && pg) {
		out_printf(o, ", \"portgroup\": ");
		out_json_str(o, vsw_portgroup_name(pg));
	}
	if (json)
		out_printf(o, ", \"policies\": {");
	for (int k = 0; vsw_policy_name(k); k++) {
		uint64_t val;
		int inh = 0;
		if (pg)
			vsw_portgroup_policy_get(pg, k, &val, &inh);
		else
			vsw_switch_policy_get(sw, k, &val);
		const char *s = vswcmd_policy_value(k, val, v, sizeof(v));
		if (json)
			out_printf(o, "%s\"%s\": {\"value\": \"%s\", \"inherited\": %s}", k ? ", " : "",
				   vsw_policy_name(k), s, inh ? "true" : "false");
		else
			if (pg)
				out_printf(o, "%-20s %-14s %s\n", vsw_policy_name(k), s,
					   inh ? "(inherited)" : "(set here)");
			else
				out_printf(o, "%-20s %s\n", vsw_policy_name(k), s);
	}
	team_save(sw, pg, &t);
	if (json) {
		out_printf(o, "}, \"teaming\": {\"inherited\": %s, \"active\": [", t.inherited ? "true" : "false");
		for (unsigned int i = 0; i < t.na; i++) {
			out_printf(o, "%s", i ? ", " : "");
			out_json_str(o, t.act[i]);
		}
		out_printf(o, "], \"standby\": [");
		for (unsigned int i = 0; i < t.ns; i++) {
			out_printf(o, "%s", i ? ", " : "");
			out_json_str(o, t.stb[i]);
		}
		out_printf(o, "]}}\n");
		return;
	}
	out_printf(o, "%-20s", "active");
	for (unsigned int i = 0; i < t.na; i++)
		out_printf(o, "%s%s", i ? "," : " ", t.act[i]);
	out_printf(o, "%s\n%-20s", pg ? (t.inherited ? "  (inherited)" : "  (set here)") : "", "standby");
	for (unsigned int i = 0; i < t.ns; i++)
		out_printf(o, "%s%s", i ? "," : " ", t.stb[i]);
	out_printf(o, "\n");
}

static int policy_cmd(struct vswd *d, const struct vswcmd *c, struct outbuf *o, char *err, size_t errlen)
{
	NEED_SWITCH(s, c->pos[0]);
	struct vsw_portgroup *pg = NULL;

	if (c->npos == 2 && vsw_portgroup_find(s->sw, c->pos[1], &pg))
		ERR("unknown port group '%s'", c->pos[1]);
	switch (c->verb) {
	case VERB_GET:
		print_policy(s->sw, pg, c->json, o);
		return 0;
	case VERB_SET:
		return policy_set(s->sw, pg, c, err, errlen);
	default:
		for (int i = 0; i < c->nclear; i++) {
			int k = c->clear_keys[i];
			if (k == KEY_ACTIVE || k == KEY_STANDBY)
				vsw_portgroup_clear_teaming(pg);
			else
				vsw_portgroup_policy_clear(pg, k);
		}
		return 0;
	}
}

/* ---- read commands ---- */

static unsigned int count_ports(struct vsw_switch *sw)
{
	unsigned int n = 0;

	for (struct vsw_port *p = vsw_port_next(sw, NULL); p; p = vsw_port_next(sw, p))
		n++;
	return n;
}

/* An uplink's state in a word: link status first, then beacon probing. */
static const char *uplink_state(struct vsw_uplink *u)
{
	if (!vsw_port_link(vsw_uplink_port(u)))
		return "down";
	switch (vsw_uplink_beacon_state(u)) {
	case VSW_BEACON_FAILED: return "beacon-failed";
	case VSW_BEACON_INCONCLUSIVE: return "beacon-inconclusive";
	default: return "up";
	}
}

static const char *beacon_word(enum vsw_beacon_state s)
{
	static const char *const w[] = { "off", "alone", "ok", "inconclusive", "failed" };

	return (unsigned int)s < sizeof(w) / sizeof(w[0]) ? w[s] : "unknown";
}

/* Whether a port group probes with beacons, and the VLAN its beacons use. */
static bool probes(struct vsw_portgroup *pg, unsigned int *vid)
{
	uint64_t v = 0;

	vsw_portgroup_policy_get(pg, VSW_POL_FAILURE_DETECTION, &v, NULL);
	*vid = vsw_portgroup_vlan(pg) == VSW_VLAN_TRUNK ? 0 : vsw_portgroup_vlan(pg);
	return v == VSW_DETECT_BEACON;
}

/* JSON: the uplink's beacon state on each VLAN the switch probes. */
static void json_beacon_vlans(struct vsw_switch *sw, struct vsw_uplink *u, struct outbuf *o)
{
	uint8_t seen[4096 / 8] = { 0 };
	unsigned int vid;
	bool first = true;

	out_printf(o, ", \"beacon_vlans\": {");
	for (struct vsw_portgroup *pg = vsw_portgroup_next(sw, NULL); pg; pg = vsw_portgroup_next(sw, pg)) {
		enum vsw_beacon_state s;
		if (!probes(pg, &vid) || (seen[vid / 8] & (1u << (vid % 8))))
			continue;
		seen[vid / 8] |= (uint8_t)(1u << (vid % 8));
		s = vsw_uplink_beacon_vlan_state(u, vid);
		if (s == VSW_BEACON_OFF)
			continue;
		out_printf(o, "%s\"%u\": \"%s\"", first ? "" : ", ", vid, beacon_word(s));
		first = false;
	}
	out_printf(o, "}");
}

static bool any_probes(struct vsw_switch *sw)
{
	unsigned int vid;

	for (struct vsw_portgroup *pg = vsw_portgroup_next(sw, NULL); pg; pg = vsw_portgroup_next(sw, pg))
		if (probes(pg, &vid))
			return true;
	return false;
}

static void list_cmd(struct vswd *d, bool json, struct outbuf *o)
{
	if (json)
		out_printf(o, "{\"vswitches\": [");
	for (struct vswd_switch *s = d->switches; s; s = s->next) {
		struct vsw_switch *sw = s->sw;
		struct vsw_uplink *u;
		int n = 0;

		if (json) {
			out_printf(o, "%s{\"name\": ", s == d->switches ? "" : ", ");
			out_json_str(o, vsw_switch_name(sw));
			out_printf(o, ", \"used_ports\": %u, \"mtu\": %u, \"max_macs\": %u, "
				   "\"beacon_interval_ms\": %u, \"uplinks\": [", count_ports(sw),
				   vsw_switch_mtu(sw), s->max_macs, vsw_switch_beacon_interval(sw));
		} else {
			out_printf(o, "%s%-20s %-11s %-5s %-9s %s\n", s == d->switches ? "" : "\n",
				   "Switch Name", "Used Ports", "MTU", "Max MACs", "Uplinks");
			out_printf(o, "%-20s %-11u %-5u %-9u %s", vsw_switch_name(sw), count_ports(sw),
				   vsw_switch_mtu(sw), s->max_macs, vsw_uplink_next(sw, NULL) ? "" : "-");
		}
		for (u = vsw_uplink_next(sw, NULL); u; u = vsw_uplink_next(sw, u), n++) {
			struct vsw_port *p = vsw_uplink_port(u);
			const char *st = uplink_state(u);
			if (json) {
				out_printf(o, "%s{\"name\": ", n ? ", " : "");
				out_json_str(o, vsw_port_name(p));
				out_printf(o, ", \"link\": \"%s\", \"state\": \"%s\", \"beacon\": \"%s\"",
					   vsw_port_link(p) ? "up" : "down", st,
					   beacon_word(vsw_uplink_beacon_state(u)));
				json_beacon_vlans(sw, u, o);
				out_printf(o, "}");
			} else {
				out_printf(o, "%s%s", n ? "," : "", vsw_port_name(p));
				if (strcmp(st, "up"))
					out_printf(o, "(%s)", st);
			}
		}
		if (!json && any_probes(sw))
			out_printf(o, "\n%-20s beacon probing every %u ms", "", vsw_switch_beacon_interval(sw));
		if (json)
			out_printf(o, "], \"portgroups\": [");
		else
			out_printf(o, "\n\n  %-24s %-8s %-11s %s\n", "PortGroup Name", "VLAN ID", "Used Ports",
				   "Uplinks");
		for (struct vsw_portgroup *pg = vsw_portgroup_next(sw, NULL); pg; pg = vsw_portgroup_next(sw, pg)) {
			if (json) {
				out_printf(o, "%s{\"name\": ", pg == vsw_portgroup_next(sw, NULL) ? "" : ", ");
				out_json_str(o, vsw_portgroup_name(pg));
				out_printf(o, ", \"vlan\": %u, \"used_ports\": %u, \"active\": [",
					   vsw_portgroup_vlan(pg), vsw_portgroup_port_count(pg));
			} else {
				out_printf(o, "  %-24s %-8u %-11u ", vsw_portgroup_name(pg), vsw_portgroup_vlan(pg),
					   vsw_portgroup_port_count(pg));
			}
			for (unsigned int r = VSW_UPLINK_ACTIVE; r <= VSW_UPLINK_STANDBY; r++) {
				if (json && r == VSW_UPLINK_STANDBY)
					out_printf(o, "], \"standby\": [");
				if (!json && r == VSW_UPLINK_STANDBY && !vsw_portgroup_teaming_uplink(pg, r, 0))
					break;
				if (!json && r == VSW_UPLINK_STANDBY)
					out_printf(o, " / ");
				for (unsigned int i = 0; (u = vsw_portgroup_teaming_uplink(pg, r, i)); i++) {
					out_printf(o, "%s", i ? (json ? ", " : ",") : "");
					if (json)
						out_json_str(o, vsw_port_name(vsw_uplink_port(u)));
					else
						out_printf(o, "%s", vsw_port_name(vsw_uplink_port(u)));
				}
			}
			if (json) {
				out_printf(o, "], \"ports\": [");
				for (struct vsw_port *p = vsw_portgroup_port_next(pg, NULL); p;
				     p = vsw_portgroup_port_next(pg, p)) {
					char m[18];
					uint8_t mac[6];
					vsw_port_mac(p, mac);
					mac_str(mac, m);
					out_printf(o, "%s{\"name\": ", p == vsw_portgroup_port_next(pg, NULL) ? "" : ", ");
					out_json_str(o, vsw_port_name(p));
					out_printf(o, ", \"kind\": \"%s\", \"mac\": \"%s\", \"link\": \"%s\"",
						   vsw_port_kind(p) == VSW_PORT_VMK ? "vmk" : "vnic", m,
						   vsw_port_link(p) ? "up" : "down");
					if (vsw_port_kind(p) == VSW_PORT_VMK) {
						unsigned int sv = vsw_vmk_services(vsw_port_to_vmk(p));
						int first = 1;
						out_printf(o, ", \"services\": [");
						for (unsigned int b = 1; b & VSW_VMK_SERVICES_ALL; b <<= 1)
							if (sv & b) {
								out_printf(o, "%s\"%s\"", first ? "" : ", ", vsw_vmk_service_name(b));
								first = 0;
							}
						out_printf(o, "]");
						vswd_vmk_describe(vsw_port_to_vmk(p), true, o);
					}
					out_printf(o, "}");
				}
				out_printf(o, "]}");
			} else {
				out_printf(o, "\n");
				for (struct vsw_port *p = vsw_portgroup_port_next(pg, NULL); p;
				     p = vsw_portgroup_port_next(pg, p)) {
					char m[18];
					uint8_t mac[6];
					vsw_port_mac(p, mac);
					mac_str(mac, m);
					out_printf(o, "    %-4s %-22s %s %s", vsw_port_kind(p) == VSW_PORT_VMK ? "vmk" : "vnic",
						   vsw_port_name(p), m, vsw_port_link(p) ? "up" : "down");
					if (vsw_port_kind(p) == VSW_PORT_VMK) {
						unsigned int sv = vsw_vmk_services(vsw_port_to_vmk(p));
						int first = 1;
						for (unsigned int b = 1; b & VSW_VMK_SERVICES_ALL; b <<= 1)
							if (sv & b) {
								out_printf(o, "%s%s", first ? " " : ",", vsw_vmk_service_name(b));
								first = 0;
							}
						vswd_vmk_describe(vsw_port_to_vmk(p), false, o);
					}
					out_printf(o, "\n");
				}
			}
		}
		if (json)
			out_printf(o, "]}");
	}
	if (json)
		out_printf(o, "]}\n");
}

static void stats_port(struct vsw_port *p, bool json, bool first, struct outbuf *o)
{
	if (json) {
		out_printf(o, "%s{\"port\": ", first ? "" : ", ");
		out_json_str(o, vsw_port_name(p));
		out_printf(o, ", \"counters\": {");
		for (int c = 0; vsw_counter_name(c); c++)
			out_printf(o, "%s\"%s\": %llu", c ? ", " : "", vsw_counter_name(c),
				   (unsigned long long)vsw_port_counter(p, c));
		out_printf(o, "}}");
		return;
	}
	out_printf(o, "%s:\n", vsw_port_name(p));
	for (int c = 0; vsw_counter_name(c); c++)
		out_printf(o, "  %-20s %llu\n", vsw_counter_name(c), (unsigned long long)vsw_port_counter(p, c));
}

static int stats_cmd(struct vswd *d, const struct vswcmd *c, struct outbuf *o, char *err, size_t errlen)
{
	bool first = true;

	if (c->json)
		out_printf(o, "{\"vswitches\": [");
	for (struct vswd_switch *s = d->switches; s; s = s->next) {
		struct vsw_port *one = NULL;
		if (c->npos >= 1 && strcmp(vsw_switch_name(s->sw), c->pos[0]))
			continue;
		if (c->npos == 2 && vsw_port_find(s->sw, c->pos[1], &one))
			ERR("unknown port '%s'", c->pos[1]);
		if (c->json) {
			out_printf(o, "%s{\"name\": ", first ? "" : ", ");
			out_json_str(o, vsw_switch_name(s->sw));
			out_printf(o, ", \"ports\": [");
		} else {
			out_printf(o, "%s== %s\n", first ? "" : "\n", vsw_switch_name(s->sw));
		}
		first = false;
		bool pfirst = true;
		for (struct vsw_port *p = vsw_port_next(s->sw, NULL); p; p = vsw_port_next(s->sw, p))
			if (!one || p == one) {
				stats_port(p, c->json, pfirst, o);
				pfirst = false;
			}
		if (c->json)
			out_printf(o, "]}");
	}
	if (c->npos >= 1 && first)
		ERR("unknown vswitch '%s'", c->pos[0]);
	if (c->json)
		out_printf(o, "]}\n");
	return 0;
}

struct fdb_ctx {
	struct outbuf *o;
	bool json, first;
};

static int fdb_line(const struct vsw_fdb_entry_info *e, void *user)
{
	struct fdb_ctx *x = user;
	char m[18];

	mac_str(e->mac, m);
	if (x->json) {
		out_printf(x->o, "%s{\"vlan\": %u, \"mac\": \"%s\", \"port\": ", x->first ? "" : ", ", e->vlan, m);
		out_json_str(x->o, vsw_port_name(e->port));
		out_printf(x->o, ", \"type\": \"%s\", \"age\": %u}", e->learned ? "learned" : "static", e->age_sec);
	} else {
		char vlan[8];
		snprintf(vlan, sizeof(vlan), "%u", e->vlan);
		out_printf(x->o, "%-6s %-18s %-24s %-8s %u\n", e->vlan == 4095 ? "trunk" : vlan,
			   m, vsw_port_name(e->port), e->learned ? "learned" : "static", e->age_sec);
	}
	x->first = false;
	return 0;
}

static int fdb_cmd(struct vswd *d, const struct vswcmd *c, struct outbuf *o, char *err, size_t errlen)
{
	bool first = true;

	if (c->json)
		out_printf(o, "{\"vswitches\": [");
	for (struct vswd_switch *s = d->switches; s; s = s->next) {
		struct fdb_ctx x = { o, c->json, true };
		if (c->npos == 1 && strcmp(vsw_switch_name(s->sw), c->pos[0]))
			continue;
		if (c->json) {
			out_printf(o, "%s{\"name\": ", first ? "" : ", ");
			out_json_str(o, vsw_switch_name(s->sw));
			out_printf(o, ", \"entries\": [");
		} else {
			out_printf(o, "%s== %s\n%-6s %-18s %-24s %-8s %s\n", first ? "" : "\n",
				   vsw_switch_name(s->sw), "VLAN", "MAC", "Port", "Type", "Age");
		}
		first = false;
		vsw_switch_fdb_foreach(s->sw, fdb_line, &x);
		if (c->json)
			out_printf(o, "]}");
	}
	if (c->npos == 1 && first)
		ERR("unknown vswitch '%s'", c->pos[0]);
	if (c->json)
		out_printf(o, "]}\n");
	return 0;
}

int vswd_exec(struct vswd *d, const struct vswcmd *c, struct outbuf *out, char *err, size_t errlen)
{
	*err = 0;
	switch (c->obj) {
	case OBJ_VSWITCH:
		return vswitch_cmd(d, c, err, errlen);
	case OBJ_PORTGROUP:
		return portgroup_cmd(d, c, err, errlen);
	case OBJ_UPLINK:
		if (c->verb == VERB_NEIGHBORS)
			return vswd_neighbors(d, c, out, err, errlen);
		/* fall through */
	case OBJ_VNIC:
	case OBJ_VMK:
		return port_cmd(d, c, err, errlen);
	case OBJ_POLICY:
		return policy_cmd(d, c, out, err, errlen);
	case OBJ_LIST:
		list_cmd(d, c->json, out);
		return 0;
	case OBJ_STATS:
		return stats_cmd(d, c, out, err, errlen);
	case OBJ_FDB:
		return fdb_cmd(d, c, out, err, errlen);
	case OBJ_VDE:
		if (!d->vde)
			ERR("VDE ports are not available here");
		return d->vde(d, c, err, errlen);
	case OBJ_NETSTACK:
		return vswd_netstack_cmd(d, c, err, errlen);
	}
	ERR("unknown command");
}

void vswd_clear(struct vswd *d)
{
	while (d->switches) {
		struct vswd_switch *s = d->switches;
		d->switches = s->next;
		if (d->removing)
			d->removing(d, s->sw);
		vsw_switch_free(s->sw);
		free(s);
	}
}
