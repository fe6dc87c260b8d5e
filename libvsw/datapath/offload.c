// SPDX-License-Identifier: MIT
/*
 * offload.c - finishing offloaded frames in software (offload.h): checking
 * a frame's offload metadata against its bytes, completing a partial
 * checksum, and segmenting TCP and UDP super-frames into complete frames.
 *
 * Checksums are summed in the host's byte order over the bytes as they lie
 * (RFC 1071 section 2(B): the one's complement sum does not depend on the
 * byte order), 32 bits at a time into 64-bit accumulators and folded at the
 * end; every piece summed starts at an even offset from the checksummed
 * area's start, so the pieces add up without byte swaps. Values the code
 * computes (lengths, the protocol) enter the sum as the 16-bit words they
 * would be in memory (ne16()).
 */
#include <errno.h>
#include <string.h>

#include "datapath/offload.h"

#define ETH_HLEN 14u
#define ETH_P_IPV4 0x0800u
#define ETH_P_IPV6 0x86ddu
#define ETH_P_8021Q 0x8100u
#define ETH_P_8021AD 0x88a8u
#define MAX_TAGS 2u
#define PROTO_TCP 6u
#define PROTO_UDP 17u
#define TCP_FIN 0x01u
#define TCP_PSH 0x08u
#define TCP_CWR 0x80u
#define TCP_CSUM_OFF 16u
#define UDP_CSUM_OFF 6u

/* What the headers say, as far as they parsed. */
struct hdrs {
	uint32_t l3;     /* the IP header (0: not IP) */
	uint32_t l4;     /* the L4 header: right after the IP header */
	uint32_t end;    /* the end of the TCP or UDP header (0: no known L4) */
	uint8_t ipv;     /* 4, 6, or 0: not IPv4 or IPv6 */
	uint8_t proto;   /* PROTO_TCP or PROTO_UDP when 'end' is set */
	uint8_t frag;    /* an IPv4 fragment */
};

static inline uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void wr16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* The 16-bit word that holds 'v' in network order, as the host reads it. */
static inline uint16_t ne16(uint32_t v)
{
	const uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };
	uint16_t w;

	memcpy(&w, b, 2);
	return w;
}

/* Add n bytes at p (p at an even offset of the checksummed area) to the
 * unfolded sum s. Four independent 64-bit accumulators of 32-bit words: no
 * carry to propagate for any n below 2^34 bytes. */
static inline uint64_t sum_bytes(uint64_t s, const uint8_t *p, size_t n)
{
	uint64_t a = 0, b = 0, c = 0, e = 0;
	uint32_t w[8];

	while (n >= 32) {
		memcpy(w, p, 32);
		a += (uint64_t)w[0] + w[1];
		b += (uint64_t)w[2] + w[3];
		c += (uint64_t)w[4] + w[5];
		e += (uint64_t)w[6] + w[7];
		p += 32;
		n -= 32;
	}
	while (n >= 4) {
		memcpy(w, p, 4);
		a += w[0];
		p += 4;
		n -= 4;
	}
	if (n) { /* 1 to 3 bytes, zero-padded where they lie in a word */
		w[0] = 0;
		memcpy(w, p, n);
		a += w[0];
	}
	return s + a + b + c + e;
}

/* Copy n bytes from src to dst and add them to s (as sum_bytes()). */
static inline uint64_t copy_sum(uint64_t s, uint8_t *dst, const uint8_t *src, size_t n)
{
	memcpy(dst, src, n);
	return sum_bytes(s, dst, n);
}

/* The one's complement sum folded to 16 bits (not inverted). */
static inline uint16_t fold(uint64_t s)
{
	s = (s & 0xffffffffu) + (s >> 32);
	s = (s & 0xffffffffu) + (s >> 32);
	s = (s & 0xffffu) + (s >> 16);
	s = (s & 0xffffu) + (s >> 16);
	s = (s & 0xffffu) + (s >> 16);
	return (uint16_t)s;
}

