/* SPDX-License-Identifier: MIT */
/*
 * beacon.h - the private state of beacon probing (beacon.c), embedded in
 * struct vsw_switch and struct vsw_uplink (core/objects.h).
 *
 * A switch keeps one record per probed VLAN: the uplinks that probe it and
 * a matrix of the rounds in which each of them last heard each other one.
 * An uplink keeps its identity in beacons (a serial number) and its verdict
 * over all VLANs, which the teaming code reads when it decides which
 * uplinks a port group may use.
 *
 * Life cycle: the records are derived from the configuration by the first
 * vsw__beacon_poll() after a rebuild (which marks them stale), carrying
 * over the history of every (VLAN, uplink, uplink) that persists;
 * vsw__beacon_fini() frees them with the switch.
 *
 * Ownership: the switch owns the records and the frame buffer.
 *
 * Thread-safety: that of the switch.
 */
#ifndef VSW_BEACON_H
#define VSW_BEACON_H

#include <stdbool.h>
#include <stdint.h>

/* Ethertype of the beacons: the value ESX 3.5 used (DESIGN.md, vsw-teaming(7)). */
#define VSW_ETH_P_BEACON 0x05ffu

struct vsw_switch;
struct vsw_port;
struct vsw_uplink;
struct vsw_portgroup;
struct vsw_frame;

/* One probed VLAN. Arrays of 'n' (heard: n * n) in one allocation. */
struct vsw_bcn_vlan {
	uint16_t vid;                /* 0 untagged, or 1-4094 */
	uint32_t n;                  /* uplinks that probe it */
	uint32_t *port;              /* their port indices */
	uint32_t *serial;            /* their serials: an index may be reused */
	uint32_t *heard;             /* [i * n + j]: round in which i last heard j */
	uint8_t *verdict;            /* enum vsw_beacon_state of each */
	uint8_t *was_up;             /* its link was up at the last judgement */
	uint8_t *alive;              /* scratch of the judgement */
};

struct vsw_bcn {
	uint64_t id;                 /* this switch in beacons: random, never 0 */
	uint64_t interval_ns;
	uint64_t next_ns;            /* when the next round is due */
	uint32_t round;              /* rounds sent so far */
	uint32_t next_serial;
	bool stale;                  /* the configuration changed since derived */
	bool on;                     /* some port group probes */
	bool warned;                 /* a derivation failed and said so */
	struct vsw_bcn_vlan *vlan;   /* sorted by vid */
	uint32_t n_vlan;
	uint8_t *buf;                /* one uplink's frames of a round */
	struct vsw_frame *fr;
};

struct vsw_bcn_uplink {
	uint32_t serial;             /* identity in beacons; 0 until first probed */
	uint32_t n_failed;           /* probed VLANs on which it failed */
	uint32_t pos;                /* scratch of the derivation */
	uint8_t state;               /* enum vsw_beacon_state over all VLANs */
};

void vsw__beacon_init(struct vsw_switch *sw);
void vsw__beacon_fini(struct vsw_switch *sw);
/* Derive the probe set if stale; run a round when one is due. Called by
 * every vsw_switch_poll(); costs one flag test while nothing probes. */
void vsw__beacon_poll(struct vsw_switch *sw);
/* When vsw__beacon_poll() has work next, on the switch's clock: 0 while
 * the probe set is stale, the next round while probing, else UINT64_MAX. */
uint64_t vsw__beacon_next_ns(const struct vsw_switch *sw);
/* A beacon that arrived on uplink 'p': 'pl' is its payload (after the
 * ethertype), 'domain' the VLAN it came in. Returns the counter it counts
 * under (VSW_CTR_BEACON_RX or VSW_CTR_BEACON_IGNORED). */
uint8_t vsw__beacon_input(struct vsw_port *p, const uint8_t *pl, uint32_t len, uint16_t domain);
/* Whether the beacons of VLAN 'vid' located a fault on 'u'. */
bool vsw__beacon_failed(const struct vsw_switch *sw, const struct vsw_uplink *u, uint16_t vid);

#endif
