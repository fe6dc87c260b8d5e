// SPDX-License-Identifier: MIT
/*
 * Description: offload metadata through the frame path (the 2.0 frame
 * contract). A super-frame goes as it is to a port that takes it and is
 * segmented for one that does not, per destination in one batch; a partial
 * checksum is completed for a port without checksum offload; offsets move
 * by 4 when the switch pushes or pops a tag (in-band and out-of-band);
 * metadata that lies is dropped under bad_offload (one test per lie); a
 * super-frame is held to the MTU by its segments (exactly at the MTU and one
 * byte past); the finishing scratch at its limit (a super-frame of exactly
 * VSW__GSO_MAX_SEGS segments, and one more refused). Every segment is
 * checked by the independent verifier of offload-verify.h.
 */
#include <stdlib.h>

#include "cksuite.h"
#include "offload-verify.h"

static const uint8_t mac_dst[6] = { 0x02, 0, 0, 0, 0, 1 }; /* ov_build's */
static const uint8_t mac_src[6] = { 0x02, 0, 0, 0, 0, 2 };
static const uint8_t mac_c[6] = { 0x02, 0, 0, 0, 0, 3 };

/* What a port received, frames copied with their metadata. */
struct grab {
	unsigned int n, calls;
	size_t used;
	struct vsw_frame f[VSW__GSO_MAX_SEGS + 8];
	uint8_t buf[1u << 20];
};

static unsigned int grab_rx(struct vsw_port *port, const struct vsw_frame *f, unsigned int n,
			    void *user)
{
	struct grab *g = user;

	(void)port;
	g->calls++;
	ck_assert_uint_le(n, VSW_BATCH_MAX);
	for (unsigned int i = 0; i < n; i++) {
		ck_assert_uint_lt(g->n, VSW__GSO_MAX_SEGS + 8);
		ck_assert_uint_le(g->used + f[i].len, sizeof(g->buf));
		memcpy(g->buf + g->used, f[i].data, f[i].len);
		g->f[g->n] = f[i];
		g->f[g->n++].data = g->buf + g->used;
		g->used += f[i].len;
	}
	return n;
}

static struct grab *grab_new(struct vsw_port *p, uint64_t offloads)
{
	struct grab *g = calloc(1, sizeof(*g));

	ck_assert_ptr_nonnull(g);
	ck_ok(vsw_port_set_rx(p, grab_rx, g));
	ck_ok(vsw_port_set_offloads(p, offloads));
	return g;
}

/* A frame descriptor with the metadata of 'o'. */
static struct vsw_frame with(const uint8_t *d, uint32_t len, const struct vsw__offload *o)
{
	struct vsw_frame f = { .data = d, .len = len };

	if (o->flags & VSW__OFL_NEEDS_CSUM)
		f.flags |= VSW_FRAME_CSUM_PARTIAL;
	if (o->flags & VSW__OFL_DATA_VALID)
		f.flags |= VSW_FRAME_CSUM_VALID;
	if (o->gso_ecn)
		f.flags |= VSW_FRAME_GSO_ECN;
	f.gso_type = o->gso_type;
	f.gso_size = o->gso_size;
	f.hdr_len = o->hdr_len;
	f.csum_start = o->csum_start;
	f.csum_offset = o->csum_offset;
	return f;
}

static uint8_t in[70000], plain[70000];

struct sw2 {
	struct vsw_switch *sw;
	struct vsw_portgroup *pg;
	struct vsw_port *a, *b, *u;
};

/* Ports a (the sender's MAC) and b (the super-frames' destination) in a
 * port group of 'vlan'; an uplink if asked. */
static void sw2_setup(struct sw2 *x, unsigned int vlan, bool uplink)
{
	struct vsw_vnic *a, *b;
	struct vsw_uplink *u;

	memset(x, 0, sizeof(*x));
	x->sw = ck_switch("s");
	if (uplink) {
		ck_ok(vsw_uplink_add(x->sw, "vmnic0", 0, &u));
		x->u = vsw_uplink_port(u);
	}
	ck_ok(vsw_portgroup_add(x->sw, "pg", vlan, 0, &x->pg));
	ck_ok(vsw_vnic_add(x->pg, "a", mac_src, 0, &a));
	ck_ok(vsw_vnic_add(x->pg, "b", mac_dst, 0, &b));
	x->a = vsw_vnic_port(a);
	x->b = vsw_vnic_port(b);
}

