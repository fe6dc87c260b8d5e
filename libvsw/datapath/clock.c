// SPDX-License-Identifier: MIT
/*
 * clock.c - the switch's clock: CLOCK_MONOTONIC unless the host supplies
 * its own (an emulator's virtual time). Read once per batch, and only when
 * something needs it (shaping, learning, aging).
 */
#include "core/objects.h"
#include "datapath/datapath.h"

#include <time.h>

static uint64_t monotonic_ns(void *user)
{
	struct timespec ts;

	(void)user;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t vsw__now(struct vsw_switch *sw)
{
	return sw->clock_fn ? sw->clock_fn(sw->clock_user) : monotonic_ns(NULL);
}

int vsw_switch_set_clock(struct vsw_switch *sw, vsw_clock_fn fn, void *user)
{
	uint64_t last;

	if (!sw)
		return -EINVAL;
	/* the old clock's owner may have freed it already: never call it here */
	last = sw->now_ns;
	sw->clock_fn = fn;
	sw->clock_user = user;
	sw->now_ns = vsw__now(sw);
	/* restart the shapers' clocks on the new time base */
	for (struct vsw_port *p = vsw__port_next(sw, NULL); p; p = vsw__port_next(sw, p))
		p->shaper.last_ns = sw->now_ns;
	/* and what control/ times: LLDP ages, beacon rounds */
	if (sw->ctl.clock_replaced)
		sw->ctl.clock_replaced(sw, last, sw->now_ns);
	return 0;
}
