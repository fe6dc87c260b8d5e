// SPDX-License-Identifier: MIT
/*
 * Description: NIC teaming. The uplink each load-balancing policy chooses
 * (originating port ID, source MAC hash, IP hash over IPv4 and IPv6,
 * explicit order), failover to standby and rehash over the usable actives,
 * failback on and off, the current-uplink rule for floods, and the notify
 * switches RARP frame byte for byte. Derived state that follows link flaps
 * and port group changes incrementally equals a full rebuild's.
 *
 * Port indices are deterministic: uplinks are added first (0, 1, 2), then
 * vNICs a (3) and b (4). Port ID teaming picks active[index % n_active].
 */
#include <stdlib.h>

#include "cksuite.h"
#include "core/objects.h"
#include "datapath/datapath.h"

static const uint8_t mac_a[6] = { 0x00, 0x50, 0x56, 0x00, 0x00, 0x0a };
static const uint8_t mac_b[6] = { 0x00, 0x50, 0x56, 0x00, 0x00, 0x0b };
static const uint8_t mac_x[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };

static struct ck_cap cap_u[3], cap_a, cap_b;

struct tx {
	struct vsw_switch *sw;
	struct vsw_portgroup *pg;
	struct vsw_port *u[3], *a, *b;
};

static void tx_setup(struct tx *t, unsigned int vlan, unsigned int n_uplinks, int lb)
{
	struct vsw_uplink *u;
	struct vsw_vnic *v;
	char name[16];

	memset(t, 0, sizeof(*t));
	t->sw = ck_switch("s");
	for (unsigned int i = 0; i < n_uplinks; i++) {
		snprintf(name, sizeof(name), "vmnic%u", i);
		ck_ok(vsw_uplink_add(t->sw, name, 0, &u));
		t->u[i] = vsw_uplink_port(u);
		ck_capture(t->u[i], &cap_u[i]);
	}
	ck_ok(vsw_portgroup_add(t->sw, "pg", vlan, 0, &t->pg));
	ck_ok(vsw_portgroup_policy_set(t->pg, VSW_POL_LOAD_BALANCING, (uint64_t)lb));
	ck_ok(vsw_vnic_add(t->pg, "a", mac_a, 0, &v));
	t->a = vsw_vnic_port(v);
	ck_ok(vsw_vnic_add(t->pg, "b", mac_b, 0, &v));
	t->b = vsw_vnic_port(v);
	ck_capture(t->a, &cap_a);
	ck_capture(t->b, &cap_b);
}

static void clear_caps(void)
{
	for (int i = 0; i < 3; i++) {
		cap_u[i].n = 0;
		cap_u[i].calls = 0;
	}
}

static struct vsw_port *cur(struct vsw_port *p)
{
	return vsw_uplink_port(vsw_port_current_uplink(p));
}

/* Which uplink did one unknown-unicast frame from 'p' leave by? */
static int sent_on(struct vsw_port *p, const uint8_t *frame, uint32_t len)
{
	int which = -1;

	clear_caps();
	ck_send(p, frame, len);
	for (int i = 0; i < 3; i++)
		if (cap_u[i].n) {
			ck_assert_int_eq(which, -1);
			ck_assert_uint_eq(cap_u[i].n, 1);
			which = i;
		}
	return which;
}

/* The RARP the switch sends for 'mac' (VLAN 'vlan', 0 for none). */
static uint32_t rarp(uint8_t *f, const uint8_t *mac, unsigned int vlan)
{
	uint32_t n = 12, a;

	memset(f, 0, 64);
	memset(f, 0xff, 6);
	memcpy(f + 6, mac, 6);
	if (vlan) {
		f[n++] = 0x81; f[n++] = 0x00;
		f[n++] = (uint8_t)(vlan >> 8); f[n++] = (uint8_t)vlan;
	}
	f[n++] = 0x80; f[n++] = 0x35;
	a = n;
	f[a + 1] = 1;                 /* htype Ethernet */
	f[a + 2] = 0x08;              /* ptype IPv4 */
	f[a + 4] = 6; f[a + 5] = 4;
	f[a + 7] = 3;                 /* opcode: reverse request */
	memcpy(f + a + 8, mac, 6);    /* sha; spa 0.0.0.0 */
	memcpy(f + a + 18, mac, 6);   /* tha; tpa 0.0.0.0 */
	return vlan ? 64 : 60;
}

