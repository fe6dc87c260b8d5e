// SPDX-License-Identifier: MIT
/*
 * Description: mirroring sessions and pcapng capture (vsw-mirror(7)):
 * the session objects and their argument checks; ingress copies as the
 * port sent them (out-of-band tags written in, dropped frames included),
 * egress copies as the port received them; VLAN filters and snap length;
 * SPAN (the destination gets only mirrored frames), RSPAN (the
 * encapsulation tag), a callback and its shortfall; no copy mirrored
 * again; ports and sessions going; the mirror scratch at its limit; and
 * the pcapng stream, its queue at its exact limit and one past it.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cksuite.h"

static const uint8_t mac_a[6] = { 0x00, 0x50, 0x56, 0x00, 0x01, 0x0a };
static const uint8_t mac_b[6] = { 0x00, 0x50, 0x56, 0x00, 0x01, 0x0b };
static const uint8_t mac_c[6] = { 0x00, 0x50, 0x56, 0x00, 0x01, 0x0c };
static const uint8_t mac_t[6] = { 0x00, 0x50, 0x56, 0x00, 0x01, 0x0d };
static const uint8_t mac_x[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };

static struct ck_cap cap_a, cap_b, cap_c, cap_t, cap_u;

/* Switch "s": uplink vmnic0 (u); port group pg10 (VLAN 10) with vNICs a,
 * b, c; port group trunk (4095) with vNIC t. */
struct fx {
	struct vsw_switch *sw;
	struct vsw_portgroup *pg, *tr;
	struct vsw_port *a, *b, *c, *t, *u;
};

static struct vsw_port *vnic(struct vsw_portgroup *pg, const char *name, const uint8_t *mac,
			     struct ck_cap *cap)
{
	struct vsw_vnic *v;

	ck_ok(vsw_vnic_add(pg, name, mac, 0, &v));
	ck_capture(vsw_vnic_port(v), cap);
	return vsw_vnic_port(v);
}

static void fx_setup(struct fx *x)
{
	struct vsw_uplink *u;

	memset(x, 0, sizeof(*x));
	x->sw = ck_switch("s");
	ck_ok(vsw_switch_policy_set(x->sw, VSW_POL_NOTIFY_SWITCHES, 0));
	ck_ok(vsw_uplink_add(x->sw, "vmnic0", 0, &u));
	x->u = vsw_uplink_port(u);
	ck_capture(x->u, &cap_u);
	ck_ok(vsw_portgroup_add(x->sw, "pg10", 10, 0, &x->pg));
	ck_ok(vsw_portgroup_add(x->sw, "trunk", VSW_VLAN_TRUNK, 0, &x->tr));
	x->a = vnic(x->pg, "a", mac_a, &cap_a);
	x->b = vnic(x->pg, "b", mac_b, &cap_b);
	x->c = vnic(x->pg, "c", mac_c, &cap_c);
	x->t = vnic(x->tr, "t", mac_t, &cap_t);
}

static uint32_t eth(uint8_t *buf, const uint8_t *dst, const uint8_t *src, uint32_t payload)
{
	return ck_frame(buf, dst, src, NULL, 0, 0x0800, payload);
}

/* What a callback destination got. */
#define GOT_MAX 600
static struct got {
	unsigned int n, calls, take; /* take: how many to accept per call, ~0u all */
	struct {
		uint8_t data[CK_FRAME_MAX];
		uint32_t caplen, len;
		unsigned int dir;
		struct vsw_port *port;
		uint64_t ts;
	} c[GOT_MAX];
} got;

static unsigned int got_fn(struct vsw_mirror *m, const struct vsw_mirror_copy *c, unsigned int n,
			   void *user)
{
	unsigned int k = n < got.take ? n : got.take;

	ck_assert_ptr_eq(user, &got);
	ck_assert_ptr_nonnull(m);
	got.calls++;
	for (unsigned int i = 0; i < k && got.n < GOT_MAX; i++, got.n++) {
		ck_assert_uint_le(c[i].caplen, c[i].len);
		memcpy(got.c[got.n].data, c[i].data, c[i].caplen);
		got.c[got.n].caplen = c[i].caplen;
		got.c[got.n].len = c[i].len;
		got.c[got.n].dir = c[i].direction;
		got.c[got.n].port = c[i].port;
		got.c[got.n].ts = c[i].ts_ns;
	}
	return k;
}

static struct vsw_mirror *session_fn(struct fx *x, const char *name)
{
	struct vsw_mirror *m;

	memset(&got, 0, sizeof(got));
	got.take = ~0u;
	ck_ok(vsw_mirror_add(x->sw, name, NULL, &m));
	ck_ok(vsw_mirror_set_dest_fn(m, got_fn, &got));
	return m;
}

static void stats(const struct vsw_mirror *m, uint64_t mirrored, uint64_t dropped)
{
	struct vsw_mirror_stats st = { .size = sizeof(st) };

	ck_ok(vsw_mirror_stats(m, &st));
	ck_assert_uint_eq(st.mirrored, mirrored);
	ck_assert_uint_eq(st.dropped, dropped);
}

