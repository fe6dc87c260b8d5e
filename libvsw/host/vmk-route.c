// SPDX-License-Identifier: MIT
/*
 * vmk-route.c - routes through a VMkernel port's interface: the default
 * gateway ESXi gives each TCP/IP stack (and lets a port override), and
 * static routes. They go into the main table of the port's stack, over
 * the rtnetlink socket that was opened in that stack (vmk-iface.c).
 */
#include "vsw_host.h"
#include "core/log.h"
#include "host/host.h"
#include "host/rtnl.h"

#include <arpa/inet.h>
#include <stdio.h>

/* dst ("default" or a network) and gateway (or NULL) into bytes; the
 * family is the one both share. */
static int parse_route(const char *dst, const char *gateway, bool add, int *family,
		       uint8_t net[16], unsigned int *len, uint8_t gw[16])
{
	int gw_family = AF_UNSPEC;

	if (gateway) {
		if (inet_pton(AF_INET, gateway, gw) == 1)
			gw_family = AF_INET;
		else if (inet_pton(AF_INET6, gateway, gw) == 1)
			gw_family = AF_INET6;
		else
			return -EINVAL;
	}
	if (!strcmp(dst, "default")) {
		if (!gateway && add)
			return -EINVAL; /* a default route on the link is not what anyone means */
		memset(net, 0, 16);
		*len = 0;
		*family = gw_family; /* AF_UNSPEC: removal of either family's */
		return 0;
	}
	if (vsw__parse_cidr(dst, family, net, len))
		return -EINVAL;
	if (!*len && !gateway && add)
		return -EINVAL; /* "0.0.0.0/0" is "default" */
	return gateway && gw_family != *family ? -EINVAL : 0;
}

static int route_change(struct vsw_vmk *k, const char *dst, const char *gateway, bool add)
{
	uint8_t net[16], gw[16];
	unsigned int len;
	int family, err;

	if (!k || !dst || parse_route(dst, gateway, add, &family, net, &len, gw))
		return -EINVAL;
	err = vsw__vmk_iface_usable(k);
	if (err)
		return err;
	if (family == AF_UNSPEC) {
		/* "default" with any gateway: the IPv4 one, the IPv6 one, or both */
		int e4 = vsw__rtnl_route(k->rtnl, k->ifindex, false, AF_INET, net, 0, NULL);
		int e6 = vsw__rtnl_route(k->rtnl, k->ifindex, false, AF_INET6, net, 0, NULL);
		err = !e4 || !e6 ? 0 : e4 != -ESRCH ? e4 : e6;
	} else {
		err = vsw__rtnl_route(k->rtnl, k->ifindex, add, family, net, len, gateway ? gw : NULL);
	}
	if (!err)
		vsw__info(k->port.sw, "vmk %s: %s route %s%s%s", k->port.name, add ? "added" : "removed",
			  dst, gateway ? " via " : "", gateway ? gateway : "");
	return err;
}

int vsw_vmk_route_add(struct vsw_vmk *k, const char *dst, const char *gateway)
{
	return route_change(k, dst, gateway, true);
}

int vsw_vmk_route_remove(struct vsw_vmk *k, const char *dst, const char *gateway)
{
	return route_change(k, dst, gateway, false);
}

struct route_walk {
	vsw_vmk_route_fn fn;
	void *user;
};

static int format_route(int family, const uint8_t *dst, unsigned int len, const uint8_t *gw,
			void *user)
{
	struct route_walk *w = user;
	char net[INET6_ADDRSTRLEN + 8] = "default", via[INET6_ADDRSTRLEN];

	if (len) {
		if (!inet_ntop(family, dst, net, INET6_ADDRSTRLEN))
			return 0;
		snprintf(net + strlen(net), sizeof(net) - strlen(net), "/%u", len);
	}
	if (gw && !inet_ntop(family, gw, via, sizeof(via)))
		return 0;
	return w->fn(net, gw ? via : NULL, w->user);
}

int vsw_vmk_route_foreach(struct vsw_vmk *k, vsw_vmk_route_fn fn, void *user)
{
	struct route_walk w = { fn, user };
	int err = vsw__vmk_walk_begin(k, fn != NULL);

	if (err)
		return err;
	err = vsw__rtnl_route_foreach(k->rtnl, k->ifindex, format_route, &w);
	vsw__vmk_walk_end(k);
	return err;
}
