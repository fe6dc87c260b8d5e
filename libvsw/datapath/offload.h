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

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vsw.h"

/* vsw__offload.flags */
#define VSW__OFL_NEEDS_CSUM 0x01u  /* the L4 checksum is partial: complete it */
#define VSW__OFL_DATA_VALID 0x02u  /* the checksum was verified: nothing to do */

/* vsw__offload.gso_type, numbered as the public enum vsw_gso_type */
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
 * Whether 'o' is consistent with the frame: 0, or -EINVAL when it lies.
 * A plain frame (no flags, no GSO type) is 0 without a look at its bytes.
 * Otherwise refused:
 *  - flags other than NEEDS_CSUM and DATA_VALID; gso_ecn with no GSO type
 *    or with UDP_L4, or a value other than 0 or 1 (Linux refuses the same);
 *  - a frame shorter than an Ethernet header; tags past the frame's end.
 *    Up to two 802.1Q/802.1ad tags are followed; behind a third, the frame
 *    is not IP;
 *  - IPv4 that is not version 4, IHL < 5, a total length shorter than the
 *    header or that does not end exactly at the frame's end (an offloaded
 *    frame is never padded); IPv6 that is not version 6 or whose payload
 *    length does not end exactly at the frame's end (so no jumbograms);
 *  - TCP whose header (data offset >= 5) does not fit; UDP whose header
 *    does not fit or whose length is not the rest of the frame;
 *  - NEEDS_CSUM with csum_start + csum_offset + 2 past the end, an odd
 *    csum_offset (no Internet checksum field is at one), csum_start
 *    before the L4 header (or, not IP, before the ethertype's end), on an
 *    IPv4 fragment, or inside a TCP or UDP header other than at its start
 *    with offset 16 (TCP) or 6 (UDP). A csum_start past the TCP or UDP
 *    header (a tunnel's inner header) and any csum_start in an IPv6 packet
 *    with extension headers or another protocol are bounds-checked only;
 *  - a GSO type other than TCPV4 (IPv4 + TCP), TCPV6 (IPv6 + TCP with TCP
 *    as the next header: no extension headers) or UDP_L4 (UDP over either),
 *    an IPv4 fragment, gso_size 0, no payload, more than VSW__GSO_MAX_SEGS
 *    segments, or hdr_len other than the real header length (Ethernet,
 *    tags, IP and TCP/UDP: vsw__gso_room() and the segment size
 *    hdr_len + gso_size rely on it).
 * Without a GSO type, hdr_len and gso_size are ignored. NEEDS_CSUM is not
 * required with a GSO type (every segment's checksum is computed whole).
 * Linux senders give hdr_len only as a hint (virtio_net_hdr_from_skb() writes
 * skb_headlen(), often more than the headers; virtio without
 * VIRTIO_NET_F_GUEST_HDRLEN likewise): whoever receives from them replaces
 * it with vsw__offload_hdr_len() before checking. Nothing is trusted that
 * this did not check.
 */
int vsw__offload_check(const uint8_t *d, uint32_t len, const struct vsw__offload *o);

/* The real header length of a TCP or UDP frame over IPv4 or IPv6 (Ethernet,
 * tags, IP, TCP/UDP) as vsw__offload_check() parses it; -EINVAL if it has
 * none. For hdr_len from senders that give it only as a hint. */
int vsw__offload_hdr_len(const uint8_t *d, uint32_t len);

/* Complete the partial checksum of a checked NEEDS_CSUM frame in place: the
 * Internet checksum of csum_start to the end (the field holds the
 * pseudo-header's sum, as Linux leaves it for CHECKSUM_PARTIAL), stored at
 * csum_start + csum_offset, 0 sent as 0xffff. Nothing without NEEDS_CSUM. */
void vsw__csum_complete(uint8_t *d, uint32_t len, const struct vsw__offload *o);

/*
 * Segment a checked GSO super-frame: each segment is the headers (IP total
 * or payload length, IPv4 ID incremented per segment and header checksum,
 * TCP sequence number, flags — FIN and PSH on the last only, CWR on the
 * first only — and a complete TCP or UDP checksum) followed by at most
 * gso_size bytes of payload. Segments are written one after another into
 * 'out' ('cap' bytes) and described in 'frames' (at most 'max'); returns
 * the number of segments, -ENOSPC when 'out' or 'frames' is too small
 * (nothing is written then), or -EINVAL if vsw__offload_check() refuses the
 * frame (it is checked again: the headers are parsed anyway). A frame
 * without a GSO type is copied as one segment with its checksum completed
 * if it needs it. CWR is cleared after the first segment whatever gso_ecn
 * says (as Linux's tcp_gso_segment()); the IPv4 ID of segment i is the
 * super-frame's + i; the segments are plain frames (vsw_frame's other
 * members 0; an out-of-band tag of the super-frame is the caller's to
 * carry over).
 */
int vsw__gso_segment(const uint8_t *d, uint32_t len, const struct vsw__offload *o,
		     uint8_t *out, size_t cap, struct vsw_frame *frames, unsigned int max);

/* A frame's metadata in this form (VSW_FRAME_* flags to VSW__OFL_*). */
void vsw__offload_of(const struct vsw_frame *f, struct vsw__offload *o);

/* Whether a frame's offload metadata may be trusted: known flags and GSO
 * type, reserved bytes zero, vsw__offload_check() of its bytes, and with a
 * GSO type more payload than one segment. */
bool vsw__frame_offload_ok(const struct vsw_frame *f);

/* Bytes vsw__gso_segment() needs in 'out' for this frame: len + (segments
 * - 1) * hdr_len; len without a GSO type. From the metadata alone (exact for
 * a checked frame). */
size_t vsw__gso_room(uint32_t len, const struct vsw__offload *o);

#endif