static void check_segments(const uint8_t *d, uint32_t len, const struct vsw__offload *o,
			   const struct grab *g)
{
	const char *err = ov_segments(d, len, o, g->f, (int)g->n);

	ck_assert_msg(err == NULL, "segments: %s", err);
}

/* A super-frame to a port that takes it: the same bytes and metadata, one
 * frame; to one that does not: its verified segments. */
static void through(int v6, int udp)
{
	struct ov_spec sp = { .v6 = v6, .udp = udp, .payload = 20000, .gso_size = 1400, .id = 7 };
	struct vsw__offload o, got;
	struct vsw_frame f;
	struct grab *g;
	uint32_t len;
	struct sw2 x;

	len = ov_build(in, sizeof(in), &sp, &o);
	f = with(in, len, &o);
	for (int takes = 0; takes <= 1; takes++) {
		sw2_setup(&x, 0, false);
		g = grab_new(x.b, takes ? VSW_OFFLOAD_ALL : 0);
		ck_ok(vsw_port_input(x.a, &f, 1));
		if (takes) {
			ck_assert_uint_eq(g->n, 1);
			ck_assert_uint_eq(g->f[0].len, len);
			ck_assert_mem_eq(g->f[0].data, in, len);
			vsw__offload_of(&g->f[0], &got);
			ck_assert(got.flags == o.flags && got.gso_type == o.gso_type &&
				  got.gso_ecn == o.gso_ecn && got.hdr_len == o.hdr_len &&
				  got.gso_size == o.gso_size && got.csum_start == o.csum_start &&
				  got.csum_offset == o.csum_offset);
			ck_assert_uint_eq(vsw_port_counter(x.b, VSW_CTR_SW_SEGMENTED), 0);
		} else {
			check_segments(in, len, &o, g);
			ck_assert_uint_eq(vsw_port_counter(x.b, VSW_CTR_SW_SEGMENTED), 1);
		}
		ck_assert_uint_eq(vsw_port_counter(x.b, VSW_CTR_TX_PACKETS), g->n);
		ck_assert_uint_eq(vsw_port_counter(x.a, VSW_CTR_RX_BYTES), len);
		free(g);
		vsw_switch_free(x.sw);
	}
}

START_TEST(super_frame_tcp4)
{
	through(0, 0);
}
END_TEST

START_TEST(super_frame_tcp6)
{
	through(1, 0);
}
END_TEST

START_TEST(super_frame_udp4)
{
	through(0, 1);
}
END_TEST

/* A port that takes TSO but not its ECN variant, or TSO4 but not TSO6:
 * segmented. USO is its own bit. */
