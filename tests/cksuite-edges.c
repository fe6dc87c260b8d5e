// SPDX-License-Identifier: MIT
/*
 * Description: the core's edges (issue 13): the rewrite arena filled to its
 * last byte, the MAC table's learned counts when a static address takes an
 * entry over, a learned address moving to the physical network, walks under
 * the busy rule, an empty active list, the MAC table's fair share, and the
 * warning for a backend that cannot carry the switch's MTU. Each test fails
 * on b7fad2d (the arena one under AddressSanitizer or valgrind, which the
 * suite runs in).
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>

#include "cksuite.h"

#include <vsw_backend.h>

static const uint8_t mac_t1[6] = { 0x00, 0x50, 0x56, 0x00, 0x01, 0x01 };
static const uint8_t mac_t2[6] = { 0x00, 0x50, 0x56, 0x00, 0x01, 0x02 };
static const uint8_t mac_v[6] = { 0x00, 0x50, 0x56, 0x00, 0x01, 0x03 };
static const uint8_t mac_a[6] = { 0x00, 0x50, 0x56, 0x00, 0x00, 0x0a };
static const uint8_t mac_b[6] = { 0x00, 0x50, 0x56, 0x00, 0x00, 0x0b };
static const uint8_t mac_x[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };
static const uint8_t nested[6] = { 0x00, 0x0c, 0x29, 0x00, 0x00, 0x01 };
static const uint8_t nested2[6] = { 0x00, 0x0c, 0x29, 0x00, 0x00, 0x02 };

static uint64_t now_ns;

static uint64_t test_clock(void *user)
{
	(void)user;
	return now_ns;
}

/* What a port received: frame count, and the length and first bytes of the
 * last frame, checked against what the sender put in. */
struct seen {
	unsigned int n;
	uint32_t last_len;
	unsigned int bad;        /* frames whose bytes were not the sender's */
	uint32_t want_len;       /* 0: any */
	int want_tag;            /* -1 any, 0 untagged, 1 tagged */
};

static unsigned int on_rx(struct vsw_port *port, const struct vsw_frame *f, unsigned int n, void *user)
{
	struct seen *s = user;

	(void)port;
	for (unsigned int i = 0; i < n; i++) {
		bool tagged = f[i].len >= 16 && f[i].data[12] == 0x81 && f[i].data[13] == 0x00;
		uint32_t body = tagged ? 16 : 12;

		s->n++;
		s->last_len = f[i].len;
		if (s->want_len && f[i].len != s->want_len)
			s->bad++;
		if (s->want_tag >= 0 && (int)tagged != s->want_tag)
			s->bad++;
		/* the payload's counting pattern survives the rewrite whole */
		for (uint32_t j = body + 2; j < f[i].len; j++)
			if (f[i].data[j] != (uint8_t)((j - body - 2) * 7 + 1)) {
				s->bad++;
				break;
			}
	}
	return n;
}

/*
 * Defect 3: ensure_room() reserved VAR_N * (len + 4) but each rewrite
 * advanced the arena by its length rounded up to 8. A broadcast from a trunk
 * vNIC with an out-of-band tag needs three rewrites (untagged for a VST
 * member, re-tagged for another trunk, as sent for the uplink); with
 * len = 9001 they take 3 * 9008 bytes for a reserve of 27015. Filler frames
 * bring the arena to exactly 1 MiB - 27016 first, so the third copy ran 5
 * bytes past the arena.
 */