static void assert_rarp(const struct ck_cap *c, unsigned int i, const uint8_t *mac, unsigned int vlan)
{
	uint8_t want[64];
	uint32_t len = rarp(want, mac, vlan);

	ck_assert_uint_gt(c->n, i);
	ck_assert_uint_eq(c->f[i].len, len);
	ck_assert_mem_eq(c->f[i].data, want, len);
}

START_TEST(port_id_spreads_ports)
{
	struct tx t;
	uint8_t f[64];

	tx_setup(&t, 0, 2, VSW_LB_PORT_ID);
	/* a is index 2 -> active[0]; b is index 3 -> active[1] */
	ck_assert_ptr_eq(cur(t.a), t.u[0]);
	ck_assert_ptr_eq(cur(t.b), t.u[1]);
	ck_frame(f, mac_x, mac_a, NULL, 0, 0x0800, 46);
	ck_assert_int_eq(sent_on(t.a, f, 60), 0);
	ck_frame(f, mac_x, mac_b, NULL, 0, 0x0800, 46);
	ck_assert_int_eq(sent_on(t.b, f, 60), 1);
	/* every frame of a port takes its uplink, whatever its source MAC */
	ck_frame(f, mac_x, mac_x, NULL, 0, 0x0800, 46);
	ck_assert_int_eq(sent_on(t.a, f, 60), 0);
	vsw_switch_free(t.sw);
}
END_TEST

START_TEST(notify_on_connect)
{
	struct tx t;

	tx_setup(&t, 10, 2, VSW_LB_PORT_ID);
	/* adding a and b announced each on its uplink, tagged for VLAN 10 */
	ck_assert_uint_eq(cap_u[0].n, 1);
	assert_rarp(&cap_u[0], 0, mac_a, 10);
	ck_assert_uint_eq(cap_u[1].n, 1);
	assert_rarp(&cap_u[1], 0, mac_b, 10);
	ck_assert_uint_eq(vsw_port_counter(t.u[0], VSW_CTR_RARP_SENT), 1);
	/* disconnect and reconnect a: announced again */
	clear_caps();
	ck_ok(vsw_port_set_link(t.a, 0));
	ck_assert_uint_eq(cap_u[0].n, 0);
	ck_ok(vsw_port_set_link(t.a, 1));
	ck_assert_uint_eq(cap_u[0].n, 1);
	assert_rarp(&cap_u[0], 0, mac_a, 10);
	/* notify switches off: silence */
	clear_caps();
	ck_ok(vsw_portgroup_policy_set(t.pg, VSW_POL_NOTIFY_SWITCHES, 0));
	ck_ok(vsw_port_set_link(t.a, 0));
	ck_ok(vsw_port_set_link(t.a, 1));
	ck_assert_uint_eq(cap_u[0].n + cap_u[1].n, 0);
	vsw_switch_free(t.sw);
}
END_TEST

START_TEST(rarp_untagged_for_est_and_vgt)
{
	struct tx t;

	tx_setup(&t, 0, 1, VSW_LB_PORT_ID);
	assert_rarp(&cap_u[0], 0, mac_a, 0);
	vsw_switch_free(t.sw);
	tx_setup(&t, 4095, 1, VSW_LB_PORT_ID);
	assert_rarp(&cap_u[0], 0, mac_a, 0);
	assert_rarp(&cap_u[0], 1, mac_b, 0);
	vsw_switch_free(t.sw);
}
END_TEST

