/* SPDX-License-Identifier: MIT */
/*
 * internal.h - the private structures behind the opaque handles of vsw.h.
 *
 * One switch owns everything: port groups (each an L2 domain with policy
 * overrides and an optional teaming order), ports of three kinds sharing
 * struct vsw_port, the MAC table (fdb.c) and the teaming state (teaming.c).
 * Objects reference their owner by pointer; the switch also keeps ports in
 * an index-addressed array because the MAC table and the frame path name
 * ports by a small integer, not a pointer.
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
 */
#ifndef VSW_INTERNAL_H
#define VSW_INTERNAL_H

#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "vsw.h"
#include "vsw_backend.h"
#include "list.h"
#include "fdb.h"
#include "beacon.h"
#include "lldp.h"

/* Domain used as the MAC-table key for VGT ports: they are in every VLAN. */
#define VSW_DOMAIN_ANY 4095u

/* ---- allocation (alloc.c): one place so tests can inject failures ---- */
void *vsw__calloc(size_t n, size_t size);
void *vsw__realloc(void *p, size_t n, size_t size);
void vsw__free(void *p);
/* n elements of 'size' bytes on a 64-byte boundary, zeroed; release with vsw__free. */
void *vsw__calloc_aligned(size_t n, size_t size);
/* Test hook: make the Nth allocation from now fail (0 disables). */
void vsw__alloc_fail_after(unsigned long n);

/* ---- logging (log.c) ---- */
void vsw__log(struct vsw_switch *sw, enum vsw_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
#define vsw__err(sw, ...) vsw__log(sw, VSW_LOG_ERR, __VA_ARGS__)
#define vsw__warn(sw, ...) vsw__log(sw, VSW_LOG_WARNING, __VA_ARGS__)
#define vsw__info(sw, ...) vsw__log(sw, VSW_LOG_INFO, __VA_ARGS__)
#define vsw__dbg(sw, ...) vsw__log(sw, VSW_LOG_DEBUG, __VA_ARGS__)

/* ---- names (switch.c) ---- */
/* 0, -EINVAL or -ENAMETOOLONG for a switch, port group or port name. */
int vsw__check_name(const char *name);
/* 0 or -EINVAL: a MAC a port may own (unicast, not zero). */
int vsw__check_port_mac(const uint8_t mac[6]);
/* 0 or -EINVAL for a caller's sized options struct (libbpf rules). */
int vsw__check_opts_size(const void *opts, size_t user_size, size_t known_size);

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

void vsw__policy_defaults(struct vsw_policy_vals *p);
int vsw__policy_check(enum vsw_policy key, uint64_t value);
void vsw__pg_refresh_policy(struct vsw_portgroup *pg);
/* Recompute what the frame path derives from configuration (switch.c). */
void vsw__switch_config_changed(struct vsw_switch *sw);

/* ---- teaming order ---- */
struct vsw_team {
	struct vsw_uplink **active;
	unsigned int n_active;
	struct vsw_uplink **standby;
	unsigned int n_standby;
};

void vsw__team_free(struct vsw_team *t);
/* Drop 'u' from the order wherever it appears. */
void vsw__team_forget(struct vsw_team *t, const struct vsw_uplink *u);
const struct vsw_team *vsw__pg_team(const struct vsw_portgroup *pg);

/* ---- the fast path's derived state (forward.c, teaming.c) ---- */

#define VSW_NO_PORT UINT32_MAX

/* Virtual ports of one VLAN domain: flood targets and promiscuous copies. */
struct vsw_dom {
	uint32_t *member;
	uint32_t n_member, cap_member;
	uint32_t *promisc;
	uint32_t n_promisc, cap_promisc;
};

/* A port group's teaming order as port indices, with what is usable now. */
struct vsw_pg_team {
	uint32_t *act;          /* configured actives, priority order */
	uint32_t n_act;
	uint32_t *stb;          /* configured standbys */
	uint32_t n_stb;
	uint32_t *usable_act;   /* actives usable: link up, not failed by beacons */
	uint32_t n_usable_act;
	uint32_t *act_ok;       /* [i]: act[i] is usable for this port group */
	uint32_t *stb_ok;       /* [i]: stb[i] is usable for this port group */
	uint32_t first_usable_stb;
	uint32_t cap;
};

/* The uplink for hash 'h' (DESIGN 3, failover rules): the hashed active if
 * usable, else the first usable standby, else the hash over the usable
 * actives. Shared by a port's choice (teaming.c) and a frame's (forward.c). */
static inline uint32_t vsw__team_pick(const struct vsw_pg_team *t, uint32_t h)
{
	if (!t->n_act)
		return t->first_usable_stb;
	if (t->act_ok[h % t->n_act])
		return t->act[h % t->n_act];
	if (t->first_usable_stb != VSW_NO_PORT)
		return t->first_usable_stb;
	return t->n_usable_act ? t->usable_act[h % t->n_usable_act] : VSW_NO_PORT;
}

/* One output waiting for the end of the batch. */
struct vsw_staged {
	uint32_t port;
	uint32_t len;
	const uint8_t *data;
};

#define VSW_STAGE_MAX 4096
#define VSW_ARENA_SIZE (1u << 20)
/* A learned address seen on its port this recently and arriving on an
 * uplink is the switch's own flood reflected, not a move (seconds). */
#define VSW_REFLECT_WINDOW_S 1u

/* Token buckets of one port's ingress shaper (bytes). */
struct vsw_shaper {
	bool on;
	uint64_t last_ns;
	double avg_tokens;
	double peak_tokens;
};

/*
 * What the frame path reads of a destination port, in a dense array indexed
 * by port index: the MAC table yields an index, and the address of its hot
 * state follows without a pointer load, so it can be prefetched a pass ahead.
 */
struct vsw_hot {
	struct vsw_port *port;       /* NULL for a free index */
	/* delivery: one cache line holds all a delivery reads and writes */
	vsw_rx_fn rx_fn;
	void *rx_user;
	struct vsw_backend *be;      /* mirror of port->be */
	uint64_t tx_packets;         /* the port's VSW_CTR_TX_PACKETS */
	uint64_t tx_bytes;           /* the port's VSW_CTR_TX_BYTES */
	uint32_t n_pending;          /* staged outputs in this batch */
	uint32_t out_pos;
	uint32_t cur_uplink;         /* teaming choice, VSW_NO_PORT if none */
	uint16_t domain;             /* pg VLAN, VSW_DOMAIN_ANY for a trunk */
	uint8_t up;                  /* admin_up && carrier */
	uint8_t mac_blocked;         /* mac_changes reject and MAC changed */
} __attribute__((aligned(64)));

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

	/* Ports by name: chained hash (names.c) */
	struct vsw_port **name_bucket;
	uint32_t name_mask;
	uint32_t n_ports;

	struct vsw_policy_vals policy;
	struct vsw_team team;

	struct vsw_fdb fdb;

	/* derived state, rebuilt by vsw__switch_rebuild() */
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

	vsw_clock_fn clock_fn;
	void *clock_user;
	uint64_t now_ns;
	uint32_t last_age_s;
	uint32_t evict_cursor;       /* where the next fair-share eviction looks */

	struct vsw_bcn bcn;          /* beacon probing (beacon.c) */
	struct vsw_lldp lldp;        /* LLDP mode and interval (lldp.c) */

	/* event loop (loop.c) */
	int epfd;
	int timerfd;
	int wakefd;
	volatile int stop;
	uint32_t n_fdless;

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
	uint32_t policy_set;         /* bit per enum vsw_policy overridden here */
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

	/* derived for the frame path; the hottest part is in sw->hot[idx] */
	uint32_t announced;          /* uplink of the last RARP, VSW_NO_PORT */
	uint32_t dom_pos;            /* where it stands in its domain's member list */
	uint32_t promisc_pos;        /* and in its promiscuous list, VSW_NO_PORT if not */
	bool clocked;                /* counted in sw->n_clocked */
	uint32_t n_learned;
	struct vsw_shaper shaper;
};

