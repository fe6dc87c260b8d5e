// SPDX-License-Identifier: MIT
/*
 * Description: the forwarding contract rule by rule (DESIGN.md section 3):
 * sanity, VLAN violations, security (forged transmits, promiscuous mode, MAC
 * address changes), shaping on a test clock, the uplink guards, lookup and
 * flooding, MAC learning with limits and aging, counters and batches.
 */
#include <stdlib.h>

#include "cksuite.h"

static const uint8_t mac_a[6] = { 0x00, 0x50, 0x56, 0x00, 0x00, 0x0a };
static const uint8_t mac_b[6] = { 0x00, 0x50, 0x56, 0x00, 0x00, 0x0b };
static const uint8_t mac_c[6] = { 0x00, 0x50, 0x56, 0x00, 0x00, 0x0c };
static const uint8_t mac_x[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 }; /* outside */
static const uint8_t mac_y[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x66 };
static const uint8_t mac_zero[6];
static const uint8_t mac_mcast[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };

static struct ck_cap cap_a, cap_b, cap_c, cap_u0, cap_u1;

/* A switch: uplinks vmnic0, vmnic1; port group "pg" (vlan) with vNICs a, b. */
struct fx {
	struct vsw_switch *sw;
	struct vsw_portgroup *pg;
	struct vsw_port *a, *b, *u0, *u1;
	uint64_t now;
};

static uint64_t fx_clock(void *user)
{
	return ((struct fx *)user)->now;
}

static void fx_setup(struct fx *x, unsigned int vlan, unsigned int uplinks)
{
	struct vsw_vnic *a, *b;
	struct vsw_uplink *u;

	memset(x, 0, sizeof(*x));
	x->sw = ck_switch("s");
	x->now = 1000000000ull;
	ck_ok(vsw_switch_set_clock(x->sw, fx_clock, x));
	if (uplinks > 0) {
		ck_ok(vsw_uplink_add(x->sw, "vmnic0", 0, &u));
		x->u0 = vsw_uplink_port(u);
		ck_capture(x->u0, &cap_u0);
	}
	if (uplinks > 1) {
		ck_ok(vsw_uplink_add(x->sw, "vmnic1", 0, &u));
		x->u1 = vsw_uplink_port(u);
		ck_capture(x->u1, &cap_u1);
	}
	ck_ok(vsw_portgroup_add(x->sw, "pg", vlan, 0, &x->pg));
	ck_ok(vsw_vnic_add(x->pg, "a", mac_a, 0, &a));
	ck_ok(vsw_vnic_add(x->pg, "b", mac_b, 0, &b));
	x->a = vsw_vnic_port(a);
	x->b = vsw_vnic_port(b);
	ck_capture(x->a, &cap_a);
	ck_capture(x->b, &cap_b);
	/* forget the RARPs that announced a and b */
	memset(&cap_u0, 0, sizeof(cap_u0));
	memset(&cap_u1, 0, sizeof(cap_u1));
	if (x->u0)
		ck_ok(vsw_port_clear_counters(x->u0));
	if (x->u1)
		ck_ok(vsw_port_clear_counters(x->u1));
}

static uint32_t eth(uint8_t *buf, const uint8_t *dst, const uint8_t *src, uint32_t payload)
{
	return ck_frame(buf, dst, src, NULL, 0, 0x0800, payload);
}

START_TEST(sanity_runts)
{
	struct fx x;
	uint8_t buf[64];
	struct ck_tag t = { 0x8100, 5 };

	fx_setup(&x, 0, 1);
	eth(buf, mac_b, mac_a, 0);
	for (uint32_t len = 0; len < 14; len++)
		ck_send(x.a, buf, len);
	ck_assert_uint_eq(vsw_port_counter(x.a, VSW_CTR_RUNT), 14);
	/* exactly 14 bytes is a frame */
	ck_send(x.a, buf, 14);
	ck_assert_uint_eq(cap_b.n, 1);
	ck_assert_uint_eq(cap_b.f[0].len, 14);
	/* a tagged frame shorter than 18 bytes is a runt, even where tags are allowed */
	ck_frame(buf, mac_b, mac_x, &t, 1, 0x0800, 0);
	ck_send(x.u0, buf, 17);
	ck_assert_uint_eq(vsw_port_counter(x.u0, VSW_CTR_RUNT), 1);
	ck_send(x.a, buf, 16);
	ck_assert_uint_eq(vsw_port_counter(x.a, VSW_CTR_RUNT), 15);
	ck_assert_uint_eq(vsw_port_counter(x.a, VSW_CTR_RX_PACKETS), 16);
	vsw_switch_free(x.sw);
}
END_TEST

START_TEST(sanity_bad_src)
{
	struct fx x;
	uint8_t buf[64];

	fx_setup(&x, 0, 1);
	eth(buf, mac_b, mac_zero, 46);
	ck_send(x.a, buf, 60);
	eth(buf, mac_b, mac_mcast, 46);
	ck_send(x.a, buf, 60);
	ck_send(x.u0, buf, 60);
	ck_assert_uint_eq(vsw_port_counter(x.a, VSW_CTR_BAD_SRC), 2);
	ck_assert_uint_eq(vsw_port_counter(x.u0, VSW_CTR_BAD_SRC), 1);
	ck_assert_uint_eq(cap_b.n, 0);
	vsw_switch_free(x.sw);
}
END_TEST

