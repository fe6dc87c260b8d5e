// SPDX-License-Identifier: MIT
/*
 * handoff.c - handing forwarded frames to one port (send.c), after copying
 * them to the port's egress mirroring sessions if it has any. The frame
 * path (deliver.c, finish.c) and control/ (beacons, LLDP, RARP) hand over
 * frames this way, so a session sees everything the port is given.
 */
#include "core/objects.h"
#include "datapath/datapath.h"
#include "datapath/mirror.h"

void vsw__port_deliver(struct vsw_switch *sw, struct vsw_hot *q, const struct vsw_frame *f,
			unsigned int n)
{
	if (__builtin_expect(q->flags & VSW_HOT_MIRROR_OUT, 0))
		vsw__mirror_egress(sw, q->port, f, n);
	vsw__port_send(sw, q, f, n);
}