START_TEST(each_offload_bit_counts)
{
	static const struct {
		int v6, udp, ecn;
		uint64_t caps;
		bool as_is;
	} t[] = {
		{ 0, 0, 0, VSW_OFFLOAD_CSUM | VSW_OFFLOAD_TSO4, true },
		{ 0, 0, 0, VSW_OFFLOAD_TSO4, false },  /* a GSO type needs CSUM too */
		{ 0, 0, 0, VSW_OFFLOAD_CSUM | VSW_OFFLOAD_TSO6, false },
		{ 1, 0, 0, VSW_OFFLOAD_CSUM | VSW_OFFLOAD_TSO6, true },
		{ 0, 0, 1, VSW_OFFLOAD_CSUM | VSW_OFFLOAD_TSO4, false },
		{ 0, 0, 1, VSW_OFFLOAD_CSUM | VSW_OFFLOAD_TSO4 | VSW_OFFLOAD_TSO_ECN, true },
		{ 0, 1, 0, VSW_OFFLOAD_CSUM | VSW_OFFLOAD_TSO4 | VSW_OFFLOAD_TSO6, false },
		{ 1, 1, 0, VSW_OFFLOAD_CSUM | VSW_OFFLOAD_USO, true },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct ov_spec sp = { .v6 = t[i].v6, .udp = t[i].udp, .payload = 5000,
				      .gso_size = 1000, .tcp_flags = t[i].ecn ? 0x80 : 0x10 };
		struct vsw__offload o;
		uint32_t len = ov_build(in, sizeof(in), &sp, &o);
		struct vsw_frame f;
		struct grab *g;
		struct sw2 x;

		o.gso_ecn = (uint8_t)t[i].ecn;
		f = with(in, len, &o);
		sw2_setup(&x, 0, false);
		g = grab_new(x.b, t[i].caps);
		ck_ok(vsw_port_input(x.a, &f, 1));
		ck_assert_msg(g->n == (t[i].as_is ? 1u : 5u), "case %zu: %u frames", i, g->n);
		if (!t[i].as_is)
			check_segments(in, len, &o, g);
		free(g);
		vsw_switch_free(x.sw);
	}
}
END_TEST

/* One batch, two destinations: the port that takes super-frames gets it as
 * it is, the promiscuous one without offloads gets the segments. */
START_TEST(per_destination)
{
	struct ov_spec sp = { .payload = 9000, .gso_size = 1448 };
	struct vsw__offload o;
	uint32_t len = ov_build(in, sizeof(in), &sp, &o);
	struct vsw_frame f = with(in, len, &o);
	struct vsw_vnic *c;
	struct grab *gb, *gc;
	struct sw2 x;

	sw2_setup(&x, 0, false);
	ck_ok(vsw_portgroup_policy_set(x.pg, VSW_POL_PROMISCUOUS, 1));
	ck_ok(vsw_vnic_add(x.pg, "c", mac_c, 0, &c));
	gb = grab_new(x.b, VSW_OFFLOAD_ALL);
	gc = grab_new(vsw_vnic_port(c), 0);
	ck_ok(vsw_port_input(x.a, &f, 1));
	ck_assert_uint_eq(gb->n, 1);
	ck_assert_uint_eq(gb->f[0].gso_type, VSW_GSO_TCPV4);
	check_segments(in, len, &o, gc);
	ck_assert_uint_eq(vsw_port_counter(vsw_vnic_port(c), VSW_CTR_SW_SEGMENTED), 1);
	ck_assert_uint_eq(vsw_port_counter(x.b, VSW_CTR_SW_SEGMENTED), 0);
	free(gb);
	free(gc);
	vsw_switch_free(x.sw);
}
END_TEST

/* The metadata of a frame as it left, checked against its bytes. */
static void left_ok(const struct vsw_frame *f, uint16_t csum_start, uint16_t hdr_len)
{
	struct vsw__offload o;

	ck_assert(vsw__frame_offload_ok(f));
	vsw__offload_of(f, &o);
	ck_assert_uint_eq(o.csum_start, csum_start);
	ck_assert_uint_eq(o.hdr_len, hdr_len);
	ck_assert_int_eq(vsw__offload_hdr_len(f->data, f->len), hdr_len);
	ck_assert_uint_eq(f->flags & VSW_FRAME_VLAN_TCI, 0);
}

/* Tag pushed toward the uplink: +4; popped toward an access port: -4; an
 * out-of-band tag popped: 0, pushed toward a trunk port: +4. */
