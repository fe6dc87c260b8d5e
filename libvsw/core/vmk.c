// SPDX-License-Identifier: MIT
/*
 * vmk.c - VMkernel ports: the host's own endpoints on the switch. In the
 * frame path a VMkernel port is a virtual port like a vNIC; what sets it
 * apart is the services it carries (management, vMotion, ...).
 */
#include "core/alloc.h"
#include "core/core.h"

static const char *const service_names[] = {
	"management", "vmotion", "provisioning", "faultToleranceLogging", "vsan",
	"vSphereReplication", "vSphereReplicationNFC", "nvmetcp", "nvmerdma",
	"vSphereBackupNFC", "vsanWitness",
};

const char *vsw_vmk_service_name(unsigned int service)
{
	for (unsigned int i = 0; i < sizeof(service_names) / sizeof(service_names[0]); i++)
		if (service == 1u << i)
			return service_names[i];
	return NULL;
}

/* ESXi carries Fault Tolerance logging on one VMkernel port: a second
 * one would split the FT stream. */
static int ft_logging_taken(struct vsw_switch *sw, const struct vsw_vmk *self, unsigned int services)
{
	if (!(services & VSW_VMK_FT_LOGGING))
		return 0;
	for (struct vsw_port *p = vsw_port_next(sw, NULL); p; p = vsw_port_next(sw, p)) {
		const struct vsw_vmk *o = vsw_port_to_vmk(p);
		if (o && o != self && (o->services & VSW_VMK_FT_LOGGING))
			return -EEXIST;
	}
	return 0;
}

int vsw_vmk_add(struct vsw_portgroup *pg, const char *name, const uint8_t mac[6],
		unsigned int services, unsigned int flags, struct vsw_vmk **out)
{
	struct vsw_vmk *k;
	int err;

	if (!pg || !name || !mac || flags || (services & ~VSW_VMK_SERVICES_ALL))
		return -EINVAL;
	err = ft_logging_taken(pg->sw, NULL, services);
	if (err)
		return err;
	k = vsw__calloc(1, sizeof(*k));
	if (!k)
		return -ENOMEM;
	k->rtnl = -1;
	err = vsw__vport_add(pg, &k->port, name, VSW_PORT_VMK, mac);
	if (err) {
		vsw__free(k);
		return err;
	}
	k->services = services;
	if (out)
		*out = k;
	return 0;
}

int vsw_vmk_remove(struct vsw_vmk *k)
{
	if (!k)
		return -EINVAL;
	if (k->port.sw->in_flush || k->in_walk)
		return -EBUSY;
	vsw__vport_remove(&k->port);
	if (k->port.sw->host)
		k->port.sw->host->release(k);
	vsw__free(k);
	return 0;
}

int vsw_vmk_set_rx(struct vsw_vmk *k, vsw_rx_fn fn, void *user)
{
	return k ? vsw_port_set_rx(&k->port, fn, user) : -EINVAL;
}

struct vsw_port *vsw_vmk_port(struct vsw_vmk *k)
{
	return k ? &k->port : NULL;
}

struct vsw_vmk *vsw_port_to_vmk(struct vsw_port *port)
{
	if (!port || port->kind != VSW_PORT_VMK)
		return NULL;
	return vsw_container_of(port, struct vsw_vmk, port);
}

unsigned int vsw_vmk_services(const struct vsw_vmk *k)
{
	return k ? k->services : 0;
}

int vsw_vmk_set_services(struct vsw_vmk *k, unsigned int services)
{
	int err;

	if (!k || (services & ~VSW_VMK_SERVICES_ALL))
		return -EINVAL;
	err = ft_logging_taken(k->port.sw, k, services);
	if (err)
		return err;
	k->services = services;
	return 0;
}
