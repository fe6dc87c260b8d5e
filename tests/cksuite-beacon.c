// SPDX-License-Identifier: MIT
/*
 * Description: beacon probing on a test clock, with the uplinks' rx
 * callbacks and a small "physical switch" in the test that floods each
 * beacon to the other uplinks (or not, for an uplink it cuts off): frames
 * per VLAN byte for byte and the interval, failure after exactly 3 silent
 * intervals with 3 uplinks, ports moving with RARPs to the next active or
 * the standby, recovery with and without failback, the inconclusive case of
 * two uplinks, one uplink alone, a failure on one VLAN only, verdicts that
 * survive unrelated configuration changes, and beacons that never reach a
 * vNIC or another uplink whatever they carry.
 *
 * Port indices: uplinks first (0..n-1), then vNICs a (n) and b (n+1); with
 * port ID teaming over three actives a uses vmnic0 and b vmnic1.
 */
#include <stdlib.h>

#include "cksuite.h"
#include "core/objects.h"

#define SEC 1000000000ull

static const uint8_t mac_a[6] = { 0x00, 0x50, 0x56, 0x00, 0x00, 0x0a };
static const uint8_t mac_b[6] = { 0x00, 0x50, 0x56, 0x00, 0x00, 0x0b };
static const uint8_t mac_x[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };

static struct ck_cap cap_u[4], cap_a, cap_b;
static char logbuf[8192];

struct bx {
	struct vsw_switch *sw;
	struct vsw_portgroup *pg;
	struct vsw_port *u[4], *a, *b;
	unsigned int n;
	uint64_t now;
	bool cut[4];             /* the physical switch carries nothing of it */
	int prune[4];            /* ... or nothing of this VLAN, -1 for none */
};

static uint64_t bx_clock(void *user)
{
	return ((struct bx *)user)->now;
}

static void keep_log(struct vsw_switch *sw, enum vsw_log_level level, void *user,
		     const char *fmt, va_list ap)
{
	size_t n = strlen(logbuf);

	(void)sw;
	(void)user;
	ck_assert_int_gt(level, VSW_LOG_ERR);
	vsnprintf(logbuf + n, sizeof(logbuf) - n, fmt, ap);
	n = strlen(logbuf);
	if (n + 1 < sizeof(logbuf))
		strcpy(logbuf + n, "\n");
}

static void clear_caps(struct bx *x)
{
	for (unsigned int i = 0; i < x->n; i++)
		cap_u[i].n = cap_u[i].calls = 0;
	cap_a.n = cap_b.n = 0;
}

/* 'n' uplinks, port group "pg" on 'vlan' with beacon probing, vNICs a, b. */
static void bx_setup(struct bx *x, unsigned int n, unsigned int vlan)
{
	struct vsw_uplink *u;
	struct vsw_vnic *v;
	char name[16];

	memset(x, 0, sizeof(*x));
	logbuf[0] = 0;
	x->n = n;
	x->now = 5 * SEC;
	x->sw = ck_switch("s");
	ck_ok(vsw_switch_set_log(x->sw, keep_log, VSW_LOG_DEBUG, NULL));
	ck_ok(vsw_switch_set_clock(x->sw, bx_clock, x));
	for (unsigned int i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "vmnic%u", i);
		ck_ok(vsw_uplink_add(x->sw, name, 0, &u));
		x->u[i] = vsw_uplink_port(u);
		ck_capture(x->u[i], &cap_u[i]);
		x->prune[i] = -1;
	}
	ck_ok(vsw_portgroup_add(x->sw, "pg", vlan, 0, &x->pg));
	ck_ok(vsw_portgroup_policy_set(x->pg, VSW_POL_FAILURE_DETECTION, VSW_DETECT_BEACON));
	ck_ok(vsw_vnic_add(x->pg, "a", mac_a, 0, &v));
	x->a = vsw_vnic_port(v);
	ck_ok(vsw_vnic_add(x->pg, "b", mac_b, 0, &v));
	x->b = vsw_vnic_port(v);
	ck_capture(x->a, &cap_a);
	ck_capture(x->b, &cap_b);
	clear_caps(x);
}

static struct vsw_uplink *up(const struct bx *x, unsigned int i)
{
	return vsw_port_to_uplink(x->u[i]);
}

static int beacon_vid(const uint8_t *f, uint32_t len)
{
	if (len >= 18 && f[12] == 0x81 && f[13] == 0x00 && f[16] == 0x05 && f[17] == 0xff)
		return (f[14] & 0x0f) << 8 | f[15];
	if (len >= 14 && f[12] == 0x05 && f[13] == 0xff)
		return 0;
	return -1;
}

static bool carries(const struct bx *x, unsigned int i, int vid)
{
	return !x->cut[i] && x->prune[i] != vid;
}