START_TEST(sanity_oversize)
{
	static uint8_t buf[9100];
	struct ck_tag t = { 0x8100, 10 };
	struct fx x;

	fx_setup(&x, 4095, 1);
	/* MTU 1500: 1514 bytes pass, 1515 do not; with a tag 1518 pass, 1519 do not */
	eth(buf, mac_b, mac_a, 1500 - 2);
	ck_send(x.a, buf, 1514);
	ck_send(x.a, buf, 1515);
	ck_frame(buf, mac_b, mac_a, &t, 1, 0x0800, 1500 - 2);
	ck_send(x.a, buf, 1518);
	ck_send(x.a, buf, 1519);
	ck_assert_uint_eq(cap_b.n, 2);
	ck_assert_uint_eq(vsw_port_counter(x.a, VSW_CTR_OVERSIZE), 2);
	/* the +4 applies once, however many tags */
	{
		struct ck_tag tt[2] = { { 0x8100, 10 }, { 0x8100, 20 } };
		ck_frame(buf, mac_b, mac_a, tt, 2, 0x0800, 1500 - 6);
		ck_send(x.a, buf, 1518);
		ck_send(x.a, buf, 1522);
		ck_assert_uint_eq(vsw_port_counter(x.a, VSW_CTR_OVERSIZE), 3);
	}
	/* a stripped tag counts as a tag: 1514 bytes + TCI is 1518 on the wire */
	eth(buf, mac_b, mac_x, 1500 - 2);
	ck_send_tci(x.u0, buf, 1514, 10);
	ck_send_tci(x.u0, buf, 1515, 10);
	ck_assert_uint_eq(vsw_port_counter(x.u0, VSW_CTR_OVERSIZE), 1);
	/* jumbo frames on a 1500 switch; then allowed once the MTU is 9000 */
	eth(buf, mac_b, mac_a, 9000 - 2);
	ck_send(x.a, buf, 9014);
	ck_assert_uint_eq(vsw_port_counter(x.a, VSW_CTR_OVERSIZE), 4);
	ck_ok(vsw_switch_set_mtu(x.sw, 9000));
	ck_send(x.a, buf, 9014);
	ck_send(x.a, buf, 9015);
	ck_assert_uint_eq(vsw_port_counter(x.a, VSW_CTR_OVERSIZE), 5);
	vsw_switch_free(x.sw);
}
END_TEST

START_TEST(vlan_violation_vid_4095)
{
	struct ck_tag t = { 0x8100, 0x0fff };
	uint8_t buf[64];
	struct fx x;

	fx_setup(&x, 4095, 1);
	ck_frame(buf, ck_bcast, mac_a, &t, 1, 0x0800, 42);
	ck_send(x.a, buf, 60);
	ck_frame(buf, ck_bcast, mac_x, &t, 1, 0x0800, 42);
	ck_send(x.u0, buf, 60);
	eth(buf, ck_bcast, mac_x, 42);
	ck_send_tci(x.u0, buf, 60, 0x2fff);
	ck_assert_uint_eq(vsw_port_counter(x.a, VSW_CTR_VLAN_VIOLATION), 1);
	ck_assert_uint_eq(vsw_port_counter(x.u0, VSW_CTR_VLAN_VIOLATION), 2);
	ck_assert_uint_eq(cap_b.n + cap_a.n + cap_u0.n, 0);
	vsw_switch_free(x.sw);
}
END_TEST

START_TEST(known_unicast_and_self)
{
	uint8_t buf[64];
	struct fx x;

	fx_setup(&x, 10, 1);
	eth(buf, mac_b, mac_a, 46);
	ck_send(x.a, buf, 60);
	ck_assert_uint_eq(cap_b.n, 1);
	ck_assert_mem_eq(cap_b.f[0].data, buf, 60);
	ck_assert_uint_eq(cap_u0.n, 0);      /* known: not to the uplink */
	ck_assert_uint_eq(cap_a.n, 0);
	ck_assert_uint_eq(vsw_port_counter(x.b, VSW_CTR_TX_PACKETS), 1);
	ck_assert_uint_eq(vsw_port_counter(x.b, VSW_CTR_TX_BYTES), 60);
	ck_assert_uint_eq(vsw_port_counter(x.a, VSW_CTR_RX_BYTES), 60);
	/* to its own MAC */
	eth(buf, mac_a, mac_a, 46);
	ck_send(x.a, buf, 60);
	ck_assert_uint_eq(vsw_port_counter(x.a, VSW_CTR_SELF_DST), 1);
	ck_assert_uint_eq(cap_a.n + cap_u0.n, 0);
	vsw_switch_free(x.sw);
}
END_TEST

START_TEST(vlans_are_separate)
{
	struct vsw_portgroup *other;
	struct vsw_vnic *c;
	uint8_t buf[64];
	struct fx x;

	fx_setup(&x, 10, 1);
	ck_ok(vsw_portgroup_add(x.sw, "v20", 20, 0, &other));
	ck_ok(vsw_vnic_add(other, "c", mac_c, 0, &c));
	ck_capture(vsw_vnic_port(c), &cap_c);
	memset(&cap_u0, 0, sizeof(cap_u0));
	/* c's MAC is unknown on VLAN 10: unicast goes out to the uplink, tagged 10 */
	eth(buf, mac_c, mac_a, 46);
	ck_send(x.a, buf, 60);
	ck_assert_uint_eq(cap_c.n, 0);
	ck_assert_uint_eq(cap_u0.n, 1);
	ck_assert_uint_eq(cap_u0.f[0].data[15], 10);
	/* a broadcast stays in VLAN 10 */
	eth(buf, ck_bcast, mac_a, 46);
	ck_send(x.a, buf, 60);
	ck_assert_uint_eq(cap_c.n, 0);
	ck_assert_uint_eq(cap_b.n, 1);
	/* two port groups with the same VLAN are one segment */
	{
		struct vsw_portgroup *same;
		struct vsw_vnic *d;
		static const uint8_t mac_d[6] = { 0x00, 0x50, 0x56, 0x00, 0x00, 0x0d };
		ck_ok(vsw_portgroup_add(x.sw, "also10", 10, 0, &same));
		ck_ok(vsw_vnic_add(same, "d", mac_d, 0, &d));
		ck_capture(vsw_vnic_port(d), &cap_c);
		eth(buf, mac_d, mac_a, 46);
		ck_send(x.a, buf, 60);
		ck_assert_uint_eq(cap_c.n, 1);
	}
	vsw_switch_free(x.sw);
}
END_TEST