START_TEST(failover_to_standby_and_failback)
{
	const char *act[] = { "vmnic0", "vmnic1" }, *stb[] = { "vmnic2" };
	struct tx t;
	uint8_t f[64];

	tx_setup(&t, 10, 3, VSW_LB_PORT_ID);
	ck_ok(vsw_portgroup_set_teaming(t.pg, act, 2, stb, 1));
	ck_assert_ptr_eq(cur(t.a), t.u[1]); /* index 3 % 2 */
	ck_assert_ptr_eq(cur(t.b), t.u[0]); /* index 4 % 2 */
	clear_caps();
	/* vmnic1 fails: a moves to the standby, b stays; one RARP, for a, on vmnic2 */
	ck_ok(vsw_port_set_link(t.u[1], 0));
	ck_assert_ptr_eq(cur(t.a), t.u[2]);
	ck_assert_ptr_eq(cur(t.b), t.u[0]);
	ck_assert_uint_eq(cap_u[2].n, 1);
	assert_rarp(&cap_u[2], 0, mac_a, 10);
	ck_assert_uint_eq(cap_u[0].n + cap_u[1].n, 0);
	ck_frame(f, mac_x, mac_a, NULL, 0, 0x0800, 46);
	ck_assert_int_eq(sent_on(t.a, f, 60), 2);
	/* vmnic1 recovers: failback, and a is announced there */
	clear_caps();
	ck_ok(vsw_port_set_link(t.u[1], 1));
	ck_assert_ptr_eq(cur(t.a), t.u[1]);
	ck_assert_uint_eq(cap_u[1].n, 1);
	assert_rarp(&cap_u[1], 0, mac_a, 10);
	ck_assert_int_eq(sent_on(t.a, f, 60), 1);
	vsw_switch_free(t.sw);
}
END_TEST

START_TEST(failback_off_stays)
{
	const char *act[] = { "vmnic0", "vmnic1" }, *stb[] = { "vmnic2" };
	struct tx t;

	tx_setup(&t, 0, 3, VSW_LB_PORT_ID);
	ck_ok(vsw_portgroup_set_teaming(t.pg, act, 2, stb, 1));
	ck_ok(vsw_portgroup_policy_set(t.pg, VSW_POL_FAILBACK, 0));
	ck_ok(vsw_port_set_link(t.u[1], 0));
	ck_assert_ptr_eq(cur(t.a), t.u[2]);
	clear_caps();
	ck_ok(vsw_port_set_link(t.u[1], 1));
	ck_assert_ptr_eq(cur(t.a), t.u[2]);  /* no failback */
	ck_assert_uint_eq(cap_u[0].n + cap_u[1].n + cap_u[2].n, 0);
	/* until its uplink fails in turn */
	ck_ok(vsw_port_set_link(t.u[2], 0));
	ck_assert_ptr_eq(cur(t.a), t.u[1]);
	vsw_switch_free(t.sw);
}
END_TEST

START_TEST(rehash_without_standby)
{
	struct tx t;

	tx_setup(&t, 0, 3, VSW_LB_PORT_ID);
	/* three actives: a (3) -> vmnic0, b (4) -> vmnic1 */
	ck_assert_ptr_eq(cur(t.a), t.u[0]);
	ck_assert_ptr_eq(cur(t.b), t.u[1]);
	ck_ok(vsw_port_set_link(t.u[0], 0));
	/* a rehashes over the usable actives {vmnic1, vmnic2}: 3 % 2 = 1 */
	ck_assert_ptr_eq(cur(t.a), t.u[2]);
	ck_assert_ptr_eq(cur(t.b), t.u[1]);    /* b never moves */
	ck_ok(vsw_port_set_link(t.u[1], 0));
	ck_ok(vsw_port_set_link(t.u[2], 0));
	ck_assert_ptr_null(vsw_port_current_uplink(t.a));
	vsw_switch_free(t.sw);
}
END_TEST

