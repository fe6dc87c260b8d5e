// SPDX-License-Identifier: MIT
/*
 * vnet.c - the virtio_net_hdr that a tap with IFF_VNET_HDR and an AF_PACKET
 * socket with PACKET_VNET_HDR put before each frame, read into a frame's
 * offload metadata on receive and written from it on send. The switch
 * checks the metadata against the bytes (datapath/offload.c) and finishes
 * in software what a destination port does not take; the backends only
 * translate.
 */
#include "backends/private.h"

#include <linux/virtio_net.h>

#ifndef VIRTIO_NET_HDR_GSO_UDP_L4
#define VIRTIO_NET_HDR_GSO_UDP_L4 5 /* Linux 5.18: UDP segmentation (USO) */
#endif

int vsw__vnet_to_frame(const void *hdr, struct vsw_frame *f)
{
	struct virtio_net_hdr h;
	int hl;

	/* the legacy header, in the host's byte order (tap and AF_PACKET
	 * both give it so unless told otherwise) */
	memcpy(&h, hdr, sizeof(h));
	if (h.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) {
		f->flags |= VSW_FRAME_CSUM_PARTIAL;
		f->csum_start = h.csum_start;
		f->csum_offset = h.csum_offset;
	}
	if (h.flags & VIRTIO_NET_HDR_F_DATA_VALID)
		f->flags |= VSW_FRAME_CSUM_VALID;
	switch (h.gso_type & ~VIRTIO_NET_HDR_GSO_ECN) {
	case VIRTIO_NET_HDR_GSO_NONE:
		return 0;
	case VIRTIO_NET_HDR_GSO_TCPV4:
		f->gso_type = VSW_GSO_TCPV4;
		break;
	case VIRTIO_NET_HDR_GSO_TCPV6:
		f->gso_type = VSW_GSO_TCPV6;
		break;
	case VIRTIO_NET_HDR_GSO_UDP_L4: /* from a packet socket: a UDP_SEGMENT sender */
		f->gso_type = VSW_GSO_UDP_L4;
		break;
	default: /* UFO, and what a later kernel may add: no name for it */
		return -EINVAL;
	}
	if (h.gso_type & VIRTIO_NET_HDR_GSO_ECN)
		f->flags |= VSW_FRAME_GSO_ECN;
	f->gso_size = h.gso_size;
	/* Linux gives hdr_len as a hint (skb_headlen(), often more than the
	 * headers): the real one is read from the bytes, which the switch
	 * then holds the rest of the metadata to; a frame without one keeps
	 * the hint and is refused there */
	hl = vsw__offload_hdr_len(f->data, f->len);
	f->hdr_len = hl > 0 ? (uint16_t)hl : h.hdr_len;
	return 0;
}

void vsw__vnet_from_frame(const struct vsw_frame *f, void *hdr)
{
	struct virtio_net_hdr h = { 0 };

	if (f->flags & VSW_FRAME_CSUM_PARTIAL) {
		h.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
		h.csum_start = f->csum_start;
		h.csum_offset = f->csum_offset;
	} else if (f->flags & VSW_FRAME_CSUM_VALID) {
		h.flags = VIRTIO_NET_HDR_F_DATA_VALID;
	}
	switch (f->gso_type) {
	case VSW_GSO_TCPV4:
		h.gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
		break;
	case VSW_GSO_TCPV6:
		h.gso_type = VIRTIO_NET_HDR_GSO_TCPV6;
		break;
	case VSW_GSO_UDP_L4:
		h.gso_type = VIRTIO_NET_HDR_GSO_UDP_L4;
		break;
	default:
		break;
	}
	if (h.gso_type) {
		if (f->flags & VSW_FRAME_GSO_ECN)
			h.gso_type |= VIRTIO_NET_HDR_GSO_ECN;
		h.gso_size = f->gso_size;
		h.hdr_len = f->hdr_len;
	}
	memcpy(hdr, &h, sizeof(h));
}