START_TEST(forged_transmits)
{
	uint8_t buf[64];
	struct fx x;

	fx_setup(&x, 0, 1);
	eth(buf, mac_b, mac_x, 46);
	/* accept (default) */
	ck_send(x.a, buf, 60);
	ck_assert_uint_eq(cap_b.n, 1);
	/* reject on the switch, inherited by the port group */
	ck_ok(vsw_switch_policy_set(x.sw, VSW_POL_FORGED_TRANSMITS, 0));
	ck_send(x.a, buf, 60);
	ck_assert_uint_eq(cap_b.n, 1);
	ck_assert_uint_eq(vsw_port_counter(x.a, VSW_CTR_FORGED), 1);
	/* the port's own MAC still passes */
	eth(buf, mac_b, mac_a, 46);
	ck_send(x.a, buf, 60);
	ck_assert_uint_eq(cap_b.n, 2);
	/* the port group overrides back to accept */
	ck_ok(vsw_portgroup_policy_set(x.pg, VSW_POL_FORGED_TRANSMITS, 1));
	eth(buf, mac_b, mac_x, 46);
	ck_send(x.a, buf, 60);
	ck_assert_uint_eq(cap_b.n, 3);
	vsw_switch_free(x.sw);
}
END_TEST

START_TEST(forged_after_mac_change)
{
	static const uint8_t mac_new[6] = { 0x00, 0x50, 0x56, 0x00, 0x00, 0x99 };
	uint8_t buf[64];
	struct fx x;

	fx_setup(&x, 0, 1);
	ck_ok(vsw_switch_policy_set(x.sw, VSW_POL_FORGED_TRANSMITS, 0));
	ck_ok(vsw_vnic_set_mac(vsw_port_to_vnic(x.a), mac_new));
	/* the effective MAC is the one checked */
	eth(buf, mac_b, mac_new, 46);
	ck_send(x.a, buf, 60);
	eth(buf, mac_b, mac_a, 46);
	ck_send(x.a, buf, 60);
	ck_assert_uint_eq(cap_b.n, 1);
	ck_assert_uint_eq(vsw_port_counter(x.a, VSW_CTR_FORGED), 1);
	/* and the switch knows the vNIC under its new MAC only */
	eth(buf, mac_new, mac_b, 46);
	ck_send(x.b, buf, 60);
	eth(buf, mac_a, mac_b, 46);
	ck_send(x.b, buf, 60);
	ck_assert_uint_eq(cap_a.n, 1);
	ck_assert_uint_eq(cap_u0.n, 1); /* the old MAC is unknown now */
	vsw_switch_free(x.sw);
}
END_TEST

START_TEST(mac_changes_reject_blocks_receive)
{
	static const uint8_t mac_new[6] = { 0x00, 0x50, 0x56, 0x00, 0x00, 0x99 };
	uint8_t buf[64];
	struct fx x;

	fx_setup(&x, 0, 1);
	ck_ok(vsw_vnic_set_mac(vsw_port_to_vnic(x.b), mac_new));
	eth(buf, mac_new, mac_a, 46);
	ck_send(x.a, buf, 60);
	ck_assert_uint_eq(cap_b.n, 1); /* accept (default) */
	ck_ok(vsw_portgroup_policy_set(x.pg, VSW_POL_MAC_CHANGES, 0));
	ck_send(x.a, buf, 60);                       /* unicast */
	eth(buf, ck_bcast, mac_a, 46);
	ck_send(x.a, buf, 60);                       /* broadcast */
	eth(buf, mac_new, mac_x, 46);
	ck_send(x.u0, buf, 60);                      /* from outside */
	ck_assert_uint_eq(cap_b.n, 1);
	ck_assert_uint_eq(vsw_port_counter(x.b, VSW_CTR_MAC_CHANGE_BLOCKED), 3);
	ck_assert_uint_eq(cap_u0.n, 1);              /* the broadcast still went out */
	/* back to its initial MAC: receives again */
	ck_ok(vsw_vnic_set_mac(vsw_port_to_vnic(x.b), mac_b));
	eth(buf, mac_b, mac_a, 46);
	ck_send(x.a, buf, 60);
	ck_assert_uint_eq(cap_b.n, 2);
	vsw_switch_free(x.sw);
}
END_TEST

START_TEST(promiscuous_copies)
{
	struct vsw_portgroup *spy_pg, *trunk_pg;
	struct vsw_vnic *c, *t;
	static struct ck_cap cap_t;
	static const uint8_t mac_t[6] = { 0x00, 0x50, 0x56, 0x00, 0x00, 0x7e };
	struct ck_tag tag10 = { 0x8100, 10 };
	uint8_t buf[64];
	struct fx x;

	fx_setup(&x, 10, 1);
	ck_ok(vsw_portgroup_add(x.sw, "spy", 10, 0, &spy_pg));
	ck_ok(vsw_portgroup_policy_set(spy_pg, VSW_POL_PROMISCUOUS, 1));
	ck_ok(vsw_vnic_add(spy_pg, "c", mac_c, 0, &c));
	ck_capture(vsw_vnic_port(c), &cap_c);
	ck_ok(vsw_portgroup_add(x.sw, "trunk", 4095, 0, &trunk_pg));
	ck_ok(vsw_portgroup_policy_set(trunk_pg, VSW_POL_PROMISCUOUS, 1));
	ck_ok(vsw_vnic_add(trunk_pg, "t", mac_t, 0, &t));
	ck_capture(vsw_vnic_port(t), &cap_t);
	memset(&cap_u0, 0, sizeof(cap_u0));

	/* known unicast a -> b: c and the trunk get copies, the trunk's tagged */
	eth(buf, mac_b, mac_a, 46);
	ck_send(x.a, buf, 60);
	ck_assert_uint_eq(cap_b.n, 1);
	ck_assert_uint_eq(cap_c.n, 1);
	ck_assert_mem_eq(cap_c.f[0].data, buf, 60);
	ck_assert_uint_eq(cap_t.n, 1);
	ck_assert_uint_eq(cap_t.f[0].len, 64);
	ck_assert_uint_eq(cap_t.f[0].data[15], 10);
	/* unknown unicast from the uplink: dropped, but copied to promiscuous ports */
	ck_frame(buf, mac_y, mac_x, &tag10, 1, 0x0800, 42);
	ck_send(x.u0, buf, 60);
	ck_assert_uint_eq(vsw_port_counter(x.u0, VSW_CTR_UNKNOWN_DST), 1);
	ck_assert_uint_eq(cap_c.n, 2);
	ck_assert_uint_eq(cap_c.f[1].len, 56);       /* untagged for the VST port */
	ck_assert_uint_eq(cap_t.n, 2);
	ck_assert_mem_eq(cap_t.f[1].data, buf, 60);  /* as received for the trunk */
	/* a broadcast reaches c once, not twice */
	eth(buf, ck_bcast, mac_a, 46);
	ck_send(x.a, buf, 60);
	ck_assert_uint_eq(cap_c.n, 3);
	ck_assert_uint_eq(cap_t.n, 3);
	/* never its own frames */
	eth(buf, mac_b, mac_c, 46);
	ck_send(vsw_vnic_port(c), buf, 60);
	ck_assert_uint_eq(cap_c.n, 3);
	/* a non-promiscuous port gets no copies */
	eth(buf, mac_c, mac_a, 46);
	ck_send(x.a, buf, 60);
	ck_assert_uint_eq(cap_b.n, 3);
	vsw_switch_free(x.sw);
}
END_TEST