START_TEST(offsets_follow_the_tag)
{
	struct ov_spec sp = { .payload = 6000, .gso_size = 1448 }, tagged = sp;
	struct vsw__offload o, ot;
	uint32_t len = ov_build(plain, sizeof(plain), &sp, &o), tlen;
	struct vsw_frame f;
	struct vsw_vnic *t;
	struct vsw_portgroup *trunk;
	struct grab *gu, *gb, *gt;
	struct sw2 x;

	tagged.ntags = 1;
	tlen = ov_build(in, sizeof(in), &tagged, &ot); /* VID 100, PCP 1 */
	ck_assert_uint_eq(tlen, len + 4);

	sw2_setup(&x, 100, true);
	gu = grab_new(x.u, VSW_OFFLOAD_ALL);
	gb = grab_new(x.b, VSW_OFFLOAD_ALL);
	/* a, access VLAN 100, to an unknown address: out the uplink, tagged */
	f = with(plain, len, &o);
	plain[5] = 9;
	ck_ok(vsw_port_input(x.a, &f, 1));
	plain[5] = 1;
	ck_assert_uint_eq(gu->n, 1);
	ck_assert_uint_eq(gu->f[0].len, len + 4);
	left_ok(&gu->f[0], (uint16_t)(o.csum_start + 4), (uint16_t)(o.hdr_len + 4));

	/* from the uplink, tagged in-band, to b: untagged */
	f = with(in, tlen, &ot);
	in[11] = 5; /* another source than a's */
	ck_ok(vsw_port_input(x.u, &f, 1));
	ck_assert_uint_eq(gb->n, 1);
	ck_assert_uint_eq(gb->f[0].len, len);
	left_ok(&gb->f[0], o.csum_start, o.hdr_len);
	in[11] = 2;

	/* from the uplink with the tag out of band: offsets as they were to
	 * b; to a trunk port the tag is pushed: +4 */
	ck_ok(vsw_portgroup_add(x.sw, "trunk", VSW_VLAN_TRUNK, 0, &trunk));
	ck_ok(vsw_vnic_add(trunk, "t", mac_c, 0, &t));
	gt = grab_new(vsw_vnic_port(t), VSW_OFFLOAD_ALL);
	ck_ok(vsw_portgroup_policy_set(trunk, VSW_POL_PROMISCUOUS, 1));
	f = with(plain, len, &o);
	f.flags |= VSW_FRAME_VLAN_TCI;
	f.vlan_tci = 100;
	plain[11] = 6;
	ck_ok(vsw_port_input(x.u, &f, 1));
	plain[11] = 2;
	ck_assert_uint_eq(gb->n, 2);
	ck_assert_uint_eq(gb->f[1].len, len);
	left_ok(&gb->f[1], o.csum_start, o.hdr_len);
	ck_assert_uint_eq(gt->n, 1);
	ck_assert_uint_eq(gt->f[0].len, len + 4);
	left_ok(&gt->f[0], (uint16_t)(o.csum_start + 4), (uint16_t)(o.hdr_len + 4));
	ck_assert_uint_eq(gt->f[0].data[15], 100);

	/* the same, popped for a port without offloads: verified segments of
	 * the untagged super-frame */
	ck_ok(vsw_port_set_offloads(x.b, 0));
	gb->n = 0;
	gb->used = 0;
	f = with(in, tlen, &ot);
	in[11] = 5;
	ck_ok(vsw_port_input(x.u, &f, 1));
	in[11] = 2;
	plain[11] = 5;
	check_segments(plain, len, &o, gb);
	plain[11] = 2;
	free(gu);
	free(gb);
	free(gt);
	vsw_switch_free(x.sw);
}
END_TEST

/* A partial checksum: completed for a port without checksum offload
 * (verified independently), passed as it is to one with it; a "verified"
 * hint is dropped for the first and kept for the second. */
