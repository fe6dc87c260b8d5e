// SPDX-License-Identifier: MIT
/*
 * carrier.c - a port's link and MTU against its backend's: the carrier is
 * re-read at attach and whenever the event loop (loop.c) reads the link:
 * on notification, on an rtnetlink event of the backend's interface, after
 * traffic and at the polls of backends it cannot watch; a change
 * re-derives the frame path's state; an MTU below the switch's is logged.
 */
#include "core/log.h"
#include "backends/backends.h"
#include "datapath/datapath.h"

bool vsw__port_refresh_carrier(struct vsw_port *p)
{
	bool up = p->be ? vsw_backend_link(p->be) > 0 : true;

	if (up == p->carrier)
		return false;
	p->carrier = up;
	/* what a backend takes may be settled only as its link comes up
	 * (a guest's negotiated features): asked again then */
	if (up && p->be && p->be->ops->offloads) {
		p->be_offloads = p->be->ops->offloads(p->be) & VSW_OFFLOAD_ALL;
		p->offloads = p->be_offloads & ~p->offloads_off;
	}
	vsw__info(p->sw, "%s: link %s", p->name, up ? "up" : "down");
	vsw__port_link_changed(p);
	return true;
}

void vsw__port_check_mtu(struct vsw_port *p)
{
	int mtu = p->be ? vsw_backend_mtu(p->be) : -EOPNOTSUPP;

	/* not refused: the host may raise the device's MTU next, and the
	 * backend follows it; until then larger frames are lost there */
	if (mtu > 0 && (unsigned int)mtu < p->sw->mtu)
		vsw__warn(p->sw, "%s: the %s backend's MTU %d is below the switch MTU %u: "
			  "larger frames are dropped there", p->name, p->be->ops->name, mtu,
			  p->sw->mtu);
}