/* The physical switch: every beacon an uplink sent reaches the others. */
static void wire(struct bx *x)
{
	static struct ck_cap sent[4];

	for (unsigned int i = 0; i < x->n; i++)
		sent[i] = cap_u[i];
	for (unsigned int i = 0; i < x->n; i++)
		for (unsigned int k = 0; k < sent[i].n && k < CK_CAP_FRAMES; k++) {
			int vid = beacon_vid(sent[i].f[k].data, sent[i].f[k].len);
			if (vid < 0 || !carries(x, i, vid))
				continue;
			for (unsigned int j = 0; j < x->n; j++)
				if (j != i && carries(x, j, vid))
					ck_send(x->u[j], sent[i].f[k].data, sent[i].f[k].len);
		}
}

/* One interval later: a poll (judge, then send) and the wire. */
static void bx_round(struct bx *x)
{
	x->now += SEC;
	clear_caps(x);
	ck_assert_int_ge(vsw_switch_poll(x->sw, 0), 0);
	wire(x);
}

static unsigned int count_ethertype(const struct ck_cap *c, uint16_t et)
{
	unsigned int n = 0;

	for (unsigned int k = 0; k < c->n && k < CK_CAP_FRAMES; k++) {
		const uint8_t *f = c->f[k].data;
		unsigned int at = f[12] == 0x81 && f[13] == 0 ? 16 : 12;
		n += (f[at] << 8 | f[at + 1]) == et;
	}
	return n;
}

/* Which uplink did an unknown unicast from 'p' leave by? */
static int sent_on(struct bx *x, struct vsw_port *p, const uint8_t *src)
{
	uint8_t f[64];
	int which = -1;

	clear_caps(x);
	ck_frame(f, mac_x, src, NULL, 0, 0x0800, 46);
	ck_send(p, f, 60);
	for (unsigned int i = 0; i < x->n; i++)
		if (cap_u[i].n) {
			ck_assert_int_eq(which, -1);
			which = (int)i;
		}
	return which;
}

static struct vsw_port *cur(struct vsw_port *p)
{
	return vsw_uplink_port(vsw_port_current_uplink(p));
}

/* The beacon vmnic'i' sends on 'vid' in round 'round', built by hand. */
static uint32_t expect(const struct bx *x, unsigned int i, uint16_t vid, uint32_t round,
		       const uint8_t mac[6], uint8_t *f)
{
	uint64_t id = x->sw->bcn.id;
	uint32_t serial = up(x, i)->bcn.serial, n = 12;
	char name[16];

	snprintf(name, sizeof(name), "vmnic%u", i);
	memset(f, 0, 128);
	memset(f, 0xff, 6);
	memcpy(f + 6, mac, 6);
	if (vid) {
		f[n++] = 0x81; f[n++] = 0x00;
		f[n++] = (uint8_t)(vid >> 8); f[n++] = (uint8_t)vid;
	}
	f[n++] = 0x05; f[n++] = 0xff;
	memcpy(f + n, "VSWB", 4);
	f[n + 4] = 1;                              /* version */
	f[n + 6] = (uint8_t)(vid >> 8); f[n + 7] = (uint8_t)vid;
	for (int b = 0; b < 8; b++)
		f[n + 8 + b] = (uint8_t)(id >> (56 - 8 * b));
	for (int b = 0; b < 4; b++) {
		f[n + 16 + b] = (uint8_t)(serial >> (24 - 8 * b));
		f[n + 20 + b] = (uint8_t)(round >> (24 - 8 * b));
	}
	strcpy((char *)f + n + 24, name);
	return vid ? 64 : 60;
}