START_TEST(partial_checksum)
{
	struct ov_spec sp = { .payload = 333, .gso_size = 1448 };
	struct vsw__offload o;
	uint32_t len = ov_build(in, sizeof(in), &sp, &o);
	struct ov_layout y;
	struct vsw_frame f;
	struct grab *g;
	struct sw2 x;

	o.gso_type = VSW__GSO_NONE;
	for (int takes = 0; takes <= 1; takes++) {
		sw2_setup(&x, 0, false);
		g = grab_new(x.b, takes ? VSW_OFFLOAD_CSUM : 0);
		f = with(in, len, &o);
		ck_ok(vsw_port_input(x.a, &f, 1));
		ck_assert_uint_eq(g->n, 1);
		ck_assert_ptr_null(ov_layout(g->f[0].data, len, &y));
		if (takes) {
			ck_assert_uint_eq(g->f[0].flags, VSW_FRAME_CSUM_PARTIAL);
			ck_assert_mem_eq(g->f[0].data, in, len);
		} else {
			ck_assert_uint_eq(g->f[0].flags, 0);
			ck_assert_ptr_null(ov_l4_ok(g->f[0].data, len, &y));
			ck_assert_uint_eq(vsw_port_counter(x.b, VSW_CTR_SW_CSUM), 1);
		}
		/* a complete frame marked verified */
		f = (struct vsw_frame){ .data = g->f[0].data, .len = len,
					.flags = VSW_FRAME_CSUM_VALID };
		memcpy(plain, g->f[0].data, len);
		f.data = plain;
		ck_ok(vsw_port_input(x.a, &f, 1));
		ck_assert_uint_eq(g->n, 2);
		ck_assert_uint_eq(g->f[1].flags, takes ? VSW_FRAME_CSUM_VALID : 0);
		free(g);
		vsw_switch_free(x.sw);
	}
}
END_TEST

/* Metadata that lies: dropped at the port it came from, nothing delivered. */
START_TEST(lies_are_dropped)
{
	enum { FLAG, GSO_TYPE, RESERVED, CSUM_PAST_END, CSUM_ODD, GSO_SIZE_0, GSO_SIZE_PAYLOAD,
	       GSO_SIZE_OVER, HDR_LEN_LESS, HDR_LEN_MORE, NOT_IP, ECN_UDP, TOO_MANY_SEGS, N };

	for (int l = 0; l < N; l++) {
		struct ov_spec sp = { .udp = l == ECN_UDP, .payload = 4000, .gso_size = 1000 };
		struct vsw__offload o;
		uint32_t len = ov_build(in, sizeof(in), &sp, &o);
		struct vsw_frame f;
		struct grab *g;
		struct sw2 x;

		f = with(in, len, &o);
		switch (l) {
		case FLAG: f.flags |= 0x0100; break;
		case GSO_TYPE: f.gso_type = 4; break;
		case RESERVED: f.reserved[6] = 1; break;
		case CSUM_PAST_END: f.csum_start = (uint16_t)(len - 1); break;
		case CSUM_ODD: f.csum_offset = 17; break;
		case GSO_SIZE_0: f.gso_size = 0; break;
		case GSO_SIZE_PAYLOAD: f.gso_size = 4000; break; /* one segment: not GSO */
		case GSO_SIZE_OVER: f.gso_size = 4001; break;
		case HDR_LEN_LESS: f.hdr_len--; break;
		case HDR_LEN_MORE: f.hdr_len++; break;
		case NOT_IP: in[12] = 0x08; in[13] = 0x06; break;
		case ECN_UDP: f.flags |= VSW_FRAME_GSO_ECN; break;
		case TOO_MANY_SEGS: f.gso_size = 3; break; /* 1334 segments */
		}
		sw2_setup(&x, 0, false);
		g = grab_new(x.b, VSW_OFFLOAD_ALL);
		ck_ok(vsw_port_input(x.a, &f, 1));
		ck_assert_msg(vsw_port_counter(x.a, VSW_CTR_BAD_OFFLOAD) == 1, "lie %d not counted", l);
		ck_assert_msg(g->n == 0, "lie %d delivered", l);
		ck_assert_uint_eq(vsw_port_counter(x.a, VSW_CTR_RX_PACKETS), 1);
		free(g);
		vsw_switch_free(x.sw);
	}
}
END_TEST

/* A super-frame is as long as its segments: with MTU 1500, hdr_len 54 and
 * gso_size 1460 make 1514-byte frames (forwarded); 1461, one byte more
 * (oversize). */
