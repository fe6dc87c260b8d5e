// SPDX-License-Identifier: MIT
/*
 * vnet.c - frames that arrive with a virtio_net_hdr (a tap with
 * IFF_VNET_HDR, an AF_PACKET socket with PACKET_VNET_HDR): the header is
 * read, checked against the bytes, and the frame finished in software into
 * complete frames, a partial checksum completed or a TCP super-frame
 * segmented, because the switch forwards complete frames only.
 */
#include "backends/private.h"

#include <linux/virtio_net.h>

#ifndef VIRTIO_NET_HDR_GSO_UDP_L4
#define VIRTIO_NET_HDR_GSO_UDP_L4 5 /* Linux 5.18: UDP segmentation (USO) */
#endif

int vsw__vnet_offload(const void *hdr, struct vsw__offload *o)
{
	struct virtio_net_hdr h;

	/* the legacy header, in the host's byte order (tap and AF_PACKET
	 * both give it so unless told otherwise) */
	memcpy(&h, hdr, sizeof(h));
	memset(o, 0, sizeof(*o));
	if (h.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM)
		o->flags |= VSW__OFL_NEEDS_CSUM;
	if (h.flags & VIRTIO_NET_HDR_F_DATA_VALID)
		o->flags |= VSW__OFL_DATA_VALID;
	o->gso_ecn = (h.gso_type & VIRTIO_NET_HDR_GSO_ECN) != 0;
	switch (h.gso_type & ~VIRTIO_NET_HDR_GSO_ECN) {
	case VIRTIO_NET_HDR_GSO_NONE:
		o->gso_type = VSW__GSO_NONE;
		break;
	case VIRTIO_NET_HDR_GSO_TCPV4:
		o->gso_type = VSW__GSO_TCPV4;
		break;
	case VIRTIO_NET_HDR_GSO_TCPV6:
		o->gso_type = VSW__GSO_TCPV6;
		break;
	case VIRTIO_NET_HDR_GSO_UDP_L4: /* from a packet socket: a UDP_SEGMENT sender */
		o->gso_type = VSW__GSO_UDP_L4;
		break;
	default: /* UFO, and what a later kernel may add: not offered, refused */
		return -EINVAL;
	}
	o->hdr_len = h.hdr_len;
	o->gso_size = h.gso_size;
	o->csum_start = h.csum_start;
	o->csum_offset = h.csum_offset;
	return 0;
}

int vsw__vnet_trust(const uint8_t *d, uint32_t len, struct vsw__offload *o)
{
	int hl;

	if (o->gso_type != VSW__GSO_NONE) {
		/* the kernel's hdr_len is a hint (skb_headlen()): the real one
		 * is read from the bytes, which the check then holds it to */
		hl = vsw__offload_hdr_len(d, len);
		if (hl < 0)
			return -EINVAL;
		o->hdr_len = (uint16_t)hl;
	}
	return vsw__offload_check(d, len, o) ? -EINVAL : 0;
}

int vsw__vnet_finish(uint8_t *d, uint32_t len, const struct vsw__offload *o, uint8_t *out,
		     size_t cap, struct vsw_frame *f, unsigned int max)
{
	struct vsw__offload real = *o;

	if (!max)
		return -ENOSPC;
	if (o->gso_type == VSW__GSO_NONE && !(o->flags & VSW__OFL_NEEDS_CSUM)) {
		f[0] = (struct vsw_frame){ .data = d, .len = len };
		return 1;
	}
	if (vsw__vnet_trust(d, len, &real))
		return -EINVAL;
	if (real.gso_type == VSW__GSO_NONE) {
		vsw__csum_complete(d, len, &real);
		f[0] = (struct vsw_frame){ .data = d, .len = len };
		return 1;
	}
	return vsw__gso_segment(d, len, &real, out, cap, f, max);
}
