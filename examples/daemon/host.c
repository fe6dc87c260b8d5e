// SPDX-License-Identifier: MIT
/*
 * host.c - the host's side of the switches in vswd (see host.h). Every
 * change is checked before the first one is made, so that a refused
 * command leaves the interface as it was.
 */
#include "host.h"
#include "view.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vsw_host.h>

#define ERR(...) do { snprintf(err, errlen, __VA_ARGS__); return -1; } while (0)

/* The VMkernel port of the host (any switch but 'self') that carries FT
 * logging, or NULL. */
static struct vsw_port *ft_logging_port(struct vswd *d, const struct vsw_port *self,
					const char **sw_name)
{
	for (struct vswd_switch *s = d->switches; s; s = s->next)
		for (struct vsw_port *p = vsw_port_next(s->sw, NULL); p; p = vsw_port_next(s->sw, p)) {
			struct vsw_vmk *k = vsw_port_to_vmk(p);
			if (k && p != self && (vsw_vmk_services(k) & VSW_VMK_FT_LOGGING)) {
				*sw_name = vsw_switch_name(s->sw);
				return p;
			}
		}
	return NULL;
}

int vswd_ft_check(struct vswd *d, const struct vsw_port *self, unsigned int services, char *err,
		  size_t errlen)
{
	const char *sw;
	struct vsw_port *p;

	if (!(services & VSW_VMK_FT_LOGGING) || !(p = ft_logging_port(d, self, &sw)))
		return 0;
	ERR("FT logging is on %s of %s already: one VMkernel port per host carries it",
	    vsw_port_name(p), sw);
}

/* IPv6 link-local addresses belong to the interface, not to the
 * administrator: --ip leaves them alone. */
static bool link_local(const char *cidr)
{
	return !strncasecmp(cidr, "fe8", 3) || !strncasecmp(cidr, "fe9", 3) ||
	       !strncasecmp(cidr, "fea", 3) || !strncasecmp(cidr, "feb", 3);
}

struct ip_list {
	char cidr[VSWCMD_MAX_IPS * 4][64];
	int n;
};

static int collect_ip(const char *cidr, void *user)
{
	struct ip_list *l = user;

	if (!link_local(cidr) && l->n < (int)(sizeof(l->cidr) / sizeof(l->cidr[0])))
		snprintf(l->cidr[l->n++], sizeof(l->cidr[0]), "%s", cidr);
	return 0;
}

/* Address and prefix of "ADDR/PREFIX" (or of a bare address, prefix
 * 128); the family, or 0 if it is neither. */
static int parse_addr(const char *s, uint8_t addr[16], unsigned int *prefix)
{
	char a[64];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);

	if (n >= sizeof(a))
		return 0;
	memcpy(a, s, n);
	a[n] = 0;
	*prefix = slash ? (unsigned int)atoi(slash + 1) : 128;
	return inet_pton(AF_INET, a, addr) == 1 ? AF_INET : inet_pton(AF_INET6, a, addr) == 1 ? AF_INET6 : 0;
}

/* Is gateway 'gw' on the link of an interface with addresses 'cidr'? In
 * the prefix of one of them, or IPv6 link-local: what the kernel accepts. */
static bool gateway_on_link(const char *gw, const char *const *cidr, int n)
{
	uint8_t g[16], a[16];
	unsigned int gp, p;
	int fam = parse_addr(gw, g, &gp);

	if (fam == AF_INET6 && g[0] == 0xfe && (g[1] & 0xc0) == 0x80)
		return true;
	for (int i = 0; i < n; i++) {
		if (parse_addr(cidr[i], a, &p) != fam)
			continue;
		unsigned int full = p / 8, rest = p % 8;
		if (!memcmp(a, g, full) && (!rest || !((a[full] ^ g[full]) & (0xff00 >> rest))))
			return true;
	}
	return false;
}

struct gw_list {
	char gw[4][64];
	int n;
};

static int collect_gw(const char *dst, const char *gw, void *user)
{
	struct gw_list *l = user;

	if (gw && !strcmp(dst, "default") && l->n < (int)(sizeof(l->gw) / sizeof(l->gw[0])))
		snprintf(l->gw[l->n++], sizeof(l->gw[0]), "%s", gw);
	return 0;
}

