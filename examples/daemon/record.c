// SPDX-License-Identifier: MIT
/*
 * record.c - the records of record.h, kept in struct vswd in the order the
 * objects were made.
 */
#include "record.h"
#include "exec.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void rec_free(struct vswd_port_rec *r)
{
	free(r->backend);
	free(r->options);
	free(r->netstack);
	free(r->ips);
	free(r->gateways);
	free(r);
}

struct vswd_port_rec *record_port(struct vswd *d, struct vsw_switch *sw, const char *name)
{
	for (struct vswd_port_rec *r = d->ports; r; r = r->next)
		if (r->sw == sw && !strcmp(r->name, name))
			return r;
	return NULL;
}

/* Replace '*p' with a copy of 's' (NULL stays NULL); false when out of memory. */
static bool set_str(char **p, const char *s)
{
	char *n = s ? strdup(s) : NULL;

	if (s && !n)
		return false;
	free(*p);
	*p = n;
	return true;
}

/* A list option as one comma-separated word. */
static bool set_list(char **p, const char *const *v, int n)
{
	char buf[VSWCMD_MAX_LINE];
	size_t k = 0;

	buf[0] = 0;
	for (int i = 0; i < n && k < sizeof(buf); i++)
		k += (size_t)snprintf(buf + k, sizeof(buf) - k, "%s%s", i ? "," : "", v[i]);
	return set_str(p, buf);
}

/* The interface settings 'c' gives a VMkernel port. */
static bool take_iface(struct vswd_port_rec *r, const struct vswcmd *c)
{
	if (c->netstack && !set_str(&r->netstack, c->netstack))
		return false;
	if (c->has_mtu) {
		r->has_mtu = true;
		r->mtu = c->mtu;
	}
	if (c->has_ips && !set_list(&r->ips, c->ips, c->nips))
		return false;
	if (c->has_gateways && !set_list(&r->gateways, c->gateways, c->ngateways))
		return false;
	return true;
}

static void take_port_opts(struct vswd_port_rec *r, const struct vswcmd *c)
{
	if (c->has_offloads) {
		r->has_offloads = true;
		r->offloads = c->offloads;
	}
	if (c->has_link)
		r->link_down = !c->link;
}

int record_port_add(struct vswd *d, struct vsw_switch *sw, const struct vswcmd *c)
{
	struct vswd_port_rec *r = calloc(1, sizeof(*r)), **pp;

	if (!r)
		return -ENOMEM;
	r->sw = sw;
	snprintf(r->name, sizeof(r->name), "%s", c->pos[c->obj == OBJ_UPLINK ? 1 : 2]);
	take_port_opts(r, c);
	r->iface = c->obj == OBJ_VMK && !c->backend &&
		   (c->netstack || c->has_ips || c->has_mtu || c->has_gateways);
	if (!set_str(&r->backend, c->backend) || !set_str(&r->options, c->options) ||
	    (r->iface && !take_iface(r, c))) {
		rec_free(r);
		return -ENOMEM;
	}
	for (pp = &d->ports; *pp; pp = &(*pp)->next)
		;
	*pp = r;
	return 0;
}

int record_port_set(struct vswd *d, struct vsw_switch *sw, const struct vswcmd *c)
{
	struct vswd_port_rec *r = record_port(d, sw, c->pos[1]);

	if (!r)
		return 0;
	take_port_opts(r, c);
	return r->iface && !take_iface(r, c) ? -ENOMEM : 0;
}

void record_port_remove(struct vswd *d, struct vsw_switch *sw, const char *name)
{
	for (struct vswd_port_rec **pp = &d->ports; *pp; pp = &(*pp)->next)
		if ((*pp)->sw == sw && !strcmp((*pp)->name, name)) {
			struct vswd_port_rec *r = *pp;
			*pp = r->next;
			rec_free(r);
			return;
		}
}

static void vde_free(struct vswd_vde_rec *v)
{
	free(v->pg);
	free(v->dir);
	free(v);
}

int record_vde(struct vswd *d, struct vsw_switch *sw, const struct vswcmd *c)
{
	struct vswd_vde_rec **pp, *v;

	if (c->verb == VERB_REMOVE) {
		for (pp = &d->vdes; *pp; pp = &(*pp)->next)
			if ((*pp)->sw == sw && !strcmp((*pp)->dir, c->pos[1])) {
				v = *pp;
				*pp = v->next;
				vde_free(v);
				break;
			}
		return 0;
	}
	v = calloc(1, sizeof(*v));
	if (!v || !(v->pg = strdup(c->pos[1])) || !(v->dir = strdup(c->pos[2]))) {
		if (v)
			vde_free(v);
		return -ENOMEM;
	}
	v->sw = sw;
	for (pp = &d->vdes; *pp; pp = &(*pp)->next)
		;
	*pp = v;
	return 0;
}

void record_switch_remove(struct vswd *d, struct vsw_switch *sw)
{
	for (struct vswd_port_rec **pp = &d->ports; *pp;) {
		struct vswd_port_rec *r = *pp;
		if (r->sw == sw) {
			*pp = r->next;
			rec_free(r);
		} else {
			pp = &r->next;
		}
	}
	for (struct vswd_vde_rec **pp = &d->vdes; *pp;) {
		struct vswd_vde_rec *v = *pp;
		if (v->sw == sw) {
			*pp = v->next;
			vde_free(v);
		} else {
			pp = &v->next;
		}
	}
}
