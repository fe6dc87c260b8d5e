/* SPDX-License-Identifier: MIT */
/*
 * host.h - the host's side of vswd's switches (host.c): VMkernel ports'
 * interfaces in the host kernel (a tap in a TCP/IP stack, its MTU,
 * addresses and default gateways), the TCP/IP stacks themselves, and the
 * rule that one VMkernel port of the host carries Fault Tolerance logging.
 * Only where struct vswd's host_ok is set: the daemon, not the fuzzer.
 */
#ifndef VSWD_HOST_H
#define VSWD_HOST_H

#include "exec.h"

/* The commands: each returns 0, or -1 with one line in 'err'. */
/* -1 if 'services' has FT logging and a VMkernel port of the host other
 * than 'self' carries it. */
int vswd_ft_check(struct vswd *d, const struct vsw_port *self, unsigned int services, char *err,
		  size_t errlen);
/* After vmk add: the interface of --netstack/--ip/--mtu, if any. */
int vswd_vmk_iface(struct vswd *d, struct vsw_vmk *k, const struct vswcmd *c, char *err,
		   size_t errlen);
/* vmk set: --services, --mtu, --ip. */
int vswd_vmk_set(struct vswd *d, struct vsw_vmk *k, const struct vswcmd *c, char *err,
		 size_t errlen);
int vswd_netstack_cmd(struct vswd *d, const struct vswcmd *c, char *err, size_t errlen);
/* Remove the stacks this daemon made (after its switches are gone). */
void vswd_netstack_cleanup(struct vswd *d);

/* For the read commands: a VMkernel port's interface, its TCP/IP stack
 * (NULL: it has none), MTU, addresses (not link-local) and default
 * gateways. */
struct view_vmk_iface {
	const char *netstack;
	int mtu;
	char ips[VSWCMD_MAX_IPS * 4][64];
	int nips;
	char gws[4][64];
	int ngws;
};
/* Fills 'v'; false when the port has no interface. */
bool vswd_vmk_iface_view(struct vsw_vmk *k, struct view_vmk_iface *v);

#endif
