// SPDX-License-Identifier: MIT
/*
 * send.c - frames handed to one port: its backend's send or its receive
 * callback, with the switch busy meanwhile so a receiver cannot reconfigure
 * it under the batch; tx counted on what was taken, the rest lost as
 * tx_full (the switch keeps nothing). Forwarded frames come here through
 * handoff.c, mirrored copies straight from mirror.c (they are never
 * mirrored again).
 */
#include "core/objects.h"
#include "backends/backends.h"
#include "datapath/datapath.h"

unsigned int vsw__port_send(struct vsw_switch *sw, struct vsw_hot *q, const struct vsw_frame *f,
			    unsigned int n)
{
	bool was = sw->in_flush, was_delivering = sw->in_deliver;
	unsigned int sent = n;
	uint64_t bytes = 0;

	/* a receiver may not reconfigure the switch while it delivers (those
	 * calls return -EBUSY); what it sends into it waits in the backlog
	 * (backlog.c) until the outermost vsw_port_input() or poll round ends */
	sw->in_flush = true;
	sw->in_deliver = true;
	if (q->be) {
		int r = q->be->ops->send(q->be, f, n);
		if (r == -EAGAIN)
			r = 0;
		if (r < 0 || (unsigned int)r > n) {
			q->port->ctr[VSW_CTR_TX_ERRORS] += n;
			sent = 0;
		} else if ((sent = (unsigned int)r) < n) {
			q->port->ctr[VSW_CTR_TX_FULL] += n - sent;
			/* the loop (loop.c) waits for room before it receives
			 * more for this port than it can forward */
			q->be->tx_blocked = true;
			if (q->be->ops->want_writable)
				q->be->ops->want_writable(q->be);
		}
	} else if (q->rx_fn) {
		/* the port's counters are a cold line: touched only on a shortfall */
		sent = q->rx_fn(q->port, f, n, q->rx_user);
		if (__builtin_expect(sent < n, 0))
			q->port->ctr[VSW_CTR_TX_FULL] += n - sent;
		else
			sent = n;
	}
	sw->in_flush = was;
	sw->in_deliver = was_delivering;
	for (unsigned int i = 0; i < sent; i++)
		bytes += f[i].len;
	q->tx_packets += sent;
	q->tx_bytes += bytes;
	return sent;
}
