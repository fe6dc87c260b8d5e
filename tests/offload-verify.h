/* SPDX-License-Identifier: MIT */
/*
 * Description: an independent verifier of software segmentation, shared by
 * cksuite-offload.c and fuzz/fuzz-offload.c. It parses the super-frame on
 * its own (written apart from offload.c, byte by byte, big-endian words) and
 * checks every segment: headers as the super-frame's but for the fields
 * segmentation changes, lengths, IPv4 IDs, TCP sequence numbers and flags,
 * the IPv4 header checksum and the TCP/UDP checksum with its pseudo-header,
 * and that the payloads concatenate back to the original. Each function
 * returns NULL, or what is wrong. And a builder of super-frames (ov_build).
 */
#ifndef OFFLOAD_VERIFY_H
#define OFFLOAD_VERIFY_H

#include <stdint.h>
#include <string.h>

#include <vsw.h>

#include "datapath/offload.h"

/* RFC 1071, literally: 16-bit big-endian words, an odd byte padded. */
static inline uint64_t ov_sum(const uint8_t *p, size_t n, uint64_t s)
{
	for (size_t i = 0; i < n; i++)
		s += (i & 1) ? p[i] : (uint64_t)p[i] << 8;
	return s;
}

static inline uint16_t ov_fold(uint64_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

static inline uint32_t ov_be16(const uint8_t *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

static inline uint32_t ov_be32(const uint8_t *p)
{
	return ov_be16(p) << 16 | ov_be16(p + 2);
}

struct ov_spec {
	int v6, udp, ntags;
	unsigned int ip_opt_words, tcp_opt_words; /* 4-byte words of options */
	uint32_t payload;
	uint16_t gso_size, id;
	uint32_t seq;
	uint8_t tcp_flags;
};

static inline void ov_put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void ov_put32(uint8_t *p, uint32_t v)
{
	ov_put16(p, v >> 16);
	ov_put16(p + 2, v);
}

/* Build a super-frame as a Linux sender hands it over: NEEDS_CSUM with the
 * pseudo-header's folded sum in the L4 checksum field, a valid IPv4 header
 * checksum, hdr_len the real header length. Returns the length, 0 if
 * it would not fit in 'cap' bytes. */
static inline uint32_t ov_build(uint8_t *d, uint32_t cap, const struct ov_spec *sp,
				struct vsw__offload *o)
{
	static const uint16_t tpid[2] = { 0x88a8, 0x8100 };
	uint32_t off = 12, l3, l4, hl, len, iphl, l4hl;
	uint32_t seed = 12345u + sp->payload;
	uint64_t ph;

	if (cap < 200)
		return 0;
	memset(d, 0, 200);
	d[0] = d[6] = 0x02;
	d[5] = 1;
	d[11] = 2;
	for (int t = 0; t < sp->ntags; t++) {
		ov_put16(d + off, sp->ntags == 1 ? 0x8100 : tpid[t]);
		ov_put16(d + off + 2, (uint32_t)(100 + t) | 0x2000u);
		off += 4;
	}
	ov_put16(d + off, sp->v6 ? 0x86dd : 0x0800);
	l3 = off + 2;
	iphl = sp->v6 ? 40 : 20 + 4 * sp->ip_opt_words;
	l4 = l3 + iphl;
	l4hl = sp->udp ? 8 : 20 + 4 * sp->tcp_opt_words;
	hl = l4 + l4hl;
	len = hl + sp->payload;
	if (len > cap || len - l3 > 65535u + (sp->v6 ? 40u : 0u))
		return 0;
	for (uint32_t i = hl; i < len; i++) {
		seed = seed * 1103515245u + 12345u;
		d[i] = (uint8_t)(seed >> 16);
	}
	if (sp->v6) {
		d[l3] = 0x60;
		ov_put16(d + l3 + 4, len - l3 - 40);
		d[l3 + 6] = sp->udp ? 17 : 6;
		d[l3 + 7] = 64;
		for (int i = 0; i < 32; i++)
			d[l3 + 8 + i] = (uint8_t)(0x20 + i * 7);
		ph = ov_sum(d + l3 + 8, 32, 0) + ((len - l4) >> 16) + ((len - l4) & 0xffff);
	} else {
		d[l3] = (uint8_t)(0x40 | iphl / 4);
		ov_put16(d + l3 + 2, len - l3);
		ov_put16(d + l3 + 4, sp->id);
		ov_put16(d + l3 + 6, 0x4000); /* DF */
		d[l3 + 8] = 64;
		d[l3 + 9] = sp->udp ? 17 : 6;
		ov_put32(d + l3 + 12, 0x0a000001);
		ov_put32(d + l3 + 16, 0x0a000102);
		for (unsigned int i = 0; i < sp->ip_opt_words; i++)
			ov_put32(d + l3 + 20 + 4 * i, 0x01010101); /* NOPs */
		ov_put16(d + l3 + 10, (uint16_t)~ov_fold(ov_sum(d + l3, iphl, 0)));
		ph = ov_sum(d + l3 + 12, 8, 0) + (len - l4);
	}
	ph += sp->udp ? 17 : 6;
	ov_put16(d + l4, 40000);
	ov_put16(d + l4 + 2, 5201);
	if (sp->udp) {
		ov_put16(d + l4 + 4, len - l4);
		ov_put16(d + l4 + 6, ov_fold(ph));
	} else {
		ov_put32(d + l4 + 4, sp->seq);
		ov_put32(d + l4 + 8, 0x01020304);
		d[l4 + 12] = (uint8_t)((l4hl / 4) << 4);
		d[l4 + 13] = sp->tcp_flags;
		ov_put16(d + l4 + 14, 512);
		ov_put16(d + l4 + 16, ov_fold(ph));
		for (unsigned int i = 0; i < sp->tcp_opt_words; i++)
			ov_put32(d + l4 + 20 + 4 * i, i ? 0x11223344u + i : 0x0101080au);
	}
	*o = (struct vsw__offload){
		.flags = VSW__OFL_NEEDS_CSUM,
		.gso_type = sp->udp ? VSW__GSO_UDP_L4 : sp->v6 ? VSW__GSO_TCPV6 : VSW__GSO_TCPV4,
		.hdr_len = (uint16_t)hl,
		.gso_size = sp->gso_size,
		.csum_start = (uint16_t)l4,
		.csum_offset = sp->udp ? 6 : 16,
	};
	return len;
}

/* The layout of a TCP/UDP-over-IP frame. */
struct ov_layout {
	uint32_t l3, l4, hl; /* IP header, L4 header, end of the L4 header */
	int v6, udp;
};

static inline const char *ov_layout(const uint8_t *d, uint32_t len, struct ov_layout *y)
{
	uint32_t off = 12;
	uint32_t et;

	if (len < 14)
		return "short";
	et = ov_be16(d + off);
	for (int t = 0; t < 2 && (et == 0x8100 || et == 0x88a8); t++) {
		off += 4;
		if (len < off + 2)
			return "short tag";
		et = ov_be16(d + off);
	}
	y->l3 = off + 2;
	if (et == 0x0800) {
		if (len < y->l3 + 20)
			return "short ipv4";
		y->v6 = 0;
		y->l4 = y->l3 + (d[y->l3] & 15u) * 4u;
		y->udp = d[y->l3 + 9] == 17;
		if (!y->udp && d[y->l3 + 9] != 6)
			return "ipv4 not tcp/udp";
	} else if (et == 0x86dd) {
		if (len < y->l3 + 40)
			return "short ipv6";
		y->v6 = 1;
		y->l4 = y->l3 + 40;
		y->udp = d[y->l3 + 6] == 17;
		if (!y->udp && d[y->l3 + 6] != 6)
			return "ipv6 not tcp/udp";
	} else {
		return "not ip";
	}
	if (len < y->l4 + (y->udp ? 8u : 20u))
		return "short l4";
	y->hl = y->l4 + (y->udp ? 8u : (uint32_t)(d[y->l4 + 12] >> 4) * 4u);
	return y->hl <= len ? NULL : "short l4 header";
}

/* The TCP/UDP checksum of a whole frame verifies (with its pseudo-header). */
static inline const char *ov_l4_ok(const uint8_t *s, uint32_t len, const struct ov_layout *y)
{
	uint32_t l4len = len - y->l4;
	uint64_t sum = 0;

	if (y->v6) {
		sum = ov_sum(s + y->l3 + 8, 32, 0);
		sum += l4len >> 16;
		sum += l4len & 0xffff;
		sum += y->udp ? 17 : 6;
	} else {
		sum = ov_sum(s + y->l3 + 12, 8, 0);
		sum += l4len;
		sum += y->udp ? 17 : 6;
	}
	sum = ov_sum(s + y->l4, l4len, sum);
	if (ov_fold(sum) != 0xffff)
		return "bad l4 checksum";
	if (y->udp && ov_be16(s + y->l4 + 6) == 0)
		return "udp checksum 0";
	return NULL;
}

/* The IPv4 header checksum of a frame verifies. */
static inline const char *ov_ip_ok(const uint8_t *s, const struct ov_layout *y)
{
	if (y->v6)
		return NULL;
	return ov_fold(ov_sum(s + y->l3, y->l4 - y->l3, 0)) == 0xffff ? NULL : "bad ipv4 checksum";
}

/* Segments f[0..n) are the super-frame d[0..len) with metadata o. */
static inline const char *ov_segments(const uint8_t *d, uint32_t len, const struct vsw__offload *o,
				      const struct vsw_frame *f, int n)
{
	struct ov_layout y;
	const char *err = ov_layout(d, len, &y);
	uint32_t payload, gs = o->gso_size, pos = 0, want;

	if (err)
		return err;
	if (y.hl != o->hdr_len)
		return "hdr_len is not the header length";
	payload = len - y.hl;
	want = (payload + gs - 1) / gs;
	if (n < 0 || (uint32_t)n != want)
		return "wrong number of segments";
	for (int i = 0; i < n; i++) {
		const uint8_t *s = f[i].data;
		uint32_t seg = (uint32_t)i + 1 < want ? gs : payload - (want - 1) * gs;
		uint32_t flen = f[i].len;

		if (flen != y.hl + seg)
			return "segment length";
		if (f[i].flags || f[i].vlan_tci)
			return "segment not a plain frame";
		if (memcmp(s, d, y.l3))
			return "ethernet header or tags changed";
		if (memcmp(s + y.hl, d + y.hl + pos, seg))
			return "payload differs";
		pos += seg;
		if (y.v6) {
			if (memcmp(s + y.l3, d + y.l3, 4) || memcmp(s + y.l3 + 6, d + y.l3 + 6, 34))
				return "ipv6 header changed";
			if (ov_be16(s + y.l3 + 4) != flen - y.l3 - 40)
				return "ipv6 payload length";
		} else {
			if (s[y.l3] != d[y.l3] || s[y.l3 + 1] != d[y.l3 + 1] ||
			    memcmp(s + y.l3 + 6, d + y.l3 + 6, 4) ||
			    memcmp(s + y.l3 + 12, d + y.l3 + 12, y.l4 - y.l3 - 12))
				return "ipv4 header changed";
			if (ov_be16(s + y.l3 + 2) != flen - y.l3)
				return "ipv4 total length";
			if (ov_be16(s + y.l3 + 4) != ((ov_be16(d + y.l3 + 4) + (uint32_t)i) & 0xffff))
				return "ipv4 id";
			if ((err = ov_ip_ok(s, &y)))
				return err;
		}
		if (y.udp) {
			if (memcmp(s + y.l4, d + y.l4, 4))
				return "udp ports changed";
			if (ov_be16(s + y.l4 + 4) != flen - y.l4)
				return "udp length";
		} else {
			uint8_t fl = d[y.l4 + 13];

			if (i)
				fl &= (uint8_t)~0x80; /* CWR on the first only */
			if (i + 1 < n)
				fl &= (uint8_t)~0x09; /* FIN, PSH on the last only */
			if (memcmp(s + y.l4, d + y.l4, 4) || memcmp(s + y.l4 + 8, d + y.l4 + 8, 5) ||
			    memcmp(s + y.l4 + 14, d + y.l4 + 14, 2) ||
			    memcmp(s + y.l4 + 18, d + y.l4 + 18, y.hl - y.l4 - 18))
				return "tcp header changed";
			if (ov_be32(s + y.l4 + 4) != ov_be32(d + y.l4 + 4) + (uint32_t)i * gs)
				return "tcp sequence number";
			if (s[y.l4 + 13] != fl)
				return "tcp flags";
		}
		if ((err = ov_l4_ok(s, flen, &y)))
			return err;
	}
	return pos == payload ? NULL : "payload not all there";
}

#endif
