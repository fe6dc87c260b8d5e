// SPDX-License-Identifier: MIT
/*
 * port.c - the commands on ports: uplinks, vNICs and VMkernel ports are
 * added (with a backend, a MAC of their own or a generated one), removed
 * and set. A VMkernel port's interface in the host is host.c's.
 */
#include "exec.h"
#include "host.h"
#include "view.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cmdval.h"

#define ERR(...) do { snprintf(err, errlen, __VA_ARGS__); return -1; } while (0)

#define NEED_SWITCH(var, name) \
	struct vswd_switch *var = vswd_find_switch(d, name); \
	if (!var) ERR("unknown vswitch '%s'", name)

/* A backend that would not open, in words: for -EINVAL, the option it
 * refused (or what its options may be), as cmdval.c knows them. */
static const char *backend_why(const char *spec, const char *opts, int e, char *buf, size_t len)
{
	char type[32], key[32];
	const char *known, *types[8], *mean;
	int ntypes = cmdval_values("backend", types, 8);

	snprintf(type, sizeof(type), "%.*s", (int)strcspn(spec, ":"), spec);
	known = cmdval_backend_options(type);
	if (e == -ENOENT && !known && (mean = vswcmd_suggest(type, types, ntypes))) {
		snprintf(buf, len, "no backend type '%s' (did you mean '%s'?)", type, mean);
		return buf;
	}
	if (e == -ENOENT)
		return "no such backend type, device or file";
	if (e != -EINVAL || !opts || !*opts || !known)
		return strerror(-e);
	if (cmdval_backend_bad_key(type, opts, key, sizeof(key))) {
		const char *keys[8];
		int nk = cmdval_backend_keys(type, keys, 8);
		mean = vswcmd_suggest(key, keys, nk);
		snprintf(buf, len, "unknown option '%s'%s%s%s (%s takes %s)", key, mean ? " (did you mean '" : "",
			 mean ? mean : "", mean ? "'?)" : "", type, *known ? known : "none");
	} else
		snprintf(buf, len, "bad value in --options '%s' (%s takes %s)", opts, type, known);
	return buf;
}

/* The reason a port add failed, in the switch's log too, between the
 * library's "added" and "removed" of the port. */