START_TEST(shaping_token_bucket)
{
	static uint8_t buf[1100];
	struct fx x;

	fx_setup(&x, 0, 1);
	/* 8000 bit/s = 1000 bytes/s average, 1500-byte burst, peak 80 kbit/s */
	ck_ok(vsw_portgroup_policy_set(x.pg, VSW_POL_SHAPING_AVERAGE_BPS, 8000));
	ck_ok(vsw_portgroup_policy_set(x.pg, VSW_POL_SHAPING_PEAK_BPS, 80000));
	ck_ok(vsw_portgroup_policy_set(x.pg, VSW_POL_SHAPING_BURST_BYTES, 1500));
	ck_ok(vsw_portgroup_policy_set(x.pg, VSW_POL_SHAPING_ENABLED, 1));
	eth(buf, mac_b, mac_a, 1000 - 14);
	ck_send(x.a, buf, 1000);            /* 1500 -> 500 tokens */
	ck_send(x.a, buf, 1000);            /* not enough: shaped */
	ck_assert_uint_eq(cap_b.n, 1);
	ck_assert_uint_eq(vsw_port_counter(x.a, VSW_CTR_SHAPED), 1);
	x.now += 400000000ull;               /* +400 bytes: 900 */
	ck_send(x.a, buf, 1000);
	ck_assert_uint_eq(cap_b.n, 1);
	x.now += 200000000ull;               /* +200: 1100 */
	ck_send(x.a, buf, 1000);
	ck_assert_uint_eq(cap_b.n, 2);
	x.now += 60ull * 1000000000ull;      /* a long pause fills the bucket to the burst only */
	ck_send(x.a, buf, 1000);
	ck_send(x.a, buf, 1000);
	ck_assert_uint_eq(cap_b.n, 3);
	ck_assert_uint_eq(vsw_port_counter(x.a, VSW_CTR_SHAPED), 3);
	/* each port has its own bucket: b still has its full burst */
	eth(buf, mac_a, mac_b, 1000 - 14);
	for (int i = 0; i < 5; i++)
		ck_send(x.b, buf, 1000);
	ck_assert_uint_eq(cap_a.n, 1);
	ck_assert_uint_eq(vsw_port_counter(x.b, VSW_CTR_SHAPED), 4);
	/* what the switch delivers to a port is not shaped: a received its frame */
	ck_assert_uint_eq(vsw_port_counter(x.a, VSW_CTR_TX_PACKETS), 1);
	/* turning shaping off lets everything through */
	ck_ok(vsw_portgroup_policy_set(x.pg, VSW_POL_SHAPING_ENABLED, 0));
	eth(buf, mac_b, mac_a, 1000 - 14);
	for (int i = 0; i < 5; i++)
		ck_send(x.a, buf, 1000);
	ck_assert_uint_eq(cap_b.n, 3 + 5);
	vsw_switch_free(x.sw);
}
END_TEST

START_TEST(shaping_peak_rate)
{
	static uint8_t buf[1100];
	struct fx x;

	fx_setup(&x, 0, 1);
	/* a large burst, but the peak (8 Mbit/s: 1000 bytes per ms) limits the rate */
	ck_ok(vsw_portgroup_policy_set(x.pg, VSW_POL_SHAPING_AVERAGE_BPS, 8000000));
	ck_ok(vsw_portgroup_policy_set(x.pg, VSW_POL_SHAPING_PEAK_BPS, 8000000));
	ck_ok(vsw_portgroup_policy_set(x.pg, VSW_POL_SHAPING_BURST_BYTES, 1000000));
	ck_ok(vsw_portgroup_policy_set(x.pg, VSW_POL_SHAPING_ENABLED, 1));
	eth(buf, mac_b, mac_a, 1000 - 14);
	/* the peak bucket holds max(1 ms at peak, two 1518-byte frames) = 3036 bytes */
	for (int i = 0; i < 10; i++)
		ck_send(x.a, buf, 1000);
	ck_assert_uint_eq(cap_b.n, 3);
	x.now += 1000000ull;                 /* 1 ms: 1000 more bytes at peak */
	for (int i = 0; i < 10; i++)
		ck_send(x.a, buf, 1000);
	ck_assert_uint_eq(cap_b.n, 4);
	vsw_switch_free(x.sw);
}
END_TEST