/* The vmk's addresses become exactly c->ips (link-local ones stay): the new
 * ones first, then the old ones go, so that the interface is never without
 * an address it keeps. Removing an IPv4 primary takes its secondaries with
 * it, so whatever went too is put back. */
static int replace_ips(struct vsw_vmk *k, const struct vswcmd *c, char *err, size_t errlen)
{
	const char *name = vsw_port_name(vsw_vmk_port(k));
	struct ip_list *old = calloc(1, sizeof(*old)), *now = calloc(1, sizeof(*now));
	int e = old && now ? vsw_vmk_ip_foreach(k, collect_ip, old) : -ENOMEM;

	for (int i = 0; !e && i < c->nips; i++)
		if ((e = vsw_vmk_ip_add(k, c->ips[i])) == -EEXIST)
			e = 0; /* kept, or given twice */
	for (int i = 0; !e && i < old->n; i++) {
		bool kept = false;
		for (int j = 0; j < c->nips; j++)
			kept |= !strcmp(old->cidr[i], c->ips[j]);
		if (!kept && (e = vsw_vmk_ip_remove(k, old->cidr[i])) == -EADDRNOTAVAIL)
			e = 0; /* a secondary gone with its primary */
	}
	if (!e)
		e = vsw_vmk_ip_foreach(k, collect_ip, now);
	for (int i = 0; !e && i < c->nips; i++) {
		bool there = false;
		for (int j = 0; j < now->n; j++)
			there |= !strcmp(now->cidr[j], c->ips[i]);
		if (!there && (e = vsw_vmk_ip_add(k, c->ips[i])) == -EEXIST)
			e = 0;
	}
	free(old);
	free(now);
	if (e)
		ERR("vmk '%s': addresses: %s", name, strerror(-e));
	return 0;
}

/* The default routes through the vmk become exactly gw[0..n): ESXi's
 * default gateway of the vmk's stack. Checked beforehand (check_gateways). */
static int replace_gateways(struct vsw_vmk *k, const char *const *gw, int n, char *err,
			    size_t errlen)
{
	const char *name = vsw_port_name(vsw_vmk_port(k));
	struct gw_list old = { .n = 0 };
	int e = vsw_vmk_route_foreach(k, collect_gw, &old);

	for (int i = 0; !e && i < old.n; i++) {
		bool kept = false;
		for (int j = 0; j < n; j++)
			kept |= !strcmp(old.gw[i], gw[j]);
		if (!kept)
			e = vsw_vmk_route_remove(k, "default", old.gw[i]);
	}
	if (e)
		ERR("vmk '%s': gateways: %s", name, strerror(-e));
	for (int i = 0; i < n; i++) {
		e = vsw_vmk_route_add(k, "default", gw[i]);
		if (e == -EEXIST) {
			bool ours = false;
			for (int j = 0; j < old.n; j++)
				ours |= !strcmp(old.gw[j], gw[i]);
			if (ours)
				continue; /* kept, or put back after new addresses */
			ERR("vmk '%s': gateway %s: the stack has a default route already (through another vmk)",
			    name, gw[i]);
		}
		if (e)
			ERR("vmk '%s': gateway %s: %s", name, gw[i], strerror(-e));
	}
	return 0;
}

/* What the interface's addresses and gateways will be after 'c', and
 * whether every gateway is on their networks: checked before any change,
 * so that a refused command changes nothing. */
struct plan {
	struct ip_list ips;
	struct gw_list gws;
};

static int plan_addresses(struct vsw_vmk *k, const struct vswcmd *c, struct plan *pl, char *err,
			  size_t errlen)
{
	const char *name = vsw_port_name(vsw_vmk_port(k));
	const char *cidr[VSWCMD_MAX_IPS * 4];
	int n = 0;

	if (c->has_ips) {
		for (int i = 0; i < c->nips; i++)
			snprintf(pl->ips.cidr[pl->ips.n++], sizeof(pl->ips.cidr[0]), "%s", c->ips[i]);
	} else if (vsw_vmk_netstack(k)) {
		vsw_vmk_ip_foreach(k, collect_ip, &pl->ips);
	}
	if (c->has_gateways) {
		for (int i = 0; i < c->ngateways; i++)
			snprintf(pl->gws.gw[pl->gws.n++], sizeof(pl->gws.gw[0]), "%s", c->gateways[i]);
	} else if (vsw_vmk_netstack(k)) {
		vsw_vmk_route_foreach(k, collect_gw, &pl->gws);
	}
	for (int i = 0; i < pl->ips.n; i++)
		cidr[n++] = pl->ips.cidr[i];
	for (int i = 0; i < pl->gws.n; i++)
		if (!gateway_on_link(pl->gws.gw[i], cidr, n))
			ERR("vmk '%s': gateway %s is not on its networks (give an address with --ip%s)",
			    name, pl->gws.gw[i], c->has_gateways ? "" : ", or a new gateway with --gateway");
	return 0;
}