START_TEST(arena_three_rewrites_at_the_limit)
{
	VSW_OPTS(vsw_switch_opts, o, .mtu = 9000);
	struct vsw_portgroup *trunk, *vst;
	struct vsw_vnic *t1, *t2, *v;
	struct vsw_uplink *u;
	struct seen s_t2 = { .want_tag = 1 }, s_v = { .want_tag = 0 }, s_u = { .want_tag = 1 };
	static uint8_t fill[9008], last[9018];
	struct vsw_frame f[256] = { 0 };
	const uint32_t L = 9001, target = (1u << 20) - (3 * L + 13);
	unsigned int nf = 0;
	uint32_t used = 0;
	struct vsw_switch *sw = ck_switch_opts("s", &o);

	ck_ok(vsw_uplink_add(sw, "vmnic0", 0, &u));
	ck_ok(vsw_portgroup_add(sw, "trunk", 4095, 0, &trunk));
	ck_ok(vsw_portgroup_add(sw, "v10", 10, 0, &vst));
	ck_ok(vsw_vnic_add(trunk, "t1", mac_t1, 0, &t1));
	ck_ok(vsw_vnic_add(trunk, "t2", mac_t2, 0, &t2));
	ck_ok(vsw_vnic_add(vst, "v", mac_v, 0, &v));
	ck_ok(vsw_port_set_rx(vsw_vnic_port(t2), on_rx, &s_t2));
	ck_ok(vsw_port_set_rx(vsw_vnic_port(v), on_rx, &s_v));
	ck_ok(vsw_port_set_rx(vsw_uplink_port(u), on_rx, &s_u));
	/* the fillers: known unicast to v, one untagged rewrite each */
	ck_frame(fill, mac_v, mac_t1, NULL, 0, 0x0800, sizeof(fill) - 14);
	while (used < target) {
		uint32_t len = target - used >= sizeof(fill) ? (uint32_t)sizeof(fill) : target - used;
		ck_assert_uint_eq(len % 8, 0);
		f[nf++] = (struct vsw_frame){ .data = fill, .len = len, .vlan_tci = 10,
					      .flags = VSW_FRAME_VLAN_TCI };
		used += len;
	}
	ck_frame(last, ck_bcast, mac_t1, NULL, 0, 0x0800, L - 14);
	f[nf++] = (struct vsw_frame){ .data = last, .len = L, .vlan_tci = 10,
				      .flags = VSW_FRAME_VLAN_TCI };
	ck_assert_uint_le(nf, VSW_BATCH_MAX);
	ck_ok(vsw_port_input(vsw_vnic_port(t1), f, nf));
	ck_assert_uint_eq(s_v.n, nf);
	ck_assert_uint_eq(s_v.last_len, L);
	ck_assert_uint_eq(s_t2.n, 1);
	ck_assert_uint_eq(s_t2.last_len, L + 4);
	ck_assert_uint_eq(s_u.n, 1);
	ck_assert_uint_eq(s_u.last_len, L + 4);
	ck_assert_uint_eq(s_v.bad + s_t2.bad + s_u.bad, 0);
	/* and full batches of jumbo floods, every length around the rounding */
	for (uint32_t len = 9000; len <= 9014; len++) {
		for (unsigned int i = 0; i < VSW_BATCH_MAX; i++)
			f[i] = (struct vsw_frame){ .data = last, .len = len, .vlan_tci = 10,
						   .flags = VSW_FRAME_VLAN_TCI };
		ck_frame(last, ck_bcast, mac_t1, NULL, 0, 0x0800, len - 14);
		s_t2.n = 0;
		ck_ok(vsw_port_input(vsw_vnic_port(t1), f, VSW_BATCH_MAX));
		ck_assert_uint_eq(s_t2.n, VSW_BATCH_MAX);
	}
	ck_assert_uint_eq(s_v.bad + s_t2.bad + s_u.bad, 0);
	vsw_switch_free(sw);
}
END_TEST

/* A learning port group: uplink vmnic0, vNICs a and b, forged transmits
 * reject, so that a refused learn shows as a forged drop. */
struct lfx {
	struct vsw_switch *sw;
	struct vsw_portgroup *pg;
	struct vsw_port *a, *b, *u;
};