START_TEST(frames_per_vlan_byte_for_byte)
{
	struct vsw_portgroup *pg;
	uint8_t want[128], mac[2][6];
	struct bx x;

	bx_setup(&x, 2, 10);
	/* VLAN 0 and trunk port groups probe untagged, once; link status ones not */
	ck_ok(vsw_portgroup_add(x.sw, "est", 0, 0, &pg));
	ck_ok(vsw_portgroup_policy_set(pg, VSW_POL_FAILURE_DETECTION, VSW_DETECT_BEACON));
	ck_ok(vsw_portgroup_add(x.sw, "trunk", 4095, 0, &pg));
	ck_ok(vsw_portgroup_policy_set(pg, VSW_POL_FAILURE_DETECTION, VSW_DETECT_BEACON));
	ck_ok(vsw_portgroup_add(x.sw, "other", 20, 0, NULL));
	clear_caps(&x);
	ck_assert_int_ge(vsw_switch_poll(x.sw, 0), 0);
	ck_assert_uint_ne(x.sw->bcn.id, 0);
	for (unsigned int i = 0; i < 2; i++) {
		ck_assert_uint_eq(cap_u[i].n, 2);
		ck_assert_uint_eq(vsw_port_counter(x.u[i], VSW_CTR_BEACON_SENT), 2);
		/* a made-up source: locally administered unicast, one per uplink */
		memcpy(mac[i], cap_u[i].f[0].data + 6, 6);
		ck_assert_uint_eq(mac[i][0], 0x02);
		ck_assert_uint_eq(expect(&x, i, 0, 1, mac[i], want), cap_u[i].f[0].len);
		ck_assert_mem_eq(cap_u[i].f[0].data, want, 60);
		ck_assert_uint_eq(expect(&x, i, 10, 1, mac[i], want), cap_u[i].f[1].len);
		ck_assert_mem_eq(cap_u[i].f[1].data, want, 64);
	}
	ck_assert_mem_ne(mac[0], mac[1], 6);
	wire(&x);
	ck_assert_uint_eq(vsw_port_counter(x.u[0], VSW_CTR_BEACON_RX), 2);
	ck_assert_uint_eq(vsw_port_counter(x.u[1], VSW_CTR_BEACON_RX), 2);

	/* nothing before the interval is over; then round 2, same sources */
	x.now += SEC - 1;
	clear_caps(&x);
	ck_assert_int_ge(vsw_switch_poll(x.sw, 0), 0);
	ck_assert_uint_eq(cap_u[0].n + cap_u[1].n, 0);
	x.now += 1;
	ck_assert_int_ge(vsw_switch_poll(x.sw, 0), 0);
	ck_assert_uint_eq(cap_u[1].n, 2);
	expect(&x, 1, 10, 2, mac[1], want);
	ck_assert_mem_eq(cap_u[1].f[1].data, want, 64);
	ck_assert_uint_eq(vsw_uplink_beacon_state(up(&x, 0)), VSW_BEACON_OK);
	ck_assert_uint_eq(vsw_uplink_beacon_vlan_state(up(&x, 0), 4095), VSW_BEACON_OK);
	ck_assert_uint_eq(vsw_uplink_beacon_vlan_state(up(&x, 0), 20), VSW_BEACON_OFF);
	/* the vNICs never saw a beacon */
	ck_assert_uint_eq(vsw_port_counter(x.a, VSW_CTR_TX_PACKETS), 0);
	vsw_switch_free(x.sw);
}
END_TEST

START_TEST(interval_is_a_switch_setting)
{
	struct bx x;

	bx_setup(&x, 2, 0);
	ck_assert_uint_eq(vsw_switch_beacon_interval(x.sw), VSW_BEACON_INTERVAL_DEFAULT);
	ck_assert_int_eq(vsw_switch_set_beacon_interval(x.sw, 99), -EINVAL);
	ck_assert_int_eq(vsw_switch_set_beacon_interval(x.sw, 60001), -EINVAL);
	ck_assert_int_eq(vsw_switch_set_beacon_interval(NULL, 500), -EINVAL);
	ck_assert_uint_eq(vsw_switch_beacon_interval(NULL), 0);
	ck_assert_int_ge(vsw_switch_poll(x.sw, 0), 0);
	ck_assert_uint_eq(cap_u[0].n, 1);
	/* shorter: applies now, not after the second that was due */
	ck_ok(vsw_switch_set_beacon_interval(x.sw, 250));
	ck_assert_uint_eq(vsw_switch_beacon_interval(x.sw), 250);
	for (int i = 1; i <= 8; i++) {
		x.now += 125000000ull;
		ck_assert_int_ge(vsw_switch_poll(x.sw, 0), 0);
		ck_assert_uint_eq(cap_u[0].n, 1u + (unsigned int)i / 2);
	}
	vsw_switch_free(x.sw);
}
END_TEST

/* Three uplinks, vmnic0 cut off after two good rounds. Returns the number
 * of rounds from the cut to the failure. */
static int cut_and_detect(struct bx *x, unsigned int which)
{
	int rounds = 0;

	bx_round(x);
	bx_round(x);
	ck_assert_uint_eq(vsw_uplink_beacon_state(up(x, which)), VSW_BEACON_OK);
	x->cut[which] = true;
	while (vsw_uplink_beacon_state(up(x, which)) != VSW_BEACON_FAILED && rounds < 10) {
		bx_round(x);
		rounds++;
	}
	return rounds;
}

