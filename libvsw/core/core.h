/* SPDX-License-Identifier: MIT */
/*
 * core.h - the calls between the files of core/ (policies, the configured
 * teaming order, port names, the common part of every port), and the ones
 * host/ makes into the core.
 */
#ifndef VSW_CORE_CORE_H
#define VSW_CORE_CORE_H

#include "core/objects.h"

/* ---- policies (policy.c) ---- */
void vsw__policy_defaults(struct vsw_policy_vals *p);
int vsw__policy_check(enum vsw_policy key, uint64_t value);
void vsw__pg_refresh_policy(struct vsw_portgroup *pg);

/* ---- teaming order (teaming-order.c) ---- */
void vsw__team_free(struct vsw_team *t);
/* Drop 'u' from the order wherever it appears. */
void vsw__team_forget(struct vsw_team *t, const struct vsw_uplink *u);

/* ---- port names (names.c) ---- */
/* Make room in the name table for one more port: 0 or -ENOMEM. */
int vsw__names_reserve(struct vsw_switch *sw);
void vsw__names_insert(struct vsw_switch *sw, struct vsw_port *p);
void vsw__names_remove(struct vsw_switch *sw, struct vsw_port *p);
void vsw__names_fini(struct vsw_switch *sw);
struct vsw_port *vsw__port_by_name(const struct vsw_switch *sw, const char *name);

/* ---- ports (port.c) ---- */
/* Validate name uniqueness and reserve an index; fills the common fields. */
int vsw__port_init(struct vsw_switch *sw, struct vsw_port *p, const char *name,
		   enum vsw_port_kind kind);
/* Unlink from every list and release the index; does not free. */
void vsw__port_fini(struct vsw_port *p);
/* Add a virtual port: name, MAC table entry, port group membership. */
int vsw__vport_add(struct vsw_portgroup *pg, struct vsw_port *p, const char *name,
		   enum vsw_port_kind kind, const uint8_t mac[6]);
void vsw__vport_remove(struct vsw_port *p);
/* Link an initialised uplink port into the switch (cannot fail). */
void vsw__uplink_link_in(struct vsw_port *p);
/* Whether a port outside 'ignore' already owns 'mac' in 'domain' (VGT-aware). */
bool vsw__mac_in_use(const struct vsw_switch *sw, uint16_t domain, const uint8_t mac[6],
		     const struct vsw_portgroup *ignore);

/* ---- mirroring sessions (mirror.c) ---- */
/* Make a callback the session's destination; 'detach' is called with 'cap'
 * when that destination goes (replaced, session or switch removed). */
int vsw__mirror_set_fn(struct vsw_mirror *m, vsw_mirror_fn fn, void *user,
		       struct vsw_capture *cap, void (*detach)(struct vsw_capture *));
/* A port is going: it leaves every session, as source and destination. */
void vsw__mirror_port_gone(struct vsw_port *p);
/* Remove every session of a switch being freed. */
void vsw__mirror_fini(struct vsw_switch *sw);

#endif
