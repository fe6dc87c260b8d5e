/* SPDX-License-Identifier: MIT */
/*
 * host.h - VMkernel interfaces in the host kernel (vmk-iface.c, its
 * addresses and routes in vmk-route.c), shared between the files of host/.
 * The core reaches them only through struct vsw__host_ops, which
 * vsw_vmk_iface_create() installs on the switch.
 */
#ifndef VSW_HOST_HOST_H
#define VSW_HOST_HOST_H

#include <stdbool.h>
#include <stdint.h>

#include "core/objects.h"

/* Release what vsw_vmk_iface_create() made (the tap goes with the port's
 * backend); the core calls it through struct vsw__host_ops. */
void vsw__vmk_iface_release(struct vsw_vmk *k);
/* 0 if the port has its interface and no walk runs; else -ENOENT, -EBUSY */
int vsw__vmk_iface_usable(const struct vsw_vmk *k);
/* Before the switch's MTU goes down to 'mtu': VMkernel interfaces above it
 * follow, as their larger frames would be dropped as oversize. All or
 * nothing: 0, or rtnetlink's -errno with every interface as it was. */
int vsw__vmk_iface_clamp_mtu(struct vsw_switch *sw, unsigned int mtu);
/* Start a walk of the port's addresses or routes: -EINVAL, -ENOENT, -EBUSY,
 * or 0 with the port and its switch busy until vsw__vmk_walk_end(). */
int vsw__vmk_walk_begin(struct vsw_vmk *k, bool have_fn);
void vsw__vmk_walk_end(struct vsw_vmk *k);
/* "192.0.2.10/24", "2001:db8::10/64" into family, address and prefix */
int vsw__parse_cidr(const char *cidr, int *family, uint8_t addr[16], unsigned int *prefix);

#endif