START_TEST(three_silent_intervals_fail_an_uplink)
{
	struct bx x;

	bx_setup(&x, 3, 10);
	ck_assert_ptr_eq(cur(x.a), x.u[0]);
	ck_assert_ptr_eq(cur(x.b), x.u[1]);
	/* the poll that judges the 3rd silent round: 3 intervals after the
	 * last beacon vmnic0 heard */
	ck_assert_int_eq(cut_and_detect(&x, 0), 4);
	ck_assert_uint_eq(vsw_port_counter(x.u[0], VSW_CTR_BEACON_MISSED), 3);
	ck_assert_uint_eq(vsw_port_counter(x.u[1], VSW_CTR_BEACON_MISSED), 0);
	ck_assert_uint_eq(vsw_uplink_beacon_state(up(&x, 1)), VSW_BEACON_OK);
	ck_assert_uint_eq(vsw_uplink_beacon_state(up(&x, 2)), VSW_BEACON_OK);
	ck_assert_ptr_nonnull(strstr(logbuf, "VLAN 10: vmnic0 hears no other uplink for 3 intervals"));
	/* a rehashed over the usable actives (index 2 % 2: vmnic2), announced
	 * there; b did not move and was not announced again */
	ck_assert_ptr_eq(cur(x.a), x.u[2]);
	ck_assert_ptr_eq(cur(x.b), x.u[1]);
	ck_assert_uint_eq(count_ethertype(&cap_u[2], 0x8035), 1);
	ck_assert_uint_eq(count_ethertype(&cap_u[1], 0x8035), 0);
	ck_assert_uint_eq(vsw_port_counter(x.u[2], VSW_CTR_RARP_SENT), 1);
	ck_assert_int_eq(sent_on(&x, x.a, mac_a), 2);
	/* the failed uplink keeps probing, so that it can recover */
	bx_round(&x);
	ck_assert_uint_eq(count_ethertype(&cap_u[0], 0x05ff), 1);
	/* link status port groups still use it */
	ck_ok(vsw_portgroup_policy_set(x.pg, VSW_POL_FAILURE_DETECTION, VSW_DETECT_LINK_STATUS));
	ck_assert_ptr_eq(cur(x.a), x.u[0]);
	vsw_switch_free(x.sw);
}
END_TEST

START_TEST(an_uplink_nobody_hears_fails_too)
{
	struct bx x;

	bx_setup(&x, 3, 0);
	bx_round(&x);
	/* vmnic2 hears everyone but its own beacons go nowhere */
	for (int r = 0; r < 4; r++) {
		x.now += SEC;
		clear_caps(&x);
		ck_assert_int_ge(vsw_switch_poll(x.sw, 0), 0);
		cap_u[2].n = 0;
		wire(&x);
	}
	ck_assert_uint_eq(vsw_uplink_beacon_state(up(&x, 2)), VSW_BEACON_FAILED);
	ck_assert_uint_eq(vsw_port_counter(x.u[2], VSW_CTR_BEACON_MISSED), 0);
	ck_assert_ptr_nonnull(strstr(logbuf, "vmnic2 is heard by no other uplink"));
	vsw_switch_free(x.sw);
}
END_TEST

START_TEST(recovery_fails_back_with_a_rarp)
{
	struct bx x;

	bx_setup(&x, 3, 10);
	cut_and_detect(&x, 0);
	ck_assert_ptr_eq(cur(x.a), x.u[2]);
	x.cut[0] = false;
	bx_round(&x);            /* vmnic0's beacons get through again */
	ck_assert_uint_eq(vsw_uplink_beacon_state(up(&x, 0)), VSW_BEACON_FAILED);
	bx_round(&x);            /* judged: back */
	ck_assert_uint_eq(vsw_uplink_beacon_state(up(&x, 0)), VSW_BEACON_OK);
	ck_assert_ptr_eq(cur(x.a), x.u[0]);
	ck_assert_uint_eq(count_ethertype(&cap_u[0], 0x8035), 1);
	ck_assert_ptr_nonnull(strstr(logbuf, "vmnic0 hears the team again (was failed)"));
	vsw_switch_free(x.sw);
}
END_TEST

START_TEST(without_failback_ports_stay)
{
	struct bx x;

	bx_setup(&x, 3, 10);
	ck_ok(vsw_portgroup_policy_set(x.pg, VSW_POL_FAILBACK, 0));
	cut_and_detect(&x, 0);
	ck_assert_ptr_eq(cur(x.a), x.u[2]);
	x.cut[0] = false;
	bx_round(&x);
	bx_round(&x);
	ck_assert_uint_eq(vsw_uplink_beacon_state(up(&x, 0)), VSW_BEACON_OK);
	ck_assert_ptr_eq(cur(x.a), x.u[2]);
	ck_assert_uint_eq(count_ethertype(&cap_u[0], 0x8035), 0);
	vsw_switch_free(x.sw);
}
END_TEST

