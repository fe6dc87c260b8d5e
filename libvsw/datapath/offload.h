/* SPDX-License-Identifier: MIT */
/*
 * offload.h - frames that carry offload metadata (what Linux's
 * virtio_net_hdr carries: a checksum left to be completed, or a TCP/UDP
 * super-frame left to be segmented), and the software that finishes them
 * for a port that cannot take them as they are: checking the metadata
 * against the bytes (a guest or the wire may lie), completing the checksum,
 * and segmenting into complete frames of at most hdr_len + gso_size bytes.
 *
 * Pure functions over caller-owned buffers (offload.c): no allocation, no
 * state, usable from the datapath and from the backends that receive
 * such frames from the kernel.
 */
#ifndef VSW_DATAPATH_OFFLOAD_H
#define VSW_DATAPATH_OFFLOAD_H

#include <stddef.h>
#include <stdint.h>

#include "vsw.h"

/* vsw__offload.flags */
#define VSW__OFL_NEEDS_CSUM 0x01u  /* the L4 checksum is partial: complete it */
#define VSW__OFL_DATA_VALID 0x02u  /* the checksum was verified: nothing to do */

/* vsw__offload.gso_type */
enum vsw__gso {
	VSW__GSO_NONE = 0,
	VSW__GSO_TCPV4 = 1,
	VSW__GSO_TCPV6 = 2,
	VSW__GSO_UDP_L4 = 3,       /* UDP segmentation (each segment a datagram) */
};

/*
 * A frame's offload metadata, in host byte order. Offsets count from the
 * first byte of the Ethernet header, so a VLAN tag pushed or popped moves
 * csum_start and hdr_len by 4.
 */
struct vsw__offload {
	uint8_t flags;           /* VSW__OFL_* */
	uint8_t gso_type;        /* enum vsw__gso */
	uint8_t gso_ecn;         /* the super-frame's TCP header carries CWR (ECN) */
	uint16_t hdr_len;        /* Ethernet + IP + L4 header bytes of each segment */
	uint16_t gso_size;       /* payload bytes per segment (the last may be shorter) */
	uint16_t csum_start;     /* NEEDS_CSUM: the checksum covers from here to the end */
	uint16_t csum_offset;    /* ... and is stored at csum_start + csum_offset */
};

/* The most segments one super-frame may make (a 64 KiB frame of 1-byte
 * segments is refused, not looped over). */
#define VSW__GSO_MAX_SEGS 1024u

/*
 * Whether 'o' is consistent with the frame: 0, or -EINVAL when it lies
 * (csum_start or csum_offset past the end, a GSO type on a frame that is not
 * TCP or UDP over IPv4 or IPv6 at the offsets it claims, gso_size 0 with a
 * GSO type, hdr_len not the real header length, more than
 * VSW__GSO_MAX_SEGS segments). 802.1Q/802.1ad tags before the IP header are
 * followed. Nothing is trusted that this did not check.
 */
int vsw__offload_check(const uint8_t *d, uint32_t len, const struct vsw__offload *o);

/* Complete the partial checksum of a checked NEEDS_CSUM frame in place. */
void vsw__csum_complete(uint8_t *d, uint32_t len, const struct vsw__offload *o);

/*
 * Segment a checked GSO super-frame: each segment is the headers (IP total
 * or payload length, IPv4 ID incremented per segment and header checksum,
 * TCP sequence number, flags — FIN and PSH on the last only, CWR on the
 * first only — and a complete TCP or UDP checksum) followed by at most
 * gso_size bytes of payload. Segments are written one after another into
 * 'out' ('cap' bytes) and described in 'frames' (at most 'max'); returns
 * the number of segments, or -ENOSPC when 'out' or 'frames' is too small
 * (nothing usable is written then). A frame without a GSO type is copied
 * as one segment with its checksum completed if it needs it.
 */
int vsw__gso_segment(const uint8_t *d, uint32_t len, const struct vsw__offload *o,
		     uint8_t *out, size_t cap, struct vsw_frame *frames, unsigned int max);

/* Bytes vsw__gso_segment() needs in 'out' for this frame. */
size_t vsw__gso_room(uint32_t len, const struct vsw__offload *o);

#endif
