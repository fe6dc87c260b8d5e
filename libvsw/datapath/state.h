/* SPDX-License-Identifier: MIT */
/*
 * state.h - what the frame path derives from configuration (derive.c) and
 * reads per frame: VLAN domain lists, each port group's teaming order as
 * port indices, the per-port hot line, the shaper's buckets and the
 * per-batch staging. Embedded in the objects of core/objects.h.
 */
#ifndef VSW_DATAPATH_STATE_H
#define VSW_DATAPATH_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "vsw.h"

struct vsw_port;
struct vsw_backend;

/* Domain used as the MAC-table key for VGT ports: they are in every VLAN. */
#define VSW_DOMAIN_ANY 4095u

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
 * actives. Shared by a port's choice (derive.c) and a frame's (input.c). */
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
	const struct vsw_frame *ofl; /* the input frame if it has offload metadata */
};

/* Scratch for frames finished in software for one port (finish.c): the
 * segments of the largest super-frame (VSW__GSO_MAX_SEGS of them, whose
 * bytes, len + (segs - 1) * hdr_len, stay under 64 KiB + 62 + 1023 * 142). */
#define VSW_FIN_FRAMES 1024u
#define VSW_FIN_BUF (256u << 10)

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
	uint8_t flags;               /* VSW_HOT_*: what else stops or copies a delivery */
} __attribute__((aligned(64)));

/* struct vsw_hot.flags */
#define VSW_HOT_MAC_BLOCKED 0x01u /* mac_changes reject and the MAC changed */
#define VSW_HOT_SPAN_DST 0x02u    /* a mirroring session's SPAN destination */
#define VSW_HOT_MIRROR_OUT 0x04u  /* what it is handed is mirrored (egress) */

#endif