static int apply_addresses(struct vsw_vmk *k, const struct vswcmd *c, const struct plan *pl,
			   char *err, size_t errlen)
{
	const char *gw[4];

	if (c->has_ips && replace_ips(k, c, err, errlen))
		return -1;
	if (!c->has_ips && !c->has_gateways)
		return 0;
	/* new addresses can take the IPv4 routes with them: gateways go on */
	for (int i = 0; i < pl->gws.n; i++)
		gw[i] = pl->gws.gw[i];
	return replace_gateways(k, gw, pl->gws.n, err, errlen);
}

int vswd_vmk_iface(struct vswd *d, struct vsw_vmk *k, const struct vswcmd *c, char *err,
		   size_t errlen)
{
	VSW_OPTS(vsw_vmk_iface_opts, o, .netstack = c->netstack, .persist = d->persist);
	const char *name = vsw_port_name(vsw_vmk_port(k));
	struct plan *pl;
	int e;

	if (!c->netstack && !c->has_ips && !c->has_mtu && !c->has_gateways)
		return 0; /* a VMkernel port without an interface, as in 1.0 */
	if (d->dry)
		return 0; /* recorded by the caller */
	if (!d->host_ok)
		ERR("vmk '%s': interfaces in the host are not made here", name);
	if (!(pl = calloc(1, sizeof(*pl))))
		ERR("out of memory");
	o.mtu = c->has_mtu ? c->mtu : 0;
	e = plan_addresses(k, c, pl, err, errlen) ? -1 : vsw_vmk_iface_create(k, &o);
	if (e == -ENOENT)
		snprintf(err, errlen, "vmk '%s': no TCP/IP stack '%s' (netstack add %s)", name, c->netstack,
			 c->netstack);
	else if (e == -ENAMETOOLONG)
		snprintf(err, errlen, "vmk '%s': name too long for an interface (15 bytes at most)", name);
	else if (e == -EINVAL && c->has_mtu)
		snprintf(err, errlen, "vmk '%s': MTU %u above the switch's", name, c->mtu);
	else if (e < -1)
		snprintf(err, errlen, "vmk '%s': interface: %s", name, strerror(-e));
	if (!e)
		e = apply_addresses(k, c, pl, err, errlen);
	free(pl);
	return e ? -1 : 0;
}

/* Everything is checked first; then the changes go in the order MTU,
 * services, addresses, gateways, and only the kernel can refuse one. */
int vswd_vmk_set(struct vswd *d, struct vsw_vmk *k, const struct vswcmd *c, char *err,
		 size_t errlen)
{
	const char *name = vsw_port_name(vsw_vmk_port(k));
	struct plan *pl;
	int e;

	const struct vswd_port_rec *r = record_port(d, vsw_port_switch(vsw_vmk_port(k)), name);
	bool iface = d->dry ? r && r->iface : vsw_vmk_netstack(k) != NULL;

	if ((c->has_ips || c->has_mtu || c->has_gateways) && !iface)
		ERR("vmk '%s' has no interface of its own (add it with --netstack)", name);
	if (d->dry) {
		if (c->has_services && vswd_ft_check(d, vsw_vmk_port(k), c->services, err, errlen))
			return -1;
		if (c->has_mtu && c->mtu > vsw_switch_mtu(vsw_port_switch(vsw_vmk_port(k))))
			ERR("vmk '%s': MTU %u above the switch's", name, c->mtu);
		return c->has_services ? vsw_vmk_set_services(k, c->services) : 0;
	}
	if (c->has_services && vswd_ft_check(d, vsw_vmk_port(k), c->services, err, errlen))
		return -1;
	if (c->has_mtu && c->mtu > vsw_switch_mtu(vsw_port_switch(vsw_vmk_port(k))))
		ERR("vmk '%s': MTU %u above the switch's", name, c->mtu);
	if (!(pl = calloc(1, sizeof(*pl))))
		ERR("out of memory");
	e = plan_addresses(k, c, pl, err, errlen);
	if (!e && c->has_mtu && (e = vsw_vmk_set_mtu(k, c->mtu)) < 0)
		snprintf(err, errlen, "vmk '%s': MTU %u: %s", name, c->mtu, strerror(-e));
	if (!e && c->has_services && (e = vsw_vmk_set_services(k, c->services)) < 0)
		snprintf(err, errlen, "vmk '%s': services: %s", name, strerror(-e));
	if (!e)
		e = apply_addresses(k, c, pl, err, errlen);
	free(pl);
	return e ? -1 : 0;
}

