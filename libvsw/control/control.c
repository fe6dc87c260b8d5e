// SPDX-License-Identifier: MIT
/*
 * control.c - plugs the control protocols into a switch: one table of
 * hooks (struct vsw__ctl_ops) through which the datapath hands them their
 * frames by ethertype or destination, asks for beacon verdicts and RARP
 * announcements, and runs their timers, without naming any of them; the
 * event loop asks when the timers are next due (next_ns). A change that
 * moves a timer earlier between two rounds (a setting, the clock) wakes
 * the loop (vsw__loop_kick()), so that a host sleeping on vsw_switch_fd()
 * takes the new deadline.
 */
#include "core/objects.h"
#include "backends/backends.h"
#include "control/beacon.h"
#include "control/control.h"
#include "control/lldp.h"

static void derived(struct vsw_switch *sw)
{
	sw->bcn.stale = true; /* beacon probing derives what it probes at its next poll */
	vsw__loop_kick(sw);
}

static void clock_replaced(struct vsw_switch *sw, uint64_t last_ns, uint64_t now_ns)
{
	vsw__lldp_rebase(sw, last_ns, now_ns);
	sw->bcn.next_ns = 0; /* a beacon round at the next poll */
	vsw__loop_kick(sw);
}

static void tick(struct vsw_switch *sw)
{
	/* beacon rounds follow the switch's clock, not the loop's timer */
	vsw__beacon_poll(sw);
	vsw__lldp_tick(sw);
}

static uint64_t next_ns(struct vsw_switch *sw)
{
	uint64_t b = vsw__beacon_next_ns(sw), l = vsw__lldp_next_ns(sw);

	return b < l ? b : l;
}

void vsw__control_init(struct vsw_switch *sw)
{
	sw->ctl = (struct vsw__ctl_ops){
		.ll_dst_low = VSW_LLDP_GROUP_LOW,
		.ll_ethertype = VSW_ETH_P_LLDP,
		.ll_counter = VSW_CTR_LLDP_RX,
		.ll_input = vsw__lldp_input,
		.uplink_ethertype = VSW_ETH_P_BEACON,
		.uplink_input = vsw__beacon_input,
		.uplink_failed = vsw__beacon_failed,
		.derived = derived,
		.clock_replaced = clock_replaced,
		.announce = vsw__rarp_announce,
		.tick = tick,
		.next_ns = next_ns,
	};
	vsw__lldp_init(sw);
	vsw__beacon_init(sw);
}

void vsw__control_fini(struct vsw_switch *sw)
{
	vsw__beacon_fini(sw);
}

void vsw__control_uplink_removed(struct vsw_uplink *u)
{
	vsw__lldp_uplink_removed(u);
}