START_TEST(standby_takes_over)
{
	const char *act[] = { "vmnic0", "vmnic1" }, *stb[] = { "vmnic2" };
	struct bx x;

	bx_setup(&x, 3, 0);
	ck_ok(vsw_portgroup_set_teaming(x.pg, act, 2, stb, 1));
	/* a is index 3: active[1] */
	ck_assert_ptr_eq(cur(x.a), x.u[1]);
	ck_assert_int_eq(cut_and_detect(&x, 1), 4);
	ck_assert_ptr_eq(cur(x.a), x.u[2]);
	ck_assert_uint_eq(count_ethertype(&cap_u[2], 0x8035), 1);
	ck_assert_ptr_eq(cur(x.b), x.u[0]);
	vsw_switch_free(x.sw);
}
END_TEST

START_TEST(two_uplinks_are_inconclusive)
{
	struct bx x;

	bx_setup(&x, 2, 0);
	ck_assert_ptr_eq(cur(x.a), x.u[0]);
	ck_assert_ptr_eq(cur(x.b), x.u[1]);
	ck_assert_int_eq(cut_and_detect(&x, 1), 10); /* never failed */
	ck_assert_uint_eq(vsw_uplink_beacon_state(up(&x, 0)), VSW_BEACON_INCONCLUSIVE);
	ck_assert_uint_eq(vsw_uplink_beacon_state(up(&x, 1)), VSW_BEACON_INCONCLUSIVE);
	ck_assert_ptr_nonnull(strstr(logbuf, "the fault cannot be located"));
	/* both stay in use: nothing moved, b still sends on vmnic1 */
	ck_assert_ptr_eq(cur(x.a), x.u[0]);
	ck_assert_ptr_eq(cur(x.b), x.u[1]);
	ck_assert_int_eq(sent_on(&x, x.b, mac_b), 1);
	ck_assert_uint_eq(vsw_port_counter(x.u[0], VSW_CTR_RARP_SENT), 1);
	x.cut[1] = false;
	bx_round(&x);
	bx_round(&x);
	ck_assert_uint_eq(vsw_uplink_beacon_state(up(&x, 0)), VSW_BEACON_OK);
	ck_assert_uint_eq(vsw_uplink_beacon_state(up(&x, 1)), VSW_BEACON_OK);
	vsw_switch_free(x.sw);
}
END_TEST

START_TEST(located_fault_stands_when_a_third_goes_down)
{
	uint64_t sent;
	struct bx x;

	bx_setup(&x, 3, 0);
	cut_and_detect(&x, 0);
	/* vmnic2's link goes: vmnic1 is alone with the failed vmnic0 and hears
	 * no one, but the fault was located and stays so */
	ck_ok(vsw_port_set_link(x.u[2], 0));
	bx_round(&x);
	bx_round(&x);
	bx_round(&x);
	bx_round(&x);
	ck_assert_uint_eq(vsw_uplink_beacon_state(up(&x, 0)), VSW_BEACON_FAILED);
	ck_assert_uint_eq(vsw_uplink_beacon_state(up(&x, 1)), VSW_BEACON_INCONCLUSIVE);
	ck_assert_uint_eq(vsw_uplink_beacon_state(up(&x, 2)), VSW_BEACON_OFF);
	ck_assert_ptr_eq(cur(x.a), x.u[1]);
	/* vmnic1 too: vmnic0 is all that is left, and is used */
	ck_ok(vsw_port_set_link(x.u[1], 0));
	sent = vsw_port_counter(x.u[0], VSW_CTR_BEACON_SENT);
	bx_round(&x);
	ck_assert_uint_eq(vsw_uplink_beacon_state(up(&x, 0)), VSW_BEACON_ALONE);
	ck_assert_ptr_eq(cur(x.a), x.u[0]);
	bx_round(&x);
	/* alone: no one to tell */
	ck_assert_uint_eq(vsw_port_counter(x.u[0], VSW_CTR_BEACON_SENT), sent);
	vsw_switch_free(x.sw);
}
END_TEST

START_TEST(all_failed_left_are_used)
{
	struct bx x;

	bx_setup(&x, 4, 0);
	bx_round(&x);
	x.cut[2] = x.cut[3] = true;
	for (int r = 0; r < 4; r++)
		bx_round(&x);
	ck_assert_uint_eq(vsw_uplink_beacon_state(up(&x, 2)), VSW_BEACON_FAILED);
	ck_assert_uint_eq(vsw_uplink_beacon_state(up(&x, 3)), VSW_BEACON_FAILED);
	ck_assert_ptr_eq(cur(x.a), x.u[0]); /* index 4: active[0] */
	/* the two that worked go down: an old verdict must not leave the port
	 * groups without an uplink, so the two left are inconclusive and used */
	ck_ok(vsw_port_set_link(x.u[0], 0));
	ck_ok(vsw_port_set_link(x.u[1], 0));
	ck_assert_ptr_null(vsw_port_current_uplink(x.a));
	bx_round(&x);
	ck_assert_uint_eq(vsw_uplink_beacon_state(up(&x, 2)), VSW_BEACON_INCONCLUSIVE);
	ck_assert_uint_eq(vsw_uplink_beacon_state(up(&x, 3)), VSW_BEACON_INCONCLUSIVE);
	ck_assert_ptr_nonnull(vsw_port_current_uplink(x.a));
	vsw_switch_free(x.sw);
}
END_TEST