/* Store the checksum of the sum s at p: inverted, and 0 sent as 0xffff (as
 * Linux does; for UDP a 0 would mean "no checksum", for TCP both are the
 * same one's complement zero). */
static inline void put_csum(uint8_t *p, uint64_t s)
{
	uint16_t c = (uint16_t)~fold(s);

	if (!c)
		c = 0xffff;
	memcpy(p, &c, 2);
}

/*
 * Parse the Ethernet, IP and TCP/UDP headers of an offloaded frame.
 * -EINVAL when an IP header is inconsistent with the frame (version,
 * header length, a total or payload length that does not end exactly at
 * the frame's end: an offloaded frame is never padded), or a TCP or UDP
 * header does not fit (or UDP's length is not the datagram's). A frame
 * that is not IPv4 or IPv6 after at most two tags, an IPv6 next header
 * other than TCP or UDP (extension headers), or an IPv4 fragment parse
 * with no known L4 (end 0).
 */
static int parse(const uint8_t *d, uint32_t len, struct hdrs *h)
{
	uint32_t off = ETH_HLEN - 2, hl;
	uint16_t et;
	uint8_t proto;

	memset(h, 0, sizeof(*h));
	if (len < ETH_HLEN)
		return -EINVAL;
	et = rd16(d + off);
	for (unsigned int t = 0; t < MAX_TAGS && (et == ETH_P_8021Q || et == ETH_P_8021AD); t++) {
		off += 4;
		if (len < off + 2)
			return -EINVAL;
		et = rd16(d + off);
	}
	off += 2;
	if (et == ETH_P_IPV4) {
		uint32_t tot;

		if (len < off + 20 || d[off] >> 4 != 4)
			return -EINVAL;
		hl = (d[off] & 0x0fu) * 4u;
		tot = rd16(d + off + 2);
		if (hl < 20 || tot < hl || off + tot != len)
			return -EINVAL;
		h->ipv = 4;
		h->frag = (rd16(d + off + 6) & 0x3fffu) != 0; /* MF or an offset */
		proto = d[off + 9];
	} else if (et == ETH_P_IPV6) {
		if (len < off + 40 || d[off] >> 4 != 6 || off + 40 + rd16(d + off + 4) != len)
			return -EINVAL;
		h->ipv = 6;
		hl = 40;
		proto = d[off + 6];
	} else {
		h->l3 = h->l4 = off;
		return 0;
	}
	h->l3 = off;
	h->l4 = off + hl;
	if (h->frag)
		return 0;
	if (proto == PROTO_TCP) {
		uint32_t thl;

		if (len < h->l4 + 20)
			return -EINVAL;
		thl = (uint32_t)(d[h->l4 + 12] >> 4) * 4u;
		if (thl < 20 || len < h->l4 + thl)
			return -EINVAL;
		h->end = h->l4 + thl;
	} else if (proto == PROTO_UDP) {
		if (len < h->l4 + 8 || rd16(d + h->l4 + 4) != len - h->l4)
			return -EINVAL;
		h->end = h->l4 + 8;
	} else {
		return 0;
	}
	h->proto = proto;
	return 0;
}

