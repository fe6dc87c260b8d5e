// SPDX-License-Identifier: MIT
/*
 * Description: software offloads (datapath/offload.c): super-frames built
 * here (TCPv4, TCPv6, UDP over both; untagged, 802.1Q, QinQ; with IP and
 * TCP options; payloads a multiple of gso_size and not; gso_size 1 and the
 * largest; ECN) are segmented and every segment is verified by the
 * independent verifier of offload-verify.h. Every buffer edge ('out' of
 * vsw__gso_room() bytes and one less, 'frames' exactly enough and one
 * less), metadata that lies (each refusal of vsw__offload_check()), and
 * checksum completion on odd lengths, verified independently.
 */
#include <stdlib.h>

#include "cksuite.h"
#include "offload-verify.h"

#define BUF_MAX 70000
#define OUT_MAX (VSW__GSO_MAX_SEGS * 160u + BUF_MAX)

static uint8_t buf[BUF_MAX];
static uint8_t out[OUT_MAX + 64];
static struct vsw_frame frames[VSW__GSO_MAX_SEGS + 1];

/* The index of the first byte of p[0..n) that is not v, or n: one
 * assertion per buffer, not one per byte (the suite runs under valgrind). */
static size_t first_other(const uint8_t *p, size_t n, uint8_t v)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != v)
			return i;
	return n;
}

/* Segment with 'out' and 'frames' exactly big enough, verify, and check
 * the edges one below. Returns the number of segments. */
static int segment_verified(const uint8_t *d, uint32_t len, const struct vsw__offload *o)
{
	size_t room = vsw__gso_room(len, o);
	uint32_t payload = len - o->hdr_len;
	unsigned int nseg = (payload + o->gso_size - 1) / o->gso_size;
	const char *err;
	int n;

	ck_assert_int_eq(vsw__offload_check(d, len, o), 0);
	ck_assert_uint_le(room, OUT_MAX);
	ck_assert_uint_eq(room, (size_t)len + (size_t)(nseg - 1) * o->hdr_len);
	/* one byte short, or one frame short: -ENOSPC, nothing written */
	memset(out, 0xa5, room);
	ck_assert_int_eq(vsw__gso_segment(d, len, o, out, room - 1, frames, nseg), -ENOSPC);
	ck_assert_int_eq(vsw__gso_segment(d, len, o, out, room, frames, nseg - 1), -ENOSPC);
	ck_assert_uint_eq(first_other(out, room, 0xa5), room);
	/* exactly enough: nothing written past 'room' */
	memset(out + room, 0x5a, 64);
	n = vsw__gso_segment(d, len, o, out, room, frames, nseg);
	ck_assert_int_eq(n, (int)nseg);
	ck_assert_uint_eq(first_other(out + room, 64, 0x5a), 64);
	err = ov_segments(d, len, o, frames, n);
	ck_assert_msg(!err, "%s", err ? err : "");
	ck_assert_ptr_eq(frames[n - 1].data + frames[n - 1].len, out + room);
	return n;
}

static const uint16_t gso_sizes[] = { 1448, 536, 1, 7, 1460 };

static void matrix(int v6, int udp)
{
	for (int tags = 0; tags <= 2; tags++)
		for (size_t g = 0; g < sizeof(gso_sizes) / sizeof(gso_sizes[0]); g++) {
			uint16_t gs = gso_sizes[g];
			/* exact multiples, and not; 1 byte; up to the most segments */
			uint32_t pls[] = { gs * 3u, gs * 3u + 1u, gs * 10u - 1u, 1, gs + 1u,
					   gs < 64 ? gs * (VSW__GSO_MAX_SEGS - 1u) + 1u : 65535u - 120u };

			for (size_t p = 0; p < sizeof(pls) / sizeof(pls[0]); p++) {
				struct ov_spec sp = { .v6 = v6, .udp = udp, .ntags = tags,
						   .payload = pls[p], .gso_size = gs, .id = 0xfffe,
						   .seq = 0xffffff00u, .tcp_flags = 0x19 /* FIN PSH ACK */ };
				struct vsw__offload o;
				uint32_t len = ov_build(buf, BUF_MAX, &sp, &o);

				segment_verified(buf, len, &o);
			}
		}
}