START_TEST(explicit_order)
{
	const char *act[] = { "vmnic2", "vmnic0" }, *stb[] = { "vmnic1" };
	struct tx t;

	tx_setup(&t, 0, 3, VSW_LB_EXPLICIT);
	ck_ok(vsw_portgroup_set_teaming(t.pg, act, 2, stb, 1));
	ck_assert_ptr_eq(cur(t.a), t.u[2]);
	ck_assert_ptr_eq(cur(t.b), t.u[2]);
	ck_ok(vsw_port_set_link(t.u[2], 0));
	ck_assert_ptr_eq(cur(t.a), t.u[0]);
	ck_ok(vsw_port_set_link(t.u[0], 0));
	ck_assert_ptr_eq(cur(t.b), t.u[1]);
	ck_ok(vsw_port_set_link(t.u[2], 1));
	ck_assert_ptr_eq(cur(t.a), t.u[2]);
	vsw_switch_free(t.sw);
}
END_TEST

START_TEST(src_mac_hash)
{
	struct tx t;
	uint8_t f[64], src[6];

	tx_setup(&t, 0, 3, VSW_LB_SRC_MAC);
	/* the six bytes XORed, modulo the number of actives */
	for (unsigned int i = 0; i < 12; i++) {
		memcpy(src, mac_a, 6);
		src[5] = (uint8_t)(0x40 + i);
		unsigned int h = src[0] ^ src[1] ^ src[2] ^ src[3] ^ src[4] ^ src[5];
		ck_frame(f, mac_x, src, NULL, 0, 0x0800, 46);
		ck_assert_int_eq(sent_on(t.a, f, 60), (int)(h % 3));
	}
	ck_assert_ptr_eq(cur(t.a), t.u[(0x50 ^ 0x56 ^ 0x0a) % 3]);
	vsw_switch_free(t.sw);
}
END_TEST

static uint32_t ipv4(uint8_t *f, const uint8_t *src_mac, uint32_t sip, uint32_t dip)
{
	uint32_t n = ck_frame(f, mac_x, src_mac, NULL, 0, 0x0800, 46);
	uint8_t *ip = f + 14;

	memset(ip, 0, 20);
	ip[0] = 0x45;
	for (int i = 0; i < 4; i++) {
		ip[12 + i] = (uint8_t)(sip >> (24 - 8 * i));
		ip[16 + i] = (uint8_t)(dip >> (24 - 8 * i));
	}
	return n;
}

static unsigned int fold(uint32_t x)
{
	x ^= x >> 16;
	x ^= x >> 8;
	return x & 0xff;
}

START_TEST(ip_hash_v4_v6)
{
	struct tx t;
	uint8_t f[100];

	tx_setup(&t, 0, 3, VSW_LB_IP_HASH);
	for (uint32_t d = 1; d <= 20; d++) {
		uint32_t sip = 0x0a000001, dip = 0x0a000100 + d * 7;
		ipv4(f, mac_a, sip, dip);
		ck_assert_int_eq(sent_on(t.a, f, 60), (int)(fold(sip ^ dip) % 3));
	}
	/* IPv6: the XOR of the eight address words */
	for (uint8_t d = 1; d <= 10; d++) {
		uint32_t n = ck_frame(f, mac_x, mac_a, NULL, 0, 0x86dd, 60);
		uint8_t *ip = f + 14;
		uint32_t x = 0;
		memset(ip, 0, 40);
		ip[0] = 0x60;
		ip[8] = 0xfd; ip[23] = 1;      /* fd00::1 */
		ip[24] = 0xfd; ip[39] = d;     /* fd00::d */
		for (int i = 8; i < 40; i += 4)
			x ^= (uint32_t)ip[i] << 24 | (uint32_t)ip[i + 1] << 16 |
			     (uint32_t)ip[i + 2] << 8 | ip[i + 3];
		ck_assert_int_eq(sent_on(t.a, f, n), (int)(fold(x) % 3));
	}
	/* non-IP falls back to the source MAC hash */
	ck_frame(f, mac_x, mac_a, NULL, 0, 0x88cc, 46);
	ck_assert_int_eq(sent_on(t.a, f, 60), (int)((0x50 ^ 0x56 ^ 0x0a) % 3));
	/* an uplink down: the flows rehash over the two left */
	ck_ok(vsw_port_set_link(t.u[0], 0));
	ipv4(f, mac_a, 0x0a000001, 0x0a000002);
	ck_assert_int_eq(sent_on(t.a, f, 60), 1 + (int)(fold(0x0a000001 ^ 0x0a000002) % 2));
	vsw_switch_free(t.sw);
}
END_TEST