START_TEST(objects)
{
	struct fx x;
	struct vsw_switch *other = ck_switch("o");
	struct vsw_mirror *m, *m2, *f;
	struct vsw_mirror_opts o = { .size = sizeof(o), .snaplen = 13 };
	struct vsw_portgroup *opg;
	struct vsw_vnic *ov;
	uint16_t vl[4] = { 20, 10, 4094, 0 }, out[8];
	unsigned int dir, encap;
	char longname[VSW_MIRROR_NAME_MAX + 2];

	fx_setup(&x);
	ck_assert_int_eq(vsw_mirror_add(x.sw, "s1", &o, &m), -EINVAL); /* snaplen under 14 */
	o.snaplen = 14;
	ck_ok(vsw_mirror_add(x.sw, "s1", &o, &m));
	ck_assert_uint_eq(vsw_mirror_snaplen(m), 14);
	ck_assert_int_eq(vsw_mirror_enabled(m), 1);
	ck_assert_int_eq(vsw_mirror_add(x.sw, "s1", NULL, &m2), -EEXIST);
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = 0;
	ck_assert_int_eq(vsw_mirror_add(x.sw, longname, NULL, &m2), -ENAMETOOLONG);
	longname[VSW_MIRROR_NAME_MAX] = 0; /* exactly the limit */
	ck_ok(vsw_mirror_add(x.sw, longname, NULL, &m2));
	ck_assert_int_eq(vsw_mirror_add(x.sw, "", NULL, &m2), -EINVAL);
	o.disabled = 1;
	ck_ok(vsw_mirror_add(x.sw, "s3", &o, &m2));
	ck_assert_int_eq(vsw_mirror_enabled(m2), 0);
	ck_ok(vsw_mirror_find(x.sw, "s3", &f));
	ck_assert_ptr_eq(f, m2);
	ck_assert_int_eq(vsw_mirror_find(x.sw, "nope", &f), -ENOENT);
	ck_assert_ptr_eq(vsw_mirror_next(x.sw, NULL), m);
	ck_assert_str_eq(vsw_mirror_name(vsw_mirror_next(x.sw, m)), longname);
	ck_assert_ptr_eq(vsw_mirror_next(x.sw, m2), NULL);

	/* sources */
	ck_ok(vsw_portgroup_add(other, "p", 0, 0, &opg));
	ck_ok(vsw_vnic_add(opg, "z", mac_a, 0, &ov));
	ck_assert_int_eq(vsw_mirror_add_source(m, vsw_vnic_port(ov), VSW_MIRROR_BOTH), -EINVAL);
	ck_assert_int_eq(vsw_mirror_add_source(m, x.a, 0), -EINVAL);
	ck_assert_int_eq(vsw_mirror_add_source(m, x.a, 4), -EINVAL);
	ck_ok(vsw_mirror_add_source(m, x.a, VSW_MIRROR_INGRESS));
	ck_ok(vsw_mirror_add_source(m, x.u, VSW_MIRROR_EGRESS));
	ck_ok(vsw_mirror_add_source(m, x.a, VSW_MIRROR_BOTH)); /* a change, not a second */
	ck_assert_ptr_eq(vsw_mirror_source_next(m, NULL, &dir), x.a);
	ck_assert_uint_eq(dir, VSW_MIRROR_BOTH);
	ck_assert_ptr_eq(vsw_mirror_source_next(m, x.a, &dir), x.u);
	ck_assert_uint_eq(dir, VSW_MIRROR_EGRESS);
	ck_assert_ptr_eq(vsw_mirror_source_next(m, x.u, &dir), NULL);
	ck_assert_int_eq(vsw_mirror_set_source_vlans(m, x.b, vl, 2), -ENOENT);
	vl[3] = 4095;
	ck_assert_int_eq(vsw_mirror_set_source_vlans(m, x.u, vl, 4), -EINVAL);
	ck_ok(vsw_mirror_set_source_vlans(m, x.u, vl, 3));
	ck_assert_int_eq(vsw_mirror_source_vlans(m, x.u, out, 8), 3);
	ck_assert_uint_eq(out[0], 10);
	ck_assert_uint_eq(out[1], 20);
	ck_assert_uint_eq(out[2], 4094);
	ck_assert_int_eq(vsw_mirror_source_vlans(m, x.u, out, 1), 3); /* counts past n */
	ck_assert_int_eq(vsw_mirror_source_vlans(m, x.a, out, 8), 0);
	ck_ok(vsw_mirror_set_source_vlans(m, x.u, NULL, 0));
	ck_assert_int_eq(vsw_mirror_source_vlans(m, x.u, out, 8), 0);

	/* destination */
	ck_assert_int_eq(vsw_mirror_set_dest_port(m, x.a, 0), -EINVAL); /* a source */
	ck_assert_int_eq(vsw_mirror_set_dest_port(m, x.c, 5), -EINVAL); /* a vNIC: no VLAN */
	ck_assert_int_eq(vsw_mirror_set_dest_port(m, vsw_vnic_port(ov), 0), -EINVAL);
	ck_assert_int_eq(vsw_mirror_set_dest_port(m, NULL, 5), -EINVAL);
	ck_ok(vsw_mirror_remove_source(m, x.u));
	ck_assert_int_eq(vsw_mirror_remove_source(m, x.u), -ENOENT);
	ck_assert_int_eq(vsw_mirror_set_dest_port(m, x.u, 4095), -EINVAL);
	ck_ok(vsw_mirror_set_dest_port(m, x.u, 4094));
	ck_assert_ptr_eq(vsw_mirror_dest_port(m, &encap), x.u);
	ck_assert_uint_eq(encap, 4094);
	ck_assert_int_eq(vsw_mirror_add_source(m, x.u, VSW_MIRROR_BOTH), -EINVAL); /* the dest */
	ck_assert_int_eq(vsw_mirror_set_snaplen(m, 13), -EINVAL);
	ck_ok(vsw_mirror_set_snaplen(m, 0));
	ck_ok(vsw_mirror_set_enabled(m, 0));
	ck_assert_int_eq(vsw_mirror_enabled(m), 0);
	ck_assert_int_eq(vsw_mirror_enabled(NULL), -EINVAL);

	/* a port removed leaves every session; a session removed is gone */
	ck_ok(vsw_uplink_remove(vsw_port_to_uplink(x.u)));
	ck_assert_ptr_eq(vsw_mirror_dest_port(m, &encap), NULL);
	ck_assert_uint_eq(encap, 0);
	ck_ok(vsw_vnic_remove(vsw_port_to_vnic(x.a)));
	ck_assert_ptr_eq(vsw_mirror_source_next(m, NULL, NULL), NULL);
	ck_ok(vsw_mirror_remove(m2));
	ck_assert_int_eq(vsw_mirror_find(x.sw, "s3", &f), -ENOENT);
	ck_assert_int_eq(vsw_mirror_remove(NULL), -EINVAL);
	vsw_switch_free(other);
	vsw_switch_free(x.sw); /* with its sessions: valgrind sees any leak */
}
END_TEST