START_TEST(tcp4_segments) { matrix(0, 0); }
END_TEST

START_TEST(tcp6_segments) { matrix(1, 0); }
END_TEST

START_TEST(udp4_segments) { matrix(0, 1); }
END_TEST

START_TEST(udp6_segments) { matrix(1, 1); }
END_TEST

/* A 64 KiB TCPv4 super-frame with IP and TCP options into 1448-byte
 * segments; a gso_size of the whole payload (one segment) and of 0xffff;
 * one byte less than the payload (two segments). */
START_TEST(sizes_and_options)
{
	struct ov_spec sp = { .ntags = 1, .ip_opt_words = 2, .tcp_opt_words = 3, .gso_size = 1448,
			   .id = 7, .seq = 1000, .tcp_flags = 0x18 };
	struct vsw__offload o;
	uint32_t len;

	sp.payload = 65535u - 28u - 32u;
	len = ov_build(buf, BUF_MAX, &sp, &o);
	ck_assert_int_eq(segment_verified(buf, len, &o), 46);
	o.gso_size = (uint16_t)sp.payload;
	ck_assert_int_eq(segment_verified(buf, len, &o), 1);
	o.gso_size = 0xffff;
	ck_assert_int_eq(segment_verified(buf, len, &o), 1);
	o.gso_size = (uint16_t)(sp.payload - 1);
	ck_assert_int_eq(segment_verified(buf, len, &o), 2);
	/* the most segments, and one more */
	sp.gso_size = 1;
	sp.payload = VSW__GSO_MAX_SEGS;
	len = ov_build(buf, BUF_MAX, &sp, &o);
	ck_assert_int_eq(segment_verified(buf, len, &o), VSW__GSO_MAX_SEGS);
	sp.payload++;
	len = ov_build(buf, BUF_MAX, &sp, &o);
	ck_assert_int_eq(vsw__offload_check(buf, len, &o), -EINVAL);
	ck_assert_int_eq(vsw__gso_segment(buf, len, &o, out, OUT_MAX, frames,
					  VSW__GSO_MAX_SEGS + 1), -EINVAL);
}
END_TEST

/* CWR on the first segment only, FIN and PSH on the last only, with and
 * without gso_ecn; the IPv4 ID and the sequence number wrap. */
START_TEST(ecn_and_flags)
{
	for (int ecn = 0; ecn <= 1; ecn++)
		for (int v6 = 0; v6 <= 1; v6++) {
			struct ov_spec sp = { .v6 = v6, .ntags = 2, .payload = 5000, .gso_size = 1000,
					   .id = 0xffff, .seq = 0xfffffc00u,
					   .tcp_flags = 0x80 | 0x10 | 0x08 | 0x01 };
			struct vsw__offload o;
			uint32_t len = ov_build(buf, BUF_MAX, &sp, &o);
			uint32_t l4 = o.csum_start;

			o.gso_ecn = (uint8_t)ecn;
			ck_assert_int_eq(segment_verified(buf, len, &o), 5);
			ck_assert_uint_eq(frames[0].data[l4 + 13], 0x80 | 0x10);
			for (int i = 1; i < 4; i++)
				ck_assert_uint_eq(frames[i].data[l4 + 13], 0x10);
			ck_assert_uint_eq(frames[4].data[l4 + 13], 0x10 | 0x08 | 0x01);
			ck_assert_uint_eq(ov_be32(frames[1].data + l4 + 4), 0xfffffc00u + 1000u);
			ck_assert_uint_eq(ov_be32(frames[2].data + l4 + 4), 0x000003d0u);
			if (!v6) {
				ck_assert_uint_eq(ov_be16(frames[0].data + 22 + 4), 0xffff);
				ck_assert_uint_eq(ov_be16(frames[1].data + 22 + 4), 0);
			}
		}
}
END_TEST

