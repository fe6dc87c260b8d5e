// SPDX-License-Identifier: MIT
/*
 * bench-offload.c - vsw-bench --offload: what finishing offloaded frames in
 * software costs on one core (the library's datapath/offload.c, built into
 * this program since it is internal). Super-frames as a Linux TCP sender
 * hands them over (64 KiB: IPv4 total length 65535, TCP with timestamps,
 * gso_size 1448, so 1514-byte frames for a 1500 MTU; the same over IPv6;
 * UDP-L4 with 1472-byte datagrams) are segmented again and again into one
 * output buffer, and partial checksums of 1500-byte and 64 KiB frames are
 * completed. Gbit/s counts the super-frame's (or frame's) bytes. The path_*
 * scenarios send the 64 KiB TCPv4 super-frame through a switch, vNIC to
 * vNIC: to a port that takes TSO (checked, passed on as it is) and to one
 * that does not (checked and segmented for it in the frame path).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <vsw.h>

#include "bench-offload.h"
#include "datapath/offload.h"

#define FRAME_MAX 65600
#define SEG_MAX 64

struct oscen {
	const char *name, *what;
	int segment;                    /* 1: vsw__gso_segment, 0: vsw__csum_complete */
	int path;                       /* through a switch: 1 to a TSO port, 2 to a plain one */
	struct vsw_switch *sw;
	struct vsw_port *in;
	struct vsw_frame f;
	int v6, udp;
	uint32_t frame_len;             /* csum: the frame's length */
	uint8_t *d;
	uint32_t len;
	struct vsw__offload o;
	uint16_t partial;               /* csum: the field's pseudo-header sum */
	unsigned int segs;
	uint64_t iters;
	double ns[64];
};

static uint8_t out[FRAME_MAX + SEG_MAX * 128];
static struct vsw_frame frames[SEG_MAX];
static volatile uint32_t sink;

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static unsigned int path_rx(struct vsw_port *port, const struct vsw_frame *f, unsigned int n,
			    void *user)
{
	(void)port;
	(void)user;
	sink += n + f[0].len;
	return n;
}

/* A switch for a path_* scenario: vNIC a (the frame's source) to vNIC b
 * (its destination), b taking TSO (path 1) or nothing (path 2). */
static int path_setup(struct oscen *s)
{
	const uint8_t *dst = s->d, *src = s->d + 6;
	struct vsw_portgroup *pg;
	struct vsw_vnic *a, *b;

	if (vsw_switch_new("bench", NULL, &s->sw) || vsw_portgroup_add(s->sw, "pg", 0, 0, &pg) ||
	    vsw_vnic_add(pg, "a", src, 0, &a) || vsw_vnic_add(pg, "b", dst, 0, &b) ||
	    vsw_vnic_set_rx(b, path_rx, NULL) ||
	    vsw_port_set_offloads(vsw_vnic_port(b), s->path == 1 ? VSW_OFFLOAD_ALL : 0))
		return -1;
	s->in = vsw_vnic_port(a);
	s->f = (struct vsw_frame){ .data = s->d, .len = s->len, .flags = VSW_FRAME_CSUM_PARTIAL,
				   .gso_type = VSW_GSO_TCPV4, .gso_size = s->o.gso_size,
				   .hdr_len = s->o.hdr_len, .csum_start = s->o.csum_start,
				   .csum_offset = s->o.csum_offset };
	return 0;
}

/* A TCP (with timestamps) or UDP frame over IPv4 or IPv6 of 'len' bytes;
 * the metadata of a super-frame of gso_size 'gs'. */
static int build(struct oscen *s, uint32_t len, uint16_t gs)
{
	uint32_t l3 = 14, l4 = s->v6 ? 54 : 34, hl = l4 + (s->udp ? 8 : 32);

	s->d = calloc(1, FRAME_MAX);
	if (!s->d)
		return -1;
	s->len = len;
	s->d[0] = 0x02;
	s->d[6] = 0x02;
	s->d[11] = 1;
	put16(s->d + 12, s->v6 ? 0x86dd : 0x0800);
	for (uint32_t i = hl; i < len; i++)
		s->d[i] = (uint8_t)(i * 131 + 7);
	if (s->v6) {
		s->d[l3] = 0x60;
		put16(s->d + l3 + 4, len - l4);
		s->d[l3 + 6] = s->udp ? 17 : 6;
		s->d[l3 + 7] = 64;
		s->d[l3 + 8] = 0xfd;
		s->d[l3 + 24] = 0xfd;
		s->d[l3 + 39] = 1;
	} else {
		s->d[l3] = 0x45;
		put16(s->d + l3 + 2, len - l3);
		s->d[l3 + 6] = 0x40;
		s->d[l3 + 8] = 64;
		s->d[l3 + 9] = s->udp ? 17 : 6;
		s->d[l3 + 12] = 10;
		s->d[l3 + 15] = 1;
		s->d[l3 + 16] = 10;
		s->d[l3 + 19] = 2;
	}
	if (s->udp) {
		put16(s->d + l4 + 4, len - l4);
	} else {
		s->d[l4 + 12] = 0x80; /* 32 bytes */
		s->d[l4 + 13] = 0x18;
		s->d[l4 + 20] = 1;
		s->d[l4 + 21] = 1;
		s->d[l4 + 22] = 8;
		s->d[l4 + 23] = 10;
	}
	s->partial = 0x1234;
	put16(s->d + l4 + (s->udp ? 6 : 16), s->partial);
	s->o = (struct vsw__offload){
		.flags = VSW__OFL_NEEDS_CSUM,
		.gso_type = s->segment ? (s->udp ? VSW__GSO_UDP_L4 :
					  s->v6 ? VSW__GSO_TCPV6 : VSW__GSO_TCPV4) : VSW__GSO_NONE,
		.hdr_len = (uint16_t)hl,
		.gso_size = gs,
		.csum_start = (uint16_t)l4,
		.csum_offset = s->udp ? 6 : 16,
	};
	if (vsw__offload_check(s->d, len, &s->o) < 0 || vsw__gso_room(len, &s->o) > sizeof(out))
		return -1;
	return s->path ? path_setup(s) : 0;
}

