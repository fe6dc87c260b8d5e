/* SPDX-License-Identifier: MIT */
/*
 * objects.h - the private structures behind the opaque handles of vsw.h.
 *
 * One switch owns everything: port groups (each an L2 domain with policy
 * overrides and an optional teaming order), ports of three kinds sharing
 * struct vsw_port, the MAC table (datapath/mactable.c) and the state the
 * frame path derives from configuration (datapath/derive.c). Objects
 * reference their owner by pointer; the switch also keeps ports in an
 * index-addressed array because the MAC table and the frame path name ports
 * by a small integer, not a pointer.
 *
 * Life cycle: vsw_switch_new() builds an empty switch; *_add() functions link
 * a child into the switch's lists; *_remove() unlinks and frees it;
 * vsw_switch_free() removes everything. Validation always happens before the
 * first change, so a failing call leaves no trace.
 *
 * Ownership: the switch owns every child, and a port owns its backend.
 *
 * Thread-safety: none; a switch is driven by one thread at a time. Symbols
 * shared between files carry the reserved prefix vsw__ and are hidden by
 * -fvisibility=hidden and the version script.
 *
 * Every folder below libvsw/ reads these structures; calls between folders
 * go one way (core -> control -> backends -> datapath, host above them all),
 * and what a lower folder needs from a higher one it gets through the hooks
 * declared here (struct vsw__ctl_ops, struct vsw__host_ops).
 */
#ifndef VSW_CORE_OBJECTS_H
#define VSW_CORE_OBJECTS_H

#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "vsw.h"
#include "vsw_backend.h"
#include "core/list.h"
#include "datapath/state.h"
#include "datapath/mactable.h"
#include "datapath/mirror.h"
#include "datapath/control-hook.h"
#include "control/beacon.h"
#include "control/lldp.h"
#include "backends/backends.h"

/* ---- policies (policy.c) ---- */
struct vsw_policy_vals {
	uint64_t v[VSW_POL_COUNT];
};

/* Effective policy of a port group, recomputed when either level changes. */
struct vsw_pg_eff {
	bool promiscuous;
	bool mac_changes;
	bool forged_transmits;
	bool shaping;
	bool notify_switches;
	bool failback;
	bool mac_learning;
	uint8_t load_balancing;
	uint8_t failure_detection;
	uint64_t avg_bps, peak_bps, burst_bytes;
	uint32_t mac_limit;
	uint32_t mac_aging_sec;
};

/* ---- teaming order as configured (teaming-order.c) ---- */
struct vsw_team {
	struct vsw_uplink **active;
	unsigned int n_active;
	struct vsw_uplink **standby;
	unsigned int n_standby;
};

/* What host/ hangs on the switch when a VMkernel interface is made: the
 * core reaches the host kernel only through it, so a program that never
 * creates one never runs netlink. */
struct vsw_vmk;
struct vsw__host_ops {
	/* the port loses its interface (the tap is detached, or the port goes) */
	void (*release)(struct vsw_vmk *k);
	/* before the switch's MTU goes down to 'mtu': interfaces above it
	 * follow, all or nothing (0 or -errno, every interface as it was) */
	int (*lower_mtu)(struct vsw_switch *sw, unsigned int mtu);
};

/* One bit per policy key in a port group's override set. */
_Static_assert(VSW_POL_COUNT <= 64, "the override set holds 64 policy keys");

/* ---- the objects ---- */
struct vsw_switch {
	char name[VSW_NAME_MAX + 1];
	unsigned int mtu;
	unsigned int max_macs;

	struct vsw_list portgroups;  /* struct vsw_portgroup.node */
	struct vsw_list ports;       /* struct vsw_port.sw_node, every kind */
	struct vsw_list uplinks;     /* struct vsw_port.kind_node of uplinks */

	/* Ports by index: the MAC table and the frame path name ports this way. */
	struct vsw_port **port_by_idx;
	struct vsw_hot *hot;
	uint32_t port_cap;
	uint32_t idx_hint;           /* no free index below this one */

	/* Ports by name: chained hash (core/names.c) */
	struct vsw_port **name_bucket;
	uint32_t name_mask;
	uint32_t n_ports;