/* Both directions of an exchange between a and b, mirrored at a. */
START_TEST(callback_both_directions)
{
	struct fx x;
	uint8_t f1[128], f2[128];
	uint32_t n1, n2;
	struct vsw_mirror *m;

	fx_setup(&x);
	m = session_fn(&x, "cb");
	ck_ok(vsw_mirror_add_source(m, x.a, VSW_MIRROR_BOTH));
	n1 = eth(f1, mac_b, mac_a, 60);
	n2 = eth(f2, mac_a, mac_b, 70);
	ck_send(x.a, f1, n1);
	ck_send(x.b, f2, n2);
	ck_assert_uint_eq(got.n, 2);
	ck_assert_uint_eq(got.c[0].dir, VSW_MIRROR_INGRESS);
	ck_assert_ptr_eq(got.c[0].port, x.a);
	ck_assert_uint_eq(got.c[0].len, n1);
	ck_assert_mem_eq(got.c[0].data, f1, n1);
	ck_assert_uint_eq(got.c[1].dir, VSW_MIRROR_EGRESS);
	ck_assert_ptr_eq(got.c[1].port, x.a);
	ck_assert_mem_eq(got.c[1].data, f2, n2);
	ck_assert_uint_ge(got.c[0].ts, 1000000000ull * 1600000000ull); /* wall clock */
	/* forwarding unchanged */
	ck_assert_uint_eq(cap_b.n, 1);
	ck_assert_uint_eq(cap_a.n, 1);
	stats(m, 2, 0);
	/* disabled: nothing; enabled again: copies again */
	ck_ok(vsw_mirror_set_enabled(m, 0));
	ck_send(x.a, f1, n1);
	ck_assert_uint_eq(got.n, 2);
	ck_ok(vsw_mirror_set_enabled(m, 1));
	ck_send(x.a, f1, n1);
	ck_assert_uint_eq(got.n, 3);
	/* a callback that takes nothing: counted dropped */
	got.take = 0;
	ck_send(x.a, f1, n1);
	stats(m, 3, 1);
	ck_ok(vsw_mirror_clear_stats(m));
	stats(m, 0, 0);
	vsw_switch_free(x.sw);
}
END_TEST

/* Egress copies after the tag push; ingress copies with an out-of-band tag
 * written in; frames the switch drops still copied on ingress. */
START_TEST(tags_and_drops)
{
	struct fx x;
	uint8_t f[128], want[132];
	uint32_t n;
	struct vsw_mirror *m;
	struct ck_tag tag10 = { 0x8100, 10 };

	fx_setup(&x);
	m = session_fn(&x, "tags");
	ck_ok(vsw_mirror_add_source(m, x.t, VSW_MIRROR_EGRESS));
	ck_ok(vsw_mirror_add_source(m, x.u, VSW_MIRROR_INGRESS));
	/* a broadcast from a (VLAN 10) reaches the trunk port tagged 10 */
	n = eth(f, ck_bcast, mac_a, 50);
	ck_send(x.a, f, n);
	ck_assert_uint_eq(got.n, 1);
	ck_assert_uint_eq(ck_frame(want, ck_bcast, mac_a, &tag10, 1, 0x0800, 50), n + 4);
	ck_assert_uint_eq(got.c[0].len, n + 4);
	ck_assert_mem_eq(got.c[0].data, want, n + 4);
	ck_assert_uint_eq(got.c[0].dir, VSW_MIRROR_EGRESS);
	/* from the uplink with the tag out of band: the copy has it in the bytes */
	n = eth(f, mac_a, mac_x, 50);
	ck_send_tci(x.u, f, n, 10);
	ck_assert_uint_eq(got.n, 2);
	ck_frame(want, mac_a, mac_x, &tag10, 1, 0x0800, 50);
	ck_assert_uint_eq(got.c[1].len, n + 4);
	ck_assert_mem_eq(got.c[1].data, want, n + 4);
	ck_assert_uint_eq(cap_a.n, 1);
	/* dropped by the switch (a tagged frame from an access port): still copied */
	ck_ok(vsw_mirror_add_source(m, x.b, VSW_MIRROR_INGRESS));
	n = ck_frame(f, mac_a, mac_b, &tag10, 1, 0x0800, 40);
	ck_send(x.b, f, n);
	ck_assert_uint_eq(vsw_port_counter(x.b, VSW_CTR_VLAN_VIOLATION), 1);
	ck_assert_uint_eq(got.n, 3);
	ck_assert_mem_eq(got.c[2].data, f, n);
	vsw_switch_free(x.sw);
}
END_TEST

