/* SPDX-License-Identifier: MIT */
/*
 * rtnl.h - the few rtnetlink requests a VMkernel port's interface needs:
 * its MTU, its addresses and routes, and the lists of them. Requests go through a
 * NETLINK_ROUTE socket that was opened inside the interface's network
 * namespace, so they reach that namespace whichever one the calling thread
 * is in when it makes them.
 */
#ifndef VSW_RTNL_H
#define VSW_RTNL_H

#include <stdbool.h>
#include <stdint.h>

/* A NETLINK_ROUTE socket in the calling thread's namespace, or -errno. */
int vsw__rtnl_open(void);

/* Set the MTU of interface 'ifindex': 0 or -errno. */
int vsw__rtnl_set_mtu(int fd, int ifindex, unsigned int mtu);

/* Add or delete an address: 0 or -errno (-EEXIST, -EADDRNOTAVAIL...). */
int vsw__rtnl_addr(int fd, int ifindex, bool add, int family, const uint8_t *addr,
		   unsigned int prefix);

/* Call 'fn' for each address of 'ifindex' (family, bytes, prefix); stops
 * at fn's first non-zero return, which it returns; else 0 or -errno. */
int vsw__rtnl_addr_foreach(int fd, int ifindex,
			   int (*fn)(int family, const uint8_t *addr, unsigned int prefix, void *user),
			   void *user);

/* Add or delete a route of the main table through 'ifindex': to dst/dst_len
 * (dst_len 0: the default route), via 'gw' or, if NULL, on the link. */
int vsw__rtnl_route(int fd, int ifindex, bool add, int family, const uint8_t *dst,
		    unsigned int dst_len, const uint8_t *gw);

/* Call 'fn' for each unicast route of the main table through 'ifindex'
 * that the kernel did not add for an address (gw NULL: on the link);
 * stops as vsw__rtnl_addr_foreach() does. */
int vsw__rtnl_route_foreach(int fd, int ifindex,
			    int (*fn)(int family, const uint8_t *dst, unsigned int dst_len,
				      const uint8_t *gw, void *user),
			    void *user);

#endif
