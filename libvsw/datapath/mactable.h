/* SPDX-License-Identifier: MIT */
/*
 * mactable.h - the MAC table: (VLAN domain, MAC) -> port index.
 *
 * Open addressing with linear probing and backward-shift deletion (no
 * tombstones), sized so that it is at most half full: a lookup touches one
 * or two cache lines whatever the number of ports and MACs. The table holds
 * the static entries of virtual ports (their effective MACs, never aged) and
 * the entries learned on ports of mac_learning port groups (aged, capped).
 *
 * The key packs the 12-bit domain above the 48-bit MAC, so two VLANs never
 * share an entry. Key 0 (domain 0, MAC 0) marks an empty slot: the zero MAC
 * is never a valid source or port address.
 *
 * Growth happens only on the configuration path (a static entry added);
 * learning never grows the table. When the learned capacity is used up, a
 * port may take an entry from the port that holds the most,
 * so that one port's flood of addresses cannot starve the others.
 */
#ifndef VSW_DATAPATH_MACTABLE_H
#define VSW_DATAPATH_MACTABLE_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

struct vsw_switch;
struct vsw_port;
struct vsw_portgroup;

#define VSW_FDB_LEARNED 0x80000000u /* flag in vsw_fdb_entry.port */
#define VSW_FDB_PORT_MASK 0x7fffffffu

struct vsw_fdb_entry {
	uint64_t key;
	uint32_t port;   /* port index, VSW_FDB_LEARNED for learned entries */
	uint32_t seen;   /* learned: last seen, in seconds of the switch clock */
};

struct vsw_fdb {
	struct vsw_fdb_entry *slot;
	uint32_t mask;         /* slots - 1, slots a power of two */
	unsigned int shift;    /* 64 - log2(slots) */
	uint32_t n_static;
	uint32_t n_learned;
	uint32_t max_learned;
};

static inline uint64_t vsw_fdb_key(uint16_t domain, const uint8_t mac[6])
{
	return (uint64_t)(domain & 0x0fffu) << 48 |
	       (uint64_t)mac[0] << 40 | (uint64_t)mac[1] << 32 |
	       (uint64_t)mac[2] << 24 | (uint64_t)mac[3] << 16 |
	       (uint64_t)mac[4] << 8 | (uint64_t)mac[5];
}

static inline uint32_t vsw_fdb_hash(const struct vsw_fdb *f, uint64_t key)
{
	return (uint32_t)((key * 0x9e3779b97f4a7c15ull) >> f->shift);
}

static inline const void *vsw_fdb_bucket(const struct vsw_fdb *f, uint64_t key)
{
	return &f->slot[vsw_fdb_hash(f, key)];
}

/* The entry for 'key', or NULL. Key 0 (the zero MAC on VLAN 0, which a
 * frame may carry as its destination) is never an entry: it marks empty
 * slots. */
static inline struct vsw_fdb_entry *vsw_fdb_lookup(const struct vsw_fdb *f, uint64_t key)
{
	uint32_t i = vsw_fdb_hash(f, key);

	if (__builtin_expect(!key, 0))
		return NULL;
	for (;;) {
		struct vsw_fdb_entry *e = &f->slot[i];
		if (e->key == key)
			return e;
		if (e->key == 0)
			return NULL;
		i = (i + 1) & f->mask;
	}
}

int vsw__fdb_init(struct vsw_fdb *f, uint32_t max_learned);
void vsw__fdb_fini(struct vsw_fdb *f);
/* Make room for 'extra' more static entries: -ENOMEM or 0. */
int vsw__fdb_reserve(struct vsw_fdb *f, uint32_t extra);
/* Insert a static entry; -EADDRINUSE if the key exists. Call reserve first. */
int vsw__fdb_add_static(struct vsw_fdb *f, uint64_t key, uint32_t port);
/* Insert or refresh a learned entry; -ENOSPC when the learned capacity is used up. */
int vsw__fdb_learn(struct vsw_fdb *f, uint64_t key, uint32_t port, uint32_t now_s);
void vsw__fdb_del(struct vsw_fdb *f, uint64_t key);
/* Remove one learned entry of 'port', searching from *cursor (which moves
 * past it): 0, or -ENOENT if the port has none. */
int vsw__fdb_evict_one(struct vsw_fdb *f, uint32_t port, uint32_t *cursor);
/* Remove every learned entry for which 'drop' says so; returns how many. */
unsigned int vsw__fdb_sweep(struct vsw_fdb *f,
			    int (*drop)(const struct vsw_fdb_entry *e, void *ctx), void *ctx);

/* ---- the switch's entries ---- */

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
/* Learned entries past their port group's aging time. */
void vsw__fdb_age(struct vsw_switch *sw);
bool vsw__fdb_expired(const struct vsw_switch *sw, const struct vsw_fdb_entry *e, uint32_t now_s);

#endif