	struct vsw_policy_vals policy;
	struct vsw_team team;

	struct vsw_fdb fdb;

	/* derived state (datapath/derive.c) */
	bool dirty;
	bool dying;
	bool need_clock;             /* shaping or learning anywhere: n_clocked != 0 */
	uint32_t n_clocked;          /* virtual ports whose group shapes or learns */
	struct vsw_dom *dom;         /* [4096]; [4095] holds the trunk (VGT) ports */
	uint32_t n_trunk;
	uint32_t uplink_cap;         /* capacity of every vsw_pg_team */

	/* per-batch scratch of the frame path */
	bool in_flush;
	struct vsw_staged *stage;
	uint32_t n_stage;
	uint32_t *dirty_ports;
	uint32_t n_dirty;
	struct vsw_frame *out;
	uint8_t *arena;
	uint32_t arena_used;
	bool batch_ofl;              /* a frame of this batch carries offload metadata */
	struct vsw_frame *fin;       /* [VSW_FIN_FRAMES] finished for one port (finish.c) */
	uint8_t *fin_buf;            /* [VSW_FIN_BUF]: their bytes */
	bool in_deliver;             /* handing frames to a port (deliver.c) */
	struct vsw_backlog *backlog; /* input given during a delivery (backlog.c) */
	struct vsw_list mirrors;     /* struct vsw_mirror.node (core/mirror.c) */
	struct vsw__mirror_scratch *mir; /* where copies are made, from the first session */

	vsw_clock_fn clock_fn;
	void *clock_user;
	uint64_t now_ns;
	uint32_t last_age_s;
	uint32_t evict_cursor;       /* where the next fair-share eviction looks */

	struct vsw_bcn bcn;          /* beacon probing (control/beacon.c) */
	struct vsw_lldp lldp;        /* LLDP mode and interval (control/lldp.c) */
	struct vsw__ctl_ops ctl;     /* what control/ plugs into the datapath */
	const struct vsw__host_ops *host; /* host/, once a VMkernel interface exists */

	/* event loop (backends/loop.c) */
	int epfd;
	int timerfd;
	int wakefd;                  /* read atomically: notifications from any thread */
	volatile int stop;
	uint32_t n_fdless;
	struct vsw__loop loop;       /* deadlines, rtnetlink, wake-ups (backends/backends.h) */

	vsw_log_fn log_fn;
	void *log_user;
	enum vsw_log_level log_level;
};

struct vsw_portgroup {
	struct vsw_list node;
	struct vsw_switch *sw;
	char name[VSW_NAME_MAX + 1];
	unsigned int vlan;
	struct vsw_list ports;       /* struct vsw_port.kind_node */
	unsigned int n_ports;

	struct vsw_policy_vals policy;
	uint64_t policy_set;         /* bit per enum vsw_policy overridden here */
	struct vsw_pg_eff eff;

	bool team_override;
	struct vsw_team team;
	struct vsw_pg_team tm;
};

struct vsw_port {
	/* counters; tx_packets and tx_bytes live in the port's vsw_hot */
	uint64_t ctr[VSW_CTR_COUNT];
	struct vsw_backend *be;

	struct vsw_port *name_next;
	struct vsw_list sw_node;
	struct vsw_list kind_node;   /* in pg->ports, or sw->uplinks */
	struct vsw_switch *sw;
	struct vsw_portgroup *pg;    /* NULL for uplinks */
	enum vsw_port_kind kind;
	uint32_t idx;
	char name[VSW_NAME_MAX + 1];
	uint8_t mac[6];              /* effective MAC of a virtual port */
	uint64_t mac48;              /* the same as an integer, for the frame path */
	bool admin_up;
	bool carrier;
	uint64_t offloads;           /* VSW_OFFLOAD_* its receiver takes as they are */
	uint64_t be_offloads;        /* what the attached backend takes (its ops) */
	uint64_t offloads_off;       /* what the host turned off (vsw_port_set_offloads) */