/* A frame without a GSO type goes through as one, checksum completed. */
START_TEST(no_gso_one_segment)
{
	struct ov_spec sp = { .udp = 1, .ntags = 1, .payload = 333, .gso_size = 100 };
	struct vsw__offload o;
	uint32_t len = ov_build(buf, BUF_MAX, &sp, &o);
	struct ov_layout y;

	o.gso_type = VSW__GSO_NONE;
	ck_assert_uint_eq(vsw__gso_room(len, &o), len);
	ck_assert_int_eq(vsw__gso_segment(buf, len, &o, out, len - 1, frames, 1), -ENOSPC);
	ck_assert_int_eq(vsw__gso_segment(buf, len, &o, out, len, frames, 0), -ENOSPC);
	ck_assert_int_eq(vsw__gso_segment(buf, len, &o, out, len, frames, 1), 1);
	ck_assert_ptr_eq(frames[0].data, out);
	ck_assert_uint_eq(frames[0].len, len);
	ck_assert_ptr_null(ov_layout(out, len, &y));
	ck_assert_ptr_null(ov_l4_ok(out, len, &y));
	ck_assert_mem_eq(out + y.hl, buf + y.hl, len - y.hl);
}
END_TEST

/* ---- metadata that lies ---- */

enum lie {
	L_FLAGS, L_CSUM_START_END, L_CSUM_OFF_END, L_CSUM_IN_IP, L_CSUM_OFF_WRONG, L_CSUM_OFF_ODD,
	L_CSUM_MID_L4, L_GSO_SIZE_0, L_HDR_LEN_LESS, L_HDR_LEN_MORE, L_HDR_LEN_0, L_TYPE_VERSION,
	L_TYPE_PROTO, L_TYPE_BAD, L_NOT_IP, L_ECN_UDP, L_ECN_2, L_ECN_NONE, L_IP_TOTLEN_MORE,
	L_IP_TOTLEN_LESS, L_IHL_4, L_IHL_PAST, L_IP_VERSION, L_FRAG_MF, L_FRAG_OFF,
	L_IP6_PLEN, L_IP6_EXT, L_TCP_DOFF_4, L_TCP_DOFF_PAST, L_UDP_LEN, L_NO_PAYLOAD,
	L_TRUNC_ETH, L_THREE_TAGS, L_TRUNC_TAG, N_LIES
};

/* Apply lie 'l' to the frame or its metadata; returns the new length, or 0
 * if the lie does not apply to this kind of frame. */