START_TEST(flood_current_uplink_rule)
{
	const char *act[] = { "vmnic1" };
	struct tx t;
	uint8_t f[64];

	tx_setup(&t, 0, 3, VSW_LB_PORT_ID);
	/* a on vmnic0, b on vmnic1; vmnic2 carries nobody */
	ck_frame(f, ck_bcast, mac_x, NULL, 0, 0x0800, 46);
	ck_send(t.u[2], f, 60);
	ck_assert_uint_eq(cap_a.n + cap_b.n, 0);
	ck_assert_uint_eq(vsw_port_counter(t.u[2], VSW_CTR_NO_RECEIVER), 1);
	ck_send(t.u[0], f, 60);
	ck_assert_uint_eq(cap_a.n, 1);
	ck_assert_uint_eq(cap_b.n, 0);
	/* an uplink unused by the group delivers none of its floods */
	ck_ok(vsw_portgroup_set_teaming(t.pg, act, 1, NULL, 0));
	ck_send(t.u[0], f, 60);
	ck_assert_uint_eq(cap_a.n, 1);
	/* but known unicast is accepted from any uplink */
	ck_frame(f, mac_a, mac_x, NULL, 0, 0x0800, 46);
	ck_send(t.u[0], f, 60);
	ck_assert_uint_eq(cap_a.n, 2);
	vsw_switch_free(t.sw);
}
END_TEST

START_TEST(ip_hash_accepts_floods_from_any_active)
{
	const char *act[] = { "vmnic0", "vmnic1" }, *stb[] = { "vmnic2" };
	struct tx t;
	uint8_t f[64];

	tx_setup(&t, 0, 3, VSW_LB_IP_HASH);
	ck_ok(vsw_portgroup_set_teaming(t.pg, act, 2, stb, 1));
	ck_frame(f, ck_bcast, mac_x, NULL, 0, 0x0800, 46);
	ck_send(t.u[0], f, 60);
	ck_send(t.u[1], f, 60);
	ck_send(t.u[2], f, 60); /* the standby is not active */
	ck_assert_uint_eq(cap_a.n, 2);
	ck_assert_uint_eq(cap_b.n, 2);
	vsw_switch_free(t.sw);
}
END_TEST

START_TEST(ip_hash_on_standby_takes_its_floods)
{
	const char *act[] = { "vmnic0" }, *stb[] = { "vmnic1" };
	struct tx t;
	uint8_t f[64];

	tx_setup(&t, 0, 2, VSW_LB_IP_HASH);
	ck_ok(vsw_portgroup_set_teaming(t.pg, act, 1, stb, 1));
	ck_ok(vsw_port_set_link(t.u[0], 0));
	/* the standby carries the group now: its floods come in */
	ck_frame(f, ck_bcast, mac_x, NULL, 0, 0x0800, 46);
	ck_send(t.u[1], f, 60);
	ck_assert_uint_eq(cap_a.n, 1);
	ck_assert_uint_eq(cap_b.n, 1);
	vsw_switch_free(t.sw);
}
END_TEST