START_TEST(one_uplink_cannot_detect)
{
	struct bx x;

	bx_setup(&x, 1, 0);
	bx_round(&x);
	bx_round(&x);
	ck_assert_uint_eq(vsw_uplink_beacon_state(up(&x, 0)), VSW_BEACON_ALONE);
	ck_assert_uint_eq(vsw_port_counter(x.u[0], VSW_CTR_BEACON_SENT), 0);
	ck_assert_ptr_eq(cur(x.a), x.u[0]);
	vsw_switch_free(x.sw);
}
END_TEST

START_TEST(link_up_again_gets_a_grace)
{
	struct bx x;

	bx_setup(&x, 3, 0);
	bx_round(&x);
	ck_ok(vsw_port_set_link(x.u[0], 0));
	for (int r = 0; r < 5; r++)
		bx_round(&x);
	ck_assert_uint_eq(vsw_uplink_beacon_state(up(&x, 0)), VSW_BEACON_OFF);
	ck_assert_uint_eq(vsw_uplink_beacon_state(up(&x, 1)), VSW_BEACON_OK);
	ck_assert_uint_eq(vsw_port_counter(x.u[0], VSW_CTR_BEACON_MISSED), 0);
	/* up again: not failed for the rounds it was down, not even once */
	ck_ok(vsw_port_set_link(x.u[0], 1));
	bx_round(&x);
	ck_assert_uint_eq(vsw_uplink_beacon_state(up(&x, 0)), VSW_BEACON_OK);
	bx_round(&x);
	ck_assert_uint_eq(vsw_uplink_beacon_state(up(&x, 0)), VSW_BEACON_OK);
	ck_assert_ptr_eq(cur(x.a), x.u[0]);
	/* but cut while up, it fails after its 3 rounds */
	x.cut[0] = true;
	for (int r = 0; r < 3; r++)
		bx_round(&x);
	ck_assert_uint_eq(vsw_uplink_beacon_state(up(&x, 0)), VSW_BEACON_OK);
	bx_round(&x);
	ck_assert_uint_eq(vsw_uplink_beacon_state(up(&x, 0)), VSW_BEACON_FAILED);
	vsw_switch_free(x.sw);
}
END_TEST

START_TEST(a_fault_on_one_vlan_only)
{
	struct vsw_portgroup *pg20;
	struct vsw_vnic *v;
	struct vsw_port *c;
	const uint8_t mac_c[6] = { 0x00, 0x50, 0x56, 0x00, 0x00, 0x0c };
	const char *order[] = { "vmnic2", "vmnic0" };
	struct bx x;

	bx_setup(&x, 3, 10);
	ck_ok(vsw_portgroup_add(x.sw, "pg20", 20, 0, &pg20));
	ck_ok(vsw_portgroup_policy_set(pg20, VSW_POL_FAILURE_DETECTION, VSW_DETECT_BEACON));
	ck_ok(vsw_vnic_add(pg20, "c", mac_c, 0, &v)); /* index 5: vmnic2 */
	c = vsw_vnic_port(v);
	ck_assert_ptr_eq(cur(c), x.u[2]);
	/* VLAN 20 is pruned from vmnic2's trunk on the physical switch */
	x.prune[2] = 20;
	for (int r = 0; r < 6; r++)
		bx_round(&x);
	ck_assert_uint_eq(vsw_uplink_beacon_vlan_state(up(&x, 2), 20), VSW_BEACON_FAILED);
	ck_assert_uint_eq(vsw_uplink_beacon_vlan_state(up(&x, 2), 10), VSW_BEACON_OK);
	ck_assert_uint_eq(vsw_uplink_beacon_state(up(&x, 2)), VSW_BEACON_FAILED);
	ck_assert_ptr_ne(cur(c), x.u[2]);
	/* VLAN 10 still uses it; VLAN 20 does not, even as its first choice */
	ck_ok(vsw_portgroup_set_teaming(x.pg, order, 1, order + 1, 1));
	ck_ok(vsw_portgroup_set_teaming(pg20, order, 1, order + 1, 1));
	ck_assert_ptr_eq(cur(x.a), x.u[2]);
	ck_assert_ptr_eq(cur(c), x.u[0]);
	vsw_switch_free(x.sw);
}
END_TEST