START_TEST(vlan_filter_and_snaplen)
{
	struct fx x;
	uint8_t f[600];
	uint32_t n;
	struct vsw_mirror *m;
	uint16_t only20 = 20;
	struct ck_tag tag10 = { 0x8100, 10 }, tag20 = { 0x8100, 20 };

	fx_setup(&x);
	m = session_fn(&x, "vl");
	ck_ok(vsw_mirror_add_source(m, x.u, VSW_MIRROR_INGRESS));
	ck_ok(vsw_mirror_set_source_vlans(m, x.u, &only20, 1));
	n = ck_frame(f, mac_a, mac_x, &tag10, 1, 0x0800, 500);
	ck_send(x.u, f, n);
	ck_assert_uint_eq(got.n, 0);
	n = ck_frame(f, mac_a, mac_x, &tag20, 1, 0x0800, 500);
	ck_send(x.u, f, n);
	ck_assert_uint_eq(got.n, 1);
	/* untagged is VLAN 0, not in the filter; a runt has no VLAN */
	n = eth(f, mac_a, mac_x, 100);
	ck_send(x.u, f, n);
	ck_send(x.u, f, 10);
	ck_assert_uint_eq(got.n, 1);
	/* snap length: the first bytes, the whole length told */
	ck_ok(vsw_mirror_set_snaplen(m, 64));
	n = ck_frame(f, mac_a, mac_x, &tag20, 1, 0x0800, 500);
	ck_send(x.u, f, n);
	ck_assert_uint_eq(got.n, 2);
	ck_assert_uint_eq(got.c[1].caplen, 64);
	ck_assert_uint_eq(got.c[1].len, n);
	ck_assert_mem_eq(got.c[1].data, f, 64);
	/* without the filter, even a runt is copied as it came */
	ck_ok(vsw_mirror_set_source_vlans(m, x.u, NULL, 0));
	ck_send(x.u, f, 10);
	ck_assert_uint_eq(got.n, 3);
	ck_assert_uint_eq(got.c[2].len, 10);
	vsw_switch_free(x.sw);
}
END_TEST

/* SPAN: the destination gets the copies and nothing else while enabled. */
START_TEST(span_port)
{
	struct fx x;
	uint8_t f1[128], f2[128];
	uint32_t n1, n2;
	struct vsw_mirror *m;

	fx_setup(&x);
	ck_ok(vsw_mirror_add(x.sw, "span", NULL, &m));
	ck_ok(vsw_mirror_add_source(m, x.a, VSW_MIRROR_BOTH));
	ck_ok(vsw_mirror_set_dest_port(m, x.c, 0));
	n1 = eth(f1, mac_b, mac_a, 60);
	n2 = eth(f2, mac_a, mac_b, 70);
	ck_send(x.a, f1, n1);
	ck_send(x.b, f2, n2);
	ck_assert_uint_eq(cap_c.n, 2);
	ck_assert_mem_eq(cap_c.f[0].data, f1, n1);
	ck_assert_mem_eq(cap_c.f[1].data, f2, n2);
	ck_assert_uint_eq(cap_b.n, 1);
	ck_assert_uint_eq(cap_a.n, 1);
	stats(m, 2, 0);
	ck_assert_uint_eq(vsw_port_counter(x.c, VSW_CTR_TX_PACKETS), 2);
	/* normal traffic to c, unicast and flooded, stops there */
	n1 = eth(f1, mac_c, mac_b, 60);
	ck_send(x.b, f1, n1);
	ck_assert_uint_eq(cap_c.n, 2);
	ck_assert_uint_eq(vsw_port_counter(x.c, VSW_CTR_MIRROR_DST), 1);
	n1 = eth(f1, ck_bcast, mac_b, 60);
	ck_send(x.b, f1, n1);
	ck_assert_uint_eq(vsw_port_counter(x.c, VSW_CTR_MIRROR_DST), 2);
	/* the broadcast reached a, and a's egress copy of it reached c */
	ck_assert_uint_eq(cap_a.n, 2);
	ck_assert_uint_eq(cap_c.n, 3);
	ck_assert_mem_eq(cap_c.f[2].data, f1, n1);
	/* disabled, the session gives c back its traffic */
	ck_ok(vsw_mirror_set_enabled(m, 0));
	ck_send(x.b, f1, n1);
	ck_assert_uint_eq(cap_c.n, 4);
	ck_assert_uint_eq(vsw_port_counter(x.c, VSW_CTR_MIRROR_DST), 2);
	vsw_switch_free(x.sw);
}
END_TEST