START_TEST(mtu_by_segment)
{
	for (uint16_t gs = 1460; gs <= 1461; gs++) {
		struct ov_spec sp = { .payload = 30000, .gso_size = gs };
		struct vsw__offload o;
		uint32_t len = ov_build(in, sizeof(in), &sp, &o);
		struct vsw_frame f = with(in, len, &o);
		struct grab *g;
		struct sw2 x;

		sw2_setup(&x, 0, false);
		g = grab_new(x.b, 0);
		ck_ok(vsw_port_input(x.a, &f, 1));
		if (gs == 1460) {
			check_segments(in, len, &o, g);
			ck_assert_uint_eq(g->f[0].len, 1514);
		} else {
			ck_assert_uint_eq(g->n, 0);
			ck_assert_uint_eq(vsw_port_counter(x.a, VSW_CTR_OVERSIZE), 1);
		}
		free(g);
		vsw_switch_free(x.sw);
	}
}
END_TEST

/* The largest super-frame by segments: exactly VSW__GSO_MAX_SEGS (1024, in
 * four deliveries of VSW_BATCH_MAX); one more segment is refused. */
START_TEST(finishing_scratch_limit)
{
	for (uint16_t gs = 64; gs >= 63; gs--) {
		struct ov_spec sp = { .payload = 65495, .gso_size = gs };
		struct vsw__offload o;
		uint32_t len = ov_build(in, sizeof(in), &sp, &o);
		struct vsw_frame f = with(in, len, &o);
		struct grab *g;
		struct sw2 x;

		ck_assert_uint_gt(len, 0);
		sw2_setup(&x, 0, false);
		g = grab_new(x.b, 0);
		ck_ok(vsw_port_input(x.a, &f, 1));
		if (gs == 64) {
			ck_assert_uint_eq(g->n, VSW__GSO_MAX_SEGS);
			ck_assert_uint_eq(g->calls, VSW__GSO_MAX_SEGS / VSW_BATCH_MAX);
			check_segments(in, len, &o, g);
		} else {
			ck_assert_uint_eq(g->n, 0);
			ck_assert_uint_eq(vsw_port_counter(x.a, VSW_CTR_BAD_OFFLOAD), 1);
		}
		free(g);
		vsw_switch_free(x.sw);
	}
}
END_TEST

/* Offloads of a port: a callback port takes none until told; only known
 * bits; a backend's set them at attach and they can only be narrowed. */
START_TEST(port_offloads_api)
{
	struct sw2 x;

	sw2_setup(&x, 0, true);
	ck_assert_uint_eq(vsw_port_offloads(x.a), 0);
	ck_ok(vsw_port_set_offloads(x.a, VSW_OFFLOAD_CSUM));
	ck_assert_uint_eq(vsw_port_offloads(x.a), VSW_OFFLOAD_CSUM);
	ck_assert_int_eq(vsw_port_set_offloads(x.a, VSW_OFFLOAD_ALL + 1), -EINVAL);
	ck_assert_int_eq(vsw_port_set_offloads(NULL, 0), -EINVAL);
	ck_assert_uint_eq(vsw_port_offloads(NULL), 0);
	/* memory declares none: attaching leaves none, and none can be added */
	ck_ok(vsw_port_attach(x.u, "memory:ofl", NULL));
	ck_assert_uint_eq(vsw_port_offloads(x.u), 0);
	ck_ok(vsw_port_set_offloads(x.u, VSW_OFFLOAD_ALL));
	ck_assert_uint_eq(vsw_port_offloads(x.u), 0);
	ck_ok(vsw_port_detach(x.u));
	vsw_switch_free(x.sw);
}
END_TEST

Suite *vsw_ofl_path_suite(void)
{
	Suite *s = suite_create("ofl-path");
	TCase *tc = tcase_create("offloads");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, super_frame_tcp4);
	tcase_add_test(tc, super_frame_tcp6);
	tcase_add_test(tc, super_frame_udp4);
	tcase_add_test(tc, each_offload_bit_counts);
	tcase_add_test(tc, per_destination);
	tcase_add_test(tc, offsets_follow_the_tag);
	tcase_add_test(tc, partial_checksum);
	tcase_add_test(tc, lies_are_dropped);
	tcase_add_test(tc, mtu_by_segment);
	tcase_add_test(tc, finishing_scratch_limit);
	tcase_add_test(tc, port_offloads_api);
	suite_add_tcase(s, tc);
	return s;
}