static uint32_t lie(enum lie l, uint8_t *d, uint32_t len, struct vsw__offload *o, const struct ov_spec *sp)
{
	uint32_t l3 = 14 + 4u * (uint32_t)sp->ntags, l4 = o->csum_start;

	switch (l) {
	case L_FLAGS: o->flags |= 0x80; break;
	case L_CSUM_START_END: o->csum_start = (uint16_t)len; o->csum_offset = 0; break;
	case L_CSUM_OFF_END: o->csum_offset = (uint16_t)(len - l4 - 1); break;
	case L_CSUM_IN_IP: o->csum_start = (uint16_t)l3; o->csum_offset = 10; break;
	case L_CSUM_OFF_WRONG: o->csum_offset = sp->udp ? 16 : 6; break;
	case L_CSUM_OFF_ODD: o->csum_start = (uint16_t)(o->hdr_len); o->csum_offset = 3; break;
	case L_CSUM_MID_L4: o->csum_start = (uint16_t)(l4 + 2); o->csum_offset = (uint16_t)(o->csum_offset - 2); break;
	case L_GSO_SIZE_0: o->gso_size = 0; break;
	case L_HDR_LEN_LESS: o->hdr_len--; break;
	case L_HDR_LEN_MORE: o->hdr_len++; break;
	case L_HDR_LEN_0: o->hdr_len = 0; break;
	case L_TYPE_VERSION:
		if (sp->udp)
			return 0;
		o->gso_type = sp->v6 ? VSW__GSO_TCPV4 : VSW__GSO_TCPV6;
		break;
	case L_TYPE_PROTO: o->gso_type = sp->udp ? (sp->v6 ? VSW__GSO_TCPV6 : VSW__GSO_TCPV4) : VSW__GSO_UDP_L4; break;
	case L_TYPE_BAD: o->gso_type = 4; break;
	case L_NOT_IP: ov_put16(d + l3 - 2, 0x0806); break;
	case L_ECN_UDP:
		if (!sp->udp)
			return 0;
		o->gso_ecn = 1;
		break;
	case L_ECN_2: o->gso_ecn = 2; break;
	case L_ECN_NONE: o->gso_type = VSW__GSO_NONE; o->gso_ecn = 1; break;
	case L_IP_TOTLEN_MORE: case L_IP_TOTLEN_LESS: {
		int delta = l == L_IP_TOTLEN_MORE ? 1 : -1;
		ov_put16(d + l3 + (sp->v6 ? 4 : 2), (uint32_t)((int)ov_be16(d + l3 + (sp->v6 ? 4 : 2)) + delta));
		break;
	}
	case L_IHL_4: if (sp->v6) return 0; d[l3] = 0x44; break;
	case L_IHL_PAST: if (sp->v6) return 0; d[l3] = 0x4f; len = l3 + 50; ov_put16(d + l3 + 2, 50); break;
	case L_IP_VERSION: d[l3] = (uint8_t)((d[l3] & 0x0f) | (sp->v6 ? 0x40 : 0x50)); break;
	case L_FRAG_MF: if (sp->v6) return 0; d[l3 + 6] |= 0x20; break;
	case L_FRAG_OFF: if (sp->v6) return 0; d[l3 + 7] = 1; break;
	case L_IP6_PLEN: if (!sp->v6) return 0; ov_put16(d + l3 + 4, 0); break;
	case L_IP6_EXT: if (!sp->v6) return 0; d[l3 + 6] = 0; break; /* hop-by-hop */
	case L_TCP_DOFF_4: if (sp->udp) return 0; d[l4 + 12] = 0x40; break;
	case L_TCP_DOFF_PAST: /* the header runs past a frame cut after it */
		if (sp->udp)
			return 0;
		d[l4 + 12] = 0xf0;
		len = l4 + 40;
		ov_put16(d + l3 + (sp->v6 ? 4 : 2), len - l3 - (sp->v6 ? 40 : 0));
		break;
	case L_UDP_LEN: if (!sp->udp) return 0; ov_put16(d + l4 + 4, ov_be16(d + l4 + 4) - 1); break;
	case L_NO_PAYLOAD:
		len = o->hdr_len;
		ov_put16(d + l3 + (sp->v6 ? 4 : 2), len - l3 - (sp->v6 ? 40 : 0));
		if (sp->udp)
			ov_put16(d + l4 + 4, len - l4);
		break;
	case L_TRUNC_ETH: len = 13; break;
	case L_THREE_TAGS:
		if (sp->ntags != 2)
			return 0;
		ov_put16(d + 12, 0x8100);
		ov_put16(d + 16, 0x8100);
		ov_put16(d + 20, 0x8100);
		break;
	case L_TRUNC_TAG: if (!sp->ntags) return 0; len = 15; break;
	default: break;
	}
	return len;
}

