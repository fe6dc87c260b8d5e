// SPDX-License-Identifier: MIT
/*
 * dump.c - the running configuration as commands (dump.h). Everything is
 * written out explicitly (MACs, MTUs, every switch policy), so that
 * running the dump on an empty daemon builds the same switches whatever
 * the defaults of the version that reads it. Ports without a record (VDE
 * clients' ports) are not configuration and are left out.
 */
#include "cmdval.h"
#include "dump.h"
#include "view.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* One entry's text, built word by word and joined with vswcmd_join()'s
 * quoting, so that any name reads back as it was. */
struct line {
	char *w[VSWCMD_MAX_WORDS];
	char store[VSWCMD_MAX_WORDS][VSWCMD_MAX_LINE / 8];
	int n;
	struct outbuf text;
};

static void word(struct line *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void word(struct line *l, const char *fmt, ...)
{
	va_list ap;

	if (l->n == VSWCMD_MAX_WORDS)
		return;
	va_start(ap, fmt);
	vsnprintf(l->store[l->n], sizeof(l->store[0]), fmt, ap);
	va_end(ap);
	l->w[l->n] = l->store[l->n];
	l->n++;
}

/* End the command being built: it goes into the entry's text. */
static void end_line(struct line *l)
{
	char buf[VSWCMD_MAX_LINE + 1];

	if (l->n && !vswcmd_join(l->n, l->w, buf, sizeof(buf)))
		out_printf(&l->text, "%s\n", buf);
	l->n = 0;
}

static void add_entry(struct dump *dump, enum dump_kind kind, const char *sw, const char *name,
		      struct line *l)
{
	struct outbuf key = { 0 };
	struct dump_entry *e;

	end_line(l);
	if (dump->n == dump->cap) {
		int cap = dump->cap ? dump->cap * 2 : 32;
		struct dump_entry *m = realloc(dump->e, sizeof(*m) * (size_t)cap);
		if (!m)
			goto oom;
		dump->e = m;
		dump->cap = cap;
	}
	/* the unit separator cannot be in a name a command gives */
	out_printf(&key, "%d\x1f%s\x1f%s", (int)kind, sw, name);
	out_write(&key, "", 1);
	out_write(&l->text, "", 1);
	if (!key.p || !l->text.p)
		goto oom;
	e = &dump->e[dump->n++];
	e->kind = kind;
	e->key = key.p;
	e->text = l->text.p;
	l->text = (struct outbuf){ 0 };
	return;
oom:
	dump->oom = true;
	out_free(&key);
	out_free(&l->text);
}

static void dump_switch(struct vswd_switch *s, struct line *l, struct dump *dump)
{
	const char *name = vsw_switch_name(s->sw);

	word(l, "vswitch");
	word(l, "add");
	word(l, "%s", name);
	word(l, "--mtu");
	word(l, "%u", vsw_switch_mtu(s->sw));
	word(l, "--max-macs");
	word(l, "%u", s->max_macs);
	word(l, "--beacon-interval");
	word(l, "%u", vsw_switch_beacon_interval(s->sw));
	word(l, "--lldp");
	word(l, "%s", vswcmd_lldp_mode(vsw_switch_lldp_mode(s->sw)));
	word(l, "--lldp-interval");
	word(l, "%u", vsw_switch_lldp_interval(s->sw));
	add_entry(dump, DK_VSWITCH, name, "", l);
}

static void team_words(struct line *l, const struct view_team *t)
{
	char buf[VSWCMD_MAX_LINE / 8];
	size_t k;

	for (int which = 0; which < 2; which++) {
		const char *const *names = which ? t->stb : t->act;
		unsigned int n = which ? t->ns : t->na;
		k = (size_t)snprintf(buf, sizeof(buf), "%s=", which ? "standby" : "active");
		for (unsigned int i = 0; i < n && k < sizeof(buf); i++)
			k += (size_t)snprintf(buf + k, sizeof(buf) - k, "%s%s", i ? "," : "", names[i]);
		word(l, "%s", buf);
	}
}

/* A switch's policy: every key, so that a reload can set them all; the
 * teaming order once there are uplinks to name. A port group's: what it
 * overrides. */
static void dump_policy(struct vsw_switch *sw, struct vsw_portgroup *pg, struct line *l,
			struct dump *dump)
{
	struct view_team t;
	int keys = 0;

	word(l, "policy");
	word(l, "set");
	word(l, "%s", vsw_switch_name(sw));
	if (pg)
		word(l, "%s", vsw_portgroup_name(pg));
	for (int k = 0; k < VSW_POL_COUNT; k++) {
		char buf[32];
		uint64_t v;
		int inh = 0;
		if (pg ? vsw_portgroup_policy_get(pg, k, &v, &inh) : vsw_switch_policy_get(sw, k, &v))
			continue;
		if (inh)
			continue;
		word(l, "%s=%s", vswcmd_policy_key(k), vswcmd_policy_value(k, v, buf, sizeof(buf)));
		keys++;
	}
	view_team(sw, pg, &t);
	if (pg ? !t.inherited : vsw_uplink_next(sw, NULL) != NULL) {
		team_words(l, &t);
		keys++;
	}
	if (!keys)
		l->n = 0;
	add_entry(dump, DK_POLICY, vsw_switch_name(sw), pg ? vsw_portgroup_name(pg) : "", l);
}

static void backend_words(struct line *l, const struct vswd_port_rec *r)
{
	if (r->backend) {
		word(l, "--backend");
		word(l, "%s", r->backend);
	}
	if (r->options && *r->options) {
		word(l, "--options");
		word(l, "%s", r->options);
	}
	if (r->has_offloads) {
		char buf[64];
		word(l, "--offloads");
		word(l, "%s", vswcmd_offloads(r->offloads, buf, sizeof(buf)));
	}
}

static void iface_words(struct line *l, const struct vswd_port_rec *r)
{
	if (!r->iface)
		return;
	if (r->netstack) {
		word(l, "--netstack");
		word(l, "%s", r->netstack);
	}
	if (r->has_mtu) {
		word(l, "--mtu");
		word(l, "%u", r->mtu);
	}
	/* "none" keeps an interface that has no address (and is not made
	 * for a --netstack alone) */
	if (r->ips || (!r->netstack && !r->has_mtu && !r->gateways)) {
		word(l, "--ip");
		word(l, "%s", r->ips && *r->ips ? r->ips : "none");
	}
	if (r->gateways && *r->gateways) {
		word(l, "--gateway");
		word(l, "%s", r->gateways);
	}
}

static void dump_port(struct vsw_port *p, const struct vswd_port_rec *r, struct line *l,
		      struct dump *dump)
{
	static const char *const obj[] = { "", "uplink", "vnic", "vmk" };
	enum vsw_port_kind kind = vsw_port_kind(p);
	const char *sw = vsw_switch_name(vsw_port_switch(p));
	char m[18];

	word(l, "%s", obj[kind]);
	word(l, "add");
	word(l, "%s", sw);
	if (kind != VSW_PORT_UPLINK)
		word(l, "%s", vsw_portgroup_name(vsw_port_portgroup(p)));
	word(l, "%s", r->name);
	if (kind != VSW_PORT_UPLINK) {
		uint8_t mac[6];
		if (!vsw_port_mac(p, mac)) {
			view_mac(mac, m);
			word(l, "--mac");
			word(l, "%s", m);
		}
	}
	if (kind == VSW_PORT_VMK) {
		char buf[256];
		unsigned int sv = vsw_vmk_services(vsw_port_to_vmk(p));
		size_t k = 0;
		buf[0] = 0;
		for (unsigned int b = 1; b & VSW_VMK_SERVICES_ALL; b <<= 1)
			if (sv & b)
				k += (size_t)snprintf(buf + k, sizeof(buf) - k, "%s%s", k ? "," : "",
						      vsw_vmk_service_name(b));
		word(l, "--services");
		word(l, "%s", k ? buf : "none");
		iface_words(l, r);
	}
	backend_words(l, r);
	end_line(l);
	if (r->link_down) {
		word(l, "%s", obj[kind]);
		word(l, "set");
		word(l, "%s", sw);
		word(l, "%s", r->name);
		word(l, "--link");
		word(l, "down");
	}
	add_entry(dump, kind == VSW_PORT_UPLINK ? DK_UPLINK : kind == VSW_PORT_VNIC ? DK_VNIC : DK_VMK,
		  sw, r->name, l);
}

/* The ports of one kind, in the switch's order. */
static void dump_ports(struct vswd *d, struct vsw_switch *sw, enum vsw_port_kind kind,
		       struct line *l, struct dump *dump)
{
	for (struct vsw_port *p = vsw_port_next(sw, NULL); p; p = vsw_port_next(sw, p)) {
		const struct vswd_port_rec *r;
		if (vsw_port_kind(p) == kind && (r = record_port(d, sw, vsw_port_name(p))))
			dump_port(p, r, l, dump);
	}
}

/* A session: its add line, its destination and one line per source. A
 * port without a record (a VDE client's) is not configuration: left out.
 * The sessions of running captures are not either. */
static void dump_mirror(struct vswd *d, struct vsw_switch *sw, struct vsw_mirror *m, struct line *l,
			struct dump *dump)
{
	const char *swn = vsw_switch_name(sw), *name = vsw_mirror_name(m);
	unsigned int vlan = 0, dir;
	struct vsw_port *p = vsw_mirror_dest_port(m, &vlan);
	char v[VSWCMD_MAX_LINE / 8 - VSW_NAME_MAX - 32];

	word(l, "mirror");
	word(l, "add");
	word(l, "%s", swn);
	word(l, "%s", name);
	word(l, "--snaplen");
	word(l, "%u", vsw_mirror_snaplen(m));
	if (vsw_mirror_enabled(m) != 1)
		word(l, "--disabled");
	end_line(l);
	if (p && record_port(d, sw, vsw_port_name(p))) {
		word(l, "mirror");
		word(l, "set");
		word(l, "%s", swn);
		word(l, "%s", name);
		if (vlan)
			word(l, "dest=%s:vlan=%u", vsw_port_name(p), vlan);
		else
			word(l, "dest=%s", vsw_port_name(p));
		end_line(l);
	}
	for (p = vsw_mirror_source_next(m, NULL, &dir); p; p = vsw_mirror_source_next(m, p, &dir)) {
		if (!record_port(d, sw, vsw_port_name(p)))
			continue;
		word(l, "mirror");
		word(l, "set");
		word(l, "%s", swn);
		word(l, "%s", name);
		if (*vswd_mirror_vlans(m, p, v, sizeof(v)))
			word(l, "source=%s:%s:vlans=%s", vsw_port_name(p), cmdval_direction_word(dir), v);
		else
			word(l, "source=%s:%s", vsw_port_name(p), cmdval_direction_word(dir));
		end_line(l);
	}
	add_entry(dump, DK_MIRROR, swn, name, l);
}

int dump_make(struct vswd *d, struct dump *dump)
{
	struct line *l = calloc(1, sizeof(*l));

	if (!l)
		return -ENOMEM;
	for (int i = 0; i < d->nstacks; i++) {
		word(l, "netstack");
		word(l, "add");
		word(l, "%s", d->stacks[i]);
		add_entry(dump, DK_NETSTACK, "", d->stacks[i], l);
	}
	for (struct vswd_switch *s = d->switches; s; s = s->next) {
		struct vsw_portgroup *pg;
		dump_switch(s, l, dump);
		for (pg = vsw_portgroup_next(s->sw, NULL); pg; pg = vsw_portgroup_next(s->sw, pg)) {
			word(l, "portgroup");
			word(l, "add");
			word(l, "%s", vsw_switch_name(s->sw));
			word(l, "%s", vsw_portgroup_name(pg));
			word(l, "--vlan");
			word(l, "%u", vsw_portgroup_vlan(pg));
			add_entry(dump, DK_PORTGROUP, vsw_switch_name(s->sw), vsw_portgroup_name(pg), l);
		}
		dump_ports(d, s->sw, VSW_PORT_UPLINK, l, dump);
		dump_policy(s->sw, NULL, l, dump);
		for (pg = vsw_portgroup_next(s->sw, NULL); pg; pg = vsw_portgroup_next(s->sw, pg))
			dump_policy(s->sw, pg, l, dump);
		dump_ports(d, s->sw, VSW_PORT_VNIC, l, dump);
		dump_ports(d, s->sw, VSW_PORT_VMK, l, dump);
		for (struct vswd_vde_rec *v = d->vdes; v; v = v->next) {
			if (v->sw != s->sw)
				continue;
			word(l, "vde");
			word(l, "add");
			word(l, "%s", vsw_switch_name(s->sw));
			word(l, "%s", v->pg);
			word(l, "%s", v->dir);
			add_entry(dump, DK_VDE, vsw_switch_name(s->sw), v->dir, l);
		}
		for (struct vsw_mirror *m = vsw_mirror_next(s->sw, NULL); m; m = vsw_mirror_next(s->sw, m))
			if (!vswd_mirror_is_capture(d, m))
				dump_mirror(d, s->sw, m, l, dump);
	}
	free(l);
	return dump->oom ? -ENOMEM : 0;
}

void dump_free(struct dump *dump)
{
	for (int i = 0; i < dump->n; i++) {
		free(dump->e[i].key);
		free(dump->e[i].text);
	}
	free(dump->e);
	*dump = (struct dump){ 0 };
}

const struct dump_entry *dump_find(const struct dump *dump, const char *key)
{
	for (int i = 0; i < dump->n; i++)
		if (!strcmp(dump->e[i].key, key))
			return &dump->e[i];
	return NULL;
}

void dump_text(const struct dump *dump, struct outbuf *o)
{
	out_printf(o, "# vswd running configuration (vswd.conf(5)), libvsw %s\n", vsw_version());
	for (int i = 0; i < dump->n; i++) {
		if (dump->e[i].kind == DK_VSWITCH)
			out_printf(o, "\n");
		out_printf(o, "%s", dump->e[i].text);
	}
}