bool vswd_vmk_iface_view(struct vsw_vmk *k, struct view_vmk_iface *v)
{
	struct ip_list l = { .n = 0 };
	struct gw_list g = { .n = 0 };

	memset(v, 0, sizeof(*v));
	v->netstack = vsw_vmk_netstack(k);
	if (!v->netstack)
		return false;
	v->mtu = vsw_vmk_mtu(k);
	vsw_vmk_ip_foreach(k, collect_ip, &l);
	vsw_vmk_route_foreach(k, collect_gw, &g);
	for (int i = 0; i < l.n; i++)
		memcpy(v->ips[v->nips++], l.cidr[i], sizeof(v->ips[0]));
	for (int i = 0; i < g.n; i++)
		memcpy(v->gws[v->ngws++], g.gw[i], sizeof(v->gws[0]));
	return true;
}

/* ---- TCP/IP stacks ---- */

static int stack_user(struct vswd *d, const char *name, char *err, size_t errlen)
{
	for (const struct vswd_port_rec *r = d->ports; r; r = r->next)
		if (r->iface && r->netstack && !strcmp(r->netstack, name))
			ERR("TCP/IP stack '%s' is in use by %s of %s", name, r->name,
			    vsw_switch_name(r->sw));
	return 0;
}

int vswd_netstack_cmd(struct vswd *d, const struct vswcmd *c, char *err, size_t errlen)
{
	const char *name = c->pos[0];
	int e;

	if (!d->host_ok && !d->dry)
		ERR("TCP/IP stacks are not made here");
	if (c->verb == VERB_ADD) {
		for (int i = 0; i < d->nstacks; i++)
			if (!strcmp(d->stacks[i], name)) {
				if (c->may_exist)
					return 0;
				ERR("TCP/IP stack '%s': exists", name);
			}
		char **more = realloc(d->stacks, sizeof(*more) * (size_t)(d->nstacks + 1));
		if (!more)
			ERR("out of memory");
		d->stacks = more;
		if (!(d->stacks[d->nstacks] = strdup(name)))
			ERR("out of memory");
		e = d->dry ? 0 : vsw_netstack_add(name);
		if (e == -EEXIST && d->adopt)
			e = 0; /* the one this daemon left when it stopped */
		if (e == -EEXIST && c->may_exist) {
			free(d->stacks[d->nstacks]);
			return 0; /* not this daemon's to remove when it stops */
		}
		if (e) {
			free(d->stacks[d->nstacks]);
			ERR("TCP/IP stack '%s': %s", name, e == -EEXIST ? "exists" : strerror(-e));
		}
		d->nstacks++;
		return 0;
	}
	if (stack_user(d, name, err, errlen))
		return -1;
	e = d->dry ? 0 : vsw_netstack_remove(name);
	if (e == -ENOENT && c->if_exists)
		return 0;
	if (e)
		ERR("TCP/IP stack '%s': %s", name, e == -ENOENT ? "no such stack" : strerror(-e));
	for (int i = 0; i < d->nstacks; i++)
		if (!strcmp(d->stacks[i], name)) {
			free(d->stacks[i]);
			d->stacks[i] = d->stacks[--d->nstacks];
			break;
		}
	return 0;
}

void vswd_netstack_cleanup(struct vswd *d)
{
	for (int i = 0; i < d->nstacks; i++) {
		/* a daemon that keeps its state keeps its stacks: the VMkernel
		 * interfaces in them outlive it */
		if (!d->dry && !d->persist)
			vsw_netstack_remove(d->stacks[i]);
		free(d->stacks[i]);
	}
	free(d->stacks);
	d->stacks = NULL;
	d->nstacks = 0;
}
