/* SPDX-License-Identifier: MIT */
/*
 * mirror.h - mirroring sessions as the frame path reads them: the session
 * (core/mirror.c configures it), its sources, the per-port lists derived
 * from them, and the scratch in which copies are made (mirror.c).
 *
 * A port's derived lists hold only sessions that are enabled and have a
 * destination, so a switch with none of those does nothing per frame but
 * test one count (ingress, vsw_port_input()) and one bit of the
 * destination's hot line (egress, vsw__port_deliver()).
 */
#ifndef VSW_DATAPATH_MIRROR_H
#define VSW_DATAPATH_MIRROR_H

#include <stdbool.h>
#include <stdint.h>

#include "vsw.h"
#include "core/list.h"

struct vsw_switch;
struct vsw_port;

/* One source of one session. */
struct vsw_mirror_src {
	struct vsw_list node;        /* in the session's sources, order added */
	struct vsw_mirror *m;
	struct vsw_port *port;
	unsigned int dir;            /* VSW_MIRROR_INGRESS | VSW_MIRROR_EGRESS */
	uint64_t *vlans;             /* [VSW_MIRROR_VLAN_WORDS] bitmap, NULL: every VLAN */
};

#define VSW_MIRROR_VLAN_WORDS (4096 / 64)
/* A snap length holds at least an Ethernet header. */
#define VSW_MIRROR_SNAPLEN_MIN 14u

struct vsw_capture;

struct vsw_mirror {
	struct vsw_list node;        /* in sw->mirrors */
	struct vsw_switch *sw;
	char name[VSW_MIRROR_NAME_MAX + 1];
	struct vsw_list sources;     /* struct vsw_mirror_src.node */
	unsigned int n_sources;
	struct vsw_port *dst;        /* SPAN / RSPAN destination, or NULL */
	uint16_t encap_vlan;         /* RSPAN VLAN on an uplink destination, 0: none */
	vsw_mirror_fn fn;            /* callback destination, or NULL */
	void *user;
	struct vsw_capture *cap;     /* the capture whose callback fn is, if any, */
	void (*cap_detach)(struct vsw_capture *cap); /* told when fn goes */
	uint32_t snaplen;            /* 0: whole frames */
	bool enabled;
	uint64_t mirrored, dropped;
};

/* Where copies are made: one batch of descriptors, and bytes for the copies
 * that are rewritten (a tag written into the bytes, an RSPAN tag). */
#define VSW_MIRROR_BUF (256u << 10)
struct vsw__mirror_scratch {
	struct vsw_mirror_copy copy[VSW_BATCH_MAX];
	struct vsw_frame frame[VSW_BATCH_MAX];
	uint8_t buf[VSW_MIRROR_BUF];
};

/* ---- mirror.c ---- */
/* Copies of frames port 'p' sent into the switch, to its ingress sessions. */
void vsw__mirror_ingress(struct vsw_switch *sw, struct vsw_port *p, const struct vsw_frame *f,
			 unsigned int n);
/* Copies of frames handed to port 'p', to its egress sessions. */
void vsw__mirror_egress(struct vsw_switch *sw, struct vsw_port *p, const struct vsw_frame *f,
			unsigned int n);
/* Derive every port's session lists and the hot bits (SPAN destination,
 * egress mirrored) from the sessions' configuration. */
void vsw__mirror_derive(struct vsw_switch *sw);

#endif
