/* SPDX-License-Identifier: MIT */
/**
 * @file vsw_host.h
 * @brief libvsw: VMkernel interfaces and TCP/IP stacks in the host kernel.
 *
 * A VMkernel port (struct vsw_vmk, made by vsw_vmk_add() of vsw.h) is first
 * a virtual port on the switch: a MAC address in a port group, and a set of
 * services. This header makes it the host's own interface as well, as an
 * ESXi VMkernel adapter is: a tap device named after the port, with IP
 * addresses, an MTU and routes, in a TCP/IP stack (a network namespace).
 * These calls talk to the host kernel: rtnetlink, tap devices, network
 * namespaces mounted on /run/netns, and the privileges those take.
 *
 * The functions belong to libvsw itself (the same library, the same
 * pkg-config file, the same symbol versions); only their declarations live
 * apart from vsw.h, which never includes this header. A host program that
 * never includes vsw_host.h never runs netlink: an emulator that moves
 * frames with vsw_port_input() and a receive callback needs none of it.
 */
#ifndef VSW_HOST_H
#define VSW_HOST_H

#include <vsw.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @defgroup vmkiface VMkernel interfaces in the host
 *
 * The interface of a VMkernel port in the host kernel: a tap device
 * named after the port, with addresses, an MTU and routes, set over
 * rtnetlink, in a TCP/IP stack (see @ref netstack).
 * @{
 */

/**
 * @brief Options of vsw_vmk_iface_create().
 *
 * Zero-initialise and set @c size to sizeof(struct vsw_vmk_iface_opts):
 * later versions may add fields at the end.
 */
struct vsw_vmk_iface_opts {
	/** sizeof(struct vsw_vmk_iface_opts), as the caller knows it. */
	size_t size;
	/** The TCP/IP stack: NULL, "" or "default" for the calling thread's
	 *  network namespace; another name for the named network namespace
	 *  /run/netns/NAME (see vsw_netstack_add()). */
	const char *netstack;
	/** The interface's MTU, VSW_MTU_MIN to the switch's MTU; 0 for the
	 *  switch's MTU. */
	unsigned int mtu;
	/** 1: the interface is persistent (its tap has TUNSETPERSIST): it
	 *  outlives the port, the switch and the process, even a SIGKILL, and
	 *  the next vsw_vmk_iface_create() of that name in that stack adopts
	 *  it with its addresses and routes. 0 (the default): it goes with the
	 *  port. Other values are @c -EINVAL. @since 2.1 */
	int persist;
};

/**
 * @brief Give a VMkernel port its interface in the host: a tap named after
 *        the port, in a TCP/IP stack.
 *
 * Creates the tap device @c NAME (the port's name) with the port's MAC
 * address in the stack's network namespace, sets its MTU, brings it up and
 * attaches it to the port as its backend. The host's TCP/IP stack then
 * sends and receives on the port group through it; give it addresses with
 * vsw_vmk_ip_add(). Removing the port (or detaching its backend) deletes
 * the interface and its addresses.
 *
 * A tap of that name already in the stack is adopted rather than created
 * (its MAC and MTU are set again; a device of that name that is not a tap
 * is @c -EEXIST). With @c persist set (since 2.1) the interface is made
 * persistent: removing the port, freeing the switch or the process dying
 * leaves it in the stack with its addresses and routes, and a later call
 * for a port of that name adopts it (the same ifindex), where
 * vsw_vmk_ip_add() of an address it already has succeeds. To remove such
 * an interface for good, call vsw_backend_set_persist() with 0 on the
 * port's backend (vsw_port_backend()) before removing the port.
 *
 * For a named stack the calling thread enters its network namespace for
 * the duration of the call and returns to its own; that takes
 * CAP_SYS_ADMIN, and creating a tap CAP_NET_ADMIN.
 *
 * @param k     The VMkernel port.
 * @param opts  Options, or NULL for the default stack and the switch's MTU.
 * @return 0 on success, or
 *  - @c -EINVAL: @p k is NULL, @p opts has a bad size, a stack name that
 *    is not 1 to VSW_NAME_MAX of [A-Za-z0-9._-], or an MTU out of range;
 *    or the port's name is not usable as an interface's (a '/', a space,
 *    or a '%', which the kernel would take as a template);
 *  - @c -ENAMETOOLONG: the port's name is longer than 15 bytes, too long
 *    for an interface;
 *  - @c -EBUSY: the port already has a backend, or the call was made from
 *    a receive callback, or the tap of that name is open elsewhere;
 *  - @c -EEXIST: the stack has a device of that name that is not a tap;
 *  - @c -ENOENT: no such stack, or no /dev/net/tun;
 *  - @c -EPERM, @c -EACCES: not privileged enough;
 *  - @c -ENOMEM: out of memory;
 *  - @c -EINTR: a signal interrupted the wait for the kernel's answer
 *    to the MTU request;
 *  - @c -EPROTO: the kernel's answer was malformed;
 *  - @c -EIO: the tap backend failed without an errno;
 *  - another negative errno from the kernel.
 * @since 1.1
 */
VSW_API int vsw_vmk_iface_create(struct vsw_vmk *k, const struct vsw_vmk_iface_opts *opts);

/**
 * @brief The TCP/IP stack of a VMkernel port's interface.
 * @param k  The VMkernel port.
 * @return "default" or the stack's name; NULL if @p k is NULL or has no
 *         interface of vsw_vmk_iface_create().
 * @since 1.1
 */
VSW_API const char *vsw_vmk_netstack(const struct vsw_vmk *k);

/**
 * @brief The MTU of a VMkernel port's interface.
 * @param k  The VMkernel port.
 * @return The MTU libvsw last set, or @c -EINVAL (@p k is NULL) or
 *         @c -ENOENT (no interface: never made, or its backend was
 *         detached).
 * @since 1.1
 */
VSW_API int vsw_vmk_mtu(const struct vsw_vmk *k);

/**
 * @brief Change the MTU of a VMkernel port's interface.
 * @param k    The VMkernel port.
 * @param mtu  VSW_MTU_MIN to the switch's MTU.
 * @return 0 on success, or @c -EINVAL (@p k is NULL, @p mtu out of range),
 *         @c -ENOENT (no interface: never made, or its backend was
 *         detached), @c -EBUSY (called from a vsw_vmk_ip_foreach() or
 *         vsw_vmk_route_foreach() callback), or the kernel's negative errno:
 *         among them @c -EINTR (a signal interrupted the wait for the
 *         kernel's answer: the MTU may have changed) and @c -EPROTO (a
 *         malformed answer).
 * @since 1.1
 */
VSW_API int vsw_vmk_set_mtu(struct vsw_vmk *k, unsigned int mtu);

/**
 * @brief Add an IPv4 or IPv6 address to a VMkernel port's interface.
 *
 * IPv6 addresses are usable at once (no duplicate address detection), as
 * static addresses on ESXi are. The stack adds the route to the prefix.
 *
 * @param k     The VMkernel port.
 * @param cidr  Address and prefix length: "192.0.2.10/24", "2001:db8::10/64".
 * @return 0 on success, or @c -EINVAL (@p k is NULL, @p cidr malformed),
 *         @c -ENOENT (no interface: never made, or its backend was
 *         detached), @c -EBUSY (called from a vsw_vmk_ip_foreach() or
 *         vsw_vmk_route_foreach() callback), @c -EEXIST (the interface has that address;
 *         since 2.1, on a persistent interface (vsw_vmk_iface_opts.persist)
 *         the same address with the same prefix length is 0, done, as an
 *         adopted interface keeps its addresses), or the
 *         kernel's negative errno: among them @c -EINTR (a signal
 *         interrupted the wait for the kernel's answer: the change may
 *         have been made) and @c -EPROTO (a malformed answer).
 * @since 1.1
 */
VSW_API int vsw_vmk_ip_add(struct vsw_vmk *k, const char *cidr);

/**
 * @brief Remove an address from a VMkernel port's interface.
 * @param k     The VMkernel port.
 * @param cidr  Address and prefix length, as given to vsw_vmk_ip_add().
 * @return 0 on success, or @c -EINVAL, @c -ENOENT, @c -EBUSY as for
 *         vsw_vmk_ip_add(), @c -EADDRNOTAVAIL (the interface has no such
 *         address), or the kernel's negative errno, @c -EINTR and
 *         @c -EPROTO included as for vsw_vmk_ip_add().
 * @since 1.1
 */
VSW_API int vsw_vmk_ip_remove(struct vsw_vmk *k, const char *cidr);

/**
 * @brief Called by vsw_vmk_ip_foreach() for each address.
 *
 * It must not change the port's interface or the switch: those calls
 * return @c -EBUSY while the walk runs, as from a receive callback.
 *
 * @param cidr  The address and its prefix length, e.g. "192.0.2.10/24".
 * @param user  The caller's pointer.
 * @return 0 to go on, anything else to stop (vsw_vmk_ip_foreach()
 *         returns it).
 */
typedef int (*vsw_vmk_ip_fn)(const char *cidr, void *user);

/**
 * @brief Visit the addresses of a VMkernel port's interface, as the
 *        kernel has them (IPv6 link-local ones included).
 * @param k     The VMkernel port.
 * @param fn    Called for each address.
 * @param user  Passed to @p fn.
 * @return 0 after the last address, @p fn's non-zero return, or
 *         @c -EINVAL (@p k or @p fn is NULL), @c -ENOENT (no interface:
 *         never made, or its backend was detached), @c -EBUSY (called from
 *         a callback of a walk of this port), or the kernel's negative
 *         errno (@c -EPROTO: a malformed answer).
 * @since 1.1
 */
VSW_API int vsw_vmk_ip_foreach(struct vsw_vmk *k, vsw_vmk_ip_fn fn, void *user);

/**
 * @brief Add a route through a VMkernel port's interface, in its TCP/IP
 *        stack: a default gateway, or a static route.
 *
 * ESXi gives each TCP/IP stack its own default gateway: here it is a
 * default route through one of the stack's VMkernel ports, in the main
 * routing table of the port's stack. A destination has one route per
 * stack: a second default gateway of a family, through this port or
 * another of the stack, is refused.
 *
 * @param k        The VMkernel port.
 * @param dst      "default", or a network "192.0.2.0/24", "2001:db8::/32".
 * @param gateway  The next hop ("192.0.2.1", "2001:db8::1", "fe80::1"), of
 *                 the family of @p dst; NULL for a network on the link.
 *                 Required for "default".
 * @return 0 on success, or
 *  - @c -EINVAL: @p k or @p dst NULL, malformed, or of two families;
 *    "default" without a gateway;
 *  - @c -ENOENT: no interface (never made, or its backend was detached);
 *  - @c -EBUSY: called from a vsw_vmk_ip_foreach() or
 *    vsw_vmk_route_foreach() callback;
 *  - @c -EEXIST: the stack has a route to @p dst already;
 *  - @c -ENETUNREACH (IPv4), @c -EHOSTUNREACH (IPv6): the gateway is not
 *    on the networks of the port's interface (the kernel's answers);
 *  - @c -EINTR: a signal interrupted the wait for the kernel's answer (the
 *    route may have been added);
 *  - @c -EPROTO: the kernel's answer was malformed;
 *  - another negative errno from the kernel.
 * @since 1.1
 */
VSW_API int vsw_vmk_route_add(struct vsw_vmk *k, const char *dst, const char *gateway);

/**
 * @brief Remove a route that vsw_vmk_route_add() (or anyone) added through
 *        a VMkernel port's interface.
 * @param k        The VMkernel port.
 * @param dst      As given to vsw_vmk_route_add().
 * @param gateway  As given to vsw_vmk_route_add(); NULL matches a route
 *                 through the interface with any gateway ("default" with
 *                 NULL: the default routes of both families).
 * @return 0 on success, or @c -EINVAL, @c -ENOENT, @c -EBUSY as for
 *         vsw_vmk_route_add(), @c -ESRCH (no such route), or the kernel's
 *         negative errno, @c -EINTR and @c -EPROTO included as for
 *         vsw_vmk_route_add().
 * @since 1.1
 */
VSW_API int vsw_vmk_route_remove(struct vsw_vmk *k, const char *dst, const char *gateway);

/**
 * @brief Called by vsw_vmk_route_foreach() for each route.
 *
 * It must not change the port's interface or the switch: those calls
 * return @c -EBUSY while the walk runs, as from a receive callback.
 *
 * @param dst      "default" or the network, e.g. "192.0.2.0/24".
 * @param gateway  The next hop, or NULL for a route on the link.
 * @param user     The caller's pointer.
 * @return 0 to go on, anything else to stop (vsw_vmk_route_foreach()
 *         returns it).
 */
typedef int (*vsw_vmk_route_fn)(const char *dst, const char *gateway, void *user);

/**
 * @brief Visit the routes through a VMkernel port's interface in its
 *        stack's main table, but those the kernel makes for the
 *        interface's own addresses.
 * @param k     The VMkernel port.
 * @param fn    Called for each route.
 * @param user  Passed to @p fn.
 * @return 0 after the last route, @p fn's non-zero return, or @c -EINVAL
 *         (@p k or @p fn is NULL), @c -ENOENT (no interface), @c -EBUSY
 *         (called from a callback of a walk of this port), or the kernel's
 *         negative errno (@c -EPROTO: a malformed answer).
 * @since 1.1
 */
VSW_API int vsw_vmk_route_foreach(struct vsw_vmk *k, vsw_vmk_route_fn fn, void *user);

/** @} */

/**
 * @defgroup netstack TCP/IP stacks
 * @{
 *
 * ESXi separates the traffic of VMkernel ports into TCP/IP stacks
 * (default, vmotion, provisioning, or custom ones), each with its own
 * routing table. A stack here is a network namespace, named as iproute2's
 * `ip netns` names them (/run/netns/NAME): `ip netns exec vmotion ...`
 * runs a command in the vmotion stack. These functions make and remove
 * them; "default" is always the caller's own and is neither.
 */

/**
 * @brief Create the TCP/IP stack @p name: a named network namespace with
 *        its loopback up.
 *
 * Takes CAP_SYS_ADMIN (it mounts the namespace on /run/netns/NAME, making
 * /run/netns a shared mount point first, as `ip netns add` does). The
 * caller's threads stay in their namespaces.
 *
 * @param name  1 to VSW_NAME_MAX of [A-Za-z0-9._-], not "default".
 * @return 0 on success, or @c -EINVAL (a bad name), @c -EEXIST (a stack
 *         of that name exists), @c -EPERM, or another negative errno.
 * @since 1.1
 */
VSW_API int vsw_netstack_add(const char *name);

/**
 * @brief Remove the TCP/IP stack @p name.
 *
 * Unmounts and deletes /run/netns/NAME, so that the name is free again.
 * The namespace itself lives on while anything uses it: a VMkernel port
 * whose interface is in it keeps it (through the tap and its rtnetlink
 * socket), and the interface keeps working, in a stack that no longer has
 * a name, until the port is removed or its backend detached. Remove those
 * ports first.
 *
 * @param name  A stack's name, not "default".
 * @return 0 on success, or @c -EINVAL (a bad name), @c -ENOENT (no such
 *         stack), @c -EPERM, or another negative errno.
 * @since 1.1
 */
VSW_API int vsw_netstack_remove(const char *name);

/** @} */

#ifdef __cplusplus
}
#endif

#endif /* VSW_HOST_H */