START_TEST(lies_refused)
{
	static const struct ov_spec kinds[] = {
		{ .ntags = 0, .payload = 3000, .gso_size = 1000, .tcp_flags = 0x10 },
		{ .v6 = 1, .ntags = 1, .payload = 3000, .gso_size = 1000, .tcp_flags = 0x10 },
		{ .udp = 1, .ntags = 2, .payload = 3000, .gso_size = 1000 },
		{ .v6 = 1, .udp = 1, .ntags = 2, .payload = 3000, .gso_size = 1000 },
	};
	unsigned int refused = 0;

	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		for (int l = 0; l < N_LIES; l++) {
			struct vsw__offload o;
			uint32_t len = ov_build(buf, BUF_MAX, &kinds[k], &o);

			ck_assert_int_eq(vsw__offload_check(buf, len, &o), 0);
			len = lie((enum lie)l, buf, len, &o, &kinds[k]);
			if (!len)
				continue;
			ck_assert_msg(vsw__offload_check(buf, len, &o) == -EINVAL,
				      "kind %zu lie %d accepted", k, l);
			ck_assert_int_eq(vsw__gso_segment(buf, len, &o, out, OUT_MAX, frames,
							  VSW__GSO_MAX_SEGS), -EINVAL);
			refused++;
		}
	ck_assert_uint_ge(refused, 100);
}
END_TEST

/* What is accepted as it is: plain frames unlooked at, NEEDS_CSUM on
 * non-IP frames and on a tunnel's inner header within bounds, hdr_len and
 * gso_size ignored without a GSO type, NEEDS_CSUM not required with one. */
START_TEST(accepted)
{
	struct ov_spec sp = { .ntags = 1, .payload = 3000, .gso_size = 1000, .tcp_flags = 0x10 };
	struct vsw__offload o, plain = { 0 };
	uint32_t len = ov_build(buf, BUF_MAX, &sp, &o);

	ck_assert_int_eq(vsw__offload_check(buf, 3, &plain), 0);
	ck_assert_int_eq(vsw__offload_hdr_len(buf, len), 14 + 4 + 20 + 20);
	ck_assert_int_eq(vsw__offload_hdr_len(buf, 13), -EINVAL);
	o.flags = 0;
	ck_assert_int_eq(segment_verified(buf, len, &o), 3);
	o.flags = VSW__OFL_DATA_VALID;
	ck_assert_int_eq(segment_verified(buf, len, &o), 3);
	o.flags = VSW__OFL_NEEDS_CSUM;
	o.csum_start = o.hdr_len + 20; /* an inner header */
	o.csum_offset = 16;
	ck_assert_int_eq(vsw__offload_check(buf, len, &o), 0);
	o.gso_type = VSW__GSO_NONE;
	o.hdr_len = 9999;
	o.gso_size = 0;
	ck_assert_int_eq(vsw__offload_check(buf, len, &o), 0);
	ov_put16(buf + 16, 0x88b5); /* local experimental ethertype */
	o.csum_start = 18;
	o.csum_offset = 4;
	ck_assert_int_eq(vsw__offload_check(buf, len, &o), 0);
	o.csum_start = 17;
	ck_assert_int_eq(vsw__offload_check(buf, len, &o), -EINVAL);
	ck_assert_int_eq(vsw__offload_hdr_len(buf, len), -EINVAL);
}
END_TEST

/* ---- checksum completion ---- */

START_TEST(csum_complete_verifies)
{
	for (int v6 = 0; v6 <= 1; v6++)
		for (int udp = 0; udp <= 1; udp++)
			for (uint32_t pl = 0; pl < 80; pl += 1 + pl / 8) {
				struct ov_spec sp = { .v6 = v6, .udp = udp, .ntags = (int)(pl % 3),
						   .payload = pl, .gso_size = 100, .tcp_flags = 0x18 };
				struct vsw__offload o;
				uint32_t len = ov_build(buf, BUF_MAX, &sp, &o);
				struct ov_layout y;

				o.gso_type = VSW__GSO_NONE;
				ck_assert_int_eq(vsw__offload_check(buf, len, &o), 0);
				vsw__csum_complete(buf, len, &o);
				ck_assert_ptr_null(ov_layout(buf, len, &y));
				ck_assert_msg(!ov_l4_ok(buf, len, &y), "v6 %d udp %d payload %u", v6, udp, pl);
			}
}
END_TEST

