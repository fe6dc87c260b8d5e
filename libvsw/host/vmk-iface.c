// SPDX-License-Identifier: MIT
/*
 * vmk-iface.c - a VMkernel port's interface in the host: a tap named after
 * the port (vmk0, ...), with the port's MAC, in the TCP/IP stack the caller
 * names, with the MTU and the IPv4 and IPv6 addresses set over rtnetlink.
 *
 * The tap is created from inside the stack's network namespace (the
 * calling thread enters it for the call, and returns), and so is a
 * NETLINK_ROUTE socket that the port keeps: later address and MTU changes
 * go through it and reach that stack without entering it again. The tap
 * is the port's backend; closing it deletes the interface, and its
 * addresses go with it, unless the interface is persistent (opts.persist):
 * then it stays, and the next vsw_vmk_iface_create() of that name in that
 * stack adopts it, addresses and all.
 */
#include "vsw_host.h"
#include "core/log.h"
#include "backends/private.h"
#include "host/host.h"
#include "host/rtnl.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

void vsw__vmk_iface_release(struct vsw_vmk *k)
{
	if (k->rtnl >= 0)
		close(k->rtnl);
	k->rtnl = -1;
	k->iface = NULL;
	k->persist = false;
}

/* The interface is there while the port still has the tap we made
 * (vsw_port_detach() releases it). */
static int iface_of(const struct vsw_vmk *k)
{
	if (!k)
		return -EINVAL;
	return k->iface ? 0 : -ENOENT;
}

/* What changes the interface or talks to its stack: one rtnetlink socket,
 * so nothing from inside an address walk. */
int vsw__vmk_iface_usable(const struct vsw_vmk *k)
{
	int err = iface_of(k);

	return err ? err : k->in_walk ? -EBUSY : 0;
}

static int mtu_ok(const struct vsw_vmk *k, unsigned int mtu)
{
	return mtu >= VSW_MTU_MIN && mtu <= k->port.sw->mtu ? 0 : -EINVAL;
}

/* Everything that must happen inside the stack: the tap, its index, and
 * the socket that reaches the stack later. */
static int create_in_stack(struct vsw_vmk *k, bool persist, struct vsw_backend **be)
{
	char opts[48];
	const uint8_t *m = k->port.mac;
	int err;

	/* adopt-or-create: a persistent interface left by an earlier run is
	 * taken over, its MAC (and then its MTU) set again */
	snprintf(opts, sizeof(opts), "mac=%02x:%02x:%02x:%02x:%02x:%02x%s", m[0], m[1], m[2], m[3],
		 m[4], m[5], persist ? ",persist" : "");
	char spec[8 + IFNAMSIZ];
	snprintf(spec, sizeof(spec), "tap:%s", k->port.name);
	err = vsw_backend_open(spec, opts, be);
	if (err)
		return err;
	k->ifindex = vsw__netdev_ifindex(k->port.name);
	k->rtnl = k->ifindex < 0 ? k->ifindex : vsw__rtnl_open();
	if (k->rtnl < 0) {
		err = k->rtnl;
		k->rtnl = -1;
		vsw_backend_close(*be);
		*be = NULL;
	}
	return err;
}

static const struct vsw__host_ops host_ops;

