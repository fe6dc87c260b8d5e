/* SPDX-License-Identifier: MIT */
/*
 * control-hook.h - the one narrow place where control/ (beacon probing,
 * LLDP, RARP notify) plugs into the frame path. control/control.c fills a
 * struct vsw__ctl_ops when the switch is created; the datapath calls what
 * it holds by ethertype or destination, and never names control/ itself.
 * A switch with an empty struct consumes no control frame and announces
 * nothing.
 */
#ifndef VSW_DATAPATH_CONTROL_HOOK_H
#define VSW_DATAPATH_CONTROL_HOOK_H

#include <stdbool.h>
#include <stdint.h>

struct vsw_switch;
struct vsw_port;
struct vsw_uplink;

/* IEEE 802.1 link-local group addresses 01:80:c2:00:00:0X, as the 48 low
 * bits of a MAC-table key: a bridge never forwards them. */
#define VSW_LINK_LOCAL_GROUP 0x0180c2000000ull
#define VSW_LINK_LOCAL_MASK 0xfffffffffff0ull

struct vsw__ctl_ops {
	/* Link-local frames to 01:80:c2:00:00:0X (bit X of ll_dst_low) with
	 * ethertype ll_ethertype end at the switch from any port, counted under
	 * ll_counter; from an uplink they are handed to ll_input (LLDP). */
	uint16_t ll_dst_low;
	uint16_t ll_ethertype;
	uint8_t ll_counter;
	void (*ll_input)(struct vsw_port *uplink, const uint8_t *frame, uint32_t len);
	/* Frames of uplink_ethertype arriving on an uplink end there: the
	 * handler gets the payload after the tag and returns the counter they
	 * are counted under (beacon probes). */
	uint16_t uplink_ethertype;
	uint8_t (*uplink_input)(struct vsw_port *uplink, const uint8_t *payload, uint32_t len,
				uint16_t domain);
	/* Whether control/ has found 'u' unable to carry VLAN 'vid' (beacon
	 * verdicts); asked when a port group's usable uplinks are derived. */
	bool (*uplink_failed)(const struct vsw_switch *sw, const struct vsw_uplink *u, uint16_t vid);
	/* The derived state changed: re-derive what control/ keeps from it. */
	void (*derived)(struct vsw_switch *sw);
	/* The host replaced the clock: times kept against the old one move. */
	void (*clock_replaced)(struct vsw_switch *sw, uint64_t last_ns, uint64_t now_ns);
	/* A virtual port's MAC is now reached through 'uplink' (notify switches). */
	void (*announce)(struct vsw_port *vport, struct vsw_port *uplink);
	/* Timers, run by the event loop at each wake-up. */
	void (*tick)(struct vsw_switch *sw);
	/* When tick has something to do next, on the switch's clock: 0 at
	 * once, UINT64_MAX never (the event loop sets its timer for it). */
	uint64_t (*next_ns)(struct vsw_switch *sw);
};

#endif