START_TEST(uplink_reflection_and_no_uplink_to_uplink)
{
	uint8_t buf[64];
	struct fx x;

	fx_setup(&x, 0, 2);
	/* a's own MAC comes back from the physical network */
	eth(buf, ck_bcast, mac_a, 46);
	ck_send(x.u0, buf, 60);
	eth(buf, mac_b, mac_a, 46);
	ck_send(x.u1, buf, 60);
	ck_assert_uint_eq(vsw_port_counter(x.u0, VSW_CTR_REFLECTED), 1);
	ck_assert_uint_eq(vsw_port_counter(x.u1, VSW_CTR_REFLECTED), 1);
	ck_assert_uint_eq(cap_a.n + cap_b.n, 0);
	/* frames from one uplink never go to another: unknown unicast dropped, */
	eth(buf, mac_y, mac_x, 46);
	ck_send(x.u0, buf, 60);
	ck_assert_uint_eq(vsw_port_counter(x.u0, VSW_CTR_UNKNOWN_DST), 1);
	/* broadcast to the virtual ports only */
	eth(buf, ck_bcast, mac_x, 46);
	ck_send(x.u0, buf, 60);
	ck_assert_uint_eq(cap_u0.n + cap_u1.n, 0);
	vsw_switch_free(x.sw);
}
END_TEST

START_TEST(unknown_unicast_goes_to_uplink)
{
	uint8_t buf[64];
	struct fx x;

	fx_setup(&x, 0, 1);
	eth(buf, mac_x, mac_a, 46);
	ck_send(x.a, buf, 60);
	ck_assert_uint_eq(cap_u0.n, 1);
	ck_assert_uint_eq(cap_b.n, 0);
	/* and the reply finds a */
	eth(buf, mac_a, mac_x, 46);
	ck_send(x.u0, buf, 60);
	ck_assert_uint_eq(cap_a.n, 1);
	/* without a usable uplink: no_uplink */
	ck_ok(vsw_port_set_link(x.u0, 0));
	eth(buf, mac_x, mac_a, 46);
	ck_send(x.a, buf, 60);
	ck_assert_uint_eq(vsw_port_counter(x.a, VSW_CTR_NO_UPLINK), 1);
	/* a flood still reaches local members, and counts no_uplink once */
	eth(buf, ck_bcast, mac_a, 46);
	ck_send(x.a, buf, 60);
	ck_assert_uint_eq(cap_b.n, 1);
	ck_assert_uint_eq(vsw_port_counter(x.a, VSW_CTR_NO_UPLINK), 2);
	ck_assert_uint_eq(cap_u0.n, 1);
	vsw_switch_free(x.sw);
}
END_TEST

START_TEST(broadcast_from_uplink_no_duplicates)
{
	uint8_t buf[64];
	struct fx x;

	/* two active uplinks; port ID teaming puts a and b on different ones */
	fx_setup(&x, 0, 2);
	ck_assert_ptr_ne(vsw_port_current_uplink(x.a), vsw_port_current_uplink(x.b));
	/* the physical switch floods the broadcast to both vmnics */
	eth(buf, ck_bcast, mac_x, 46);
	ck_send(x.u0, buf, 60);
	ck_send(x.u1, buf, 60);
	ck_assert_uint_eq(cap_a.n, 1);
	ck_assert_uint_eq(cap_b.n, 1);
	vsw_switch_free(x.sw);
}
END_TEST

START_TEST(broadcast_no_receiver)
{
	uint8_t buf[64];
	struct fx x;

	fx_setup(&x, 10, 1);
	eth(buf, ck_bcast, mac_x, 46);
	ck_send(x.u0, buf, 60); /* untagged: domain 0 has nobody */
	ck_assert_uint_eq(vsw_port_counter(x.u0, VSW_CTR_NO_RECEIVER), 1);
	ck_assert_uint_eq(ck_drops(x.u0), 1);
	vsw_switch_free(x.sw);
}
END_TEST

START_TEST(link_down_ports)
{
	uint8_t buf[64];
	struct fx x;

	fx_setup(&x, 0, 1);
	ck_ok(vsw_port_set_link(x.b, 0));
	eth(buf, mac_b, mac_a, 46);
	ck_send(x.a, buf, 60);
	ck_assert_uint_eq(cap_b.n, 0);
	ck_assert_uint_eq(vsw_port_counter(x.b, VSW_CTR_LINK_DOWN), 1);
	/* a down port sends nothing into the switch */
	eth(buf, mac_a, mac_b, 46);
	ck_send(x.b, buf, 60);
	ck_assert_uint_eq(cap_a.n, 0);
	ck_assert_uint_eq(vsw_port_counter(x.b, VSW_CTR_LINK_DOWN), 2);
	ck_ok(vsw_port_set_link(x.b, 1));
	ck_send(x.b, buf, 60);
	ck_assert_uint_eq(cap_a.n, 1);
	vsw_switch_free(x.sw);
}
END_TEST