struct vsw_uplink {
	struct vsw_port port;
	struct vsw_bcn_uplink bcn;
	struct vsw_lldp_port lldp;   /* neighbors and advertising (lldp.c) */
};

struct vsw_vnic {
	struct vsw_port port;
	uint8_t initial_mac[6];
};

struct vsw_vmk {
	struct vsw_port port;
	unsigned int services;
	/* the host interface of vsw_vmk_iface_create() (vmk-iface.c) */
	struct vsw_backend *iface;      /* its tap, while the port has it */
	int rtnl;                       /* a NETLINK_ROUTE socket in its stack, or -1 */
	int ifindex;
	unsigned int mtu;
	bool in_walk;                   /* an address or route walk runs: the socket is busy */
	bool walk_was_busy;             /* sw->in_flush before the walk */
	char netstack[VSW_NAME_MAX + 1];
};

/* vmk-iface.c: release what vsw_vmk_iface_create() made (the tap goes
 * with the port's backend). */
void vsw__vmk_iface_release(struct vsw_vmk *k);
/* 0 if the port has its interface and no walk runs; else -ENOENT, -EBUSY */
int vsw__vmk_iface_usable(const struct vsw_vmk *k);
/* Before the switch's MTU goes down to 'mtu': VMkernel interfaces above it
 * follow, as their larger frames would be dropped as oversize. All or
 * nothing: 0, or rtnetlink's -errno with every interface as it was. */
int vsw__vmk_iface_clamp_mtu(struct vsw_switch *sw, unsigned int mtu);
/* Start a walk of the port's addresses or routes: -EINVAL, -ENOENT, -EBUSY,
 * or 0 with the port and its switch busy until vsw__vmk_walk_end(). */
int vsw__vmk_walk_begin(struct vsw_vmk *k, bool have_fn);
void vsw__vmk_walk_end(struct vsw_vmk *k);
/* "192.0.2.10/24", "2001:db8::10/64" into family, address and prefix */
int vsw__parse_cidr(const char *cidr, int *family, uint8_t addr[16], unsigned int *prefix);

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

