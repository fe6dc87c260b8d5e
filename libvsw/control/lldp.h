/* SPDX-License-Identifier: MIT */
/*
 * lldp.h - IEEE 802.1AB LLDP on uplinks: the state behind vsw-lldp(7).
 *
 * The frame path (datapath/input.c) recognises LLDP frames from any port with one
 * test on the destination key it computes anyway, and marks them consumed;
 * frames from an uplink then go to vsw__lldp_input() (lldp.c), which parses
 * them into the uplink's neighbor table. Advertising (lldp-tx.c) runs from
 * the event loop: vsw__lldp_tick() once per vsw_switch_poll() round.
 *
 * Life cycle: the tables are embedded in each uplink and in the switch, so
 * LLDP allocates nothing, ever: a flood of forged LLDPDUs costs at most
 * VSW_LLDP_MAX_NEIGHBORS entries per uplink.
 *
 * Time: every deadline is in the switch's clock (vsw__now), so tests drive
 * expiry and advertising with vsw_switch_set_clock().
 */
#ifndef VSW_LLDP_H
#define VSW_LLDP_H

#include <stdbool.h>
#include <stdint.h>

#define VSW_ETH_P_LLDP 0x88ccu
#define VSW_LLDP_MAX_NEIGHBORS 8
/* Longest chassis ID, port ID or string TLV value 802.1AB allows. */
#define VSW_LLDP_STR_MAX 255

/* The 48-bit group addresses 01:80:c2:00:00:0X, X = 0 (nearest customer
 * bridge), 3 (nearest non-TPMR bridge) or e (nearest bridge). */
#define VSW_LLDP_GROUP 0x0180c2000000ull
#define VSW_LLDP_GROUP_MASK 0xfffffffffff0ull
#define VSW_LLDP_GROUP_LOW ((1u << 0x0) | (1u << 0x3) | (1u << 0xe))

/* Whether a frame's (domain << 48 | destination MAC) key is an LLDP group
 * address: one mask and compare for every other frame. */
static inline bool vsw__lldp_dst(uint64_t dkey)
{
	return (dkey & VSW_LLDP_GROUP_MASK) == VSW_LLDP_GROUP &&
	       (VSW_LLDP_GROUP_LOW >> (dkey & 0xf) & 1);
}

/* One neighbor as received: raw values, escaped only when read. */
struct vsw_lldp_nbr {
	uint64_t expires_ns;
	uint16_t ttl;
	uint16_t pvid;               /* 0: no Port VLAN ID TLV */
	uint8_t src_mac[6];
	uint8_t chassis_subtype, port_subtype;
	uint8_t chassis_len, port_len; /* 1 to 255 */
	uint8_t pdesc_len, sname_len, sdesc_len;
	bool has_pdesc, has_sname, has_sdesc, has_v4, has_v6;
	uint8_t v4[4], v6[16];
	uint8_t chassis[VSW_LLDP_STR_MAX], port[VSW_LLDP_STR_MAX];
	uint8_t pdesc[VSW_LLDP_STR_MAX], sname[VSW_LLDP_STR_MAX], sdesc[VSW_LLDP_STR_MAX];
};

/* Per uplink, embedded in struct vsw_uplink. */
struct vsw_lldp_port {
	uint32_t n;                  /* neighbors in nbr[0..n), first heard first */
	bool was_up;                 /* link state at the last tick: "came up" */
	uint64_t next_tx_ns;
	struct vsw_lldp_nbr nbr[VSW_LLDP_MAX_NEIGHBORS];
};

/* Per switch, embedded in struct vsw_switch. */
struct vsw_lldp {
	uint8_t mode;                /* enum vsw_lldp_mode: bit 0 listen, bit 1 advertise */
	uint32_t interval_s;
	uint32_t n_nbr;              /* neighbors on all uplinks: the tick's fast exit */
	uint64_t seen_ns;            /* the clock when LLDP last read it */
};

struct vsw_switch;
struct vsw_port;
struct vsw_uplink;

/* Parse the LLDPDU at 'pdu' into 'n' (every field written); 0, or -EBADMSG
 * for anything 802.1AB's validation rules reject. Never reads past 'len'. */
int vsw__lldp_parse(const uint8_t *pdu, uint32_t len, struct vsw_lldp_nbr *n);
/* An LLDP frame from uplink 'p' (already counted in lldp_rx). */
void vsw__lldp_input(struct vsw_port *p, const uint8_t *d, uint32_t len);
/* Forget the neighbors of 'u' whose time to live ran out by 'now_ns'. */
void vsw__lldp_expire(struct vsw_uplink *u, uint64_t now_ns);
/* Forget every neighbor of every uplink. */
void vsw__lldp_forget_all(struct vsw_switch *sw);

void vsw__lldp_init(struct vsw_switch *sw);
/* Advertising and expiry, once per event loop round; cheap when idle. */
void vsw__lldp_tick(struct vsw_switch *sw);
/* When vsw__lldp_tick() has work next, on the switch's clock: 0 when an
 * advertising uplink's link changed since the last tick, else the earliest
 * LLDPDU due or neighbor expiring; UINT64_MAX for none. */
uint64_t vsw__lldp_next_ns(const struct vsw_switch *sw);
/* Before an uplink goes: its shutdown LLDPDU, its neighbors forgotten. */
void vsw__lldp_uplink_removed(struct vsw_uplink *u);
/* The switch's clock, remembered for vsw__lldp_rebase(). */
uint64_t vsw__lldp_now(struct vsw_switch *sw);
/* The clock was replaced and now reads 'now_ns': keep every deadline's
 * distance from the last time the switch read the old clock ('last_ns', or
 * LLDP's own last reading if later). */
void vsw__lldp_rebase(struct vsw_switch *sw, uint64_t last_ns, uint64_t now_ns);

#endif