START_TEST(verdicts_survive_configuration_changes)
{
	const uint8_t mac_c[6] = { 0x00, 0x50, 0x56, 0x00, 0x00, 0x0c };
	struct vsw_portgroup *pg;
	struct vsw_uplink *nine;
	struct vsw_vnic *c;
	struct bx x;

	bx_setup(&x, 3, 10);
	cut_and_detect(&x, 0);
	ck_ok(vsw_vnic_add(x.pg, "c", mac_c, 0, &c));
	ck_ok(vsw_portgroup_add(x.sw, "more", 30, 0, &pg));
	ck_ok(vsw_portgroup_policy_set(pg, VSW_POL_FAILURE_DETECTION, VSW_DETECT_BEACON));
	ck_ok(vsw_switch_policy_set(x.sw, VSW_POL_PROMISCUOUS, 0));
	clear_caps(&x);
	ck_assert_int_ge(vsw_switch_poll(x.sw, 0), 0); /* derives; no round due */
	ck_assert_uint_eq(vsw_uplink_beacon_vlan_state(up(&x, 0), 10), VSW_BEACON_FAILED);
	ck_assert_uint_eq(vsw_uplink_beacon_vlan_state(up(&x, 0), 30), VSW_BEACON_OFF);
	ck_assert_ptr_eq(cur(x.a), x.u[2]);
	ck_assert_uint_eq(count_ethertype(&cap_u[0], 0x8035) + count_ethertype(&cap_u[1], 0x8035) +
			  count_ethertype(&cap_u[2], 0x8035), 0);
	/* the new VLAN starts clean and fails in its own time */
	bx_round(&x);
	ck_assert_uint_eq(vsw_uplink_beacon_vlan_state(up(&x, 0), 30), VSW_BEACON_OK);
	/* a removed uplink's verdict goes with it: a new one in its index is
	 * usable at once (c, index 5, hashes onto the third active, vmnic9) */
	ck_ok(vsw_uplink_remove(up(&x, 0)));
	ck_assert_ptr_eq(cur(x.a), x.u[2]);
	ck_ok(vsw_uplink_add(x.sw, "vmnic9", 0, &nine));
	ck_assert_uint_eq(vsw_uplink_port(nine)->idx, 0);
	ck_assert_uint_eq(vsw_uplink_beacon_state(nine), VSW_BEACON_OFF);
	ck_assert_ptr_eq(cur(vsw_vnic_port(c)), vsw_uplink_port(nine));
	x.u[0] = vsw_uplink_port(nine);
	bx_round(&x);
	ck_assert_uint_eq(vsw_uplink_beacon_state(nine), VSW_BEACON_OK);
	vsw_switch_free(x.sw);
}
END_TEST

