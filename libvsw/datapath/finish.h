/* SPDX-License-Identifier: MIT */
/*
 * finish.h - frames with offload metadata going to a port that does not
 * take them as they are (finish.c): the switch completes the checksum or
 * cuts the super-frame into segments in software, per destination, so the
 * ports that do take them get the super-frame untouched.
 */
#ifndef VSW_DATAPATH_FINISH_H
#define VSW_DATAPATH_FINISH_H

#include <stdbool.h>

#include "core/objects.h"

/* The VSW_OFFLOAD_* bits a port must take for a frame to go to it as it is. */
static inline uint64_t vsw__frame_needs(const struct vsw_frame *f)
{
	uint64_t need = 0;

	if (f->flags & (VSW_FRAME_CSUM_PARTIAL | VSW_FRAME_CSUM_VALID))
		need |= VSW_OFFLOAD_CSUM;
	switch (f->gso_type) {
	case VSW_GSO_TCPV4:
		need |= VSW_OFFLOAD_CSUM | VSW_OFFLOAD_TSO4;
		break;
	case VSW_GSO_TCPV6:
		need |= VSW_OFFLOAD_CSUM | VSW_OFFLOAD_TSO6;
		break;
	case VSW_GSO_UDP_L4:
		need |= VSW_OFFLOAD_CSUM | VSW_OFFLOAD_USO;
		break;
	default:
		break;
	}
	if (f->gso_type && (f->flags & VSW_FRAME_GSO_ECN))
		need |= VSW_OFFLOAD_TSO_ECN;
	return need;
}

/* 'o' describes the bytes 'data' ('len' of them): frame 'in' with its outer
 * tag pushed (+4), popped (-4) or kept, the tag in the bytes. Its offload
 * metadata is carried over, the offsets moved by exactly the change in
 * length. */
static inline void vsw__frame_retagged(struct vsw_frame *o, const struct vsw_frame *in,
				       const uint8_t *data, uint32_t len)
{
	int32_t delta = (int32_t)len - (int32_t)in->len;

	*o = *in;
	o->data = data;
	o->len = len;
	o->vlan_tci = 0;
	o->flags &= (uint16_t)~VSW_FRAME_VLAN_TCI;
	if (o->flags & VSW_FRAME_CSUM_PARTIAL)
		o->csum_start = (uint16_t)(o->csum_start + delta);
	if (o->gso_type)
		o->hdr_len = (uint16_t)(o->hdr_len + delta);
}

/* Whether the port takes every one of these frames as it is. */
bool vsw__port_takes_all(const struct vsw_port *p, const struct vsw_frame *f, unsigned int n);

/* Deliver frames to a port, finishing in software those it does not take;
 * counted in its sw_csum, sw_segmented and offload_failed counters. */
void vsw__deliver_finished(struct vsw_switch *sw, struct vsw_hot *q, struct vsw_frame *f,
			   unsigned int n);

#endif