static double run_once(struct oscen *s, uint64_t iters)
{
	double t = now_ns();
	uint32_t acc = 0;

	if (s->path) {
		for (uint64_t i = 0; i < iters; i++)
			vsw_port_input(s->in, &s->f, 1);
	} else if (s->segment) {
		for (uint64_t i = 0; i < iters; i++) {
			int n = vsw__gso_segment(s->d, s->len, &s->o, out, sizeof(out), frames, SEG_MAX);
			acc += (uint32_t)n + frames[0].data[50];
		}
	} else {
		uint8_t *field = s->d + s->o.csum_start + s->o.csum_offset;

		for (uint64_t i = 0; i < iters; i++) {
			put16(field, s->partial);
			vsw__csum_complete(s->d, s->len, &s->o);
			acc += field[0];
		}
	}
	sink += acc;
	return (now_ns() - t) / (double)iters;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int bench_offload(int json, int runs, double seconds)
{
	static struct oscen sc[] = {
		{ .name = "gso_tcp4", .segment = 1, .frame_len = 14 + 65535,
		  .what = "64 KiB TCPv4 super-frame -> 1514-byte frames" },
		{ .name = "gso_tcp6", .segment = 1, .v6 = 1, .frame_len = 14 + 65535,
		  .what = "64 KiB TCPv6 super-frame -> 1514-byte frames" },
		{ .name = "gso_udp4", .segment = 1, .udp = 1, .frame_len = 14 + 65535,
		  .what = "64 KiB UDP super-frame -> 1514-byte datagrams" },
		{ .name = "csum_1500", .frame_len = 1514,
		  .what = "complete a TCPv4 checksum, 1514-byte frame" },
		{ .name = "csum_64k", .frame_len = 14 + 65535,
		  .what = "complete a TCPv4 checksum, 64 KiB frame" },
		{ .name = "path_pass", .segment = 1, .path = 1, .frame_len = 14 + 65535,
		  .what = "the super-frame through a switch to a TSO port, as it is" },
		{ .name = "path_split", .segment = 1, .path = 2, .frame_len = 14 + 65535,
		  .what = "the super-frame through a switch to a plain port, segmented" },
	};
	const size_t n = sizeof(sc) / sizeof(sc[0]);

	for (size_t i = 0; i < n; i++) {
		struct oscen *s = &sc[i];
		double warm;

		if (build(s, s->frame_len, s->udp ? 1472 : 1448) < 0) {
			fprintf(stderr, "vsw-bench --offload: cannot set up %s\n", s->name);
			return 1;
		}
		s->segs = s->segment ? (unsigned int)vsw__gso_segment(s->d, s->len, &s->o, out,
								     sizeof(out), frames, SEG_MAX) : 1;
		if (s->path == 1)
			s->segs = 1;
		warm = run_once(s, 200);
		s->iters = (uint64_t)(seconds * 1e9 / warm);
		if (s->iters < 100)
			s->iters = 100;
	}
	for (int r = 0; r < runs; r++)
		for (size_t i = 0; i < n; i++)
			sc[i].ns[r] = run_once(&sc[i], sc[i].iters);
	if (json)
		printf("{\"offload\": {");
	else
		printf("libvsw %s software offloads: one core, median of %d interleaved runs\n\n"
		       "%-10s %9s %11s %9s %7s  %s\n", vsw_version(), runs, "scenario", "Gbit/s",
		       "ns/frame", "Mframes/s", "frames", "what");
	for (size_t i = 0; i < n; i++) {
		struct oscen *s = &sc[i];
		double ns, gbps;

		qsort(s->ns, (size_t)runs, sizeof(double), cmp_double);
		ns = s->ns[runs / 2];
		gbps = s->len * 8.0 / ns;
		if (json)
			printf("%s\"%s\": {\"bytes\": %u, \"frames_out\": %u, \"gbit_s\": %.2f, "
			       "\"ns_per_frame\": %.1f}", i ? ", " : "", s->name, s->len, s->segs, gbps, ns);
		else
			printf("%-10s %9.2f %11.1f %9.3f %7u  %s\n", s->name, gbps, ns,
			       s->segs * 1e3 / ns, s->segs, s->what);
		vsw_switch_free(s->sw);
		free(s->d);
	}
	if (json)
		printf("}}\n");
	return 0;
}
