// SPDX-License-Identifier: MIT
/*
 * attach.c - handing a backend instance to a port and taking it back: the
 * port then owns it, the event loop watches its descriptor and runs its
 * run hook, and the port's carrier follows the backend's link.
 */
#include "core/log.h"
#include "backends/backends.h"

#include <string.h>

int vsw_port_attach_backend(struct vsw_port *port, struct vsw_backend *be)
{
	int err;

	if (!port || !be)
		return -EINVAL;
	if (port->be || be->port || port->sw->in_flush)
		return -EBUSY;
	port->be = be;
	/* atomic: vsw_backend_notify() reads it from any thread */
	__atomic_store_n(&be->port, port, __ATOMIC_RELEASE);
	err = vsw__loop_add(port->sw, port);
	if (err) {
		port->be = NULL;
		__atomic_store_n(&be->port, NULL, __ATOMIC_RELEASE);
		return err;
	}
	vsw__hot(port)->be = be;
	port->be_offloads = be->ops->offloads ? be->ops->offloads(be) & VSW_OFFLOAD_ALL : 0;
	port->offloads = port->be_offloads;
	port->offloads_off = 0;
	vsw__info(port->sw, "%s: attached to a %s backend%s%s", port->name, be->ops->name,
		  be->note[0] ? ": " : "", be->note);
	vsw__port_check_mtu(port);
	vsw__port_refresh_carrier(port);
	vsw__loop_attached(port);
	return 0;
}

int vsw_port_attach(struct vsw_port *port, const char *spec, const char *options)
{
	struct vsw_backend *be;
	int err;

	if (!port)
		return -EINVAL;
	if (port->be || port->sw->in_flush)
		return -EBUSY;
	err = vsw_backend_open(spec, options, &be);
	if (err) {
		const char *why = vsw_backend_open_reason();
		/* the caller has the errno; this says why */
		vsw__warn(port->sw, "%s: backend %s: %s", port->name, spec ? spec : "(null)",
			  *why ? why : strerror(-err));
		return err;
	}
	err = vsw_port_attach_backend(port, be);
	if (err)
		vsw_backend_close(be);
	return err;
}

int vsw_port_detach(struct vsw_port *port)
{
	struct vsw_backend *be;

	if (!port)
		return -EINVAL;
	if (!port->be)
		return -ENOENT;
	if (port->sw->in_flush)
		return -EBUSY;
	be = port->be;
	if (port->kind == VSW_PORT_VMK && vsw__vmk_of(port)->iface == be) {
		if (vsw__vmk_of(port)->in_walk)
			return -EBUSY; /* the walk reads the socket that goes with it */
		port->sw->host->release(vsw__vmk_of(port)); /* the interface goes with the tap */
	}
	vsw__loop_del(port->sw, port);
	port->be = NULL;
	vsw__hot(port)->be = NULL;
	port->offloads = 0;
	port->be_offloads = 0;
	__atomic_store_n(&be->port, NULL, __ATOMIC_RELEASE);
	vsw__backend_free(be);
	vsw__port_refresh_carrier(port);
	return 0;
}

struct vsw_backend *vsw_port_backend(const struct vsw_port *port)
{
	return port ? port->be : NULL;
}