START_TEST(mac_learning)
{
	static const uint8_t nested1[6] = { 0x00, 0x0c, 0x29, 0x00, 0x00, 0x01 };
	static const uint8_t nested2[6] = { 0x00, 0x0c, 0x29, 0x00, 0x00, 0x02 };
	static const uint8_t nested3[6] = { 0x00, 0x0c, 0x29, 0x00, 0x00, 0x03 };
	uint8_t buf[64];
	struct fx x;

	fx_setup(&x, 0, 1);
	ck_ok(vsw_switch_policy_set(x.sw, VSW_POL_FORGED_TRANSMITS, 0));
	ck_ok(vsw_portgroup_policy_set(x.pg, VSW_POL_MAC_LEARNING, 1));
	ck_ok(vsw_portgroup_policy_set(x.pg, VSW_POL_MAC_LIMIT, 2));
	ck_ok(vsw_portgroup_policy_set(x.pg, VSW_POL_MAC_AGING_SEC, 300));
	/* a nested VM behind a: learned, so not forged */
	eth(buf, mac_x, nested1, 46);
	ck_send(x.a, buf, 60);
	ck_assert_uint_eq(vsw_port_counter(x.a, VSW_CTR_FORGED), 0);
	ck_assert_uint_eq(cap_u0.n, 1);
	/* and now known: traffic to it goes to a, not out */
	eth(buf, nested1, mac_x, 46);
	ck_send(x.u0, buf, 60);
	ck_assert_uint_eq(cap_a.n, 1);
	eth(buf, nested1, mac_b, 46);
	ck_send(x.b, buf, 60);
	ck_assert_uint_eq(cap_a.n, 2);
	ck_assert_uint_eq(cap_u0.n, 1);
	/* the limit: a second MAC learns, a third is refused (and forged) */
	eth(buf, mac_x, nested2, 46);
	ck_send(x.a, buf, 60);
	eth(buf, mac_x, nested3, 46);
	ck_send(x.a, buf, 60);
	ck_assert_uint_eq(vsw_port_counter(x.a, VSW_CTR_LEARN_REFUSED), 1);
	ck_assert_uint_eq(vsw_port_counter(x.a, VSW_CTR_FORGED), 1);
	/* a learned MAC reflected from the uplink */
	eth(buf, ck_bcast, nested2, 46);
	ck_send(x.u0, buf, 60);
	ck_assert_uint_eq(vsw_port_counter(x.u0, VSW_CTR_REFLECTED), 1);
	/* aging: 301 s of silence and nested1 is unknown again */
	x.now += 301ull * 1000000000ull;
	eth(buf, nested1, mac_b, 46);
	ck_send(x.b, buf, 60);
	ck_assert_uint_eq(cap_a.n, 2);
	ck_assert_uint_eq(cap_u0.n, 3);
	/* aged entries no longer count against the limit: a learns nested3 */
	eth(buf, mac_x, nested3, 46);
	ck_send(x.a, buf, 60);
	ck_assert_uint_eq(vsw_port_counter(x.a, VSW_CTR_LEARN_REFUSED), 1);
	vsw_switch_free(x.sw);
}
END_TEST

START_TEST(mac_learning_moves)
{
	static const uint8_t nested[6] = { 0x00, 0x0c, 0x29, 0x00, 0x00, 0x01 };
	uint8_t buf[64];
	struct fx x;

	fx_setup(&x, 0, 1);
	ck_ok(vsw_portgroup_policy_set(x.pg, VSW_POL_MAC_LEARNING, 1));
	eth(buf, mac_x, nested, 46);
	ck_send(x.a, buf, 60);
	ck_send(x.b, buf, 60); /* the nested VM moved (vMotion inside) */
	eth(buf, nested, mac_x, 46);
	ck_send(x.u0, buf, 60);
	ck_assert_uint_eq(cap_b.n, 1);
	ck_assert_uint_eq(cap_a.n, 0);
	/* a port's own address cannot be learned by another port */
	eth(buf, mac_x, mac_a, 46);
	ck_send(x.b, buf, 60);
	ck_assert_uint_eq(vsw_port_counter(x.b, VSW_CTR_LEARN_REFUSED), 1);
	vsw_switch_free(x.sw);
}
END_TEST

static int count_fdb(const struct vsw_fdb_entry_info *e, void *user)
{
	int *n = user;

	n[e->learned]++;
	return 0;
}

START_TEST(fdb_walk_and_flush)
{
	static const uint8_t nested[6] = { 0x00, 0x0c, 0x29, 0x00, 0x00, 0x01 };
	uint8_t buf[64];
	int n[2] = { 0, 0 };
	struct fx x;

	fx_setup(&x, 0, 1);
	ck_ok(vsw_portgroup_policy_set(x.pg, VSW_POL_MAC_LEARNING, 1));
	eth(buf, mac_x, nested, 46);
	ck_send(x.a, buf, 60);
	ck_ok(vsw_switch_fdb_foreach(x.sw, count_fdb, n));
	ck_assert_int_eq(n[0], 2);
	ck_assert_int_eq(n[1], 1);
	ck_assert_int_eq(vsw_switch_fdb_flush(x.sw), 1);
	/* learning off forgets what was learned */
	ck_send(x.a, buf, 60);
	n[0] = n[1] = 0;
	ck_ok(vsw_switch_fdb_foreach(x.sw, count_fdb, n));
	ck_assert_int_eq(n[1], 1);
	ck_ok(vsw_portgroup_policy_set(x.pg, VSW_POL_MAC_LEARNING, 0));
	n[0] = n[1] = 0;
	ck_ok(vsw_switch_fdb_foreach(x.sw, count_fdb, n));
	ck_assert_int_eq(n[1], 0);
	ck_assert_int_eq(vsw_switch_fdb_foreach(NULL, count_fdb, n), -EINVAL);
	ck_assert_int_eq(vsw_switch_fdb_foreach(x.sw, NULL, n), -EINVAL);
	ck_assert_int_eq(vsw_switch_fdb_flush(NULL), -EINVAL);
	vsw_switch_free(x.sw);
}
END_TEST

START_TEST(batch_limits)
{
	static struct vsw_frame f[VSW_BATCH_MAX + 1];
	uint8_t buf[64];
	struct fx x;

	fx_setup(&x, 0, 1);
	eth(buf, mac_b, mac_a, 46);
	for (unsigned int i = 0; i <= VSW_BATCH_MAX; i++)
		f[i] = (struct vsw_frame){ .data = buf, .len = 60 };
	ck_ok(vsw_port_input(x.a, f, 0));
	ck_ok(vsw_port_input(x.a, NULL, 0));
	ck_assert_int_eq(vsw_port_input(x.a, f, VSW_BATCH_MAX + 1), -EINVAL);
	ck_assert_int_eq(vsw_port_input(x.a, NULL, 1), -EINVAL);
	ck_assert_int_eq(vsw_port_input(NULL, f, 1), -EINVAL);
	ck_assert_uint_eq(vsw_port_counter(x.a, VSW_CTR_RX_PACKETS), 0);
	ck_ok(vsw_port_input(x.a, f, VSW_BATCH_MAX));
	/* one callback for the whole batch */
	ck_assert_uint_eq(cap_b.calls, 1);
	ck_assert_uint_eq(cap_b.n, VSW_BATCH_MAX);
	ck_assert_uint_eq(vsw_port_counter(x.b, VSW_CTR_TX_PACKETS), VSW_BATCH_MAX);
	vsw_switch_free(x.sw);
}
END_TEST