static void log_failure(struct vswd *d, struct vsw_switch *sw, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void log_failure(struct vswd *d, struct vsw_switch *sw, const char *fmt, ...)
{
	va_list ap;

	if (!d->log)
		return;
	va_start(ap, fmt);
	d->log(sw, VSW_LOG_WARNING, d->user, fmt, ap);
	va_end(ap);
}

static int need_port(struct vsw_switch *sw, const char *name, enum vsw_port_kind kind,
		     struct vsw_port **p, char *err, size_t errlen)
{
	static const char *const kinds[] = { "", "uplink", "vNIC", "VMkernel port" };

	if (vsw_port_find(sw, name, p) || vsw_port_kind(*p) != kind)
		ERR("unknown %s '%s'", kinds[kind], name);
	return 0;
}

/* --offloads: what the port's receiver takes as it is, within what its
 * backend takes (the library narrows it to that; list shows the result).
 * After the backend is attached, which sets the backend's own. */
static int set_offloads(struct vsw_port *p, const struct vswcmd *c, char *err, size_t errlen)
{
	int e;

	if (!c->has_offloads)
		return 0;
	e = vsw_port_set_offloads(p, c->offloads);
	if (e)
		ERR("%s: offloads: %s", vsw_port_name(p), vswd_why(e));
	return 0;
}

/* Options for a backend: the user's, plus mac= for a tap given a MAC, and
 * persist for a tap of a daemon that keeps its state: the guest's
 * interface outlives a restart (or a SIGKILL) and is adopted again. */
static void backend_options(const struct vswd *d, const struct vswcmd *c, char *buf, size_t len)
{
	bool tap = !strncmp(c->backend, "tap:", 4);
	char m[18];

	snprintf(buf, len, "%s", c->options ? c->options : "");
	if (c->has_mac && tap) {
		view_mac(c->mac, m);
		snprintf(buf + strlen(buf), len - strlen(buf), "%smac=%s", *buf ? "," : "", m);
	}
	if (d->persist && tap)
		snprintf(buf + strlen(buf), len - strlen(buf), "%spersist", *buf ? "," : "");
}

void vswd_port_forget(struct vsw_port *p)
{
	struct vsw_backend *be = vsw_port_backend(p);

	/* only taps persist; the others answer -EOPNOTSUPP */
	if (be)
		vsw_backend_set_persist(be, 0);
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
	if (!vsw_port_find(s->sw, c->pos[2], &port)) {
		/* --may-exist: a port of this kind is left as it is (whatever
		 * its port group, MAC or backend); another kind is an error */
		if (c->may_exist && vsw_port_kind(port) == (vmk ? VSW_PORT_VMK : VSW_PORT_VNIC))
			return 0;
		ERR("port '%s' exists on %s", c->pos[2], c->pos[0]);
	}
	if (vmk && c->has_services && vswd_ft_check(d, NULL, c->services, err, errlen))
		return -1;
	if (c->backend && d->backend_ok && !d->backend_ok(c->backend))
		ERR("backend '%s' not allowed here", c->backend);
	if (c->backend && !d->dry) {
		char why[256];
		backend_options(d, c, opts, sizeof(opts));
		e = vsw_backend_open(c->backend, *opts ? opts : NULL, &be);
		if (e)
			ERR("backend '%s': %s", c->backend, backend_why(c->backend, opts, e, why, sizeof(why)));
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
		view_mac(mac, m);
		if (e == -EADDRINUSE)
			ERR("MAC address '%s' is in use on VLAN %u", m, vsw_portgroup_vlan(pg));
		ERR("%s '%s': %s", vmk ? "vmk" : "vnic", c->pos[2], vswd_why(e));
	}
	if (be && (e = vsw_port_attach_backend(port, be)) < 0) {
		vsw_backend_close(be);
		if (vmk)
			vsw_vmk_remove(vsw_port_to_vmk(port));
		else
			vsw_vnic_remove(vsw_port_to_vnic(port));
		log_failure(d, s->sw, "%s: backend '%s': %s", c->pos[2], c->backend, strerror(-e));
		ERR("backend '%s': %s", c->backend, strerror(-e));
	}
	if ((vmk && vswd_vmk_iface(d, vsw_port_to_vmk(port), c, err, errlen) < 0) ||
	    set_offloads(port, c, err, errlen) < 0 ||
	    (record_port_add(d, s->sw, c) < 0 && snprintf(err, errlen, "out of memory"))) {
		/* all or nothing */
		if (vmk)
			vsw_vmk_remove(vsw_port_to_vmk(port));
		else
			vsw_vnic_remove(vsw_port_to_vnic(port));
		return -1;
	}
	return 0;
}

int vswd_port_cmd(struct vswd *d, const struct vswcmd *c, char *err, size_t errlen)
{
	static const enum vsw_port_kind kinds[] = {
		[OBJ_UPLINK] = VSW_PORT_UPLINK, [OBJ_VNIC] = VSW_PORT_VNIC, [OBJ_VMK] = VSW_PORT_VMK,
	};
	const char *name = c->pos[c->verb == VERB_ADD && c->obj != OBJ_UPLINK ? 2 : 1];
	struct vsw_port *p;
	int e;

	if (c->if_exists && !vswd_find_switch(d, c->pos[0]))
		return 0;
	NEED_SWITCH(s, c->pos[0]);

	if (c->verb == VERB_ADD && c->obj != OBJ_UPLINK)
		return port_add(d, c, err, errlen);
	if (c->verb == VERB_ADD) {
		struct vsw_uplink *u;
		if (d->backend_ok && !d->backend_ok(c->backend))
			ERR("backend '%s' not allowed here", c->backend);
		if (c->may_exist && !vsw_port_find(s->sw, name, &p) && vsw_port_kind(p) == VSW_PORT_UPLINK)
			return 0; /* left as it is, whatever its backend */
		e = vsw_uplink_add(s->sw, name, 0, &u);
		if (e == -EEXIST)
			ERR("port '%s' exists on %s", name, c->pos[0]);
		if (e)
			ERR("uplink '%s': %s", name, vswd_why(e));
		e = d->dry ? 0 : vsw_port_attach(vsw_uplink_port(u), c->backend, c->options);
		if (e) {
			char why[256];
			log_failure(d, s->sw, "%s: backend '%s': %s", name, c->backend,
				    backend_why(c->backend, c->options, e, why, sizeof(why)));
			vsw_uplink_remove(u);
			ERR("backend '%s': %s", c->backend, backend_why(c->backend, c->options, e, why, sizeof(why)));
		}
		if (set_offloads(vsw_uplink_port(u), c, err, errlen) < 0 ||
		    (record_port_add(d, s->sw, c) < 0 && snprintf(err, errlen, "out of memory"))) {
			vsw_uplink_remove(u);
			return -1;
		}
		return 0;
	}
	if (c->if_exists && (vsw_port_find(s->sw, name, &p) || vsw_port_kind(p) != kinds[c->obj]))
		return 0;
	if (need_port(s->sw, name, kinds[c->obj], &p, err, errlen))
		return -1;
	if (c->verb == VERB_REMOVE) {
		if (d->persist)
			vswd_port_forget(p);
		switch (c->obj) {
		case OBJ_UPLINK: e = vsw_uplink_remove(vsw_port_to_uplink(p)); break;
		case OBJ_VNIC: e = vsw_vnic_remove(vsw_port_to_vnic(p)); break;
		default: e = vsw_vmk_remove(vsw_port_to_vmk(p)); break;
		}
		if (e)
			ERR("%s: %s", name, vswd_why(e));
		record_port_remove(d, s->sw, name);
		return 0;
	}
	if (c->obj == OBJ_VMK) {
		if (vswd_vmk_set(d, vsw_port_to_vmk(p), c, err, errlen) < 0 ||
		    set_offloads(p, c, err, errlen) < 0)
			return -1;
		return record_port_set(d, s->sw, c) < 0 ? (snprintf(err, errlen, "out of memory"), -1) : 0;
	}
	/* set: check everything, then change */
	if (c->has_mac) {
		char m[18];
		e = vsw_vnic_set_mac(vsw_port_to_vnic(p), c->mac);
		view_mac(c->mac, m);
		if (e)
			ERR("MAC address '%s': %s", m, vswd_why(e));
	}
	if (c->has_link)
		vsw_port_set_link(p, c->link);
	if (set_offloads(p, c, err, errlen) < 0)
		return -1;
	return record_port_set(d, s->sw, c) < 0 ? (snprintf(err, errlen, "out of memory"), -1) : 0;
}
