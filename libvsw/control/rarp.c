// SPDX-License-Identifier: MIT
/*
 * rarp.c - "notify switches": when a virtual port's MAC is reached through
 * a new uplink (failover, failback, a port coming up), the switch sends a
 * RARP from that MAC out of the uplink, so that the physical switches move
 * the address to the right port at once, as ESXi does. The datapath asks
 * for it through the control hook (derive.c decides when).
 */
#include "core/objects.h"
#include "control/control.h"
#include "datapath/datapath.h"
#include "datapath/frame.h"

void vsw__rarp_announce(struct vsw_port *vport, struct vsw_port *uplink)
{
	uint8_t f[64];
	struct vsw_frame fr = { .data = f };
	uint8_t *a = f;
	unsigned int vlan = vport->pg->vlan;

	memset(f, 0, sizeof(f));
	memset(a, 0xff, 6);                       /* broadcast */
	memcpy(a + 6, vport->mac, 6);
	a += 12;
	if (vlan >= 1 && vlan <= VSW_VLAN_MAX) {  /* VST: tagged, PCP 0 */
		vsw_put_be16(a, VSW_ETH_P_8021Q);
		vsw_put_be16(a + 2, (uint16_t)vlan);
		a += 4;
	}
	vsw_put_be16(a, VSW_ETH_P_RARP);
	vsw_put_be16(a + 2, 1);                   /* hardware: Ethernet */
	vsw_put_be16(a + 4, VSW_ETH_P_IPV4);      /* protocol: IPv4 */
	a[6] = 6;
	a[7] = 4;
	vsw_put_be16(a + 8, 3);                   /* reverse request */
	memcpy(a + 10, vport->mac, 6);            /* sender hardware address */
	memcpy(a + 20, vport->mac, 6);            /* target hardware address */
	/* 42 bytes padded to 60, plus the tag if any */
	fr.len = (uint32_t)(60 + (a - f - 12));
	uplink->ctr[VSW_CTR_RARP_SENT]++;
	vsw__port_deliver(uplink->sw, vsw__hot(uplink), &fr, 1);
}