/* Odd lengths and an odd csum_start over arbitrary bytes: the area from
 * csum_start, plus what the field held before (the pseudo-header's sum),
 * sums to 0xffff after completion; only the field changes; without
 * NEEDS_CSUM nothing changes. */
START_TEST(csum_complete_odd)
{
	uint8_t d[301], copy[301];

	for (uint32_t len = 21; len <= sizeof(d); len += 7)
		for (uint16_t start = 14; start < 18; start++) {
			struct vsw__offload o = { .flags = VSW__OFL_NEEDS_CSUM, .csum_start = start,
						  .csum_offset = 2 };

			for (uint32_t i = 0; i < len; i++)
				d[i] = (uint8_t)(i * 37 + len + start);
			memcpy(copy, d, len);
			o.flags = VSW__OFL_DATA_VALID;
			vsw__csum_complete(d, len, &o);
			ck_assert_mem_eq(d, copy, len);
			o.flags = VSW__OFL_NEEDS_CSUM;
			vsw__csum_complete(d, len, &o);
			/* the field held the pseudo-header's share: with it added
			 * back, the area verifies */
			ck_assert_uint_eq(ov_fold(ov_sum(d + start, len - start,
							 ov_be16(copy + start + 2))), 0xffff);
			ck_assert_mem_eq(d, copy, start + 2u);
			ck_assert_mem_eq(d + start + 4, copy + start + 4, len - start - 4);
		}
}
END_TEST

/* A UDP checksum that comes out 0 is sent as 0xffff. */
START_TEST(csum_udp_zero)
{
	struct ov_spec sp = { .udp = 1, .payload = 64, .gso_size = 100 };
	struct vsw__offload o;
	uint32_t len = ov_build(buf, BUF_MAX, &sp, &o);
	uint32_t l4 = o.csum_start, at = o.hdr_len; /* a payload word to adjust */
	uint16_t s;
	struct ov_layout y;

	o.gso_type = VSW__GSO_NONE;
	/* make the sum over the datagram (partial field included) 0xffff */
	s = ov_fold(ov_sum(buf + l4, len - l4, 0));
	ov_put16(buf + at, ov_fold((uint64_t)ov_be16(buf + at) + (uint16_t)~s));
	ck_assert_uint_eq(ov_fold(ov_sum(buf + l4, len - l4, 0)), 0xffff);
	vsw__csum_complete(buf, len, &o);
	ck_assert_uint_eq(ov_be16(buf + l4 + 6), 0xffff);
	ck_assert_ptr_null(ov_layout(buf, len, &y));
	ck_assert_ptr_null(ov_l4_ok(buf, len, &y));
}
END_TEST

Suite *vsw_offload_suite(void)
{
	Suite *s = suite_create("offload");
	TCase *tc = tcase_create("segment");

	tcase_add_test(tc, tcp4_segments);
	tcase_add_test(tc, tcp6_segments);
	tcase_add_test(tc, udp4_segments);
	tcase_add_test(tc, udp6_segments);
	tcase_add_test(tc, sizes_and_options);
	tcase_add_test(tc, ecn_and_flags);
	tcase_add_test(tc, no_gso_one_segment);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	tc = tcase_create("check");
	tcase_add_test(tc, lies_refused);
	tcase_add_test(tc, accepted);
	suite_add_tcase(s, tc);
	tc = tcase_create("csum");
	tcase_add_test(tc, csum_complete_verifies);
	tcase_add_test(tc, csum_complete_odd);
	tcase_add_test(tc, csum_udp_zero);
	suite_add_tcase(s, tc);
	return s;
}