int vsw_vmk_iface_create(struct vsw_vmk *k, const struct vsw_vmk_iface_opts *opts)
{
	struct vsw_vmk_iface_opts o = { 0 };
	struct vsw_backend *be = NULL;
	int saved, err, err2;

	if (!k)
		return -EINVAL;
	if (opts) {
		size_t known = vsw__offsetofend(struct vsw_vmk_iface_opts, persist);
		err = vsw__check_opts_size(opts, opts->size, known);
		if (err)
			return err;
		memcpy(&o, opts, opts->size < known ? opts->size : known);
	}
	if (!vsw__netns_is_default(o.netstack) && vsw__netns_check_name(o.netstack))
		return -EINVAL;
	if ((o.mtu && mtu_ok(k, o.mtu)) || (o.persist != 0 && o.persist != 1))
		return -EINVAL;
	if (strlen(k->port.name) >= IFNAMSIZ)
		return -ENAMETOOLONG;
	/* the tap takes the port's name: no template ("%d") or path in it */
	if (vsw__netdev_name_ok(k->port.name) || strchr(k->port.name, '%'))
		return -EINVAL;
	if (k->iface || k->port.be)
		return -EBUSY;
	if (vsw__busy(k->port.sw))
		return -EBUSY;

	err = vsw__netns_enter(o.netstack, &saved);
	if (err)
		return err;
	err = create_in_stack(k, o.persist, &be);
	err2 = vsw__netns_leave(saved);
	if (err2) {
		/* the thread is stranded in the stack: nothing may go on */
		vsw__err(k->port.sw, "vmk %s: cannot leave TCP/IP stack '%s': %s", k->port.name,
			 o.netstack, strerror(-err2));
		if (!err) {
			vsw_backend_close(be);
			vsw__vmk_iface_release(k);
		}
		return err2;
	}
	if (err)
		return err;
	k->mtu = o.mtu ? o.mtu : k->port.sw->mtu;
	err = vsw__rtnl_set_mtu(k->rtnl, k->ifindex, k->mtu);
	if (!err)
		err = vsw_port_attach_backend(&k->port, be);
	if (err) {
		vsw_backend_close(be);
		vsw__vmk_iface_release(k);
		return err;
	}
	k->iface = be;
	k->persist = o.persist;
	k->port.sw->host = &host_ops;
	snprintf(k->netstack, sizeof(k->netstack), "%s",
		 vsw__netns_is_default(o.netstack) ? "default" : o.netstack);
	vsw__info(k->port.sw, "vmk %s: %sinterface in TCP/IP stack '%s', MTU %u", k->port.name,
		  o.persist ? "persistent " : "", k->netstack, k->mtu);
	return 0;
}

const char *vsw_vmk_netstack(const struct vsw_vmk *k)
{
	return iface_of(k) ? NULL : k->netstack;
}

int vsw_vmk_mtu(const struct vsw_vmk *k)
{
	int err = iface_of(k);

	return err ? err : (int)k->mtu;
}

/* The interfaces that a switch MTU of 'mtu' must lower. */
static bool above(const struct vsw_port *p, unsigned int mtu)
{
	const struct vsw_vmk *k = vsw_port_to_vmk((struct vsw_port *)p);

	return k && !vsw__vmk_iface_usable(k) && k->mtu > mtu;
}

int vsw__vmk_iface_clamp_mtu(struct vsw_switch *sw, unsigned int mtu)
{
	struct vsw_port *p, *q;
	int err = 0;

	for (p = vsw_port_next(sw, NULL); p; p = vsw_port_next(sw, p)) {
		if (!above(p, mtu))
			continue;
		err = vsw__rtnl_set_mtu(vsw_port_to_vmk(p)->rtnl, vsw_port_to_vmk(p)->ifindex, mtu);
		if (err)
			break;
	}
	if (err) {
		/* all or nothing: the switch keeps its MTU, so the interfaces
		 * lowered so far go back to theirs */
		for (q = vsw_port_next(sw, NULL); q != p; q = vsw_port_next(sw, q))
			if (above(q, mtu))
				(void)vsw__rtnl_set_mtu(vsw_port_to_vmk(q)->rtnl,
							vsw_port_to_vmk(q)->ifindex,
							vsw_port_to_vmk(q)->mtu);
		return err;
	}
	for (p = vsw_port_next(sw, NULL); p; p = vsw_port_next(sw, p))
		if (above(p, mtu))
			vsw_port_to_vmk(p)->mtu = mtu;
	return 0;
}

int vsw_vmk_set_mtu(struct vsw_vmk *k, unsigned int mtu)
{
	int err;

	if (!k || mtu_ok(k, mtu))
		return -EINVAL;
	err = vsw__vmk_iface_usable(k);
	if (err)
		return err;
	err = vsw__rtnl_set_mtu(k->rtnl, k->ifindex, mtu);
	if (!err)
		k->mtu = mtu;
	return err;
}