/* vsw__offload_check() that also says what it parsed. */
static int check(const uint8_t *d, uint32_t len, const struct vsw__offload *o, struct hdrs *h)
{
	uint32_t payload, nseg;

	if (o->flags & ~(VSW__OFL_NEEDS_CSUM | VSW__OFL_DATA_VALID))
		return -EINVAL;
	if (parse(d, len, h) < 0)
		return -EINVAL;
	if (o->flags & VSW__OFL_NEEDS_CSUM) {
		uint32_t start = o->csum_start, coff = o->csum_offset;

		if (start + coff + 2 > len || start < h->l4 || (coff & 1u))
			return -EINVAL;
		if (h->frag)
			return -EINVAL;
		/* at the TCP or UDP header: its checksum field; past it (the inner
		 * header of a tunnel): the bounds are all there is to check */
		if (h->end && start < h->end &&
		    (start != h->l4 || coff != (h->proto == PROTO_TCP ? TCP_CSUM_OFF : UDP_CSUM_OFF)))
			return -EINVAL;
	}
	switch (o->gso_type) {
	case VSW__GSO_NONE:
		return o->gso_ecn ? -EINVAL : 0;
	case VSW__GSO_TCPV4:
		if (h->ipv != 4 || h->proto != PROTO_TCP || o->gso_ecn > 1)
			return -EINVAL;
		break;
	case VSW__GSO_TCPV6:
		if (h->ipv != 6 || h->proto != PROTO_TCP || o->gso_ecn > 1)
			return -EINVAL;
		break;
	case VSW__GSO_UDP_L4:
		if (h->proto != PROTO_UDP || o->gso_ecn)
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	if (!o->gso_size || o->hdr_len != h->end || len <= h->end)
		return -EINVAL;
	payload = len - h->end;
	nseg = (payload + o->gso_size - 1u) / o->gso_size;
	return nseg > VSW__GSO_MAX_SEGS ? -EINVAL : 0;
}

int vsw__offload_check(const uint8_t *d, uint32_t len, const struct vsw__offload *o)
{
	struct hdrs h;

	if (!o->flags && !o->gso_type && !o->gso_ecn)
		return 0; /* a plain frame: nothing claimed, nothing to check */
	return check(d, len, o, &h);
}

int vsw__offload_hdr_len(const uint8_t *d, uint32_t len)
{
	struct hdrs h;

	if (parse(d, len, &h) < 0 || !h.end)
		return -EINVAL;
	return (int)h.end;
}

void vsw__csum_complete(uint8_t *d, uint32_t len, const struct vsw__offload *o)
{
	uint32_t start = o->csum_start, at = start + o->csum_offset;

	if (!(o->flags & VSW__OFL_NEEDS_CSUM) || at + 2 > len)
		return;
	/* the field holds the pseudo-header's sum and is summed with the rest */
	put_csum(d + at, sum_bytes(0, d + start, len - start));
}

size_t vsw__gso_room(uint32_t len, const struct vsw__offload *o)
{
	uint32_t payload, nseg;

	if (o->gso_type == VSW__GSO_NONE || !o->gso_size || o->hdr_len >= len)
		return len;
	payload = len - o->hdr_len;
	nseg = (payload + o->gso_size - 1u) / o->gso_size;
	return (size_t)len + (size_t)(nseg - 1u) * o->hdr_len;
}

int vsw__gso_segment(const uint8_t *d, uint32_t len, const struct vsw__offload *o,
		     uint8_t *out, size_t cap, struct vsw_frame *frames, unsigned int max)
{
	struct hdrs h;
	uint32_t hl, l3, l4, gs, payload, nseg, seq0 = 0, ip_hl = 0;
	uint16_t id0 = 0;
	uint8_t fl0 = 0;
	uint64_t addrs;
	size_t off = 0;
	int tcp;

	if (o->gso_type == VSW__GSO_NONE) {
		if (vsw__offload_check(d, len, o) < 0)
			return -EINVAL;
		if (cap < len || max < 1)
			return -ENOSPC;
		memcpy(out, d, len);
		vsw__csum_complete(out, len, o);
		frames[0] = (struct vsw_frame){ .data = out, .len = len };
		return 1;
	}
	if (check(d, len, o, &h) < 0)
		return -EINVAL;
	hl = h.end;
	l3 = h.l3;
	l4 = h.l4;
	gs = o->gso_size;
	payload = len - hl;
	nseg = (payload + gs - 1u) / gs;
	if (nseg > max || cap < (size_t)len + (size_t)(nseg - 1u) * hl)
		return -ENOSPC;
	tcp = h.proto == PROTO_TCP;
	if (h.ipv == 4) {
		ip_hl = l4 - l3;
		id0 = rd16(d + l3 + 4);
		addrs = sum_bytes(0, d + l3 + 12, 8);
	} else {
		addrs = sum_bytes(0, d + l3 + 8, 32);
	}
	addrs += ne16(h.proto);
	if (tcp) {
		seq0 = rd32(d + l4 + 4);
		fl0 = d[l4 + 13];
	}
	for (uint32_t i = 0; i < nseg; i++) {
		uint8_t *s = out + off;
		uint32_t n = i + 1u < nseg ? gs : payload - i * gs;
		uint32_t flen = hl + n;
		uint64_t sum;

		memcpy(s, d, hl);
		sum = copy_sum(addrs, s + hl, d + hl + (size_t)i * gs, n);
		if (h.ipv == 4) {
			wr16(s + l3 + 2, flen - l3);
			wr16(s + l3 + 4, (uint16_t)(id0 + i));
			wr16(s + l3 + 10, 0);
			put_csum(s + l3 + 10, sum_bytes(0, s + l3, ip_hl));
		} else {
			wr16(s + l3 + 4, flen - l3 - 40u);
		}
		if (tcp) {
			uint8_t f = fl0;

			if (i)
				f &= (uint8_t)~TCP_CWR;
			if (i + 1u < nseg)
				f &= (uint8_t)~(TCP_FIN | TCP_PSH);
			wr32(s + l4 + 4, seq0 + i * gs);
			s[l4 + 13] = f;
			wr16(s + l4 + TCP_CSUM_OFF, 0);
			sum += ne16(flen - l4);
			put_csum(s + l4 + TCP_CSUM_OFF, sum_bytes(sum, s + l4, hl - l4));
		} else {
			wr16(s + l4 + 4, flen - l4);
			wr16(s + l4 + UDP_CSUM_OFF, 0);
			sum += ne16(flen - l4);
			put_csum(s + l4 + UDP_CSUM_OFF, sum_bytes(sum, s + l4, hl - l4));
		}
		frames[i] = (struct vsw_frame){ .data = s, .len = flen };
		off += flen;
	}
	return (int)nseg;
}

void vsw__offload_of(const struct vsw_frame *f, struct vsw__offload *o)
{
	o->flags = (uint8_t)((f->flags & VSW_FRAME_CSUM_PARTIAL ? VSW__OFL_NEEDS_CSUM : 0) |
			     (f->flags & VSW_FRAME_CSUM_VALID ? VSW__OFL_DATA_VALID : 0));
	o->gso_type = f->gso_type;  /* enum vsw__gso numbers them as enum vsw_gso_type */
	o->gso_ecn = (f->flags & VSW_FRAME_GSO_ECN) != 0;
	o->hdr_len = f->hdr_len;
	o->gso_size = f->gso_size;
	o->csum_start = f->csum_start;
	o->csum_offset = f->csum_offset;
}

bool vsw__frame_offload_ok(const struct vsw_frame *f)
{
	struct vsw__offload o;

	if (f->flags & ~(VSW_FRAME_VLAN_TCI | VSW_FRAME_CSUM_PARTIAL | VSW_FRAME_CSUM_VALID |
			 VSW_FRAME_GSO_ECN))
		return false;
	if (f->gso_type > VSW_GSO_UDP_L4)
		return false;
	for (size_t i = 0; i < sizeof(f->reserved); i++)
		if (f->reserved[i])
			return false;
	vsw__offload_of(f, &o);
	if (vsw__offload_check(f->data, f->len, &o))
		return false;
	/* a "super-frame" of one segment is not one (Linux's tcp_gso_segment()
	 * refuses it too): the check has made sure hdr_len < len */
	return !f->gso_type || f->len - f->hdr_len > f->gso_size;
}
