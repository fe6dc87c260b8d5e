// SPDX-License-Identifier: MIT
/*
 * Description: libFuzzer target for software offloads (datapath/offload.c).
 * Oracle: whatever vsw__offload_check() accepts, vsw__gso_segment() turns
 * into frames that all verify (the independent verifier of
 * ../offload-verify.h: lengths, IDs, sequence numbers, flags, IPv4 header
 * and TCP/UDP checksums, the payload back whole), in an 'out' of exactly
 * vsw__gso_room() bytes (heap-allocated: ASan sees a byte past it) and
 * 'frames' of exactly the segment count, and one byte or one frame less is
 * -ENOSPC; a frame without a GSO type comes out as one, its checksum
 * completed so that the area verifies with the pseudo-header's share the
 * field held; whatever the check refuses, segmentation refuses too.
 *
 * Input: [mode][...]. Mode bit 0 clear: 11 bytes of metadata (flags,
 * gso_type, gso_ecn, hdr_len, gso_size, csum_start, csum_offset; 16-bit
 * fields LE) and the frame's bytes. Bit 0 set: a super-frame built from
 * [v6/udp/tags/options][payload: 2 bytes LE][gso_size: 2 LE][tcp flags]
 * [id: 2][seq: 4], then [which metadata field to change][by: 2 LE]
 * (0: none), then bytes XORed over the frame's first bytes: valid
 * super-frames, with a lie or a flipped header bit in a few bytes.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../offload-verify.h"

#define FRAME_MAX 70000

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static void oracle(const uint8_t *d, uint32_t len, const struct vsw__offload *o)
{
	size_t room = vsw__gso_room(len, o);
	uint8_t *out;
	struct vsw_frame *frames;
	unsigned int nseg = 1;
	int n;

	if (vsw__offload_check(d, len, o) < 0) {
		uint8_t b[64];
		struct vsw_frame f[2] = { 0 };

		if ((o->flags || o->gso_type || o->gso_ecn) &&
		    vsw__gso_segment(d, len, o, b, sizeof(b), f, 2) != -EINVAL)
			abort();
		return;
	}
	if (o->gso_type != VSW__GSO_NONE)
		nseg = (len - o->hdr_len + o->gso_size - 1u) / o->gso_size;
	out = malloc(room + !room);
	frames = malloc(nseg * sizeof(*frames));
	if (!out || !frames)
		abort();
	if ((room && vsw__gso_segment(d, len, o, out, room - 1, frames, nseg) != -ENOSPC) ||
	    vsw__gso_segment(d, len, o, out, room, frames, nseg - 1) != -ENOSPC)
		abort();
	n = vsw__gso_segment(d, len, o, out, room, frames, nseg);
	if (n != (int)nseg)
		abort();
	if (o->gso_type != VSW__GSO_NONE) {
		if (ov_segments(d, len, o, frames, n))
			abort();
	} else if (frames[0].data != out || frames[0].len != len) {
		abort();
	} else if (o->flags & VSW__OFL_NEEDS_CSUM) {
		uint32_t at = (uint32_t)o->csum_start + o->csum_offset;

		if (memcmp(out, d, at) || memcmp(out + at + 2, d + at + 2, len - at - 2) ||
		    ov_fold(ov_sum(out + o->csum_start, len - o->csum_start, ov_be16(d + at))) != 0xffff)
			abort();
	} else if (memcmp(out, d, len)) {
		abort();
	}
	free(out);
	free(frames);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t d[FRAME_MAX];
	struct vsw__offload o;
	uint32_t len;

	if (size < 1)
		return 0;
	if (!(data[0] & 1)) {
		if (size < 12 || size - 12 > FRAME_MAX)
			return 0;
		o = (struct vsw__offload){ .flags = data[1], .gso_type = data[2], .gso_ecn = data[3],
					   .hdr_len = le16(data + 4), .gso_size = le16(data + 6),
					   .csum_start = le16(data + 8), .csum_offset = le16(data + 10) };
		len = (uint32_t)(size - 12);
		memcpy(d, data + 12, len);
		oracle(d, len, &o);
		return 0;
	}
	if (size < 15)
		return 0;
	{
		uint8_t k = data[1];
		struct ov_spec sp = { .v6 = k & 1, .udp = (k >> 1) & 1, .ntags = (k >> 2) % 3,
				      .ip_opt_words = (k >> 4) & 3, .tcp_opt_words = (k >> 6) * 2,
				      .payload = le16(data + 2), .gso_size = le16(data + 4),
				      .tcp_flags = data[6], .id = le16(data + 7),
				      .seq = (uint32_t)le16(data + 9) << 16 | le16(data + 11) };
		uint8_t which = data[13];
		uint16_t by = size >= 16 ? le16(data + 14) : 0;

		len = ov_build(d, FRAME_MAX, &sp, &o);
		if (!len)
			return 0;
		switch (which % 8) {
		case 1: o.flags ^= (uint8_t)by; break;
		case 2: o.gso_type = (uint8_t)by; break;
		case 3: o.gso_ecn = (uint8_t)by; break;
		case 4: o.hdr_len = (uint16_t)(o.hdr_len + by); break;
		case 5: o.gso_size = by; break;
		case 6: o.csum_start = (uint16_t)(o.csum_start + by); break;
		case 7: o.csum_offset = (uint16_t)(o.csum_offset + by); break;
		default: break;
		}
		if (which & 8)
			len = by < len ? len - by : len; /* cut the frame short */
		for (size_t i = 16; i < size && i - 16 < len; i++)
			d[i - 16] ^= data[i];
		oracle(d, len, &o);
	}
	return 0;
}
