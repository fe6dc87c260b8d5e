/* SPDX-License-Identifier: MIT */
/*
 * view.h - what the read commands show, whatever the form: the words for
 * states, the teaming order as names, a VMkernel interface's addresses.
 * The renderers (render-text.c, render-json.c) format these.
 */
#ifndef VSWD_VIEW_H
#define VSWD_VIEW_H

#include <stdbool.h>

#include <vsw.h>

#include "cmd.h"

/* "xx:xx:xx:xx:xx:xx" into 's' (18 bytes). */
void view_mac(const uint8_t m[6], char *s);

unsigned int view_port_count(struct vsw_switch *sw);

/* An uplink's state in a word: link status first, then beacon probing. */
const char *view_uplink_state(struct vsw_uplink *u);
const char *view_beacon_word(enum vsw_beacon_state s);

/* Whether a port group probes with beacons, and the VLAN its beacons use. */
bool view_probes(struct vsw_portgroup *pg, unsigned int *vid);
bool view_any_probes(struct vsw_switch *sw);

/* 802.1AB's name of a chassis ID subtype ('chassis') or a port ID subtype. */
const char *view_lldp_subtype(unsigned int st, bool chassis);

/* A teaming order as names: a port group's ('pg'), or the switch's. At
 * most VSWCMD_MAX_TEAM of each list. */
struct view_team {
	int inherited;
	const char *act[VSWCMD_MAX_TEAM], *stb[VSWCMD_MAX_TEAM];
	unsigned int na, ns;
};
void view_team(struct vsw_switch *sw, struct vsw_portgroup *pg, struct view_team *t);

#endif
