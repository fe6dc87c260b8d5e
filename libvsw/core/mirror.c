// SPDX-License-Identifier: MIT
/*
 * mirror.c - mirroring sessions as objects: name, sources (a port, its
 * direction and VLAN filter), one destination (a port, or a callback),
 * snap length, the enabled flag and the session's counters. Every change
 * derives the ports' session lists again (datapath/mirror.c), so the frame
 * path reads only what is enabled and complete.
 */
#include "core/alloc.h"
#include "core/check.h"
#include "core/core.h"
#include "core/log.h"
#include "datapath/datapath.h"
#include "datapath/mirror.h"

static struct vsw_mirror_src *source_of(const struct vsw_mirror *m, const struct vsw_port *p)
{
	struct vsw_list *n;

	if (!p)
		return NULL;
	vsw_list_for_each(n, &m->sources) {
		struct vsw_mirror_src *s = vsw_container_of(n, struct vsw_mirror_src, node);
		if (s->port == p)
			return s;
	}
	return NULL;
}

/* Common checks of a change to a session: 0, -EINVAL or -EBUSY. */
static int changeable(const struct vsw_mirror *m)
{
	if (!m)
		return -EINVAL;
	return vsw__busy(m->sw) ? -EBUSY : 0;
}

/* The session's callback destination goes: a capture behind it is told. */
static void drop_fn(struct vsw_mirror *m)
{
	void (*detach)(struct vsw_capture *) = m->cap_detach;
	struct vsw_capture *cap = m->cap;

	m->fn = NULL;
	m->user = NULL;
	m->cap = NULL;
	m->cap_detach = NULL;
	if (detach)
		detach(cap);
}

int vsw_mirror_add(struct vsw_switch *sw, const char *name, const struct vsw_mirror_opts *opts,
		   struct vsw_mirror **out)
{
	struct vsw_mirror_opts o = { 0 };
	struct vsw_mirror *m;
	int err;

	if (!sw || !out)
		return -EINVAL;
	err = vsw__check_name(name);
	if (err)
		return err;
	if (opts) {
		size_t known = vsw__offsetofend(struct vsw_mirror_opts, disabled);
		err = vsw__check_opts_size(opts, opts->size, known);
		if (err)
			return err;
		memcpy(&o, opts, opts->size < known ? opts->size : known);
	}
	if (o.snaplen && o.snaplen < VSW_MIRROR_SNAPLEN_MIN)
		return -EINVAL;
	if (vsw__busy(sw))
		return -EBUSY;
	if (!vsw_mirror_find(sw, name, &m))
		return -EEXIST;
	m = vsw__calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	if (!sw->mir && !(sw->mir = vsw__calloc_aligned(1, sizeof(*sw->mir)))) {
		vsw__free(m);
		return -ENOMEM;
	}
	m->sw = sw;
	strcpy(m->name, name);
	vsw_list_init(&m->sources);
	m->snaplen = o.snaplen;
	m->enabled = !o.disabled;
	vsw_list_append(&sw->mirrors, &m->node);
	vsw__info(sw, "mirror session '%s' added", name);
	*out = m;
	return 0;
}

static void source_free(struct vsw_mirror_src *s)
{
	vsw_list_del(&s->node);
	s->m->n_sources--;
	if (--s->port->n_mir_src == 0) {
		vsw__free(s->port->mir);
		s->port->mir = NULL;
		s->port->cap_mir = 0;
		s->port->n_mir_in = s->port->n_mir_out = 0;
	}
	vsw__free(s->vlans);
	vsw__free(s);
}

static void session_free(struct vsw_mirror *m)
{
	struct vsw_list *n, *t;

	vsw_list_for_each_safe(n, t, &m->sources)
		source_free(vsw_container_of(n, struct vsw_mirror_src, node));
	drop_fn(m);
	vsw_list_del(&m->node);
	vsw__free(m);
}

int vsw_mirror_remove(struct vsw_mirror *m)
{
	struct vsw_switch *sw;
	int err = changeable(m);

	if (err)
		return err;
	sw = m->sw;
	vsw__info(sw, "mirror session '%s' removed", m->name);
	session_free(m);
	vsw__mirror_derive(sw);
	if (vsw_list_empty(&sw->mirrors)) {
		/* no session, no scratch: mirroring costs nothing again */
		vsw__free(sw->mir);
		sw->mir = NULL;
	}
	return 0;
}