/* ---- frame path (forward.c, teaming.c, rarp.c) ---- */
int vsw__switch_fastpath_init(struct vsw_switch *sw);
void vsw__switch_fastpath_fini(struct vsw_switch *sw);
/* Make room for one more port in its domain lists; -ENOMEM or 0. */
int vsw__dom_reserve(struct vsw_switch *sw, uint16_t domain, uint32_t extra);
/* Grow every port group's teaming arrays for one more uplink. */
int vsw__team_reserve(struct vsw_switch *sw);
int vsw__pg_team_alloc(struct vsw_switch *sw, struct vsw_portgroup *pg);
/* Recompute everything derived from configuration if it changed; sends the
 * RARPs that teaming changes call for. */
void vsw__switch_sync(struct vsw_switch *sw);
void vsw__switch_rebuild(struct vsw_switch *sw);
/* Deliver frames to one port now (backend, callback), counting tx. */
void vsw__port_deliver(struct vsw_switch *sw, struct vsw_hot *h, const struct vsw_frame *f,
			unsigned int n);
void vsw__send_rarp(struct vsw_port *vport, struct vsw_port *uplink);
uint64_t vsw__now(struct vsw_switch *sw);
uint32_t vsw__mac_hash(const uint8_t *mac);
int vsw__ip_hash(const uint8_t *d, uint32_t len, bool inband_tag);
double vsw__shaper_peak_depth(const struct vsw_switch *sw, const struct vsw_pg_eff *e);
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
/* Learned entries past their port group's aging time. */
void vsw__fdb_age(struct vsw_switch *sw);
bool vsw__fdb_expired(const struct vsw_switch *sw, const struct vsw_fdb_entry *e, uint32_t now_s);

/* ---- backends (backend.c, loop.c) ---- */
struct vsw_backend {
	const struct vsw_backend_ops *ops;
	struct vsw_port *port;
	void *priv;
	int notified;                /* atomic: vsw_backend_notify() pending */
	bool in_epoll;
	bool parked;                 /* failing with its link down: not polled */
	int fd;
};

void vsw__backend_free(struct vsw_backend *be);
/* Loop bookkeeping when a port gains or loses its backend. */
int vsw__loop_add(struct vsw_switch *sw, struct vsw_port *p);
void vsw__loop_del(struct vsw_switch *sw, struct vsw_port *p);
void vsw__loop_fini(struct vsw_switch *sw);
/* Re-read a backend's carrier; true if the port's link changed. */
bool vsw__port_refresh_carrier(struct vsw_port *p);
/* Warn when the port's backend cannot carry frames of the switch's MTU. */
void vsw__port_check_mtu(struct vsw_port *p);

/* ---- port names (names.c) ---- */
/* Make room in the name table for one more port: 0 or -ENOMEM. */
int vsw__names_reserve(struct vsw_switch *sw);
void vsw__names_insert(struct vsw_switch *sw, struct vsw_port *p);
void vsw__names_remove(struct vsw_switch *sw, struct vsw_port *p);
void vsw__names_fini(struct vsw_switch *sw);

/* ---- ports (port.c) ---- */
/* Validate name uniqueness and reserve an index; fills the common fields. */
int vsw__port_init(struct vsw_switch *sw, struct vsw_port *p, const char *name,
		   enum vsw_port_kind kind);
/* Unlink from every list and release the index; does not free. */
void vsw__port_fini(struct vsw_port *p);
struct vsw_port *vsw__port_by_name(const struct vsw_switch *sw, const char *name);
/* Add a virtual port: name, MAC table entry, port group membership. */
int vsw__vport_add(struct vsw_portgroup *pg, struct vsw_port *p, const char *name,
		   enum vsw_port_kind kind, const uint8_t mac[6]);
void vsw__vport_remove(struct vsw_port *p);
/* Link an initialised uplink port into the switch (cannot fail). */
void vsw__uplink_link_in(struct vsw_port *p);
/* Whether a port outside 'ignore' already owns 'mac' in 'domain' (VGT-aware). */
bool vsw__mac_in_use(const struct vsw_switch *sw, uint16_t domain, const uint8_t mac[6],
		     const struct vsw_portgroup *ignore);
/* Add a virtual port's own address, displacing (and uncounting) a learned
 * entry of that key. Call vsw__fdb_reserve() first. */
void vsw__fdb_add_own(struct vsw_switch *sw, uint64_t key, uint32_t port);
/* Forget a learned entry (an address that moved to the physical network). */
void vsw__fdb_unlearn(struct vsw_switch *sw, uint64_t key);
/* The table is full: take one entry from the port with the most learned
 * addresses if it holds more than 'p' + 1; true if room was made. */
bool vsw__fdb_make_room(struct vsw_switch *sw, const struct vsw_port *p);
/* Drop the learned MAC entries of every port of 'pg'. */
void vsw__fdb_forget_pg(struct vsw_switch *sw, const struct vsw_portgroup *pg);
/* Drop the learned MAC entries of one port. */
void vsw__fdb_forget_port(struct vsw_switch *sw, const struct vsw_port *p);

#endif
