/* SPDX-License-Identifier: MIT */
/*
 * shaper.h - ingress traffic shaping of a virtual port (VMware's model:
 * average rate, peak rate and burst size): two token buckets, refilled once
 * per batch (shaper.c) and taken from per frame.
 */
#ifndef VSW_DATAPATH_SHAPER_H
#define VSW_DATAPATH_SHAPER_H

#include "core/objects.h"

/* Take 'len' bytes from both buckets, or nothing: false drops the frame. */
static inline bool vsw__shaper_take(struct vsw_port *p, uint32_t len)
{
	struct vsw_shaper *s = &p->shaper;

	if (s->avg_tokens < len || s->peak_tokens < len)
		return false;
	s->avg_tokens -= len;
	s->peak_tokens -= len;
	return true;
}

/* Refill the port's buckets for the time since its last batch. */
void vsw__shaper_refill(struct vsw_switch *sw, struct vsw_port *p);

#endif