/* b answers every frame from its callback: the answers are queued and
 * forwarded when the delivery ends; configuration calls stay refused. */
static unsigned int answers = 0, answer_copies = 1;
static unsigned int answer(struct vsw_port *port, const struct vsw_frame *f, unsigned int n,
			   void *user)
{
	static uint8_t reply[2048];
	struct vsw_frame r[VSW_BATCH_MAX] = { 0 };

	(void)user;
	ck_assert_int_eq(vsw_vnic_remove(vsw_port_to_vnic(port)), -EBUSY);
	ck_assert_int_eq(vsw_port_set_offloads(port, 0), -EBUSY);
	for (unsigned int i = 0; i < n; i++) {
		ck_assert_uint_le(f[i].len, sizeof(reply));
		memcpy(reply, f[i].data + 6, 6);
		memcpy(reply + 6, f[i].data, 6);
		memcpy(reply + 12, f[i].data + 12, f[i].len - 12);
		for (unsigned int k = 0; k < answer_copies; k++)
			r[k] = (struct vsw_frame){ .data = reply, .len = f[i].len };
		/* the frames are copied: the buffer may change at once */
		ck_ok(vsw_port_input(port, r, answer_copies));
		memset(reply, 0, sizeof(reply));
		answers++;
	}
	return n;
}

START_TEST(reentry_queued)
{
	uint8_t buf[64];
	struct fx x;

	fx_setup(&x, 0, 1);
	ck_ok(vsw_port_set_rx(x.b, answer, NULL));
	eth(buf, mac_b, mac_a, 46);
	answers = 0;
	answer_copies = 1;
	ck_send(x.a, buf, 60);
	ck_assert_uint_eq(answers, 1);
	/* the answer reached a before vsw_port_input() returned */
	ck_assert_uint_eq(cap_a.n, 1);
	ck_assert_mem_eq(cap_a.f[0].data, mac_a, 6);
	ck_assert_mem_eq(cap_a.f[0].data + 6, mac_b, 6);
	ck_assert_uint_eq(vsw_port_counter(x.b, VSW_CTR_RX_PACKETS), 1);
	ck_assert_uint_eq(vsw_port_counter(x.b, VSW_CTR_QUEUE_FULL), 0);
	vsw_switch_free(x.sw);
}
END_TEST

/* The queue holds VSW_BATCH_MAX frames: one answer of that many fits
 * exactly, one frame more is counted queue_full (and in rx). */
START_TEST(reentry_queue_limit)
{
	uint8_t buf[64];
	struct fx x;

	for (unsigned int extra = 0; extra <= 1; extra++) {
		fx_setup(&x, 0, 1);
		ck_ok(vsw_port_set_rx(x.b, answer, NULL));
		eth(buf, mac_b, mac_a, 46);
		answers = 0;
		answer_copies = VSW_BATCH_MAX;
		ck_send(x.a, buf, 60);
		if (extra) {
			/* a second frame to b, answered with one more batch */
			answer_copies = 1;
			ck_send(x.a, buf, 60);
		}
		ck_assert_uint_eq(vsw_port_counter(x.b, VSW_CTR_QUEUE_FULL), 0);
		ck_assert_uint_eq(vsw_port_counter(x.b, VSW_CTR_RX_PACKETS), VSW_BATCH_MAX + extra);
		ck_assert_uint_eq(vsw_port_counter(x.a, VSW_CTR_TX_PACKETS), VSW_BATCH_MAX + extra);
		vsw_switch_free(x.sw);
	}
}
END_TEST

/* b answers a batch of two with two batches: the second does not fit. */
static unsigned int answer_twice(struct vsw_port *port, const struct vsw_frame *f,
				 unsigned int n, void *user)
{
	static uint8_t reply[64];
	struct vsw_frame r[VSW_BATCH_MAX];

	(void)user;
	memcpy(reply, f[0].data + 6, 6);
	memcpy(reply + 6, f[0].data, 6);
	memcpy(reply + 12, f[0].data + 12, 60 - 12);
	for (unsigned int k = 0; k < VSW_BATCH_MAX; k++)
		r[k] = (struct vsw_frame){ .data = reply, .len = 60 };
	ck_ok(vsw_port_input(port, r, VSW_BATCH_MAX));
	ck_ok(vsw_port_input(port, r, 1));
	return n;
}

START_TEST(reentry_queue_full_counted)
{
	uint8_t buf[64];
	struct fx x;

	fx_setup(&x, 0, 1);
	ck_ok(vsw_port_set_rx(x.b, answer_twice, NULL));
	eth(buf, mac_b, mac_a, 46);
	ck_send(x.a, buf, 60);
	ck_assert_uint_eq(vsw_port_counter(x.b, VSW_CTR_QUEUE_FULL), 1);
	ck_assert_uint_eq(vsw_port_counter(x.b, VSW_CTR_RX_PACKETS), VSW_BATCH_MAX + 1);
	ck_assert_uint_eq(vsw_port_counter(x.a, VSW_CTR_TX_PACKETS), VSW_BATCH_MAX);
	vsw_switch_free(x.sw);
}
END_TEST

/* A receive callback that takes fewer frames than it is given: the rest
 * are tx_full, not tx. */
static unsigned int take_one(struct vsw_port *port, const struct vsw_frame *f, unsigned int n,
			     void *user)
{
	(void)port;
	(void)f;
	(void)n;
	(void)user;
	return 1;
}

START_TEST(rx_callback_takes_fewer)
{
	uint8_t buf[64];
	struct vsw_frame f[3] = { 0 };
	struct fx x;

	fx_setup(&x, 0, 1);
	ck_ok(vsw_port_set_rx(x.b, take_one, NULL));
	eth(buf, mac_b, mac_a, 46);
	for (int i = 0; i < 3; i++)
		f[i] = (struct vsw_frame){ .data = buf, .len = 60 };
	ck_ok(vsw_port_input(x.a, f, 3));
	ck_assert_uint_eq(vsw_port_counter(x.b, VSW_CTR_TX_PACKETS), 1);
	ck_assert_uint_eq(vsw_port_counter(x.b, VSW_CTR_TX_BYTES), 60);
	ck_assert_uint_eq(vsw_port_counter(x.b, VSW_CTR_TX_FULL), 2);
	vsw_switch_free(x.sw);
}
END_TEST

