/*
 * host.c - the host's side of the switches in vswd: VMkernel ports'
 * interfaces (a tap in a TCP/IP stack, its MTU, addresses and default
 * gateways), the TCP/IP
 * stacks themselves, and the rule that one VMkernel port of the host
 * carries Fault Tolerance logging. Only the daemon touches the host
 * (d->host_ok); the configuration fuzzer does not.
 */
#include "exec.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* The vmk's addresses become exactly c->ips (link-local ones stay). */
static int replace_ips(struct vsw_vmk *k, const struct vswcmd *c, char *err, size_t errlen)
{
	struct ip_list *old = calloc(1, sizeof(*old));
	int e = old ? vsw_vmk_ip_foreach(k, collect_ip, old) : -ENOMEM;

	for (int i = 0; !e && i < old->n; i++) {
		e = vsw_vmk_ip_remove(k, old->cidr[i]);
		/* an IPv4 secondary address goes with its primary */
		if (e == -EADDRNOTAVAIL)
			e = 0;
	}
	free(old);
	if (e)
		ERR("vmk '%s': addresses: %s", vsw_port_name(vsw_vmk_port(k)), strerror(-e));
	for (int i = 0; i < c->nips; i++) {
		e = vsw_vmk_ip_add(k, c->ips[i]);
		if (e == -EEXIST)
			continue; /* given twice */
		if (e)
			ERR("vmk '%s': address '%s': %s", vsw_port_name(vsw_vmk_port(k)), c->ips[i],
			    strerror(-e));
	}
	return 0;
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

/* The default routes through the vmk become exactly c->gateways: ESXi's
 * "override the default gateway for this adapter", in the vmk's stack. */
static int replace_gateways(struct vsw_vmk *k, const struct vswcmd *c, char *err, size_t errlen)
{
	const char *name = vsw_port_name(vsw_vmk_port(k));
	struct gw_list old = { .n = 0 };
	int e = vsw_vmk_route_foreach(k, collect_gw, &old);

	for (int i = 0; !e && i < old.n; i++)
		e = vsw_vmk_route_remove(k, "default", old.gw[i]);
	if (e)
		ERR("vmk '%s': gateways: %s", name, strerror(-e));
	for (int i = 0; i < c->ngateways; i++) {
		e = vsw_vmk_route_add(k, "default", c->gateways[i]);
		if (e == -ENETUNREACH || e == -EHOSTUNREACH) /* IPv4's answer, IPv6's */
			ERR("vmk '%s': gateway %s is not on its networks (give an address with --ip)",
			    name, c->gateways[i]);
		if (e == -EEXIST)
			ERR("vmk '%s': gateway %s: the stack has a default route already (through another vmk)",
			    name, c->gateways[i]);
		if (e)
			ERR("vmk '%s': gateway %s: %s", name, c->gateways[i], strerror(-e));
	}
	return 0;
}

/* New addresses, same gateways: Linux drops the IPv4 routes through an
 * interface with its last IPv4 address, which replacing them removes, so
 * the default gateways are put back once the new addresses are there. */
static int replace_ips_keep_gateways(struct vsw_vmk *k, const struct vswcmd *c, char *err,
				     size_t errlen)
{
	struct gw_list old = { .n = 0 };
	struct vswcmd keep = { .ngateways = 0 };
	int e = vsw_vmk_route_foreach(k, collect_gw, &old);

	if (e)
		ERR("vmk '%s': gateways: %s", vsw_port_name(vsw_vmk_port(k)), strerror(-e));
	if (replace_ips(k, c, err, errlen))
		return -1;
	for (int i = 0; i < old.n && i < 2; i++)
		keep.gateways[keep.ngateways++] = old.gw[i];
	return replace_gateways(k, &keep, err, errlen);
}

int vswd_vmk_iface(struct vswd *d, struct vsw_vmk *k, const struct vswcmd *c, char *err,
		   size_t errlen)
{
	struct vsw_vmk_iface_opts o = { .size = sizeof(o), .netstack = c->netstack };
	const char *name = vsw_port_name(vsw_vmk_port(k));
	int e;

	if (!c->netstack && !c->has_ips && !c->has_mtu && !c->has_gateways)
		return 0; /* a VMkernel port without an interface, as in 1.0 */
	if (!d->host_ok)
		ERR("vmk '%s': interfaces in the host are not made here", name);
	o.mtu = c->has_mtu ? c->mtu : 0;
	e = vsw_vmk_iface_create(k, &o);
	if (e == -ENOENT)
		ERR("vmk '%s': no TCP/IP stack '%s' (netstack add %s)", name, c->netstack, c->netstack);
	if (e == -ENAMETOOLONG)
		ERR("vmk '%s': name too long for an interface (15 bytes at most)", name);
	if (e == -EINVAL && c->has_mtu)
		ERR("vmk '%s': MTU %u above the switch's", name, c->mtu);
	if (e)
		ERR("vmk '%s': interface: %s", name, strerror(-e));
	if (replace_ips(k, c, err, errlen))
		return -1;
	return c->has_gateways ? replace_gateways(k, c, err, errlen) : 0;
}

int vswd_vmk_set(struct vswd *d, struct vsw_vmk *k, const struct vswcmd *c, char *err,
		 size_t errlen)
{
	const char *name = vsw_port_name(vsw_vmk_port(k));
	int e;

	if ((c->has_ips || c->has_mtu || c->has_gateways) && !vsw_vmk_netstack(k))
		ERR("vmk '%s' has no interface of its own (add it with --netstack)", name);
	if (c->has_services && vswd_ft_check(d, vsw_vmk_port(k), c->services, err, errlen))
		return -1;
	if (c->has_mtu && (e = vsw_vmk_set_mtu(k, c->mtu)) < 0)
		ERR("vmk '%s': MTU %u: %s", name, c->mtu, e == -EINVAL ? "above the switch's" : strerror(-e));
	if (c->has_services && (e = vsw_vmk_set_services(k, c->services)) < 0)
		ERR("vmk '%s': services: %s", name, strerror(-e));
	if (c->has_ips && !c->has_gateways)
		return replace_ips_keep_gateways(k, c, err, errlen);
	if (c->has_ips && replace_ips(k, c, err, errlen))
		return -1;
	return c->has_gateways ? replace_gateways(k, c, err, errlen) : 0;
}

void vswd_vmk_describe(struct vsw_vmk *k, bool json, struct outbuf *o)
{
	struct ip_list *l;
	struct gw_list g = { .n = 0 };
	const char *stack = vsw_vmk_netstack(k);

	if (!stack)
		return;
	l = calloc(1, sizeof(*l));
	if (l)
		vsw_vmk_ip_foreach(k, collect_ip, l);
	vsw_vmk_route_foreach(k, collect_gw, &g);
	if (json) {
		out_printf(o, ", \"netstack\": ");
		out_json_str(o, stack);
		out_printf(o, ", \"mtu\": %d, \"ips\": [", vsw_vmk_mtu(k));
		for (int i = 0; l && i < l->n; i++)
			out_printf(o, "%s\"%s\"", i ? ", " : "", l->cidr[i]);
		out_printf(o, "], \"gateways\": [");
		for (int i = 0; i < g.n; i++)
			out_printf(o, "%s\"%s\"", i ? ", " : "", g.gw[i]);
		out_printf(o, "]");
	} else {
		out_printf(o, " netstack=%s mtu=%d", stack, vsw_vmk_mtu(k));
		for (int i = 0; l && i < l->n; i++)
			out_printf(o, "%s%s", i ? "," : " ip=", l->cidr[i]);
		for (int i = 0; i < g.n; i++)
			out_printf(o, "%s%s", i ? "," : " gw=", g.gw[i]);
	}
	free(l);
}

/* ---- TCP/IP stacks ---- */

static int stack_user(struct vswd *d, const char *name, char *err, size_t errlen)
{
	for (struct vswd_switch *s = d->switches; s; s = s->next)
		for (struct vsw_port *p = vsw_port_next(s->sw, NULL); p; p = vsw_port_next(s->sw, p)) {
			const char *st = vsw_vmk_netstack(vsw_port_to_vmk(p));
			if (st && !strcmp(st, name))
				ERR("TCP/IP stack '%s' is in use by %s of %s", name, vsw_port_name(p),
				    vsw_switch_name(s->sw));
		}
	return 0;
}

int vswd_netstack_cmd(struct vswd *d, const struct vswcmd *c, char *err, size_t errlen)
{
	const char *name = c->pos[0];
	int e;

	if (!d->host_ok)
		ERR("TCP/IP stacks are not made here");
	if (c->verb == VERB_ADD) {
		char **more = realloc(d->stacks, sizeof(*more) * (size_t)(d->nstacks + 1));
		if (!more)
			ERR("out of memory");
		d->stacks = more;
		if (!(d->stacks[d->nstacks] = strdup(name)))
			ERR("out of memory");
		e = vsw_netstack_add(name);
		if (e) {
			free(d->stacks[d->nstacks]);
			ERR("TCP/IP stack '%s': %s", name, e == -EEXIST ? "exists" : strerror(-e));
		}
		d->nstacks++;
		return 0;
	}
	if (stack_user(d, name, err, errlen))
		return -1;
	e = vsw_netstack_remove(name);
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
		vsw_netstack_remove(d->stacks[i]);
		free(d->stacks[i]);
	}
	free(d->stacks);
	d->stacks = NULL;
	d->nstacks = 0;
}