START_TEST(beacons_reach_no_vnic_and_no_uplink)
{
	struct vsw_portgroup *tr;
	struct vsw_vnic *v;
	struct vsw_port *t;
	struct ck_cap cap_t;
	const uint8_t mac_t[6] = { 0x00, 0x50, 0x56, 0x00, 0x00, 0x0e };
	uint8_t f[128], g[128];
	uint32_t len;
	struct bx x;

	bx_setup(&x, 3, 10);
	/* a promiscuous trunk port would see everything there is to see; VLAN
	 * 0 is probed too, by the trunk port group */
	ck_ok(vsw_portgroup_add(x.sw, "trunk", 4095, 0, &tr));
	ck_ok(vsw_portgroup_policy_set(tr, VSW_POL_FAILURE_DETECTION, VSW_DETECT_BEACON));
	ck_ok(vsw_portgroup_policy_set(tr, VSW_POL_PROMISCUOUS, 1));
	ck_ok(vsw_portgroup_policy_set(x.pg, VSW_POL_PROMISCUOUS, 1));
	ck_ok(vsw_vnic_add(tr, "t", mac_t, 0, &v));
	t = vsw_vnic_port(v);
	ck_capture(t, &cap_t);
	bx_round(&x);
	bx_round(&x);
	/* rounds sent and wired: only the uplinks took them in */
	ck_assert_uint_eq(vsw_port_counter(x.u[0], VSW_CTR_BEACON_RX), 8);
	ck_assert_uint_eq(cap_a.n + cap_b.n + cap_t.n, 0);

	/* vmnic1's beacon of the last round on VLAN 10, as it left */
	x.now += SEC;
	clear_caps(&x);
	ck_assert_int_ge(vsw_switch_poll(x.sw, 0), 0);
	ck_assert_int_eq(beacon_vid(cap_u[1].f[1].data, cap_u[1].f[1].len), 10);
	len = cap_u[1].f[1].len;
	memcpy(f, cap_u[1].f[1].data, len);
	clear_caps(&x);
	/* its own beacon coming back to it; another switch's; one sent on
	 * VLAN 10 arriving untagged; a short one; a foreign protocol's */
	ck_send(x.u[1], f, len);
	memcpy(g, f, len);
	g[18 + 8] ^= 1;
	ck_send(x.u[0], g, len);
	memcpy(g, f, 12);
	memcpy(g + 12, f + 16, len - 16);
	ck_send(x.u[0], g, len - 4);
	ck_send(x.u[0], f, 20);
	ck_frame(g, ck_bcast, mac_x, NULL, 0, 0x05ff, 46);
	ck_send(x.u[0], g, 60);
	ck_assert_uint_eq(vsw_port_counter(x.u[1], VSW_CTR_BEACON_IGNORED), 1);
	ck_assert_uint_eq(vsw_port_counter(x.u[0], VSW_CTR_BEACON_IGNORED), 4);
	/* and a good one, from the trunk side (VSW_FRAME_VLAN_TCI) */
	memcpy(g, f, 12);
	memcpy(g + 12, f + 16, len - 16);
	ck_send_tci(x.u[0], g, len - 4, 10);
	ck_assert_uint_eq(vsw_port_counter(x.u[0], VSW_CTR_BEACON_RX), 9);
	for (unsigned int i = 0; i < 3; i++) {
		ck_assert_uint_eq(cap_u[i].n, 0);
		ck_assert_uint_eq(ck_drops(x.u[i]), 0);
	}
	ck_assert_uint_eq(cap_a.n + cap_b.n + cap_t.n, 0);
	/* without beacon probing anywhere they are still consumed */
	ck_ok(vsw_portgroup_policy_set(x.pg, VSW_POL_FAILURE_DETECTION, VSW_DETECT_LINK_STATUS));
	ck_ok(vsw_portgroup_policy_clear(tr, VSW_POL_FAILURE_DETECTION));
	ck_assert_int_ge(vsw_switch_poll(x.sw, 0), 0);
	ck_send(x.u[0], f, len);
	ck_assert_uint_eq(vsw_port_counter(x.u[0], VSW_CTR_BEACON_IGNORED), 5);
	ck_assert_uint_eq(cap_a.n + cap_b.n + cap_t.n + cap_u[1].n + cap_u[2].n, 0);
	vsw_switch_free(x.sw);
}
END_TEST

START_TEST(counter_names)
{
	ck_assert_str_eq(vsw_counter_name(VSW_CTR_BEACON_SENT), "beacon_sent");
	ck_assert_str_eq(vsw_counter_name(VSW_CTR_BEACON_RX), "beacon_rx");
	ck_assert_str_eq(vsw_counter_name(VSW_CTR_BEACON_MISSED), "beacon_missed");
	ck_assert_str_eq(vsw_counter_name(VSW_CTR_BEACON_IGNORED), "beacon_ignored");
	ck_assert_int_eq(vsw_counter_kind(VSW_CTR_BEACON_MISSED), VSW_CTR_KIND_EVENT);
	ck_assert_ptr_null(vsw_counter_name(VSW_CTR_COUNT));
	ck_assert_uint_eq(vsw_uplink_beacon_state(NULL), VSW_BEACON_OFF);
	ck_assert_uint_eq(vsw_uplink_beacon_vlan_state(NULL, 0), VSW_BEACON_OFF);
}
END_TEST

Suite *vsw_beacon_suite(void)
{
	Suite *s = suite_create("beacon");
	TCase *tc = tcase_create("probing");

	tcase_add_test(tc, frames_per_vlan_byte_for_byte);
	tcase_add_test(tc, interval_is_a_switch_setting);
	tcase_add_test(tc, three_silent_intervals_fail_an_uplink);
	tcase_add_test(tc, an_uplink_nobody_hears_fails_too);
	tcase_add_test(tc, recovery_fails_back_with_a_rarp);
	tcase_add_test(tc, without_failback_ports_stay);
	tcase_add_test(tc, standby_takes_over);
	tcase_add_test(tc, two_uplinks_are_inconclusive);
	tcase_add_test(tc, located_fault_stands_when_a_third_goes_down);
	tcase_add_test(tc, all_failed_left_are_used);
	tcase_add_test(tc, one_uplink_cannot_detect);
	tcase_add_test(tc, link_up_again_gets_a_grace);
	tcase_add_test(tc, a_fault_on_one_vlan_only);
	tcase_add_test(tc, verdicts_survive_configuration_changes);
	tcase_add_test(tc, beacons_reach_no_vnic_and_no_uplink);
	tcase_add_test(tc, counter_names);
	suite_add_tcase(s, tc);
	return s;
}