/* Every frame is delivered or counted under exactly one ingress drop reason. */
START_TEST(accounting_every_frame)
{
	static uint8_t buf[VSW_BATCH_MAX][80];
	struct vsw_frame f[VSW_BATCH_MAX] = { 0 };
	struct fx x;
	unsigned int seed = 12345;

	fx_setup(&x, 10, 1);
	ck_ok(vsw_switch_policy_set(x.sw, VSW_POL_FORGED_TRANSMITS, 0));
	for (unsigned int i = 0; i < VSW_BATCH_MAX; i++) {
		seed = seed * 1103515245u + 12345u;
		const uint8_t *dst = (seed >> 8) & 1 ? mac_b : (seed >> 9) & 1 ? ck_bcast : mac_x;
		const uint8_t *src = (seed >> 10) & 3 ? mac_a : mac_y;
		struct ck_tag t = { 0x8100, 10 };
		uint32_t len = (seed >> 12) & 1 ? ck_frame(buf[i], dst, src, &t, 1, 0x0800, 42)
						: eth(buf[i], dst, src, 46);
		if (((seed >> 14) & 7) == 0)
			len = (seed >> 17) % 14;
		f[i] = (struct vsw_frame){ .data = buf[i], .len = len };
	}
	ck_ok(vsw_port_input(x.a, f, VSW_BATCH_MAX));
	/* each frame reaches b, the uplink, or both (broadcast), or one drop counter */
	uint64_t drops = ck_drops(x.a);
	uint64_t bcast = 0, to_b = 0, out = 0;
	for (unsigned int i = 0; i < VSW_BATCH_MAX; i++) {
		const uint8_t *d = buf[i];
		if (f[i].len < 14 || memcmp(d + 6, mac_a, 6) || (d[12] == 0x81))
			continue;
		if (!memcmp(d, ck_bcast, 6))
			bcast++;
		else if (!memcmp(d, mac_b, 6))
			to_b++;
		else
			out++;
	}
	ck_assert_uint_eq(drops + bcast + to_b + out, VSW_BATCH_MAX);
	ck_assert_uint_eq(vsw_port_counter(x.b, VSW_CTR_TX_PACKETS), bcast + to_b);
	ck_assert_uint_eq(vsw_port_counter(x.u0, VSW_CTR_TX_PACKETS), bcast + out);
	vsw_switch_free(x.sw);
}
END_TEST

START_TEST(large_flood_over_staging)
{
	/* a broadcast domain larger than the staging array still reaches everyone */
	struct vsw_switch *sw = ck_switch("s");
	struct vsw_portgroup *pg;
	struct vsw_vnic *first = NULL;
	static unsigned int got;
	uint8_t mac[6], buf[64];
	char name[16];
	unsigned int n = 5000;

	got = 0;
	ck_ok(vsw_portgroup_add(sw, "big", 0, 0, &pg));
	for (unsigned int i = 0; i < n; i++) {
		struct vsw_vnic *v;
		ck_mac(mac, i + 1);
		snprintf(name, sizeof(name), "v%u", i);
		ck_ok(vsw_vnic_add(pg, name, mac, 0, &v));
		if (!first)
			first = v;
	}
	ck_mac(mac, 1);
	eth(buf, ck_bcast, mac, 46);
	struct vsw_frame f[2] = { { .data = buf, .len = 60 }, { .data = buf, .len = 60 } };
	ck_ok(vsw_port_input(vsw_vnic_port(first), f, 2));
	for (struct vsw_port *p = vsw_portgroup_port_next(pg, NULL); p;
	     p = vsw_portgroup_port_next(pg, p))
		got += (unsigned int)vsw_port_counter(p, VSW_CTR_TX_PACKETS);
	ck_assert_uint_eq(got, 2 * (n - 1));
	vsw_switch_free(sw);
}
END_TEST

Suite *vsw_forward_suite(void)
{
	Suite *s = suite_create("forward");
	TCase *tc = tcase_create("rules");

	tcase_add_test(tc, sanity_runts);
	tcase_add_test(tc, sanity_bad_src);
	tcase_add_test(tc, sanity_oversize);
	tcase_add_test(tc, vlan_violation_vid_4095);
	tcase_add_test(tc, known_unicast_and_self);
	tcase_add_test(tc, vlans_are_separate);
	tcase_add_test(tc, forged_transmits);
	tcase_add_test(tc, forged_after_mac_change);
	tcase_add_test(tc, mac_changes_reject_blocks_receive);
	tcase_add_test(tc, promiscuous_copies);
	tcase_add_test(tc, shaping_token_bucket);
	tcase_add_test(tc, shaping_peak_rate);
	tcase_add_test(tc, uplink_reflection_and_no_uplink_to_uplink);
	tcase_add_test(tc, unknown_unicast_goes_to_uplink);
	tcase_add_test(tc, broadcast_from_uplink_no_duplicates);
	tcase_add_test(tc, broadcast_no_receiver);
	tcase_add_test(tc, link_down_ports);
	tcase_add_test(tc, mac_learning);
	tcase_add_test(tc, mac_learning_moves);
	tcase_add_test(tc, fdb_walk_and_flush);
	tcase_add_test(tc, batch_limits);
	tcase_add_test(tc, reentry_queued);
	tcase_add_test(tc, reentry_queue_limit);
	tcase_add_test(tc, reentry_queue_full_counted);
	tcase_add_test(tc, rx_callback_takes_fewer);
	tcase_add_test(tc, accounting_every_frame);
	tcase_add_test(tc, large_flood_over_staging);
	suite_add_tcase(s, tc);
	return s;
}
