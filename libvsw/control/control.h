/* SPDX-License-Identifier: MIT */
/*
 * control.h - what the switch itself speaks on its uplinks (beacon probing,
 * LLDP, RARP notify), as the core sees it: set up and torn down with the
 * switch, told when an uplink goes. Everything else reaches control/
 * through the hooks control.c installs (datapath/control-hook.h).
 */
#ifndef VSW_CONTROL_CONTROL_H
#define VSW_CONTROL_CONTROL_H

struct vsw_switch;
struct vsw_port;
struct vsw_uplink;

/* Defaults of every protocol, and the hooks into the datapath. */
void vsw__control_init(struct vsw_switch *sw);
void vsw__control_fini(struct vsw_switch *sw);
/* An uplink is being removed: say goodbye to its LLDP neighbours. */
void vsw__control_uplink_removed(struct vsw_uplink *u);

/* rarp.c: announce 'vport's MAC out of 'uplink'. */
void vsw__rarp_announce(struct vsw_port *vport, struct vsw_port *uplink);

#endif
