// SPDX-License-Identifier: MIT
/*
 * vnic.c - a virtual machine's NIC: a virtual port with an initial MAC (the
 * one configured for the VM) and an effective MAC (the one the guest uses).
 * The switch knows a vNIC under its effective MAC only; the MAC address
 * changes policy compares the two.
 */
#include "core/alloc.h"
#include "core/check.h"
#include "core/core.h"
#include "datapath/datapath.h"

int vsw_vnic_add(struct vsw_portgroup *pg, const char *name, const uint8_t mac[6],
		 unsigned int flags, struct vsw_vnic **out)
{
	struct vsw_vnic *v;
	int err;

	if (!pg || !name || !mac || flags)
		return -EINVAL;
	v = vsw__calloc(1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	err = vsw__vport_add(pg, &v->port, name, VSW_PORT_VNIC, mac);
	if (err) {
		vsw__free(v);
		return err;
	}
	memcpy(v->initial_mac, mac, 6);
	if (out)
		*out = v;
	return 0;
}

int vsw_vnic_remove(struct vsw_vnic *v)
{
	if (!v)
		return -EINVAL;
	if (v->port.sw->in_flush)
		return -EBUSY;
	vsw__vport_remove(&v->port);
	vsw__free(v);
	return 0;
}

int vsw_vnic_set_rx(struct vsw_vnic *v, vsw_rx_fn fn, void *user)
{
	return v ? vsw_port_set_rx(&v->port, fn, user) : -EINVAL;
}

struct vsw_port *vsw_vnic_port(struct vsw_vnic *v)
{
	return v ? &v->port : NULL;
}

struct vsw_vnic *vsw_port_to_vnic(struct vsw_port *port)
{
	if (!port || port->kind != VSW_PORT_VNIC)
		return NULL;
	return vsw_container_of(port, struct vsw_vnic, port);
}

int vsw_vnic_initial_mac(const struct vsw_vnic *v, uint8_t mac[6])
{
	if (!v || !mac)
		return -EINVAL;
	memcpy(mac, v->initial_mac, 6);
	return 0;
}

int vsw_vnic_set_mac(struct vsw_vnic *v, const uint8_t mac[6])
{
	struct vsw_port *p;
	struct vsw_switch *sw;
	uint16_t dom;
	int err;

	if (!v)
		return -EINVAL;
	err = vsw__check_port_mac(mac);
	if (err)
		return err;
	p = &v->port;
	if (!memcmp(p->mac, mac, 6))
		return 0;
	sw = p->sw;
	if (vsw__busy(sw))
		return -EBUSY;
	dom = vsw__pg_domain(p->pg);
	/* the vNIC's own entry is under its old MAC, so it cannot clash with itself */
	if (vsw__mac_in_use(sw, dom, mac, NULL))
		return -EADDRINUSE;
	vsw__fdb_del(&sw->fdb, vsw_fdb_key(dom, p->mac));
	memcpy(p->mac, mac, 6);
	p->mac48 = vsw_fdb_key(0, mac);
	vsw__fdb_add_own(sw, vsw_fdb_key(dom, mac), p->idx);
	vsw__switch_config_changed(sw);
	return 0;
}