/* A copy handed to a destination is never mirrored again, not even by a
 * session that mirrors the destination itself. */
START_TEST(no_second_copy)
{
	struct fx x;
	uint8_t f[128];
	uint32_t n;
	struct vsw_mirror *span, *watch;

	fx_setup(&x);
	ck_ok(vsw_mirror_add(x.sw, "span", NULL, &span));
	ck_ok(vsw_mirror_add_source(span, x.a, VSW_MIRROR_INGRESS));
	ck_ok(vsw_mirror_set_dest_port(span, x.c, 0));
	watch = session_fn(&x, "watch");
	ck_ok(vsw_mirror_add_source(watch, x.c, VSW_MIRROR_BOTH));
	n = eth(f, mac_b, mac_a, 60);
	ck_send(x.a, f, n);
	ck_assert_uint_eq(cap_c.n, 1);
	ck_assert_uint_eq(got.n, 0);
	/* what c sends is forwarded, and mirrored as usual */
	n = eth(f, mac_b, mac_c, 60);
	ck_send(x.c, f, n);
	ck_assert_uint_eq(cap_b.n, 2);
	ck_assert_uint_eq(got.n, 1);
	ck_assert_uint_eq(got.c[0].dir, VSW_MIRROR_INGRESS);
	/* two sessions on one source: one copy each */
	ck_ok(vsw_mirror_add_source(watch, x.a, VSW_MIRROR_INGRESS));
	n = eth(f, mac_b, mac_a, 60);
	ck_send(x.a, f, n);
	ck_assert_uint_eq(cap_c.n, 2);
	ck_assert_uint_eq(got.n, 2);
	vsw_switch_free(x.sw);
}
END_TEST

/* RSPAN: copies leave the uplink in the encapsulation VLAN, their own
 * outer tag replaced; a destination down loses them, counted. */
START_TEST(rspan_uplink)
{
	struct fx x;
	uint8_t f[128], want[132];
	uint32_t n;
	struct vsw_mirror *m;
	struct ck_tag tag999 = { 0x8100, 999 }, tag10 = { 0x8100, 10 };

	fx_setup(&x);
	ck_ok(vsw_mirror_add(x.sw, "rspan", NULL, &m));
	ck_ok(vsw_mirror_add_source(m, x.a, VSW_MIRROR_INGRESS));
	ck_ok(vsw_mirror_add_source(m, x.t, VSW_MIRROR_INGRESS));
	ck_ok(vsw_mirror_set_dest_port(m, x.u, 999));
	n = eth(f, mac_b, mac_a, 60);
	ck_send(x.a, f, n);
	ck_assert_uint_eq(cap_b.n, 1);
	ck_assert_uint_eq(cap_u.n, 1);
	ck_frame(want, mac_b, mac_a, &tag999, 1, 0x0800, 60);
	ck_assert_uint_eq(cap_u.f[0].len, n + 4);
	ck_assert_mem_eq(cap_u.f[0].data, want, n + 4);
	/* a tagged frame from the trunk port: tag 10 becomes 999 */
	n = ck_frame(f, mac_a, mac_t, &tag10, 1, 0x0800, 60);
	ck_send(x.t, f, n);
	ck_assert_uint_eq(cap_a.n, 1);
	ck_assert_uint_eq(cap_u.n, 2);
	ck_frame(want, mac_a, mac_t, &tag999, 1, 0x0800, 60);
	ck_assert_uint_eq(cap_u.f[1].len, n);
	ck_assert_mem_eq(cap_u.f[1].data, want, n);
	stats(m, 2, 0);
	/* the uplink down: lost, counted */
	ck_ok(vsw_port_set_link(x.u, 0));
	ck_send(x.t, f, n);
	ck_assert_uint_eq(cap_u.n, 2);
	stats(m, 2, 1);
	vsw_switch_free(x.sw);
}
END_TEST

/* The rewrite scratch (VSW_MIRROR_BUF, 256 KiB) at its limit and past it:
 * a batch of 256 jumbo copies, each rewritten, reaches the destination
 * whole and in order, over several hand-overs. */