/* "192.0.2.10/24" or "2001:db8::10/64" into family, bytes and prefix. */
int vsw__parse_cidr(const char *cidr, int *family, uint8_t addr[16], unsigned int *prefix)
{
	char buf[INET6_ADDRSTRLEN + 8], *slash, *end;
	unsigned long p;

	if (!cidr || strlen(cidr) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, cidr);
	slash = strchr(buf, '/');
	if (!slash || !slash[1])
		return -EINVAL;
	*slash = 0;
	if (inet_pton(AF_INET, buf, addr) == 1)
		*family = AF_INET;
	else if (inet_pton(AF_INET6, buf, addr) == 1)
		*family = AF_INET6;
	else
		return -EINVAL;
	if (slash[1] < '0' || slash[1] > '9')
		return -EINVAL;
	p = strtoul(slash + 1, &end, 10);
	if (*end || p > (*family == AF_INET ? 32u : 128u))
		return -EINVAL;
	*prefix = (unsigned int)p;
	return 0;
}

struct same_addr {
	int family;
	const uint8_t *addr;
	unsigned int prefix;
};

static int is_same(int family, const uint8_t *addr, unsigned int prefix, void *user)
{
	const struct same_addr *a = user;

	return family == a->family && prefix == a->prefix &&
	       !memcmp(addr, a->addr, family == AF_INET ? 4 : 16);
}

static int ip_change(struct vsw_vmk *k, const char *cidr, bool add)
{
	uint8_t addr[16];
	unsigned int prefix;
	int family, err;

	/* a bad argument is -EINVAL whatever the port's state */
	if (!k || vsw__parse_cidr(cidr, &family, addr, &prefix))
		return -EINVAL;
	err = vsw__vmk_iface_usable(k);
	if (err)
		return err;
	err = vsw__rtnl_addr(k->rtnl, k->ifindex, add, family, addr, prefix);
	if (err == -EEXIST && k->persist) {
		/* an adopted interface kept its addresses: the same one again
		 * is done (one of another prefix is still -EEXIST) */
		struct same_addr a = { family, addr, prefix };
		if (vsw__rtnl_addr_foreach(k->rtnl, k->ifindex, is_same, &a) == 1) {
			vsw__dbg(k->port.sw, "vmk %s: has %s already", k->port.name, cidr);
			return 0;
		}
	}
	if (!err)
		vsw__info(k->port.sw, "vmk %s: %s %s", k->port.name, add ? "added" : "removed", cidr);
	return err;
}

int vsw_vmk_ip_add(struct vsw_vmk *k, const char *cidr)
{
	return ip_change(k, cidr, true);
}

int vsw_vmk_ip_remove(struct vsw_vmk *k, const char *cidr)
{
	return ip_change(k, cidr, false);
}

struct foreach_ctx {
	vsw_vmk_ip_fn fn;
	void *user;
};

static int format_one(int family, const uint8_t *addr, unsigned int prefix, void *user)
{
	struct foreach_ctx *c = user;
	char text[INET6_ADDRSTRLEN + 8];

	if (!inet_ntop(family, addr, text, INET6_ADDRSTRLEN))
		return 0;
	snprintf(text + strlen(text), sizeof(text) - strlen(text), "/%u", prefix);
	return c->fn(text, c->user);
}

int vsw__vmk_walk_begin(struct vsw_vmk *k, bool have_fn)
{
	int err;

	if (!k || !have_fn)
		return -EINVAL;
	err = vsw__vmk_iface_usable(k);
	if (!err) {
		k->in_walk = true;
		/* and the switch: no port or switch may go under the walk */
		k->walk_was_busy = k->port.sw->in_flush;
		k->port.sw->in_flush = true;
	}
	return err;
}

void vsw__vmk_walk_end(struct vsw_vmk *k)
{
	k->in_walk = false;
	k->port.sw->in_flush = k->walk_was_busy;
}

int vsw_vmk_ip_foreach(struct vsw_vmk *k, vsw_vmk_ip_fn fn, void *user)
{
	struct foreach_ctx c = { fn, user };
	int err = vsw__vmk_walk_begin(k, fn != NULL);

	if (err)
		return err;
	err = vsw__rtnl_addr_foreach(k->rtnl, k->ifindex, format_one, &c);
	vsw__vmk_walk_end(k);
	return err;
}

static const struct vsw__host_ops host_ops = {
	.release = vsw__vmk_iface_release,
	.lower_mtu = vsw__vmk_iface_clamp_mtu,
};