int vsw_mirror_find(const struct vsw_switch *sw, const char *name, struct vsw_mirror **out)
{
	struct vsw_list *n;

	if (!sw || !name || !out)
		return -EINVAL;
	vsw_list_for_each(n, &sw->mirrors) {
		struct vsw_mirror *m = vsw_container_of(n, struct vsw_mirror, node);
		if (!strcmp(m->name, name)) {
			*out = m;
			return 0;
		}
	}
	return -ENOENT;
}

struct vsw_mirror *vsw_mirror_next(const struct vsw_switch *sw, const struct vsw_mirror *prev)
{
	struct vsw_list *n;

	if (!sw)
		return NULL;
	n = vsw_list_after(&sw->mirrors, prev ? &prev->node : NULL);
	return n ? vsw_container_of(n, struct vsw_mirror, node) : NULL;
}

const char *vsw_mirror_name(const struct vsw_mirror *m)
{
	return m ? m->name : NULL;
}

int vsw_mirror_add_source(struct vsw_mirror *m, struct vsw_port *port, unsigned int direction)
{
	struct vsw_mirror_src *s;
	int err = changeable(m);

	if (err)
		return err;
	if (!port || port->sw != m->sw || port == m->dst || !direction ||
	    direction > VSW_MIRROR_BOTH)
		return -EINVAL;
	s = source_of(m, port);
	if (!s) {
		/* a port's derived lists may name each of its sources twice */
		uint32_t need = 2 * (port->n_mir_src + 1);
		if (need > port->cap_mir) {
			struct vsw_mirror_src **t = vsw__realloc(port->mir, need, sizeof(*t));
			if (!t)
				return -ENOMEM;
			port->mir = t;
			port->cap_mir = need;
		}
		s = vsw__calloc(1, sizeof(*s));
		if (!s)
			return -ENOMEM;
		s->m = m;
		s->port = port;
		port->n_mir_src++;
		m->n_sources++;
		vsw_list_append(&m->sources, &s->node);
	}
	s->dir = direction;
	vsw__mirror_derive(m->sw);
	return 0;
}

int vsw_mirror_remove_source(struct vsw_mirror *m, struct vsw_port *port)
{
	struct vsw_mirror_src *s;
	int err = changeable(m);

	if (err)
		return err;
	s = source_of(m, port);
	if (!s)
		return port ? -ENOENT : -EINVAL;
	source_free(s);
	vsw__mirror_derive(m->sw);
	return 0;
}

struct vsw_port *vsw_mirror_source_next(const struct vsw_mirror *m, const struct vsw_port *prev,
					unsigned int *direction)
{
	const struct vsw_mirror_src *s = NULL;
	struct vsw_list *n;

	if (!m)
		return NULL;
	if (prev && !(s = source_of(m, prev)))
		return NULL;
	n = vsw_list_after(&m->sources, s ? &s->node : NULL);
	if (!n)
		return NULL;
	s = vsw_container_of(n, struct vsw_mirror_src, node);
	if (direction)
		*direction = s->dir;
	return s->port;
}

int vsw_mirror_set_source_vlans(struct vsw_mirror *m, struct vsw_port *port,
				const uint16_t *vlans, unsigned int n)
{
	struct vsw_mirror_src *s;
	uint64_t *bits = NULL;
	int err = changeable(m);

	if (err)
		return err;
	if (!port || (n && !vlans))
		return -EINVAL;
	for (unsigned int i = 0; i < n; i++)
		if (vlans[i] >= VSW_VLAN_TRUNK)
			return -EINVAL;
	s = source_of(m, port);
	if (!s)
		return -ENOENT;
	if (n) {
		bits = vsw__calloc(VSW_MIRROR_VLAN_WORDS, sizeof(*bits));
		if (!bits)
			return -ENOMEM;
		for (unsigned int i = 0; i < n; i++)
			bits[vlans[i] >> 6] |= 1ull << (vlans[i] & 63);
	}
	vsw__free(s->vlans);
	s->vlans = bits;
	return 0;
}

int vsw_mirror_source_vlans(const struct vsw_mirror *m, const struct vsw_port *port, uint16_t *out,
			    unsigned int n)
{
	const struct vsw_mirror_src *s;
	unsigned int k = 0;

	if (!m || !port || (n && !out))
		return -EINVAL;
	s = source_of(m, port);
	if (!s)
		return -ENOENT;
	if (!s->vlans)
		return 0;
	for (unsigned int v = 0; v < VSW_VLAN_TRUNK; v++)
		if (s->vlans[v >> 6] >> (v & 63) & 1) {
			if (k < n)
				out[k] = (uint16_t)v;
			k++;
		}
	return (int)k;
}