START_TEST(scratch_limit)
{
	static uint8_t frames[VSW_BATCH_MAX][9100];
	static struct vsw_frame batch[VSW_BATCH_MAX];
	struct fx x;
	struct vsw_mirror *m;
	struct ck_tag tag999 = { 0x8100, 999 };
	static uint8_t want[9200];

	fx_setup(&x);
	ck_ok(vsw_switch_set_mtu(x.sw, 9000));
	m = session_fn(&x, "big");
	ck_ok(vsw_mirror_add_source(m, x.a, VSW_MIRROR_INGRESS));
	ck_ok(vsw_mirror_set_dest_port(m, x.u, 999));
	ck_ok(vsw_port_set_rx(x.u, NULL, NULL));
	memset(&cap_u, 0, sizeof(cap_u));
	ck_capture(x.u, &cap_u);
	for (unsigned int i = 0; i < VSW_BATCH_MAX; i++) {
		uint32_t n = eth(frames[i], mac_b, mac_a, 8986); /* 9000 bytes */
		frames[i][20] = (uint8_t)i;
		batch[i] = (struct vsw_frame){ .data = frames[i], .len = n };
	}
	ck_ok(vsw_port_input(x.a, batch, VSW_BATCH_MAX));
	/* 256 copies of 9004 bytes: 2.3 MB through a 256 KiB scratch */
	ck_assert_uint_eq(cap_u.n, VSW_BATCH_MAX);
	ck_assert_uint_ge(cap_u.calls, (VSW_BATCH_MAX * 9008u) / (256u << 10));
	for (unsigned int i = 0; i < CK_CAP_FRAMES; i++) {
		ck_frame(want, mac_b, mac_a, &tag999, 1, 0x0800, 8986);
		want[24] = (uint8_t)i;
		ck_assert_uint_eq(cap_u.f[i].len, 9004);
		ck_assert_mem_eq(cap_u.f[i].data, want, 9004);
	}
	stats(m, VSW_BATCH_MAX, 0);
	vsw_switch_free(x.sw);
}
END_TEST

/* ---- pcapng ---- */

/* What a pcapng stream holds, read back block by block. */
struct pcap_read {
	unsigned int n_shb, n_idb, n_epb, n_isb;
	char if_name[4][VSW_NAME_MAX + 1];
	uint32_t if_snaplen[4];
	uint8_t tsresol[4];
	struct {
		uint32_t if_id, caplen, len, flags;
		uint8_t data[256];
	} epb[16];
	uint64_t isb_recv[4], isb_osdrop[4], isb_deliv[4];
	int last_type; /* type of the last block */
};

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

/* Walk options from 'o' to 'end': callback per (code, value, len). */
static void options(const uint8_t *o, const uint8_t *end,
		    void (*fn)(uint16_t code, const uint8_t *v, uint16_t len, void *u), void *u)
{
	while (o + 4 <= end) {
		uint16_t code, len;
		memcpy(&code, o, 2);
		memcpy(&len, o + 2, 2);
		if (code == 0)
			return;
		ck_assert(o + 4 + len <= end);
		fn(code, o + 4, len, u);
		o += 4 + ((len + 3u) & ~3u);
	}
	ck_abort_msg("options without opt_endofopt");
}

struct opt_ctx {
	struct pcap_read *r;
	unsigned int idx;
};

static void idb_opt(uint16_t code, const uint8_t *v, uint16_t len, void *u)
{
	struct opt_ctx *c = u;

	if (code == 2) {
		ck_assert_uint_le(len, VSW_NAME_MAX);
		memcpy(c->r->if_name[c->idx], v, len);
		c->r->if_name[c->idx][len] = 0;
	} else if (code == 9) {
		c->r->tsresol[c->idx] = v[0];
	}
}

static void epb_opt(uint16_t code, const uint8_t *v, uint16_t len, void *u)
{
	struct opt_ctx *c = u;

	if (code == 2) {
		ck_assert_uint_eq(len, 4);
		c->r->epb[c->idx].flags = rd32(v);
	}
}

static void isb_opt(uint16_t code, const uint8_t *v, uint16_t len, void *u)
{
	struct opt_ctx *c = u;

	if (code >= 2 && code <= 8)
		ck_assert_uint_eq(len, 8);
	if (code == 4)
		c->r->isb_recv[c->idx] = rd64(v);
	else if (code == 7)
		c->r->isb_osdrop[c->idx] = rd64(v);
	else if (code == 8)
		c->r->isb_deliv[c->idx] = rd64(v);
}

static void pcap_parse(const uint8_t *b, size_t n, struct pcap_read *r)
{
	size_t pos = 0;

	memset(r, 0, sizeof(*r));
	while (pos < n) {
		ck_assert_uint_ge(n - pos, 12);
		uint32_t type = rd32(b + pos), len = rd32(b + pos + 4);
		const uint8_t *p = b + pos;
		struct opt_ctx c = { .r = r };
		ck_assert_uint_eq(len % 4, 0);
		ck_assert_uint_le(len, n - pos);
		ck_assert_uint_eq(rd32(p + len - 4), len); /* trailing length */
		if (pos == 0)
			ck_assert_uint_eq(type, 0x0A0D0D0A);
		switch (type) {
		case 0x0A0D0D0A:
			ck_assert_uint_eq(rd32(p + 8), 0x1A2B3C4D);
			r->n_shb++;
			break;
		case 1:
			ck_assert_uint_lt(r->n_idb, 4);
			ck_assert_uint_eq(p[8] | p[9] << 8, 1); /* Ethernet */
			r->if_snaplen[r->n_idb] = rd32(p + 12);
			c.idx = r->n_idb++;
			options(p + 16, p + len - 4, idb_opt, &c);
			break;
		case 6: {
			uint32_t caplen = rd32(p + 20);
			ck_assert_uint_lt(rd32(p + 8), r->n_idb); /* declared first */
			ck_assert_uint_le(28 + caplen + 4, len);
			c.idx = r->n_epb++ < 16 ? r->n_epb - 1 : 15; /* the first 15, then the last */
			r->epb[c.idx].if_id = rd32(p + 8);
			r->epb[c.idx].caplen = caplen;
			r->epb[c.idx].len = rd32(p + 24);
			memcpy(r->epb[c.idx].data, p + 28, caplen < 256 ? caplen : 256);
			options(p + 28 + ((caplen + 3u) & ~3u), p + len - 4, epb_opt, &c);
			break;
		}
		case 5:
			c.idx = rd32(p + 8);
			ck_assert_uint_lt(c.idx, r->n_idb);
			r->n_isb++;
			options(p + 20, p + len - 4, isb_opt, &c);
			break;
		default:
			ck_abort_msg("unexpected block type %u", type);
		}
		r->last_type = (int)type;
		pos += len;
	}
	ck_assert_uint_eq(pos, n);
}