static void lfx_setup(struct lfx *x, unsigned int max_macs, unsigned int limit)
{
	VSW_OPTS(vsw_switch_opts, o, .max_macs = max_macs);
	struct vsw_vnic *a, *b;
	struct vsw_uplink *u;

	x->sw = ck_switch_opts("s", &o);
	now_ns = 1000ull * 1000000000ull;
	ck_ok(vsw_switch_set_clock(x->sw, test_clock, NULL));
	ck_ok(vsw_uplink_add(x->sw, "vmnic0", 0, &u));
	ck_ok(vsw_portgroup_add(x->sw, "pg", 0, 0, &x->pg));
	ck_ok(vsw_vnic_add(x->pg, "a", mac_a, 0, &a));
	ck_ok(vsw_vnic_add(x->pg, "b", mac_b, 0, &b));
	x->a = vsw_vnic_port(a);
	x->b = vsw_vnic_port(b);
	x->u = vsw_uplink_port(u);
	ck_ok(vsw_switch_policy_set(x->sw, VSW_POL_FORGED_TRANSMITS, 0));
	ck_ok(vsw_portgroup_policy_set(x->pg, VSW_POL_MAC_LEARNING, 1));
	ck_ok(vsw_portgroup_policy_set(x->pg, VSW_POL_MAC_LIMIT, limit));
}

static void send_from(struct vsw_port *p, const uint8_t *dst, const uint8_t *src)
{
	uint8_t buf[64];

	ck_send(p, buf, ck_frame(buf, dst, src, NULL, 0, 0x0800, 46));
}

/* Defect 5: a static address displacing a learned one gives the learner its
 * count back; with mac_limit=1 the learner could otherwise never learn. */
START_TEST(static_takeover_returns_the_learned_count)
{
	struct vsw_vnic *c;
	struct lfx x;

	lfx_setup(&x, 0, 1);
	send_from(x.a, mac_x, nested);
	ck_assert_uint_eq(vsw_port_counter(x.a, VSW_CTR_FORGED), 0);
	/* a VM with that MAC appears on the switch: its own address wins */
	ck_ok(vsw_vnic_add(x.pg, "c", nested, 0, &c));
	/* a holds no learned entry now, so it may learn another */
	send_from(x.a, mac_x, nested2);
	ck_assert_uint_eq(vsw_port_counter(x.a, VSW_CTR_LEARN_REFUSED), 0);
	ck_assert_uint_eq(vsw_port_counter(x.a, VSW_CTR_FORGED), 0);
	/* the same through a MAC change of b */
	ck_ok(vsw_vnic_set_mac(vsw_port_to_vnic(x.b), nested2));
	send_from(x.a, mac_x, mac_x);
	ck_assert_uint_eq(vsw_port_counter(x.a, VSW_CTR_LEARN_REFUSED), 0);
	ck_assert_uint_eq(vsw_port_counter(x.a, VSW_CTR_FORGED), 0);
	vsw_switch_free(x.sw);
}
END_TEST

/* Defect 6: a learned address that went quiet behind its vNIC and now
 * arrives from the physical network moves; only a fresh one (the switch's
 * own flood coming back) is a reflection. */
START_TEST(learned_address_moves_to_the_uplink)
{
	struct seen s_b = { .want_tag = -1 };
	struct lfx x;

	lfx_setup(&x, 0, 0);
	ck_ok(vsw_port_set_rx(x.b, on_rx, &s_b));
	send_from(x.a, ck_bcast, nested);
	/* within the same second: a reflection of that flood */
	send_from(x.u, ck_bcast, nested);
	ck_assert_uint_eq(vsw_port_counter(x.u, VSW_CTR_REFLECTED), 1);
	/* a vMotion later, the VM answers from the physical network */
	ck_assert_uint_eq(s_b.n, 1); /* a's flood */
	now_ns += 5ull * 1000000000ull;
	send_from(x.u, ck_bcast, nested);
	ck_assert_uint_eq(vsw_port_counter(x.u, VSW_CTR_REFLECTED), 1);
	ck_assert_uint_eq(s_b.n, 2);
	send_from(x.u, ck_bcast, nested);
	ck_assert_uint_eq(vsw_port_counter(x.u, VSW_CTR_REFLECTED), 1);
	ck_assert_uint_eq(s_b.n, 3);
	/* and is no longer behind a: unicast to it leaves on the uplink */
	uint64_t a_tx = vsw_port_counter(x.a, VSW_CTR_TX_PACKETS);
	uint64_t u_tx = vsw_port_counter(x.u, VSW_CTR_TX_PACKETS);
	send_from(x.b, nested, mac_b);
	ck_assert_uint_eq(vsw_port_counter(x.a, VSW_CTR_TX_PACKETS), a_tx);
	ck_assert_uint_eq(vsw_port_counter(x.u, VSW_CTR_TX_PACKETS), u_tx + 1);
	/* a's learned count went with the entry: with limit 1 it learns again */
	ck_ok(vsw_portgroup_policy_set(x.pg, VSW_POL_MAC_LIMIT, 1));
	send_from(x.a, mac_x, nested2);
	ck_assert_uint_eq(vsw_port_counter(x.a, VSW_CTR_LEARN_REFUSED), 0);
	vsw_switch_free(x.sw);
}
END_TEST

