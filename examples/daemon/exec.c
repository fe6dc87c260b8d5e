// SPDX-License-Identifier: MIT
/*
 * exec.c - running a parsed vswctl command against the daemon's switches:
 * switches and port groups here, ports in port.c, policies in policy.c,
 * the host's objects in host.c. A read command is checked here and its
 * output left to a renderer (render.h), text or JSON.
 */
#include "exec.h"
#include "dump.h"
#include "host.h"
#include "render.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ERR(...) do { snprintf(err, errlen, __VA_ARGS__); return -1; } while (0)

/* ---- lookups ---- */

struct vswd_switch *vswd_find_switch(struct vswd *d, const char *name)
{
	for (struct vswd_switch *s = d->switches; s; s = s->next)
		if (!strcmp(vsw_switch_name(s->sw), name))
			return s;
	return NULL;
}

#define NEED_SWITCH(var, name) \
	struct vswd_switch *var = vswd_find_switch(d, name); \
	if (!var) ERR("unknown vswitch '%s'", name)

const char *vswd_why(int e)
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
	struct vswd_switch *s = vswd_find_switch(d, c->pos[0]);
	int e;

	switch (c->verb) {
	case VERB_ADD: {
		VSW_OPTS(vsw_switch_opts, o, .mtu = c->has_mtu ? c->mtu : 0,
			 .max_macs = c->has_max_macs ? c->max_macs : 0);
		struct vsw_switch *sw;
		if (s && c->may_exist)
			return 0; /* left as it is, whatever its options */
		if (s)
			ERR("vswitch '%s' exists", c->pos[0]);
		e = vsw_switch_new(c->pos[0], &o, &sw);
		if (e)
			ERR("vswitch '%s': %s", c->pos[0], vswd_why(e));
		if (c->has_beacon_interval && (e = vsw_switch_set_beacon_interval(sw, c->beacon_interval))) {
			vsw_switch_free(sw);
			ERR("beacon interval %u: %s", c->beacon_interval, vswd_why(e));
		}
		if (d->log)
			vsw_switch_set_log(sw, d->log, VSW_LOG_INFO, d->user);
		if ((e = vswitch_lldp(sw, c)) < 0) {
			vsw_switch_free(sw);
			ERR("vswitch '%s': LLDP: %s", c->pos[0], vswd_why(e));
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
		if (!s && c->if_exists)
			return 0;
		if (!s)
			ERR("unknown vswitch '%s'", c->pos[0]);
		for (struct vswd_switch **pp = &d->switches; *pp; pp = &(*pp)->next)
			if (*pp == s) {
				*pp = s->next;
				break;
			}
		if (d->persist)
			for (struct vsw_port *p = vsw_port_next(s->sw, NULL); p; p = vsw_port_next(s->sw, p))
				vswd_port_forget(p);
		if (d->removing)
			d->removing(d, s->sw);
		record_switch_remove(d, s->sw);
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
			ERR("MTU %u: %s", c->mtu, vswd_why(e));
		e = c->has_beacon_interval ? vsw_switch_set_beacon_interval(s->sw, c->beacon_interval) : 0;
		if (e)
			ERR("beacon interval %u: %s", c->beacon_interval, vswd_why(e));
		e = vswitch_lldp(s->sw, c);
		if (e)
			ERR("LLDP: %s", vswd_why(e));
		return 0;
	}
}

/* ---- port groups ---- */

static int portgroup_cmd(struct vswd *d, const struct vswcmd *c, char *err, size_t errlen)
{
	struct vsw_portgroup *pg = NULL;
	int e;

	if (c->if_exists && !vswd_find_switch(d, c->pos[0]))
		return 0;
	NEED_SWITCH(s, c->pos[0]);
	if (c->verb == VERB_ADD) {
		if (c->may_exist && !vsw_portgroup_find(s->sw, c->pos[1], &pg))
			return 0; /* left as it is, whatever its VLAN */
		e = vsw_portgroup_add(s->sw, c->pos[1], c->has_vlan ? c->vlan : 0, 0, NULL);
		if (e == -EEXIST)
			ERR("port group '%s' exists on %s", c->pos[1], c->pos[0]);
		if (e)
			ERR("port group '%s': %s", c->pos[1], vswd_why(e));
		return 0;
	}
	if (vsw_portgroup_find(s->sw, c->pos[1], &pg)) {
		if (c->if_exists)
			return 0;
		ERR("unknown port group '%s'", c->pos[1]);
	}
	if (c->verb == VERB_REMOVE) {
		e = vsw_portgroup_remove(pg);
		if (e == -EBUSY)
			ERR("port group '%s' still has %u port(s)", c->pos[1], vsw_portgroup_port_count(pg));
		return e ? (snprintf(err, errlen, "%s", vswd_why(e)), -1) : 0;
	}
	e = vsw_portgroup_set_vlan(pg, c->vlan);
	if (e)
		ERR("VLAN %u: %s", c->vlan, vswd_why(e));
	return 0;
}

/* ---- read commands ---- */

/* Checks what a read command names; the renderer shows it. */
static int read_cmd(struct vswd *d, const struct vswcmd *c, struct outbuf *o, char *err, size_t errlen)
{
	const struct vswd_render *r = c->json ? &vswd_render_json : &vswd_render_text;
	struct vswd_switch *s = NULL;
	struct vsw_portgroup *pg = NULL;
	struct vsw_port *port = NULL;
	struct vsw_uplink *u = NULL;

	if (c->npos >= 1 && !(s = vswd_find_switch(d, c->pos[0])))
		ERR("unknown vswitch '%s'", c->pos[0]);
	switch (c->obj) {
	case OBJ_LIST:
		r->list(o, d);
		return 0;
	case OBJ_POLICY:
		if (c->npos == 2 && vsw_portgroup_find(s->sw, c->pos[1], &pg))
			ERR("unknown port group '%s'", c->pos[1]);
		r->policy(o, s->sw, pg);
		return 0;
	case OBJ_STATS:
		if (c->npos == 2 && vsw_port_find(s->sw, c->pos[1], &port))
			ERR("unknown port '%s'", c->pos[1]);
		if (c->verb == VERB_CLEAR) {
			for (struct vsw_port *p = vsw_port_next(s->sw, NULL); p; p = vsw_port_next(s->sw, p))
				if (!port || p == port)
					vsw_port_clear_counters(p);
			return 0;
		}
		r->stats(o, d, s, port, c->all);
		return 0;
	case OBJ_FDB:
		if (c->verb == VERB_FLUSH) {
			int e = vsw_switch_fdb_flush(s->sw);
			if (e < 0)
				ERR("fdb flush %s: %s", c->pos[0], vswd_why(e));
			return 0;
		}
		r->fdb(o, d, s);
		return 0;
	case OBJ_MIRROR:
		r->mirrors(o, d, s);
		return 0;
	default: /* uplink neighbors */
		if (c->npos == 2 && vsw_uplink_find(s->sw, c->pos[1], &u))
			ERR("unknown uplink '%s'", c->pos[1]);
		r->neighbors(o, d, s, u);
		return 0;
	}
}

/* VDE directories are the daemon's (d->vde); a dry run only records them. */
static int vde_cmd(struct vswd *d, const struct vswcmd *c, char *err, size_t errlen)
{
	NEED_SWITCH(s, c->pos[0]);
	struct vsw_portgroup *pg;

	if (!d->vde && !d->dry)
		ERR("VDE ports are not available here");
	if (d->dry && c->verb == VERB_ADD && vsw_portgroup_find(s->sw, c->pos[1], &pg))
		ERR("unknown port group '%s'", c->pos[1]);
	if (!d->dry && d->vde(d, c, err, errlen) < 0)
		return -1;
	if (record_vde(d, s->sw, c) < 0)
		ERR("out of memory");
	return 0;
}

/* Whether 'c' edits a switch's definition: on a proxy of a distributed
 * switch, the cluster's to change. */
static bool definition_edit(const struct vswcmd *c)
{
	switch (c->obj) {
	case OBJ_VSWITCH:
		return c->verb == VERB_SET || c->verb == VERB_REMOVE;
	case OBJ_PORTGROUP:
		return true;
	case OBJ_POLICY:
		return c->verb == VERB_SET || c->verb == VERB_CLEAR;
	case OBJ_UPLINK:
		return c->verb == VERB_ADD || c->verb == VERB_REMOVE;
	default:
		return false;
	}
}

int vswd_exec(struct vswd *d, const struct vswcmd *c, struct outbuf *out, char *err, size_t errlen)
{
	*err = 0;
	if (d->managed && c->npos && definition_edit(c) && d->managed(d, c->pos[0]))
		ERR("managed by the distributed switch %s; use vswctl vds ...", c->pos[0]);
	switch (c->obj) {
	case OBJ_VSWITCH:
		return vswitch_cmd(d, c, err, errlen);
	case OBJ_PORTGROUP:
		return portgroup_cmd(d, c, err, errlen);
	case OBJ_UPLINK:
		if (c->verb == VERB_NEIGHBORS)
			return read_cmd(d, c, out, err, errlen);
		/* fall through */
	case OBJ_VNIC:
	case OBJ_VMK:
		return vswd_port_cmd(d, c, err, errlen);
	case OBJ_POLICY:
		if (c->verb == VERB_GET)
			return read_cmd(d, c, out, err, errlen);
		return vswd_policy_cmd(d, c, err, errlen);
	case OBJ_LIST:
	case OBJ_STATS:
	case OBJ_FDB:
		return read_cmd(d, c, out, err, errlen);
	case OBJ_VDE:
		return vde_cmd(d, c, err, errlen);
	case OBJ_NETSTACK:
		return vswd_netstack_cmd(d, c, err, errlen);
	case OBJ_MIRROR:
		if (c->verb == VERB_LIST)
			return read_cmd(d, c, out, err, errlen);
		return vswd_mirror_cmd(d, c, err, errlen);
	case OBJ_CAPTURE:
		/* vswd's control connection serves it (capsrv.c), not a file */
		ERR("capture: only on vswd's control socket (vswctl capture)");
	case OBJ_SHOW_CONFIG: {
		struct dump dump = { 0 };
		int e = dump_make(d, &dump);
		if (!e)
			dump_text(&dump, out);
		dump_free(&dump);
		if (e)
			ERR("out of memory");
		return 0;
	}
	case OBJ_VDS:
		if (!d->vds)
			ERR("this vswd is not joined to a cluster (vswd --cluster)");
		return d->vds(d, c, out, err, errlen);
	case OBJ_SAVE:
		if (!d->changed)
			ERR("this vswd keeps no state file (started with --no-state)");
		return d->changed(d, err, errlen);
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
		record_switch_remove(d, s->sw);
		vsw_switch_free(s->sw);
		free(s);
	}
}
