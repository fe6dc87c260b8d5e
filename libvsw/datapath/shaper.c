// SPDX-License-Identifier: MIT
/*
 * shaper.c - the buckets' refill and the peak bucket's depth.
 */
#include "datapath/datapath.h"
#include "datapath/frame.h"
#include "datapath/shaper.h"

double vsw__shaper_peak_depth(const struct vsw_switch *sw, const struct vsw_pg_eff *e)
{
	/* one millisecond at the peak rate, and never less than two largest frames */
	double depth = (double)e->peak_bps / 8 / 1000;
	double two_frames = 2.0 * (sw->mtu + VSW_ETH_HLEN + VSW_VLAN_HLEN);

	return depth > two_frames ? depth : two_frames;
}

/* ---- capacity, reserved before a configuration call changes anything ---- */

void vsw__shaper_refill(struct vsw_switch *sw, struct vsw_port *p)
{
	const struct vsw_pg_eff *e = &p->pg->eff;
	struct vsw_shaper *s = &p->shaper;
	double dt = sw->now_ns > s->last_ns ? (double)(sw->now_ns - s->last_ns) / 1e9 : 0;
	double peak_depth = vsw__shaper_peak_depth(sw, e);

	s->last_ns = sw->now_ns;
	s->avg_tokens += dt * (double)e->avg_bps / 8;
	if (s->avg_tokens > (double)e->burst_bytes)
		s->avg_tokens = (double)e->burst_bytes;
	s->peak_tokens += dt * (double)e->peak_bps / 8;
	if (s->peak_tokens > peak_depth)
		s->peak_tokens = peak_depth;
}