/* Defect 7: the MAC-table walk follows the busy rule. */
struct walk_ctx {
	struct vsw_switch *sw;
	struct vsw_vnic *victim;
	int remove_result;
	int calls;
};

static int walk_and_meddle(const struct vsw_fdb_entry_info *e, void *user)
{
	struct walk_ctx *c = user;

	(void)e;
	c->calls++;
	c->remove_result = vsw_vnic_remove(c->victim);
	vsw_switch_free(c->sw); /* refused: the walk still runs */
	return 0;
}

START_TEST(fdb_walk_is_busy)
{
	struct lfx x;
	struct walk_ctx c = { 0 };

	lfx_setup(&x, 0, 0);
	c.sw = x.sw;
	c.victim = vsw_port_to_vnic(x.b);
	ck_assert_int_eq(vsw_switch_fdb_foreach(x.sw, walk_and_meddle, &c), 0);
	ck_assert_int_eq(c.calls, 2);
	ck_assert_int_eq(c.remove_result, -EBUSY);
	/* after the walk the switch is free to change again */
	ck_ok(vsw_vnic_remove(c.victim));
	vsw_switch_free(x.sw);
}
END_TEST

/* Defect 10: a port group with no active uplink, as ESXi allows. */
START_TEST(empty_active_list)
{
	static const char *const stb[] = { "vmnic1" };
	struct vsw_uplink *u1;
	struct seen s0 = { .want_tag = -1 }, s1 = { .want_tag = -1 };
	struct lfx x;

	lfx_setup(&x, 0, 0);
	ck_ok(vsw_uplink_add(x.sw, "vmnic1", 0, &u1));
	ck_ok(vsw_port_set_rx(x.u, on_rx, &s0));
	ck_ok(vsw_port_set_rx(vsw_uplink_port(u1), on_rx, &s1));
	/* standby only: the standby carries the traffic (after the RARPs
	 * that announce the move, which notify_switches sends) */
	ck_ok(vsw_portgroup_set_teaming(x.pg, NULL, 0, stb, 1));
	ck_ok(vsw_portgroup_policy_set(x.pg, VSW_POL_NOTIFY_SWITCHES, 0));
	s0.n = s1.n = 0;
	send_from(x.a, mac_x, mac_a);
	ck_assert_uint_eq(s0.n, 0);
	ck_assert_uint_eq(s1.n, 1);
	/* all unused: dropped as no_uplink */
	ck_ok(vsw_portgroup_set_teaming(x.pg, NULL, 0, NULL, 0));
	send_from(x.a, mac_x, mac_a);
	ck_assert_uint_eq(s0.n + s1.n, 1);
	ck_assert_uint_eq(vsw_port_counter(x.a, VSW_CTR_NO_UPLINK), 1);
	/* the switch's own order may be empty too */
	ck_ok(vsw_switch_set_teaming(x.sw, NULL, 0, NULL, 0));
	ck_assert_int_eq(vsw_switch_set_teaming(x.sw, NULL, 1, NULL, 0), -EINVAL);
	vsw_switch_free(x.sw);
}
END_TEST

/* Defect 13: one port's flood of source addresses cannot starve another
 * port's learning, and the capacity is the caller's to choose. */