int vsw_mirror_set_dest_port(struct vsw_mirror *m, struct vsw_port *port, unsigned int encap_vlan)
{
	int err = changeable(m);

	if (err)
		return err;
	if (port && (port->sw != m->sw || source_of(m, port) ||
		     (encap_vlan && port->kind != VSW_PORT_UPLINK) || encap_vlan >= VSW_VLAN_TRUNK))
		return -EINVAL;
	if (!port && encap_vlan)
		return -EINVAL;
	drop_fn(m);
	m->dst = port;
	m->encap_vlan = (uint16_t)encap_vlan;
	vsw__mirror_derive(m->sw);
	return 0;
}

int vsw__mirror_set_fn(struct vsw_mirror *m, vsw_mirror_fn fn, void *user,
		       struct vsw_capture *cap, void (*detach)(struct vsw_capture *))
{
	int err = changeable(m);

	if (err)
		return err;
	drop_fn(m);
	m->dst = NULL;
	m->encap_vlan = 0;
	m->fn = fn;
	m->user = fn ? user : NULL;
	m->cap = fn ? cap : NULL;
	m->cap_detach = fn ? detach : NULL;
	vsw__mirror_derive(m->sw);
	return 0;
}

int vsw_mirror_set_dest_fn(struct vsw_mirror *m, vsw_mirror_fn fn, void *user)
{
	return vsw__mirror_set_fn(m, fn, user, NULL, NULL);
}

struct vsw_port *vsw_mirror_dest_port(const struct vsw_mirror *m, unsigned int *encap_vlan)
{
	if (encap_vlan)
		*encap_vlan = m ? m->encap_vlan : 0;
	return m ? m->dst : NULL;
}

int vsw_mirror_set_snaplen(struct vsw_mirror *m, unsigned int snaplen)
{
	int err = changeable(m);

	if (err)
		return err;
	if (snaplen && snaplen < VSW_MIRROR_SNAPLEN_MIN)
		return -EINVAL;
	m->snaplen = snaplen;
	return 0;
}

unsigned int vsw_mirror_snaplen(const struct vsw_mirror *m)
{
	return m ? m->snaplen : 0;
}

int vsw_mirror_set_enabled(struct vsw_mirror *m, int enabled)
{
	int err = changeable(m);

	if (err)
		return err;
	m->enabled = enabled != 0;
	vsw__mirror_derive(m->sw);
	return 0;
}

int vsw_mirror_enabled(const struct vsw_mirror *m)
{
	return m ? m->enabled : -EINVAL;
}

int vsw_mirror_stats(const struct vsw_mirror *m, struct vsw_mirror_stats *st)
{
	struct vsw_mirror_stats v;

	if (!m || !st || st->size < sizeof(size_t))
		return -EINVAL;
	v = (struct vsw_mirror_stats){ .size = st->size, .mirrored = m->mirrored,
				       .dropped = m->dropped };
	memcpy(st, &v, st->size < sizeof(v) ? st->size : sizeof(v));
	return 0;
}

int vsw_mirror_clear_stats(struct vsw_mirror *m)
{
	if (!m)
		return -EINVAL;
	m->mirrored = 0;
	m->dropped = 0;
	return 0;
}

void vsw__mirror_port_gone(struct vsw_port *p)
{
	struct vsw_switch *sw = p->sw;
	struct vsw_list *n;
	bool changed = false;

	vsw_list_for_each(n, &sw->mirrors) {
		struct vsw_mirror *m = vsw_container_of(n, struct vsw_mirror, node);
		struct vsw_mirror_src *s = source_of(m, p);
		if (s) {
			source_free(s);
			changed = true;
		}
		if (m->dst == p) {
			m->dst = NULL;
			m->encap_vlan = 0;
			changed = true;
		}
	}
	if (changed)
		vsw__mirror_derive(sw);
}

void vsw__mirror_fini(struct vsw_switch *sw)
{
	struct vsw_list *n, *t;

	vsw_list_for_each_safe(n, t, &sw->mirrors)
		session_free(vsw_container_of(n, struct vsw_mirror, node));
	vsw__free(sw->mir);
	sw->mir = NULL;
}
