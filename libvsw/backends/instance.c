// SPDX-License-Identifier: MIT
/*
 * instance.c - what a backend implementation calls on its own instance
 * (vsw_backend.h): its private pointer, telling the switch that its link
 * changed or that its send has room again (a flag and a wake-up of the
 * event loop, from any thread), counting what it drops on its port, and
 * whether a port owns it.
 * Kept apart from the registry, which names every built-in backend, so that
 * calls between backends/ files go one way.
 */
#include "core/objects.h"
#include "backends/backends.h"
#include "backends/private.h"

void *vsw_backend_priv(const struct vsw_backend *be)
{
	return be ? be->priv : NULL;
}

void vsw_backend_set_priv(struct vsw_backend *be, void *priv)
{
	if (be)
		be->priv = priv;
}

void vsw_backend_notify(struct vsw_backend *be)
{
	if (!be)
		return;
	__atomic_store_n(&be->notified, 1, __ATOMIC_RELEASE);
	vsw__backend_wake(be);
}

void vsw_backend_writable(struct vsw_backend *be)
{
	if (!be)
		return;
	__atomic_store_n(&be->writable, 1, __ATOMIC_RELEASE);
	vsw__backend_wake(be);
}

int vsw_backend_count(struct vsw_backend *be, enum vsw_counter ctr, uint64_t n)
{
	if (!be || (ctr != VSW_CTR_TRUNCATED && ctr != VSW_CTR_RX_DROPPED
		    && ctr != VSW_CTR_RX_ERRORS && ctr != VSW_CTR_TX_ERRORS
		    && ctr != VSW_CTR_BAD_DESC && ctr != VSW_CTR_BAD_VNET_HDR
		    && ctr != VSW_CTR_BAD_RING
		    && (ctr < VSW_CTR_VXLAN_SHORT || ctr > VSW_CTR_VXLAN_TOO_BIG)))
		return -EINVAL;
	if (be->port)
		be->port->ctr[ctr] += n;
	return 0;
}

bool vsw__backend_has_ops(const struct vsw_backend *be, const struct vsw_backend_ops *ops)
{
	return be->ops == ops;
}

bool vsw__backend_owned(const struct vsw_backend *be)
{
	return __atomic_load_n(&be->port, __ATOMIC_ACQUIRE) != NULL;
}