static int config_result = 1;
static unsigned int reconfigure_from_rx(struct vsw_port *port, const struct vsw_frame *f, unsigned int n,
				void *user)
{
	static const uint8_t m[6] = { 0x00, 0x50, 0x56, 0x00, 0x00, 0x77 };
	struct vsw_portgroup *pg = user;

	(void)f;
	(void)n;
	config_result = vsw_vnic_add(pg, "late", m, 0, NULL);
	ck_assert_int_eq(vsw_portgroup_policy_set(pg, VSW_POL_FAILBACK, 0), -EBUSY);
	ck_assert_int_eq(vsw_port_set_link(port, 0), -EBUSY);
	ck_assert_int_eq(vsw_uplink_remove(vsw_port_to_uplink(port)), -EBUSY);
	return n;
}

START_TEST(no_reconfiguration_from_a_rarp_receiver)
{
	struct vsw_switch *sw = ck_switch("s");
	struct vsw_portgroup *pg;
	struct vsw_uplink *u;

	ck_ok(vsw_uplink_add(sw, "vmnic0", 0, &u));
	ck_ok(vsw_portgroup_add(sw, "pg", 0, 0, &pg));
	ck_ok(vsw_port_set_rx(vsw_uplink_port(u), reconfigure_from_rx, pg));
	ck_ok(vsw_vnic_add(pg, "a", mac_a, 0, NULL)); /* its RARP calls the receiver */
	ck_assert_int_eq(config_result, -EBUSY);
	ck_assert_uint_eq(vsw_portgroup_port_count(pg), 1);
	vsw_switch_free(sw);
}
END_TEST

START_TEST(promiscuous_not_gated_by_current_uplink)
{
	struct tx t;
	uint8_t f[64];

	tx_setup(&t, 0, 2, VSW_LB_PORT_ID);
	ck_ok(vsw_portgroup_policy_set(t.pg, VSW_POL_PROMISCUOUS, 1));
	ck_frame(f, ck_bcast, mac_x, NULL, 0, 0x0800, 46);
	ck_send(t.u[0], f, 60);
	ck_send(t.u[1], f, 60);
	ck_assert_uint_eq(cap_a.n, 2);
	ck_assert_uint_eq(cap_b.n, 2);
	vsw_switch_free(t.sw);
}
END_TEST

/* ---- incremental derivation equals a full rebuild ---- */

#define INC_UPLINKS 4
#define INC_PGS 40
#define INC_PER_PG 3
#define INC_PORTS (INC_PGS * INC_PER_PG)

/* Everything derived that a flap or a port group change may touch. */
struct derived {
	uint32_t cur[INC_PORTS], announced[INC_PORTS];
	uint8_t up[INC_PORTS + INC_UPLINKS];
	uint32_t team[INC_PGS][4 * INC_UPLINKS + 2];
	uint32_t n_member[INC_PGS], promisc[INC_PGS][INC_PORTS + 1];
	uint64_t rarps;
	bool need_clock;
};

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static void derived_get(struct vsw_switch *sw, struct vsw_portgroup **pg, struct vsw_port **v,
			struct vsw_port **u, struct derived *d)
{
	memset(d, 0, sizeof(*d));
	for (int i = 0; i < INC_PORTS; i++) {
		d->cur[i] = vsw__hot(v[i])->cur_uplink;
		d->announced[i] = v[i]->announced;
		d->up[i] = vsw__hot(v[i])->up;
	}
	for (int i = 0; i < INC_UPLINKS; i++) {
		d->up[INC_PORTS + i] = vsw__hot(u[i])->up;
		d->rarps += vsw_port_counter(u[i], VSW_CTR_RARP_SENT);
	}
	for (int g = 0; g < INC_PGS; g++) {
		const struct vsw_pg_team *t = &pg[g]->tm;
		const struct vsw_dom *dom = &sw->dom[vsw__pg_domain(pg[g])];
		uint32_t *x = d->team[g];
		*x++ = t->n_act;
		*x++ = t->n_stb;
		for (uint32_t i = 0; i < t->n_act; i++) {
			*x++ = t->act[i];
			*x++ = t->act_ok[i];
		}
		for (uint32_t i = 0; i < t->n_stb; i++) {
			*x++ = t->stb[i];
			*x++ = t->stb_ok[i];
		}
		*x++ = t->first_usable_stb;
		*x++ = t->n_usable_act;
		for (uint32_t i = 0; i < t->n_usable_act; i++)
			*x++ = t->usable_act[i];
		/* flood order carries no meaning: the lists as sets */
		d->n_member[g] = dom->n_member;
		d->promisc[g][0] = dom->n_promisc;
		memcpy(&d->promisc[g][1], dom->promisc, dom->n_promisc * sizeof(uint32_t));
		qsort(&d->promisc[g][1], dom->n_promisc, sizeof(uint32_t), cmp_u32);
	}
	d->need_clock = sw->need_clock;
}