static uint8_t stream[1u << 20];

/* Write the capture out through the socket pair, reading it into 'stream'
 * from offset *have. */
static void drain(struct vsw_capture *c, int rfd, size_t *have)
{
	for (int i = 0; i < 10000 && vsw_capture_pending(c); i++) {
		int r = vsw_capture_flush(c);
		ck_assert(r == 0 || r == -EAGAIN);
		for (;;) {
			ssize_t k = read(rfd, stream + *have, sizeof(stream) - *have);
			if (k <= 0)
				break;
			*have += (size_t)k;
		}
	}
	ck_assert_uint_eq(vsw_capture_pending(c), 0);
}

static void pair(int sv[2])
{
	ck_ok(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	ck_ok(fcntl(sv[0], F_SETFL, O_NONBLOCK));
	ck_ok(fcntl(sv[1], F_SETFL, O_NONBLOCK));
}

START_TEST(capture_stream)
{
	struct fx x;
	uint8_t f1[128], f2[128];
	uint32_t n1, n2;
	struct vsw_mirror *m;
	struct vsw_capture *c;
	struct vsw_capture_stats st = { .size = sizeof(st) };
	struct pcap_read r;
	size_t have = 0;
	int sv[2];

	fx_setup(&x);
	pair(sv);
	ck_ok(vsw_mirror_add(x.sw, "cap", NULL, &m));
	ck_ok(vsw_mirror_add_source(m, x.a, VSW_MIRROR_BOTH));
	ck_ok(vsw_capture_open(m, sv[0], NULL, &c));
	n1 = eth(f1, mac_b, mac_a, 60);
	n2 = eth(f2, mac_a, mac_b, 70);
	ck_send(x.a, f1, n1);
	ck_send(x.b, f2, n2);
	drain(c, sv[1], &have);
	pcap_parse(stream, have, &r);
	ck_assert_uint_eq(r.n_shb, 1);
	ck_assert_uint_eq(r.n_idb, 1);
	ck_assert_str_eq(r.if_name[0], "a");
	ck_assert_uint_eq(r.tsresol[0], 9);
	ck_assert_uint_eq(r.n_epb, 2);
	ck_assert_uint_eq(r.epb[0].flags & 3, 1); /* inbound: a sent it */
	ck_assert_uint_eq(r.epb[0].caplen, n1);
	ck_assert_mem_eq(r.epb[0].data, f1, n1);
	ck_assert_uint_eq(r.epb[1].flags & 3, 2); /* outbound: a received it */
	ck_assert_mem_eq(r.epb[1].data, f2, n2);
	ck_assert_int_eq(vsw_capture_done(c), 0);
	/* the end: statistics, and the session lets go */
	ck_ok(vsw_capture_finish(c));
	ck_assert_int_eq(vsw_capture_done(c), 1);
	ck_assert_ptr_eq(vsw_mirror_dest_port(m, NULL), NULL);
	ck_send(x.a, f1, n1);
	drain(c, sv[1], &have);
	pcap_parse(stream, have, &r);
	ck_assert_uint_eq(r.n_epb, 2);
	ck_assert_uint_eq(r.n_isb, 1);
	ck_assert_int_eq(r.last_type, 5);
	ck_assert_uint_eq(r.isb_recv[0], 2);
	ck_assert_uint_eq(r.isb_deliv[0], 2);
	ck_assert_uint_eq(r.isb_osdrop[0], 0);
	ck_ok(vsw_capture_stats(c, &st));
	ck_assert_uint_eq(st.frames, 2);
	ck_assert_uint_eq(st.dropped, 0);
	ck_assert_uint_eq(st.bytes, have);
	vsw_capture_close(c);
	close(sv[0]);
	close(sv[1]);
	vsw_switch_free(x.sw);
}
END_TEST

/* The queue at its exact limit and one past it: the frames that fit with
 * room left for the closing statistics, then one dropped and counted. */
START_TEST(capture_queue_limit)
{
	struct fx x;
	uint8_t f[128];
	uint32_t n;
	struct vsw_mirror *m;
	struct vsw_capture *c;
	struct vsw_capture_opts o = { .size = sizeof(o), .queue_bytes = 64u << 10 };
	struct vsw_capture_stats st = { .size = sizeof(st) };
	struct pcap_read r;
	size_t have = 0;
	int sv[2];
	/* the blocks' sizes by the format: IDB of "a" described as
	 * "vNIC of switch s" (16), EPB of a 100-byte frame, ISB with 5 options */
	const uint32_t idb = 16 + (4 + 4) + (4 + 16) + (4 + 4) + 4 + 4, epb = 28 + 100 + 8 + 4 + 4;
	const uint32_t isb = 20 + 5 * 12 + 4 + 4;
	const unsigned int fit = (unsigned int)((o.queue_bytes - idb - isb) / epb);

	fx_setup(&x);
	pair(sv);
	ck_ok(vsw_mirror_add(x.sw, "cap", NULL, &m));
	ck_ok(vsw_mirror_add_source(m, x.a, VSW_MIRROR_INGRESS));
	o.queue_bytes = 1000;
	ck_assert_int_eq(vsw_capture_open(m, sv[0], &o, &c), -EINVAL);
	o.queue_bytes = 64u << 10;
	ck_ok(vsw_capture_open(m, sv[0], &o, &c));
	drain(c, sv[1], &have); /* the section header out: the queue is empty */
	n = eth(f, mac_b, mac_a, 86);
	ck_assert_uint_eq(n, 100);
	for (unsigned int i = 0; i < fit; i++)
		ck_send(x.a, f, n);
	ck_ok(vsw_capture_stats(c, &st));
	ck_assert_uint_eq(st.frames, fit);
	ck_assert_uint_eq(st.dropped, 0);
	ck_assert_uint_lt(o.queue_bytes - vsw_capture_pending(c), isb + epb);
	ck_send(x.a, f, n);
	ck_ok(vsw_capture_stats(c, &st));
	ck_assert_uint_eq(st.frames, fit);
	ck_assert_uint_eq(st.dropped, 1);
	stats(m, fit, 1);
	/* the switch forwarded every frame */
	ck_assert_uint_eq(vsw_port_counter(x.b, VSW_CTR_TX_PACKETS), fit + 1);
	ck_ok(vsw_capture_finish(c));
	drain(c, sv[1], &have);
	pcap_parse(stream, have, &r);
	ck_assert_uint_eq(r.n_isb, 1);
	ck_assert_uint_eq(r.isb_recv[0], fit + 1);
	ck_assert_uint_eq(r.isb_osdrop[0], 1);
	ck_assert_uint_eq(r.isb_deliv[0], fit);
	vsw_capture_close(c);
	close(sv[0]);
	close(sv[1]);
	vsw_switch_free(x.sw);
}
END_TEST

START_TEST(capture_count_and_removal)
{
	struct fx x;
	uint8_t f[128];
	uint32_t n;
	struct vsw_mirror *m;
	struct vsw_capture *c, *c2;
	struct vsw_capture_opts o = { .size = sizeof(o), .max_frames = 3 };
	struct vsw_mirror_opts mo = { .size = sizeof(mo), .snaplen = 20 };
	struct pcap_read r;
	size_t have = 0;
	int sv[2];

	fx_setup(&x);
	pair(sv);
	ck_ok(vsw_mirror_add(x.sw, "cap", &mo, &m));
	ck_ok(vsw_mirror_add_source(m, x.a, VSW_MIRROR_INGRESS));
	ck_ok(vsw_capture_open(m, sv[0], &o, &c));
	n = eth(f, mac_b, mac_a, 86);
	for (int i = 0; i < 5; i++)
		ck_send(x.a, f, n);
	ck_assert_int_eq(vsw_capture_done(c), 1);
	drain(c, sv[1], &have);
	pcap_parse(stream, have, &r);
	ck_assert_uint_eq(r.n_epb, 3);
	ck_assert_uint_eq(r.if_snaplen[0], 20);
	ck_assert_uint_eq(r.epb[0].caplen, 20);
	ck_assert_uint_eq(r.epb[0].len, n);
	ck_assert_int_eq(r.last_type, 5);
	stats(m, 3, 2);
	vsw_capture_close(c);
	/* a session removed under an open capture: it ends, and closes cleanly */
	ck_ok(vsw_mirror_add_source(m, x.b, VSW_MIRROR_INGRESS));
	ck_ok(vsw_capture_open(m, sv[0], NULL, &c2));
	ck_ok(vsw_mirror_remove(m));
	ck_assert_int_eq(vsw_capture_done(c2), 1);
	vsw_capture_close(c2);
	/* and a switch freed under one */
	ck_ok(vsw_mirror_add(x.sw, "again", NULL, &m));
	ck_ok(vsw_capture_open(m, sv[0], NULL, &c2));
	vsw_switch_free(x.sw);
	ck_assert_int_eq(vsw_capture_done(c2), 1);
	vsw_capture_close(c2);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

Suite *vsw_mirror_suite(void)
{
	Suite *s = suite_create("mirror");
	TCase *tc = tcase_create("mirror");

	tcase_add_test(tc, objects);
	tcase_add_test(tc, callback_both_directions);
	tcase_add_test(tc, tags_and_drops);
	tcase_add_test(tc, vlan_filter_and_snaplen);
	tcase_add_test(tc, span_port);
	tcase_add_test(tc, no_second_copy);
	tcase_add_test(tc, rspan_uplink);
	tcase_add_test(tc, scratch_limit);
	tcase_add_test(tc, capture_stream);
	tcase_add_test(tc, capture_queue_limit);
	tcase_add_test(tc, capture_count_and_removal);
	suite_add_tcase(s, tc);
	return s;
}
