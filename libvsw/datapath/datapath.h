/* SPDX-License-Identifier: MIT */
/*
 * datapath.h - what the rest of the library calls in datapath/: the state
 * derived from configuration (derive.c), delivery to a port (deliver.c),
 * the clock (clock.c), the teaming hashes (hash.c) and the shaper's depth
 * (shaper.c). The MAC table's functions are in mactable.h. Nothing here
 * calls out of datapath/ by name: control/ is reached through
 * struct vsw__ctl_ops (control-hook.h), backends through their ops table.
 */
#ifndef VSW_DATAPATH_DATAPATH_H
#define VSW_DATAPATH_DATAPATH_H

#include <stdbool.h>
#include <stdint.h>

#include "vsw.h"
#include "datapath/state.h"
#include "datapath/mactable.h"

struct vsw_switch;
struct vsw_portgroup;
struct vsw_port;
struct vsw_pg_eff;

/* ---- derive.c ---- */
int vsw__switch_fastpath_init(struct vsw_switch *sw);
void vsw__switch_fastpath_fini(struct vsw_switch *sw);
/* Make room for one more port in its domain lists; -ENOMEM or 0. */
int vsw__dom_reserve(struct vsw_switch *sw, uint16_t domain, uint32_t extra);
/* Grow every port group's teaming arrays for one more uplink. */
int vsw__team_reserve(struct vsw_switch *sw);
int vsw__pg_team_alloc(struct vsw_switch *sw, struct vsw_portgroup *pg);
/* Configuration changed: what the frame path derives is rebuilt before the
 * next batch (or the next query of derived state). */
void vsw__switch_config_changed(struct vsw_switch *sw);
/* Recompute everything derived from configuration if it changed; announces
 * the ports whose uplink changed (through the control hook). */
void vsw__switch_sync(struct vsw_switch *sw);
void vsw__switch_rebuild(struct vsw_switch *sw);
/* Derive a newly added virtual port's fast-path state without a rebuild. */
void vsw__vport_derive_new(struct vsw_port *p);
/* A virtual port is going: forget it in what was derived, touching nothing
 * else (call before its index is released). */
void vsw__vport_derive_gone(struct vsw_port *p);
/* A port's admin state or carrier changed: derive again what depends on it
 * (a virtual port's announcement; for an uplink, the port groups whose
 * teaming order names it and their ports), sending the RARPs it calls for. */
void vsw__port_link_changed(struct vsw_port *p);
/* A port group's policy or teaming order changed: derive again that port
 * group and its ports only, sending the RARPs it calls for. */
void vsw__pg_changed(struct vsw_portgroup *pg);

/* ---- deliver.c ---- */
/* Hand every staged output to its port, grouped by port, order kept. */
void vsw__flush_outputs(struct vsw_switch *sw);

/* ---- handoff.c ---- */
/* Deliver frames to one port now (backend, callback), counting tx, after
 * copying them to its egress mirroring sessions. */
void vsw__port_deliver(struct vsw_switch *sw, struct vsw_hot *h, const struct vsw_frame *f,
			unsigned int n);

/* ---- send.c ---- */
/* Hand frames to one port now, mirroring nothing: how many it took. */
unsigned int vsw__port_send(struct vsw_switch *sw, struct vsw_hot *q, const struct vsw_frame *f,
			    unsigned int n);

/* ---- input.c ---- */
/* Forward the input queued during deliveries (not from inside one). */
void vsw__backlog_run(struct vsw_switch *sw);

/* ---- backlog.c ---- */
/* Queue input given during a delivery (counted queue_full when full). */
void vsw__backlog_add(struct vsw_switch *sw, struct vsw_port *p, const struct vsw_frame *f,
		      unsigned int n);
/* Whether input waits to be forwarded. */
bool vsw__backlog_pending(const struct vsw_switch *sw);
/* Start forwarding what waits: false if nothing does or a run is under way. */
bool vsw__backlog_begin(struct vsw_switch *sw);
/* The next run of queued frames from one port (at most VSW_BATCH_MAX): their
 * number, 0 at the end; *p is NULL for a port removed since. What the run
 * queues meanwhile is appended and comes too. */
unsigned int vsw__backlog_next(struct vsw_switch *sw, struct vsw_port **p,
			       const struct vsw_frame **f);
/* The run is over: the queue is empty. */
void vsw__backlog_end(struct vsw_switch *sw);
/* A port is going: what it queued is dropped unseen. */
void vsw__backlog_forget(struct vsw_switch *sw, const struct vsw_port *p);
void vsw__backlog_free(struct vsw_switch *sw);

/* ---- clock.c ---- */
uint64_t vsw__now(struct vsw_switch *sw);

/* ---- hash.c ---- */
uint32_t vsw__mac_hash(const uint8_t *mac);
int vsw__ip_hash(const uint8_t *d, uint32_t len, bool inband_tag);

/* ---- shaper.c ---- */
double vsw__shaper_peak_depth(const struct vsw_switch *sw, const struct vsw_pg_eff *e);

#endif