START_TEST(mac_table_fair_share)
{
	uint8_t src[6] = { 0x00, 0x0c, 0x29, 0x10, 0x00, 0x00 };
	struct lfx x;

	lfx_setup(&x, 64, 0);
	for (unsigned int i = 0; i < 1000; i++) {
		src[4] = (uint8_t)(i >> 8);
		src[5] = (uint8_t)i;
		send_from(x.a, mac_x, src);
	}
	ck_assert_uint_gt(vsw_port_counter(x.a, VSW_CTR_LEARN_REFUSED), 0);
	/* b's nested guests still learn, taking entries from a */
	send_from(x.b, mac_x, nested);
	send_from(x.b, mac_x, nested2);
	ck_assert_uint_eq(vsw_port_counter(x.b, VSW_CTR_LEARN_REFUSED), 0);
	ck_assert_uint_eq(vsw_port_counter(x.b, VSW_CTR_FORGED), 0);
	vsw_switch_free(x.sw);

	/* a capacity above the old fixed 4096, used to the last entry */
	lfx_setup(&x, 10000, 1000000);
	for (unsigned int i = 0; i < 10000; i++) {
		src[3] = (uint8_t)(i >> 16);
		src[4] = (uint8_t)(i >> 8);
		src[5] = (uint8_t)i;
		send_from(x.a, mac_x, src);
	}
	ck_assert_uint_eq(vsw_port_counter(x.a, VSW_CTR_LEARN_REFUSED), 0);
	src[3] = 0x7f;
	send_from(x.a, mac_x, src);
	ck_assert_uint_eq(vsw_port_counter(x.a, VSW_CTR_LEARN_REFUSED), 1);
	vsw_switch_free(x.sw);
}
END_TEST

/* A switch MTU that a port's backend cannot carry is logged, not silent. */
static int narrow_open(struct vsw_backend *be, const char *arg, const char *options)
{
	(void)be; (void)arg; (void)options;
	return 0;
}
static void narrow_close(struct vsw_backend *be) { (void)be; }
static int narrow_recv(struct vsw_backend *be, struct vsw_frame *f, unsigned int n)
{
	(void)be; (void)f; (void)n;
	return 0;
}
static int narrow_send(struct vsw_backend *be, const struct vsw_frame *f, unsigned int n)
{
	(void)be; (void)f;
	return (int)n;
}
static int narrow_mtu(struct vsw_backend *be)
{
	(void)be;
	return 1500;
}

static char last_warning[256];

static void keep_warning(struct vsw_switch *sw, enum vsw_log_level level, void *user,
			 const char *fmt, va_list ap)
{
	(void)sw; (void)user;
	if (level == VSW_LOG_WARNING)
		vsnprintf(last_warning, sizeof(last_warning), fmt, ap);
}

START_TEST(mtu_above_backend_is_logged)
{
	static const struct vsw_backend_ops ops = {
		.size = sizeof(ops), .name = "narrow", .open = narrow_open, .close = narrow_close,
		.recv = narrow_recv, .send = narrow_send, .mtu = narrow_mtu,
	};
	struct vsw_uplink *u;
	struct vsw_switch *sw = ck_switch("s");

	ck_ok(vsw_backend_register(&ops));
	ck_ok(vsw_switch_set_log(sw, keep_warning, VSW_LOG_DEBUG, NULL));
	ck_ok(vsw_uplink_add(sw, "vmnic0", 0, &u));
	ck_ok(vsw_port_attach(vsw_uplink_port(u), "narrow:x", NULL));
	last_warning[0] = 0;
	ck_ok(vsw_switch_set_mtu(sw, 1500));
	ck_assert_str_eq(last_warning, "");
	ck_ok(vsw_switch_set_mtu(sw, 9000));
	ck_assert_ptr_nonnull(strstr(last_warning, "vmnic0"));
	ck_assert_ptr_nonnull(strstr(last_warning, "1500"));
	vsw_switch_free(sw);
	ck_ok(vsw_backend_unregister("narrow"));
}
END_TEST

Suite *vsw_edges_suite(void)
{
	Suite *s = suite_create("edges");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, arena_three_rewrites_at_the_limit);
	tcase_add_test(tc, static_takeover_returns_the_learned_count);
	tcase_add_test(tc, learned_address_moves_to_the_uplink);
	tcase_add_test(tc, fdb_walk_is_busy);
	tcase_add_test(tc, empty_active_list);
	tcase_add_test(tc, mac_table_fair_share);
	tcase_add_test(tc, mtu_above_backend_is_logged);
	suite_add_tcase(s, tc);
	return s;
}