/* Port groups of every kind: load balancing, failback, orders that name
 * the flapped uplink as an active, a standby or not at all; uplinks and
 * vNICs flap, and port groups change policy. After each step the state is
 * what a full rebuild derives, and the rebuild has no RARP left to send. */
START_TEST(incremental_equals_rebuild)
{
	static const char *const names[INC_UPLINKS] = { "vmnic0", "vmnic1", "vmnic2", "vmnic3" };
	static const char *const orders[5][2][3] = {
		{ { NULL } },                                    /* inherited: all active */
		{ { "vmnic0", "vmnic1" }, { "vmnic2" } },
		{ { "vmnic3" }, { "vmnic1", "vmnic0" } },
		{ { NULL }, { "vmnic2", "vmnic3" } },            /* standbys only */
		{ { "vmnic2" }, { NULL } },                      /* names one uplink */
	};
	static const unsigned int n_order[5][2] = { { 0, 0 }, { 2, 1 }, { 1, 2 }, { 0, 2 }, { 1, 0 } };
	static struct derived inc, full;
	struct vsw_switch *sw = ck_switch("s");
	struct vsw_portgroup *pg[INC_PGS];
	struct vsw_port *u[INC_UPLINKS], *v[INC_PORTS];
	struct vsw_uplink *up;
	struct vsw_vnic *vn;
	uint32_t seed = 12345;
	char name[16];

	for (int i = 0; i < INC_UPLINKS; i++) {
		ck_ok(vsw_uplink_add(sw, names[i], 0, &up));
		u[i] = vsw_uplink_port(up);
	}
	for (int g = 0; g < INC_PGS; g++) {
		int o = (g / 8) % 5;
		snprintf(name, sizeof(name), "pg%d", g);
		ck_ok(vsw_portgroup_add(sw, name, g == 0 ? 0 : g == 1 ? VSW_VLAN_TRUNK : (unsigned)g,
					0, &pg[g]));
		ck_ok(vsw_portgroup_policy_set(pg[g], VSW_POL_LOAD_BALANCING, (uint64_t)(g % 4)));
		ck_ok(vsw_portgroup_policy_set(pg[g], VSW_POL_FAILBACK, (uint64_t)((g / 4) % 2)));
		if (o)
			ck_ok(vsw_portgroup_set_teaming(pg[g], orders[o][0], n_order[o][0],
							orders[o][1], n_order[o][1]));
		for (int k = 0; k < INC_PER_PG; k++) {
			int i = g * INC_PER_PG + k;
			uint8_t mac[6] = { 0x00, 0x50, 0x56, 0x01, (uint8_t)(i >> 8), (uint8_t)i };
			snprintf(name, sizeof(name), "v%d", i);
			ck_ok(vsw_vnic_add(pg[g], name, mac, 0, &vn));
			v[i] = vsw_vnic_port(vn);
		}
	}
	for (int step = 0; step < 600; step++) {
		uint32_t r, what;
		seed = seed * 1103515245u + 12345u;
		r = seed >> 8;
		what = r % 10;
		r /= 10;
		if (what < 6) {
			struct vsw_port *p = u[r % INC_UPLINKS];
			ck_ok(vsw_port_set_link(p, !vsw_port_link(p)));
		} else if (what < 8) {
			struct vsw_port *p = v[r % INC_PORTS];
			ck_ok(vsw_port_set_link(p, !vsw_port_link(p)));
		} else {
			struct vsw_portgroup *g = pg[r % INC_PGS];
			uint64_t val;
			r /= INC_PGS;
			switch (r % 4) {
			case 0:
				ck_ok(vsw_portgroup_policy_get(g, VSW_POL_PROMISCUOUS, &val, NULL));
				ck_ok(vsw_portgroup_policy_set(g, VSW_POL_PROMISCUOUS, !val));
				break;
			case 1:
				ck_ok(vsw_portgroup_policy_get(g, VSW_POL_FAILBACK, &val, NULL));
				ck_ok(vsw_portgroup_policy_set(g, VSW_POL_FAILBACK, !val));
				break;
			case 2:
				ck_ok(vsw_portgroup_policy_set(g, VSW_POL_LOAD_BALANCING,
							       (uint64_t)(r / 4 % 4)));
				break;
			default:
				ck_ok(vsw_portgroup_policy_get(g, VSW_POL_MAC_LEARNING, &val, NULL));
				ck_ok(vsw_portgroup_policy_set(g, VSW_POL_MAC_LEARNING, !val));
				break;
			}
		}
		derived_get(sw, pg, v, u, &inc);
		vsw__switch_config_changed(sw); /* a full rebuild */
		derived_get(sw, pg, v, u, &full);
		for (int i = 0; i < INC_PORTS; i++)
			ck_assert_msg(inc.cur[i] == full.cur[i] && inc.announced[i] == full.announced[i],
				      "step %d: %s (port group %d) uses %u, announced %u; a rebuild "
				      "says %u, %u", step, vsw_port_name(v[i]), i / INC_PER_PG,
				      inc.cur[i], inc.announced[i], full.cur[i], full.announced[i]);
		for (int g = 0; g < INC_PGS; g++)
			ck_assert_msg(!memcmp(inc.team[g], full.team[g], sizeof(inc.team[g])),
				      "step %d: port group %d's teaming state", step, g);
		ck_assert_msg(!memcmp(&inc, &full, sizeof(inc)), "step %d: derived state", step);
	}
	vsw_switch_free(sw);
}
END_TEST

Suite *vsw_teaming_suite(void)
{
	Suite *s = suite_create("teaming");
	TCase *tc = tcase_create("teaming");

	tcase_add_test(tc, port_id_spreads_ports);
	tcase_add_test(tc, notify_on_connect);
	tcase_add_test(tc, rarp_untagged_for_est_and_vgt);
	tcase_add_test(tc, failover_to_standby_and_failback);
	tcase_add_test(tc, failback_off_stays);
	tcase_add_test(tc, rehash_without_standby);
	tcase_add_test(tc, explicit_order);
	tcase_add_test(tc, src_mac_hash);
	tcase_add_test(tc, ip_hash_v4_v6);
	tcase_add_test(tc, flood_current_uplink_rule);
	tcase_add_test(tc, ip_hash_accepts_floods_from_any_active);
	tcase_add_test(tc, promiscuous_not_gated_by_current_uplink);
	tcase_add_test(tc, ip_hash_on_standby_takes_its_floods);
	tcase_add_test(tc, no_reconfiguration_from_a_rarp_receiver);
	tcase_add_test(tc, incremental_equals_rebuild);
	suite_add_tcase(s, tc);
	return s;
}