	/* derived for the frame path; the hottest part is in sw->hot[idx] */
	uint32_t announced;          /* uplink of the last RARP, VSW_NO_PORT */
	uint32_t dom_pos;            /* where it stands in its domain's member list */
	uint32_t promisc_pos;        /* and in its promiscuous list, VSW_NO_PORT if not */
	bool clocked;                /* counted in sw->n_clocked */
	uint32_t n_learned;
	struct vsw_shaper shaper;

	/* mirroring (datapath/mirror.h): the sessions copying this port, derived
	 * from the enabled ones: mir[0, n_mir_in) ingress, then n_mir_out egress */
	struct vsw_mirror_src **mir;
	uint32_t n_mir_in, n_mir_out, cap_mir;
	unsigned int n_mir_src;      /* sources naming this port, any session */
};

struct vsw_uplink {
	struct vsw_port port;
	struct vsw_bcn_uplink bcn;
	struct vsw_lldp_port lldp;   /* neighbors and advertising (control/lldp.c) */
};

struct vsw_vnic {
	struct vsw_port port;
	uint8_t initial_mac[6];
};

struct vsw_vmk {
	struct vsw_port port;
	unsigned int services;
	/* the host interface of vsw_vmk_iface_create() (host/vmk-iface.c) */
	struct vsw_backend *iface;      /* its tap, while the port has it */
	int rtnl;                       /* a NETLINK_ROUTE socket in its stack, or -1 */
	int ifindex;
	unsigned int mtu;
	bool in_walk;                   /* an address or route walk runs: the socket is busy */
	bool walk_was_busy;             /* sw->in_flush before the walk */
	bool persist;                   /* its tap is persistent: addresses may be there */
	char netstack[VSW_NAME_MAX + 1];
};

/* Configuration calls made by a receiver while the switch delivers. */
static inline bool vsw__busy(const struct vsw_switch *sw)
{
	return sw->in_flush;
}

static inline struct vsw_hot *vsw__hot(const struct vsw_port *p)
{
	return &p->sw->hot[p->idx];
}

static inline bool vsw__port_is_virtual(const struct vsw_port *p)
{
	return p->kind != VSW_PORT_UPLINK;
}

/* The MAC-table domain of a virtual port: its VLAN, or ANY for VGT. */
static inline uint16_t vsw__pg_domain(const struct vsw_portgroup *pg)
{
	return (uint16_t)pg->vlan; /* VSW_VLAN_TRUNK == VSW_DOMAIN_ANY */
}

static inline struct vsw_uplink *vsw__uplink_of(const struct vsw_port *p)
{
	return (struct vsw_uplink *)((char *)p - offsetof(struct vsw_uplink, port));
}

static inline struct vsw_vnic *vsw__vnic_of(const struct vsw_port *p)
{
	return (struct vsw_vnic *)((char *)p - offsetof(struct vsw_vnic, port));
}

static inline struct vsw_vmk *vsw__vmk_of(const struct vsw_port *p)
{
	return (struct vsw_vmk *)((char *)p - offsetof(struct vsw_vmk, port));
}

/* The next port of the switch after 'p' (the first for NULL), any kind. */
static inline struct vsw_port *vsw__port_next(const struct vsw_switch *sw, const struct vsw_port *p)
{
	struct vsw_list *n = vsw_list_after(&sw->ports, p ? &p->sw_node : NULL);

	return n ? vsw_container_of(n, struct vsw_port, sw_node) : NULL;
}

/* The next uplink after 'u' (the first for NULL). */
static inline struct vsw_uplink *vsw__uplink_next(const struct vsw_switch *sw, const struct vsw_uplink *u)
{
	struct vsw_list *n = vsw_list_after(&sw->uplinks, u ? &u->port.kind_node : NULL);

	return n ? vsw__uplink_of(vsw_container_of(n, struct vsw_port, kind_node)) : NULL;
}

/* Link state as the frame path sees it: administratively up and carrier. */
static inline bool vsw__port_link(const struct vsw_port *p)
{
	return p->admin_up && p->carrier;
}

/* The teaming order in force for a port group: its own or the switch's. */
static inline const struct vsw_team *vsw__pg_team(const struct vsw_portgroup *pg)
{
	return pg->team_override ? &pg->team : &pg->sw->team;
}

#endif
